"""
RiskMonitorActor on scripted engines: each halt goes through the RiskEngine's trading state.

The scripted strategy is a plain Nautilus ``Strategy`` that calls ``submit_order`` directly,
so what stops its orders after a halt is the RiskEngine itself (orders DENIED), not our gate.
"""

from decimal import Decimal

import pandas as pd
import pytest
from nautilus_trader.model.data import OrderBookDeltas
from nautilus_trader.model.enums import OrderSide
from nautilus_trader.model.enums import OrderStatus
from nautilus_trader.model.enums import RecordFlag
from nautilus_trader.model.enums import TradingState
from nautilus_trader.model.identifiers import InstrumentId
from nautilus_trader.persistence.catalog import ParquetDataCatalog
from nautilus_trader.trading.strategy import Strategy

from actors.risk_monitor import RiskMonitorActor
from actors.risk_monitor import RiskMonitorActorConfig
from backtesting.catalog_check import inspect_catalog
from backtesting.node import run_backtest
from backtesting.risk_wiring import attach_risk_engine
from configs.schema import load_config
from reporting.collect import collect_run
from reporting.report import build_report
from reporting.report import format_table
from strategies.base import PolyedgeStrategy
from strategies.base import PolyedgeStrategyConfig
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
from tests.helpers import make_market_resolution

pytestmark = pytest.mark.backtest

D = Decimal
SECOND = NANOS_PER_SECOND
# Only the halt under test may fire: the other loss limits are set out of reach.
WIDE = {"max_drawdown": D("0.5"), "daily_loss": D("0.5"), "weekly_loss": D("0.5")}


class GuardedConfig(PolyedgeStrategyConfig, frozen=True):
    instrument_id: InstrumentId


class Guarded(PolyedgeStrategy):
    """
    A polyedge strategy that tries one BUY on every complete book update after the first.
    """

    def __init__(self, config: GuardedConfig) -> None:
        super().__init__(config)
        self.updates = 0

    def on_start(self) -> None:
        super().on_start()
        self.subscribe_order_book_deltas(self.config.instrument_id)

    def on_order_book_deltas(self, deltas: OrderBookDeltas) -> None:
        if not deltas.deltas[-1].flags & RecordFlag.F_LAST:
            return
        self.updates += 1
        if self.updates > 1:
            instrument = self.cache.instrument(self.config.instrument_id)
            order = self.order_factory.limit(
                instrument_id=instrument.id,
                order_side=OrderSide.BUY,
                quantity=instrument.make_qty("5"),
                price=instrument.make_price("0.21"),
            )
            self.submit_guarded(order)


def run_script(
    books: list[tuple[int, str, str]],
    steps: dict[int, Step],
    t0: int = T0_NS,
    extra: tuple[Strategy, ...] = (),
    **monitor_config,
):
    """
    Run one market with YES books ``(second offset, bid, ask)`` (5,000 a side) and a monitor.
    """
    end_ns = t0 + 72 * NANOS_PER_HOUR
    yes, no = make_instrument_pair(end_ns, ts_init=t0)
    engine = make_engine([yes, no])
    attach_risk_engine(engine.kernel)
    info = make_market_info(yes, no, end_ns, ts_ns=t0 + SECOND)
    engine.add_data(as_custom_data([info]), client_id=POLYMARKET_CLIENT_ID)
    for sequence, (offset, bid, ask) in enumerate(books):
        ts_ns = t0 + offset * SECOND
        engine.add_data(book_snapshot(yes, [(bid, "5000")], [(ask, "5000")], ts_ns, sequence))
    script = Script(ScriptConfig(instrument_id=yes.id), steps)
    engine.add_strategy(script)
    for strategy in extra:
        engine.add_strategy(strategy)
    monitor = RiskMonitorActor(RiskMonitorActorConfig(**monitor_config))
    engine.add_actor(monitor)
    engine.run()
    return engine, script, monitor, yes


def summary(monitor: RiskMonitorActor, t0: int = T0_NS) -> list[tuple[float, str, str]]:
    return [((t.ts_ns - t0) / SECOND, t.state, t.reason) for t in monitor.transitions]


