"""
The pure risk state: halts, resume policies, REDUCING, size steps, day and week roll-over.
"""

from dataclasses import replace
from decimal import Decimal

import pandas as pd
import pytest

from actors.logic.risk_state import RiskState
from actors.logic.risk_types import ACTIVE
from actors.logic.risk_types import HALTED
from actors.logic.risk_types import NANOS_PER_SECOND
from actors.logic.risk_types import REDUCING
from actors.logic.risk_types import HaltReason
from actors.logic.risk_types import MonitorLimits

pytestmark = pytest.mark.unit

D = Decimal
# A Tuesday; 12 h before the next 00:00 UTC.
T0 = pd.Timestamp("2025-06-03T12:00:00Z").value
SECOND = NANOS_PER_SECOND
HOUR = 3_600 * SECOND


def state(**limits) -> RiskState:
    risk = RiskState(replace(MonitorLimits(), **limits))
    risk.on_equity(T0, D(10_000))
    risk.evaluate(T0)
    return risk


def step(risk: RiskState, ts: int, equity: str | None = None):
    if equity is not None:
        risk.on_equity(ts, D(equity))
    return risk.evaluate(ts)


def test_fresh_state_is_active_with_full_size() -> None:
    risk = state()

    assert risk.state == ACTIVE
    assert risk.size_multiplier == 1
    assert risk.drawdown == 0


def test_drawdown_at_the_limit_halts_with_reason_and_time() -> None:
    risk = state()
    step(risk, T0 + SECOND, "10500")  # new peak

    (transition,) = step(risk, T0 + 2 * SECOND, "9975")  # 5 % below 10,500

    assert risk.state == HALTED
    assert (transition.ts_ns, transition.state, transition.reason) == (
        T0 + 2 * SECOND,
        HALTED,
        "MAX_DRAWDOWN",
    )
    assert "drawdown" in transition.detail
    assert risk.size_multiplier == 0


def test_drawdown_halt_needs_a_manual_resume_which_rebases_the_peak() -> None:
    risk = state(daily_loss=D("0.5"), weekly_loss=D("0.5"))
    step(risk, T0 + SECOND, "9400")
    assert step(risk, T0 + HOUR, "9400") == []
    assert risk.state == HALTED

    risk.request_resume()
    (transition,) = step(risk, T0 + HOUR + SECOND)

    assert (risk.state, transition.reason) == (ACTIVE, "RESUMED")
    assert risk.peak == D(9400)


def test_soft_drawdown_turns_reducing_and_scales_sizes() -> None:
    risk = state(daily_loss=D("0.5"), weekly_loss=D("0.5"))

    step(risk, T0 + SECOND, "9960")  # 0.4 % drawdown: 8 % of the limit
    assert (risk.state, risk.size_multiplier) == (ACTIVE, 1)
    step(risk, T0 + 2 * SECOND, "9940")  # 0.6 %: 12 % of the limit
    assert (risk.state, risk.size_multiplier) == (ACTIVE, D("0.75"))
    step(risk, T0 + 3 * SECOND, "9700")  # 3 %: 60 % of the limit
    assert risk.size_multiplier == D("0.50")
    (transition,) = step(risk, T0 + 4 * SECOND, "9590")  # 4.1 %: 82 % of the limit

    assert (risk.state, transition.reason) == (REDUCING, "REDUCING_DRAWDOWN")
    (back,) = step(risk, T0 + 5 * SECOND, "10000")
    assert (risk.state, back.reason) == (ACTIVE, "RECOVERED")


def test_daily_loss_halts_and_lifts_at_midnight_utc() -> None:
    risk = state(max_drawdown=D("0.5"))  # keep drawdown out of the way
    (halt,) = step(risk, T0 + HOUR, "9750")  # 2.5 % of the day's 10,000

    assert (risk.state, halt.reason) == (HALTED, "DAILY_LOSS")
    midnight = pd.Timestamp("2025-06-04T00:00:00Z").value
    assert step(risk, midnight - SECOND, "9750") == []
    (resume,) = step(risk, midnight, "9750")

    assert (risk.state, resume.ts_ns, resume.reason) == (ACTIVE, midnight, "RESUMED")
    assert risk.daily_pnl == 0


def test_phase_daily_cap_halts_before_the_fraction() -> None:
    risk = state(max_daily_loss_usdc=D(10))

    (halt,) = step(risk, T0 + SECOND, "9990")

    assert halt.reason == "DAILY_LOSS"


def test_weekly_loss_accumulates_across_days_and_resets_on_monday() -> None:
    risk = state(max_drawdown=D("0.5"), daily_loss=D("0.5"), weekly_loss=D("0.05"))
    wednesday = pd.Timestamp("2025-06-04T12:00:00Z").value
    step(risk, wednesday, "9700")
    (halt,) = step(risk, wednesday + HOUR, "9500")  # 5 % of Tuesday's 10,000
    monday = pd.Timestamp("2025-06-09T00:00:00Z").value

    assert halt.reason == "WEEKLY_LOSS"
    step(risk, monday - SECOND, "9500")
    assert risk.state == HALTED
    step(risk, monday, "9500")
    assert risk.state == ACTIVE


