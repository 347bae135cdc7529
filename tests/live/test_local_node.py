"""
The offline demo end to end: the node built from ``configs/local.yaml`` (URLs overridden to the
fake venues on ephemeral ports) discovers 600 markets through the fake Gamma API, subscribes all
1,200 tokens over 3 shards, gets a book for every one, and fills ExpiryEdge paper orders in the
Sandbox on the near-expiry markets; then it stops cleanly.
"""

import asyncio
import math
import time

import pytest

from actors.market_scanner import MarketScannerActor
from adapters.fakes.local_venues import LocalVenues
from adapters.fakes.local_venues import VenuePorts
from adapters.fakes.local_venues import local_venues
from adapters.polymarket.instruments import token_instrument_id
from configs.schema import load_config
from live.credentials import load_credentials
from live.node import build_trading_node
from live.node import polymarket_data_client
from tests.live.waiting import eventually

pytestmark = [pytest.mark.live_fake, pytest.mark.usefixtures("polymarket_env")]

MARKETS = 600
TOKENS = 2 * MARKETS
CAP = 500
EPHEMERAL = VenuePorts(clob=0, market_ws=0, gamma=0, binance=0)


def _overrides(venues: LocalVenues) -> dict:
    overrides = venues.live_overrides()
    overrides["live"]["start_fakes"] = False
    # One scan right away is enough for a bounded run.
    overrides["actors"] = {"market_scanner": {"config": {"poll_interval_secs": 5}}}
    return overrides


def _announced(node) -> int:
    scanner = next(a for a in node.trader.actors() if isinstance(a, MarketScannerActor))
    return len(scanner._known) - len(scanner.held_condition_ids)


def _tokens_with_books(node, venues: LocalVenues) -> int:
    count = 0
    for row in venues.universe.clob_rows:
        for token in row["tokens"]:
            instrument_id = token_instrument_id(row["condition_id"], token["token_id"])
            book = node.cache.order_book(instrument_id)
            count += book is not None and book.best_bid_price() is not None
    return count


async def _run(venues: LocalVenues) -> tuple:
    config = load_config("configs/local.yaml", _overrides(venues))
    node = build_trading_node(config, load_credentials(True), asyncio.get_running_loop())
    node.build()
    client = polymarket_data_client(node)
    started = time.monotonic()
    run_task = asyncio.create_task(node.run_async())
    try:
        all_books = await eventually(lambda: _tokens_with_books(node, venues) == TOKENS, within=40)
        books_secs = time.monotonic() - started
        filled = await eventually(lambda: len(node.cache.orders_closed()) > 0, within=15)
        result = {
            "all_books": all_books,
            "books_secs": books_secs,
            "filled": filled,
            "announced": _announced(node),
            "subscribed": venues.ws.subscribed_tokens(),
            "shard_count": client.shard_count,
            "shard_tokens": list(client.shard_token_counts()),
            "fills": sum(o.filled_qty.as_double() > 0 for o in node.cache.orders()),
            "orders": len(node.cache.orders()),
        }
    finally:
        await node.stop_async()
        await asyncio.wait_for(run_task, timeout=15)
    result["stopped"] = not node.kernel.is_running()
    return node, result


async def _scenario() -> tuple:
    async with local_venues(EPHEMERAL, markets=MARKETS) as venues:
        node, result = await _run(venues)
        result["expected_tokens"] = set(venues.universe.token_ids())
    return node, result


def test_local_node_covers_1200_tokens_and_fills_paper_orders():
    loop = asyncio.new_event_loop()
    node, result = loop.run_until_complete(asyncio.wait_for(_scenario(), timeout=90))
    node.dispose()  # closes the loop
    print({k: v for k, v in result.items() if k not in ("subscribed", "expected_tokens")})
    assert result["announced"] == MARKETS
    assert result["all_books"], "not every token got a book"
    assert result["subscribed"] == result["expected_tokens"]
    assert result["shard_count"] == math.ceil(TOKENS / CAP) == 3
    assert sorted(result["shard_tokens"]) == [200, 500, 500]
    assert result["filled"]
    assert result["fills"] >= 1
    assert result["stopped"]
