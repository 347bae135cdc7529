"""
A small sample catalog with the Binance side and BTC up/down markets, replayed end to end.
"""

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from nautilus_trader.common.actor import Actor
from nautilus_trader.config import ActorConfig
from nautilus_trader.model.data import OrderBookDeltas
from nautilus_trader.model.data import TradeTick
from nautilus_trader.model.enums import BookType
from nautilus_trader.model.identifiers import InstrumentId
from nautilus_trader.model.identifiers import Venue
from nautilus_trader.model.instruments import CryptoPerpetual
from nautilus_trader.persistence.catalog import ParquetDataCatalog

import run_backtest
from actors.data_types import MarketInfo
from actors.data_types import MarketResolution
from backtesting.catalog_check import CatalogContents
from backtesting.catalog_check import inspect_catalog
from backtesting.node import run_backtest as run_node
from catalog.sample import GENERATOR_VERSION
from catalog.sample import SampleRequest
from catalog.sample import build_sample_catalog
from catalog.synthetic.btc import simulate_btc
from catalog.synthetic.updown import resolve_window
from configs.schema import load_config

pytestmark = pytest.mark.backtest

BTC = InstrumentId.from_str("BTCUSDT-PERP.BINANCE")
CONFIG = "configs/backtest.yaml"
SECOND = 1_000_000_000
# Half an hour of windows from 13:00 UTC, which is 9 AM in New York in June.
UPDOWN_QUESTION = re.compile(r"Bitcoin Up or Down - June 1, 9:\d\dAM-9:\d\dAM ET")
PROBE = "tests.backtest.test_btc_catalog_replay"


class BookProbeConfig(ActorConfig, frozen=True):
    """Configuration of ``BookProbe``."""

    instrument_id: str


class BookProbe(Actor):
    """Subscribe to one instrument's book and trades; count batches, prints and bad books."""

    def __init__(self, config: BookProbeConfig) -> None:
        super().__init__(config)
        self.instrument_id = InstrumentId.from_str(config.instrument_id)
        self.batches = 0
        self.trades = 0
        self.bad_books = 0

    def on_start(self) -> None:
        self.subscribe_order_book_deltas(self.instrument_id, book_type=BookType.L2_MBP)
        self.subscribe_trade_ticks(self.instrument_id)

    def on_order_book_deltas(self, deltas: OrderBookDeltas) -> None:
        self.batches += 1
        book = self.cache.order_book(self.instrument_id)
        bid, ask = book.best_bid_price(), book.best_ask_price()
        self.bad_books += int(bid is None or ask is None or bid >= ask)

    def on_trade_tick(self, tick: TradeTick) -> None:
        self.trades += 1


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[SampleRequest, dict]:
    root = tmp_path_factory.mktemp("btc") / "catalog"
    request = SampleRequest(out=root, days=1, markets=4, updown_hours=0.5)
    return request, build_sample_catalog(request)


@pytest.fixture(scope="module")
def contents(small: tuple[SampleRequest, dict]) -> CatalogContents:
    return inspect_catalog(small[0].out)


def _updown_infos(catalog: ParquetDataCatalog) -> list[MarketInfo]:
    infos = [item.data for item in catalog.query(MarketInfo)]
    return [info for info in infos if info.event_id.startswith("btc-updown-5m-")]


def test_binance_instrument_and_rows_match_metadata(small: tuple[SampleRequest, dict]) -> None:
    request, metadata = small
    catalog = ParquetDataCatalog(str(request.out))

    (perp,) = [i for i in catalog.instruments() if i.id.venue == Venue("BINANCE")]
    deltas = catalog.order_book_deltas([BTC.value])
    prints = catalog.trade_ticks([BTC.value])

    assert isinstance(perp, CryptoPerpetual)
    assert (perp.id, perp.quote_currency.code) == (BTC, "USDT")
    counts = metadata["counts"]
    assert counts["binance_order_book_deltas"] == len(deltas)
    assert counts["binance_trade_ticks"] == len(prints)
    assert (metadata["generator_version"], metadata["synthetic"]) == (GENERATOR_VERSION, True)
    assert metadata["btc"]["first_mid"] == "65000.0"
    assert min(d.ts_event for d in deltas) == request.start_ns
    assert max(t.ts_event for t in prints) < request.stop_ns
    assert {d.order.price.precision for d in deltas[1:]} == {1}
    assert {t.size.precision for t in prints} == {3}


