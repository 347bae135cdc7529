"""
BTC 5-minute up/down markets on Polymarket, driven by the catalog's one BTC mid path.

As on the venue: "Bitcoin Up or Down - June 1, 9:00AM-9:05AM ET", outcomes Up (the YES token)
and Down, tick 0.01, crypto taker fees at rate 0.07, event slug ``btc-updown-5m-<window start
unix>``. Each market is listed ``listing_lead_minutes`` before its window opens and trades until
the window closes. Up wins if and only if the mid at the window end is at least the mid at the
window start (``resolve_window``, on the integer-tick path, so an unchanged price is Up).

The Up price follows a lagged view of BTC: ``Φ(log(S(t - lag) / S_open) / (σ √(seconds left)))``
plus slowly varying probit noise, clipped to ``[0.01, 0.99]``; before the window opens the
open is unknown and the price hovers around 0.5. Books and prints then come from the same
generators as every other market (``market.arrays_from_path``). Numpy in, numpy out.
"""

import datetime as dt
import math
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np

from catalog.synthetic import ids
from catalog.synthetic.btc import NS_PER_MS
from catalog.synthetic.btc import NS_PER_SECOND
from catalog.synthetic.btc import SECONDS_PER_YEAR
from catalog.synthetic.btc import mid_at
from catalog.synthetic.market import MarketArrays
from catalog.synthetic.market import arrays_from_path
from catalog.synthetic.specs import MarketKnobs
from catalog.synthetic.specs import MarketSpec
from catalog.synthetic.trades import TradeParams

NS_PER_MINUTE = 60 * NS_PER_SECOND
NS_PER_HOUR = 60 * NS_PER_MINUTE
NS_PER_DAY = 24 * NS_PER_HOUR
UPDOWN_STREAM = 2_000_000  # RNG stream key of the universe draw
FIRST_INDEX = 10_000  # market indices (ids and RNG streams) of up/down markets start here
_ET = ZoneInfo("America/New_York")
_NOISE_KERNEL = 60
_UPDOWN_TRADES = TradeParams(prob_per_update=0.4)


@dataclass(frozen=True)
class UpDownParams:
    """
    Knobs of the up/down block and of each market's Up price.

    Parameters
    ----------
    block_start_hour : int
        UTC hour of the first window each day (13 = 9:00AM EDT).
    window_minutes : int
        Window length.
    listing_lead_minutes : int
        Minutes a market trades before its window opens.
    belief_vol : float
        Annualised BTC volatility the Up price assumes.
    min_lag_ms : int
        Shortest lag of the Up price behind BTC.
    max_lag_ms : int
        Longest lag.
    noise_sd : float
        Standard deviation of the probit noise.
    noise_persistence : float
        AR(1)-like persistence of the noise per book update.
    min_gap_ms : int
        Shortest gap between book updates.
    max_gap_ms : int
        Longest gap between book updates.
    price_floor : float
        Lowest Up price.
    price_cap : float
        Highest Up price.
    trade : TradeParams
        Print knobs (more active than the long-dated markets).

    """

    block_start_hour: int = 13
    window_minutes: int = 5
    listing_lead_minutes: int = 10
    belief_vol: float = 0.55
    min_lag_ms: int = 2_000
    max_lag_ms: int = 6_000
    noise_sd: float = 0.06
    noise_persistence: float = 0.97
    min_gap_ms: int = 2_000
    max_gap_ms: int = 6_000
    price_floor: float = 0.01
    price_cap: float = 0.99
    trade: TradeParams = _UPDOWN_TRADES


@dataclass(frozen=True)
class UpDownWindow:
    """
    One up/down market: its spec plus the BTC prices it resolves on.

    Parameters
    ----------
    spec : MarketSpec
        The market (``start_ns`` = listing, ``end_ns`` = window end, ``yes_wins`` = Up won).
    window_start_ns : int
        The window start.
    open_ticks : int
        BTC mid at the window start (0.1 USDT ticks).
    close_ticks : int
        BTC mid at the window end (0.1 USDT ticks).
    lag_ns : int
        How far the Up price lags BTC.

    """

    spec: MarketSpec
    window_start_ns: int
    open_ticks: int
    close_ticks: int
    lag_ns: int


