"""
Build a paper or live ``TradingNode`` from a validated polyedge config.

Data clients: our fixed Polymarket client (``PolyedgeLiveDataClientFactory``, sharded market
channel) and the Binance USDT-M futures client. Execution: in paper mode NautilusTrader's Sandbox
client for venue POLYMARKET (CASH account in USDC.e, ``L2_MBP`` so fills walk the real book); in
live mode the Polymarket execution client. Actors, strategies and risk come from the same YAML
sections as backtests. The Sandbox hard-codes its fee model (``MakerTakerFeeModel`` on the
instrument's fee rates), so our ``PolymarketFeeModel`` does not apply to paper fills yet.

Wiring done on ``build()`` (``PolyedgeTradingNode``), once the Polymarket data client exists:

- the market scanner's ``gamma_url`` is always ``live.polymarket.gamma_url`` (set in
  `node_config`, overriding the actor YAML: the live section is the one source of endpoints);
- the scanner loads the instruments it discovers through the data client's instrument provider
  (``set_instrument_loader(provider.load_ids_async)``);
- a configured ``MetricsActor`` gets the client's shard and subscribed-token counts every
  ``update_interval_secs`` (a ``call_later`` chain on the node's event loop, so it runs on the
  loop thread, starts when the loop runs and ends with it).
"""

import asyncio

from nautilus_trader.adapters.binance.common.enums import BinanceAccountType
from nautilus_trader.adapters.binance.config import BinanceDataClientConfig
from nautilus_trader.adapters.binance.factories import BinanceLiveDataClientFactory
from nautilus_trader.adapters.polymarket.config import PolymarketExecClientConfig
from nautilus_trader.adapters.polymarket.factories import PolymarketLiveExecClientFactory
from nautilus_trader.adapters.sandbox.config import SandboxExecutionClientConfig
from nautilus_trader.adapters.sandbox.factory import SandboxLiveExecClientFactory
from nautilus_trader.config import ImportableActorConfig
from nautilus_trader.config import InstrumentProviderConfig
from nautilus_trader.config import LiveDataEngineConfig
from nautilus_trader.config import LiveExecClientConfig
from nautilus_trader.config import LoggingConfig
from nautilus_trader.config import TradingNodeConfig
from nautilus_trader.live.node import TradingNode
from nautilus_trader.model.identifiers import ClientId
from nautilus_trader.model.identifiers import InstrumentId

from actors.market_scanner import MarketScannerActor
from actors.metrics import MetricsActor
from adapters.polymarket.config import PolyedgeDataClientConfig
from adapters.polymarket.data import PolyedgeDataClient
from adapters.polymarket.factories import PolyedgeLiveDataClientFactory
from backtesting.risk_wiring import attach_risk_engine
from backtesting.risk_wiring import importable_risk_actors
from backtesting.risk_wiring import risk_engine_config
from configs.errors import ConfigError
from configs.schema import PolyedgeConfig
from live.credentials import Credentials

POLYMARKET = "POLYMARKET"
BINANCE = "BINANCE"
USDC_E = "USDC.e"
SCANNER_PATH = "actors.market_scanner:MarketScannerActor"


def _provider(ids: list[str]) -> InstrumentProviderConfig:
    return InstrumentProviderConfig(load_ids=frozenset(InstrumentId.from_str(i) for i in ids))


def polymarket_data_config(config: PolyedgeConfig, creds: Credentials) -> PolyedgeDataClientConfig:
    """
    Return our fixed Polymarket data client's config (URLs, shard cap, keys, instruments).
    """
    poly = config.live.polymarket
    return PolyedgeDataClientConfig(
        private_key=creds["POLYMARKET_PK"],
        funder=creds["POLYMARKET_FUNDER"],
        api_key=creds["POLYMARKET_API_KEY"],
        api_secret=creds["POLYMARKET_API_SECRET"],
        passphrase=creds["POLYMARKET_PASSPHRASE"],
        base_url_http=poly.base_url_http,
        base_url_ws=poly.base_url_ws,
        max_tokens_per_connection=poly.max_tokens_per_connection,
        instrument_provider=_provider(poly.load_ids),
    )


def binance_data_config(config: PolyedgeConfig, creds: Credentials) -> BinanceDataClientConfig:
    """
    Return the Binance USDT-M futures data client's config.
    """
    binance = config.live.binance
    return BinanceDataClientConfig(
        api_key=creds["BINANCE_API_KEY"],
        api_secret=creds["BINANCE_API_SECRET"],
        account_type=BinanceAccountType.USDT_FUTURES,
        base_url_http=binance.base_url_http,
        base_url_ws=binance.base_url_ws,
        instrument_provider=_provider(binance.load_ids),
    )


def exec_client_config(config: PolyedgeConfig, creds: Credentials) -> LiveExecClientConfig:
    """
    Return the Sandbox execution config (paper) or the Polymarket execution config (live).
    """
    if config.mode == "paper":
        return SandboxExecutionClientConfig(
            venue=POLYMARKET,
            starting_balances=[f"{config.venue.starting_balance_usdc} {USDC_E}"],
            base_currency=None,
            oms_type="NETTING",
            account_type="CASH",
            # The default L1_MBP takes the last update on each side as the top: wrong fills.
            book_type=config.venue.book_type,
        )
    poly = config.live.polymarket
    return PolymarketExecClientConfig(
        private_key=creds["POLYMARKET_PK"],
        funder=creds["POLYMARKET_FUNDER"],
        api_key=creds["POLYMARKET_API_KEY"],
        api_secret=creds["POLYMARKET_API_SECRET"],
        passphrase=creds["POLYMARKET_PASSPHRASE"],
        base_url_http=poly.base_url_http,
        base_url_ws=poly.base_url_ws,
    )