def test_losing_position_triggers_drawdown_halt_denies_orders_and_cancels_resting() -> None:
    steps: dict[int, Step] = {
        0: lambda s: (
            s.limit(OrderSide.BUY, "2000", "0.50"),
            s.limit(OrderSide.BUY, "100", "0.10"),
        ),
        2: lambda s: s.limit(OrderSide.BUY, "10", "0.21"),
    }
    books = [(2, "0.49", "0.50"), (60, "0.19", "0.21"), (120, "0.19", "0.21")]
    yes_id = make_instrument_pair(T0_NS + 72 * NANOS_PER_HOUR)[0].id
    guarded = Guarded(GuardedConfig(instrument_id=yes_id))

    engine, script, monitor, _ = run_script(
        books, steps, extra=(guarded,), **{**WIDE, "max_drawdown": D("0.05")}
    )

    # 2,000 bought at 0.50 marked at mid 0.20: equity 9,400, 6 % below the 10,000 peak.
    assert summary(monitor) == [(60.0, "HALTED", "MAX_DRAWDOWN")]
    assert "equity 9400.00, peak 10000.00" in monitor.transitions[0].detail
    assert engine.kernel.risk_engine.trading_state == TradingState.HALTED
    filled, resting, late = script.sent
    assert filled.status == OrderStatus.FILLED
    assert resting.status == OrderStatus.CANCELED
    assert late.status == OrderStatus.DENIED
    assert guarded.trading_state == "HALTED"
    # Our gate refuses too: at 60 s the market already holds 10 % of equity through the
    # script's position (caps are portfolio-wide), at 120 s trading is halted.
    assert guarded.refusals == {"MARKET_CAP": 1, "HALTED": 1}
    assert engine.cache.orders(strategy_id=guarded.id) == []


