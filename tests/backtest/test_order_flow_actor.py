"""
OrderFlowActor on a real BacktestEngine: hand-computed values, timestamps, throttling.
"""

import math
from pathlib import Path

import pandas as pd
import pytest
from nautilus_trader.backtest.engine import BacktestEngine
from nautilus_trader.backtest.engine import BacktestEngineConfig
from nautilus_trader.common.actor import Actor
from nautilus_trader.common.config import ActorConfig
from nautilus_trader.config import LoggingConfig
from nautilus_trader.core.data import Data
from nautilus_trader.model.data import TradeTick
from nautilus_trader.model.enums import AccountType
from nautilus_trader.model.enums import AggressorSide
from nautilus_trader.model.enums import BookType
from nautilus_trader.model.enums import OmsType
from nautilus_trader.model.identifiers import TradeId
from nautilus_trader.model.identifiers import TraderId
from nautilus_trader.model.identifiers import Venue
from nautilus_trader.model.instruments import Instrument
from nautilus_trader.model.objects import Money
from nautilus_trader.model.objects import Price
from nautilus_trader.model.objects import Quantity
from nautilus_trader.test_kit.providers import TestInstrumentProvider

from actors.data_types import OrderFlowImbalance
from actors.data_types import order_flow_data_type
from actors.order_flow import OrderFlowActor
from actors.order_flow import OrderFlowActorConfig
from tests.helpers import NANOS_PER_HOUR
from tests.helpers import NANOS_PER_SECOND as S
from tests.helpers import POLYMARKET_CLIENT_ID
from tests.helpers import T0_NS
from tests.helpers import as_custom_data
from tests.helpers import book_snapshot
from tests.helpers import make_engine
from tests.helpers import make_instrument_pair
from tests.helpers import make_market_info

pytestmark = pytest.mark.backtest

MS = 1_000_000
END_NS = T0_NS + 10 * NANOS_PER_HOUR
BINANCE_TRADES = (
    Path(__file__).resolve().parents[2]
    / ".."
    / "shared"
    / "data"
    / "binance"
    / "btcusdt_spot_trades_20210108.parquet"
)
YES_BOOK = {"bids": [("0.60", "100"), ("0.59", "200")], "asks": [("0.62", "50"), ("0.63", "150")]}
NO_BOOK = {"bids": [("0.38", "100")], "asks": [("0.40", "300")]}


class Recorder(Actor):
    def __init__(self) -> None:
        super().__init__(ActorConfig(component_id="OrderFlowRecorder"))
        self.values: list[OrderFlowImbalance] = []

    def on_start(self) -> None:
        self.subscribe_data(order_flow_data_type())

    def on_data(self, data: Data) -> None:
        if isinstance(data, OrderFlowImbalance):
            self.values.append(data)


def trade(instrument: Instrument, ts_ns: int, size: str, buyer: bool, price: str) -> TradeTick:
    side = AggressorSide.BUYER if buyer else AggressorSide.SELLER
    return TradeTick(
        instrument.id,
        instrument.make_price(price),
        instrument.make_qty(size),
        side,
        TradeId(str(ts_ns)),
        ts_ns,
        ts_ns,
    )


def run(engine: BacktestEngine, **config) -> tuple[OrderFlowActor, Recorder]:
    actor = OrderFlowActor(OrderFlowActorConfig(**config))
    recorder = Recorder()
    engine.add_actor(actor)
    engine.add_actor(recorder)
    engine.run()
    return actor, recorder


def polymarket_engine(data_for) -> tuple[BacktestEngine, list[int]]:
    yes, no = make_instrument_pair(END_NS)
    engine = make_engine([yes, no])
    info = make_market_info(yes, no, END_NS, ts_ns=T0_NS + S)
    engine.add_data(as_custom_data([info]), client_id=POLYMARKET_CLIENT_ID)
    data = data_for(yes, no)
    engine.add_data(data)
    return engine, sorted({item.ts_event for item in data})


