"""
Property tests: random order intents against random portfolio states never breach a limit.
"""

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from strategies.logic.risk_gate import NANOS_PER_SECOND
from strategies.logic.risk_gate import GateContext
from strategies.logic.risk_gate import GateLimits
from strategies.logic.risk_gate import MarketRules
from strategies.logic.risk_gate import OrderIntent
from strategies.logic.risk_gate import check_order
from strategies.logic.sizing import Exposure
from strategies.logic.sizing import ExposureLimits
from strategies.logic.sizing import buy_capacity
from strategies.logic.sizing import capped_buy_quantity
from strategies.logic.sizing import order_cap
from strategies.logic.sizing import total_cap

pytestmark = pytest.mark.unit

D = Decimal
NOW = 1_750_000_000 * NANOS_PER_SECOND
GROUPS = ("event:a", "event:b", "source:crypto:1")


def money(max_value: int) -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=0, max_value=max_value, places=2)


def fraction(low: str, high: str) -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=D(low), max_value=D(high), places=3)


limits_st = st.builds(
    GateLimits,
    exposure=st.builds(
        ExposureLimits,
        order_fraction=fraction("0.005", "0.2"),
        market_fraction=fraction("0.01", "0.5"),
        total_fraction=fraction("0.1", "1"),
        group_fraction=fraction("0.02", "0.8"),
        max_order_usdc=st.none() | money(500).filter(lambda v: v > 0),
        max_total_usdc=st.none() | money(5_000).filter(lambda v: v > 0),
    ),
    cooldown_secs=st.integers(0, 300),
    max_edge=fraction("0.05", "0.5"),
    max_mid_distance=fraction("0.01", "0.5"),
    min_marketable_notional=money(5),
)


def mostly(value: object, *others: object) -> st.SearchStrategy:
    """Draw ``value`` most of the time, else one of ``others`` (keeps allowed cases common)."""
    return st.sampled_from([value] * 15 + list(others))


@st.composite
def intents(draw: st.DrawFn, tick: Decimal) -> OrderIntent:
    last_step = int(1 / tick)
    inside = draw(mostly(True, False))
    steps = draw(st.integers(1, last_step - 1) if inside else st.sampled_from([-1, 0, last_step]))
    quantity = D(draw(st.integers(1, 80) if draw(mostly(True, False)) else st.integers(-1, 0)))
    return OrderIntent(
        side=draw(st.sampled_from(["BUY", "SELL"])),
        price=steps * tick + draw(mostly(D(0), tick / 2, D("0.0001"))),
        quantity=quantity + draw(mostly(D(0), D("0.005"))),
        marketable=draw(st.booleans()),
        probability=draw(st.none() | st.decimals(min_value=0, max_value=1, places=3)),
    )


@st.composite
def exposures(draw: st.DrawFn) -> Exposure:
    funded = draw(mostly(True, False))
    equity = draw(money(50_000) if funded else st.sampled_from([D(0), D(-5)]))
    scale = max(equity, D(0))
    groups = st.dictionaries(st.sampled_from(GROUPS), fraction("0", "0.9").map(lambda f: f * scale))
    return Exposure(
        equity=equity,
        market=draw(fraction("0", "0.6")) * scale,
        total=draw(fraction("0", "1.1")) * scale,
        groups=draw(groups),
    )


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[OrderIntent, MarketRules, GateContext, GateLimits]:
    tick = draw(st.sampled_from([D("0.01"), D("0.001")]))
    market = MarketRules(
        tick=tick,
        size_increment=draw(st.sampled_from([D("0.01"), D(1)])),
        min_size=draw(st.sampled_from([D(1), D(5), D(10)])),
        resolved=draw(mostly(False, True)),
    )
    intent = draw(intents(tick))
    offset = draw(mostly(D(0), None) | st.decimals(min_value=D("-0.5"), max_value=D("0.5")))
    context = GateContext(
        now_ns=NOW,
        exposure=draw(exposures()),
        held=draw(st.decimals(min_value=-10, max_value=3_000, places=2)),
        open_sells=draw(money(1_000)),
        mid=None if offset is None else min(max(intent.price + offset, D("0.001")), D("0.999")),
        last_buy_ns=draw(st.none() | st.integers(NOW - 600 * NANOS_PER_SECOND, NOW)),
        trading_state=draw(mostly("ACTIVE", "REDUCING", "HALTED")),
        size_multiplier=draw(st.sampled_from([D(1), D("0.75"), D("0.5"), D(0)])),
    )
    return intent, market, context, draw(limits_st)


