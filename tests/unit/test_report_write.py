import json
from decimal import Decimal

import pytest

from reporting.metrics import EquitySample
from reporting.metrics import FillRecord
from reporting.metrics import OrderRecord
from reporting.metrics import PositionRecord
from reporting.metrics import RunRecords
from reporting.report import MAKER_NOTE
from reporting.report import SYNTHETIC_NOTE
from reporting.report import build_report
from reporting.report import format_table
from reporting.report import write_report

pytestmark = pytest.mark.unit

D = Decimal
T0 = 1_700_000_000_000_000_000
STEP = 60 * 1_000_000_000
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _records() -> RunRecords:
    samples = tuple(
        EquitySample(T0 + i * STEP, D(1000) + D(pnl), {"S-1": D(pnl)})
        for i, pnl in enumerate(["0", "1.5", "-2.25", "3.1234567"])
    )
    return RunRecords(
        orders=(
            OrderRecord("S-1", "O-1", "X.POLYMARKET", "BUY", "MARKET", "FILLED", D(10), D(10), T0),
        ),
        fills=(
            FillRecord(
                "S-1", "X.POLYMARKET", "O-1", "T-1", "BUY", D(10), D("0.52"), D("0.01"), "TAKER", T0
            ),
        ),
        positions=(PositionRecord("S-1", "X.POLYMARKET", "P-1", D("-0.01"), False, T0, None),),
        samples=samples,
    )


def _meta(synthetic: bool = True) -> dict:
    return {
        "run_id": "run-abc",
        "config_hash": "abc123",
        "catalog": "tests/data/catalog",
        "synthetic": synthetic,
        "start": "2023-11-14T22:13:20Z",
        "end": "2023-11-14T22:16:20Z",
        "starting_equity": D(1000),
        "strategies": ["S-1", "S-IDLE"],
    }


def test_build_report_shape_and_serialisation():
    report = build_report(_records(), _meta())

    assert report["synthetic"] is True
    assert report["run_id"] == "run-abc"
    assert report["starting_equity"] == "1000.000000"
    assert {"notes", "sampling", "total", "strategies"} <= set(report)
    assert sorted(report["strategies"]) == ["S-1", "S-IDLE"]
    assert report["total"]["fills"] == {"total": 1, "maker": 0, "taker": 1}
    assert report["total"]["fees"] == "0.010000"
    assert report["total"]["pnl"] == "3.123457"
    assert report["sampling"]["interval_secs"] == 60.0
    assert report["strategies"]["S-IDLE"]["realized_pnl"] == "0.000000"


def test_build_report_notes_synthetic_and_maker():
    synthetic = build_report(_records(), _meta(synthetic=True))
    real = build_report(_records(), _meta(synthetic=False))

    assert MAKER_NOTE in synthetic["notes"]
    assert SYNTHETIC_NOTE in synthetic["notes"]
    assert MAKER_NOTE in real["notes"]
    assert SYNTHETIC_NOTE not in real["notes"]


def test_build_report_missing_synthetic_raises():
    meta = _meta()
    del meta["synthetic"]

    with pytest.raises(ValueError, match="synthetic"):
        build_report(_records(), meta)


def test_build_report_reserved_meta_key_raises():
    with pytest.raises(ValueError, match="reserved"):
        build_report(_records(), {**_meta(), "total": 1})


def test_write_report_twice_byte_identical(tmp_path):
    records = _records()

    first = write_report(build_report(records, _meta()), records.samples, tmp_path / "a")
    second = write_report(build_report(records, _meta()), records.samples, tmp_path / "b")

    for name in ("json", "csv", "png"):
        assert getattr(first, name).read_bytes() == getattr(second, name).read_bytes()


def test_write_report_files_json_csv_png(tmp_path):
    records = _records()

    paths = write_report(build_report(records, _meta()), records.samples, tmp_path)

    assert json.loads(paths.json.read_text())["total"]["orders"] == 1
    lines = paths.csv.read_text().splitlines()
    assert lines[0] == "ts_ns,ts_utc,equity,pnl:S-1,pnl:S-IDLE"
    assert lines[1] == f"{T0},2023-11-14T22:13:20.000000000Z,1000.000000,0.000000,0.000000"
    assert len(lines) == 5
    assert paths.png.read_bytes().startswith(PNG_SIGNATURE)


def test_write_report_empty_run_writes_files(tmp_path):
    report = build_report(RunRecords(), _meta(synthetic=False))

    paths = write_report(report, [], tmp_path)

    assert report["total"]["sharpe"] is None
    assert paths.png.read_bytes().startswith(PNG_SIGNATURE)
    assert paths.csv.read_text().splitlines() == ["ts_ns,ts_utc,equity,pnl:S-1,pnl:S-IDLE"]


def test_format_table_synthetic_banner_and_rows():
    table = format_table(build_report(_records(), _meta(synthetic=True)))
    lines = table.splitlines()

    assert "SYNTHETIC" in lines[0]
    assert any(line.startswith("TOTAL") for line in lines)
    assert any(line.startswith("S-IDLE") for line in lines)
    assert "0/1" in table
    assert MAKER_NOTE in table


def test_format_table_real_data_no_banner():
    table = format_table(build_report(_records(), _meta(synthetic=False)))

    assert "SYNTHETIC" not in table
    assert table.splitlines()[0].startswith("strategy")
