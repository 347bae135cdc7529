"""
Run a catalog backtest: `python run_backtest.py configs/backtest.yaml [--catalog PATH]`.
"""

import argparse
import json
import logging
import sys

from backtesting.catalog_check import CatalogError
from backtesting.run import execute
from configs.errors import ConfigError
from configs.schema import load_config

log = logging.getLogger("run_backtest")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Run a polyedge catalog backtest.")
    parser.add_argument("config", help="root YAML config, e.g. configs/backtest.yaml")
    parser.add_argument("--catalog", help="catalog path (overrides catalog.path)")
    parser.add_argument("--start", help="ISO-8601 start (overrides backtest.start)")
    parser.add_argument("--end", help="ISO-8601 end (overrides backtest.end)")
    parser.add_argument("--results-dir", help="results root (overrides backtest.results_dir)")
    return parser.parse_args(argv)


def overrides_from(args: argparse.Namespace) -> dict:
    overrides: dict = {}
    if args.catalog:
        overrides["catalog"] = {"path": args.catalog}
    backtest = {
        key: value
        for key, value in (
            ("start", args.start),
            ("end", args.end),
            ("results_dir", args.results_dir),
        )
        if value
    }
    if backtest:
        overrides["backtest"] = backtest
    return overrides


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        config = load_config(args.config, overrides=overrides_from(args))
        log.info("Config %s hash %s", args.config, config.config_hash())
        log.info(
            "Resolved config (secrets removed): %s",
            json.dumps(config.redacted_dict(), sort_keys=True),
        )
        result = execute(config)
    except (ConfigError, CatalogError) as error:
        log.error("%s", error)
        return 2
    sys.stdout.write(result.table + "\n")
    log.info("Report: %s  chart: %s", result.paths.json, result.paths.png)
    return 0


if __name__ == "__main__":
    sys.exit(main())