def scripted_market(yes, no):
    return [
        *book_snapshot(yes, **YES_BOOK, ts_ns=T0_NS + 2 * S),
        *book_snapshot(no, **NO_BOOK, ts_ns=T0_NS + 2 * S),
        trade(yes, T0_NS + 3 * S, "10", buyer=True, price="0.62"),
        trade(no, T0_NS + 3_500 * MS, "4", buyer=False, price="0.38"),
        trade(yes, T0_NS + 40 * S, "5", buyer=False, price="0.60"),
    ]


def fields(value: OrderFlowImbalance) -> tuple:
    return (
        value.ts_event - T0_NS,
        value.ts_init - T0_NS,
        value.buy_volume,
        value.sell_volume,
        value.signed_volume,
        value.yes_no_divergence,
    )


def test_scripted_market_publishes_hand_computed_values():
    engine, _ = polymarket_engine(scripted_market)

    actor, recorder = run(engine)

    yes_id = actor.tracked_instrument_ids[0]
    yes = [fields(v) for v in recorder.values if v.instrument_id == yes_id]
    no = [fields(v) for v in recorder.values if v.instrument_id != yes_id]
    # (ts_event, ts_init, buy, sell, signed, divergence), times relative to T0.
    assert yes == [
        (2 * S, 2 * S, 0.0, 0.0, 0.0, 0.0),
        (3 * S, 3 * S, 10.0, 0.0, 10.0, 10.0),
        (3_500 * MS, 4 * S, 10.0, 0.0, 10.0, 14.0),  # throttled: flushed one interval later
        (40 * S, 40 * S, 0.0, 5.0, -5.0, -5.0),  # the 3 s trade is out of the 30 s window
    ]
    assert no == [
        (2 * S, 2 * S, 0.0, 0.0, 0.0, 0.0),
        (3 * S, 3 * S, 0.0, 0.0, 0.0, -10.0),  # the sibling's trade moves the divergence
        (3_500 * MS, 4 * S, 0.0, 4.0, -4.0, -14.0),
        (40 * S, 40 * S, 0.0, 0.0, 0.0, 5.0),
    ]
    first_yes, first_no = recorder.values[0], recorder.values[1]
    assert first_yes.book_imbalance == pytest.approx(300 / 500, rel=1e-15)
    assert first_yes.spread_norm == pytest.approx(0.02 / 0.61, rel=1e-12)
    assert first_no.book_imbalance == pytest.approx(100 / 400, rel=1e-15)
    assert math.isnan(first_yes.vwap_to_mid_bid)
    assert math.isnan(first_yes.liquidation_imbalance)
    assert actor.published_count == len(recorder.values) == 8
    # The default Binance instrument is not in this engine's cache: skipped, not fatal.
    assert len(actor.tracked_instrument_ids) == 2


def burst(yes, no):
    # Both books at 2 s, 50 YES trades 10 ms apart inside one throttle interval, and the same
    # books again at 10 s (they change nothing, and let the 6 s flush alert fire).
    return [
        *book_snapshot(yes, **YES_BOOK, ts_ns=T0_NS + 2 * S),
        *book_snapshot(no, **NO_BOOK, ts_ns=T0_NS + 2 * S),
        *(
            trade(yes, T0_NS + 5 * S + i * 10 * MS, "1", buyer=i % 2 == 0, price="0.61")
            for i in range(50)
        ),
        *book_snapshot(yes, **YES_BOOK, ts_ns=T0_NS + 10 * S, sequence=1),
        *book_snapshot(no, **NO_BOOK, ts_ns=T0_NS + 10 * S, sequence=1),
    ]


# Two book publishes at 2 s, then per token: every trade (0 ms); the first trade and one
# trailing flush (1000 ms); nothing (60 s: the flush would fall after the last data point,
# where a backtest fires no more timers). The unchanged books at 10 s publish nothing.
@pytest.mark.parametrize(("interval_ms", "expected"), [(0, 102), (1000, 6), (60_000, 2)])
def test_throttle_limits_publish_count(interval_ms, expected):
    engine, _ = polymarket_engine(burst)

    actor, recorder = run(engine, min_publish_interval_ms=interval_ms)

    assert len(recorder.values) == actor.published_count == expected


