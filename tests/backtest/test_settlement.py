"""
Settlement at resolution and Polymarket fees, exact to the cent, on a real BacktestEngine.
"""

from decimal import Decimal

import pandas as pd
import pytest
from nautilus_trader.backtest.engine import BacktestEngine
from nautilus_trader.backtest.engine import BacktestEngineConfig
from nautilus_trader.config import LoggingConfig
from nautilus_trader.model.data import BookOrder
from nautilus_trader.model.data import CustomData
from nautilus_trader.model.data import DataType
from nautilus_trader.model.data import OrderBookDelta
from nautilus_trader.model.data import OrderBookDeltas
from nautilus_trader.model.enums import AccountType
from nautilus_trader.model.enums import BookAction
from nautilus_trader.model.enums import BookType
from nautilus_trader.model.enums import OmsType
from nautilus_trader.model.enums import OrderSide
from nautilus_trader.model.enums import OrderStatus
from nautilus_trader.model.enums import RecordFlag
from nautilus_trader.model.identifiers import ClientId
from nautilus_trader.model.identifiers import Venue
from nautilus_trader.model.instruments import BinaryOption
from nautilus_trader.model.objects import Money
from nautilus_trader.trading.config import StrategyConfig
from nautilus_trader.trading.strategy import Strategy

from actors.data_types import MarketResolution
from adapters.polymarket.fees import PolymarketFeeModel
from adapters.polymarket.fees import PolymarketFeeModelConfig
from adapters.polymarket.instruments import clob_market_dict
from adapters.polymarket.instruments import instruments_from_market
from adapters.polymarket.settlement import SettlementModule

pytestmark = pytest.mark.backtest

T0 = pd.Timestamp("2026-06-01T00:00:00Z").value
SEC = 1_000_000_000
VENUE = Venue("POLYMARKET")


def _book(instrument: BinaryOption, bid: str, ask: str, ts: int) -> OrderBookDeltas:
    deltas = [OrderBookDelta.clear(instrument.id, 0, ts, ts)]
    for side, price in ((OrderSide.BUY, bid), (OrderSide.SELL, ask)):
        order = BookOrder(side, instrument.make_price(Decimal(price)), instrument.make_qty(500), 0)
        deltas.append(OrderBookDelta(instrument.id, BookAction.ADD, order, 0, 0, ts, ts))
    last = deltas[-1]
    deltas[-1] = OrderBookDelta(
        instrument.id, last.action, last.order, RecordFlag.F_LAST, 0, ts, ts
    )
    return OrderBookDeltas(instrument.id, deltas)


class _ScriptConfig(StrategyConfig, frozen=True):
    orders: tuple = ()  # (token index, side, qty, price)


class _Script(Strategy):
    """Submit a fixed list of limit orders on the first book update."""

    def __init__(self, config: _ScriptConfig, instruments: list[BinaryOption]) -> None:
        super().__init__(config)
        self._instruments = instruments
        self._sent = False

    def on_start(self) -> None:
        for instrument in self._instruments:
            self.subscribe_order_book_deltas(instrument.id, book_type=BookType.L2_MBP)

    def on_order_book_deltas(self, deltas: OrderBookDeltas) -> None:
        if self._sent or deltas.ts_event < T0 + 30 * SEC:  # Wait until both books exist.
            return
        self._sent = True
        for index, side, qty, price in self.config.orders:
            instrument = self._instruments[index]
            order = self.order_factory.limit(
                instrument.id,
                side,
                instrument.make_qty(Decimal(qty)),
                instrument.make_price(Decimal(price)),
            )
            self.submit_order(order)


