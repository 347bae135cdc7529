"""
The data contracts of the portfolio risk monitor: limits, halt reasons, transitions, status.

Pure (no Nautilus imports). ``actors.logic.risk_state.RiskState`` decides with them;
strategies follow ``RiskStatus`` messages on ``RISK_STATUS_TOPIC`` (the drawdown size
multiplier) and the report lists every ``Transition``.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal
from enum import StrEnum

NANOS_PER_SECOND = 1_000_000_000
NANOS_PER_DAY = 86_400 * NANOS_PER_SECOND
ZERO = Decimal(0)
ONE = Decimal(1)

ACTIVE = "ACTIVE"
REDUCING = "REDUCING"
HALTED = "HALTED"
RISK_STATUS_TOPIC = "polyedge.risk.status"


class HaltReason(StrEnum):
    """
    Why trading halted.
    """

    KILL_SWITCH = "KILL_SWITCH"
    MAX_DRAWDOWN = "MAX_DRAWDOWN"
    DAILY_LOSS = "DAILY_LOSS"
    WEEKLY_LOSS = "WEEKLY_LOSS"
    LOSS_STREAK = "LOSS_STREAK"
    STALE_FEED = "STALE_FEED"
    VENUE_ERRORS = "VENUE_ERRORS"


DEFAULT_RESUME_SECS: dict[HaltReason, int | None] = {
    HaltReason.KILL_SWITCH: 0,
    HaltReason.MAX_DRAWDOWN: None,
    HaltReason.DAILY_LOSS: 0,
    HaltReason.WEEKLY_LOSS: 0,
    HaltReason.LOSS_STREAK: None,
    HaltReason.STALE_FEED: 30,
    HaltReason.VENUE_ERRORS: 300,
}


@dataclass(frozen=True)
class MonitorLimits:
    """
    The thresholds of ``RiskState``.

    Parameters
    ----------
    max_drawdown : Decimal, default 0.05
        The drawdown from peak equity that halts.
    daily_loss : Decimal, default 0.025
        The loss since the day's open, as a fraction of it, that halts.
    weekly_loss : Decimal, default 0.05
        The loss since the week's open, as a fraction of it, that halts.
    max_daily_loss_usdc : Decimal, optional
        An absolute daily loss that halts (deployment phase cap).
    max_consecutive_losses : int, default 5
        Losing positions in a row that halt.
    stale_feed_secs : Mapping[str, int]
        Feed name → the silence in seconds that halts.
    max_venue_errors : int, default 10
        Venue rejections within the window that halt.
    venue_error_window_secs : int, default 60
        The venue error window.
    reducing_at : Decimal, default 0.8
        The fraction of the drawdown or daily-loss limit at which trading turns REDUCING.
    size_steps : tuple[tuple[Decimal, Decimal], ...]
        Drawdown size steps: (fraction of ``max_drawdown``, size multiplier).
    resume_secs : Mapping[HaltReason, int | None]
        Per halt reason, the cooldown before an automatic resume, or None for manual.

    """

    max_drawdown: Decimal = Decimal("0.05")
    daily_loss: Decimal = Decimal("0.025")
    weekly_loss: Decimal = Decimal("0.05")
    max_daily_loss_usdc: Decimal | None = None
    max_consecutive_losses: int = 5
    stale_feed_secs: Mapping[str, int] = field(default_factory=dict)
    max_venue_errors: int = 10
    venue_error_window_secs: int = 60
    reducing_at: Decimal = Decimal("0.8")
    size_steps: tuple[tuple[Decimal, Decimal], ...] = (
        (Decimal("0.10"), Decimal("0.75")),
        (Decimal("0.50"), Decimal("0.50")),
    )
    resume_secs: Mapping[HaltReason, int | None] = field(
        default_factory=lambda: dict(DEFAULT_RESUME_SECS),
    )


@dataclass(frozen=True)
class Transition:
    """
    One change of the risk state: a new halt, a resume, or a move to or from REDUCING.

    Parameters
    ----------
    ts_ns : int
        When it happened.
    state : str
        The trading state after it: ACTIVE, REDUCING or HALTED.
    reason : str
        A ``HaltReason``, or RESUMED / REDUCING_DRAWDOWN / REDUCING_DAILY_LOSS / RECOVERED.
    detail : str
        The figures behind it.

    """

    ts_ns: int
    state: str
    reason: str
    detail: str


@dataclass(frozen=True)
class RiskStatus:
    """
    The risk state strategies and metrics follow (published on ``RISK_STATUS_TOPIC``).
    """

    ts_ns: int
    state: str
    size_multiplier: Decimal
    halts: tuple[str, ...]
    equity: Decimal | None
    drawdown: Decimal
    daily_pnl: Decimal
