"""
GammaClient and MarketScannerActor against the loopback fake Gamma API (tests/fakes/gamma.py).

No blind sleeps: the client's backoff sleep is injected (recorded, not waited), and the actor
test waits on conditions with a timeout.
"""

import asyncio
import json
import random
import time
from typing import Any

import pandas as pd
import pytest
from nautilus_trader.common.component import LiveClock
from nautilus_trader.common.component import MessageBus
from nautilus_trader.portfolio.portfolio import Portfolio
from nautilus_trader.test_kit.stubs.component import TestComponentStubs
from nautilus_trader.test_kit.stubs.identifiers import TestIdStubs

from actors.data_types import MarketInfo
from actors.data_types import MarketResolution
from actors.market_scanner import MarketScannerActor
from actors.market_scanner import MarketScannerActorConfig
from adapters.errors import FatalVenueError
from adapters.errors import RetryableVenueError
from adapters.polymarket.gamma import GammaClient
from adapters.polymarket.gamma import updown_slugs
from tests.fakes.gamma import FakeGammaServer
from tests.fakes.gamma import make_gamma_market
from tests.live.waiting import eventually

pytestmark = pytest.mark.live_fake

TIMEOUT_SECS = 10.0
HOUR_NS = 3_600 * 1_000_000_000


def _iso(ts_ns: int) -> str:
    return pd.Timestamp(ts_ns, tz="UTC").strftime("%Y-%m-%dT%H:%M:%SZ")


class _RecordedSleep:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


def _client(server: FakeGammaServer, sleep: _RecordedSleep, retries: int = 5) -> GammaClient:
    return GammaClient(
        server.base_url,
        max_retries=retries,
        rng=random.Random(1),
        sleep=sleep,
        backoff_base_secs=0.5,
        backoff_cap_secs=4.0,
    )


def test_fetch_open_markets_pages_collect_all_in_horizon() -> None:
    now = pd.Timestamp("2026-03-12T09:00:00Z").value
    inside = [make_gamma_market(i, _iso(now + HOUR_NS)) for i in range(23)]
    outside = [make_gamma_market(100, _iso(now + 48 * HOUR_NS))]
    closed = [{**make_gamma_market(101, _iso(now + HOUR_NS)), "closed": True}]

    async def scenario() -> tuple[list[dict[str, Any]], FakeGammaServer]:
        async with FakeGammaServer(inside + outside + closed) as server:
            async with _client(server, _RecordedSleep()) as client:
                rows = await client.fetch_open_markets(now, now + 24 * HOUR_NS, page_limit=5)
            return rows, server

    rows, server = asyncio.run(scenario())

    assert sorted(r["id"] for r in rows) == sorted(m["id"] for m in inside)
    offsets = [int(q["offset"]) for path, q in server.requests if path == "/markets"]
    assert offsets == [0, 5, 10, 15, 20]


def test_429_burst_backs_off_then_recovers() -> None:
    sleep = _RecordedSleep()

    async def scenario() -> tuple[list[dict[str, Any]], GammaClient, FakeGammaServer]:
        async with FakeGammaServer([make_gamma_market(1, "2026-03-12T10:00:00Z")]) as server:
            server.script_429_burst(3)
            async with _client(server, sleep) as client:
                rows = await client.fetch_markets_by_condition_ids(["0x" + f"{1:064x}"])
            return rows, client, server

    rows, client, server = asyncio.run(scenario())

    assert [r["id"] for r in rows] == ["100001"]
    assert server.status_429_sent == 3
    assert (client.request_count, client.retry_count) == (4, 3)
    assert len(sleep.delays) == 3
    assert [0.25 <= sleep.delays[0] <= 0.5, 0.5 <= sleep.delays[1] <= 1.0] == [True, True]
    assert 1.0 <= sleep.delays[2] <= 2.0


