"""
Sizing: Kelly for binary tokens, equity caps, correlated-group capacity, drawdown steps.
"""

from decimal import Decimal

import pytest

from strategies.logic.sizing import Exposure
from strategies.logic.sizing import ExposureLimits
from strategies.logic.sizing import buy_capacity
from strategies.logic.sizing import capped_buy_quantity
from strategies.logic.sizing import correlation_groups
from strategies.logic.sizing import drawdown_size_multiplier
from strategies.logic.sizing import group_capacity
from strategies.logic.sizing import kelly_fraction
from strategies.logic.sizing import kelly_stake
from strategies.logic.sizing import order_cap
from strategies.logic.sizing import total_cap

pytestmark = pytest.mark.unit

D = Decimal
EQUITY = D(10_000)


def test_kelly_matches_textbook_formula() -> None:
    # b = 0.4 / 0.6 = 2/3, f* = (0.7 * 2/3 - 0.3) / (2/3) = 0.25 = (p - price) / (1 - price)
    assert kelly_fraction(D("0.7"), D("0.6")) == D("0.25")


@pytest.mark.parametrize(("p", "price"), [("0.5", "0.5"), ("0.4", "0.6"), ("0", "0.01")])
def test_kelly_is_zero_when_probability_at_or_below_price(p: str, price: str) -> None:
    assert kelly_fraction(D(p), D(price)) == 0


def test_kelly_of_certain_win_is_whole_bankroll() -> None:
    assert kelly_fraction(D(1), D("0.9")) == 1


@pytest.mark.parametrize(
    ("p", "price"), [("0.5", "0"), ("0.5", "1"), ("1.1", "0.5"), ("-0.1", "0.5")]
)
def test_kelly_rejects_prices_and_probabilities_out_of_range(p: str, price: str) -> None:
    with pytest.raises(ValueError, match="must be in"):
        kelly_fraction(D(p), D(price))


def test_fractional_kelly_stake_scales_full_kelly() -> None:
    assert kelly_stake(D("0.7"), D("0.6"), EQUITY, D("0.25")) == D("625.00")
    assert kelly_stake(D("0.7"), D("0.6"), EQUITY, D("0.5")) == D("1250.00")


def test_kelly_stake_is_capped_by_equity_fraction() -> None:
    assert kelly_stake(D("0.9"), D("0.5"), EQUITY, D("0.5"), max_fraction=D("0.02")) == D("200")


def test_kelly_stake_without_edge_or_equity_is_zero() -> None:
    assert kelly_stake(D("0.5"), D("0.6"), EQUITY, D("0.25")) == 0
    assert kelly_stake(D("0.9"), D("0.5"), D(0), D("0.25")) == 0
    assert kelly_stake(D("0.9"), D("0.5"), D(-5), D("0.25")) == 0


@pytest.mark.parametrize("multiplier", ["0", "1.5"])
def test_kelly_stake_rejects_multiplier_out_of_range(multiplier: str) -> None:
    with pytest.raises(ValueError, match="multiplier"):
        kelly_stake(D("0.9"), D("0.5"), EQUITY, D(multiplier))


def test_order_cap_is_equity_fraction_then_absolute_cap_then_scaled() -> None:
    assert order_cap(ExposureLimits(), EQUITY) == D(200)
    assert order_cap(ExposureLimits(max_order_usdc=D(20)), EQUITY) == D(20)
    assert order_cap(ExposureLimits(), EQUITY, D("0.75")) == D(150)


def test_total_cap_takes_the_tighter_of_fraction_and_absolute() -> None:
    assert total_cap(ExposureLimits(), EQUITY) == D(6000)
    assert total_cap(ExposureLimits(max_total_usdc=D(100)), EQUITY) == D(100)


def test_capacity_is_order_cap_when_nothing_else_binds() -> None:
    assert buy_capacity(ExposureLimits(), Exposure(equity=EQUITY)) == D(200)


def test_capacity_is_remaining_market_room_when_market_cap_binds() -> None:
    exposure = Exposure(equity=EQUITY, market=D(950), total=D(950))

    assert buy_capacity(ExposureLimits(), exposure) == D(50)


