"""
The real 1.221 Binance USDT-M futures data client (built by its factory, with its instrument
provider and WebSocket client) against the loopback fake venue: it loads BTCUSDT-PERP.BINANCE
through exchangeInfo and the signed account/positionRisk endpoints, then receives aggTrade
ticks and diff-depth order book deltas rebuilt on top of the ``/depth`` snapshot.

Harness: MessageBus + Cache + LiveDataEngine + the factory-built client, as in
``test_polymarket_data_client.py``.
"""

import asyncio

import pytest
from nautilus_trader.adapters.binance.common.enums import BinanceAccountType
from nautilus_trader.adapters.binance.config import BinanceDataClientConfig
from nautilus_trader.adapters.binance.factories import BinanceLiveDataClientFactory
from nautilus_trader.adapters.binance.factories import (
    get_cached_binance_futures_instrument_provider,
)
from nautilus_trader.adapters.binance.factories import get_cached_binance_http_client
from nautilus_trader.cache.cache import Cache
from nautilus_trader.common.component import LiveClock
from nautilus_trader.common.component import MessageBus
from nautilus_trader.config import InstrumentProviderConfig
from nautilus_trader.core.uuid import UUID4
from nautilus_trader.data.messages import SubscribeOrderBook
from nautilus_trader.data.messages import SubscribeTradeTicks
from nautilus_trader.live.data_engine import LiveDataEngine
from nautilus_trader.model.data import OrderBookDelta
from nautilus_trader.model.data import OrderBookDeltas
from nautilus_trader.model.data import TradeTick
from nautilus_trader.model.enums import BookType
from nautilus_trader.model.identifiers import ClientId
from nautilus_trader.model.identifiers import InstrumentId
from nautilus_trader.model.identifiers import TraderId

from tests.fakes.binance_futures import FakeBinanceFutures
from tests.live.waiting import eventually

pytestmark = pytest.mark.live_fake

BTC_PERP = InstrumentId.from_str("BTCUSDT-PERP.BINANCE")
CLIENT_ID = ClientId("BINANCE")


def clear_binance_caches() -> None:
    get_cached_binance_http_client.cache_clear()
    get_cached_binance_futures_instrument_provider.cache_clear()


@pytest.fixture(autouse=True)
def binance_env(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("BINANCE_API_KEY", "dummy-api-key")
    monkeypatch.setenv("BINANCE_API_SECRET", "dummy-api-secret")
    clear_binance_caches()
    yield
    clear_binance_caches()


class Harness:
    """
    The real futures data client and a LiveDataEngine, wired as a TradingNode wires them.
    """

    def __init__(self, venue: FakeBinanceFutures, use_agg_trade_ticks: bool = True) -> None:
        loop = asyncio.get_running_loop()
        self.clock = LiveClock()
        self.msgbus = MessageBus(TraderId("TESTER-001"), self.clock)
        self.cache = Cache()
        self.engine = LiveDataEngine(loop, self.msgbus, self.cache, self.clock)
        config = BinanceDataClientConfig(
            account_type=BinanceAccountType.USDT_FUTURES,
            base_url_http=venue.base_url_http,
            base_url_ws=venue.base_url_ws,
            instrument_provider=InstrumentProviderConfig(load_ids=frozenset({str(BTC_PERP)})),
            update_instruments_interval_mins=None,
            use_agg_trade_ticks=use_agg_trade_ticks,
        )
        self.client = BinanceLiveDataClientFactory.create(
            loop, "BINANCE", config, self.msgbus, self.cache, self.clock
        )
        self.engine.register_client(self.client)
        self.deltas: list[OrderBookDeltas] = []
        self.trades: list[TradeTick] = []
        self.msgbus.subscribe(topic="data.book.deltas.*", handler=self.deltas.append)
        self.msgbus.subscribe(topic="data.trades.*", handler=self.trades.append)

    async def start(self) -> bool:
        self.engine.start()
        self.client.connect()
        return await eventually(lambda: self.client.is_connected)

    def subscribe(self) -> None:
        ts = self.clock.timestamp_ns()
        self.engine.execute(
            SubscribeTradeTicks(
                instrument_id=BTC_PERP,
                client_id=CLIENT_ID,
                venue=None,
                command_id=UUID4(),
                ts_init=ts,
            )
        )
        self.engine.execute(
            SubscribeOrderBook(
                instrument_id=BTC_PERP,
                book_data_type=OrderBookDelta,
                book_type=BookType.L2_MBP,
                client_id=CLIENT_ID,
                venue=None,
                command_id=UUID4(),
                ts_init=ts,
                params={"update_speed": 100},
            )
        )

    def top(self) -> tuple[float | None, float | None]:
        book = self.cache.order_book(BTC_PERP)
        if book is None:
            return None, None
        bid, ask = book.best_bid_price(), book.best_ask_price()
        return (None if bid is None else float(bid)), (None if ask is None else float(ask))

    async def stop(self) -> None:
        self.client.disconnect()
        await eventually(lambda: not self.client.is_connected)
        self.engine.stop()


async def run_harness(scenario, use_agg_trade_ticks: bool = True):
    async with FakeBinanceFutures() as venue:
        harness = Harness(venue, use_agg_trade_ticks)
        connected = await harness.start()
        try:
            return await scenario(venue, harness, connected)
        finally:
            await harness.stop()


def test_futures_client_loads_perp_through_signed_endpoints():
    async def scenario(venue, harness, connected):
        return connected, harness.cache.instrument(BTC_PERP), venue.signed_requests()

    connected, instrument, signed = asyncio.run(run_harness(scenario))

    assert connected
    assert instrument is not None
    assert str(instrument.price_increment) == "0.10"
    assert str(instrument.size_increment) == "0.001"
    assert instrument.settlement_currency.code == "USDT"
    assert signed == ["/fapi/v2/account", "/fapi/v3/positionRisk"]


@pytest.mark.parametrize(
    ("use_agg", "trade_stream"),
    [(True, "btcusdt@aggTrade"), (False, "btcusdt@trade")],
)
def test_futures_client_receives_trades_and_book_deltas(use_agg: bool, trade_stream: str):
    async def scenario(venue, harness, connected):
        harness.subscribe()
        got_trades = await eventually(lambda: len(harness.trades) >= 20)
        got_deltas = await eventually(lambda: len(harness.deltas) >= 20)
        return got_trades, got_deltas, venue.streams, venue.requests

    got_trades, got_deltas, streams, requests = asyncio.run(run_harness(scenario, use_agg))

    assert got_trades
    assert got_deltas
    assert streams == {trade_stream, "btcusdt@depth@100ms"}
    assert "/fapi/v1/depth" in [path for path, _ in requests]


def test_futures_book_matches_venue_top_after_snapshot_and_diffs():
    async def scenario(venue, harness, connected):
        harness.subscribe()
        await eventually(lambda: len(harness.deltas) >= 50)
        venue.pause()
        expected = (venue.book.best_bid(), venue.book.best_ask())
        matched = await eventually(lambda: harness.top() == pytest.approx(expected))
        sequences = [deltas.sequence for deltas in harness.deltas]
        return matched, harness.top(), expected, sequences

    matched, top, expected, sequences = asyncio.run(run_harness(scenario))

    assert matched, f"book top {top} != venue top {expected}"
    assert sequences == sorted(sequences)
