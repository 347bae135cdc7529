"""
Live factory for polyedge's fixed Polymarket data client.

Registered on a ``TradingNode`` in place of upstream's ``PolymarketLiveDataClientFactory``;
it reuses upstream's cached HTTP client and instrument provider helpers (clear their
``lru_cache`` between tests) and builds ``PolyedgeDataClient`` instead.
"""

import asyncio

from nautilus_trader.adapters.polymarket.config import PolymarketDataClientConfig
from nautilus_trader.adapters.polymarket.factories import PolymarketLiveDataClientFactory
from nautilus_trader.adapters.polymarket.factories import get_polymarket_http_client
from nautilus_trader.adapters.polymarket.factories import get_polymarket_instrument_provider
from nautilus_trader.cache.cache import Cache
from nautilus_trader.common.component import LiveClock
from nautilus_trader.common.component import MessageBus

from adapters.polymarket.data import PolyedgeDataClient


class PolyedgeLiveDataClientFactory(PolymarketLiveDataClientFactory):
    """
    Build a ``PolyedgeDataClient`` from a ``PolyedgeDataClientConfig`` (or upstream config).
    """

    @staticmethod
    def create(  # type: ignore[override]
        loop: asyncio.AbstractEventLoop,
        name: str,
        config: PolymarketDataClientConfig,
        msgbus: MessageBus,
        cache: Cache,
        clock: LiveClock,
    ) -> PolyedgeDataClient:
        http_client = get_polymarket_http_client(
            private_key=config.private_key,
            signature_type=config.signature_type,
            funder=config.funder,
            api_key=config.api_key,
            api_secret=config.api_secret,
            passphrase=config.passphrase,
            base_url=config.base_url_http,
        )
        provider = get_polymarket_instrument_provider(
            client=http_client,
            clock=clock,
            config=config.instrument_provider,
        )
        return PolyedgeDataClient(
            loop=loop,
            http_client=http_client,
            msgbus=msgbus,
            cache=cache,
            clock=clock,
            instrument_provider=provider,
            config=config,
            name=name,
        )


def clear_factory_caches() -> None:
    """
    Clear upstream's cached HTTP client and instrument provider (tests, re-configuration).
    """
    get_polymarket_http_client.cache_clear()
    get_polymarket_instrument_provider.cache_clear()