def check_runnable(config: PolyedgeConfig) -> None:
    """
    Check that `config` can run a paper or live node.

    Raises
    ------
    ConfigError
        For a backtest config or one without a ``live`` section.

    """
    if config.mode == "backtest":
        raise ConfigError(None, "mode", "run_live.py runs paper or live configs, not backtest")
    if config.live is None:
        raise ConfigError(
            None, "live", f"required when running a {config.mode} node (see base/live_venues.yaml)"
        )


def actor_configs(config: PolyedgeConfig) -> list[ImportableActorConfig]:
    """
    Return the node's actors: the YAML actors, with the market scanner's ``gamma_url`` set to
    ``live.polymarket.gamma_url`` (any YAML value is overridden), then the risk actors.
    """
    actors = config.importable_actors()
    for actor in actors:
        if actor.actor_path == SCANNER_PATH:
            actor.config["gamma_url"] = config.live.polymarket.gamma_url
    return [*actors, *importable_risk_actors(config)]


def node_config(config: PolyedgeConfig, creds: Credentials) -> TradingNodeConfig:
    """
    Return the ``TradingNodeConfig`` of a paper or live run.

    Raises
    ------
    ConfigError
        See `check_runnable`.

    """
    check_runnable(config)
    known_ids = (*config.live.polymarket.load_ids, *config.live.binance.load_ids)
    return TradingNodeConfig(
        trader_id=config.node.trader_id,
        logging=LoggingConfig(
            log_level=config.node.log_level,
            log_component_levels=dict(config.node.log_component_levels) or None,
        ),
        # Hand strategies whole book updates (up to the F_LAST delta), as in backtests.
        data_engine=LiveDataEngineConfig(buffer_deltas=True),
        risk_engine=risk_engine_config(config, known_ids),
        data_clients={
            POLYMARKET: polymarket_data_config(config, creds),
            BINANCE: binance_data_config(config, creds),
        },
        exec_clients={POLYMARKET: exec_client_config(config, creds)},
        actors=actor_configs(config),
        strategies=config.importable_strategies(),
    )


def polymarket_data_client(node: TradingNode) -> PolyedgeDataClient:
    """
    Return the built node's Polymarket data client (1.221 keeps clients in ``_clients``).
    """
    return node.kernel.data_engine._clients[ClientId(POLYMARKET)]


def schedule_feed_stats(
    loop: asyncio.AbstractEventLoop,
    metrics: MetricsActor,
    client: PolyedgeDataClient,
) -> None:
    """
    Push the client's shard and token counts to `metrics` now and every
    ``update_interval_secs`` while `loop` runs, until the actor is disposed.
    """
    interval = metrics.config.update_interval_secs

    def publish() -> None:
        if metrics.is_disposed:
            return
        metrics.set_feed_stats(client.shard_count, sum(client.shard_token_counts()))
        loop.call_later(interval, publish)

    loop.call_soon(publish)


def wire_polymarket_actors(node: TradingNode) -> None:
    """
    Hand the built node's scanner its instrument loader and its metrics actor the feed stats.
    """
    client = polymarket_data_client(node)
    for actor in node.trader.actors():
        if isinstance(actor, MarketScannerActor):
            actor.set_instrument_loader(client._instrument_provider.load_ids_async)
        elif isinstance(actor, MetricsActor):
            schedule_feed_stats(node.get_event_loop(), actor, client)


class PolyedgeTradingNode(TradingNode):
    """
    ``TradingNode`` whose ``build()`` also runs `wire_polymarket_actors`.
    """

    def build(self) -> None:
        """
        Build the clients, then wire the scanner and metrics actors to the Polymarket client.
        """
        super().build()
        wire_polymarket_actors(self)


def build_trading_node(
    config: PolyedgeConfig,
    creds: Credentials,
    loop: asyncio.AbstractEventLoop | None = None,
) -> TradingNode:
    """
    Return a ``TradingNode`` with client factories registered and the RiskEngine lent to the
    RiskMonitor; the caller calls ``build()`` (which also wires the scanner and metrics actors,
    see `PolyedgeTradingNode`), ``run()`` and, in ``finally``, ``dispose()`` (which closes the
    node's event loop: pass a fresh ``loop`` when that matters).
    """
    node = PolyedgeTradingNode(config=node_config(config, creds), loop=loop)
    node.add_data_client_factory(POLYMARKET, PolyedgeLiveDataClientFactory)
    node.add_data_client_factory(BINANCE, BinanceLiveDataClientFactory)
    exec_factory = (
        SandboxLiveExecClientFactory if config.mode == "paper" else PolymarketLiveExecClientFactory
    )
    node.add_exec_client_factory(POLYMARKET, exec_factory)
    attach_risk_engine(node.kernel)
    return node
