"""
Pure order-flow math: rolling aggressive volume, book imbalance, spread and VWAP-to-mid.

No Nautilus types, no clock, no I/O: callers pass timestamps (UNIX nanoseconds), sizes and
prices as plain numbers, best level first. Expected empty states (an empty book side, no trades
in a window) give NaN or 0.0, never an exception.

Window convention: a window of length ``W`` evaluated at time ``t`` holds the events with
``t - W < ts <= t``. An event exactly ``W`` old is out. This is the same half-open interval as
pandas' time-based ``rolling(W)`` with its default ``closed="right"``.
"""

import math
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass

NAN = math.nan
# Compact the event arrays only once this many events have left every window, and only when
# they make up at least half of the arrays; the copy then costs O(1) amortised per event.
_COMPACT_MIN_EVICTED = 4_096


@dataclass(frozen=True, slots=True)
class FlowTotals:
    """
    Aggressive volume over one window.

    Parameters
    ----------
    buy : float
        Volume of trades whose buyer aggressed.
    sell : float
        Volume of trades whose seller aggressed.

    """

    buy: float = 0.0
    sell: float = 0.0

    @property
    def signed(self) -> float:
        """
        Return ``buy − sell`` (the window's cumulative volume delta).
        """
        return self.buy - self.sell

    @property
    def aggressor_ratio(self) -> float:
        """
        Return ``buy / (buy + sell)``, NaN when the window holds no volume.
        """
        return aggressor_ratio(self.buy, self.sell)


def aggressor_ratio(buy: float, sell: float) -> float:
    """
    Return ``buy / (buy + sell)``, NaN when there is no volume.
    """
    total = buy + sell
    if total <= 0.0:
        return NAN
    return buy / total


