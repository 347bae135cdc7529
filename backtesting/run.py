"""
One catalog backtest end to end: validate, run, collect, report.
"""

import logging
from dataclasses import dataclass
from pathlib import Path

from backtesting.catalog_check import CatalogContents
from backtesting.catalog_check import inspect_catalog
from backtesting.node import run_backtest
from catalog.metadata import is_synthetic
from catalog.metadata import read_catalog_metadata
from configs.schema import PolyedgeConfig
from reporting.collect import collect_run
from reporting.report import ReportPaths
from reporting.report import build_report
from reporting.report import format_table
from reporting.report import write_report

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BacktestReport:
    """
    The outputs of one backtest: the report document, its table and the files written.
    """

    run_id: str
    report: dict
    table: str
    paths: ReportPaths


def run_id_for(config: PolyedgeConfig) -> str:
    """
    Return the run id: the mode and the hash of the resolved config (catalog, window included).
    """
    return f"backtest-{config.config_hash()}"


def report_meta(
    config: PolyedgeConfig,
    contents: CatalogContents,
    run_id: str,
    strategy_ids: list[str],
) -> dict:
    """
    Return the run facts the report carries at its top level.
    """
    return {
        "run_id": run_id,
        "config_hash": config.config_hash(),
        "catalog": str(contents.path),
        "synthetic": is_synthetic(contents.path),
        "catalog_metadata": read_catalog_metadata(contents.path),
        "start": config.backtest.start,
        "end": config.backtest.end,
        "starting_equity": config.venue.starting_balance_usdc,
        "strategies": strategy_ids,
        "markets": len(contents.market_infos),
        "instruments": len(contents.instrument_ids),
        "resolutions": contents.resolutions,
    }


def execute(config: PolyedgeConfig) -> BacktestReport:
    """
    Run the configured backtest on its catalog and write the report.

    Raises
    ------
    CatalogError
        If the catalog cannot be backtested (missing, empty, no MarketInfo for an instrument).

    """
    contents = inspect_catalog(config.catalog.path)
    run_id = run_id_for(config)
    log.info(
        "Backtest %s: %d markets, %d instruments, %d resolutions from %s",
        run_id,
        len(contents.market_infos),
        len(contents.instrument_ids),
        contents.resolutions,
        contents.path,
    )
    outcome = run_backtest(config, contents, run_id)
    try:
        records = collect_run(outcome.engine)
        strategy_ids = sorted(s.value for s in outcome.engine.trader.strategy_ids())
    finally:
        outcome.node.dispose()
    report = build_report(records, report_meta(config, contents, run_id, strategy_ids))
    paths = write_report(report, records.samples, Path(config.backtest.results_dir) / run_id)
    return BacktestReport(run_id=run_id, report=report, table=format_table(report), paths=paths)
