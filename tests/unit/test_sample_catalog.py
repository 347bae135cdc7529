"""
Pure core of the synthetic sample catalog: ids, paths, books, trades, metadata.
"""

import json
import re
from pathlib import Path

import numpy as np
import pytest
from nautilus_trader.model.enums import AggressorSide
from nautilus_trader.model.enums import BookAction
from nautilus_trader.model.enums import OrderSide
from nautilus_trader.model.enums import RecordFlag

from catalog.metadata import is_synthetic
from catalog.metadata import read_catalog_metadata
from catalog.metadata import write_catalog_metadata
from catalog.synthetic import book
from catalog.synthetic import trades
from catalog.synthetic.market import simulate_market
from catalog.synthetic.paths import PathParams
from catalog.synthetic.paths import event_times_ns
from catalog.synthetic.paths import hours_to_expiry
from catalog.synthetic.paths import probability_path
from catalog.synthetic.specs import NS_PER_HOUR
from catalog.synthetic.specs import make_market_specs

pytestmark = pytest.mark.unit

START = 1_780_272_000_000_000_000  # 2026-06-01T00:00:00Z
STOP = START + 72 * NS_PER_HOUR
PARAMS = PathParams()


def _replay(rows: book.DeltaRows) -> list[tuple[int, int]]:
    """Apply rows to a dict book; return (best bid, best ask) after each event."""
    sides: dict[int, dict[int, int]] = {book.BUY: {}, book.SELL: {}}
    tops = []
    for i in range(len(rows)):
        action, side = int(rows.action[i]), int(rows.side[i])
        price, size = int(rows.price_ticks[i]), int(rows.size_micro[i])
        if action == book.CLEAR:
            sides = {book.BUY: {}, book.SELL: {}}
        elif action == book.ADD:
            assert price not in sides[side]
            sides[side][price] = size
        elif action == book.UPDATE:
            assert price in sides[side]
            sides[side][price] = size
        else:
            assert action == book.DELETE
            del sides[side][price]
        if rows.flags[i] & book.F_LAST:
            tops.append((max(sides[book.BUY]), min(sides[book.SELL])))
    return tops


def _edge_path(n: int) -> np.ndarray:
    rng = np.random.default_rng(3)
    return np.clip(np.cumsum(rng.normal(0, 0.04, n)) + 0.5, 0.0005, 0.9995)


def test_core_codes_match_nautilus_enums() -> None:
    nautilus = {
        book.ADD: BookAction.ADD,
        book.UPDATE: BookAction.UPDATE,
        book.DELETE: BookAction.DELETE,
        book.CLEAR: BookAction.CLEAR,
        book.BUY: OrderSide.BUY,
        book.SELL: OrderSide.SELL,
        book.F_SNAPSHOT: RecordFlag.F_SNAPSHOT,
        book.F_LAST: RecordFlag.F_LAST,
    }
    sides = {trades.BUYER: AggressorSide.BUYER, trades.SELLER: AggressorSide.SELLER}

    assert all(code == int(enum) for code, enum in nautilus.items())
    assert all(code == int(enum) for code, enum in sides.items())


@pytest.mark.parametrize("n_ticks", [100, 1000])
def test_book_prices_on_grid_inside_unit_interval_and_never_crossed(n_ticks: int) -> None:
    prob = _edge_path(400)

    rows, bids, asks = book.build_book(np.random.default_rng(1), prob, n_ticks, book.BookParams())

    priced = rows.action != book.CLEAR
    assert rows.price_ticks[priced].min() >= 1
    assert rows.price_ticks[priced].max() <= n_ticks - 1
    assert (bids.prices[:, 0] < asks.prices[:, 0]).all()
    assert ((asks.prices[:, 0] - bids.prices[:, 0]) <= 3).all()
    tops = _replay(rows)
    events = np.unique(rows.event)  # an update that changes nothing writes no rows
    assert len(tops) == events.size
    assert all(bid < ask for bid, ask in tops)
    expected = zip(bids.prices[events, 0], asks.prices[events, 0], strict=True)
    assert tops == [(int(b), int(a)) for b, a in expected]


