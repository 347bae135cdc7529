"""
Shared builders for polyedge tests: Polymarket instruments, market metadata, L2 book
snapshots and a ``BacktestEngine`` with a Polymarket-shaped venue.

Instruments come only from the adapter's own parser (``adapters.polymarket.instruments``), so
ids, the USDC.e currency and tick sizes match live. Timestamps are realistic nanoseconds: a
tick at ts 0 aborts ``BacktestEngine.run()`` in 1.221.
"""

from collections.abc import Sequence
from decimal import Decimal

import pandas as pd
from nautilus_trader.backtest.engine import BacktestEngine
from nautilus_trader.backtest.engine import BacktestEngineConfig
from nautilus_trader.config import LoggingConfig
from nautilus_trader.model.data import BookOrder
from nautilus_trader.model.data import CustomData
from nautilus_trader.model.data import DataType
from nautilus_trader.model.data import OrderBookDelta
from nautilus_trader.model.enums import AccountType
from nautilus_trader.model.enums import BookAction
from nautilus_trader.model.enums import BookType
from nautilus_trader.model.enums import OmsType
from nautilus_trader.model.enums import OrderSide
from nautilus_trader.model.enums import RecordFlag
from nautilus_trader.model.identifiers import ClientId
from nautilus_trader.model.identifiers import TraderId
from nautilus_trader.model.identifiers import Venue
from nautilus_trader.model.instruments import BinaryOption
from nautilus_trader.model.objects import Money

from actors.data_types import MarketInfo
from actors.data_types import MarketResolution
from adapters.polymarket.instruments import clob_market_dict
from adapters.polymarket.instruments import instruments_from_market

POLYMARKET_VENUE = Venue("POLYMARKET")
# The client id under which custom data (MarketInfo, MarketResolution) is added to an engine.
POLYMARKET_CLIENT_ID = ClientId("POLYMARKET")
NANOS_PER_SECOND = 1_000_000_000
NANOS_PER_HOUR = 3_600 * NANOS_PER_SECOND
T0_NS = pd.Timestamp("2025-06-02T12:00:00Z").value
DEFAULT_CONDITION_ID = "0x" + "c0" * 32
DEFAULT_YES_ASSET_ID = (
    "71321045679252212594626385532706912750332728571942532289631379312455583992563"
)
DEFAULT_NO_ASSET_ID = (
    "52114319501245915516055106046884209969926127482827954674443846427813813222426"
)

Levels = Sequence[tuple[str, str]]


def make_instrument_pair(
    end_ns: int,
    condition_id: str = DEFAULT_CONDITION_ID,
    yes_token: str = DEFAULT_YES_ASSET_ID,
    no_token: str = DEFAULT_NO_ASSET_ID,
    tick: Decimal = Decimal("0.01"),
    ts_init: int = T0_NS,
) -> tuple[BinaryOption, BinaryOption]:
    """
    Return the (YES, NO) instruments of one market, built by the adapter's parser.
    """
    market = clob_market_dict(
        condition_id=condition_id,
        question=f"Test market {condition_id[:10]}?",
        yes_token_id=yes_token,
        no_token_id=no_token,
        end_ns=end_ns,
        tick_size=tick,
    )
    return instruments_from_market(market, ts_init)


def make_market_info(
    yes: BinaryOption,
    no: BinaryOption,
    end_ns: int,
    ts_ns: int = T0_NS,
    min_order_size: str = "5",
) -> MarketInfo:
    """
    Return the ``MarketInfo`` of a (YES, NO) pair; tick size from the instrument.
    """
    return MarketInfo(
        instrument_id=yes.id,
        condition_id=yes.info["condition_id"],
        question=yes.info["question"],
        yes_instrument_id=yes.id.value,
        no_instrument_id=no.id.value,
        end_ns=end_ns,
        category="test",
        tick_size=str(yes.price_increment),
        min_order_size=min_order_size,
        ts_event=ts_ns,
        ts_init=ts_ns,
    )


def make_market_resolution(
    yes: BinaryOption,
    no: BinaryOption,
    yes_wins: bool,
    ts_ns: int,
) -> MarketResolution:
    """
    Return the ``MarketResolution`` of a (YES, NO) pair.
    """
    winner = yes if yes_wins else no
    return MarketResolution(
        instrument_id=yes.id,
        condition_id=yes.info["condition_id"],
        yes_instrument_id=yes.id.value,
        no_instrument_id=no.id.value,
        winning_instrument_id=winner.id.value,
        yes_payout="1" if yes_wins else "0",
        no_payout="0" if yes_wins else "1",
        ts_event=ts_ns,
        ts_init=ts_ns,
    )


def as_custom_data(items: Sequence[MarketInfo | MarketResolution]) -> list[CustomData]:
    """
    Wrap custom data the way a catalog replay does (type-wide ``DataType``, no metadata).
    """
    return [CustomData(DataType(type(item)), item) for item in items]


def book_snapshot(
    instrument: BinaryOption,
    bids: Levels,
    asks: Levels,
    ts_ns: int,
    sequence: int = 0,
) -> list[OrderBookDelta]:
    """
    Return an L2 snapshot as deltas: CLEAR, one ADD per ``(price, size)`` level, F_LAST last.

    The data engine treats a delta as the end of a batch only when its flags equal F_LAST
    exactly, so the other deltas carry no flag.
    """
    levels = [(OrderSide.BUY, level) for level in bids] + [(OrderSide.SELL, a) for a in asks]
    deltas = [OrderBookDelta.clear(instrument.id, sequence, ts_ns, ts_ns)]
    for order_id, (side, (price, size)) in enumerate(levels, start=1):
        order = BookOrder(side, instrument.make_price(price), instrument.make_qty(size), order_id)
        flags = RecordFlag.F_LAST if order_id == len(levels) else 0
        deltas.append(
            OrderBookDelta(instrument.id, BookAction.ADD, order, flags, sequence, ts_ns, ts_ns),
        )
    if not levels:
        deltas[0] = OrderBookDelta(
            instrument.id, BookAction.CLEAR, None, RecordFlag.F_LAST, sequence, ts_ns, ts_ns
        )
    return deltas


def make_engine(
    instruments: Sequence[BinaryOption],
    starting_balance: int = 10_000,
    log_level: str = "ERROR",
) -> BacktestEngine:
    """
    Return a ``BacktestEngine`` with a Polymarket-shaped venue holding ``instruments``.

    The venue is CASH / NETTING on an L2_MBP book with no base currency, funded with
    ``starting_balance`` of the instruments' quote currency (USDC.e).
    """
    engine = BacktestEngine(
        BacktestEngineConfig(
            trader_id=TraderId("TESTER-001"),
            logging=LoggingConfig(log_level=log_level),
        ),
    )
    engine.add_venue(
        venue=POLYMARKET_VENUE,
        oms_type=OmsType.NETTING,
        account_type=AccountType.CASH,
        base_currency=None,
        starting_balances=[Money(starting_balance, instruments[0].quote_currency)],
        book_type=BookType.L2_MBP,
    )
    for instrument in instruments:
        engine.add_instrument(instrument)
    return engine
