"""
The pre-trade gate: one test per rule, plus the edges where caps bind exactly.
"""

from dataclasses import replace
from decimal import Decimal

import pytest

from strategies.logic.risk_gate import NANOS_PER_SECOND
from strategies.logic.risk_gate import GateContext
from strategies.logic.risk_gate import GateLimits
from strategies.logic.risk_gate import MarketRules
from strategies.logic.risk_gate import OrderIntent
from strategies.logic.risk_gate import Refusal
from strategies.logic.risk_gate import check_order
from strategies.logic.sizing import Exposure
from strategies.logic.sizing import ExposureLimits

pytestmark = pytest.mark.unit

D = Decimal
NOW = 1_750_000_000 * NANOS_PER_SECOND
MARKET = MarketRules(tick=D("0.01"))
LIMITS = GateLimits()
CONTEXT = GateContext(now_ns=NOW, exposure=Exposure(equity=D(10_000)), mid=D("0.795"))
BUY = OrderIntent(side="BUY", price=D("0.80"), quantity=D("62.5"), marketable=True)
SELL = OrderIntent(side="SELL", price=D("0.79"), quantity=D(10))


def gate(intent=BUY, market=MARKET, context=CONTEXT, limits=LIMITS):
    return check_order(intent, market, context, limits)


def with_exposure(**fields) -> GateContext:
    return replace(CONTEXT, exposure=replace(CONTEXT.exposure, **fields))


def test_plain_buy_within_limits_is_allowed() -> None:
    decision = gate()

    assert decision.allowed
    assert decision.reason is None


def test_everything_is_refused_while_halted() -> None:
    halted = replace(CONTEXT, trading_state="HALTED", held=D(100))

    assert gate(context=halted).reason == Refusal.HALTED
    assert gate(SELL, context=halted).reason == Refusal.HALTED


def test_reducing_refuses_buys_and_allows_covered_sells() -> None:
    reducing = replace(CONTEXT, trading_state="REDUCING", held=D(100))

    assert gate(context=reducing).reason == Refusal.REDUCING
    assert gate(SELL, context=reducing).allowed


def test_resolved_market_is_refused() -> None:
    assert gate(market=replace(MARKET, resolved=True)).reason == Refusal.MARKET_RESOLVED


@pytest.mark.parametrize(("price", "quantity"), [("0", "10"), ("1", "10"), ("0.5", "0")])
def test_prices_outside_zero_one_and_empty_orders_are_invalid(price: str, quantity: str) -> None:
    intent = replace(BUY, price=D(price), quantity=D(quantity))

    assert gate(intent).reason == Refusal.INVALID_ORDER


def test_price_off_the_tick_grid_is_refused() -> None:
    assert gate(replace(BUY, price=D("0.805"))).reason == Refusal.OFF_TICK


def test_fine_tick_market_accepts_its_grid() -> None:
    market = replace(MARKET, tick=D("0.001"))
    context = replace(CONTEXT, mid=D("0.9605"))

    assert gate(replace(BUY, price=D("0.961"), quantity=D(10)), market, context).allowed
    assert gate(replace(BUY, price=D("0.9615"), quantity=D(10)), market, context).reason == (
        Refusal.OFF_TICK
    )


def test_size_off_the_size_grid_is_refused() -> None:
    assert gate(replace(BUY, quantity=D("62.505"))).reason == Refusal.OFF_SIZE_GRID


def test_size_below_venue_minimum_is_refused() -> None:
    assert gate(replace(BUY, quantity=D("4.99"))).reason == Refusal.BELOW_MIN_SIZE


def test_marketable_order_below_one_dollar_is_refused_resting_one_is_not() -> None:
    cheap = OrderIntent(side="BUY", price=D("0.10"), quantity=D(5), marketable=True)
    context = replace(CONTEXT, mid=D("0.105"))

    assert gate(cheap, context=context).reason == Refusal.BELOW_MIN_NOTIONAL
    assert gate(replace(cheap, marketable=False), context=context).allowed


def test_sell_without_holding_is_refused() -> None:
    assert gate(SELL).reason == Refusal.NAKED_SELL


def test_sell_beyond_holding_counting_resting_sells_is_refused() -> None:
    context = replace(CONTEXT, held=D(15), open_sells=D(10))

    assert gate(SELL, context=context).reason == Refusal.NAKED_SELL
    assert gate(replace(SELL, quantity=D(5)), context=context).allowed


def test_no_reference_price_is_refused() -> None:
    assert gate(context=replace(CONTEXT, mid=None)).reason == Refusal.NO_REFERENCE_PRICE


def test_price_far_from_mid_is_refused_and_at_the_limit_allowed() -> None:
    far = replace(CONTEXT, mid=D("0.59"))
    edge = replace(CONTEXT, mid=D("0.60"))

    assert gate(context=far).reason == Refusal.PRICE_FAR_FROM_MID
    assert gate(context=edge).allowed