def test_throttled_burst_ends_on_the_final_state():
    engine, _ = polymarket_engine(burst)

    actor, recorder = run(engine, min_publish_interval_ms=1000)

    yes_id = actor.tracked_instrument_ids[0]
    final = [v for v in recorder.values if v.instrument_id == yes_id][-1]
    assert (final.buy_volume, final.sell_volume) == (25.0, 25.0)
    assert final.ts_event == T0_NS + 5 * S + 490 * MS
    assert final.ts_init == T0_NS + 6 * S


@pytest.mark.parametrize("interval_ms", [0, 1000])
@pytest.mark.parametrize("script", [scripted_market, burst])
def test_published_ts_event_is_an_input_at_or_before_publish(script, interval_ms):
    engine, input_ts = polymarket_engine(script)

    _, recorder = run(engine, min_publish_interval_ms=interval_ms)

    assert recorder.values
    for value in recorder.values:
        assert value.ts_event in input_ts
        assert value.ts_event <= value.ts_init


def test_market_beyond_horizon_is_tracked_once_inside_it():
    def data(yes, no):
        return [
            *book_snapshot(yes, **YES_BOOK, ts_ns=T0_NS + 2 * S),
            *book_snapshot(no, **NO_BOOK, ts_ns=T0_NS + 2 * S),
            trade(yes, T0_NS + 10 * S, "7", buyer=True, price="0.61"),
            trade(yes, T0_NS + 1_801 * S, "3", buyer=True, price="0.61"),
        ]

    engine, _ = polymarket_engine(data)

    actor, recorder = run(engine, max_hours_to_expiry=9.5)

    # Admitted at end − 9.5 h = T0 + 1800 s; the book and trade before were never subscribed.
    assert [(v.ts_event - T0_NS, v.buy_volume) for v in recorder.values] == [(1_801 * S, 3.0)]
    assert len(actor.tracked_instrument_ids) == 2


def binance_engine(instrument: Instrument, data: list[Data], book_type: BookType) -> BacktestEngine:
    engine = BacktestEngine(
        BacktestEngineConfig(
            trader_id=TraderId("TESTER-001"),
            logging=LoggingConfig(log_level="ERROR"),
        ),
    )
    engine.add_venue(
        venue=Venue("BINANCE"),
        oms_type=OmsType.NETTING,
        account_type=AccountType.MARGIN,
        base_currency=instrument.quote_currency,
        starting_balances=[Money(10_000, instrument.quote_currency)],
        book_type=book_type,
    )
    engine.add_instrument(instrument)
    engine.add_data(data)
    return engine


