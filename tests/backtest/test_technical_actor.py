"""
TechnicalActor in a BacktestEngine: three hours of seeded BTCUSDT-PERP trades on a Binance
venue, internal 1-minute bars aggregated by the engine, snapshots captured by a recording actor
subscribed type-wide to ``TASnapshot``.
"""

import json
import math
from itertools import pairwise

import numpy as np
import pandas as pd
import pytest
from nautilus_trader.backtest.engine import BacktestEngine
from nautilus_trader.backtest.engine import BacktestEngineConfig
from nautilus_trader.common.actor import Actor
from nautilus_trader.common.config import ActorConfig
from nautilus_trader.common.enums import ComponentState
from nautilus_trader.config import LoggingConfig
from nautilus_trader.core.data import Data
from nautilus_trader.model.currencies import USDT
from nautilus_trader.model.data import Bar
from nautilus_trader.model.data import BarType
from nautilus_trader.model.data import TradeTick
from nautilus_trader.model.enums import AccountType
from nautilus_trader.model.enums import AggressorSide
from nautilus_trader.model.enums import BookType
from nautilus_trader.model.enums import OmsType
from nautilus_trader.model.identifiers import TradeId
from nautilus_trader.model.identifiers import TraderId
from nautilus_trader.model.identifiers import Venue
from nautilus_trader.model.objects import Money
from nautilus_trader.model.objects import Price
from nautilus_trader.model.objects import Quantity
from nautilus_trader.test_kit.providers import TestInstrumentProvider

from actors.data_types import TASnapshot
from actors.data_types import ta_snapshot_data_type
from actors.technical import TechnicalActor
from actors.technical import TechnicalActorConfig
from tests.unit.test_technical_reference import bars_frame
from tests.unit.test_technical_reference import random_walk_trades
from tests.unit.test_technical_reference import ref_rsi

pytestmark = pytest.mark.backtest

SEC = 1_000_000_000
T0 = pd.Timestamp("2024-03-01T00:00:00Z").value
INSTRUMENT = TestInstrumentProvider.btcusdt_perp_binance()
BAR_TYPE = BarType.from_str(f"{INSTRUMENT.id}-1-MINUTE-LAST-INTERNAL")
THROTTLE_MS = 1_000
RSI_TOL = 1e-9


class RecorderConfig(ActorConfig, frozen=True):
    bar_type: str


class Recorder(Actor):
    """Keep every TASnapshot and every internal bar, in arrival order."""

    def __init__(self, config: RecorderConfig) -> None:
        super().__init__(config)
        self.bar_type = BarType.from_str(config.bar_type)
        self.snapshots: list[TASnapshot] = []
        self.bars: list[Bar] = []

    def on_start(self) -> None:
        self.subscribe_data(ta_snapshot_data_type())
        self.subscribe_bars(self.bar_type)

    def on_data(self, data: Data) -> None:
        if isinstance(data, TASnapshot):
            self.snapshots.append(data)

    def on_bar(self, bar: Bar) -> None:
        self.bars.append(bar)


def _ticks(trades: pd.DataFrame) -> list[TradeTick]:
    sides = (AggressorSide.BUYER, AggressorSide.SELLER)
    return [
        TradeTick(
            instrument_id=INSTRUMENT.id,
            price=Price(price, INSTRUMENT.price_precision),
            size=Quantity(size, INSTRUMENT.size_precision),
            aggressor_side=sides[i % 2],
            trade_id=TradeId(str(i + 1)),
            ts_event=int(ts),
            ts_init=int(ts),
        )
        for i, (ts, price, size) in enumerate(trades.itertuples(index=False))
    ]


def _run(
    trades: pd.DataFrame, instrument_id: str = str(INSTRUMENT.id)
) -> tuple[ComponentState, Recorder]:
    engine = BacktestEngine(
        BacktestEngineConfig(trader_id=TraderId("TESTER-001"), logging=LoggingConfig("ERROR")),
    )
    try:
        engine.add_venue(
            venue=Venue("BINANCE"),
            oms_type=OmsType.NETTING,
            account_type=AccountType.MARGIN,
            base_currency=USDT,
            starting_balances=[Money(100_000, USDT)],
            book_type=BookType.L1_MBP,
        )
        engine.add_instrument(INSTRUMENT)
        engine.add_data(_ticks(trades))
        config = TechnicalActorConfig(
            instrument_id=instrument_id, min_publish_interval_ms=THROTTLE_MS
        )
        actor = TechnicalActor(config)
        recorder = Recorder(RecorderConfig(bar_type=str(BAR_TYPE)))
        engine.add_actor(actor)
        engine.add_actor(recorder)
        engine.run()
        return actor.state, recorder
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def trades() -> pd.DataFrame:
    return random_walk_trades(seed=5, start_ns=T0, minutes=180)