def window_starts_ns(
    start_ns: int,
    days: int,
    hours: float,
    params: UpDownParams | None = None,
) -> list[int]:
    """
    Return the window starts: one every ``window_minutes`` for ``hours`` from each day's block.

    Raises
    ------
    ValueError
        If the block does not end (and resolve) inside its day.

    """
    params = params or UpDownParams()
    per_day = round(hours * 60 / params.window_minutes)
    window_ns = params.window_minutes * NS_PER_MINUTE
    block_ns = params.block_start_hour * NS_PER_HOUR
    if block_ns + per_day * window_ns + NS_PER_MINUTE > NS_PER_DAY:
        raise ValueError(
            f"an up/down block of {hours} h from {params.block_start_hour}:00 UTC "
            "does not end inside its day",
        )
    first = start_ns + block_ns
    return [first + d * NS_PER_DAY + j * window_ns for d in range(days) for j in range(per_day)]


def updown_slug(window_start_ns: int) -> str:
    """
    Return the event slug ``btc-updown-5m-<window start unix seconds>``.
    """
    return f"btc-updown-5m-{window_start_ns // NS_PER_SECOND}"


def _clock_text(moment: dt.datetime) -> str:
    suffix = "AM" if moment.hour < 12 else "PM"
    return f"{(moment.hour % 12) or 12}:{moment.minute:02d}{suffix}"


