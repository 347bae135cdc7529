"""
Pure core of the Binance side of the sample catalog and of the BTC 5-minute up/down markets.
"""

import re

import numpy as np
import pytest
from nautilus_trader.test_kit.providers import TestInstrumentProvider

from catalog import sample
from catalog.synthetic import book
from catalog.synthetic import btc
from catalog.synthetic import trades
from catalog.synthetic import updown

pytestmark = pytest.mark.unit

START = 1_780_272_000_000_000_000  # 2026-06-01T00:00:00Z
SECOND = 1_000_000_000
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE


@pytest.fixture(scope="module")
def two_hours() -> btc.BtcArrays:
    return btc.simulate_btc(7, START, START + 2 * HOUR)


def _replay_tops(rows: book.DeltaRows) -> list[tuple[int, int, int, int]]:
    """Apply rows to a dict book; return (event, best bid, best ask, levels) per batch."""
    sides: dict[int, dict[int, int]] = {book.BUY: {}, book.SELL: {}}
    tops = []
    for i in range(len(rows)):
        action, side = int(rows.action[i]), int(rows.side[i])
        price, size = int(rows.price_ticks[i]), int(rows.size_micro[i])
        if action == book.CLEAR:
            sides = {book.BUY: {}, book.SELL: {}}
        elif action == book.DELETE:
            del sides[side][price]
        else:
            assert (price in sides[side]) == (action == book.UPDATE)
            sides[side][price] = size
        if rows.flags[i] == book.F_LAST:
            bids, asks = sides[book.BUY], sides[book.SELL]
            tops.append((int(rows.event[i]), max(bids), min(asks), min(len(bids), len(asks))))
    return tops


def test_instrument_grid_matches_the_core() -> None:
    instrument = TestInstrumentProvider.btcusdt_perp_binance()

    assert str(instrument.price_increment) == f"{btc.TICK_USDT}"
    assert instrument.size_increment.as_double() * book.MICRO == btc.SIZE_STEP_MICRO
    assert instrument.quote_currency.code == "USDT"


def test_jump_diffusion_path_starts_at_price_with_realistic_vol() -> None:
    params = btc.BtcParams()
    day = 86_400

    path = btc.jump_diffusion_path(np.random.default_rng(1), day, params)

    assert path.size == day + 1
    assert path[0] == params.start_price
    assert (path > 0).all()
    vol = btc.realised_vol(btc.to_ticks(path))
    assert 0.45 <= vol <= 0.65
    steps = np.abs(np.diff(np.log(path)))
    assert steps.max() > 8 * np.median(steps)  # jumps stand out of the diffusion


def test_btc_is_deterministic_per_seed(two_hours: btc.BtcArrays) -> None:
    again = btc.simulate_btc(7, START, START + 2 * HOUR)
    other = btc.simulate_btc(8, START, START + 2 * HOUR)

    assert np.array_equal(two_hours.mid_ticks, again.mid_ticks)
    assert np.array_equal(two_hours.rows.size_micro, again.rows.size_micro)
    assert np.array_equal(two_hours.trades.ts_ns, again.trades.ts_ns)
    assert not np.array_equal(two_hours.mid_ticks[:100], other.mid_ticks[:100])


def test_depth_snapshot_then_batches_closed_by_f_last_alone(two_hours: btc.BtcArrays) -> None:
    rows = two_hours.rows

    assert rows.action[0] == book.CLEAR
    snapshot = rows.event == 0
    assert (rows.action[snapshot][1:] == book.ADD).sum() == 40  # 20 levels a side
    last = np.append(rows.event[1:] != rows.event[:-1], True)
    assert (rows.flags[last] == book.F_LAST).all()
    assert (rows.flags[~last] != book.F_LAST).all()
    assert (rows.flags[~last & ~snapshot] == 0).all()
    assert (two_hours.times_ns[rows.event] >= START).all()
    gaps = np.diff(two_hours.times_ns)
    assert gaps.min() >= SECOND
    assert gaps.max() <= 2_500 * 1_000_000