def _run(orders: tuple, winner: int, fee_rate: str = "0.07") -> tuple[BacktestEngine, list]:
    market = clob_market_dict(
        "0x" + "ab" * 32, "Will it?", "1" * 77, "2" * 77, T0 + 3600 * SEC, Decimal("0.01")
    )
    yes, no = instruments_from_market(market, T0)
    rates = {yes.id.value: fee_rate, no.id.value: fee_rate}
    engine = BacktestEngine(BacktestEngineConfig(logging=LoggingConfig(bypass_logging=True)))
    engine.add_venue(
        VENUE,
        OmsType.NETTING,
        AccountType.CASH,
        [Money(10_000, yes.quote_currency)],
        base_currency=None,
        book_type=BookType.L2_MBP,
        fee_model=PolymarketFeeModel(PolymarketFeeModelConfig(rates=rates)),
        modules=[SettlementModule()],
    )
    engine.add_instrument(yes)
    engine.add_instrument(no)
    engine.add_data([_book(yes, "0.78", "0.80", T0 + SEC), _book(no, "0.20", "0.22", T0 + SEC)])
    engine.add_data([_book(yes, "0.78", "0.80", T0 + 60 * SEC)])
    ts = T0 + 3660 * SEC
    resolution = MarketResolution(
        instrument_id=yes.id,
        condition_id=market["condition_id"],
        yes_instrument_id=yes.id.value,
        no_instrument_id=no.id.value,
        winning_instrument_id=(yes, no)[winner].id.value,
        yes_payout="1" if winner == 0 else "0",
        no_payout="0" if winner == 0 else "1",
        ts_event=ts,
        ts_init=ts,
    )
    engine.add_data(
        [CustomData(DataType(MarketResolution), resolution)], client_id=ClientId("POLYMARKET")
    )
    engine.add_strategy(_Script(_ScriptConfig(strategy_id="Script-001", orders=orders), [yes, no]))
    engine.run()
    return engine, [yes, no]


def _cash(engine: BacktestEngine, instrument: BinaryOption) -> Decimal:
    account = engine.portfolio.account(VENUE)
    return account.balance_total(instrument.quote_currency).as_decimal()


def test_won_and_lost_positions_settle_exactly_with_fees() -> None:
    # Buy 100 YES at 0.80 (taker) and 50 NO at 0.22 (taker); YES wins.
    engine, (yes, no) = _run(
        orders=((0, OrderSide.BUY, "100", "0.80"), (1, OrderSide.BUY, "50", "0.22")),
        winner=0,
    )

    # Hand-computed: fee = shares × 0.07 × p × (1 − p), floored to 5 dp.
    fee_yes = Decimal("1.12")  # 100 × 0.07 × 0.80 × 0.20
    fee_no = Decimal("0.6006")  # 50 × 0.07 × 0.22 × 0.78
    expected = Decimal(10_000) - 80 - fee_yes - 11 - fee_no + 100 + 0
    assert _cash(engine, yes) == expected == Decimal("10007.2794")
    positions = engine.cache.positions()
    assert all(p.is_closed for p in positions)
    pnl = {p.instrument_id: p.realized_pnl.as_decimal() for p in positions}
    assert pnl[yes.id] == Decimal("18.88")
    assert pnl[no.id] == Decimal("-11.6006")


def test_losing_side_settles_at_zero_and_resting_orders_are_cancelled() -> None:
    # A resting YES bid below the market stays open until resolution; NO wins.
    engine, (yes, _no) = _run(
        orders=((0, OrderSide.BUY, "10", "0.80"), (0, OrderSide.BUY, "20", "0.50")),
        winner=1,
    )

    resting = [o for o in engine.cache.orders() if getattr(o, "price", None) == yes.make_price(0.5)]
    assert len(resting) == 1
    assert resting[0].status == OrderStatus.CANCELED
    # 10 × 0.80 paid plus fee 0.112, nothing back.
    assert _cash(engine, yes) == Decimal(10_000) - Decimal(8) - Decimal("0.112")
    settle = [o for o in engine.cache.orders() if "SETTLEMENT" in (o.tags or [])]
    assert [(o.status, str(o.avg_px)) for o in settle] == [(OrderStatus.FILLED, "0.0")]


def test_fee_free_market_charges_no_fee() -> None:
    engine, (yes, _no) = _run(orders=((0, OrderSide.BUY, "100", "0.80"),), winner=0, fee_rate="0")

    assert _cash(engine, yes) == Decimal("10020")