def test_book_rows_snapshot_first_with_flags_and_sizes_on_grid() -> None:
    rows, _, _ = book.build_book(np.random.default_rng(2), _edge_path(50), 100, book.BookParams())

    assert rows.action[0] == book.CLEAR
    snapshot = rows.event == 0
    last = np.append(rows.event[1:] != rows.event[:-1], True)
    # F_LAST alone closes every batch (1.221 buffers deltas until flags == F_LAST).
    assert (rows.flags[last] == book.F_LAST).all()
    assert (rows.flags[snapshot & ~last] == book.F_SNAPSHOT).all()
    assert (rows.flags[~snapshot & ~last] == 0).all()
    assert (rows.action[snapshot][1:] == book.ADD).all()
    live = np.isin(rows.action, [book.ADD, book.UPDATE])
    assert (rows.size_micro[live] >= 5 * book.MICRO).all()
    assert (rows.size_micro % 10_000 == 0).all()  # 2-dp shares on the 6-dp grid
    assert (np.diff(rows.event) >= 0).all()


def test_book_levels_per_side_between_one_and_configured() -> None:
    prob = np.full(30, 0.5)

    _, bids, asks = book.build_book(np.random.default_rng(4), prob, 100, book.BookParams(levels=7))

    assert ((bids.prices >= 0).sum(axis=1) == 7).all()
    assert ((asks.prices >= 0).sum(axis=1) == 7).all()
    assert (np.diff(bids.prices, axis=1) < 0).all()
    assert (np.diff(asks.prices, axis=1) > 0).all()


def test_mirror_rows_swap_sides_and_complement_prices() -> None:
    rows, _, _ = book.build_book(np.random.default_rng(5), _edge_path(40), 100, book.BookParams())

    mirrored = book.mirror_rows(rows, 100)

    priced = rows.action != book.CLEAR
    assert (mirrored.price_ticks[priced] == 100 - rows.price_ticks[priced]).all()
    assert (mirrored.side[priced] != rows.side[priced]).all()
    assert all(bid < ask for bid, ask in _replay(mirrored))


def test_event_times_increase_inside_window_and_densify_near_expiry() -> None:
    end = START + 24 * NS_PER_HOUR

    times = event_times_ns(np.random.default_rng(6), START, end, end, PARAMS)

    assert (np.diff(times) > 0).all()
    assert times[0] > START
    assert times[-1] < end
    assert (times % 1_000_000 == 0).all()
    last_hour = (times >= end - NS_PER_HOUR).sum()
    first_hour = (times < START + NS_PER_HOUR).sum()
    assert last_hour > 5 * first_hour


def _final_probs(reversal: bool, n: int = 120) -> tuple[np.ndarray, np.ndarray, list]:
    hours = np.linspace(30.0, 0.01, 600)
    rng = np.random.default_rng(8)
    wins = rng.random(n) < 0.5
    paths = [
        probability_path(rng, hours, float(rng.uniform(0.1, 0.9)), bool(w), reversal, 0.2, PARAMS)
        for w in wins
    ]
    return np.array([p[-1] for p in paths]), wins, paths


def test_drift_ends_on_outcome_side_in_most_markets() -> None:
    finals, wins, _ = _final_probs(reversal=False)

    agree = (finals > 0.5) == wins
    assert agree.mean() >= 0.95
    assert (np.abs(finals - 0.5) > 0.4).mean() >= 0.8  # most end near 0.0x / 0.9x


def test_reversal_favourite_holds_in_final_hours_then_loses() -> None:
    hours = np.linspace(30.0, 0.01, 600)
    finals, wins, paths = _final_probs(reversal=True, n=40)

    window = (hours <= 4.0) & (hours > PARAMS.flip_max_hours)
    for path, yes_wins in zip(paths, wins, strict=True):
        favourite_yes = path[window].min() >= PARAMS.favourite_floor
        favourite_no = path[window].max() <= 1 - PARAMS.favourite_floor
        assert favourite_no if yes_wins else favourite_yes
    assert ((finals > 0.5) == wins).all()


def test_reversal_fraction_roughly_as_configured() -> None:
    specs = make_market_specs(11, 120, START, STOP)

    resolving = [s for s in specs if s.end_ns < STOP]
    fraction = sum(s.reversal for s in resolving) / len(resolving)

    assert 0.13 <= fraction <= 0.23
    assert not any(s.reversal and s.neg_risk for s in specs)


