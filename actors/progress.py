"""
Progress of a long replay: simulated time reached and share of the run done.
"""

import time

import pandas as pd
from nautilus_trader.common.actor import Actor
from nautilus_trader.common.config import ActorConfig
from nautilus_trader.common.config import PositiveInt
from nautilus_trader.common.events import TimeEvent

TIMER_NAME = "polyedge-progress"


class ProgressActorConfig(ActorConfig, frozen=True):
    """
    Configuration for ``ProgressActor``.

    Parameters
    ----------
    start_ns : int
        The first timestamp of the run's data (UNIX nanoseconds).
    end_ns : int
        The last timestamp of the run's data (UNIX nanoseconds).
    interval_secs : PositiveInt, default 21600
        Simulated seconds between progress lines.

    """

    start_ns: int
    end_ns: int
    interval_secs: PositiveInt = 21_600

    def __post_init__(self) -> None:
        if self.end_ns <= self.start_ns:
            raise ValueError(f"end_ns ({self.end_ns}) must be after start_ns ({self.start_ns})")


class ProgressActor(Actor):
    """
    Log how far a replay has come, on a simulated-time timer (never trades).

    Parameters
    ----------
    config : ProgressActorConfig
        The actor configuration.

    """

    def __init__(self, config: ProgressActorConfig) -> None:
        super().__init__(config)
        self._wall_start = 0.0

    def on_start(self) -> None:
        """
        Start the progress timer.
        """
        self._wall_start = time.monotonic()
        self.clock.set_timer(
            TIMER_NAME,
            pd.Timedelta(seconds=self.config.interval_secs),
            callback=self._on_progress,
        )

    def on_stop(self) -> None:
        """
        Cancel the progress timer.
        """
        if TIMER_NAME in self.clock.timer_names:
            self.clock.cancel_timer(TIMER_NAME)

    def _on_progress(self, event: TimeEvent) -> None:
        span = self.config.end_ns - self.config.start_ns
        done = min(max(event.ts_event - self.config.start_ns, 0) / span, 1.0)
        when = pd.Timestamp(event.ts_event, tz="UTC").isoformat()
        wall = time.monotonic() - self._wall_start
        self.log.info(f"Backtest progress: {done:6.1%} simulated {when} (wall {wall:.0f}s)")