def assert_shape_and_state(intent, market, context, limits) -> None:
    assert context.trading_state != "HALTED"
    assert not (context.trading_state == "REDUCING" and intent.side == "BUY")
    assert not market.resolved
    assert market.tick <= intent.price <= 1 - market.tick
    assert intent.price % market.tick == 0
    assert intent.quantity % market.size_increment == 0
    assert intent.quantity >= market.min_size > 0
    assert not intent.marketable or intent.notional >= limits.min_marketable_notional
    assert context.mid is not None
    assert abs(intent.price - context.mid) <= limits.max_mid_distance
    if intent.probability is not None:
        edge = intent.probability - intent.price
        assert (edge if intent.side == "BUY" else -edge) <= limits.max_edge


def assert_exposure(intent, context, limits) -> None:
    if intent.side == "SELL":
        assert context.open_sells + intent.quantity <= context.held
        return
    exposure, caps, notional = context.exposure, limits.exposure, intent.notional
    assert exposure.equity > 0
    if context.last_buy_ns is not None:
        assert context.now_ns - context.last_buy_ns >= limits.cooldown_secs * NANOS_PER_SECOND
    assert notional <= order_cap(caps, exposure.equity, context.size_multiplier)
    assert exposure.market + notional <= caps.market_fraction * exposure.equity
    assert exposure.total + notional <= total_cap(caps, exposure.equity)
    for group_exposure in exposure.groups.values():
        assert group_exposure + notional <= caps.group_fraction * exposure.equity


@settings(max_examples=600, deadline=None)
@given(scenario=scenarios())
def test_an_allowed_order_never_breaches_a_limit(scenario) -> None:
    intent, market, context, limits = scenario

    decision = check_order(intent, market, context, limits)

    if decision.allowed:
        assert_shape_and_state(intent, market, context, limits)
        assert_exposure(intent, context, limits)
    else:
        assert decision.detail


@settings(max_examples=150, deadline=None)
@given(
    limits=limits_st,
    equity=st.decimals(min_value=100, max_value=50_000, places=2),
    orders=st.lists(
        st.tuples(
            st.sampled_from(["m1", "m2", "m3", "m4"]),
            st.decimals(min_value=D("0.05"), max_value=D("0.95"), places=2),
            st.decimals(min_value=1, max_value=3_000, places=2),
        ),
        min_size=1,
        max_size=40,
    ),
)
def test_a_stream_of_allowed_buys_keeps_every_cap(limits, equity, orders) -> None:
    groups_of = {"m1": ("event:a",), "m2": ("event:a",), "m3": ("event:b",), "m4": ()}
    by_market: dict[str, Decimal] = {}
    by_group: dict[str, Decimal] = {}
    caps = limits.exposure
    now = NOW
    for market_id, price, quantity in orders:
        now += (limits.cooldown_secs + 1) * NANOS_PER_SECOND
        exposure = Exposure(
            equity=equity,
            market=by_market.get(market_id, D(0)),
            total=sum(by_market.values(), D(0)),
            groups={g: by_group.get(g, D(0)) for g in groups_of[market_id]},
        )
        context = GateContext(now_ns=now, exposure=exposure, mid=price)
        intent = OrderIntent(side="BUY", price=price, quantity=quantity)
        if check_order(intent, MarketRules(tick=D("0.01")), context, limits).allowed:
            by_market[market_id] = by_market.get(market_id, D(0)) + intent.notional
            for group in groups_of[market_id]:
                by_group[group] = by_group.get(group, D(0)) + intent.notional

        assert all(v <= caps.market_fraction * equity for v in by_market.values())
        assert sum(by_market.values(), D(0)) <= total_cap(caps, equity)
        assert all(v <= caps.group_fraction * equity for v in by_group.values())


@settings(max_examples=150, deadline=None)
@given(
    scenario=scenarios(),
    price=st.decimals(min_value=D("0.01"), max_value=D("0.99"), places=2),
    desired=st.decimals(min_value=1, max_value=5_000, places=2),
)
def test_a_size_from_sizing_always_passes_the_gate_caps(scenario, price, desired) -> None:
    _, _, context, limits = scenario
    context = replace(context, trading_state="ACTIVE", mid=price, last_buy_ns=None)
    capacity = buy_capacity(limits.exposure, context.exposure, context.size_multiplier)
    quantity = capped_buy_quantity(desired, price, capacity, D("0.01"), D(5))
    intent = OrderIntent(side="BUY", price=price, quantity=quantity)

    decision = check_order(intent, MarketRules(tick=D("0.01")), context, limits)

    if quantity > 0:
        assert decision.allowed, decision
    assert quantity * price <= max(capacity, D(0))
