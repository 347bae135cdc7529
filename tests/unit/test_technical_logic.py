"""
Pure TA helpers: as-of momentum lookups, trend sign, %B and the normalised EMA difference.

Lookup convention under test: the reference price of window ``w`` at time ``t`` is the last
trade with ``ts <= t - w`` (a trade exactly ``w`` earlier counts; later trades at one timestamp
replace earlier ones); none that old means NaN.
"""

import math

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from actors.logic.technical import PriceHistory
from actors.logic.technical import ema_diff_norm
from actors.logic.technical import percent_b
from actors.logic.technical import simple_return
from actors.logic.technical import trend_sign

pytestmark = pytest.mark.unit

SEC = 1_000_000_000
T0 = 1_700_000_000 * SEC
W30 = 30 * SEC


def _history(*points: tuple[int, float], horizon_ns: int = 120 * SEC) -> PriceHistory:
    history = PriceHistory(horizon_ns)
    for ts, price in points:
        history.append(ts, price)
    return history


def test_momentum_at_exact_window_boundary_uses_that_trade() -> None:
    history = _history((T0, 100.0), (T0 + W30, 110.0))

    assert history.momentum(T0 + W30, W30) == pytest.approx(0.10)


def test_momentum_one_ns_short_of_window_is_nan() -> None:
    history = _history((T0, 100.0), (T0 + W30 - 1, 110.0))

    assert math.isnan(history.momentum(T0 + W30 - 1, W30))


def test_momentum_anchor_is_latest_trade_at_or_before_boundary() -> None:
    history = _history((T0, 100.0), (T0 + 5 * SEC, 104.0), (T0 + 6 * SEC, 90.0))

    # t − w = T0 + 5.5 s: the 5 s trade is the as-of price, not the first or the 6 s one
    momentum = history.momentum(T0 + 35 * SEC + SEC // 2, W30)

    assert momentum == pytest.approx(90.0 / 104.0 - 1.0)


def test_same_timestamp_trades_keep_the_last_price() -> None:
    history = _history((T0, 100.0), (T0, 101.0), (T0 + W30, 111.1))

    assert len(history) == 2
    assert history.price_at_or_before(T0) == 101.0
    assert history.momentum(T0 + W30, W30) == pytest.approx(0.10)


def test_empty_history_gives_nan() -> None:
    history = PriceHistory(horizon_ns=W30)

    assert math.isnan(history.last_price)
    assert math.isnan(history.momentum(T0, W30))


def test_out_of_order_append_raises() -> None:
    history = _history((T0, 100.0))

    with pytest.raises(ValueError, match="earlier"):
        history.append(T0 - 1, 100.0)


@pytest.mark.parametrize(("horizon", "resolution"), [(0, 0), (SEC, -1)])
def test_invalid_buffer_parameters_raise(horizon: int, resolution: int) -> None:
    with pytest.raises(ValueError, match="must be"):
        PriceHistory(horizon, resolution)


def test_pruning_keeps_the_anchor_of_the_longest_window() -> None:
    # One trade per second for 10 minutes; a 120 s horizon must still answer 120 s lookups
    history = _history(*((T0 + i * SEC, 100.0 + i) for i in range(600)))
    now = T0 + 599 * SEC

    assert len(history) <= 122
    assert history.price_at_or_before(now - 120 * SEC) == 100.0 + 479
    assert history.momentum(now, 120 * SEC) == pytest.approx(699.0 / 579.0 - 1.0)


def test_bucketed_history_keeps_last_trade_per_bucket() -> None:
    history = PriceHistory(horizon_ns=3_600 * SEC, resolution_ns=SEC)
    for ms, price in [(0, 1.0), (400, 2.0), (999, 3.0), (1_000, 4.0), (2_500, 5.0)]:
        history.append(T0 + ms * 1_000_000, price)

    assert len(history) == 3
    assert history.price_at_or_before(T0 + 999_000_000) == 3.0
    assert math.isnan(history.price_at_or_before(T0 + 998_000_000))
    assert history.last_price == 5.0


def test_clear_empties_the_buffer() -> None:
    history = _history((T0, 100.0), (T0 + SEC, 101.0))

    history.clear()

    assert len(history) == 0
    assert math.isnan(history.momentum(T0 + W30, W30))


def _brute_asof(points: list[tuple[int, float]], ts: int) -> float:
    eligible = [price for t, price in points if t <= ts]
    return eligible[-1] if eligible else math.nan


@settings(max_examples=200, deadline=None)
@given(
    gaps=st.lists(st.integers(min_value=0, max_value=20 * SEC), min_size=1, max_size=200),
    window_s=st.sampled_from([30, 60, 120]),
)
def test_momentum_matches_brute_force_asof(gaps: list[int], window_s: int) -> None:
    points: list[tuple[int, float]] = []
    history = PriceHistory(horizon_ns=120 * SEC)
    ts = T0
    for i, gap in enumerate(gaps):
        ts += gap
        price = 100.0 + (i * 7919) % 53
        history.append(ts, price)
        points = [p for p in points if p[0] != ts] + [(ts, price)]
        # Evaluate at the trade and a little later (a bar close after the last trade)
        for at in (ts, ts + 3 * SEC):
            expected = simple_return(price, _brute_asof(points, at - window_s * SEC))
            actual = history.momentum(at, window_s * SEC)
            assert (math.isnan(actual) and math.isnan(expected)) or actual == expected


@pytest.mark.parametrize(
    ("ret", "expected"), [(0.01, 1.0), (-1e-12, -1.0), (0.0, 0.0), (-0.0, 0.0)]
)
def test_trend_sign(ret: float, expected: float) -> None:
    assert trend_sign(ret) == expected


def test_trend_sign_of_nan_is_nan() -> None:
    assert math.isnan(trend_sign(math.nan))


def test_simple_return_rejects_non_positive_reference() -> None:
    assert math.isnan(simple_return(100.0, 0.0))
    assert math.isnan(simple_return(100.0, math.nan))
    assert math.isnan(simple_return(math.nan, 100.0))
    assert simple_return(105.0, 100.0) == pytest.approx(0.05)


@pytest.mark.parametrize(
    ("close", "lower", "upper", "expected"),
    [(95.0, 90.0, 100.0, 0.5), (90.0, 90.0, 100.0, 0.0), (105.0, 90.0, 100.0, 1.5)],
)
def test_percent_b_places_close_in_band(
    close: float, lower: float, upper: float, expected: float
) -> None:
    assert percent_b(close, lower, upper) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("lower", "upper"), [(100.0, 100.0), (101.0, 100.0), (math.nan, 100.0), (-math.inf, 1.0)]
)
def test_percent_b_degenerate_band_is_nan(lower: float, upper: float) -> None:
    assert math.isnan(percent_b(100.0, lower, upper))


def test_ema_diff_norm_divides_by_price() -> None:
    assert ema_diff_norm(101.0, 100.0, 50_000.0) == pytest.approx(1.0 / 50_000.0)
    assert math.isnan(ema_diff_norm(101.0, 100.0, 0.0))
    assert math.isnan(ema_diff_norm(101.0, 100.0, math.nan))
