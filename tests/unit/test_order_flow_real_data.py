"""
Check the order-flow logic against independent pandas computations on real Binance samples.

Book features:
- ``btcusdt_futures_depth_snap.csv`` is one real USDT-M snapshot, but it holds only the bid side
  (100 bid levels: the upstream fixture was cut at 100 rows). On it the imbalances are 1.0 and
  the spread and VWAP-to-mid are NaN (no ask, no mid); the test checks exactly that.
- ``btcusdt_futures_depth_update.csv`` is not applied on top: its first update id is about 20M
  updates and 620 s after the snapshot's ``last_update_id``. Binance's sync rule (the first diff
  must satisfy ``U <= lastUpdateId + 1 <= u``) fails, so the result would be a stale bid ladder
  100 USD below fresh diff levels, not a book. A test asserts that gap.
- For two-sided books the Tardis samples of the same venue (Binance futures BTCUSDT, 10
  snapshots of 25 and of 5 levels) are used.

Each book goes through the logic module twice: from the CSV arrays directly, and through a
Nautilus ``OrderBook`` read by the actor's ``book_levels`` (the path the actor uses).

Flow: every trade of ``btcusdt_spot_trades_20210108.parquet`` (46 s, 2001 trades) against
pandas time-based rolling sums. ``buyer_maker`` is stored as the strings "True"/"False";
True means the seller aggressed. The sample spans only 46 s, so the 30 s window evicts (5
trades sit exactly 30 s after another: the boundary convention is exercised) while the 60 and
120 s windows still hold every trade.
"""

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from nautilus_trader.model.book import OrderBook
from nautilus_trader.model.data import BookOrder
from nautilus_trader.model.enums import BookType
from nautilus_trader.model.enums import OrderSide
from nautilus_trader.model.identifiers import InstrumentId
from nautilus_trader.model.objects import Price
from nautilus_trader.model.objects import Quantity

from actors.logic.order_flow import BookFeatures
from actors.logic.order_flow import RollingFlow
from actors.logic.order_flow import deep_book_features
from actors.order_flow import book_levels

pytestmark = pytest.mark.unit

DATA_DIR = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
BINANCE = DATA_DIR / "binance"
S = 1_000_000_000
FEATURES = ("imbalance", "imbalance_deep", "spread_norm", "vwap_to_mid_bid", "vwap_to_mid_ask")
FLOW_COLUMNS = ("buy_30", "sell_30", "signed_30", "ratio_30", "ratio_60", "ratio_120", "cvd_60")


@pytest.fixture(scope="module")
def binance_dir() -> Path:
    if not BINANCE.is_dir():
        pytest.skip(f"real data not present at {DATA_DIR.resolve()}")
    return BINANCE


def assert_close(actual, expected):
    actual = np.asarray(actual, dtype=float)
    expected = np.asarray(expected, dtype=float)
    assert np.array_equal(np.isnan(actual), np.isnan(expected))
    np.testing.assert_allclose(actual, expected, rtol=1e-9, atol=1e-12, equal_nan=True)


def reference_book(bids: pd.DataFrame, asks: pd.DataFrame) -> dict[str, float]:
    # bids/asks: columns price, qty, best level first.
    mid = (bids.price.iloc[0] + asks.price.iloc[0]) / 2 if len(bids) and len(asks) else np.nan

    def ratio(b, a):
        total = b.qty.sum() + a.qty.sum()
        return b.qty.sum() / total if total > 0 else np.nan

    def vwap(side):
        top = side.head(10)
        return ((top.price * top.qty).sum() / top.qty.sum() - mid) / mid if len(top) else np.nan

    spread = (asks.price.iloc[0] - bids.price.iloc[0]) / mid if not np.isnan(mid) else np.nan
    return {
        "imbalance": ratio(bids.head(5), asks.head(5)),
        "imbalance_deep": ratio(bids.iloc[5:10], asks.iloc[5:10]),
        "spread_norm": spread,
        "vwap_to_mid_bid": vwap(bids),
        "vwap_to_mid_ask": vwap(asks),
    }


def nautilus_book(bids: pd.DataFrame, asks: pd.DataFrame) -> OrderBook:
    book = OrderBook(InstrumentId.from_str("BTCUSDT-PERP.BINANCE"), BookType.L2_MBP)
    rows = [(OrderSide.BUY, row) for row in bids.itertuples()]
    rows += [(OrderSide.SELL, row) for row in asks.itertuples()]
    for order_id, (side, row) in enumerate(rows, start=1):
        price = Price(row.price, 2)
        book.add(BookOrder(side, price, Quantity(row.qty, 3), order_id), ts_event=1)
    return book


def features_both_paths(bids: pd.DataFrame, asks: pd.DataFrame) -> list[BookFeatures]:
    arrays = (list(bids.price), list(bids.qty), list(asks.price), list(asks.qty))
    direct = deep_book_features(*arrays)
    via_book = deep_book_features(*book_levels(nautilus_book(bids, asks), 10))
    return [direct, via_book]


def as_row(features: BookFeatures) -> list[float]:
    return [getattr(features, name) for name in FEATURES]


