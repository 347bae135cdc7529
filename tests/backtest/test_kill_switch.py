"""
The kill switch: its file halts trading within one simulated second, and its command line.
"""

from decimal import Decimal
from pathlib import Path

import pytest
from nautilus_trader.model.enums import OrderSide
from nautilus_trader.model.enums import OrderStatus
from nautilus_trader.model.enums import TradingState

from actors.kill_switch import KILL_FILE
from actors.kill_switch import KILL_SWITCH_TAG
from actors.kill_switch import RESUME_FILE
from actors.kill_switch import main
from actors.kill_switch import read_kill
from actors.kill_switch import request_kill
from actors.kill_switch import request_resume
from actors.kill_switch import take_resume
from actors.risk_monitor import RiskMonitorActor
from actors.risk_monitor import RiskMonitorActorConfig
from backtesting.risk_wiring import attach_risk_engine
from tests.backtest.scripted import Script
from tests.backtest.scripted import ScriptConfig
from tests.backtest.scripted import Step
from tests.helpers import NANOS_PER_HOUR
from tests.helpers import NANOS_PER_SECOND
from tests.helpers import POLYMARKET_CLIENT_ID
from tests.helpers import T0_NS
from tests.helpers import as_custom_data
from tests.helpers import book_snapshot
from tests.helpers import make_engine
from tests.helpers import make_instrument_pair
from tests.helpers import make_market_info

pytestmark = pytest.mark.backtest

D = Decimal
SECOND = NANOS_PER_SECOND
MILLI = SECOND // 1_000
WIDE = {"max_drawdown": D("0.5"), "daily_loss": D("0.5"), "weekly_loss": D("0.5")}


def run_with_kill_dir(state_dir: Path, book_ms: list[int], steps: dict[int, Step], **config):
    end_ns = T0_NS + 3 * NANOS_PER_HOUR
    yes, no = make_instrument_pair(end_ns)
    engine = make_engine([yes, no])
    attach_risk_engine(engine.kernel)
    info = make_market_info(yes, no, end_ns, ts_ns=T0_NS + SECOND)
    engine.add_data(as_custom_data([info]), client_id=POLYMARKET_CLIENT_ID)
    for sequence, offset_ms in enumerate(book_ms):
        ts_ns = T0_NS + offset_ms * MILLI
        engine.add_data(book_snapshot(yes, [("0.49", "5000")], [("0.50", "5000")], ts_ns, sequence))
    script = Script(ScriptConfig(instrument_id=yes.id), steps)
    engine.add_strategy(script)
    monitor = RiskMonitorActor(
        RiskMonitorActorConfig(kill_switch_dir=str(state_dir), **{**WIDE, **config}),
    )
    engine.add_actor(monitor)
    engine.run()
    return engine, script, monitor, yes


def test_kill_file_halts_within_one_simulated_second(tmp_path: Path) -> None:
    steps: dict[int, Step] = {
        0: lambda s: s.limit(OrderSide.BUY, "10", "0.40"),
        1: lambda s: request_kill(tmp_path, "venue incident"),
        2: lambda s: s.limit(OrderSide.BUY, "10", "0.50"),
    }

    engine, script, monitor, _ = run_with_kill_dir(tmp_path, [2_000, 50_400, 53_000], steps)

    (halt,) = monitor.transitions
    written_ns = script.step_ns[1]
    assert (halt.state, halt.reason, halt.detail) == (
        "HALTED",
        "KILL_SWITCH",
        "kill switch: venue incident",
    )
    assert 0 < halt.ts_ns - written_ns <= SECOND
    resting, late = script.sent
    assert resting.status == OrderStatus.CANCELED
    assert late.status == OrderStatus.DENIED
    assert engine.kernel.risk_engine.trading_state == TradingState.HALTED


def test_removing_the_kill_file_resumes_trading(tmp_path: Path) -> None:
    steps: dict[int, Step] = {
        0: lambda s: request_kill(tmp_path, "drill"),
        1: lambda s: request_resume(tmp_path),
        2: lambda s: s.limit(OrderSide.BUY, "10", "0.50"),
    }

    engine, script, monitor, _ = run_with_kill_dir(tmp_path, [2_000, 10_000, 20_000], steps)

    assert [(t.state, t.reason) for t in monitor.transitions] == [
        ("HALTED", "KILL_SWITCH"),
        ("ACTIVE", "RESUMED"),
    ]
    (order,) = script.sent
    assert order.status == OrderStatus.FILLED
    assert engine.kernel.risk_engine.trading_state == TradingState.ACTIVE
    assert not (tmp_path / RESUME_FILE).exists()  # the monitor consumed the request