def test_five_losses_in_a_row_halt_and_a_win_resets_the_count() -> None:
    risk = state()
    for _ in range(4):
        risk.on_position_closed(D(-1))
    risk.on_position_closed(D(2))
    for _ in range(4):
        risk.on_position_closed(D(-1))
        assert step(risk, T0 + SECOND) == []
    risk.on_position_closed(D(0))  # flat: neither extends nor ends the streak

    risk.on_position_closed(D(-1))
    (halt,) = step(risk, T0 + 2 * SECOND)

    assert (halt.reason, risk.loss_streak) == ("LOSS_STREAK", 5)


def test_loss_streak_with_a_cooldown_resumes_after_it_and_clears_the_streak() -> None:
    resume = {**MonitorLimits().resume_secs, HaltReason.LOSS_STREAK: 3_600}
    risk = state(resume_secs=resume)
    for _ in range(5):
        risk.on_position_closed(D(-1))
    step(risk, T0 + SECOND)

    assert step(risk, T0 + SECOND + HOUR - SECOND) == []
    (transition,) = step(risk, T0 + SECOND + HOUR)
    assert (risk.state, transition.reason, risk.loss_streak) == (ACTIVE, "RESUMED", 0)


def test_stale_feed_halts_after_its_limit_and_resumes_after_fresh_data_and_cooldown() -> None:
    risk = state(stale_feed_secs={"POLYMARKET": 10})
    risk.on_feed("POLYMARKET", T0)

    assert step(risk, T0 + 10 * SECOND) == []
    (halt,) = step(risk, T0 + 11 * SECOND)
    assert (halt.reason, risk.state) == ("STALE_FEED", HALTED)
    for second in range(20, 42):
        risk.on_feed("POLYMARKET", T0 + second * SECOND)
        if second < 41:
            assert step(risk, T0 + second * SECOND) == []  # fresh, within the 30 s cooldown
    (resume,) = step(risk, T0 + 41 * SECOND)
    assert (resume.reason, risk.state) == ("RESUMED", ACTIVE)


def test_a_feed_that_never_delivered_and_an_unwatched_feed_never_halt() -> None:
    risk = state(stale_feed_secs={"BINANCE": 10})
    risk.on_feed("POLYMARKET", T0)

    assert step(risk, T0 + HOUR) == []


def test_venue_errors_halt_only_within_the_window() -> None:
    risk = state(max_venue_errors=3, venue_error_window_secs=60)
    risk.on_venue_error(T0)
    risk.on_venue_error(T0 + 30 * SECOND)
    risk.on_venue_error(T0 + 61 * SECOND)
    assert step(risk, T0 + 61 * SECOND) == []

    risk.on_venue_error(T0 + 62 * SECOND)
    (halt,) = step(risk, T0 + 62 * SECOND)
    assert halt.reason == "VENUE_ERRORS"


def test_kill_switch_halts_until_cleared() -> None:
    risk = state()
    risk.set_kill(True, "kill switch: test")

    (halt,) = step(risk, T0 + SECOND)
    assert (halt.reason, halt.detail) == ("KILL_SWITCH", "kill switch: test")
    risk.request_resume()
    assert step(risk, T0 + 2 * SECOND) == []  # a resume cannot lift a set kill switch
    risk.set_kill(False)
    (resume,) = step(risk, T0 + 3 * SECOND)
    assert (resume.reason, risk.state) == ("RESUMED", ACTIVE)


def test_manual_resume_cannot_lift_a_daily_loss_before_midnight() -> None:
    risk = state()
    step(risk, T0 + SECOND, "9700")  # 3 %: drawdown below 5 %, daily loss above 2.5 %

    risk.request_resume()
    assert step(risk, T0 + 2 * SECOND) == []
    assert risk.halts.keys() == {HaltReason.DAILY_LOSS}


def test_each_new_reason_is_recorded_while_already_halted() -> None:
    risk = state()
    risk.set_kill(True)
    step(risk, T0 + SECOND)

    added = step(risk, T0 + 2 * SECOND, "9000")

    assert {t.reason for t in added} == {"MAX_DRAWDOWN", "DAILY_LOSS", "WEEKLY_LOSS"}
    assert {t.state for t in added} == {HALTED}
    assert len(risk.halts) == 4


def test_status_reports_state_halts_and_multiplier() -> None:
    risk = state()
    step(risk, T0 + SECOND, "9400")

    status = risk.status(T0 + SECOND)

    assert (status.state, status.size_multiplier) == (HALTED, 0)
    assert "MAX_DRAWDOWN" in status.halts
    assert status.equity == D(9400)
