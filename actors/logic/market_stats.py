"""
Pure rolling baseline statistics of one token's price and traded volume.

A token is sampled at fixed times chosen by the caller (the actor's timer). Each sample after
the first records the price change since the previous sample and the volume traded in between;
the first sample only sets the reference price (and drops the volume traded before it). The
statistics cover the samples whose timestamp lies in ``(now − window, now]``, the same window
as pandas' time-based ``rolling(f"{window}s")``.

The standard deviation is the sample standard deviation (``ddof=1``, pandas' default): NaN with
fewer than two samples. Every statistic of an empty window is NaN and its count is 0.

Cost: every call is O(1) amortised. The window keeps running sums of the changes, their squares
and the volumes, updated as samples enter and leave; the sums restart from exactly zero when the
window empties and are recomputed with ``math.fsum`` every ``RESYNC_EVERY`` samples, so rounding
drift stays far below 1e-12 on any run length. The variance is
``(Σc² − (Σc)² / n) / (n − 1)`` floored at zero; price changes are small numbers with a mean
near zero, so the cancellation in that form is harmless.
"""

import math
from collections import deque
from dataclasses import dataclass

NAN = math.nan
NANOS_PER_SECOND = 1_000_000_000
RESYNC_EVERY = 1_024


@dataclass(frozen=True, slots=True)
class StatsSnapshot:
    """
    The rolling statistics at one moment.

    Parameters
    ----------
    mean_change : float
        The mean price change per sample in the window.
    std_change : float
        The sample standard deviation (ddof=1) of the changes; NaN below two samples.
    last_change : float
        The latest price change in the window.
    mean_volume : float
        The mean volume traded per sample in the window.
    last_volume : float
        The latest volume sample in the window.
    sample_count : int
        The number of samples in the window.

    """

    mean_change: float
    std_change: float
    last_change: float
    mean_volume: float
    last_volume: float
    sample_count: int


EMPTY_SNAPSHOT = StatsSnapshot(NAN, NAN, NAN, NAN, NAN, 0)


class TokenStats:
    """
    Sample one token's price and volume and keep rolling statistics of the samples.

    Parameters
    ----------
    window_secs : int
        The rolling window in seconds.

    """

    def __init__(self, window_secs: int) -> None:
        if window_secs <= 0:
            raise ValueError(f"window_secs must be positive, was {window_secs}")
        self._window_ns = window_secs * NANOS_PER_SECOND
        self._price: float | None = None
        self._reference: float | None = None
        self._volume = 0.0
        # (ts_ns, change, volume) oldest first
        self._samples: deque[tuple[int, float, float]] = deque()
        self._sum_change = 0.0
        self._sum_square = 0.0
        self._sum_volume = 0.0
        self._until_resync = RESYNC_EVERY

    @property
    def has_price(self) -> bool:
        """
        Return whether a price has been observed.
        """
        return self._price is not None

    def observe_price(self, price: float) -> None:
        """
        Record the token's latest price (used by the next sample).
        """
        self._price = price

    def add_volume(self, size: float) -> None:
        """
        Add traded volume to the current sample period.
        """
        self._volume += size

    def sample(self, ts_ns: int) -> bool:
        """
        Take a sample at ``ts_ns`` from the latest price and the volume since the last sample.

        Parameters
        ----------
        ts_ns : int
            The sample time (UNIX nanoseconds), not earlier than the previous sample.

        Returns
        -------
        bool
            If a (change, volume) sample was added; False before a price exists and for the
            first sample, which only sets the reference price.

        """
        if self._price is None:
            return False
        volume = self._volume
        self._volume = 0.0
        reference = self._reference
        self._reference = self._price
        if reference is None:
            return False
        change = self._price - reference
        self._samples.append((ts_ns, change, volume))
        self._sum_change += change
        self._sum_square += change * change
        self._sum_volume += volume
        self._until_resync -= 1
        if self._until_resync == 0:
            self._resync()
        self._evict(ts_ns)
        return True

    def snapshot(self, now_ns: int) -> StatsSnapshot:
        """
        Return the statistics of the samples in ``(now_ns − window, now_ns]``.
        """
        self._evict(now_ns)
        count = len(self._samples)
        if count == 0:
            return EMPTY_SNAPSHOT
        mean_change = self._sum_change / count
        std_change = NAN
        if count > 1:
            squares = self._sum_square - self._sum_change * mean_change
            std_change = math.sqrt(max(squares, 0.0) / (count - 1))
        _, last_change, last_volume = self._samples[-1]
        return StatsSnapshot(
            mean_change=mean_change,
            std_change=std_change,
            last_change=last_change,
            mean_volume=self._sum_volume / count,
            last_volume=last_volume,
            sample_count=count,
        )

    def _evict(self, now_ns: int) -> None:
        cutoff = now_ns - self._window_ns
        samples = self._samples
        while samples and samples[0][0] <= cutoff:
            _, change, volume = samples.popleft()
            self._sum_change -= change
            self._sum_square -= change * change
            self._sum_volume -= volume
        if not samples:
            self._sum_change = self._sum_square = self._sum_volume = 0.0

    def _resync(self) -> None:
        self._until_resync = RESYNC_EVERY
        self._sum_change = math.fsum(change for _, change, _ in self._samples)
        self._sum_square = math.fsum(change * change for _, change, _ in self._samples)
        self._sum_volume = math.fsum(volume for _, _, volume in self._samples)
