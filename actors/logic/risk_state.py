"""
The pure portfolio risk state behind ``actors.risk_monitor.RiskMonitorActor``.

``RiskState`` is fed equity samples, closed-position PnL, feed updates, venue errors and the
kill-switch flag, all stamped with the simulated (or live) clock, and ``evaluate`` returns the
trading-state transitions to apply. Halt conditions:

- ``MAX_DRAWDOWN``: equity below its peak by ``max_drawdown`` (5 %);
- ``DAILY_LOSS``: equity below the day's opening equity by ``daily_loss`` (2.5 %) or the
  absolute daily cap (a deployment phase); the day opens at 00:00 UTC;
- ``WEEKLY_LOSS``: the same per ISO week (Monday 00:00 UTC);
- ``LOSS_STREAK``: ``max_consecutive_losses`` losing positions in a row;
- ``STALE_FEED``: a watched feed silent for longer than its limit (counted from its first
  update, so a feed that never delivers is not watched);
- ``VENUE_ERRORS``: ``max_venue_errors`` rejections within ``venue_error_window_secs``;
- ``KILL_SWITCH``: the kill-switch flag is set.

A halt ends when its condition no longer holds and its resume policy allows: a cooldown in
seconds since the halt (0: as soon as the condition clears, e.g. at the next day for
``DAILY_LOSS``), or ``None`` for a manual resume. A manual ``resume`` re-bases the peak to
current equity and clears the loss streak and the venue errors; it cannot lift a daily or
weekly loss halt before its period rolls over, nor the kill switch while its flag is set.
Short of a halt, trading is REDUCING when drawdown or daily loss reaches ``reducing_at`` of its
limit, and sizes shrink by the drawdown steps (``strategies.logic.sizing``).
"""

from collections import deque
from dataclasses import dataclass
from decimal import Decimal

from actors.logic.risk_types import ACTIVE
from actors.logic.risk_types import HALTED
from actors.logic.risk_types import NANOS_PER_DAY
from actors.logic.risk_types import NANOS_PER_SECOND
from actors.logic.risk_types import ONE
from actors.logic.risk_types import REDUCING
from actors.logic.risk_types import ZERO
from actors.logic.risk_types import HaltReason
from actors.logic.risk_types import MonitorLimits
from actors.logic.risk_types import RiskStatus
from actors.logic.risk_types import Transition
from strategies.logic.sizing import drawdown_size_multiplier

# 1970-01-01 was a Thursday: shifting by 3 days puts week boundaries on Mondays.
_MONDAY_SHIFT_DAYS = 3


@dataclass
class _Period:
    index: int = -1
    open_equity: Decimal | None = None

    def roll(self, index: int, equity: Decimal) -> None:
        if index != self.index:
            self.index = index
            self.open_equity = equity

    def loss(self, equity: Decimal) -> Decimal:
        return ZERO if self.open_equity is None else max(self.open_equity - equity, ZERO)