def test_binance_features_on_hand_computed_book_and_windows():
    perp = TestInstrumentProvider.btcusdt_perp_binance()
    bids = [(f"{100 - i}.0", "1" if i < 5 else "4" if i < 10 else "1000") for i in range(12)]
    asks = [(f"{101 + i}.0", "2" if i < 5 else "1" if i < 10 else "1000") for i in range(12)]
    data = [
        *book_snapshot(perp, bids, asks, ts_ns=T0_NS + 2 * S),
        trade(perp, T0_NS + 3 * S, "2", buyer=True, price="100.5"),
        trade(perp, T0_NS + 40 * S, "1", buyer=False, price="100.5"),
        trade(perp, T0_NS + 100 * S, "0.5", buyer=True, price="100.5"),
    ]
    engine = binance_engine(perp, data, BookType.L2_MBP)

    actor, recorder = run(engine)

    last = recorder.values[-1]
    assert str(last.instrument_id) == "BTCUSDT-PERP.BINANCE"
    assert last.ts_event == T0_NS + 100 * S
    assert (last.buy_volume, last.sell_volume, last.cvd_60) == (0.5, 0.0, 0.5)
    # The 40 s trade is exactly 60 s old: out of the 60 s window, inside the 120 s one.
    assert (last.aggressor_ratio_30, last.aggressor_ratio_60) == (1.0, 1.0)
    assert last.aggressor_ratio_120 == pytest.approx(2.5 / 3.5, rel=1e-15)
    assert last.book_imbalance == pytest.approx(5 / 15, rel=1e-15)
    assert last.book_imbalance_deep == pytest.approx(20 / 25, rel=1e-15)
    bid_vwap = (sum(100.0 - i for i in range(5)) + 4 * sum(100.0 - i for i in range(5, 10))) / 25
    assert last.vwap_to_mid_bid == pytest.approx((bid_vwap - 100.5) / 100.5, rel=1e-12)
    ask_vwap = (2 * sum(range(101, 106)) + sum(range(106, 111))) / 15
    assert last.vwap_to_mid_ask == pytest.approx((ask_vwap - 100.5) / 100.5, rel=1e-12)
    assert math.isnan(last.liquidation_imbalance)
    assert math.isnan(last.yes_no_divergence)
    assert actor.tracked_instrument_ids[0] == last.instrument_id


def real_trade_ticks(trades: pd.DataFrame, instrument: Instrument) -> list[TradeTick]:
    ts_ns = trades.timestamp.dt.as_unit("ns").astype("int64")
    return [
        TradeTick(
            instrument.id,
            Price(px, 2),
            Quantity(qty, 6),
            AggressorSide.SELLER if sold else AggressorSide.BUYER,
            TradeId(str(trade_id)),
            int(ts),
            int(ts),
        )
        for px, qty, sold, trade_id, ts in zip(
            trades.price, trades.quantity, trades.seller, trades.trade_id, ts_ns, strict=True
        )
    ]


def pandas_flow(trades: pd.DataFrame) -> pd.DataFrame:
    frame = trades.set_index("timestamp")
    buy = frame.quantity.where(~frame.seller, 0.0)
    sell = frame.quantity.where(frame.seller, 0.0)
    expected = pd.DataFrame(
        {
            "buy_volume": buy.rolling("30s").sum().to_numpy(),
            "sell_volume": sell.rolling("30s").sum().to_numpy(),
            "cvd_60": (buy - sell).rolling("60s").sum().to_numpy(),
        },
    )
    for secs in (30, 60, 120):
        ratio = buy.rolling(f"{secs}s").sum() / frame.quantity.rolling(f"{secs}s").sum()
        expected[f"aggressor_ratio_{secs}"] = ratio.to_numpy()
    return expected


def test_real_binance_trades_through_actor_match_pandas():
    if not BINANCE_TRADES.is_file():
        pytest.skip(f"real data not present at {BINANCE_TRADES.resolve()}")
    trades = pd.read_parquet(BINANCE_TRADES)
    flags = trades.buyer_maker.map({"True": True, "False": False, True: True, False: False})
    trades = trades.assign(seller=flags.astype(bool))  # buyer_maker: the seller aggressed
    spot = TestInstrumentProvider.btcusdt_binance()
    # Trades only, so the venue runs on an L1 book (L2 would demand book data).
    engine = binance_engine(spot, real_trade_ticks(trades, spot), BookType.L1_MBP)

    _, recorder = run(engine, min_publish_interval_ms=0, binance_instrument_ids=(str(spot.id),))

    expected = pandas_flow(trades)
    got = pd.DataFrame(
        [[getattr(v, name) for name in expected.columns] for v in recorder.values],
        columns=expected.columns,
    )
    assert flags.notna().all()
    assert len(got) == len(trades)
    ts_ns = trades.timestamp.dt.as_unit("ns").astype("int64")
    assert [v.ts_event for v in recorder.values] == list(ts_ns)
    pd.testing.assert_frame_equal(got, expected, rtol=1e-9, atol=1e-12)