def test_capacity_is_remaining_total_room_when_total_cap_binds() -> None:
    exposure = Exposure(equity=EQUITY, total=D(5_900))

    assert buy_capacity(ExposureLimits(), exposure) == D(100)


def test_capacity_is_remaining_group_room_when_group_cap_binds() -> None:
    exposure = Exposure(equity=EQUITY, total=D(1_970), groups={"event:e": D(1_970)})

    assert buy_capacity(ExposureLimits(), exposure) == D(30)


def test_full_correlated_group_leaves_no_capacity() -> None:
    exposure = Exposure(equity=EQUITY, total=D(2_500), groups={"event:e": D(2_500)})

    assert group_capacity(ExposureLimits(), EQUITY, D(2_500)) == 0
    assert buy_capacity(ExposureLimits(), exposure) == 0


def test_capacity_is_zero_without_equity() -> None:
    assert buy_capacity(ExposureLimits(), Exposure(equity=D(0))) == 0
    assert buy_capacity(ExposureLimits(), Exposure(equity=D(-10))) == 0


def test_phase_one_caps_bind_a_large_bankroll() -> None:
    limits = ExposureLimits(max_order_usdc=D(20), max_total_usdc=D(100))

    assert buy_capacity(limits, Exposure(equity=EQUITY)) == D(20)
    assert buy_capacity(limits, Exposure(equity=EQUITY, total=D(90))) == D(10)


def test_capped_quantity_keeps_desired_size_within_capacity() -> None:
    assert capped_buy_quantity(D("62.5"), D("0.80"), D(200), D("0.01"), D(5)) == D("62.50")


def test_capped_quantity_cuts_to_capacity_on_the_size_grid() -> None:
    # 20 / 0.3 = 66.666…, floored to 66.66 shares (19.998 USDC)
    quantity = capped_buy_quantity(D(100), D("0.3"), D(20), D("0.01"), D(5))

    assert quantity == D("66.66")
    assert quantity * D("0.3") <= 20


def test_capped_quantity_below_minimum_size_is_zero() -> None:
    assert capped_buy_quantity(D(100), D("0.80"), D(3), D("0.01"), D(5)) == 0


def test_capped_quantity_with_no_capacity_is_zero() -> None:
    assert capped_buy_quantity(D(100), D("0.80"), D(0), D("0.01"), D(5)) == 0


def test_exposure_limits_reject_fractions_out_of_range() -> None:
    with pytest.raises(ValueError, match="order_fraction"):
        ExposureLimits(order_fraction=D("1.5"))
    with pytest.raises(ValueError, match="max_order_usdc"):
        ExposureLimits(max_order_usdc=D(0))


def test_correlation_groups_from_event_and_shared_resolution_source() -> None:
    assert correlation_groups("ev1", "politics", 5, ["crypto"]) == ("event:ev1",)
    assert correlation_groups("ev2", "crypto", 5, ["crypto"]) == ("event:ev2", "source:crypto:5")
    assert correlation_groups("", "crypto", 5, ["crypto"]) == ("source:crypto:5",)
    assert correlation_groups("", "sports", 5, ["crypto"]) == ()


def test_btc_windows_ending_together_share_a_group_and_others_do_not() -> None:
    five_minute = correlation_groups("ev-5m", "crypto", 1_000, ["crypto"])
    fifteen_minute = correlation_groups("ev-15m", "crypto", 1_000, ["crypto"])
    next_window = correlation_groups("ev-next", "crypto", 1_300, ["crypto"])

    assert set(five_minute) & set(fifteen_minute) == {"source:crypto:1000"}
    assert set(five_minute) & set(next_window) == set()


def test_drawdown_multiplier_steps() -> None:
    steps = ((D("0.10"), D("0.75")), (D("0.50"), D("0.50")))
    limit = D("0.05")

    assert drawdown_size_multiplier(D(0), limit, steps) == 1
    assert drawdown_size_multiplier(D("0.0049"), limit, steps) == 1
    assert drawdown_size_multiplier(D("0.005"), limit, steps) == D("0.75")
    assert drawdown_size_multiplier(D("0.03"), limit, steps) == D("0.50")


def test_drawdown_multiplier_rejects_non_positive_limit() -> None:
    with pytest.raises(ValueError, match="max_drawdown"):
        drawdown_size_multiplier(D("0.01"), D(0), ())
