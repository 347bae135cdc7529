"""
Pure technical-analysis helpers for ``TechnicalActor``: what NautilusTrader has no indicator for.

Trade-level momentum and the 1-hour trend come from a time-indexed price buffer
(``PriceHistory``). Lookup convention ("as of", inclusive): the reference price of a window
``w`` at time ``t`` is the price of the latest recorded trade with ``ts <= t - w``; a trade
exactly ``w`` before ``t`` counts. Among trades with one timestamp the last one recorded wins.
No trade at or before ``t - w`` means not enough history, and the value is NaN.

No Nautilus, clock or I/O imports: every function here is deterministic in its arguments.
"""

import math
from bisect import bisect_right
from dataclasses import dataclass

__all__ = [
    "BarFeatures",
    "PriceHistory",
    "ema_diff_norm",
    "percent_b",
    "simple_return",
    "trend_sign",
]

_NAN = math.nan
# Compact the buffer's dead prefix once it holds this many entries (amortised O(1) per append)
_COMPACT_AT = 4096


@dataclass(frozen=True, slots=True)
class BarFeatures:
    """
    The bar-based indicator values of one closed bar (NaN until each indicator initialises).

    Parameters
    ----------
    rsi_7 : float
        RSI(7), 0–1 scale.
    rsi_14 : float
        RSI(14), 0–1 scale.
    rsi_30 : float
        RSI(30), 0–1 scale.
    macd_signal : float
        The 9-period EMA of MACD(12, 26), price units.
    stoch_k : float
        Stochastic %K(14), 0–100 scale.
    bollinger_pct_b : float
        Bollinger %B(20, 2σ) of the bar close.
    atr : float
        ATR(14), price units.
    ema_diff_norm : float
        (EMA(9) − EMA(21)) / bar close.
    initialized : bool
        If every indicator behind these values is initialised.

    """

    rsi_7: float = _NAN
    rsi_14: float = _NAN
    rsi_30: float = _NAN
    macd_signal: float = _NAN
    stoch_k: float = _NAN
    bollinger_pct_b: float = _NAN
    atr: float = _NAN
    ema_diff_norm: float = _NAN
    initialized: bool = False


def simple_return(price_now: float, price_then: float) -> float:
    """
    Return ``price_now / price_then - 1``.

    Parameters
    ----------
    price_now : float
        The current price.
    price_then : float
        The reference (earlier) price.

    Returns
    -------
    float
        The simple return, NaN if either price is NaN or ``price_then`` is not positive.

    """
    if not price_then > 0.0 or math.isnan(price_now):
        return _NAN
    return price_now / price_then - 1.0


def trend_sign(ret: float) -> float:
    """
    Return the sign of a return as −1.0, 0.0 or 1.0.

    Parameters
    ----------
    ret : float
        The return.

    Returns
    -------
    float
        ``1.0`` if positive, ``-1.0`` if negative, ``0.0`` if zero, NaN if ``ret`` is NaN.

    """
    if math.isnan(ret):
        return _NAN
    if ret > 0.0:
        return 1.0
    if ret < 0.0:
        return -1.0
    return 0.0


def percent_b(close: float, lower: float, upper: float) -> float:
    """
    Return Bollinger %B, ``(close − lower) / (upper − lower)``.

    Parameters
    ----------
    close : float
        The close price.
    lower : float
        The lower band.
    upper : float
        The upper band.

    Returns
    -------
    float
        %B (0 at the lower band, 1 at the upper band; outside [0, 1] beyond the bands), NaN
        when the bands have zero (or negative, or non-finite) width, e.g. a flat window.

    """
    width = upper - lower
    if not width > 0.0 or math.isinf(width):
        return _NAN
    return (close - lower) / width


def ema_diff_norm(ema_fast: float, ema_slow: float, price: float) -> float:
    """
    Return the normalised EMA difference, ``(ema_fast − ema_slow) / price``.

    Parameters
    ----------
    ema_fast : float
        The fast EMA (9).
    ema_slow : float
        The slow EMA (21).
    price : float
        The normalising price.

    Returns
    -------
    float
        The difference as a fraction of ``price``, NaN if ``price`` is not positive.

    """
    if not price > 0.0:
        return _NAN
    return (ema_fast - ema_slow) / price


