import socket
from decimal import Decimal

import httpx
import pytest
from nautilus_trader.model.data import OrderBookDeltas
from nautilus_trader.model.data import TradeTick
from nautilus_trader.model.enums import AggressorSide
from nautilus_trader.model.enums import OrderSide
from nautilus_trader.model.enums import TradingState
from nautilus_trader.model.identifiers import TradeId

from actors.logic.risk_types import RISK_STATUS_TOPIC
from actors.logic.risk_types import RiskStatus
from actors.metrics import MetricsActor
from actors.metrics import MetricsActorConfig
from actors.risk_monitor import TRADING_STATE_ENDPOINT
from backtesting.risk_wiring import attach_risk_engine
from tests.backtest.scripted import Script
from tests.backtest.scripted import ScriptConfig
from tests.backtest.scripted import Step
from tests.helpers import NANOS_PER_HOUR
from tests.helpers import NANOS_PER_SECOND
from tests.helpers import T0_NS
from tests.helpers import book_snapshot
from tests.helpers import make_engine
from tests.helpers import make_instrument_pair

pytestmark = pytest.mark.backtest

SECOND = NANOS_PER_SECOND
BOOKS = 12


def _status(state: str, halts: tuple[str, ...]) -> RiskStatus:
    return RiskStatus(T0_NS, state, Decimal(1), halts, None, Decimal(0), Decimal(0))


def _publish(script: Script, status: RiskStatus) -> None:
    script.msgbus.publish(topic=RISK_STATUS_TOPIC, msg=status)


def _run(steps: dict[int, Step], actor: MetricsActor, wire_risk: bool = False):
    end_ns = T0_NS + 3 * NANOS_PER_HOUR
    yes, no = make_instrument_pair(end_ns)
    engine = make_engine([yes, no])
    if wire_risk:
        attach_risk_engine(engine.kernel)
    books = [
        OrderBookDeltas(
            yes.id,
            book_snapshot(yes, [("0.49", "5000")], [("0.50", "5000")], T0_NS + i * SECOND, i),
        )
        for i in range(1, BOOKS + 1)
    ]
    engine.add_data(books)
    trade_ns = T0_NS + 2 * SECOND + 1
    trade = TradeTick(
        yes.id,
        yes.make_price("0.50"),
        yes.make_qty("20"),
        AggressorSide.BUYER,
        TradeId("T-1"),
        trade_ns,
        trade_ns,
    )
    engine.add_data([trade])
    script = Script(ScriptConfig(instrument_id=yes.id), steps)
    engine.add_strategy(script)
    engine.add_actor(actor)
    engine.run()
    return engine, script, yes


def test_backtest_run_exports_order_data_and_risk_metrics() -> None:
    seen: dict[str, float | None] = {}

    def halt(s: Script) -> None:
        _publish(s, _status("HALTED", ("KILL_SWITCH",)))

    def resume(s: Script) -> None:
        seen["kill"] = actor.registry.get_sample_value("polyedge_kill_switch")
        seen["state"] = actor.registry.get_sample_value("polyedge_risk_trading_state")
        _publish(s, _status("ACTIVE", ()))

    actor = MetricsActor(MetricsActorConfig())
    steps: dict[int, Step] = {
        1: lambda s: s.limit(OrderSide.BUY, "10", "0.50"),
        3: halt,
        4: resume,
    }
    engine, script, yes = _run(steps, actor)
    value = actor.registry.get_sample_value
    strategy = {"strategy": script.id.value}

    assert value("polyedge_orders_submitted_total", strategy) == 1
    assert value("polyedge_orders_filled_total", strategy) == 1
    assert value("polyedge_orders_denied_total", strategy) is None
    venue = {"venue": "POLYMARKET"}
    assert value("polyedge_data_messages_total", {**venue, "type": "book_deltas"}) == BOOKS
    assert value("polyedge_data_messages_total", {**venue, "type": "trades"}) == 1
    assert value("polyedge_data_last_message_age_seconds", venue) == 0.0
    assert value("polyedge_risk_trading_state") == 0
    assert value("polyedge_risk_halts_total", {"reason": "KILL_SWITCH"}) == 1
    assert seen == {"kill": 1.0, "state": 2.0}
    assert value("polyedge_kill_switch") == 0
    assert value("polyedge_feed_shards", venue) is None
    cash = engine.portfolio.account(yes.id.venue).balance_total(yes.quote_currency).as_double()
    equity = value("polyedge_equity", {**venue, "currency": yes.quote_currency.code})
    assert equity == pytest.approx(cash + 10 * 0.495)
    pnl = value("polyedge_realized_pnl", {**strategy, "currency": yes.quote_currency.code})
    assert pnl is not None
    assert pnl <= 0
    engine.dispose()


def test_set_feed_stats_sets_gauges() -> None:
    actor = MetricsActor(MetricsActorConfig())

    actor.set_feed_stats(shards=3, tokens=1_200)

    venue = {"venue": "POLYMARKET"}
    assert actor.registry.get_sample_value("polyedge_feed_shards", venue) == 3
    assert actor.registry.get_sample_value("polyedge_feed_subscribed_tokens", venue) == 1_200


def test_two_actors_use_separate_registries() -> None:
    first = MetricsActor(MetricsActorConfig())
    second = MetricsActor(MetricsActorConfig())

    first.set_feed_stats(shards=1, tokens=5)

    assert second.registry.get_sample_value("polyedge_feed_shards", {"venue": "POLYMARKET"}) is None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_http_server_serves_metrics_while_running_and_stops() -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}/metrics"
    scraped: list[str] = []
    steps: dict[int, Step] = {
        1: lambda s: s.limit(OrderSide.BUY, "10", "0.50"),
        3: lambda s: scraped.append(httpx.get(url, timeout=5).text),
    }

    engine, *_ = _run(steps, MetricsActor(MetricsActorConfig(port=port)))

    assert "polyedge_orders_filled_total" in scraped[0]
    with pytest.raises(httpx.ConnectError):
        httpx.get(url, timeout=1)
    engine.dispose()


def test_risk_engine_trading_state_changes_follow_gauge() -> None:
    actor = MetricsActor(MetricsActorConfig())
    seen: list[float | None] = []

    def send(state: TradingState) -> Step:
        return lambda s: s.msgbus.send(endpoint=TRADING_STATE_ENDPOINT, msg=state)

    def record(s: Script) -> None:
        seen.append(actor.registry.get_sample_value("polyedge_risk_trading_state"))

    steps: dict[int, Step] = {1: send(TradingState.REDUCING), 2: record}
    steps |= {3: send(TradingState.HALTED), 4: record, 5: send(TradingState.ACTIVE)}

    engine, *_ = _run(steps, actor, wire_risk=True)

    assert seen == [1.0, 2.0]
    assert actor.registry.get_sample_value("polyedge_risk_trading_state") == 0
    engine.dispose()
