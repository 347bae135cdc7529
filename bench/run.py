"""
Benchmarks: `python -m bench.run --catalog data/catalog --out bench/results/bench.json`.

Backtest throughput of the full stack (configured strategies and actors) against a bare
engine (same venue, same data, no actors, no strategies) on the same catalog. Runs are
interleaved and repeated; the headline is the ratio of median events/s. Wall times on a
shared machine are noisy, so read ratios and spreads, not single numbers.
"""

import argparse
import json
import logging
import os
import platform
import statistics
import sys
import time
from datetime import UTC
from datetime import datetime
from pathlib import Path

import msgspec
import nautilus_trader
import numpy as np
from nautilus_trader.backtest.config import BacktestEngineConfig
from nautilus_trader.config import LoggingConfig

from actors.logic.features import build_features
from backtesting.catalog_check import CatalogContents
from backtesting.catalog_check import inspect_catalog
from backtesting.catalog_node import CatalogBacktestNode
from backtesting.node import build_run_config
from backtesting.risk_wiring import attach_risk_engine
from bench.handlers import instrument
from bench.handlers import summarize
from bench.inputs import sample_inputs
from catalog.metadata import read_catalog_metadata
from configs.schema import PolyedgeConfig
from configs.schema import load_config

log = logging.getLogger("bench")


def _quiet_run_config(config: PolyedgeConfig, contents: CatalogContents, bare: bool):
    run_config = build_run_config(config, contents)
    engine_config = run_config.engine
    if bare:
        engine_config = BacktestEngineConfig(
            trader_id=engine_config.trader_id,
            data_engine=engine_config.data_engine,
        )
    quiet = LoggingConfig(log_level="WARNING")
    return msgspec.structs.replace(
        run_config,
        engine=msgspec.structs.replace(engine_config, logging=quiet, run_analysis=False),
        dispose_on_completion=False,
    )


def _run_once(
    config: PolyedgeConfig,
    contents: CatalogContents,
    bare: bool,
    timings: dict | None = None,
) -> dict:
    run_config = _quiet_run_config(config, contents, bare)
    node = CatalogBacktestNode(configs=[run_config])
    try:
        node.build()
        engine = node.get_engine(run_config.id)
        if not bare:
            attach_risk_engine(engine.kernel)
        if timings is not None:
            for component in [*engine.trader.actors(), *engine.trader.strategies()]:
                timings[type(component).__name__] = instrument(component)
        result = node.run()[0]
    finally:
        node.dispose()
    # BacktestResult.elapsed_time is the simulated span; the run's wall time is started→finished.
    seconds = (result.run_finished - result.run_started) / 1e9
    return {
        "events": result.iterations,
        "seconds": seconds,
        "events_per_sec": result.iterations / seconds,
        "orders": result.total_orders,
    }


def backtest_throughput(config: PolyedgeConfig, repeats: int) -> dict:
    """
    Return events/s of the bare engine and the full stack, interleaved over `repeats` runs.
    """
    contents = inspect_catalog(config.catalog.path)
    runs: dict[str, list[dict]] = {"bare": [], "full": []}
    for index in range(repeats):
        for kind in ("bare", "full"):
            run = _run_once(config, contents, bare=kind == "bare")
            log.info("run %d %s: %.0f events/s", index + 1, kind, run["events_per_sec"])
            runs[kind].append(run)
    medians = {k: statistics.median(r["events_per_sec"] for r in v) for k, v in runs.items()}
    pairs = zip(runs["bare"], runs["full"], strict=True)
    pairwise = [f["events_per_sec"] / b["events_per_sec"] for b, f in pairs]
    return {
        "events": runs["full"][0]["events"],
        "bare_events_per_sec": _summary([r["events_per_sec"] for r in runs["bare"]]),
        "full_events_per_sec": _summary([r["events_per_sec"] for r in runs["full"]]),
        "full_over_bare_ratio": round(medians["full"] / medians["bare"], 4),
        "full_over_bare_ratio_per_pair": [round(r, 4) for r in pairwise],
        "full_orders": runs["full"][0]["orders"],
    }


def handler_latency(config: PolyedgeConfig) -> dict:
    """
    Return per-component, per-handler latency percentiles from one instrumented full run.
    """
    contents = inspect_catalog(config.catalog.path)
    timings: dict = {}
    run = _run_once(config, contents, bare=False, timings=timings)
    return {"events": run["events"], "handlers": summarize(timings)}


def feature_latency(calls: int = 100_000) -> dict:
    """
    Return p50/p99 (µs) of ``build_features`` on complete inputs.
    """
    ta, flow, state = sample_inputs()
    samples = np.empty(calls, dtype=np.float64)
    for index in range(calls):
        start = time.perf_counter_ns()
        build_features(ta, flow, state)
        samples[index] = time.perf_counter_ns() - start
    micros = samples / 1_000.0
    return {
        "calls": calls,
        "p50_us": round(float(np.percentile(micros, 50)), 2),
        "p99_us": round(float(np.percentile(micros, 99)), 2),
    }


def _summary(values: list[float]) -> dict:
    return {
        "median": round(statistics.median(values), 1),
        "min": round(min(values), 1),
        "max": round(max(values), 1),
        "runs": [round(v, 1) for v in values],
    }


def machine() -> dict:
    """
    Return what the figures were measured on.
    """
    return {
        "date": datetime.now(tz=UTC).strftime("%Y-%m-%d"),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "nautilus_trader": nautilus_trader.__version__,
    }


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    parser = argparse.ArgumentParser(description="Run polyedge benchmarks and write JSON.")
    parser.add_argument("--config", default="configs/backtest.yaml")
    parser.add_argument("--catalog", default="data/catalog")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", default="bench/results/bench.json")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    config = load_config(args.config, overrides={"catalog": {"path": args.catalog}})
    metadata = read_catalog_metadata(Path(args.catalog)) or {}
    figures = {
        "machine": machine(),
        "catalog": {"path": args.catalog, "synthetic": bool(metadata.get("synthetic"))},
        "config_hash": config.config_hash(),
        "backtest": backtest_throughput(config, args.repeats),
        "handler_latency": handler_latency(config),
        "feature_builder": feature_latency(),
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n")
    sys.stdout.write(json.dumps(figures["backtest"], indent=2, sort_keys=True) + "\n")
    log.info("Wrote %s", out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
