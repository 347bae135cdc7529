"""
The signal actors, configured from YAML, inside BacktestNode on a sample catalog.

1. Live: the actors publish and a probe strategy receives every signal type; a recorder
   writes what was published into the catalog.
2. Replay: without the actors, the same types replay from the catalog to the probe.
3. No look-ahead: every value's ts_event is an input time no later than its ts_init, and
   rerunning the backtest with data cut at a value's ts_event reproduces that value exactly.
"""

import math
import shutil
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from actors.data_types import FairValue
from actors.data_types import MarketStats
from actors.data_types import OrderFlowImbalance
from actors.data_types import TASnapshot
from backtesting.catalog_check import inspect_catalog
from backtesting.node import run_backtest
from catalog.sample import SampleRequest
from catalog.sample import build_sample_catalog
from configs.schema import PolyedgeConfig
from configs.schema import load_config
from tests.backtest.signal_probe import SIGNAL_TYPES

pytestmark = pytest.mark.backtest

CONFIGS = Path(__file__).resolve().parents[2] / "configs"
START = "2026-06-01T12:30:00Z"
END = "2026-06-01T14:00:00Z"  # spans the first BTC up/down block (13:00–14:00 UTC)
SIGNAL_PATHS = [f"actors.data_types:{cls.__name__}" for cls in SIGNAL_TYPES]


def _root_yaml(tmp: Path, catalog: Path, actors: bool, extra: str = "") -> Path:
    includes = ["base/node.yaml", "base/catalog.yaml", "base/polymarket_venue.yaml"]
    if actors:
        includes += ["actors/order_flow.yaml", "actors/technical.yaml", "actors/fair_value.yaml"]
    lines = ["include:", *[f"  - {CONFIGS / name}" for name in includes]]
    lines += [
        "mode: backtest",
        f"catalog: {{path: {catalog}}}",
        f"backtest: {{start: '{START}', end: '{END}', results_dir: {tmp / 'results'}}}",
        "node: {log_level: WARNING}",
        "strategies:",
        "  probe:",
        "    strategy_path: tests.backtest.signal_probe:SignalProbe",
        "    config_path: tests.backtest.signal_probe:SignalProbeConfig",
        "    config: {}",
        extra,
    ]
    root = tmp / ("live.yaml" if actors else "replay.yaml")
    root.write_text("\n".join(lines) + "\n")
    return root


def _probe_run(config: PolyedgeConfig) -> list:
    contents = inspect_catalog(config.catalog.path)
    outcome = run_backtest(config, contents, "test")
    try:
        (probe,) = [s for s in outcome.engine.trader.strategies() if hasattr(s, "received")]
        return list(probe.received)
    finally:
        outcome.node.dispose()


@pytest.fixture(scope="module")
def catalog(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("signals") / "catalog"
    build_sample_catalog(SampleRequest(out=root, days=1, markets=4, updown_hours=1.0))
    return root


@pytest.fixture(scope="module")
def live(catalog, tmp_path_factory) -> tuple[list, Path]:
    tmp = tmp_path_factory.mktemp("live")
    recorded = tmp / "recorded"
    recorder = (
        "actors:\n  recorder:\n    actor_path: actors.recorder:RecorderActor\n"
        "    config_path: actors.recorder:RecorderActorConfig\n"
        f"    config: {{catalog_path: {recorded}, data_types: {SIGNAL_PATHS}}}\n"
    )
    config = load_config(_root_yaml(tmp, catalog, actors=True, extra=recorder))
    return _probe_run(config), recorded


def test_live_actors_deliver_every_signal_type(live) -> None:
    received, _ = live

    counts = Counter(type(item) for item in received)

    assert set(counts) == set(SIGNAL_TYPES), counts
    assert all(item.ts_event <= item.ts_init for item in received)


def test_recorded_signals_replay_from_the_catalog(live, catalog, tmp_path) -> None:
    received, recorded = live
    root = _root_yaml(tmp_path, recorded_with_market_data(catalog, recorded), actors=False)
    config = load_config(root, overrides={"backtest": {"replay_types": SIGNAL_PATHS}})

    replayed = _probe_run(config)

    assert Counter(type(i) for i in replayed) == Counter(type(i) for i in received)
    key = lambda i: (type(i).__name__, i.instrument_id.value, i.ts_event)  # noqa: E731
    assert sorted(map(key, replayed)) == sorted(map(key, received))


def recorded_with_market_data(catalog: Path, recorded: Path) -> Path:
    # The recorder wrote a signals-only catalog; replay needs the market data beside it.
    merged = recorded.parent / "merged"
    if not merged.exists():
        shutil.copytree(catalog, merged)
        shutil.copytree(recorded / "data", merged / "data", dirs_exist_ok=True)
    return merged


def _same(a, b) -> bool:
    da, db = a.to_dict(), b.to_dict()
    return da.keys() == db.keys() and all(
        (isinstance(x, float) and math.isnan(x) and isinstance(y, float) and math.isnan(y))
        or x == y
        for x, y in ((da[k], db[k]) for k in da if k != "ts_init")
    )


@pytest.mark.parametrize("cls", [OrderFlowImbalance, TASnapshot, FairValue, MarketStats])
def test_values_recompute_exactly_from_data_up_to_their_ts(catalog, tmp_path, cls) -> None:
    throttle_off = (
        "actors:\n"
        "  order_flow: {config: {min_publish_interval_ms: 0}}\n"
        "  technical: {config: {min_publish_interval_ms: 0}}\n"
        "  fair_value: {config: {min_publish_interval_ms: 0}}\n"
    )
    root = _root_yaml(tmp_path, catalog, actors=True, extra=throttle_off)
    full = [i for i in _probe_run(load_config(root)) if isinstance(i, cls)]
    assert full, f"no {cls.__name__} published"

    target = full[len(full) // 2]
    cut = load_config(root, overrides={"backtest": {"end": _iso(target.ts_event)}})
    again = [i for i in _probe_run(cut) if isinstance(i, cls)]

    # Everything published up to the cut, in order, is reproduced exactly from data that
    # ends at the cut: no value depended on an input later than its own ts_event.
    prefix = [i for i in full if i.ts_event <= target.ts_event]
    assert len(again) == len(prefix)
    assert all(_same(a, b) for a, b in zip(again, prefix, strict=True))
    assert any(_same(a, target) for a in again)


def _iso(ts_ns: int) -> str:
    return pd.Timestamp(ts_ns, tz="UTC").isoformat()
