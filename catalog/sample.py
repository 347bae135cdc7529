"""
Build the seeded, deterministic, SYNTHETIC sample catalog (the embedded default).

Usage::

    python -m catalog.sample [--out data/catalog] [--seed 7] [--days 3] [--markets 36]
                             [--updown-hours 1] [--force]

The window starts at 2026-06-01T00:00:00Z. It holds BTCUSDT-PERP.BINANCE depth and trades on a
jump-diffusion mid path; dozens of binary markets plus a daily block of BTC 5-minute up/down
markets (from 13:00 UTC, resolved on that path), with L2 books and trades for both tokens; one
``MarketInfo`` per market and a ``MarketResolution`` for every market that ends inside the
window. Rows are written with ``ParquetDataCatalog.write_data``; the catalog is labelled
``"synthetic": true`` in ``polyedge_catalog.json``. A rerun with the same parameters is a
no-op; other parameters (or ``--force``) rebuild it. The build happens in a sibling directory
that replaces the old catalog only when complete.
"""

import argparse
import datetime as dt
import logging
import shutil
import time
from collections import Counter
from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from functools import partial
from pathlib import Path
from typing import Any

from nautilus_trader.persistence.catalog import ParquetDataCatalog

from catalog.metadata import read_catalog_metadata
from catalog.metadata import write_catalog_metadata
from catalog.synthetic.btc import BtcArrays
from catalog.synthetic.btc import path_summary
from catalog.synthetic.btc import simulate_btc
from catalog.synthetic.market import MarketArrays
from catalog.synthetic.market import simulate_market
from catalog.synthetic.nautilus import binance_instrument
from catalog.synthetic.nautilus import build_instruments
from catalog.synthetic.nautilus import delta_objects
from catalog.synthetic.nautilus import market_info
from catalog.synthetic.nautilus import market_resolution
from catalog.synthetic.nautilus import trade_objects
from catalog.synthetic.specs import MarketSpec
from catalog.synthetic.specs import make_market_specs
from catalog.synthetic.updown import UpDownParams
from catalog.synthetic.updown import UpDownWindow
from catalog.synthetic.updown import make_updown_windows
from catalog.synthetic.updown import simulate_updown
from catalog.synthetic.updown import window_starts_ns

GENERATOR = "catalog.sample"
GENERATOR_VERSION = "3"
WINDOW_START = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
NS_PER_SECOND = 1_000_000_000
NS_PER_DAY = 86_400 * NS_PER_SECOND
RESOLUTION_DELAY_NS = 60 * NS_PER_SECOND
# MarketInfo precedes a market's first book snapshot, as a scanner announces a market before
# anyone subscribes to its book; components that subscribe on MarketInfo get the snapshot.
INFO_LEAD_NS = NS_PER_SECOND
_PROGRESS_EVERY = 6
_IDENTITY_KEYS = (
    "synthetic",
    "generator",
    "generator_version",
    "seed",
    "days",
    "markets",
    "updown_hours",
    "start",
)
MAX_UPDOWN_HOURS = 10.0  # the daily block starts at 13:00 UTC and must end inside the day

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SampleRequest:
    """
    What to build and where.

    Parameters
    ----------
    out : Path
        The catalog root.
    seed : int
        The random seed.
    days : int
        Window length in days.
    markets : int
        Number of binary markets (besides the BTC up/down markets).
    updown_hours : float
        Hours of BTC 5-minute up/down windows each day (12 markets per hour; 0 for none).
    force : bool
        Rebuild even if an identical catalog exists, and replace a non-sample directory.

    """

    out: Path = Path("data/catalog")
    seed: int = 7
    days: int = 3
    markets: int = 36
    updown_hours: float = 1.0
    force: bool = False

    @property
    def start_ns(self) -> int:
        """
        Return the window start (UNIX ns).
        """
        return int(WINDOW_START.timestamp()) * NS_PER_SECOND

    @property
    def stop_ns(self) -> int:
        """
        Return the window end (UNIX ns).
        """
        return self.start_ns + self.days * NS_PER_DAY

    def identity(self) -> dict[str, Any]:
        """
        Return the metadata fields that decide whether a catalog is this one.
        """
        return {
            "synthetic": True,
            "generator": GENERATOR,
            "generator_version": GENERATOR_VERSION,
            "seed": self.seed,
            "days": self.days,
            "markets": self.markets,
            "updown_hours": self.updown_hours,
            "start": _iso(self.start_ns),
            "end": _iso(self.stop_ns),
        }


@dataclass
class _Tally:
    counts: Counter = field(default_factory=Counter)
    infos: list = field(default_factory=list)
    resolutions: list = field(default_factory=list)
    windows: list[UpDownWindow] = field(default_factory=list)
    btc: dict[str, Any] = field(default_factory=dict)


