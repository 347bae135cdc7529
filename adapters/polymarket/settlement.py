"""
Binary settlement for the simulated Polymarket venue.

NautilusTrader 1.221 never expires a ``BinaryOption`` and its ``InstrumentClose`` close-out
leaves cash wrong on a CASH account. This venue module settles instead, when a
``MarketResolution`` arrives on the message bus (from the catalog or a scanner):

1. cancels every open order in both tokens of the market;
2. replaces each token's simulated book with one level at the payout price (1 or 0);
3. closes every open position through a reduce-only market order owned by the position's
   strategy, so the fill, the cash and the realized PnL flow through Nautilus as usual.

The taker fee of a fill at 0 or 1 is zero (``p × (1 − p) = 0``), so settlement is exact.
"""

from decimal import Decimal

from nautilus_trader.backtest.config import SimulationModuleConfig
from nautilus_trader.backtest.modules import SimulationModule
from nautilus_trader.common.component import Logger
from nautilus_trader.core.uuid import UUID4
from nautilus_trader.execution.messages import CancelOrder
from nautilus_trader.execution.messages import SubmitOrder
from nautilus_trader.model.data import BookOrder
from nautilus_trader.model.data import OrderBookDelta
from nautilus_trader.model.data import OrderBookDeltas
from nautilus_trader.model.enums import BookAction
from nautilus_trader.model.enums import OrderSide
from nautilus_trader.model.enums import RecordFlag
from nautilus_trader.model.enums import TimeInForce
from nautilus_trader.model.identifiers import ClientOrderId
from nautilus_trader.model.identifiers import InstrumentId
from nautilus_trader.model.instruments import Instrument
from nautilus_trader.model.orders import MarketOrder
from nautilus_trader.model.position import Position

from actors.data_types import MarketResolution

RESOLUTION_TOPIC = "data.MarketResolution*"
SETTLEMENT_TAG = "SETTLEMENT"
EXEC_ENGINE_ENDPOINT = "ExecEngine.execute"


class SettlementModuleConfig(SimulationModuleConfig, frozen=True):
    """
    Configuration for ``SettlementModule``.

    Parameters
    ----------
    payout_depth : int, default 1_000_000_000
        Shares placed at the payout price so any position closes in one fill.

    """

    payout_depth: int = 1_000_000_000


