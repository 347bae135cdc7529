"""
The backtest runner end to end on a tiny scripted catalog, and its bad-input exits.
"""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from nautilus_trader.persistence.catalog import ParquetDataCatalog

import run_backtest
from backtesting.catalog_check import CatalogError
from backtesting.catalog_check import inspect_catalog
from tests.helpers import NANOS_PER_HOUR
from tests.helpers import NANOS_PER_SECOND
from tests.helpers import T0_NS
from tests.helpers import book_snapshot
from tests.helpers import make_instrument_pair
from tests.helpers import make_market_info
from tests.helpers import make_market_resolution

pytestmark = pytest.mark.backtest

CONFIG = "configs/backtest.yaml"


def _write_catalog(root: Path, with_info: bool = True) -> Path:
    end_ns = T0_NS + 3 * NANOS_PER_HOUR
    yes, no = make_instrument_pair(end_ns)
    catalog = ParquetDataCatalog(str(root))
    catalog.write_data([yes, no])
    deltas = []
    for minute in range(5):
        ts = T0_NS + (minute * 60 + 1) * NANOS_PER_SECOND
        deltas += book_snapshot(yes, [("0.78", "500")], [("0.80", "500")], ts, sequence=minute)
        deltas += book_snapshot(no, [("0.20", "500")], [("0.22", "500")], ts, sequence=minute)
    catalog.write_data(deltas)
    if with_info:
        info = make_market_info(yes, no, end_ns)
        info.fees_enabled = True
        info.fee_rate = "0.07"
        catalog.write_data([info])
        catalog.write_data([make_market_resolution(yes, no, True, end_ns + 60 * NANOS_PER_SECOND)])
    return root


def _run(catalog: Path, results: Path, *extra: str) -> int:
    argv = [CONFIG, "--catalog", str(catalog), "--results-dir", str(results), *extra]
    return run_backtest.main(argv)


def test_scripted_catalog_runs_settles_and_reports_identically_twice(tmp_path) -> None:
    catalog = _write_catalog(tmp_path / "catalog")
    results = tmp_path / "results"

    assert _run(catalog, results) == 0
    (run_dir,) = results.iterdir()
    first = (run_dir / "report.json").read_bytes()
    assert _run(catalog, results) == 0
    second = (run_dir / "report.json").read_bytes()

    assert first == second
    assert (run_dir / "equity.png").stat().st_size > 0
    report = json.loads(first)
    (strategy,) = report["strategies"].values()
    # Stake 50 at ask 0.80 → 62.5 YES; fee 62.5 × 0.07 × 0.8 × 0.2 = 0.7; YES pays 1.
    assert Decimal(strategy["realized_pnl"]) == Decimal("62.5") - 50 - Decimal("0.7")
    assert Decimal(strategy["fees"]) == Decimal("0.7")
    assert (strategy["orders"], strategy["settlements"]) == (1, 1)
    assert strategy["fills"] == {"maker": 0, "taker": 1, "total": 1}
    assert report["synthetic"] is False


def test_missing_catalog_exits_with_clear_error(tmp_path, caplog) -> None:
    assert _run(tmp_path / "nope", tmp_path / "results") == 2
    assert "catalog not found" in caplog.text
    assert str(tmp_path / "nope") in caplog.text


def test_empty_catalog_is_refused(tmp_path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(CatalogError, match="holds no instruments"):
        inspect_catalog(tmp_path / "empty")
    assert _run(tmp_path / "empty", tmp_path / "results") == 2


def test_catalog_without_market_info_names_the_instrument(tmp_path) -> None:
    catalog = _write_catalog(tmp_path / "catalog", with_info=False)
    first = min(i.id.value for i in make_instrument_pair(T0_NS + 3 * NANOS_PER_HOUR))

    with pytest.raises(CatalogError, match="no MarketInfo") as error:
        inspect_catalog(catalog)
    assert first in str(error.value)
    assert _run(catalog, tmp_path / "results") == 2


def _root_with(tmp_path: Path, strategy_yaml: str) -> Path:
    configs = Path(CONFIG).resolve().parent
    root = tmp_path / "bad.yaml"
    root.write_text(
        "include:\n"
        f"  - {configs}/base/node.yaml\n"
        f"  - {configs}/base/catalog.yaml\n"
        f"  - {configs}/base/polymarket_venue.yaml\n"
        "mode: backtest\n"
        "backtest: {results_dir: results}\n" + strategy_yaml,
    )
    return root


@pytest.mark.parametrize(
    ("strategy_yaml", "expected"),
    [
        (
            "strategies:\n  e:\n    strategy_path: strategies.nope:Nope\n"
            "    config_path: strategies.nope:NopeConfig\n    config: {}\n",
            "strategies.e.",
        ),
        (
            "strategies:\n  e:\n    strategy_path: strategies.expiry_edge:ExpiryEdge\n"
            "    config_path: strategies.expiry_edge:ExpiryEdgeConfig\n"
            "    config: {min_probability: 1.5}\n",
            "min_probability",
        ),
        (
            "strategies:\n  e:\n    strategy_path: strategies.expiry_edge:ExpiryEdge\n"
            "    config_path: strategies.expiry_edge:ExpiryEdgeConfig\n"
            "    config: {max_hours_to_expiry: soon}\n",
            "max_hours_to_expiry",
        ),
    ],
)
def test_bad_strategy_config_exits_naming_key(tmp_path, caplog, strategy_yaml, expected) -> None:
    root = _root_with(tmp_path, strategy_yaml)

    assert run_backtest.main([str(root), "--catalog", str(tmp_path / "unused")]) == 2
    assert expected in caplog.text
    assert "bad.yaml" in caplog.text


def test_include_loop_exits_naming_the_cycle(tmp_path, caplog) -> None:
    (tmp_path / "a.yaml").write_text("include: [b.yaml]\n")
    (tmp_path / "b.yaml").write_text("include: [a.yaml]\n")

    assert run_backtest.main([str(tmp_path / "a.yaml")]) == 2
    assert "a.yaml" in caplog.text
    assert "b.yaml" in caplog.text
