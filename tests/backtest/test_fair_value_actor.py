from dataclasses import dataclass
from itertools import pairwise

import pytest
from nautilus_trader.common.actor import Actor
from nautilus_trader.common.config import ActorConfig
from nautilus_trader.common.events import TimeEvent
from nautilus_trader.core.data import Data
from nautilus_trader.model.data import BookOrder
from nautilus_trader.model.data import OrderBookDelta
from nautilus_trader.model.data import OrderBookDeltas
from nautilus_trader.model.data import TradeTick
from nautilus_trader.model.enums import AggressorSide
from nautilus_trader.model.enums import BookAction
from nautilus_trader.model.enums import BookType
from nautilus_trader.model.enums import OrderSide
from nautilus_trader.model.enums import RecordFlag
from nautilus_trader.model.identifiers import InstrumentId
from nautilus_trader.model.identifiers import TradeId
from nautilus_trader.model.instruments import BinaryOption

from actors.data_types import FairValue
from actors.data_types import MarketStats
from actors.data_types import fair_value_data_type
from actors.data_types import market_stats_data_type
from actors.fair_value import FairValueActor
from actors.fair_value import FairValueActorConfig
from actors.logic.kalman import KalmanParams
from actors.logic.kalman import microprice
from actors.logic.kalman import midprice
from actors.logic.kalman import run_filter
from actors.logic.kalman import to_yes_space
from tests.helpers import NANOS_PER_HOUR
from tests.helpers import NANOS_PER_SECOND
from tests.helpers import POLYMARKET_CLIENT_ID
from tests.helpers import T0_NS
from tests.helpers import as_custom_data
from tests.helpers import book_snapshot
from tests.helpers import make_engine
from tests.helpers import make_instrument_pair
from tests.helpers import make_market_info
from tests.helpers import make_market_resolution

pytestmark = pytest.mark.backtest

SEC = NANOS_PER_SECOND
MS = 1_000_000
END_NS = T0_NS + 6 * NANOS_PER_HOUR
RESOLVED_NS = T0_NS + 300 * SEC


@dataclass(frozen=True)
class Update:
    ts_ns: int
    yes_token: bool
    bids: tuple[tuple[str, str], ...]
    asks: tuple[tuple[str, str], ...]


# One market, both books. Comments give the YES-space measurement (mid) and what it triggers.
UPDATES = (
    Update(T0_NS + 1 * SEC, True, (("0.48", "100"),), (("0.52", "300"),)),  # 0.50 init, publish
    Update(T0_NS + 1200 * MS, False, (("0.47", "50"),), (("0.51", "80"),)),  # 0.51 throttled
    Update(T0_NS + 1500 * MS, True, (("0.49", "10"),), (("0.52", "10"),)),  # 0.505 flushed at 2 s
    Update(T0_NS + 3 * SEC, True, (("0.49", "99"),), (("0.52", "5"),)),  # Top prices unchanged
    Update(T0_NS + 4 * SEC, False, (("0.45", "40"),), (("0.49", "60"),)),  # 0.53 publish
    Update(T0_NS + 4500 * MS, True, (("0.50", "10"),), ()),  # One-sided: no measurement
    Update(T0_NS + 30 * SEC, True, (("0.50", "10"),), (("0.54", "10"),)),  # 0.52
    Update(T0_NS + 90 * SEC, True, (("0.55", "10"),), (("0.57", "10"),)),  # 0.56
    Update(T0_NS + 150 * SEC, True, (("0.52", "10"),), (("0.56", "10"),)),  # 0.54
    Update(T0_NS + 150 * SEC + 500 * MS, False, (("0.43", "10"),), (("0.47", "10"),)),
    Update(T0_NS + 310 * SEC, True, (("0.70", "10"),), (("0.72", "10"),)),  # After resolution
)
# (ts offset secs, YES token?, size)
TRADES = ((20, True, "10"), (70, True, "25"), (100, True, "5"), (130, False, "7"), (170, True, "3"))


class RecorderConfig(ActorConfig, frozen=True):
    pass


class Recorder(Actor):
    def __init__(self) -> None:
        super().__init__(RecorderConfig())
        self.fair_values: list[FairValue] = []
        self.stats: list[MarketStats] = []

    def on_start(self) -> None:
        self.subscribe_data(fair_value_data_type())
        self.subscribe_data(market_stats_data_type())

    def on_data(self, data: Data) -> None:
        if isinstance(data, FairValue):
            self.fair_values.append(data)
        elif isinstance(data, MarketStats):
            self.stats.append(data)