class RollingFlow:
    """
    Aggressive buy and sell volume over several trailing time windows at once.

    One pair of arrays holds the events; each window keeps the index of its oldest event and
    running sums, so adding and evicting cost O(1) amortised per event and window. Running sums
    are reset to exactly 0.0 when a window empties and recomputed with ``math.fsum`` whenever
    the arrays are compacted, so floating-point drift stays bounded in long runs.

    Timestamps are expected in non-decreasing order; an earlier timestamp than the latest one
    added is treated as the latest (late prints count as "now").

    Parameters
    ----------
    windows_ns : Sequence[int]
        The window lengths in nanoseconds (positive, distinct).

    Raises
    ------
    ValueError
        If a window is not positive, windows repeat, or none is given.

    """

    __slots__ = ("_buy", "_buy_sum", "_heads", "_index", "_last_ns", "_sell", "_sell_sum", "_ts")

    def __init__(self, windows_ns: Sequence[int]) -> None:
        if not windows_ns or min(windows_ns) <= 0 or len(set(windows_ns)) != len(windows_ns):
            raise ValueError(f"windows must be distinct and positive, was {list(windows_ns)}")
        self._index = {window: i for i, window in enumerate(windows_ns)}
        self._ts: list[int] = []
        self._buy: list[float] = []
        self._sell: list[float] = []
        self._heads = [0] * len(windows_ns)
        self._buy_sum = [0.0] * len(windows_ns)
        self._sell_sum = [0.0] * len(windows_ns)
        self._last_ns = 0

    @property
    def windows_ns(self) -> tuple[int, ...]:
        """
        Return the window lengths in nanoseconds, in construction order.
        """
        return tuple(self._index)

    @property
    def last_ns(self) -> int:
        """
        Return the latest timestamp seen by ``add`` or ``advance`` (0 before any).
        """
        return self._last_ns

    def add(self, ts_ns: int, quantity: float, buyer_aggressed: bool) -> None:
        """
        Add one trade and evict what left the windows as of its timestamp.

        Parameters
        ----------
        ts_ns : int
            The trade time (UNIX nanoseconds).
        quantity : float
            The traded quantity (non-negative).
        buyer_aggressed : bool
            If the buyer was the aggressor (taker), else the seller.

        """
        last_ns = self._last_ns
        buy, sell = (quantity, 0.0) if buyer_aggressed else (0.0, quantity)
        self._ts.append(ts_ns if ts_ns > last_ns else last_ns)
        self._buy.append(buy)
        self._sell.append(sell)
        buy_sum, sell_sum = self._buy_sum, self._sell_sum
        for i in range(len(buy_sum)):
            buy_sum[i] += buy
            sell_sum[i] += sell
        if ts_ns > last_ns:
            self.advance(ts_ns)

    def advance(self, ts_ns: int) -> None:
        """
        Evict the events that are at least one window old as of ``ts_ns``.

        Parameters
        ----------
        ts_ns : int
            The evaluation time (UNIX nanoseconds); earlier than the latest time seen is a no-op.

        """
        # At the latest time seen, every eviction is already done (events added since are newer
        # than any cutoff), so only a later time can change anything.
        if ts_ns <= self._last_ns:
            return
        self._last_ns = ts_ns
        size = len(self._ts)
        for i, window in enumerate(self._index):
            self._evict(i, ts_ns - window, size)
        oldest = min(self._heads)
        if oldest >= _COMPACT_MIN_EVICTED and 2 * oldest >= size:
            self._compact(oldest)

    def totals(self, window_ns: int) -> FlowTotals:
        """
        Return the buy and sell volume of one window as of the latest time seen.

        Parameters
        ----------
        window_ns : int
            One of the window lengths given at construction.

        Returns
        -------
        FlowTotals

        """
        i = self._index[window_ns]
        return FlowTotals(buy=self._buy_sum[i], sell=self._sell_sum[i])

    def sums(self, window_ns: int) -> tuple[float, float]:
        """
        Return the buy and sell volume of one window as ``totals`` does, without an object.
        """
        i = self._index[window_ns]
        return self._buy_sum[i], self._sell_sum[i]

    def count(self, window_ns: int) -> int:
        """
        Return the number of trades in one window as of the latest time seen.
        """
        return len(self._ts) - self._heads[self._index[window_ns]]

    def _evict(self, i: int, cutoff_ns: int, size: int) -> None:
        head = self._heads[i]
        ts = self._ts
        if head >= size or ts[head] > cutoff_ns:
            return
        buy_sum = self._buy_sum[i]
        sell_sum = self._sell_sum[i]
        while head < size and ts[head] <= cutoff_ns:
            buy_sum -= self._buy[head]
            sell_sum -= self._sell[head]
            head += 1
        if head == size:
            buy_sum = sell_sum = 0.0
        self._heads[i] = head
        self._buy_sum[i] = buy_sum
        self._sell_sum[i] = sell_sum

    def _compact(self, drop: int) -> None:
        del self._ts[:drop]
        del self._buy[:drop]
        del self._sell[:drop]
        for i in range(len(self._heads)):
            head = self._heads[i] - drop
            self._heads[i] = head
            self._buy_sum[i] = math.fsum(self._buy[head:])
            self._sell_sum[i] = math.fsum(self._sell[head:])


@dataclass(frozen=True, slots=True)
class BookFeatures:
    """
    Features of one L2 book; NaN where a side needed for the value is empty.

    Parameters
    ----------
    imbalance : float
        Bid size / (bid + ask size) over the top levels.
    imbalance_deep : float
        The same over the deeper levels (NaN when not computed).
    spread_norm : float
        (best ask − best bid) / mid.
    vwap_to_mid_bid : float
        (VWAP of the bid levels − mid) / mid (NaN when not computed).
    vwap_to_mid_ask : float
        (VWAP of the ask levels − mid) / mid (NaN when not computed).

    """

    imbalance: float = NAN
    imbalance_deep: float = NAN
    spread_norm: float = NAN
    vwap_to_mid_bid: float = NAN
    vwap_to_mid_ask: float = NAN


def size_imbalance(bid_sizes: Sequence[float], ask_sizes: Sequence[float]) -> float:
    """
    Return ``Σ bid sizes / (Σ bid sizes + Σ ask sizes)``.

    One empty side gives 1.0 or 0.0 (all resting size is on one side); NaN when both are empty.

    Parameters
    ----------
    bid_sizes : Sequence[float]
        The bid level sizes to include.
    ask_sizes : Sequence[float]
        The ask level sizes to include.

    Returns
    -------
    float

    """
    bid = math.fsum(bid_sizes)
    total = bid + math.fsum(ask_sizes)
    if total <= 0.0:
        return NAN
    return bid / total


