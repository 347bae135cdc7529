"""
Build a small synthetic sample catalog, read it back and replay it through a BacktestEngine.

These tests replay the Polymarket side; ``test_btc_catalog_replay`` covers the Binance side.
"""

import re
from collections import defaultdict
from pathlib import Path

import pytest
from nautilus_trader.backtest.engine import BacktestEngine
from nautilus_trader.backtest.engine import BacktestEngineConfig
from nautilus_trader.common.actor import Actor
from nautilus_trader.config import ActorConfig
from nautilus_trader.config import LoggingConfig
from nautilus_trader.core.data import Data
from nautilus_trader.data.config import DataEngineConfig
from nautilus_trader.model.data import CustomData
from nautilus_trader.model.data import DataType
from nautilus_trader.model.data import OrderBookDeltas
from nautilus_trader.model.data import TradeTick
from nautilus_trader.model.enums import AccountType
from nautilus_trader.model.enums import BookType
from nautilus_trader.model.enums import OmsType
from nautilus_trader.model.identifiers import ClientId
from nautilus_trader.model.identifiers import InstrumentId
from nautilus_trader.model.identifiers import Venue
from nautilus_trader.model.instruments import BinaryOption
from nautilus_trader.model.objects import Money
from nautilus_trader.persistence.catalog import ParquetDataCatalog

from actors.data_types import MarketInfo
from actors.data_types import MarketResolution
from catalog.metadata import is_synthetic
from catalog.metadata import read_catalog_metadata
from catalog.sample import SampleRequest
from catalog.sample import build_sample_catalog
from catalog.sample import main

pytestmark = pytest.mark.backtest

VENUE = Venue("POLYMARKET")
BTC = "BTCUSDT-PERP.BINANCE"
MARKETS = 10
UPDOWN = 6  # half an hour of 5-minute windows
ID_PATTERN = re.compile(r"0x[0-9a-f]{64}-[0-9]{77,78}\.POLYMARKET")


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[SampleRequest, dict]:
    out = tmp_path_factory.mktemp("sample") / "catalog"
    request = SampleRequest(out=out, days=1, markets=MARKETS, updown_hours=0.5)
    return request, build_sample_catalog(request)


@pytest.fixture(scope="module")
def catalog(small: tuple[SampleRequest, dict]) -> ParquetDataCatalog:
    return ParquetDataCatalog(str(small[0].out))


def _infos(catalog: ParquetDataCatalog) -> list[MarketInfo]:
    return [item.data for item in catalog.query(MarketInfo)]


def _polymarket(catalog: ParquetDataCatalog) -> list[BinaryOption]:
    return [i for i in catalog.instruments() if i.id.venue == VENUE]


def test_instruments_are_polymarket_binary_options(catalog: ParquetDataCatalog) -> None:
    instruments = _polymarket(catalog)

    assert len(instruments) == 2 * (MARKETS + UPDOWN)
    others = [i.id.value for i in catalog.instruments() if i.id.venue != VENUE]
    assert others == [BTC]
    assert all(isinstance(i, BinaryOption) for i in instruments)
    assert {i.quote_currency.code for i in instruments} == {"USDC.e"}
    assert all(ID_PATTERN.fullmatch(i.id.value) for i in instruments)
    assert {i.size_precision for i in instruments} == {6}


def test_market_info_one_per_market_with_fields_intact(catalog: ParquetDataCatalog) -> None:
    instruments = {i.id: i for i in catalog.instruments()}

    infos = _infos(catalog)

    assert len(infos) == MARKETS + UPDOWN
    assert len({info.condition_id for info in infos}) == MARKETS + UPDOWN
    updown = [info for info in infos if info.event_id.startswith("btc-updown-5m-")]
    assert len(updown) == UPDOWN
    assert all(info.question.startswith("Bitcoin Up or Down - ") for info in updown)
    for info in infos:
        yes, no = info.token_ids()
        assert info.instrument_id == yes
        assert {yes, no} <= instruments.keys()
        assert str(instruments[yes].price_increment) == info.tick_size
        assert instruments[yes].expiration_ns == info.end_ns
        assert info.category
        if info not in updown:
            assert info.question.endswith("?")
            assert info.event_id.isdigit()
        assert info.min_order_size == "5"
        assert info.fees_enabled == (info.category == "crypto")
        assert info.liquidity_usd > 0
        assert info.volume_usd > 0


def test_every_market_ending_in_window_resolves_once(
    small: tuple[SampleRequest, dict],
    catalog: ParquetDataCatalog,
) -> None:
    request = small[0]
    infos = {info.condition_id: info for info in _infos(catalog)}

    resolutions = [item.data for item in catalog.query(MarketResolution)]

    ending = {c for c, info in infos.items() if info.end_ns + 60_000_000_000 <= request.stop_ns}
    assert sorted(r.condition_id for r in resolutions) == sorted(ending)
    for resolution in resolutions:
        info = infos[resolution.condition_id]
        assert resolution.ts_event == info.end_ns + 60_000_000_000
        payouts = resolution.payouts()
        winner = InstrumentId.from_str(resolution.winning_instrument_id)
        assert payouts[winner] == 1
        assert sorted(payouts.values()) == [0, 1]


