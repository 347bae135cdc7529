"""
Inspect a ParquetDataCatalog before a backtest: what it holds and whether it can be run.

Polymarket instruments need a ``MarketInfo``; Binance instruments (the BTC signal venue) are
listed apart. Instruments of any other venue make the catalog unrunnable.
"""

from dataclasses import dataclass
from pathlib import Path

from nautilus_trader.model.data import CustomData
from nautilus_trader.model.data import OrderBookDelta
from nautilus_trader.model.identifiers import InstrumentId
from nautilus_trader.model.instruments import Instrument
from nautilus_trader.persistence.catalog import ParquetDataCatalog

from actors.data_types import MarketInfo
from actors.data_types import MarketResolution

POLYMARKET = "POLYMARKET"
BINANCE = "BINANCE"


class CatalogError(Exception):
    """
    A catalog that cannot be backtested, with the reason and the catalog path.
    """


@dataclass(frozen=True)
class CatalogContents:
    """
    What a backtest needs to know about a catalog before loading its data.

    Parameters
    ----------
    path : Path
        The catalog root.
    instrument_ids : tuple[InstrumentId, ...]
        Every Polymarket instrument in the catalog, sorted.
    market_infos : tuple[MarketInfo, ...]
        The latest MarketInfo per market.
    resolutions : int
        How many MarketResolution rows the catalog holds.
    start_ns : int
        The first book-delta timestamp of any instrument (from the Parquet file names).
    end_ns : int
        The last book-delta timestamp of any instrument (from the Parquet file names).
    binance_instrument_ids : tuple[InstrumentId, ...], default ()
        Every Binance instrument in the catalog, sorted.

    """

    path: Path
    instrument_ids: tuple[InstrumentId, ...]
    market_infos: tuple[MarketInfo, ...]
    resolutions: int
    start_ns: int
    end_ns: int
    binance_instrument_ids: tuple[InstrumentId, ...] = ()

    def fee_rates(self) -> dict[str, str]:
        """
        Return the taker fee rate of every token, from its market's MarketInfo.
        """
        rates: dict[str, str] = {}
        for info in self.market_infos:
            rate = str(info.taker_fee_rate())
            rates[info.yes_instrument_id] = rate
            rates[info.no_instrument_id] = rate
        return rates


def _unwrap(rows: list) -> list:
    return [row.data if isinstance(row, CustomData) else row for row in rows]


def _ids_by_venue(
    root: Path,
    instruments: list[Instrument],
) -> dict[str, tuple[InstrumentId, ...]]:
    by_venue: dict[str, list[InstrumentId]] = {POLYMARKET: [], BINANCE: []}
    for instrument in instruments:
        venue = instrument.id.venue.value
        if venue not in by_venue:
            raise CatalogError(
                f"catalog '{root}': instrument {instrument.id} is on venue {venue}; "
                f"only {POLYMARKET} and {BINANCE} can be backtested",
            )
        by_venue[venue].append(instrument.id)
    return {venue: tuple(sorted(ids, key=lambda i: i.value)) for venue, ids in by_venue.items()}


def _latest_infos(catalog: ParquetDataCatalog) -> dict[str, MarketInfo]:
    infos: dict[str, MarketInfo] = {}
    for info in sorted(_unwrap(catalog.query(MarketInfo)), key=lambda i: i.ts_event):
        infos[info.condition_id] = info
    return infos


def inspect_catalog(path: str | Path) -> CatalogContents:
    """
    Return the contents of the catalog at `path`, or raise ``CatalogError``.

    Raises
    ------
    CatalogError
        If the catalog is missing, holds no Polymarket instruments, holds an instrument of a
        venue other than Polymarket or Binance, or a Polymarket instrument has no MarketInfo.

    """
    root = Path(path)
    if not root.is_dir():
        raise CatalogError(
            f"catalog not found at '{root}': build the sample with `python -m catalog.sample`"
            " (or `make catalog`), or pass --catalog PATH",
        )
    catalog = ParquetDataCatalog(str(root))
    instruments = catalog.instruments()
    if not instruments:
        raise CatalogError(f"catalog '{root}' holds no instruments (is it empty?)")
    by_venue = _ids_by_venue(root, instruments)
    if not by_venue[POLYMARKET]:
        raise CatalogError(f"catalog '{root}' holds no {POLYMARKET} instruments")
    infos = _latest_infos(catalog)
    covered = {tid for i in infos.values() for tid in (i.yes_instrument_id, i.no_instrument_id)}
    missing = [i.value for i in by_venue[POLYMARKET] if i.value not in covered]
    if missing:
        raise CatalogError(
            f"catalog '{root}': {len(missing)} instrument(s) have no MarketInfo, "
            f"first: {missing[0]}",
        )
    every_id = by_venue[POLYMARKET] + by_venue[BINANCE]
    intervals = [span for i in every_id for span in catalog.get_intervals(OrderBookDelta, i.value)]
    if not intervals:
        raise CatalogError(f"catalog '{root}' holds no order book deltas")
    return CatalogContents(
        path=root,
        instrument_ids=by_venue[POLYMARKET],
        market_infos=tuple(infos.values()),
        resolutions=len(catalog.query(MarketResolution)),
        start_ns=min(start for start, _ in intervals),
        end_ns=max(end for _, end in intervals),
        binance_instrument_ids=by_venue[BINANCE],
    )
