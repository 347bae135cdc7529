"""
MarketScannerActor makes discovered markets tradable: their token instruments are in the cache
before their ``MarketInfo`` is published.

Harness: MessageBus + Cache + LiveDataEngine + the real ``PolyedgeDataClient`` (provider on the
fake CLOB REST, WebSocket on the fake market channel), the fake Gamma API, the scanner (loader:
the client's provider ``load_ids_async``; instruments then requested through the data engine),
and a recording actor subscribed type-wide to ``MarketInfo`` that checks the cache on receipt
and subscribes both books, as actors and strategies do.
"""

import asyncio
import random
import time
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest
from nautilus_trader.cache.cache import Cache
from nautilus_trader.common.actor import Actor
from nautilus_trader.common.component import LiveClock
from nautilus_trader.common.component import MessageBus
from nautilus_trader.live.data_engine import LiveDataEngine
from nautilus_trader.model.identifiers import ClientId
from nautilus_trader.model.identifiers import InstrumentId
from nautilus_trader.model.identifiers import TraderId
from nautilus_trader.portfolio.portfolio import Portfolio

from actors.data_types import MarketInfo
from actors.data_types import market_info_data_type
from actors.market_scanner import MarketScannerActor
from actors.market_scanner import MarketScannerActorConfig
from adapters.polymarket.config import PolyedgeDataClientConfig
from adapters.polymarket.factories import PolyedgeLiveDataClientFactory
from adapters.polymarket.gamma import GammaClient
from adapters.polymarket.instruments import clob_market_dict
from adapters.polymarket.instruments import instruments_from_market
from tests.fakes.gamma import FakeGammaServer
from tests.fakes.gamma import make_gamma_market
from tests.fakes.polymarket_clob import FakeClobRestServer
from tests.fakes.polymarket_ws import FakePolymarketMarketWs
from tests.live.waiting import eventually

pytestmark = [pytest.mark.live_fake, pytest.mark.usefixtures("polymarket_env")]

END_NS = 1_900_000_000 * 1_000_000_000  # 2030, so no CLOB instrument is expired
HOUR_NS = 3_600 * 1_000_000_000
POLYMARKET = ClientId("POLYMARKET")


def gamma_row(index: int) -> dict[str, Any]:
    end_iso = pd.Timestamp(time.time_ns() + HOUR_NS, tz="UTC").strftime("%Y-%m-%dT%H:%M:%SZ")
    return make_gamma_market(index, end_iso)


def clob_row(index: int) -> dict[str, Any]:
    # Same condition id and tokens as make_gamma_market(index, ...).
    return clob_market_dict(
        condition_id="0x" + f"{index:064x}",
        question=f"Fake market {index}?",
        yes_token_id=str(10**20 + 2 * index),
        no_token_id=str(10**20 + 2 * index + 1),
        end_ns=END_NS,
        tick_size=Decimal("0.01"),
    )


class MarketInfoRecorder(Actor):
    """
    Record each MarketInfo with whether both token instruments were cached on receipt.
    """

    def __init__(self) -> None:
        super().__init__()
        self.infos: list[tuple[str, bool]] = []

    def on_start(self) -> None:
        self.subscribe_data(market_info_data_type())

    def on_data(self, data: Any) -> None:
        if not isinstance(data, MarketInfo):
            return
        ids = [InstrumentId.from_str(i) for i in (data.yes_instrument_id, data.no_instrument_id)]
        cached = all(self.cache.instrument(i) is not None for i in ids)
        self.infos.append((data.condition_id, cached))
        for instrument_id in ids:
            if cached:
                self.subscribe_order_book_deltas(instrument_id, client_id=POLYMARKET)

    def announced(self) -> set[str]:
        return {cid for cid, _ in self.infos}