def test_depth_never_crossed_tracks_the_mid_and_sizes_on_grid(two_hours: btc.BtcArrays) -> None:
    rows = two_hours.rows

    tops = _replay_tops(rows)

    assert all(bid < ask <= bid + 3 for _, bid, ask, _ in tops)
    assert min(levels for *_, levels in tops) == 20
    events = np.array([event for event, *_ in tops])
    touch_mid = np.array([(bid + ask) / 2 for _, bid, ask, _ in tops])
    mid = btc.mid_at(two_hours.mid_ticks, START, two_hours.times_ns[events])
    assert np.abs(touch_mid - mid).max() <= 2
    live = rows.action != book.CLEAR
    assert (rows.price_ticks[live] > 0).all()
    assert (rows.size_micro % btc.SIZE_STEP_MICRO == 0).all()
    assert (rows.size_micro[np.isin(rows.action, [book.ADD, book.UPDATE])] > 0).all()


def test_trades_at_touch_with_aggressor_sides_and_sizes_on_grid(two_hours: btc.BtcArrays) -> None:
    prints = two_hours.trades

    event = np.searchsorted(two_hours.times_ns, prints.ts_ns, side="right") - 1
    buyer = prints.aggressor == trades.BUYER

    assert set(np.unique(prints.aggressor)) == {trades.BUYER, trades.SELLER}
    expected = np.where(buyer, two_hours.asks.prices[event, 0], two_hours.bids.prices[event, 0])
    assert (prints.price_ticks == expected).all()
    assert (prints.size_micro % btc.SIZE_STEP_MICRO == 0).all()
    assert (prints.size_micro >= btc.SIZE_STEP_MICRO).all()
    assert (np.diff(prints.ts_ns) >= 0).all()
    assert prints.ts_ns[0] > START
    assert prints.ts_ns[-1] < START + 2 * HOUR


def test_rates_fit_the_row_budget(two_hours: btc.BtcArrays) -> None:
    # Budget over 3 days: <= ~1M depth rows and <= ~300k trades.
    hours = 2

    per_3_days = 72 / hours

    assert len(two_hours.rows) * per_3_days <= 1_000_000
    assert len(two_hours.trades) * per_3_days <= 300_000
    assert len(two_hours.trades) >= 0.5 * hours * 3_600  # about one print a second


@pytest.mark.parametrize(
    ("open_ticks", "close_ticks", "up"),
    [(650_000, 650_000, True), (650_000, 650_001, True), (650_000, 649_999, False)],
)
def test_resolution_is_up_iff_close_at_least_open(
    open_ticks: int, close_ticks: int, up: bool
) -> None:
    mid = np.full(600, 650_000, dtype=np.int64)
    mid[60], mid[360] = open_ticks, close_ticks

    outcome = updown.resolve_window(mid, START, START + MINUTE, START + 6 * MINUTE)

    assert outcome == (open_ticks, close_ticks, up)


def test_resolution_refuses_times_off_the_path() -> None:
    mid = np.full(600, 650_000, dtype=np.int64)

    with pytest.raises(ValueError, match="whole second"):
        updown.resolve_window(mid, START, START + MINUTE + 1, START + 6 * MINUTE)
    with pytest.raises(ValueError, match="whole second"):
        updown.resolve_window(mid, START, START + MINUTE, START + 60 * MINUTE)


def test_window_block_question_and_slug_as_on_the_venue() -> None:
    starts = updown.window_starts_ns(START, days=2, hours=1.5)

    assert len(starts) == 2 * 18
    assert starts[0] == START + 13 * HOUR
    assert set(np.diff(starts[:18])) == {5 * MINUTE}
    assert starts[18] == START + 37 * HOUR
    question = updown.updown_question(starts[0], starts[0] + 5 * MINUTE)
    assert question == "Bitcoin Up or Down - June 1, 9:00AM-9:05AM ET"
    assert updown.updown_question(START + 16 * HOUR + 55 * MINUTE, START + 17 * HOUR).endswith(
        "12:55PM-1:00PM ET"
    )
    assert updown.updown_slug(starts[0]) == "btc-updown-5m-1780318800"
    with pytest.raises(ValueError, match="inside its day"):
        updown.window_starts_ns(START, days=1, hours=11.0)