def test_metadata_labels_synthetic_and_counts_rows(
    small: tuple[SampleRequest, dict],
    catalog: ParquetDataCatalog,
) -> None:
    request, metadata = small

    assert is_synthetic(request.out)
    assert read_catalog_metadata(request.out) == metadata
    assert metadata["generator"] == "catalog.sample"
    assert (metadata["seed"], metadata["days"], metadata["markets"]) == (7, 1, MARKETS)
    assert metadata["updown_hours"] == 0.5
    assert metadata["counts"]["markets"] == MARKETS + UPDOWN
    assert metadata["start"] == "2026-06-01T00:00:00Z"
    assert metadata["counts"]["order_book_deltas"] == len(catalog.order_book_deltas())
    assert metadata["counts"]["trade_ticks"] == len(catalog.trade_ticks())


def test_rerun_with_same_parameters_is_skipped(small: tuple[SampleRequest, dict]) -> None:
    request, metadata = small
    label = request.out / "polyedge_catalog.json"
    before = label.stat().st_mtime_ns

    again = build_sample_catalog(request)

    assert again == metadata
    assert label.stat().st_mtime_ns == before


def test_cli_rebuilds_on_new_parameters_and_refuses_foreign_directory(tmp_path: Path) -> None:
    out = tmp_path / "catalog"
    foreign = tmp_path / "real"
    (foreign / "data").mkdir(parents=True)

    first = main(["--out", str(out), "--days", "1", "--markets", "3", "--updown-hours", "0"])
    second = main(["--out", str(out), "--days", "1", "--markets", "4", "--updown-hours", "0"])
    refused = main(["--out", str(foreign), "--days", "1", "--markets", "3"])

    assert (first, second, refused) == (0, 0, 2)
    assert read_catalog_metadata(out)["markets"] == 4
    assert (foreign / "data").is_dir()
    assert not is_synthetic(foreign)


class _Auditor(Actor):
    """Subscribe to every book, trade and custom stream; record what arrives."""

    def __init__(self, instrument_ids: list[InstrumentId]) -> None:
        super().__init__(ActorConfig(component_id="Auditor"))
        self.instrument_ids = instrument_ids
        self.crossed = 0
        self.one_sided = 0
        self.batches = 0
        self.trades = 0
        self.custom: dict[type, int] = defaultdict(int)

    def on_start(self) -> None:
        for instrument_id in self.instrument_ids:
            self.subscribe_order_book_deltas(instrument_id, book_type=BookType.L2_MBP)
            self.subscribe_trade_ticks(instrument_id)
        self.subscribe_data(DataType(MarketInfo))
        self.subscribe_data(DataType(MarketResolution))

    def on_order_book_deltas(self, deltas: OrderBookDeltas) -> None:
        self.batches += 1
        book = self.cache.order_book(deltas.instrument_id)
        bid, ask = book.best_bid_price(), book.best_ask_price()
        if bid is None or ask is None:
            self.one_sided += 1
        elif bid >= ask:
            self.crossed += 1

    def on_trade_tick(self, tick: TradeTick) -> None:
        self.trades += 1

    def on_data(self, data: Data) -> None:
        self.custom[type(data)] += 1


def _engine(catalog: ParquetDataCatalog, buffer: bool) -> tuple[BacktestEngine, _Auditor, int]:
    instruments = _polymarket(catalog)
    config = BacktestEngineConfig(
        logging=LoggingConfig(bypass_logging=True),
        data_engine=DataEngineConfig(buffer_deltas=buffer),
    )
    engine = BacktestEngine(config)
    money = Money(10_000, instruments[0].quote_currency)
    engine.add_venue(
        VENUE, OmsType.NETTING, AccountType.CASH, [money], None, book_type=BookType.L2_MBP
    )
    for instrument in instruments:
        engine.add_instrument(instrument)
    rows = 0
    # The engine registers book data per add_data call from its first element: one call per
    # instrument and type.
    for instrument in instruments:
        for stream in (
            catalog.order_book_deltas([instrument.id.value]),
            catalog.trade_ticks([instrument.id.value]),
        ):
            engine.add_data(stream, sort=False)
            rows += len(stream)
    custom: list[CustomData] = [*catalog.query(MarketInfo), *catalog.query(MarketResolution)]
    engine.add_data(custom, client_id=ClientId("POLYMARKET"), sort=True)
    auditor = _Auditor([i.id for i in instruments])
    engine.add_actor(auditor)
    return engine, auditor, rows + len(custom)


def test_catalog_replays_through_backtest_engine(catalog: ParquetDataCatalog) -> None:
    engine, auditor, rows = _engine(catalog, buffer=True)

    engine.run()

    assert engine.iteration == rows
    assert auditor.batches > 1000
    assert (auditor.crossed, auditor.one_sided) == (0, 0)
    assert auditor.trades == len(catalog.trade_ticks([i.id.value for i in _polymarket(catalog)]))
    assert auditor.custom[MarketInfo] == MARKETS + UPDOWN
    assert auditor.custom[MarketResolution] == len(catalog.query(MarketResolution))
    engine.dispose()


def test_unbuffered_replay_never_shows_a_crossed_book(catalog: ParquetDataCatalog) -> None:
    # Without buffer_deltas every delta is published (and matched) alone; deletes come first
    # in each batch, so a side may thin out for an instant but never crosses.
    engine, auditor, _ = _engine(catalog, buffer=False)

    engine.run()

    assert auditor.crossed == 0
    engine.dispose()