@pytest.fixture(scope="module")
def run(trades: pd.DataFrame) -> tuple[ComponentState, Recorder]:
    return _run(trades)


def test_snapshots_arrive_on_trades_and_every_bar(run) -> None:
    _, recorder = run
    bar_ts = {bar.ts_event for bar in recorder.bars}

    from_bars = [s for s in recorder.snapshots if s.ts_event in bar_ts]

    assert len(recorder.bars) >= 175
    assert len(from_bars) == len(recorder.bars)
    assert len(recorder.snapshots) > 5 * len(recorder.bars)
    assert all(s.instrument_id == INSTRUMENT.id for s in recorder.snapshots)


def test_ts_event_is_an_input_timestamp_not_after_ts_init(run, trades) -> None:
    _, recorder = run
    inputs = set(trades["ts"].tolist()) | {bar.ts_event for bar in recorder.bars}

    assert all(s.ts_event in inputs for s in recorder.snapshots)
    assert all(T0 < s.ts_event <= s.ts_init for s in recorder.snapshots)
    assert all(a.ts_event <= b.ts_event for a, b in pairwise(recorder.snapshots))


def test_trade_snapshots_respect_the_throttle(run) -> None:
    _, recorder = run
    bar_ts = {bar.ts_event for bar in recorder.bars}

    gaps = [
        b.ts_event - a.ts_event for a, b in pairwise(recorder.snapshots) if b.ts_event not in bar_ts
    ]

    assert gaps
    assert min(gaps) >= THROTTLE_MS * 1_000_000


def test_warmed_up_flips_once_after_an_hour_and_35_bars(run, trades) -> None:
    _, recorder = run
    flags = [s.warmed_up for s in recorder.snapshots]
    first = flags.index(True)
    snapshot = recorder.snapshots[first]
    bars_before = sum(bar.ts_event <= snapshot.ts_event for bar in recorder.bars)

    assert not any(flags[:first])
    assert all(flags[first:])
    assert bars_before >= 35
    assert snapshot.ts_event - int(trades["ts"].iloc[0]) >= 3_600 * SEC
    fields = [v for k, v in snapshot.to_dict().items() if isinstance(v, float)]
    assert not any(math.isnan(v) for v in fields)


def test_last_snapshot_rsi_14_matches_reference_on_engine_bars(run) -> None:
    _, recorder = run
    last = recorder.snapshots[-1]
    bars = [bar for bar in recorder.bars if bar.ts_event <= last.ts_event]

    expected = ref_rsi(bars_frame(bars)["close"], 14).iloc[-1]

    assert last.rsi_14 == pytest.approx(expected, abs=RSI_TOL)


def test_last_snapshot_momentum_matches_trade_reference(run, trades) -> None:
    _, recorder = run
    last = recorder.snapshots[-1]
    ts = trades["ts"].to_numpy()
    price = trades["price"].to_numpy()
    seen = ts <= last.ts_event

    for window_s, value in ((30, last.momentum_30), (120, last.momentum_120)):
        anchor = np.searchsorted(ts, last.ts_event - window_s * SEC, side="right") - 1
        expected = price[seen][-1] / price[anchor] - 1.0
        assert value == pytest.approx(expected, abs=1e-15)
    assert last.price == price[seen][-1]


def test_missing_instrument_stops_the_actor_without_publishing(trades) -> None:
    state, recorder = _run(trades.iloc[:200], instrument_id="ETHUSDT-PERP.BINANCE")

    assert state == ComponentState.STOPPED
    assert recorder.snapshots == []


def test_rerun_publishes_identical_snapshots(trades) -> None:
    head = trades.iloc[:4_000]

    first = [s.to_dict() for s in _run(head)[1].snapshots]
    second = [s.to_dict() for s in _run(head)[1].snapshots]

    assert first
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)
