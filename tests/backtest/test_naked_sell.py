"""
Polymarket cannot short, while a Nautilus CASH account lets a strategy sell what it does not
hold. ``PolyedgeStrategy.submit_guarded`` must refuse such SELLs (and any order in a resolved
market) before they reach the engine.
"""

from collections.abc import Callable

import pytest
from nautilus_trader.config import StrategyConfig
from nautilus_trader.model.data import OrderBookDeltas
from nautilus_trader.model.enums import OrderSide
from nautilus_trader.model.enums import OrderStatus
from nautilus_trader.model.enums import PositionSide
from nautilus_trader.model.enums import RecordFlag
from nautilus_trader.model.enums import TimeInForce
from nautilus_trader.model.identifiers import InstrumentId

from strategies.base import PolyedgeStrategy
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

END_NS = T0_NS + 3 * NANOS_PER_HOUR
BOOK = {"bids": [("0.49", "500")], "asks": [("0.50", "500")]}


class ProbeConfig(StrategyConfig, frozen=True):
    instrument_id: InstrumentId
    dry_run: bool = False


class Probe(PolyedgeStrategy):
    """
    Run one scripted step per complete book update of one token and record the results.
    """

    def __init__(self, config: ProbeConfig, steps: list[Callable[["Probe"], None]]) -> None:
        super().__init__(config)
        self.steps = steps
        self.results: list[bool] = []

    def on_start(self) -> None:
        super().on_start()
        self.subscribe_order_book_deltas(self.config.instrument_id)

    def on_order_book_deltas(self, deltas: OrderBookDeltas) -> None:
        if deltas.deltas[-1].flags & RecordFlag.F_LAST and self.steps:
            self.steps.pop(0)(self)

    def limit(self, side: OrderSide, qty: str, price: str) -> bool:
        instrument = self.cache.instrument(self.config.instrument_id)
        order = self.order_factory.limit(
            instrument_id=instrument.id,
            order_side=side,
            quantity=instrument.make_qty(qty),
            price=instrument.make_price(price),
            time_in_force=TimeInForce.GTC,
        )
        result = self.submit_guarded(order)
        self.results.append(result)
        return result


def run_probe(steps, extra_data=(), book_updates=2, dry_run=False):
    yes, no = make_instrument_pair(END_NS)
    engine = make_engine([yes, no])
    info = make_market_info(yes, no, END_NS, ts_ns=T0_NS + NANOS_PER_SECOND)
    engine.add_data(as_custom_data([info, *extra_data]), client_id=POLYMARKET_CLIENT_ID)
    for update in range(book_updates):
        ts_ns = T0_NS + (2 + 60 * update) * NANOS_PER_SECOND
        engine.add_data(book_snapshot(yes, **BOOK, ts_ns=ts_ns, sequence=update))
    probe = Probe(ProbeConfig(instrument_id=yes.id, dry_run=dry_run), steps)
    engine.add_strategy(probe)
    engine.run()
    return engine, probe, yes


def test_sell_without_holding_is_refused_and_never_submitted():
    engine, probe, yes = run_probe([lambda s: s.limit(OrderSide.SELL, "10", "0.49")])

    assert probe.results == [False]
    assert probe.refused_orders == 1
    assert engine.cache.orders() == []
    assert engine.cache.positions(instrument_id=yes.id) == []


def test_sell_up_to_held_allowed_beyond_refused():
    steps = [
        lambda s: s.limit(OrderSide.BUY, "10", "0.50"),
        lambda s: (s.limit(OrderSide.SELL, "11", "0.60"), s.limit(OrderSide.SELL, "10", "0.60")),
        lambda s: s.limit(OrderSide.SELL, "1", "0.60"),  # the resting 10 already cover all
    ]

    engine, probe, yes = run_probe(steps, book_updates=3)

    assert probe.results == [True, False, True, False]
    assert probe.refused_orders == 2
    buy, sell = engine.cache.orders()
    assert buy.status == OrderStatus.FILLED
    assert sell.side == OrderSide.SELL
    assert sell.status == OrderStatus.ACCEPTED
    (position,) = engine.cache.positions(instrument_id=yes.id)
    assert position.side == PositionSide.LONG
    assert position.quantity == yes.make_qty("10")


def test_filled_sell_of_whole_holding_leaves_flat_never_short():
    steps = [
        lambda s: s.limit(OrderSide.BUY, "10", "0.50"),
        lambda s: s.limit(OrderSide.SELL, "10", "0.49"),
        lambda s: s.limit(OrderSide.SELL, "5", "0.49"),
    ]

    engine, probe, yes = run_probe(steps, book_updates=3)

    assert probe.results == [True, True, False]
    assert engine.cache.positions_open(instrument_id=yes.id) == []
    assert all(p.side != PositionSide.SHORT for p in engine.cache.positions())


def test_resolution_cancels_own_orders_and_refuses_new_ones():
    yes, no = make_instrument_pair(END_NS)
    resolution = make_market_resolution(yes, no, yes_wins=True, ts_ns=T0_NS + 30 * NANOS_PER_SECOND)
    steps = [
        lambda s: s.limit(OrderSide.BUY, "10", "0.40"),
        lambda s: s.limit(OrderSide.BUY, "10", "0.40"),
    ]

    engine, probe, _ = run_probe(steps, extra_data=[resolution])

    assert probe.results == [True, False]
    assert probe.refused_orders == 1
    assert probe.is_resolved(yes.id)
    assert probe.is_resolved(no.id)
    (order,) = engine.cache.orders()
    assert order.status == OrderStatus.CANCELED


def test_dry_run_submits_nothing_and_refuses_nothing():
    engine, probe, _ = run_probe([lambda s: s.limit(OrderSide.BUY, "10", "0.50")], dry_run=True)

    assert probe.results == [False]
    assert probe.refused_orders == 0
    assert engine.cache.orders() == []


def test_config_without_dry_run_is_rejected():
    class NoDryRunConfig(StrategyConfig, frozen=True):
        pass

    with pytest.raises(TypeError, match="dry_run"):
        PolyedgeStrategy(NoDryRunConfig())