def test_windows_resolve_on_the_path_with_venue_fields(two_hours: btc.BtcArrays) -> None:
    starts = [START + 30 * MINUTE + i * 5 * MINUTE for i in range(12)]

    windows = updown.make_updown_windows(7, two_hours.mid_ticks, START, starts)

    # 00:30 UTC on June 1 is still May 31 in New York (questions are in ET, like the venue's).

    for window, start in zip(windows, starts, strict=True):
        spec = window.spec
        open_ticks = two_hours.mid_ticks[(start - START) // SECOND]
        close_ticks = two_hours.mid_ticks[(start + 5 * MINUTE - START) // SECOND]
        assert (window.open_ticks, window.close_ticks) == (open_ticks, close_ticks)
        assert spec.yes_wins == (close_ticks >= open_ticks)
        assert (spec.start_ns, spec.end_ns) == (start - 10 * MINUTE, start + 5 * MINUTE)
        assert spec.outcomes == ("Up", "Down")
        assert (spec.tick_size, spec.fees_enabled, spec.fee_rate) == ("0.01", True, "0.07")
        assert (spec.category, spec.neg_risk) == ("crypto", False)
        assert spec.event_id == f"btc-updown-5m-{start // SECOND}"
        assert re.fullmatch(
            r"Bitcoin Up or Down - May 31, \d+:\d\d[AP]M-\d+:\d\d[AP]M ET", spec.question
        )
    assert len({w.spec.condition_id for w in windows}) == 12
    assert {w.spec.yes_wins for w in windows} == {True, False}


def _window(mid: np.ndarray) -> updown.UpDownWindow:
    return updown.make_updown_windows(7, mid, START, [START + 20 * MINUTE])[0]


def test_up_price_hovers_before_open_and_follows_btc_to_the_end() -> None:
    mid = np.full(3_600, 650_000, dtype=np.int64)
    mid[20 * 60 :] += np.arange(3_600 - 20 * 60) * 3  # BTC climbs steadily after the open
    window = _window(mid)
    times = START + np.arange(10 * 60, 25 * 60, 2) * SECOND
    params = updown.UpDownParams()

    prob = updown.up_probability(np.random.default_rng(3), times, window, mid, START, params)

    before = times < window.window_start_ns
    assert np.abs(prob[before] - 0.5).max() < 0.15
    assert prob[-10:].min() >= 0.95
    assert ((prob >= 0.01) & (prob <= 0.99)).all()


def test_simulated_updown_market_books_on_grid_and_stops_at_window_end(
    two_hours: btc.BtcArrays,
) -> None:
    window = updown.make_updown_windows(7, two_hours.mid_ticks, START, [START + HOUR])[0]

    arrays = updown.simulate_updown(7, window, two_hours.mid_ticks, START)

    spec = window.spec
    assert arrays.times_ns[0] == spec.start_ns
    assert arrays.times_ns[-1] < spec.end_ns
    assert arrays.yes_trades.ts_ns.max() < spec.end_ns
    live = arrays.yes_rows.action != book.CLEAR
    assert arrays.yes_rows.price_ticks[live].min() >= 1
    assert arrays.yes_rows.price_ticks[live].max() <= 99
    assert ((arrays.prob >= 0.01) & (arrays.prob <= 0.99)).all()
    assert all(bid < ask for _, bid, ask, _ in _replay_tops(arrays.no_rows))
    again = updown.simulate_updown(7, window, two_hours.mid_ticks, START)
    assert np.array_equal(arrays.yes_rows.size_micro, again.yes_rows.size_micro)


@pytest.mark.parametrize("hours", ["-1", "10.5"])
def test_cli_refuses_an_updown_block_that_does_not_fit_a_day(hours: str) -> None:
    with pytest.raises(SystemExit) as exit_info:
        sample.main(["--updown-hours", hours])

    assert exit_info.value.code == 2