def updown_question(window_start_ns: int, window_end_ns: int) -> str:
    """
    Return the venue's question text, times in US Eastern.
    """
    start = dt.datetime.fromtimestamp(window_start_ns // NS_PER_SECOND, tz=dt.UTC).astimezone(_ET)
    end = dt.datetime.fromtimestamp(window_end_ns // NS_PER_SECOND, tz=dt.UTC).astimezone(_ET)
    day = f"{start:%B} {start.day}"
    return f"Bitcoin Up or Down - {day}, {_clock_text(start)}-{_clock_text(end)} ET"


def resolve_window(
    mid_ticks: np.ndarray,
    path_start_ns: int,
    window_start_ns: int,
    window_end_ns: int,
) -> tuple[int, int, bool]:
    """
    Return ``(open, close, up_wins)``: the path at both ends and ``close >= open``.

    Parameters
    ----------
    mid_ticks : numpy.ndarray
        The per-second BTC mid (ticks); ``mid_ticks[k]`` is at ``path_start_ns + k`` s.
    path_start_ns : int
        The time of ``mid_ticks[0]``.
    window_start_ns : int
        The window start (a whole second on the path).
    window_end_ns : int
        The window end (a whole second on the path).

    Returns
    -------
    tuple[int, int, bool]

    Raises
    ------
    ValueError
        If either time is not a whole second on the path.

    """
    index = []
    for ts in (window_start_ns, window_end_ns):
        k, rest = divmod(ts - path_start_ns, NS_PER_SECOND)
        if rest or not 0 <= k < mid_ticks.size:
            raise ValueError(f"{ts} is not a whole second on the BTC path")
        index.append(k)
    open_ticks, close_ticks = int(mid_ticks[index[0]]), int(mid_ticks[index[1]])
    return open_ticks, close_ticks, close_ticks >= open_ticks


def normal_cdf(z: np.ndarray) -> np.ndarray:
    """
    Return the standard normal CDF elementwise.
    """
    erf = np.frompyfunc(math.erf, 1, 1)
    return 0.5 * (1.0 + erf(np.asarray(z, dtype=np.float64) / math.sqrt(2.0)).astype(np.float64))


def _smooth_noise(rng: np.random.Generator, n: int, params: UpDownParams) -> np.ndarray:
    phi = params.noise_persistence
    kernel = phi ** np.arange(_NOISE_KERNEL)
    white = rng.standard_normal(n + _NOISE_KERNEL)
    smooth = np.convolve(white, kernel, mode="full")[_NOISE_KERNEL : _NOISE_KERNEL + n]
    return params.noise_sd * np.sqrt(1.0 - phi**2) * smooth


def up_probability(
    rng: np.random.Generator,
    times_ns: np.ndarray,
    window: UpDownWindow,
    mid_ticks: np.ndarray,
    path_start_ns: int,
    params: UpDownParams,
) -> np.ndarray:
    """
    Return the Up price at each book update: lagged BTC vs the open, plus noise, clipped.
    """
    seen_ns = np.asarray(times_ns, dtype=np.int64) - window.lag_ns
    seen = mid_at(mid_ticks, path_start_ns, seen_ns).astype(np.float64)
    started = seen_ns >= window.window_start_ns
    log_move = np.where(started, np.log(seen / window.open_ticks), 0.0)
    seconds_left = np.maximum((window.spec.end_ns - times_ns) / NS_PER_SECOND, 1.0)
    sigma = params.belief_vol / math.sqrt(SECONDS_PER_YEAR)
    z = log_move / (sigma * np.sqrt(seconds_left))
    noisy = normal_cdf(z + _smooth_noise(rng, z.size, params))
    return np.clip(noisy, params.price_floor, params.price_cap)


def updown_times(
    rng: np.random.Generator,
    listing_ns: int,
    end_ns: int,
    params: UpDownParams,
) -> np.ndarray:
    """
    Return book update times: the snapshot at ``listing_ns``, then uniform ms gaps before the end.
    """
    span_ms = (end_ns - listing_ns) // NS_PER_MS
    n_draw = int(span_ms / params.min_gap_ms) + 2
    gaps = rng.integers(params.min_gap_ms, params.max_gap_ms + 1, n_draw)
    times = listing_ns + np.concatenate([[0], np.cumsum(gaps)]) * NS_PER_MS
    return times[times < end_ns].astype(np.int64)


def _knobs(rng: np.random.Generator) -> MarketKnobs:
    return MarketKnobs(
        levels=int(rng.integers(6, 11)),
        base_size=float(rng.lognormal(np.log(250.0), 0.5)),
        occupancy=float(rng.uniform(0.85, 0.97)),
        vol_per_sqrt_hour=0.0,  # the Up price is driven by BTC, not a logit walk
        volume_usd=round(float(rng.lognormal(np.log(40_000.0), 0.8)), 2),
    )


def _window(
    rng: np.random.Generator,
    seed: int,
    index: int,
    start_ns: int,
    mid_ticks: np.ndarray,
    path_start_ns: int,
    params: UpDownParams,
) -> UpDownWindow:
    end_ns = start_ns + params.window_minutes * NS_PER_MINUTE
    open_ticks, close_ticks, up_wins = resolve_window(mid_ticks, path_start_ns, start_ns, end_ns)
    spec = MarketSpec(
        index=index,
        condition_id=ids.condition_id(seed, index),
        yes_token_id=ids.token_id(seed, index, "Up"),
        no_token_id=ids.token_id(seed, index, "Down"),
        question=updown_question(start_ns, end_ns),
        category="crypto",
        event_id=updown_slug(start_ns),
        neg_risk=False,
        tick_size="0.01",
        fees_enabled=True,
        fee_rate="0.07",
        start_ns=start_ns - params.listing_lead_minutes * NS_PER_MINUTE,
        end_ns=end_ns,
        p0=0.5,
        yes_wins=up_wins,
        reversal=False,
        knobs=_knobs(rng),
        outcomes=("Up", "Down"),
    )
    lag_ns = int(rng.integers(params.min_lag_ms, params.max_lag_ms + 1)) * NS_PER_MS
    return UpDownWindow(spec, start_ns, open_ticks, close_ticks, lag_ns)


def make_updown_windows(
    seed: int,
    mid_ticks: np.ndarray,
    path_start_ns: int,
    starts_ns: list[int],
    params: UpDownParams | None = None,
) -> list[UpDownWindow]:
    """
    Draw one up/down market per window start, resolved on the BTC path.

    Parameters
    ----------
    seed : int
        The catalog seed.
    mid_ticks : numpy.ndarray
        The per-second BTC mid (ticks).
    path_start_ns : int
        The time of ``mid_ticks[0]``.
    starts_ns : list[int]
        Window starts (see ``window_starts_ns``).
    params : UpDownParams, optional
        Knobs; defaults to ``UpDownParams()``.

    Returns
    -------
    list[UpDownWindow]
        In window order, market indices from ``FIRST_INDEX``.

    """
    params = params or UpDownParams()
    rng = np.random.default_rng([seed, UPDOWN_STREAM])
    return [
        _window(rng, seed, FIRST_INDEX + i, start, mid_ticks, path_start_ns, params)
        for i, start in enumerate(starts_ns)
    ]


def simulate_updown(
    seed: int,
    window: UpDownWindow,
    mid_ticks: np.ndarray,
    path_start_ns: int,
    params: UpDownParams | None = None,
) -> MarketArrays:
    """
    Generate both books and tapes of one up/down market from its own stream ``(seed, index)``.
    """
    params = params or UpDownParams()
    spec = window.spec
    rng = np.random.default_rng([seed, spec.index])
    times = updown_times(rng, spec.start_ns, spec.end_ns, params)
    prob = up_probability(rng, times, window, mid_ticks, path_start_ns, params)
    return arrays_from_path(rng, spec, times, prob, spec.end_ns, params.trade)