def _trade(instrument: BinaryOption, offset_secs: int, size: str, number: int) -> TradeTick:
    ts = T0_NS + offset_secs * SEC
    return TradeTick(
        instrument.id,
        instrument.make_price("0.5"),
        instrument.make_qty(size),
        AggressorSide.BUYER,
        TradeId(f"T-{number}"),
        ts,
        ts,
    )


def _run(
    config: FairValueActorConfig,
) -> tuple[Recorder, FairValueActor, BinaryOption, BinaryOption]:
    yes, no = make_instrument_pair(END_NS)
    engine = make_engine([yes, no])
    info = make_market_info(yes, no, END_NS)
    resolution = make_market_resolution(yes, no, yes_wins=True, ts_ns=RESOLVED_NS)
    engine.add_data(as_custom_data([info, resolution]), client_id=POLYMARKET_CLIENT_ID)
    for instrument, is_yes in ((yes, True), (no, False)):
        deltas = []
        for sequence, update in enumerate(UPDATES):
            if update.yes_token is is_yes:
                deltas += book_snapshot(
                    instrument, update.bids, update.asks, update.ts_ns, sequence
                )
        engine.add_data(deltas)
        trades = [
            _trade(instrument, offset, size, n)
            for n, (offset, token_is_yes, size) in enumerate(TRADES)
            if token_is_yes is is_yes
        ]
        engine.add_data(trades)
    actor = FairValueActor(config)
    recorder = Recorder()
    engine.add_actor(actor)
    engine.add_actor(recorder)
    engine.run()
    engine.dispose()
    return recorder, actor, yes, no


def _expected_states(yes: BinaryOption, use_microprice: bool = False) -> dict[int, float]:
    # Replays the script through the pure filter: top-of-book changes only, whole books only
    measurements: list[tuple[float, float]] = []
    stamps: list[int] = []
    last_top: dict[bool, tuple[float, ...]] = {}
    for update in UPDATES:
        if not update.bids or not update.asks or update.ts_ns > RESOLVED_NS:
            continue
        bid, bid_size = (yes.make_price(update.bids[0][0]).as_double(), float(update.bids[0][1]))
        ask, ask_size = (yes.make_price(update.asks[0][0]).as_double(), float(update.asks[0][1]))
        top = (bid, bid_size, ask, ask_size) if use_microprice else (bid, ask)
        if last_top.get(update.yes_token) == top:
            continue
        last_top[update.yes_token] = top
        z = microprice(*top) if use_microprice else midprice(bid, ask)
        measurements.append(
            (to_yes_space(z, update.yes_token), (END_NS - update.ts_ns) / NANOS_PER_HOUR)
        )
        stamps.append(update.ts_ns)
    states = run_filter(measurements, KalmanParams())
    return {ts: state.estimate for ts, state in zip(stamps, states, strict=True)}


@pytest.fixture(scope="module")
def run():
    return _run(FairValueActorConfig())


def _by_token(values: list[FairValue], instrument: BinaryOption) -> list[FairValue]:
    return [value for value in values if value.instrument_id == instrument.id]


def test_yes_and_no_published_together_and_consistent(run):
    recorder, _, yes, no = run
    yes_values = _by_token(recorder.fair_values, yes)
    no_values = _by_token(recorder.fair_values, no)

    assert len(yes_values) == len(no_values) > 0
    for fy, fn in zip(yes_values, no_values, strict=True):
        assert (fy.ts_event, fy.ts_init) == (fn.ts_event, fn.ts_init)
        assert fn.fair_value == 1.0 - fy.fair_value
        assert fn.variance == fy.variance
        assert 0.0 < fy.fair_value < 1.0


def test_values_equal_pure_filter_on_same_measurements(run):
    recorder, _, yes, _ = run
    expected = _expected_states(yes)

    yes_values = _by_token(recorder.fair_values, yes)

    assert [v.fair_value for v in yes_values] == [expected[v.ts_event] for v in yes_values]


def test_timestamps_come_from_inputs_and_clock(run):
    recorder = run[0]
    input_ts = {update.ts_ns for update in UPDATES}

    for value in recorder.fair_values:
        assert value.ts_event in input_ts
        assert value.ts_event <= value.ts_init