def test_kill_with_flatten_closes_positions_through_its_own_orders(tmp_path: Path) -> None:
    steps: dict[int, Step] = {
        0: lambda s: s.limit(OrderSide.BUY, "100", "0.50"),
        1: lambda s: request_kill(tmp_path, "flatten drill", flatten=True),
    }

    engine, script, _, yes = run_with_kill_dir(tmp_path, [2_000, 5_000, 8_000], steps)

    assert engine.cache.positions_open(instrument_id=yes.id) == []
    (flatten,) = [o for o in engine.cache.orders() if KILL_SWITCH_TAG in (o.tags or ())]
    assert flatten.side == OrderSide.SELL
    assert flatten.status == OrderStatus.FILLED
    assert flatten.strategy_id == script.id
    assert flatten.quantity == yes.make_qty("100")


def test_manual_resume_lifts_a_drawdown_halt(tmp_path: Path) -> None:
    steps: dict[int, Step] = {
        0: lambda s: s.limit(OrderSide.BUY, "2000", "0.50"),
        2: lambda s: request_resume(tmp_path),
    }
    end_ns = T0_NS + 3 * NANOS_PER_HOUR
    yes, no = make_instrument_pair(end_ns)
    engine = make_engine([yes, no])
    attach_risk_engine(engine.kernel)
    engine.add_data(book_snapshot(yes, [("0.49", "5000")], [("0.50", "5000")], T0_NS + SECOND))
    for sequence, offset in enumerate((60, 120, 180), start=1):
        ts_ns = T0_NS + offset * SECOND
        engine.add_data(book_snapshot(yes, [("0.19", "5000")], [("0.21", "5000")], ts_ns, sequence))
    script = Script(ScriptConfig(instrument_id=yes.id), steps)
    engine.add_strategy(script)
    monitor = RiskMonitorActor(
        RiskMonitorActorConfig(
            kill_switch_dir=str(tmp_path), **{**WIDE, "max_drawdown": D("0.05")}
        ),
    )
    engine.add_actor(monitor)
    engine.run()

    assert [(t.ts_ns - T0_NS, t.reason) for t in monitor.transitions] == [
        (60 * SECOND, "MAX_DRAWDOWN"),
        (120 * SECOND, "RESUMED"),
    ]
    assert monitor.status().drawdown == 0  # the peak was re-based to equity at the resume


def test_cli_kill_status_resume_round_trip(tmp_path: Path, caplog) -> None:
    state_dir = str(tmp_path / "risk")

    assert main(["status", "--state-dir", state_dir]) == 0
    assert main(["kill", "--state-dir", state_dir, "--reason", "fat finger", "--flatten"]) == 0
    assert read_kill(state_dir).reason == "fat finger"
    assert read_kill(state_dir).flatten is True
    assert main(["status", "--state-dir", state_dir]) == 1
    assert main(["resume", "--state-dir", state_dir]) == 0

    assert read_kill(state_dir) is None
    assert take_resume(state_dir) is True
    assert take_resume(state_dir) is False
    assert "Kill switch ON (fat finger, flatten=True)" in caplog.text


def test_touched_kill_file_without_json_still_kills(tmp_path: Path) -> None:
    (tmp_path / KILL_FILE).touch()

    request = read_kill(tmp_path)

    assert request is not None
    assert request.flatten is False


def test_cli_reads_the_state_dir_from_a_config(tmp_path: Path) -> None:
    state_dir = tmp_path / "from-config"
    root = tmp_path / "live.yaml"
    root.write_text(
        "mode: live\nnode: {trader_id: LIVE-001}\n"
        f"risk: {{kill_switch: {{state_dir: '{state_dir}'}}}}\n",
        encoding="utf-8",
    )

    assert main(["kill", "--config", str(root)]) == 0
    assert (state_dir / KILL_FILE).exists()


def test_cli_without_a_configured_state_dir_exits_2(tmp_path: Path) -> None:
    root = tmp_path / "live.yaml"
    root.write_text("mode: live\nnode: {trader_id: LIVE-001}\n", encoding="utf-8")

    assert main(["kill", "--config", str(root)]) == 2
