from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from strategies.logic.guards import floor_to_increment
from strategies.logic.guards import round_to_tick
from strategies.logic.guards import sell_allowed
from strategies.logic.guards import shares_for_stake

pytestmark = pytest.mark.unit

TICKS = st.sampled_from([Decimal("0.01"), Decimal("0.001")])
# Prices around both bounds and slightly outside them, at finer resolution than either tick.
PRICES = st.one_of(
    st.decimals(min_value="-0.01", max_value="0.05", places=5),
    st.decimals(min_value="0.95", max_value="1.01", places=5),
    st.decimals(min_value="0", max_value="1", places=4),
)
MODES = st.sampled_from(["down", "up", "nearest"])


@pytest.mark.parametrize(
    ("held", "open_sells", "sell", "expected"),
    [
        ("0", "0", "1", False),
        ("-5", "0", "1", False),
        ("10", "0", "10", True),
        ("10", "0", "11", False),
        ("10", "4", "6", True),
        ("10", "4", "7", False),
        ("10", "0", "0", False),
    ],
)
def test_sell_allowed_cases_match_long_net_of_resting_sells(held, open_sells, sell, expected):
    assert sell_allowed(Decimal(held), Decimal(open_sells), Decimal(sell)) is expected


@pytest.mark.parametrize(
    ("price", "tick", "mode", "expected"),
    [
        ("0.805", "0.01", "down", "0.80"),
        ("0.805", "0.01", "up", "0.81"),
        ("0.805", "0.01", "nearest", "0.81"),
        ("0.0004", "0.001", "down", "0.001"),
        ("0.9996", "0.001", "up", "0.999"),
        ("1.2", "0.01", "nearest", "0.99"),
        ("-0.3", "0.01", "nearest", "0.01"),
        ("0.999", "0.001", "nearest", "0.999"),
    ],
)
def test_round_to_tick_examples_land_on_clamped_grid(price, tick, mode, expected):
    result = round_to_tick(Decimal(price), Decimal(tick), mode)

    assert result == Decimal(expected)
    assert result.as_tuple().exponent == Decimal(tick).as_tuple().exponent


@pytest.mark.parametrize("tick", ["0", "-0.01", "0.5"])
def test_round_to_tick_bad_tick_raises(tick):
    with pytest.raises(ValueError, match="tick"):
        round_to_tick(Decimal("0.5"), Decimal(tick))


def test_round_to_tick_bad_mode_raises():
    with pytest.raises(ValueError, match="mode"):
        round_to_tick(Decimal("0.5"), Decimal("0.01"), "sideways")  # type: ignore[arg-type]


@given(price=PRICES, tick=TICKS, mode=MODES)
def test_round_to_tick_result_on_grid_and_within_bounds(price, tick, mode):
    result = round_to_tick(price, tick, mode)

    assert result % tick == 0
    assert tick <= result <= 1 - tick


@given(price=PRICES, tick=TICKS)
def test_round_to_tick_down_never_rounds_up_unless_clamped(price, tick):
    result = round_to_tick(price, tick, "down")

    assert result <= price or result == tick
    assert price - result < tick or result == 1 - tick


@given(price=PRICES, tick=TICKS)
def test_round_to_tick_up_never_rounds_down_unless_clamped(price, tick):
    result = round_to_tick(price, tick, "up")

    assert result >= price or result == 1 - tick
    assert result - price < tick or result == tick


@given(price=PRICES, tick=TICKS)
def test_round_to_tick_nearest_within_half_tick_of_clamped_price(price, tick):
    clamped = min(max(price, tick), 1 - tick)

    result = round_to_tick(price, tick, "nearest")

    assert abs(result - clamped) <= tick / 2


@given(price=st.decimals(min_value="0.001", max_value="0.999", places=3), tick=TICKS)
def test_round_to_tick_on_grid_price_is_unchanged(price, tick):
    on_grid = round_to_tick(price, tick, "down")

    for mode in ("down", "up", "nearest"):
        assert round_to_tick(on_grid, tick, mode) == on_grid


def test_floor_to_increment_floors_and_keeps_exponent():
    assert floor_to_increment(Decimal("62.4999"), Decimal("0.01")) == Decimal("62.49")
    assert floor_to_increment(Decimal("-3"), Decimal("0.01")) == Decimal("0.00")


def test_floor_to_increment_bad_increment_raises():
    with pytest.raises(ValueError, match="increment"):
        floor_to_increment(Decimal(1), Decimal(0))


@pytest.mark.parametrize(
    ("stake", "price", "expected"),
    [
        ("50", "0.80", "62.50"),
        ("50", "0.77", "64.93"),
        ("3.99", "0.80", "0.00"),
        ("4", "0.80", "5.00"),
    ],
)
def test_shares_for_stake_floors_to_grid_and_zero_below_min(stake, price, expected):
    result = shares_for_stake(Decimal(stake), Decimal(price), Decimal("0.01"), Decimal(5))

    assert result == Decimal(expected)


@given(
    stake=st.decimals(min_value="0", max_value="100000", places=6),
    price=st.decimals(min_value="0.001", max_value="0.999", places=3),
)
def test_shares_for_stake_never_overspends(stake, price):
    shares = shares_for_stake(stake, price, Decimal("0.01"), Decimal(5))

    assert shares * price <= stake
    assert shares == 0 or shares >= 5
    assert shares % Decimal("0.01") == 0


def test_shares_for_stake_zero_price_raises():
    with pytest.raises(ValueError, match="price"):
        shares_for_stake(Decimal(50), Decimal(0), Decimal("0.01"), Decimal(5))