def test_daily_loss_halts_and_resets_at_midnight_utc() -> None:
    t0 = pd.Timestamp("2025-06-02T22:00:00Z").value
    midnight = pd.Timestamp("2025-06-03T00:00:00Z").value
    books = [(offset, "0.19", "0.21") for offset in range(600, 4 * 3_600, 300)]
    books.insert(0, (2, "0.49", "0.50"))
    before = (midnight - t0) // SECOND - 600  # 23:50
    steps: dict[int, Step] = {0: lambda s: s.limit(OrderSide.BUY, "1000", "0.50")}
    steps[books.index((before, "0.19", "0.21"))] = lambda s: s.limit(OrderSide.BUY, "5", "0.21")
    after = books.index(((midnight - t0) // SECOND + 300, "0.19", "0.21"))  # 00:05
    steps[after] = lambda s: s.limit(OrderSide.BUY, "5", "0.21")

    engine, script, monitor, _ = run_script(
        books, steps, t0=t0, max_drawdown=D("0.5"), daily_loss=D("0.025")
    )

    # 1,000 bought at 0.50 marked at 0.20 at 22:10: a 300 (3 %) loss on the day's 10,000.
    assert summary(monitor, t0) == [
        (600.0, "HALTED", "DAILY_LOSS"),
        ((midnight - t0) / SECOND, "ACTIVE", "RESUMED"),
    ]
    _, denied, accepted = script.sent
    assert denied.status == OrderStatus.DENIED
    assert accepted.status == OrderStatus.FILLED
    assert engine.kernel.risk_engine.trading_state == TradingState.ACTIVE
    # The day reopened at midnight: only the 00:05 BUY (5 at 0.21, marked at 0.20) moved it.
    assert monitor.status().daily_pnl == D("-0.05")


def test_five_consecutive_losses_halt() -> None:
    # Each minute: buy 10 at 0.50, then sell them at 0.40 half a minute later (a 1.00 loss).
    books = []
    steps: dict[int, Step] = {}
    for cycle in range(6):
        books += [(2 + 60 * cycle, "0.49", "0.50"), (32 + 60 * cycle, "0.40", "0.41")]
        steps[2 * cycle] = lambda s: s.limit(OrderSide.BUY, "10", "0.50")
        steps[2 * cycle + 1] = lambda s: s.limit(OrderSide.SELL, "10", "0.40")

    engine, script, monitor, yes = run_script(books, steps, **WIDE)

    assert summary(monitor) == [(272.0, "HALTED", "LOSS_STREAK")]
    closed = [p for p in engine.cache.positions(instrument_id=yes.id) if p.is_closed]
    snapshots = engine.cache.position_snapshots()
    assert len(closed) + len(snapshots) == 5
    sixth_buy, sixth_sell = script.sent[-2:]
    assert (sixth_buy.status, sixth_sell.status) == (OrderStatus.DENIED, OrderStatus.DENIED)


def test_stale_feed_halts_and_resumes_after_fresh_data_and_cooldown() -> None:
    books = [(offset, "0.49", "0.50") for offset in (2, 10, 20, 30, 100, 110, 120, 130, 140)]
    steps: dict[int, Step] = {0: lambda s: s.limit(OrderSide.BUY, "10", "0.30")}

    engine, script, monitor, _ = run_script(
        books, steps, stale_feed_secs={"POLYMARKET": 10}, **WIDE
    )

    # Silent from 30 s: stale at 41 s; fresh again at 100 s, past the 30 s cooldown by then.
    assert summary(monitor) == [(41.0, "HALTED", "STALE_FEED"), (100.0, "ACTIVE", "RESUMED")]
    assert "POLYMARKET silent 11 s > 10 s" in monitor.transitions[0].detail
    (resting,) = script.sent
    assert resting.status == OrderStatus.CANCELED
    assert engine.kernel.risk_engine.trading_state == TradingState.ACTIVE


def test_feed_of_another_venue_does_not_keep_a_stale_feed_alive() -> None:
    books = [(2, "0.49", "0.50"), (100, "0.49", "0.50")]

    _, _, monitor, _ = run_script(books, {}, stale_feed_secs={"BINANCE": 10}, **WIDE)

    assert monitor.transitions == []


def test_monitor_refuses_to_start_without_the_risk_engine_endpoint() -> None:
    yes, no = make_instrument_pair(T0_NS + NANOS_PER_HOUR)
    engine = make_engine([yes, no])
    engine.add_data(book_snapshot(yes, [("0.49", "10")], [("0.50", "10")], T0_NS + SECOND))
    engine.add_actor(RiskMonitorActor(RiskMonitorActorConfig()))

    with pytest.raises(RuntimeError, match="attach_risk_engine"):
        engine.run()


def _losing_catalog(root) -> None:
    end_ns = T0_NS + 3 * NANOS_PER_HOUR
    yes, no = make_instrument_pair(end_ns)
    catalog = ParquetDataCatalog(str(root))
    catalog.write_data([yes, no])
    deltas = []
    for minute in range(12):
        ts = T0_NS + (minute * 60 + 1) * SECOND
        deltas += book_snapshot(yes, [("0.78", "500")], [("0.80", "500")], ts, sequence=minute)
        deltas += book_snapshot(no, [("0.20", "500")], [("0.22", "500")], ts, sequence=minute)
    catalog.write_data(deltas)
    catalog.write_data([make_market_info(yes, no, end_ns)])
    catalog.write_data([make_market_resolution(yes, no, False, T0_NS + 10 * 60 * SECOND)])


def test_wired_backtest_caps_phase_one_order_and_reports_the_halt(tmp_path) -> None:
    _losing_catalog(tmp_path / "catalog")
    overrides = {"catalog": {"path": str(tmp_path / "catalog")}, "risk": {"phase": 1}}
    overrides["risk"]["kill_switch"] = {"state_dir": str(tmp_path / "state")}
    config = load_config("configs/backtest.yaml", overrides)
    contents = inspect_catalog(config.catalog.path)
    outcome = run_backtest(config, contents, "t")
    try:
        records = collect_run(outcome.engine)
    finally:
        outcome.node.dispose()

    meta = {"run_id": "t", "starting_equity": "10000", "synthetic": False, "strategies": []}
    report = build_report(records, meta)
    # Phase 1 caps the 50 USDC stake at 20: 25 YES at 0.80; NO wins, a 20 loss > 10 a day.
    (entry,) = [o for o in records.orders if not o.settlement]
    assert entry.quantity == D(25)
    (halt,) = report["halts"]
    assert (halt["state"], halt["reason"]) == ("HALTED", "DAILY_LOSS")
    assert halt["time"] == "2025-06-02T12:10:00.000000000Z"
    assert "risk: 2025-06-02T12:10:00.000000000Z HALTED DAILY_LOSS" in format_table(report)