def test_429_beyond_retries_raises_retryable() -> None:
    async def scenario() -> None:
        async with FakeGammaServer([]) as server:
            server.script_429_burst(10)
            async with _client(server, _RecordedSleep(), retries=2) as client:
                await client.fetch_event("btc-updown-5m-1773307200")

    with pytest.raises(RetryableVenueError) as info:
        asyncio.run(scenario())
    assert info.value.status == 429


def test_client_error_status_raises_fatal_without_retry() -> None:
    sleep = _RecordedSleep()

    async def scenario() -> None:
        async with FakeGammaServer([]) as server:
            server.fatal_status = 400
            async with _client(server, sleep) as client:
                await client.fetch_event("x")

    with pytest.raises(FatalVenueError) as info:
        asyncio.run(scenario())
    assert (info.value.status, info.value.path, sleep.delays) == (400, "/events", [])


def _updown_event(slug: str, index: int, end_iso: str) -> dict[str, Any]:
    market = make_gamma_market(index, end_iso, volume=1.0, liquidity=0.0, slug=slug)
    market.pop("events")
    return {"id": f"ev-{index}", "slug": slug, "markets": [market]}


def _updown_events(now: int) -> dict[str, dict[str, Any]]:
    current, following = updown_slugs(now)
    return {
        current: _updown_event(current, 50, _iso(now + 300 * 10**9)),
        following: _updown_event(following, 51, _iso(now + 600 * 10**9)),
    }


def _harness(actor: MarketScannerActor) -> list[Any]:
    clock = LiveClock()
    msgbus = MessageBus(trader_id=TestIdStubs.trader_id(), clock=clock)
    cache = TestComponentStubs.cache()
    portfolio = Portfolio(msgbus=msgbus, cache=cache, clock=clock)
    actor.register_base(portfolio=portfolio, msgbus=msgbus, cache=cache, clock=clock)
    published: list[Any] = []
    msgbus.subscribe(topic="data.*", handler=published.append)
    return published


def test_scanner_actor_publishes_new_updown_and_resolution_once() -> None:
    now = time.time_ns()
    listed = [make_gamma_market(i, _iso(now + HOUR_NS)) for i in range(1, 4)]
    thin = make_gamma_market(9, _iso(now + HOUR_NS), volume=1.0)
    events = _updown_events(now)
    config = MarketScannerActorConfig(poll_interval_secs=1, min_volume_usd=100.0)

    async def scenario() -> tuple[list[Any], MarketScannerActor]:
        async with FakeGammaServer([*listed, thin], events) as server:
            client = GammaClient(server.base_url, rng=random.Random(1), sleep=_RecordedSleep())
            actor = MarketScannerActor(config, client=client)
            published = _harness(actor)
            server.script_429_burst(2)
            actor.start()
            infos = lambda: [d for d in published if isinstance(d, MarketInfo)]  # noqa: E731
            assert await eventually(lambda: len(infos()) == 5)
            server.resolve(listed[0]["conditionId"], yes_wins=False)
            server.markets.remove(listed[1])
            assert await eventually(lambda: actor.scan_count >= 3)
            actor.stop()
            await client.close()
            return published, actor

    published, actor = asyncio.run(scenario())

    infos = [d for d in published if isinstance(d, MarketInfo)]
    resolutions = [d for d in published if isinstance(d, MarketResolution)]
    expected = {m["conditionId"] for m in listed} | {"0x" + f"{i:064x}" for i in (50, 51)}
    assert {i.condition_id for i in infos} == expected
    assert len(infos) == 5
    assert [(r.condition_id, r.no_payout) for r in resolutions] == [
        (listed[0]["conditionId"], "1"),
    ]
    assert json.loads(listed[0]["outcomePrices"]) == ["0", "1"]
    assert actor.resolved_condition_ids == {listed[0]["conditionId"]}
    assert sorted(actor.take_pending_condition_ids()) == sorted(
        expected - actor.resolved_condition_ids
    )
    assert actor.pending_condition_ids == frozenset()