class RiskState:
    """
    Track equity, losses, feeds and errors, and decide the trading state.

    Parameters
    ----------
    limits : MonitorLimits
        The thresholds and resume policies.

    """

    def __init__(self, limits: MonitorLimits) -> None:
        self.limits = limits
        self.equity: Decimal | None = None
        self.peak: Decimal | None = None
        self.loss_streak = 0
        self.kill_active = False
        self.kill_detail = ""
        self.halts: dict[HaltReason, int] = {}
        self.state = ACTIVE
        self._day = _Period()
        self._week = _Period()
        self._feeds: dict[str, int] = {}
        self._errors: deque[int] = deque()
        self._resume_requested = False
        self._status_inputs: tuple | None = None
        self._status_key: tuple[str, Decimal, tuple[str, ...]] = (ACTIVE, ONE, ())

    @property
    def drawdown(self) -> Decimal:
        """
        Return the drawdown from peak equity as a fraction (0 before any equity).
        """
        if self.equity is None or self.peak is None or self.peak <= 0:
            return ZERO
        return max(self.peak - self.equity, ZERO) / self.peak

    @property
    def daily_pnl(self) -> Decimal:
        """
        Return equity minus the day's opening equity.
        """
        opening = self._day.open_equity
        return ZERO if self.equity is None or opening is None else self.equity - opening

    @property
    def size_multiplier(self) -> Decimal:
        """
        Return the drawdown-scaled size multiplier (0 while halted).
        """
        if self.state == HALTED:
            return ZERO
        steps = self.limits.size_steps
        return drawdown_size_multiplier(self.drawdown, self.limits.max_drawdown, steps)

    def on_equity(self, ts_ns: int, equity: Decimal) -> None:
        """
        Record an equity sample; roll the day and week baselines at 00:00 UTC.
        """
        self.equity = equity
        self.peak = equity if self.peak is None else max(self.peak, equity)
        day = ts_ns // NANOS_PER_DAY
        self._day.roll(day, equity)
        self._week.roll((day + _MONDAY_SHIFT_DAYS) // 7, equity)

    def on_position_closed(self, pnl: Decimal) -> None:
        """
        Count a closed position: a loss extends the streak, a win ends it, zero leaves it.
        """
        if pnl < 0:
            self.loss_streak += 1
        elif pnl > 0:
            self.loss_streak = 0

    def on_feed(self, feed: str, ts_ns: int) -> None:
        """
        Record an update on ``feed``.
        """
        self._feeds[feed] = ts_ns

    def on_venue_error(self, ts_ns: int) -> None:
        """
        Record a venue rejection.
        """
        self._errors.append(ts_ns)

    def set_kill(self, active: bool, detail: str = "") -> None:
        """
        Set or clear the kill-switch flag.
        """
        self.kill_active = active
        self.kill_detail = detail

    def request_resume(self) -> None:
        """
        Ask for a manual resume, applied by the next ``evaluate``.
        """
        self._resume_requested = True

    def evaluate(self, ts_ns: int) -> list[Transition]:
        """
        Re-check every condition at ``ts_ns`` and return the transitions it causes.
        """
        if self._is_quiet(ts_ns):
            return []
        if self._resume_requested:
            self._resume_requested = False
            self._apply_manual_resume()
        conditions = self._conditions(ts_ns)
        lifted = self._lift(ts_ns, conditions)
        transitions = [
            Transition(ts_ns, HALTED, reason.value, detail)
            for reason, detail in conditions.items()
            if reason not in self.halts
        ]
        for reason in conditions:
            self.halts.setdefault(reason, ts_ns)
        new_state, reason, detail = self._target_state()
        if new_state != self.state and new_state != HALTED:
            if self.state == HALTED:
                reason, detail = "RESUMED", f"lifted {', '.join(lifted)}; {detail}".rstrip("; ")
            transitions.append(Transition(ts_ns, new_state, reason, detail))
        self.state = new_state
        return transitions

    def status_key(self) -> tuple[str, Decimal, tuple[str, ...]]:
        """
        Return what strategies act on: state, size multiplier and halt reasons.
        """
        if not self.halts and self.state == ACTIVE and self.peak == self.equity:
            # At a peak (the common case): no drawdown, full size; skip the Decimal work.
            return ACTIVE, ONE, ()
        # The key is a function of these inputs only; in a drawdown they rarely change.
        inputs = (self.state, self.equity, self.peak, tuple(self.halts))
        if inputs != self._status_inputs:
            self._status_inputs = inputs
            halts = tuple(sorted(r.value for r in self.halts))
            self._status_key = (self.state, self.size_multiplier, halts)
        return self._status_key

    def status(self, ts_ns: int) -> RiskStatus:
        """
        Return the current status for strategies and metrics.
        """
        return RiskStatus(
            ts_ns=ts_ns,
            state=self.state,
            size_multiplier=self.size_multiplier,
            halts=tuple(sorted(reason.value for reason in self.halts)),
            equity=self.equity,
            drawdown=self.drawdown,
            daily_pnl=self.daily_pnl,
        )

    def _is_quiet(self, ts_ns: int) -> bool:
        # The common case, checked cheaply (a 1 s timer runs this 86,400 times a simulated
        # day): ACTIVE, nothing pending and every figure short of its REDUCING or halt level.
        if self.state != ACTIVE or self._resume_requested or self.kill_active or self._errors:
            return False
        if self.loss_streak >= self.limits.max_consecutive_losses or self._any_stale(ts_ns):
            return False
        equity, peak = self.equity, self.peak
        if equity is None or peak is None:
            return True
        reducing_at = self.limits.reducing_at
        if peak - equity >= reducing_at * self.limits.max_drawdown * peak:
            return False
        daily_limit = self._daily_limit()
        if daily_limit is not None and self._day.loss(equity) >= reducing_at * daily_limit:
            return False
        weekly_open = self._week.open_equity
        return (
            weekly_open is None or self._week.loss(equity) < self.limits.weekly_loss * weekly_open
        )

    def _any_stale(self, ts_ns: int) -> bool:
        limits = self.limits.stale_feed_secs
        for feed, last_ns in self._feeds.items():
            limit_secs = limits.get(feed)
            if limit_secs is not None and ts_ns - last_ns > limit_secs * NANOS_PER_SECOND:
                return True
        return False

    def _apply_manual_resume(self) -> None:
        self.peak = self.equity
        self.loss_streak = 0
        self._errors.clear()
        for reason in [r for r in self.halts if self.limits.resume_secs.get(r) is None]:
            del self.halts[reason]

    def _lift(self, ts_ns: int, conditions: dict[HaltReason, str]) -> list[str]:
        lifted = []
        for reason, since_ns in list(self.halts.items()):
            cooldown = self.limits.resume_secs.get(reason)
            if cooldown is None or ts_ns - since_ns < cooldown * NANOS_PER_SECOND:
                continue
            if reason == HaltReason.LOSS_STREAK:
                # The streak cannot clear while halted: its cooldown clears it.
                self.loss_streak = 0
                conditions.pop(reason, None)
            elif reason in conditions:
                continue
            del self.halts[reason]
            lifted.append(reason.value)
        return lifted

    def _conditions(self, ts_ns: int) -> dict[HaltReason, str]:
        found: dict[HaltReason, str] = {}
        if self.kill_active:
            found[HaltReason.KILL_SWITCH] = self.kill_detail or "kill switch set"
        found.update(self._loss_conditions())
        if self.loss_streak >= self.limits.max_consecutive_losses:
            found[HaltReason.LOSS_STREAK] = f"{self.loss_streak} losing positions in a row"
        stale = self._stale_feeds(ts_ns)
        if stale:
            found[HaltReason.STALE_FEED] = stale
        window_ns = self.limits.venue_error_window_secs * NANOS_PER_SECOND
        while self._errors and self._errors[0] <= ts_ns - window_ns:
            self._errors.popleft()
        if len(self._errors) >= self.limits.max_venue_errors:
            detail = f"{len(self._errors)} venue errors in {self.limits.venue_error_window_secs} s"
            found[HaltReason.VENUE_ERRORS] = detail
        return found

    def _loss_conditions(self) -> dict[HaltReason, str]:
        found: dict[HaltReason, str] = {}
        if self.equity is None:
            return found
        if self.drawdown >= self.limits.max_drawdown:
            found[HaltReason.MAX_DRAWDOWN] = (
                f"drawdown {self.drawdown:.4%} >= {self.limits.max_drawdown:.2%} "
                f"(equity {self.equity:.2f}, peak {self.peak:.2f})"
            )
        daily_limit = self._daily_limit()
        if daily_limit is not None and self._day.loss(self.equity) >= daily_limit:
            found[HaltReason.DAILY_LOSS] = (
                f"daily loss {self._day.loss(self.equity):.2f} >= limit {daily_limit:.2f}"
            )
        weekly_open = self._week.open_equity
        if weekly_open is not None:
            weekly_limit = self.limits.weekly_loss * weekly_open
            if self._week.loss(self.equity) >= weekly_limit:
                found[HaltReason.WEEKLY_LOSS] = (
                    f"weekly loss {self._week.loss(self.equity):.2f} >= limit {weekly_limit:.2f}"
                )
        return found

    def _daily_limit(self) -> Decimal | None:
        opening = self._day.open_equity
        if opening is None:
            return None
        limit = self.limits.daily_loss * opening
        if self.limits.max_daily_loss_usdc is not None:
            limit = min(limit, self.limits.max_daily_loss_usdc)
        return limit

    def _stale_feeds(self, ts_ns: int) -> str:
        stale = []
        for feed, last_ns in sorted(self._feeds.items()):
            limit_secs = self.limits.stale_feed_secs.get(feed)
            silent_ns = ts_ns - last_ns
            if limit_secs is not None and silent_ns > limit_secs * NANOS_PER_SECOND:
                stale.append(f"{feed} silent {silent_ns / NANOS_PER_SECOND:.0f} s > {limit_secs} s")
        return "; ".join(stale)

    def _target_state(self) -> tuple[str, str, str]:
        if self.halts:
            return HALTED, "", ""
        reducing_at = self.limits.reducing_at
        if self.equity is not None and self.drawdown >= reducing_at * self.limits.max_drawdown:
            return REDUCING, "REDUCING_DRAWDOWN", f"drawdown {self.drawdown:.4%}"
        daily_limit = self._daily_limit()
        if self.equity is not None and daily_limit is not None:
            loss = self._day.loss(self.equity)
            if daily_limit > 0 and loss >= reducing_at * daily_limit:
                return REDUCING, "REDUCING_DAILY_LOSS", f"daily loss {loss:.2f}"
        return ACTIVE, "RECOVERED", ""