def test_edge_over_thirty_percent_is_refused_as_bad_data() -> None:
    intent = replace(BUY, price=D("0.60"), quantity=D(10), probability=D("0.95"))
    context = replace(CONTEXT, mid=D("0.60"))

    assert gate(intent, context=context).reason == Refusal.EDGE_TOO_LARGE
    assert gate(replace(intent, probability=D("0.90")), context=context).allowed


def test_sell_edge_is_measured_the_other_way() -> None:
    intent = replace(SELL, price=D("0.60"), probability=D("0.25"))
    context = replace(CONTEXT, mid=D("0.60"), held=D(100))

    assert gate(intent, context=context).reason == Refusal.EDGE_TOO_LARGE
    assert gate(replace(intent, probability=D("0.95")), context=context).allowed


def test_second_buy_in_a_market_within_cooldown_is_refused() -> None:
    recent = replace(CONTEXT, last_buy_ns=NOW - 59 * NANOS_PER_SECOND)
    expired = replace(CONTEXT, last_buy_ns=NOW - 60 * NANOS_PER_SECOND)

    assert gate(context=recent).reason == Refusal.COOLDOWN
    assert gate(context=expired).allowed


def test_cooldown_never_blocks_an_exit() -> None:
    context = replace(CONTEXT, last_buy_ns=NOW - NANOS_PER_SECOND, held=D(100))

    assert gate(SELL, context=context).allowed


def test_buy_without_equity_is_refused() -> None:
    assert gate(context=with_exposure(equity=D(0))).reason == Refusal.NO_EQUITY


def test_single_order_over_two_percent_is_refused_and_exactly_two_allowed() -> None:
    at_cap = replace(BUY, quantity=D(250))  # 250 x 0.80 = 200 = 2 % of 10,000
    over = replace(BUY, quantity=D("250.01"))

    assert gate(at_cap).allowed
    assert gate(over).reason == Refusal.ORDER_CAP


def test_drawdown_size_multiplier_shrinks_the_order_cap() -> None:
    context = replace(CONTEXT, size_multiplier=D("0.75"))

    assert gate(replace(BUY, quantity=D(250)), context=context).reason == Refusal.ORDER_CAP
    assert gate(replace(BUY, quantity=D("187.5")), context=context).allowed


def test_phase_order_cap_binds_before_the_fraction() -> None:
    limits = GateLimits(exposure=ExposureLimits(max_order_usdc=D(20)))

    assert gate(limits=limits).reason == Refusal.ORDER_CAP
    assert gate(replace(BUY, quantity=D(25)), limits=limits).allowed


def test_market_exposure_over_ten_percent_is_refused() -> None:
    context = with_exposure(market=D(960), total=D(960))

    assert gate(context=context).reason == Refusal.MARKET_CAP
    assert gate(replace(BUY, quantity=D(50)), context=context).allowed  # 960 + 40 = 1,000


def test_total_exposure_over_sixty_percent_is_refused() -> None:
    context = with_exposure(total=D(5_960))

    assert gate(context=context).reason == Refusal.TOTAL_CAP
    assert gate(replace(BUY, quantity=D(50)), context=context).allowed


def test_phase_total_exposure_cap_binds_before_the_fraction() -> None:
    limits = GateLimits(exposure=ExposureLimits(max_total_usdc=D(100)))
    context = with_exposure(total=D(90))

    assert gate(replace(BUY, quantity=D(25)), context=context, limits=limits).reason == (
        Refusal.TOTAL_CAP
    )
    assert gate(replace(BUY, quantity=D("12.5")), context=context, limits=limits).allowed


def test_full_correlated_group_refuses_a_buy_in_another_market_of_it() -> None:
    context = with_exposure(total=D(2_000), groups={"event:e": D(2_000)})

    assert gate(context=context).reason == Refusal.GROUP_CAP


def test_group_cap_allows_up_to_the_remaining_room() -> None:
    context = with_exposure(total=D(1_960), groups={"event:e": D(1_960), "source:x": D(0)})

    assert gate(replace(BUY, quantity=D(50)), context=context).allowed
    assert gate(replace(BUY, quantity=D("50.01")), context=context).reason == Refusal.GROUP_CAP


def test_exposure_caps_never_block_a_covered_sell() -> None:
    context = with_exposure(market=D(5_000), total=D(9_000), groups={"event:e": D(9_000)})
    context = replace(context, held=D(100))

    assert gate(SELL, context=context).allowed


@pytest.mark.parametrize(
    ("field", "value"),
    [("cooldown_secs", -1), ("max_edge", D(0)), ("max_mid_distance", D(2))],
)
def test_limits_reject_values_out_of_range(field: str, value: object) -> None:
    with pytest.raises(ValueError, match=field):
        GateLimits(**{field: value})