def tardis_sides(row: pd.Series, levels: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    def side(name):
        return pd.DataFrame(
            {
                "price": [row[f"{name}[{i}].price"] for i in range(levels)],
                "qty": [row[f"{name}[{i}].amount"] for i in range(levels)],
            },
        )

    return side("bids"), side("asks")


def test_depth_snapshot_features_match_pandas(binance_dir):
    snap = pd.read_csv(binance_dir / "btcusdt_futures_depth_snap.csv")
    bids = snap[snap.side == "b"].sort_values("price", ascending=False)[["price", "qty"]]
    asks = snap[snap.side == "a"].sort_values("price")[["price", "qty"]]

    expected = reference_book(bids.reset_index(drop=True), asks.reset_index(drop=True))
    for features in features_both_paths(bids, asks):
        assert_close(as_row(features), [expected[name] for name in FEATURES])
    # The sample is one-sided, so these are the only meaningful values.
    assert expected["imbalance"] == 1.0
    assert math.isnan(expected["spread_norm"])


def test_depth_update_is_not_contiguous_with_snapshot(binance_dir):
    snap = pd.read_csv(binance_dir / "btcusdt_futures_depth_snap.csv")
    update = pd.read_csv(binance_dir / "btcusdt_futures_depth_update.csv")

    last_update_id = int(snap.last_update_id.max())

    assert int(update.first_update_id.min()) > last_update_id + 1
    assert int(update.timestamp.min()) - int(snap.timestamp.max()) > 600_000


@pytest.mark.parametrize(
    ("file_name", "levels"),
    [
        ("tardis_binance_futures_book_snapshot_25_BTCUSDT.csv", 25),
        ("tardis_binance_futures_book_snapshot_5_BTCUSDT.csv", 5),
    ],
)
def test_two_sided_snapshot_features_match_pandas(binance_dir, file_name, levels):
    frame = pd.read_csv(binance_dir / file_name)
    bid_qty = frame[[f"bids[{i}].amount" for i in range(levels)]].to_numpy()
    ask_qty = frame[[f"asks[{i}].amount" for i in range(levels)]].to_numpy()
    bid_px = frame[[f"bids[{i}].price" for i in range(levels)]].to_numpy()
    ask_px = frame[[f"asks[{i}].price" for i in range(levels)]].to_numpy()
    mid = (bid_px[:, 0] + ask_px[:, 0]) / 2
    with np.errstate(invalid="ignore"):
        expected = np.column_stack(
            [
                bid_qty[:, :5].sum(1) / (bid_qty[:, :5].sum(1) + ask_qty[:, :5].sum(1)),
                bid_qty[:, 5:10].sum(1) / (bid_qty[:, 5:10].sum(1) + ask_qty[:, 5:10].sum(1)),
                (ask_px[:, 0] - bid_px[:, 0]) / mid,
                ((bid_px[:, :10] * bid_qty[:, :10]).sum(1) / bid_qty[:, :10].sum(1) - mid) / mid,
                ((ask_px[:, :10] * ask_qty[:, :10]).sum(1) / ask_qty[:, :10].sum(1) - mid) / mid,
            ],
        )

    per_row = [features_both_paths(*tardis_sides(row, levels)) for _, row in frame.iterrows()]
    for path in range(2):
        assert_close([as_row(features[path]) for features in per_row], expected)
    assert not np.isnan(expected[:, [0, 2, 3, 4]]).any()


def reference_flow(trades: pd.DataFrame) -> pd.DataFrame:
    frame = trades.set_index("timestamp")
    buy = frame.quantity.where(~frame.seller_aggressed, 0.0)
    sell = frame.quantity.where(frame.seller_aggressed, 0.0)
    out = pd.DataFrame(index=frame.index)
    for secs in (30, 60, 120):
        buys = buy.rolling(f"{secs}s").sum()
        sells = sell.rolling(f"{secs}s").sum()
        total = buys + sells
        out[f"ratio_{secs}"] = (buys / total).where(total > 0)
        if secs == 30:
            out["buy_30"], out["sell_30"], out["signed_30"] = buys, sells, buys - sells
        if secs == 60:
            out["cvd_60"] = buys - sells
    return out[list(FLOW_COLUMNS)].reset_index(drop=True)


def test_trade_flow_matches_pandas_rolling_at_every_trade(binance_dir):
    trades = pd.read_parquet(binance_dir / "btcusdt_spot_trades_20210108.parquet")
    flags = trades.buyer_maker.map({"True": True, "False": False, True: True, False: False})
    assert flags.notna().all()
    trades = trades.assign(seller_aggressed=flags.astype(bool))
    flow = RollingFlow([30 * S, 60 * S, 120 * S])

    ts_ns = trades.timestamp.dt.as_unit("ns").astype("int64")

    rows = []
    for ts, qty, seller in zip(ts_ns, trades.quantity, trades.seller_aggressed, strict=True):
        flow.add(int(ts), float(qty), buyer_aggressed=not seller)
        w30, w60, w120 = (flow.totals(secs * S) for secs in (30, 60, 120))
        rows.append(
            [
                w30.buy,
                w30.sell,
                w30.signed,
                w30.aggressor_ratio,
                w60.aggressor_ratio,
                w120.aggressor_ratio,
                w60.signed,
            ],
        )

    expected = reference_flow(trades)
    assert_close(rows, expected.to_numpy())
    # The 30 s window really evicts on this 46 s sample.
    assert flow.count(30 * S) < len(trades)