def test_updown_markets_resolve_on_the_btc_path(small: tuple[SampleRequest, dict]) -> None:
    request, metadata = small
    catalog = ParquetDataCatalog(str(request.out))
    mid_ticks = simulate_btc(request.seed, request.start_ns, request.stop_ns).mid_ticks
    resolutions = {item.data.condition_id: item.data for item in catalog.query(MarketResolution)}

    infos = _updown_infos(catalog)

    assert len(infos) == metadata["counts"]["updown_markets"] == 6
    up_wins = 0
    for info in infos:
        start_ns = int(info.event_id.rsplit("-", 1)[1]) * SECOND
        assert info.end_ns == start_ns + 300 * SECOND
        assert UPDOWN_QUESTION.fullmatch(info.question)
        assert (info.fees_enabled, info.fee_rate, info.tick_size) == (True, "0.07", "0.01")
        _, _, up = resolve_window(mid_ticks, request.start_ns, start_ns, info.end_ns)
        resolution = resolutions[info.condition_id]
        assert resolution.ts_event == info.end_ns + 60 * SECOND
        winner = info.yes_instrument_id if up else info.no_instrument_id
        assert resolution.winning_instrument_id == winner
        up_wins += up
    assert up_wins == metadata["counts"]["updown_up_wins"]


def test_catalog_check_lists_binance_apart(
    small: tuple[SampleRequest, dict],
    contents: CatalogContents,
) -> None:
    request, _ = small

    assert contents.binance_instrument_ids == (BTC,)
    assert all(i.venue == Venue("POLYMARKET") for i in contents.instrument_ids)
    assert len(contents.instrument_ids) == 2 * (4 + 6)
    assert contents.start_ns == request.start_ns
    assert request.stop_ns - 5 * SECOND < contents.end_ns < request.stop_ns


def test_both_venues_load_and_replay_through_the_node(
    tmp_path: Path,
    small: tuple[SampleRequest, dict],
    contents: CatalogContents,
) -> None:
    probe = {
        "actor_path": f"{PROBE}:BookProbe",
        "config_path": f"{PROBE}:BookProbeConfig",
        "config": {"instrument_id": BTC.value},
    }
    overrides = {
        "catalog": {"path": str(contents.path)},
        "backtest": {"results_dir": str(tmp_path)},
        "actors": {"probe": probe},
    }
    config = load_config(CONFIG, overrides=overrides)
    catalog = ParquetDataCatalog(str(contents.path))
    batches = len({d.ts_event for d in catalog.order_book_deltas([BTC.value])})

    outcome = run_node(config, contents, "btc-replay")

    try:
        engine = outcome.engine
        account = engine.portfolio.account(Venue("BINANCE"))
        assert account.type.name == "MARGIN"
        assert account.balance_total().as_decimal() == Decimal(100_000)
        assert account.balance_total().currency.code == "USDT"
        assert engine.portfolio.account(Venue("POLYMARKET")) is not None
        (probe_actor,) = [a for a in engine.trader.actors() if isinstance(a, BookProbe)]
        assert (probe_actor.batches, probe_actor.bad_books) == (batches, 0)
        assert probe_actor.trades == small[1]["counts"]["binance_trade_ticks"]
    finally:
        outcome.node.dispose()


def test_runner_completes_on_the_catalog_and_labels_it_synthetic(
    tmp_path: Path,
    contents: CatalogContents,
) -> None:
    argv = [CONFIG, "--catalog", str(contents.path), "--results-dir", str(tmp_path)]

    assert run_backtest.main(argv) == 0

    (run_dir,) = tmp_path.iterdir()
    report = json.loads((run_dir / "report.json").read_text())
    assert report["synthetic"] is True
    assert report["catalog_metadata"]["counts"]["binance_instruments"] == 1
    assert report["instruments"] == len(contents.instrument_ids)