def test_throttle_publishes_trailing_change_at_interval_end(run):
    recorder, _, yes, no = run
    yes_values = _by_token(recorder.fair_values, yes)
    stamps = [(v.ts_event - T0_NS, v.ts_init - T0_NS) for v in yes_values]

    # 1 s: first; 1.2 s and 1.5 s throttled, the latest flushed at 2 s; 3 s top unchanged;
    # 4 s NO book; 4.5 s one-sided; then 30 s, 90 s, 150 s (150.5 s throttled, flushed at 151 s)
    assert stamps == [
        (1 * SEC, 1 * SEC),
        (1500 * MS, 2 * SEC),
        (4 * SEC, 4 * SEC),
        (30 * SEC, 30 * SEC),
        (90 * SEC, 90 * SEC),
        (150 * SEC, 150 * SEC),
        (150 * SEC + 500 * MS, 151 * SEC),
    ]
    inits = [ts_init for _, ts_init in stamps]
    assert all(b - a >= 1_000 * MS for a, b in pairwise(inits))
    assert yes_values[2].measurement == pytest.approx(0.53)
    assert _by_token(recorder.fair_values, no)[2].measurement == pytest.approx(0.47)


def test_market_stops_at_resolution(run):
    recorder, actor, _, _ = run

    assert actor.market_count == 0
    assert all(v.ts_init <= RESOLVED_NS for v in recorder.fair_values)
    assert all(s.ts_init <= RESOLVED_NS for s in recorder.stats)


def test_market_stats_sample_each_minute(run):
    recorder, _, yes, _ = run
    yes_stats = [s for s in recorder.stats if s.instrument_id == yes.id]

    # Samples: 60 s reference (mid 0.52), 120 s (0.56, volume 25 + 5), 180 s (0.54, volume 3),
    # 240 s (unchanged, no volume)
    assert [s.ts_event - T0_NS for s in yes_stats] == [120 * SEC, 180 * SEC, 240 * SEC]
    assert [s.sample_count for s in yes_stats] == [1, 2, 3]
    assert [s.last_volume for s in yes_stats] == [30.0, 3.0, 0.0]
    assert yes_stats[0].last_change == pytest.approx(0.04, abs=1e-12)
    assert yes_stats[1].last_change == pytest.approx(-0.02, abs=1e-12)
    assert yes_stats[2].mean_change == pytest.approx(0.02 / 3, abs=1e-12)
    assert all(s.ts_event <= s.ts_init for s in yes_stats)


def test_microprice_measurement_matches_pure_filter():
    recorder, _, yes, _ = _run(FairValueActorConfig(measurement="microprice"))
    expected = _expected_states(yes, use_microprice=True)

    yes_values = _by_token(recorder.fair_values, yes)

    assert len(yes_values) > 0
    assert [v.fair_value for v in yes_values] == [expected[v.ts_event] for v in yes_values]


class LateSubscriberConfig(ActorConfig, frozen=True):
    instrument_id: InstrumentId
    subscribe_at_ns: int


class LateSubscriber(Actor):
    """Subscribe to a managed book late, which resets the cache's book in 1.221."""

    def on_start(self) -> None:
        self.clock.set_time_alert_ns("late", self.config.subscribe_at_ns, self._subscribe)

    def _subscribe(self, _: TimeEvent) -> None:
        self.subscribe_order_book_deltas(self.config.instrument_id, BookType.L2_MBP)

    def on_order_book_deltas(self, deltas: OrderBookDeltas) -> None:
        pass


def test_late_managed_subscriber_does_not_reset_actor_book():
    yes, no = make_instrument_pair(END_NS)
    engine = make_engine([yes, no])
    engine.add_data(
        as_custom_data([make_market_info(yes, no, END_NS)]), client_id=POLYMARKET_CLIENT_ID
    )
    ts = T0_NS + 10 * SEC
    bid = BookOrder(OrderSide.BUY, yes.make_price("0.50"), yes.make_qty("10"), 9)
    add = OrderBookDelta(yes.id, BookAction.ADD, bid, RecordFlag.F_LAST, 1, ts, ts)
    snapshot = book_snapshot(yes, (("0.48", "10"),), (("0.52", "10"),), T0_NS + SEC)
    engine.add_data([*snapshot, add])
    engine.add_actor(FairValueActor(FairValueActorConfig()))
    engine.add_actor(LateSubscriber(LateSubscriberConfig(yes.id, T0_NS + 5 * SEC)))
    recorder = Recorder()
    engine.add_actor(recorder)

    engine.run()
    engine.dispose()

    # An incremental bid on the reset cache book would leave it one-sided: no measurement
    yes_values = _by_token(recorder.fair_values, yes)
    assert [(v.ts_event, v.measurement) for v in yes_values] == [(T0_NS + SEC, 0.5), (ts, 0.51)]
