"""
The real 1.221 ``PolymarketInstrumentProvider`` (built as its factory builds it) loading
instruments from the loopback fake CLOB REST API: per-market GETs for up to 200 ids, paging
through ``/markets`` above that. Loaded instruments must equal ``instruments_from_market``.
"""

import asyncio
from decimal import Decimal

import pytest
from nautilus_trader.adapters.polymarket.factories import get_polymarket_http_client
from nautilus_trader.adapters.polymarket.factories import get_polymarket_instrument_provider
from nautilus_trader.common.component import LiveClock
from nautilus_trader.config import InstrumentProviderConfig
from nautilus_trader.model.instruments import BinaryOption

from adapters.polymarket.instruments import clob_market_dict
from adapters.polymarket.instruments import instruments_from_market
from tests.fakes.polymarket_clob import END_CURSOR
from tests.fakes.polymarket_clob import FIRST_CURSOR
from tests.fakes.polymarket_clob import FakeClobRestServer

pytestmark = [pytest.mark.live_fake, pytest.mark.usefixtures("polymarket_env")]

END_NS = 1_900_000_000 * 1_000_000_000  # 2030
TICKS = (Decimal("0.01"), Decimal("0.001"))


def make_markets(n_markets: int) -> list[dict]:
    return [
        clob_market_dict(
            condition_id="0x" + f"{i + 1:064x}",
            question=f"Fake market {i}?",
            yes_token_id=str(10**70 + 2 * i),
            no_token_id=str(10**70 + 2 * i + 1),
            end_ns=END_NS,
            tick_size=TICKS[i % 2],
            neg_risk=i % 3 == 0,
        )
        for i in range(n_markets)
    ]


def expected_instruments(markets: list[dict]) -> dict:
    pairs = [instruments_from_market(market, ts_init=0) for market in markets]
    return {instrument.id: instrument for pair in pairs for instrument in pair}


async def load_ids(server: FakeClobRestServer, instruments: list[BinaryOption]) -> dict:
    client = get_polymarket_http_client(base_url=server.base_url)
    provider = get_polymarket_instrument_provider(
        client=client,
        clock=LiveClock(),
        config=InstrumentProviderConfig(),
    )
    await provider.load_ids_async([instrument.id for instrument in instruments])
    return {instrument.id: instrument for instrument in provider.list_all()}


def assert_matches(loaded: dict, expected: dict) -> None:
    assert set(loaded) == set(expected)
    for instrument_id, instrument in expected.items():
        got = loaded[instrument_id]
        assert got.price_increment == instrument.price_increment
        assert got.size_increment == instrument.size_increment
        assert got.quote_currency.code == "USDC.e"
        assert got.outcome == instrument.outcome
        assert got.expiration_ns == instrument.expiration_ns


def test_load_ids_up_to_200_one_get_per_market():
    markets = make_markets(60)  # 120 instrument ids: the per-market path
    yes_only = instruments_from_market(markets[55], ts_init=0)[0]
    wanted = [*expected_instruments(markets[:50]).values(), yes_only]

    async def scenario():
        async with FakeClobRestServer(markets) as server:
            loaded = await load_ids(server, wanted)
            return loaded, server

    loaded, server = asyncio.run(scenario())

    # The provider loads both outcomes of a market when one of its ids is asked for.
    assert_matches(loaded, expected_instruments([*markets[:50], markets[55]]))
    assert server.count_requests("/markets/") == len(wanted)
    assert {path for path, _ in server.requests} >= {"/markets/" + markets[55]["condition_id"]}
    assert not [path for path, _ in server.requests if path == "/markets"]


def test_load_ids_above_200_pages_all_markets():
    markets = make_markets(260)  # 3 pages of 100 / 100 / 60
    wanted_markets = markets[::2]  # 130 markets, 260 ids: the bulk paging path
    wanted = list(expected_instruments(wanted_markets).values())

    async def scenario():
        async with FakeClobRestServer(markets) as server:
            loaded = await load_ids(server, wanted)
            return loaded, server

    loaded, server = asyncio.run(scenario())

    assert_matches(loaded, expected_instruments(wanted_markets))
    cursors = [query.get("next_cursor") for path, query in server.requests if path == "/markets"]
    assert cursors == [FIRST_CURSOR, "MTAw", "MjAw"]
    assert server.count_requests("/markets/") == 0


def test_markets_pages_end_with_end_cursor():
    async def scenario():
        async with FakeClobRestServer(make_markets(150)) as server:
            client = get_polymarket_http_client(base_url=server.base_url)
            first = await asyncio.to_thread(client.get_markets, next_cursor=FIRST_CURSOR)
            last = await asyncio.to_thread(client.get_markets, next_cursor=first["next_cursor"])
            return first, last

    first, last = asyncio.run(scenario())

    assert (first["count"], first["next_cursor"]) == (100, "MTAw")
    assert (last["count"], last["next_cursor"]) == (50, END_CURSOR)
    assert set(first["data"][0]) >= {"condition_id", "tokens", "minimum_tick_size", "neg_risk"}
