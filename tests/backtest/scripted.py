"""
A scripted test strategy: run step n on the n-th complete book update of one token.

It submits with plain ``submit_order`` (not our gate), so tests see the RiskEngine itself.
"""

from collections.abc import Callable

from nautilus_trader.config import StrategyConfig
from nautilus_trader.model.data import OrderBookDeltas
from nautilus_trader.model.enums import OrderSide
from nautilus_trader.model.enums import RecordFlag
from nautilus_trader.model.enums import TimeInForce
from nautilus_trader.model.identifiers import InstrumentId
from nautilus_trader.model.orders import LimitOrder
from nautilus_trader.trading.strategy import Strategy

Step = Callable[["Script"], object]


class ScriptConfig(StrategyConfig, frozen=True):
    instrument_id: InstrumentId


class Script(Strategy):
    """
    Run ``steps[n]`` on the n-th complete book update; record the time of each step.
    """

    def __init__(self, config: ScriptConfig, steps: dict[int, Step]) -> None:
        super().__init__(config)
        self.steps = steps
        self.updates = 0
        self.sent: list[LimitOrder] = []
        self.step_ns: list[int] = []

    def on_start(self) -> None:
        self.subscribe_order_book_deltas(self.config.instrument_id)

    def on_order_book_deltas(self, deltas: OrderBookDeltas) -> None:
        if not deltas.deltas[-1].flags & RecordFlag.F_LAST:
            return
        step = self.steps.get(self.updates)
        self.updates += 1
        if step is not None:
            self.step_ns.append(self.clock.timestamp_ns())
            step(self)

    def limit(self, side: OrderSide, qty: str, price: str) -> LimitOrder:
        instrument = self.cache.instrument(self.config.instrument_id)
        order = self.order_factory.limit(
            instrument_id=instrument.id,
            order_side=side,
            quantity=instrument.make_qty(qty),
            price=instrument.make_price(price),
            time_in_force=TimeInForce.GTC,
        )
        self.submit_order(order)
        self.sent.append(order)
        return order
