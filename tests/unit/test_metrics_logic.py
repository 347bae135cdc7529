from decimal import Decimal

import pytest

from actors.logic.metrics import OTHER_REASON
from actors.logic.metrics import RealizedPnl
from actors.logic.metrics import age_secs
from actors.logic.metrics import halt_reason_label
from actors.logic.metrics import new_halts
from actors.logic.metrics import trading_state_value

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(("state", "value"), [("ACTIVE", 0), ("REDUCING", 1), ("HALTED", 2)])
def test_trading_state_value_known_state_maps(state: str, value: int) -> None:
    assert trading_state_value(state) == value


def test_trading_state_value_lower_case_accepted() -> None:
    assert trading_state_value("halted") == 2


def test_trading_state_value_unknown_raises() -> None:
    with pytest.raises(ValueError, match="unknown trading state"):
        trading_state_value("PAUSED")


def test_halt_reason_label_known_reason_kept() -> None:
    assert halt_reason_label("MAX_DRAWDOWN") == "MAX_DRAWDOWN"


def test_halt_reason_label_unknown_reason_other() -> None:
    assert halt_reason_label("REDUCING_DRAWDOWN") == OTHER_REASON


def test_new_halts_only_added_reasons_in_order() -> None:
    previous = ("STALE_FEED",)
    current = ("KILL_SWITCH", "STALE_FEED", "DAILY_LOSS")

    assert new_halts(previous, current) == ("KILL_SWITCH", "DAILY_LOSS")


def test_new_halts_cleared_and_unchanged_yield_nothing() -> None:
    assert new_halts(("KILL_SWITCH",), ()) == ()
    assert new_halts(("KILL_SWITCH",), ("KILL_SWITCH",)) == ()


def test_new_halts_reappearing_reason_counts_again() -> None:
    assert new_halts((), ("KILL_SWITCH",)) == ("KILL_SWITCH",)


def test_age_secs_nanos_to_seconds_never_negative() -> None:
    assert age_secs(3_500_000_000, 1_000_000_000) == 2.5
    assert age_secs(1, 5) == 0.0


def test_realized_pnl_accumulates_changes_per_position() -> None:
    pnl = RealizedPnl()
    key = ("S-1", "USDC.e")

    pnl.update("P-1", key, Decimal("-0.1"), opened=True)
    pnl.update("P-1", key, Decimal("1.9"), opened=False)
    total = pnl.update("P-2", key, Decimal("0.5"), opened=True)

    assert total == Decimal("2.4")


def test_realized_pnl_reopened_netting_position_keeps_earlier_pnl() -> None:
    pnl = RealizedPnl()
    key = ("S-1", "USDC.e")
    pnl.update("P-1", key, Decimal("3"), opened=True)

    total = pnl.update("P-1", key, Decimal("-1"), opened=True)

    assert total == Decimal("2")


def test_realized_pnl_strategies_kept_apart() -> None:
    pnl = RealizedPnl()
    pnl.update("P-1", ("A", "USDC.e"), Decimal("1"), opened=True)

    assert pnl.update("P-2", ("B", "USDC.e"), Decimal("5"), opened=True) == Decimal("5")