class SettlementModule(SimulationModule):
    """
    Settle binary positions at resolution on the simulated Polymarket venue.

    Parameters
    ----------
    config : SettlementModuleConfig
        The module configuration.

    """

    def __init__(self, config: SettlementModuleConfig | None = None) -> None:
        super().__init__(config or SettlementModuleConfig())
        self._payout_depth = (config or SettlementModuleConfig()).payout_depth
        self._subscribed = False
        self._in_settlement = False
        self._pending: list[MarketResolution] = []
        self._settled: dict[InstrumentId, Decimal] = {}
        self._order_count = 0

    @property
    def settled(self) -> dict[InstrumentId, Decimal]:
        """
        Return the payout applied to each settled token.
        """
        return dict(self._settled)

    def pre_process(self, data) -> None:
        """
        Subscribe to resolutions once the message bus is registered.
        """
        self._ensure_subscribed()

    def process(self, ts_now: int) -> None:
        """
        Settle the resolutions received since the last call.
        """
        self._ensure_subscribed()
        if self._in_settlement or not self._pending:
            return
        self._in_settlement = True
        try:
            while self._pending:
                self._settle(self._pending.pop(0), ts_now)
            # Fill the close-out orders now, against the payout books just set,
            # rather than at the next data point.
            self.exchange.process(ts_now)
        finally:
            self._in_settlement = False

    def log_diagnostics(self, logger: Logger) -> None:
        """
        Log how many tokens were settled.
        """
        logger.info(f"SettlementModule settled {len(self._settled)} tokens")

    def reset(self) -> None:
        """
        Reset the module state.
        """
        self._pending.clear()
        self._settled.clear()
        self._order_count = 0

    def _ensure_subscribed(self) -> None:
        if self._subscribed:
            return
        # A wildcard receives both catalog replay (data.MarketResolution.<venue>.<symbol>)
        # and publish_data (data.MarketResolution) topics.
        self.msgbus.subscribe(topic=RESOLUTION_TOPIC, handler=self._on_resolution)
        self._subscribed = True

    def _on_resolution(self, resolution: MarketResolution) -> None:
        if isinstance(resolution, MarketResolution):
            self._pending.append(resolution)

    def _settle(self, resolution: MarketResolution, ts_now: int) -> None:
        closed = 0
        for instrument_id, payout in resolution.payouts().items():
            if instrument_id in self._settled:
                continue
            instrument = self.exchange.instruments.get(instrument_id)
            if instrument is None:
                self.log.warning(f"Cannot settle {instrument_id}: not on this venue")
                continue
            self._cancel_open_orders(instrument_id, ts_now)
            self._set_payout_book(instrument, payout, ts_now)
            closed += self._close_positions(instrument, ts_now)
            self._settled[instrument_id] = payout
        self.log.info(
            f"Resolved {resolution.condition_id}: {resolution.winning_instrument_id} pays 1, "
            f"closing {closed} position(s)",
        )

    def _cancel_open_orders(self, instrument_id: InstrumentId, ts_now: int) -> None:
        # Cancel synchronously in the matching engine: a queued cancel would let the payout
        # book fill resting orders first.
        matching_engine = self.exchange.get_matching_engine(instrument_id)
        for order in self.cache.orders_open(instrument_id=instrument_id):
            command = CancelOrder(
                trader_id=order.trader_id,
                strategy_id=order.strategy_id,
                instrument_id=instrument_id,
                client_order_id=order.client_order_id,
                venue_order_id=order.venue_order_id,
                command_id=UUID4(),
                ts_init=ts_now,
            )
            matching_engine.process_cancel(command, order.account_id)

    def _set_payout_book(self, instrument: Instrument, payout: Decimal, ts_now: int) -> None:
        price = instrument.make_price(payout)
        size = instrument.make_qty(self._payout_depth)
        deltas = [OrderBookDelta.clear(instrument.id, 0, ts_now, ts_now)]
        for side in (OrderSide.BUY, OrderSide.SELL):
            order = BookOrder(side, price, size, 0)
            deltas.append(
                OrderBookDelta(instrument.id, BookAction.ADD, order, 0, 0, ts_now, ts_now),
            )
        last = deltas[-1]
        deltas[-1] = OrderBookDelta(
            last.instrument_id,
            last.action,
            last.order,
            RecordFlag.F_LAST,
            0,
            ts_now,
            ts_now,
        )
        self.exchange.process_order_book_deltas(OrderBookDeltas(instrument.id, deltas))

    def _close_positions(self, instrument: Instrument, ts_now: int) -> int:
        positions: list[Position] = self.cache.positions_open(instrument_id=instrument.id)
        for position in positions:
            self._order_count += 1
            order = MarketOrder(
                trader_id=position.trader_id,
                strategy_id=position.strategy_id,
                instrument_id=instrument.id,
                client_order_id=ClientOrderId(f"O-SETTLE-{self._order_count}"),
                order_side=OrderSide.SELL if position.is_long else OrderSide.BUY,
                quantity=position.quantity,
                init_id=UUID4(),
                ts_init=ts_now,
                time_in_force=TimeInForce.IOC,
                reduce_only=True,
                tags=[SETTLEMENT_TAG],
            )
            command = SubmitOrder(
                trader_id=position.trader_id,
                strategy_id=position.strategy_id,
                order=order,
                command_id=UUID4(),
                ts_init=ts_now,
                position_id=position.id,
            )
            self.msgbus.send(endpoint=EXEC_ENGINE_ENDPOINT, msg=command)
        return len(positions)
