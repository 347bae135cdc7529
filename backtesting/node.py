"""
Build and run a catalog backtest from a validated polyedge config.

The Polymarket venue is a CASH account in USDC.e on L2 book deltas, with the Polymarket fee
model (rates from each market's MarketInfo) and the settlement module. When the catalog holds
Binance instruments (BTCUSDT-PERP, the cross-venue signal), a Binance venue is added: a MARGIN
account in USDT on L2 book deltas. Data configs are one per venue and data class; the
``CatalogBacktestNode`` registers each instrument's book data and loads everything with one
sort. MarketInfo and MarketResolution replay as custom data.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from nautilus_trader.backtest.config import BacktestDataConfig
from nautilus_trader.backtest.config import BacktestEngineConfig
from nautilus_trader.backtest.config import BacktestRunConfig
from nautilus_trader.backtest.config import BacktestVenueConfig
from nautilus_trader.backtest.config import ImportableFeeModelConfig
from nautilus_trader.backtest.engine import BacktestEngine
from nautilus_trader.common.config import ImportableActorConfig
from nautilus_trader.config import DataEngineConfig
from nautilus_trader.config import LoggingConfig
from nautilus_trader.model.data import OrderBookDelta
from nautilus_trader.model.data import TradeTick
from nautilus_trader.model.identifiers import InstrumentId

from actors.data_types import MarketInfo
from actors.data_types import MarketResolution
from backtesting.catalog_check import CatalogContents
from backtesting.catalog_node import CatalogBacktestNode
from backtesting.risk_wiring import attach_risk_engine
from backtesting.risk_wiring import importable_risk_actors
from backtesting.risk_wiring import risk_engine_config
from configs.schema import PolyedgeConfig

VENUE = "POLYMARKET"
USDC_E = "USDC.e"
BINANCE_VENUE = "BINANCE"
USDT = "USDT"
# Fixed for now: no strategy trades on Binance yet, so this balance only has to exist. It moves
# into the config schema (``binance_venue.starting_balance_usdt``) once one does.
BINANCE_STARTING_BALANCE_USDT = "100000"
FEE_MODEL = "adapters.polymarket.fees:PolymarketFeeModel"
FEE_MODEL_CONFIG = "adapters.polymarket.fees:PolymarketFeeModelConfig"
SETTLEMENT = "adapters.polymarket.settlement:SettlementModule"
SETTLEMENT_CONFIG = "adapters.polymarket.settlement:SettlementModuleConfig"
EQUITY_SAMPLER = "actors.equity_sampler:EquitySamplerActor"
EQUITY_SAMPLER_CONFIG = "actors.equity_sampler:EquitySamplerActorConfig"
PROGRESS = "actors.progress:ProgressActor"
PROGRESS_CONFIG = "actors.progress:ProgressActorConfig"


@dataclass(frozen=True)
class BacktestOutcome:
    """
    A finished backtest: the engine (not yet disposed) and the run id.
    """

    run_id: str
    engine: BacktestEngine
    node: CatalogBacktestNode


def polymarket_venue(config: PolyedgeConfig, contents: CatalogContents) -> BacktestVenueConfig:
    """
    Return the simulated Polymarket venue: CASH, USDC.e, L2, our fee and settlement models.
    """
    fee_model = ImportableFeeModelConfig(
        fee_model_path=FEE_MODEL,
        config_path=FEE_MODEL_CONFIG,
        config={"rates": contents.fee_rates(), "decimals": config.venue.fee_rounding_dp},
    )
    settlement = ImportableActorConfig(
        actor_path=SETTLEMENT,
        config_path=SETTLEMENT_CONFIG,
        config={},
    )
    return BacktestVenueConfig(
        name=VENUE,
        oms_type="NETTING",
        account_type="CASH",
        base_currency=None,
        starting_balances=[f"{config.venue.starting_balance_usdc} {USDC_E}"],
        book_type=config.venue.book_type,
        fee_model=fee_model,
        modules=[settlement],
    )


def binance_venue() -> BacktestVenueConfig:
    """
    Return the simulated Binance USDT-M futures venue: MARGIN, USDT, L2.
    """
    return BacktestVenueConfig(
        name=BINANCE_VENUE,
        oms_type="NETTING",
        account_type="MARGIN",
        base_currency=USDT,
        starting_balances=[f"{BINANCE_STARTING_BALANCE_USDT} {USDT}"],
        book_type="L2_MBP",
    )


def venue_configs(config: PolyedgeConfig, contents: CatalogContents) -> list[BacktestVenueConfig]:
    """
    Return the venues: Polymarket, plus Binance when the catalog holds Binance instruments.
    """
    venues = [polymarket_venue(config, contents)]
    if contents.binance_instrument_ids:
        venues.append(binance_venue())
    return venues


def _venue_data_configs(catalog_path: str, ids: list[str]) -> list[BacktestDataConfig]:
    # Few configs, many instruments each: CatalogBacktestNode registers every instrument. The
    # first instrument's deltas still get a singular-instrument config because the node's
    # validation looks for one to accept an L2 venue.
    if not ids:
        return []
    first, rest = ids[0], ids[1:]
    configs = [
        BacktestDataConfig(
            catalog_path=catalog_path,
            data_cls=OrderBookDelta,
            instrument_id=InstrumentId.from_str(first),
        ),
        BacktestDataConfig(catalog_path=catalog_path, data_cls=TradeTick, instrument_ids=ids),
    ]
    if rest:
        configs.append(
            BacktestDataConfig(
                catalog_path=catalog_path,
                data_cls=OrderBookDelta,
                instrument_ids=rest,
            ),
        )
    return configs


def data_configs(
    catalog_path: str,
    contents: CatalogContents,
    replay_types: Sequence[str] = (),
) -> list[BacktestDataConfig]:
    """
    Return the data configs: deltas and trades (Polymarket, then Binance), market custom data,
    and any recorded custom types to replay (``package.module:Class`` paths).
    """
    configs = []
    for instrument_ids in (contents.instrument_ids, contents.binance_instrument_ids):
        configs += _venue_data_configs(catalog_path, [i.value for i in instrument_ids])
    custom = [MarketInfo, MarketResolution, *replay_types]
    configs += [
        BacktestDataConfig(catalog_path=catalog_path, data_cls=data_cls, client_id=VENUE)
        for data_cls in custom
    ]
    return configs


def engine_config(config: PolyedgeConfig, contents: CatalogContents) -> BacktestEngineConfig:
    """
    Return the engine config: our strategies and actors plus the equity sampler and progress.
    """
    sampler = ImportableActorConfig(
        actor_path=EQUITY_SAMPLER,
        config_path=EQUITY_SAMPLER_CONFIG,
        config={"sample_interval_secs": config.backtest.equity_sample_secs, "venue": VENUE},
    )
    progress = ImportableActorConfig(
        actor_path=PROGRESS,
        config_path=PROGRESS_CONFIG,
        config={"start_ns": contents.start_ns, "end_ns": contents.end_ns},
    )
    return BacktestEngineConfig(
        trader_id=config.node.trader_id,
        logging=LoggingConfig(
            log_level=config.node.log_level,
            log_component_levels=dict(config.node.log_component_levels) or None,
        ),
        # Hand strategies whole book updates (up to the F_LAST delta), never half-applied ones.
        data_engine=DataEngineConfig(buffer_deltas=True),
        risk_engine=risk_engine_config(
            config,
            (*contents.instrument_ids, *contents.binance_instrument_ids),
        ),
        actors=[*config.importable_actors(), *importable_risk_actors(config), sampler, progress],
        strategies=config.importable_strategies(),
        run_analysis=False,
    )


def build_run_config(
    config: PolyedgeConfig,
    contents: CatalogContents,
    replay_types: Sequence[str] = (),
) -> BacktestRunConfig:
    """
    Return the ``BacktestRunConfig`` for one catalog backtest.
    """
    catalog_path = str(contents.path.resolve())
    return BacktestRunConfig(
        venues=venue_configs(config, contents),
        data=data_configs(catalog_path, contents, replay_types),
        engine=engine_config(config, contents),
        start=config.backtest.start,
        end=config.backtest.end,
        raise_exception=True,
        dispose_on_completion=False,
    )


def run_backtest(
    config: PolyedgeConfig,
    contents: CatalogContents,
    run_id: str,
    replay_types: Sequence[str] | None = None,
) -> BacktestOutcome:
    """
    Run the backtest and return the finished engine; the caller disposes ``outcome.node``.

    ``replay_types`` names recorded custom types (``package.module:Class``) to replay from the
    catalog beside the market data.
    """
    replay = config.backtest.replay_types if replay_types is None else replay_types
    run_config = build_run_config(config, contents, replay)
    node = CatalogBacktestNode(configs=[run_config])
    node.build()
    # The RiskMonitor halts through the RiskEngine, which the kernel lends it here.
    attach_risk_engine(node.get_engine(run_config.id).kernel)
    node.run()
    engine = node.get_engine(run_config.id)
    if engine is None:
        raise RuntimeError(f"backtest engine for run {run_id} was not created")
    return BacktestOutcome(run_id=run_id, engine=engine, node=node)


def results_dir(config: PolyedgeConfig, run_id: str) -> Path:
    """
    Return the directory this run writes its report to.
    """
    return Path(config.backtest.results_dir) / run_id
