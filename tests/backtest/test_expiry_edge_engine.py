from decimal import Decimal

import pytest
from nautilus_trader.model.enums import OrderSide
from nautilus_trader.model.enums import OrderStatus
from nautilus_trader.model.enums import PositionSide

from strategies.expiry_edge import ExpiryEdge
from strategies.expiry_edge import ExpiryEdgeConfig
from strategies.logic.expiry_edge import EntryReason
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

YES_BOOK = {"bids": [("0.79", "200"), ("0.78", "300")], "asks": [("0.80", "200"), ("0.81", "300")]}
NO_BOOK = {"bids": [("0.20", "200"), ("0.19", "300")], "asks": [("0.21", "200"), ("0.22", "300")]}


def run_market(hours_to_expiry, book_updates=1, **config):
    end_ns = T0_NS + int(hours_to_expiry * NANOS_PER_HOUR)
    yes, no = make_instrument_pair(end_ns)
    engine = make_engine([yes, no])
    info = make_market_info(yes, no, end_ns, ts_ns=T0_NS + NANOS_PER_SECOND)
    engine.add_data(as_custom_data([info]), client_id=POLYMARKET_CLIENT_ID)
    for update in range(book_updates):
        ts_ns = T0_NS + (2 + 60 * update) * NANOS_PER_SECOND
        engine.add_data(book_snapshot(yes, **YES_BOOK, ts_ns=ts_ns, sequence=update))
        engine.add_data(book_snapshot(no, **NO_BOOK, ts_ns=ts_ns, sequence=update))
    strategy = ExpiryEdge(ExpiryEdgeConfig(**config))
    engine.add_strategy(strategy)
    engine.run()
    return engine, strategy, yes


def test_market_three_hours_out_buys_yes_once_and_fills():
    engine, strategy, yes = run_market(3)

    orders = engine.cache.orders()
    positions = engine.cache.positions_open(instrument_id=yes.id)
    assert len(orders) == 1
    assert orders[0].side == OrderSide.BUY
    assert orders[0].status == OrderStatus.FILLED
    assert orders[0].price == yes.make_price("0.80")
    assert len(positions) == 1
    assert positions[0].side == PositionSide.LONG
    assert positions[0].quantity == yes.make_qty("62.5")
    assert strategy.decisions[EntryReason.ENTER] == 1
    balance = engine.portfolio.account(yes.id.venue).balance_total(yes.quote_currency)
    assert balance.as_decimal() == Decimal("9950")


def test_market_ten_hours_out_places_no_order():
    engine, strategy, _ = run_market(10)

    assert engine.cache.orders() == []
    assert strategy.decisions[EntryReason.OUTSIDE_WINDOW] == 2
    assert strategy.entered_markets == set()


def test_further_book_updates_keep_one_entry_per_market():
    engine, strategy, _ = run_market(3, book_updates=3)

    assert len(engine.cache.orders()) == 1
    assert strategy.decisions[EntryReason.ENTER] == 1
    assert strategy.decisions[EntryReason.ALREADY_ENTERED] == 5


def test_dry_run_marks_market_entered_without_orders():
    engine, strategy, yes = run_market(3, book_updates=2, dry_run=True)

    assert engine.cache.orders() == []
    assert strategy.entered_markets == {yes.id}
    assert strategy.decisions[EntryReason.ENTER] == 1
    assert strategy.refused_orders == 0


def test_equity_fraction_sizes_from_account_balance():
    engine, _, yes = run_market(3, stake_usdc=None, equity_fraction=0.004)

    (order,) = engine.cache.orders()
    assert order.quantity == yes.make_qty("50")  # 0.004 × 10_000 / 0.80


def test_rerun_gives_identical_fills_and_balance():
    results = []
    for _ in range(2):
        engine, _, yes = run_market(3, book_updates=2)
        fills = [
            (str(o.side), str(o.avg_px), str(o.filled_qty), o.ts_last)
            for o in engine.cache.orders()
        ]
        account = engine.portfolio.account(yes.id.venue)
        results.append((fills, account.balance_total(yes.quote_currency)))

    assert results[0] == results[1]


def test_catalog_style_market_info_reaches_type_wide_subscriber():
    end_ns = T0_NS + 3 * NANOS_PER_HOUR
    yes, no = make_instrument_pair(end_ns)
    engine = make_engine([yes, no])
    info = make_market_info(yes, no, end_ns, ts_ns=T0_NS + NANOS_PER_SECOND)
    engine.add_data(as_custom_data([info]), client_id=POLYMARKET_CLIENT_ID)
    engine.add_data(book_snapshot(yes, **YES_BOOK, ts_ns=T0_NS + 2 * NANOS_PER_SECOND))
    strategy = ExpiryEdge(ExpiryEdgeConfig(dry_run=True))
    engine.add_strategy(strategy)
    seen_topics = []
    engine.kernel.msgbus.subscribe(
        topic=f"data.MarketInfo.POLYMARKET.{yes.id.symbol.topic()}",
        handler=seen_topics.append,
    )

    engine.run()

    assert len(seen_topics) == 1  # replay publishes on the venue/symbol topic ...
    assert strategy.market_infos == {yes.id: info}  # ... and `data.MarketInfo*` receives it
    assert strategy.market_of(no.id) == info