def test_specs_ids_categories_groups_and_ends() -> None:
    specs = make_market_specs(7, 36, START, STOP)

    assert all(re.fullmatch(r"0x[0-9a-f]{64}", s.condition_id) for s in specs)
    tokens = [t for s in specs for t in (s.yes_token_id, s.no_token_id)]
    assert all(re.fullmatch(r"[1-9][0-9]{76,77}", t) for t in tokens)
    assert len(set(tokens)) == len(tokens)
    assert len({s.category for s in specs}) >= 6
    groups = [s.event_id for s in specs if s.neg_risk]
    assert groups
    assert all(groups.count(e) >= 3 for e in groups)
    assert all(s.fees_enabled == (s.category == "crypto") for s in specs)
    assert {s.tick_size for s in specs} == {"0.01", "0.001"}
    after = [s for s in specs if s.end_ns > STOP]
    assert 1 <= len(after) <= 8
    assert len({s.end_ns for s in specs if s.end_ns < STOP}) >= 20


def test_trades_print_at_touch_with_sizes_within_touch() -> None:
    rng = np.random.default_rng(9)
    prob = _edge_path(300)
    times = START + np.arange(300, dtype=np.int64) * 10_000_000_000
    _, bids, asks = book.build_book(rng, prob, 100, book.BookParams())

    rows = trades.token_trades(
        rng, times, STOP, bids, asks, trades.mid_moves(bids, asks), trades.TradeParams()
    )

    assert len(rows) > 30
    event = np.searchsorted(times, rows.ts_ns) - 1
    buyer = rows.aggressor == trades.BUYER
    expected = np.where(buyer, asks.prices[event, 0], bids.prices[event, 0])
    assert (rows.price_ticks == expected).all()
    touch = np.where(buyer, asks.sizes[event, 0], bids.sizes[event, 0])
    assert (rows.size_micro <= touch).all()
    assert (np.diff(rows.ts_ns) > 0).all()
    assert not np.isin(rows.ts_ns, times).any()


def test_simulation_is_deterministic_per_seed() -> None:
    spec = make_market_specs(7, 4, START, START + 24 * NS_PER_HOUR)[0]
    stop = START + 24 * NS_PER_HOUR

    first = simulate_market(7, spec, stop)
    again = simulate_market(7, spec, stop)
    other = simulate_market(8, spec, stop)

    assert np.array_equal(first.times_ns, again.times_ns)
    assert np.array_equal(first.prob, again.prob)
    assert np.array_equal(first.yes_rows.size_micro, again.yes_rows.size_micro)
    assert np.array_equal(first.no_trades.ts_ns, again.no_trades.ts_ns)
    assert not np.array_equal(first.prob[:50], other.prob[:50])
    assert make_market_specs(7, 4, START, stop) == make_market_specs(7, 4, START, stop)
    assert make_market_specs(7, 4, START, stop) != make_market_specs(8, 4, START, stop)


def test_simulated_market_stops_before_end_with_no_zero_timestamps() -> None:
    specs = make_market_specs(7, 12, START, STOP)
    spec = min(specs, key=lambda s: s.end_ns)

    arrays = simulate_market(7, spec, STOP)

    assert arrays.times_ns[0] == spec.start_ns > 0
    assert arrays.times_ns[-1] < spec.end_ns
    assert arrays.yes_trades.ts_ns.max() < spec.end_ns
    assert hours_to_expiry(arrays.times_ns, spec.end_ns).min() > 0
    assert ((arrays.prob > 0) & (arrays.prob < 1)).all()


def test_metadata_round_trip_and_synthetic_flag(tmp_path: Path) -> None:
    assert read_catalog_metadata(tmp_path) is None
    assert not is_synthetic(tmp_path)

    write_catalog_metadata(tmp_path, {"synthetic": True, "seed": 7})

    assert read_catalog_metadata(tmp_path) == {"seed": 7, "synthetic": True}
    assert is_synthetic(tmp_path)


def test_metadata_unreadable_or_real_is_not_synthetic(tmp_path: Path) -> None:
    (tmp_path / "polyedge_catalog.json").write_text("{not json", encoding="utf-8")
    assert read_catalog_metadata(tmp_path) is None

    (tmp_path / "polyedge_catalog.json").write_text(json.dumps({"synthetic": False}))
    assert not is_synthetic(tmp_path)
