"""
Start every fake venue of the offline demo on 127.0.0.1 with a scripted universe.

``LocalVenues`` serves the fake CLOB REST, the market-channel WebSocket (``/ws/market``), Gamma
and Binance USDT-M (REST and streams on one port) from `build_universe`. `run_live.py` starts
them in-process when ``live.start_fakes`` is true (``configs/local.yaml``); standalone::

    python -m adapters.fakes.local_venues &            # ports of configs/local.yaml
    python run_live.py configs/local.yaml              # with live.start_fakes: false

Ports 0 bind ephemeral ones (tests); `urls` returns the endpoints actually served.
"""

import argparse
import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from adapters.fakes.binance_futures import FakeBinanceFutures
from adapters.fakes.gamma import FakeGammaServer
from adapters.fakes.polymarket_clob import FakeClobRestServer
from adapters.fakes.polymarket_ws import FakePolymarketMarketWs
from adapters.fakes.universe import Universe
from adapters.fakes.universe import build_universe
from configs.live_schema import LiveSection

log = logging.getLogger("local_venues")


@dataclass(frozen=True)
class VenuePorts:
    """
    The TCP ports of the fake venues (0: ephemeral).
    """

    clob: int = 18080
    market_ws: int = 18081
    gamma: int = 18082
    binance: int = 18090

    @classmethod
    def from_live(cls, live: LiveSection) -> "VenuePorts":
        """
        Return the ports of a ``live`` section's loopback URLs (Binance REST and streams must
        share one port: the fake serves both).
        """
        poly, binance = live.polymarket, live.binance
        rest, streams = urlsplit(binance.base_url_http).port, urlsplit(binance.base_url_ws).port
        if rest != streams:
            raise ValueError(f"the fake Binance serves REST and streams on one port: {rest}")
        return cls(
            clob=urlsplit(poly.base_url_http).port,
            market_ws=urlsplit(poly.base_url_ws).port,
            gamma=urlsplit(poly.gamma_url).port,
            binance=rest,
        )


class LocalVenues:
    """
    The four fake venues serving one universe. Use ``async with LocalVenues(...) as venues``.
    """

    def __init__(self, ports: VenuePorts, universe: Universe, binance_interval: float = 0.1):
        self.universe = universe
        self.clob = FakeClobRestServer(universe.clob_rows, port=ports.clob)
        self.ws = FakePolymarketMarketWs(port=ports.market_ws)
        self.gamma = FakeGammaServer(universe.gamma_rows, port=ports.gamma)
        self.binance = FakeBinanceFutures(interval_secs=binance_interval, port=ports.binance)
        for row in universe.clob_rows:
            self.ws.register(row["condition_id"], [t["token_id"] for t in row["tokens"]])
        for token_id, (bids, asks) in universe.books.items():
            self.ws.set_book(token_id, bids, asks)

    async def start(self) -> None:
        await self.clob.__aenter__()
        await self.ws.start()
        await self.gamma.__aenter__()
        await self.binance.__aenter__()

    async def stop(self) -> None:
        await self.binance.__aexit__(None, None, None)
        await self.gamma.__aexit__(None, None, None)
        await self.ws.stop()
        await self.clob.__aexit__(None, None, None)

    async def __aenter__(self) -> "LocalVenues":
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def urls(self) -> dict[str, str]:
        """
        Return the served endpoints as ``live.polymarket``/``live.binance`` config keys.
        """
        return {
            "polymarket.base_url_http": self.clob.base_url,
            "polymarket.base_url_ws": f"ws://127.0.0.1:{self.ws.port}/ws/",
            "polymarket.gamma_url": self.gamma.base_url,
            "binance.base_url_http": self.binance.base_url_http,
            "binance.base_url_ws": self.binance.base_url_ws,
        }

    def live_overrides(self) -> dict:
        """
        Return ``load_config`` overrides pointing the ``live`` section at these venues.
        """
        live: dict[str, dict[str, str]] = {"polymarket": {}, "binance": {}}
        for key, url in self.urls().items():
            section, name = key.split(".")
            live[section][name] = url
        return {"live": live}


def local_venues(ports: VenuePorts, markets: int = 600, near_expiry: int = 5) -> LocalVenues:
    """
    Return (unstarted) venues serving a fresh universe anchored at the current time.
    """
    return LocalVenues(ports, build_universe(time.time_ns(), markets, near_expiry))


def start_in_loop(live: LiveSection, loop: asyncio.AbstractEventLoop) -> LocalVenues:
    """
    Start venues on `live`'s ports on the (not running) `loop`, the node's loop; the caller
    stops them with ``loop.run_until_complete(venues.stop())`` before disposing the node.
    """
    venues = local_venues(VenuePorts.from_live(live))
    loop.run_until_complete(venues.start())
    for key, url in venues.urls().items():
        log.info("Fake venue %s %s", key, url)
    return venues


async def serve(ports: VenuePorts, markets: int) -> None:
    async with local_venues(ports, markets) as venues:
        for key, url in venues.urls().items():
            log.info("%s %s", key, url)
        log.info("Serving %d markets (%d tokens); Ctrl-C stops", markets, 2 * markets)
        await asyncio.Event().wait()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the fake venues of configs/local.yaml.")
    parser.add_argument("--markets", type=int, default=600)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(VenuePorts(), args.markets))


if __name__ == "__main__":
    main()