def mid_price(bid_prices: Sequence[float], ask_prices: Sequence[float]) -> float:
    """
    Return ``(best bid + best ask) / 2``, NaN when a side is empty.
    """
    if not bid_prices or not ask_prices:
        return NAN
    return (bid_prices[0] + ask_prices[0]) / 2.0


def normalized_spread(bid_prices: Sequence[float], ask_prices: Sequence[float]) -> float:
    """
    Return ``(best ask − best bid) / mid``, NaN when a side is empty or the mid is not positive.
    """
    mid = mid_price(bid_prices, ask_prices)
    if not mid > 0.0:
        return NAN
    return (ask_prices[0] - bid_prices[0]) / mid


def vwap_to_mid(prices: Sequence[float], sizes: Sequence[float], mid: float) -> float:
    """
    Return ``(Σ price·size / Σ size − mid) / mid`` over the given levels of one side.

    Parameters
    ----------
    prices : Sequence[float]
        The level prices of one side.
    sizes : Sequence[float]
        The level sizes, aligned with ``prices``.
    mid : float
        The book mid; NaN or non-positive gives NaN.

    Returns
    -------
    float

    """
    volume = math.fsum(sizes)
    if volume <= 0.0 or not mid > 0.0:
        return NAN
    vwap = math.fsum(p * q for p, q in zip(prices, sizes, strict=True)) / volume
    return (vwap - mid) / mid


def top_book_features(
    bid_prices: Sequence[float],
    bid_sizes: Sequence[float],
    ask_prices: Sequence[float],
    ask_sizes: Sequence[float],
    levels: int,
) -> BookFeatures:
    """
    Return the top-``levels`` imbalance and the normalised spread (the Polymarket features).

    Each sequence is ordered best level first and may be longer than ``levels``.

    Returns
    -------
    BookFeatures

    """
    return BookFeatures(
        imbalance=size_imbalance(bid_sizes[:levels], ask_sizes[:levels]),
        spread_norm=normalized_spread(bid_prices, ask_prices),
    )


def deep_book_features(
    bid_prices: Sequence[float],
    bid_sizes: Sequence[float],
    ask_prices: Sequence[float],
    ask_sizes: Sequence[float],
    top_levels: int = 5,
    deep_levels: int = 10,
) -> BookFeatures:
    """
    Return every book feature (the Binance set).

    The imbalance covers levels ``1..top_levels``, the deep imbalance levels
    ``top_levels+1..deep_levels``, and both VWAPs the first ``deep_levels`` levels of their
    side. Each sequence is ordered best level first.

    Returns
    -------
    BookFeatures

    """
    mid = mid_price(bid_prices, ask_prices)
    return BookFeatures(
        imbalance=size_imbalance(bid_sizes[:top_levels], ask_sizes[:top_levels]),
        imbalance_deep=size_imbalance(
            bid_sizes[top_levels:deep_levels], ask_sizes[top_levels:deep_levels]
        ),
        spread_norm=normalized_spread(bid_prices, ask_prices),
        vwap_to_mid_bid=vwap_to_mid(bid_prices[:deep_levels], bid_sizes[:deep_levels], mid),
        vwap_to_mid_ask=vwap_to_mid(ask_prices[:deep_levels], ask_sizes[:deep_levels], mid),
    )


def yes_no_divergence(signed_volume: float, sibling_signed_volume: float) -> float:
    """
    Return this token's signed volume minus its sibling token's over the same window.
    """
    return signed_volume - sibling_signed_volume


def same_values(left: Mapping[str, float], right: Mapping[str, float]) -> bool:
    """
    Return whether two feature mappings hold equal values, NaN equal to NaN.
    """
    if left.keys() != right.keys():
        return False
    for key, value in left.items():
        other = right[key]
        if value != other and not (math.isnan(value) and math.isnan(other)):
            return False
    return True