class Node:
    """
    The data engine, the real client, the scanner and the recorder on one message bus.
    """

    def __init__(self, gamma: FakeGammaServer, clob: FakeClobRestServer, ws: Any) -> None:
        loop = asyncio.get_running_loop()
        self.clock = LiveClock()
        self.msgbus = MessageBus(TraderId("TESTER-001"), self.clock)
        self.cache = Cache()
        self.engine = LiveDataEngine(loop, self.msgbus, self.cache, self.clock)
        config = PolyedgeDataClientConfig(
            base_url_http=clob.base_url,
            base_url_ws=ws.base_url_ws,
            ws_connection_initial_delay_secs=0.05,
            ws_connection_delay_secs=0.05,
            update_instruments_interval_mins=None,
        )
        self.client = PolyedgeLiveDataClientFactory.create(
            loop, "POLYMARKET", config, self.msgbus, self.cache, self.clock
        )
        self.engine.register_client(self.client)
        self.gamma_client = GammaClient(gamma.base_url, rng=random.Random(1))
        scanner_config = MarketScannerActorConfig(
            poll_interval_secs=1,
            updown_prefixes=(),
            instrument_client_id="POLYMARKET",
        )
        self.scanner = MarketScannerActor(scanner_config, client=self.gamma_client)
        self.scanner.set_instrument_loader(self.client._instrument_provider.load_ids_async)
        self.recorder = MarketInfoRecorder()
        portfolio = Portfolio(msgbus=self.msgbus, cache=self.cache, clock=self.clock)
        for actor in (self.recorder, self.scanner):
            actor.register_base(portfolio, self.msgbus, self.cache, self.clock)

    async def start(self) -> None:
        self.engine.start()
        self.client.connect()
        assert await eventually(lambda: self.client.is_connected)
        self.recorder.start()
        self.scanner.start()

    async def stop(self) -> None:
        self.scanner.stop()
        self.recorder.stop()
        await self.gamma_client.close()
        self.client.disconnect()
        await eventually(lambda: not self.client.is_connected)
        self.engine.stop()


async def run_node(indices: list[int], scenario, preload: tuple[int, ...] = ()):
    ws = FakePolymarketMarketWs()
    await ws.start()
    clob_rows = [clob_row(i) for i in indices]
    for row in clob_rows:
        ws.register(row["condition_id"], [t["token_id"] for t in row["tokens"]])
    async with (
        FakeGammaServer([gamma_row(i) for i in indices]) as gamma,
        FakeClobRestServer(clob_rows) as clob,
    ):
        node = Node(gamma, clob, ws)
        for index in preload:
            for instrument in instruments_from_market(clob_row(index), ts_init=0):
                node.client._instrument_provider.add(instrument)
                node.cache.add_instrument(instrument)
        await node.start()
        try:
            return await scenario(node, gamma, clob, ws)
        finally:
            await node.stop()
            await ws.stop()


def _cid(index: int) -> str:
    return "0x" + f"{index:064x}"


def test_new_markets_are_announced_only_after_their_instruments_are_cached():
    async def scenario(node: Node, gamma, clob, ws):
        first = {_cid(i) for i in (1, 2, 3)}
        assert await eventually(lambda: node.recorder.announced() == first)
        books_before = await eventually(lambda: len(ws.subscribed_tokens()) == 6)
        # A market entering the window mid-run is loaded and announced on the next poll.
        clob.markets.append(clob_row(4))
        ws.register(_cid(4), [t["token_id"] for t in clob_row(4)["tokens"]])
        gamma.add_market(gamma_row(4))
        assert await eventually(lambda: _cid(4) in node.recorder.announced())
        books_after = await eventually(lambda: len(ws.subscribed_tokens()) == 8)
        return node.recorder.infos, books_before, books_after, clob, node

    infos, books_before, books_after, clob, node = asyncio.run(run_node([1, 2, 3], scenario))

    assert sorted(infos) == [(_cid(i), True) for i in (1, 2, 3, 4)]  # each once, all cached
    assert node.scanner.held_condition_ids == frozenset()
    assert books_before  # the recorder's book subscriptions reached the venue
    assert books_after
    assert clob.count_requests("/markets/" + _cid(4)) >= 1


def test_market_with_cached_instruments_is_announced_without_loading():
    async def scenario(node: Node, gamma, clob, ws):
        assert await eventually(lambda: node.recorder.announced() == {_cid(5), _cid(6)})
        return node.recorder.infos, clob

    infos, clob = asyncio.run(run_node([5, 6], scenario, preload=(5,)))

    assert sorted(infos) == [(_cid(5), True), (_cid(6), True)]
    assert clob.count_requests("/markets/" + _cid(5)) == 0
    assert clob.count_requests("/markets/" + _cid(6)) >= 1


def test_market_unknown_to_the_clob_stays_held_and_unannounced():
    async def scenario(node: Node, gamma, clob, ws):
        clob.markets.remove(clob_row(8))  # Gamma lists it, the CLOB 404s it
        assert await eventually(lambda: node.recorder.announced() == {_cid(7)})
        assert await eventually(lambda: node.scanner.scan_count >= 3)
        return node.recorder.infos, node.scanner.held_condition_ids

    infos, held = asyncio.run(run_node([7, 8], scenario))

    assert infos == [(_cid(7), True)]
    assert held == {_cid(8)}