class PriceHistory:
    """
    A time-indexed buffer of trade prices with as-of lookups over a bounded horizon.

    Entries must arrive in non-decreasing timestamp order. With ``resolution_ns > 0`` the
    buffer keeps one entry per ``resolution_ns`` bucket (the last trade in it, with its own
    timestamp), which bounds memory over long horizons at the cost of a lookup error of at most
    one bucket. With ``resolution_ns == 0`` every distinct timestamp is kept exactly.

    Parameters
    ----------
    horizon_ns : int
        The longest look-back that lookups need (> 0); older entries are discarded, except the
        latest one at or before the horizon, which the as-of rule still needs.
    resolution_ns : int, default 0
        The bucket width in nanoseconds (>= 0).

    Raises
    ------
    ValueError
        If ``horizon_ns`` is not positive or ``resolution_ns`` is negative.

    """

    def __init__(self, horizon_ns: int, resolution_ns: int = 0) -> None:
        if horizon_ns <= 0:
            raise ValueError(f"horizon_ns must be positive, was {horizon_ns}")
        if resolution_ns < 0:
            raise ValueError(f"resolution_ns must be non-negative, was {resolution_ns}")
        self._horizon_ns = horizon_ns
        self._resolution_ns = resolution_ns
        self._ts: list[int] = []
        self._px: list[float] = []
        self._start = 0  # index of the first live entry; entries before it are dead

    def __len__(self) -> int:
        return len(self._ts) - self._start

    @property
    def last_price(self) -> float:
        """
        Return the latest recorded price (NaN when empty).
        """
        return self._px[-1] if len(self) else _NAN

    def clear(self) -> None:
        """
        Remove every entry.
        """
        self._ts.clear()
        self._px.clear()
        self._start = 0

    def append(self, ts_ns: int, price: float) -> None:
        """
        Record a trade price.

        Parameters
        ----------
        ts_ns : int
            The trade timestamp (UNIX nanoseconds), not earlier than the last one recorded.
        price : float
            The trade price.

        Raises
        ------
        ValueError
            If ``ts_ns`` is earlier than the last recorded timestamp.

        """
        ts = self._ts
        if len(ts) > self._start:
            last = ts[-1]
            if ts_ns < last:
                raise ValueError(f"ts_ns {ts_ns} is earlier than the last entry {last}")
            if ts_ns == last or self._same_bucket(last, ts_ns):
                ts[-1] = ts_ns
                self._px[-1] = price
                return
        ts.append(ts_ns)
        self._px.append(price)
        self._prune(ts_ns)

    def price_at_or_before(self, ts_ns: int) -> float:
        """
        Return the price of the latest entry with a timestamp at or before ``ts_ns``.

        Parameters
        ----------
        ts_ns : int
            The as-of time (UNIX nanoseconds).

        Returns
        -------
        float
            The price, NaN if no live entry is that old.

        """
        index = bisect_right(self._ts, ts_ns, lo=self._start) - 1
        if index < self._start:
            return _NAN
        return self._px[index]

    def momentum(self, ts_ns: int, window_ns: int) -> float:
        """
        Return the return from the as-of price at ``ts_ns − window_ns`` to the latest price.

        Parameters
        ----------
        ts_ns : int
            The evaluation time (normally the latest trade's or bar's timestamp).
        window_ns : int
            The look-back window in nanoseconds (at most the horizon).

        Returns
        -------
        float
            ``last_price / price_at_or_before(ts_ns − window_ns) − 1``, NaN without enough
            history.

        """
        return simple_return(self.last_price, self.price_at_or_before(ts_ns - window_ns))

    def _same_bucket(self, a_ns: int, b_ns: int) -> bool:
        res = self._resolution_ns
        return res > 0 and a_ns // res == b_ns // res

    def _prune(self, now_ns: int) -> None:
        # Keep the latest entry at or before the horizon: it is the as-of anchor of the
        # longest window, so only entries strictly before it are dead
        anchor = bisect_right(self._ts, now_ns - self._horizon_ns, lo=self._start) - 1
        if anchor > self._start:
            self._start = anchor
        if self._start >= _COMPACT_AT:
            del self._ts[: self._start]
            del self._px[: self._start]
            self._start = 0