def _iso(ns: int) -> str:
    moment = dt.datetime.fromtimestamp(ns // NS_PER_SECOND, tz=dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _is_current(existing: dict[str, Any] | None, request: SampleRequest) -> bool:
    if existing is None:
        return False
    identity = request.identity()
    return all(existing.get(key) == identity[key] for key in _IDENTITY_KEYS)


def _is_sample(existing: dict[str, Any] | None) -> bool:
    return existing is not None and existing.get("generator") == GENERATOR


def _check_replaceable(request: SampleRequest, existing: dict[str, Any] | None) -> None:
    out = request.out
    occupied = out.exists() and any(out.iterdir())
    if occupied and not _is_sample(existing) and not request.force:
        raise FileExistsError(
            f"{out} holds data that is not a catalog.sample build; "
            "pass --force to replace it or choose another --out",
        )


def _write_arrays(
    catalog: ParquetDataCatalog,
    request: SampleRequest,
    arrays: MarketArrays,
    tally: _Tally,
) -> None:
    spec = arrays.spec
    yes, no = build_instruments(spec)
    times = arrays.times_ns.tolist()
    for instrument, rows, prints, tag in (
        (yes, arrays.yes_rows, arrays.yes_trades, "Y"),
        (no, arrays.no_rows, arrays.no_trades, "N"),
    ):
        catalog.write_data(delta_objects(instrument, rows, times))
        tally.counts["order_book_deltas"] += len(rows)
        if len(prints) > 0:
            catalog.write_data(trade_objects(instrument, prints, f"S{spec.index:03d}{tag}"))
        tally.counts["trade_ticks"] += len(prints)
    tally.counts["book_updates_per_token"] += int(arrays.times_ns.size - 1)
    tally.infos.append(market_info(arrays, yes, no, spec.start_ns - INFO_LEAD_NS))
    resolved_ns = spec.end_ns + RESOLUTION_DELAY_NS
    if resolved_ns <= request.stop_ns:
        tally.resolutions.append(market_resolution(spec, yes, no, resolved_ns))
    tally.counts["reversal_markets"] += int(spec.reversal and resolved_ns <= request.stop_ns)


def _write_markets(
    catalog: ParquetDataCatalog,
    request: SampleRequest,
    label: str,
    jobs: list[Callable[[], MarketArrays]],
    tally: _Tally,
) -> None:
    started = time.perf_counter()
    every = max(_PROGRESS_EVERY, len(jobs) // 6)
    for done, job in enumerate(jobs, start=1):
        _write_arrays(catalog, request, job(), tally)
        if done % every == 0 or done == len(jobs):
            log.info(
                "%s %d/%d: %d deltas, %d trades so far (%.1f s)",
                label,
                done,
                len(jobs),
                tally.counts["order_book_deltas"],
                tally.counts["trade_ticks"],
                time.perf_counter() - started,
            )


def _write_binance(catalog: ParquetDataCatalog, request: SampleRequest, tally: _Tally) -> BtcArrays:
    started = time.perf_counter()
    btc = simulate_btc(request.seed, request.start_ns, request.stop_ns)
    instrument = binance_instrument()
    catalog.write_data([instrument])
    catalog.write_data(delta_objects(instrument, btc.rows, btc.times_ns.tolist()))
    catalog.write_data(trade_objects(instrument, btc.trades, "BN"))
    for key, n in (("order_book_deltas", len(btc.rows)), ("trade_ticks", len(btc.trades))):
        tally.counts[key] += n
        tally.counts[f"binance_{key}"] += n
    tally.counts["binance_instruments"] = 1
    tally.btc = {"instrument_id": instrument.id.value, **path_summary(btc.mid_ticks)}
    log.info(
        "Binance %s: %d deltas, %d trades, mid %s -> %s (%.1f s)",
        instrument.id,
        len(btc.rows),
        len(btc.trades),
        tally.btc["first_mid"],
        tally.btc["last_mid"],
        time.perf_counter() - started,
    )
    return btc


def _write_all(path: Path, request: SampleRequest, specs: list[MarketSpec]) -> _Tally:
    catalog = ParquetDataCatalog(str(path))
    tally = _Tally()
    btc = _write_binance(catalog, request, tally)
    starts = window_starts_ns(request.start_ns, request.days, request.updown_hours)
    tally.windows = make_updown_windows(request.seed, btc.mid_ticks, request.start_ns, starts)
    every_spec = [*specs, *(window.spec for window in tally.windows)]
    instruments = [instrument for spec in every_spec for instrument in build_instruments(spec)]
    catalog.write_data(instruments)
    log.info("Wrote %d Polymarket instruments", len(instruments))
    seed, stop = request.seed, request.stop_ns
    markets = [partial(simulate_market, seed, spec, stop) for spec in specs]
    _write_markets(catalog, request, "Markets", markets, tally)
    updown = [
        partial(simulate_updown, seed, window, btc.mid_ticks, request.start_ns)
        for window in tally.windows
    ]
    _write_markets(catalog, request, "BTC up/down markets", updown, tally)
    catalog.write_data(sorted(tally.infos, key=lambda d: d.ts_init))
    if tally.resolutions:
        catalog.write_data(sorted(tally.resolutions, key=lambda d: d.ts_init))
    tally.counts["instruments"] = len(instruments) + 1
    log.info("Wrote %d MarketInfo, %d MarketResolution", len(tally.infos), len(tally.resolutions))
    return tally


def _metadata(request: SampleRequest, specs: list[MarketSpec], tally: _Tally) -> dict[str, Any]:
    every_spec = [*specs, *(window.spec for window in tally.windows)]
    counts = dict(tally.counts)
    counts["markets"] = len(every_spec)
    counts["updown_markets"] = len(tally.windows)
    counts["updown_up_wins"] = sum(window.spec.yes_wins for window in tally.windows)
    counts["market_infos"] = len(tally.infos)
    counts["market_resolutions"] = len(tally.resolutions)
    counts["neg_risk_markets"] = sum(spec.neg_risk for spec in every_spec)
    counts["fine_tick_markets"] = sum(spec.tick_size == "0.001" for spec in every_spec)
    counts["categories"] = dict(sorted(Counter(spec.category for spec in every_spec).items()))
    block = f"{UpDownParams().block_start_hour:02d}:00Z"
    return {
        **request.identity(),
        "btc": tally.btc,
        "counts": dict(sorted(counts.items())),
        "updown_block_start": block,
    }


def build_sample_catalog(request: SampleRequest) -> dict[str, Any]:
    """
    Build the sample catalog unless an identical one exists; return its metadata.

    Parameters
    ----------
    request : SampleRequest
        What to build and where.

    Returns
    -------
    dict[str, Any]
        The catalog's ``polyedge_catalog.json`` content.

    Raises
    ------
    FileExistsError
        If ``request.out`` holds other data and ``force`` is False.

    """
    existing = read_catalog_metadata(request.out)
    if _is_current(existing, request) and not request.force:
        log.info(
            "Sample catalog at %s is up to date (seed=%d); skipping", request.out, request.seed
        )
        return existing or {}
    _check_replaceable(request, existing)
    started = time.perf_counter()
    specs = make_market_specs(request.seed, request.markets, request.start_ns, request.stop_ns)
    log.info("Drew %d markets over %d day(s) from seed %d", len(specs), request.days, request.seed)
    staging = request.out.with_name(request.out.name + ".building")
    shutil.rmtree(staging, ignore_errors=True)
    tally = _write_all(staging, request, specs)
    metadata = _metadata(request, specs, tally)
    write_catalog_metadata(staging, metadata)
    shutil.rmtree(request.out, ignore_errors=True)
    staging.rename(request.out)
    log.info(
        "SYNTHETIC sample catalog at %s built in %.1f s", request.out, time.perf_counter() - started
    )
    return metadata


def _parse_args(argv: Sequence[str] | None) -> SampleRequest:
    parser = argparse.ArgumentParser(
        prog="python -m catalog.sample", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--out", type=Path, default=Path("data/catalog"), help="catalog root")
    parser.add_argument("--seed", type=int, default=7, help="random seed")
    parser.add_argument("--days", type=int, default=3, help="window length in days")
    parser.add_argument("--markets", type=int, default=36, help="number of binary markets")
    parser.add_argument(
        "--updown-hours", type=float, default=1.0, help="hours of BTC 5-minute up/down a day"
    )
    parser.add_argument("--force", action="store_true", help="rebuild even if up to date")
    args = parser.parse_args(argv)
    if args.days < 1 or args.markets < 1:
        parser.error("--days and --markets must be at least 1")
    if not 0 <= args.updown_hours <= MAX_UPDOWN_HOURS:
        parser.error(f"--updown-hours must be between 0 and {MAX_UPDOWN_HOURS:g}")
    return SampleRequest(
        out=args.out,
        seed=args.seed,
        days=args.days,
        markets=args.markets,
        updown_hours=args.updown_hours,
        force=args.force,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """
    Run the command line; return the process exit code.
    """
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    request = _parse_args(argv)
    try:
        metadata = build_sample_catalog(request)
    except FileExistsError as exc:
        log.error("%s", exc)
        return 2
    counts = metadata.get("counts", {})
    log.info(
        "Catalog %s: %s deltas, %s trades (Binance %s, %s), %s markets (%s up/down), "
        "%s resolutions",
        request.out,
        counts.get("order_book_deltas"),
        counts.get("trade_ticks"),
        counts.get("binance_order_book_deltas"),
        counts.get("binance_trade_ticks"),
        counts.get("markets"),
        counts.get("updown_markets"),
        counts.get("market_resolutions"),
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
