import math
from pathlib import Path

import msgspec
import pytest
import yaml
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from nautilus_trader.common.config import ActorFactory
from nautilus_trader.common.config import ImportableActorConfig

from actors.logic.order_flow import NAN
from actors.logic.order_flow import FlowTotals
from actors.logic.order_flow import RollingFlow
from actors.logic.order_flow import deep_book_features
from actors.logic.order_flow import normalized_spread
from actors.logic.order_flow import same_values
from actors.logic.order_flow import size_imbalance
from actors.logic.order_flow import top_book_features
from actors.logic.order_flow import vwap_to_mid
from actors.logic.order_flow import yes_no_divergence
from actors.order_flow import OrderFlowActor
from actors.order_flow import OrderFlowActorConfig

pytestmark = pytest.mark.unit

S = 1_000_000_000
T0 = 1_748_865_600 * S
W30 = 30 * S
W60 = 60 * S
FRAGMENT = Path(__file__).resolve().parents[2] / "configs" / "actors" / "order_flow.yaml"


def test_event_exactly_one_window_old_is_evicted():
    flow = RollingFlow([W30])
    flow.add(T0, 2.0, buyer_aggressed=True)

    flow.advance(T0 + W30 - 1)
    inside = flow.totals(W30)
    flow.advance(T0 + W30)
    outside = flow.totals(W30)

    assert inside == FlowTotals(buy=2.0, sell=0.0)
    assert outside == FlowTotals(buy=0.0, sell=0.0)
    assert flow.count(W30) == 0


def test_each_window_evicts_at_its_own_boundary():
    flow = RollingFlow([W30, W60])
    flow.add(T0, 1.0, buyer_aggressed=True)
    flow.add(T0 + 20 * S, 3.0, buyer_aggressed=False)

    flow.advance(T0 + W30)

    assert flow.totals(W30) == FlowTotals(buy=0.0, sell=3.0)
    assert flow.totals(W60) == FlowTotals(buy=1.0, sell=3.0)
    flow.advance(T0 + W60)
    assert flow.totals(W60) == FlowTotals(buy=0.0, sell=3.0)
    flow.advance(T0 + 20 * S + W60)
    assert flow.totals(W60) == FlowTotals()


def test_emptied_window_sums_are_exactly_zero():
    flow = RollingFlow([W30])
    for i, qty in enumerate((0.1, 0.2, 0.7)):
        flow.add(T0 + i, qty, buyer_aggressed=True)

    flow.advance(T0 + 10 * W30)

    assert flow.totals(W30).buy == 0.0
    assert math.isnan(flow.totals(W30).aggressor_ratio)


def test_late_trade_counts_at_latest_time():
    flow = RollingFlow([W30])
    flow.add(T0 + 10 * S, 1.0, buyer_aggressed=True)
    flow.add(T0, 2.0, buyer_aggressed=True)

    flow.advance(T0 + W30)

    assert flow.totals(W30).buy == 3.0
    assert flow.last_ns == T0 + W30


def test_advance_backwards_is_ignored():
    flow = RollingFlow([W30])
    flow.add(T0, 1.0, buyer_aggressed=False)
    flow.advance(T0 + W30)

    flow.advance(T0)

    assert flow.totals(W30) == FlowTotals()
    assert flow.last_ns == T0 + W30


def test_cvd_is_negative_when_sellers_aggress_more():
    flow = RollingFlow([W60])
    flow.add(T0, 1.5, buyer_aggressed=True)
    flow.add(T0 + S, 4.0, buyer_aggressed=False)

    totals = flow.totals(W60)

    assert totals.signed == -2.5
    assert totals.aggressor_ratio == pytest.approx(1.5 / 5.5, rel=1e-15)


def test_invalid_windows_raise():
    with pytest.raises(ValueError, match="distinct and positive"):
        RollingFlow([W30, W30])
    with pytest.raises(ValueError, match="distinct and positive"):
        RollingFlow([0])
    with pytest.raises(ValueError, match="distinct and positive"):
        RollingFlow([])


def test_long_stream_compacts_and_matches_brute_force():
    flow = RollingFlow([W30, W60])
    events = [(T0 + i * 7_000_000, (i % 13) * 0.01, i % 3 != 0) for i in range(50_000)]

    for ts, qty, is_buy in events:
        flow.add(ts, qty, is_buy)

    now = events[-1][0]
    for window in (W30, W60):
        inside = [(q, b) for ts, q, b in events if ts > now - window]
        assert flow.count(window) == len(inside)
        assert flow.totals(window).buy == pytest.approx(math.fsum(q for q, b in inside if b))
        assert flow.totals(window).sell == pytest.approx(math.fsum(q for q, b in inside if not b))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 5 * S), st.floats(0, 100), st.booleans()),
        max_size=60,
    ),
)
def test_rolling_flow_matches_brute_force(steps):
    flow = RollingFlow([W30, W60])
    ts = T0
    seen = []
    for gap, qty, is_buy in steps:
        ts += gap
        flow.add(ts, qty, is_buy)
        seen.append((ts, qty, is_buy))
        for window in (W30, W60):
            inside = [(q, b) for t, q, b in seen if t > ts - window]
            buy = math.fsum(q for q, b in inside if b)
            sell = math.fsum(q for q, b in inside if not b)
            assert flow.totals(window).buy == pytest.approx(buy, abs=1e-9)
            assert flow.totals(window).sell == pytest.approx(sell, abs=1e-9)


def test_imbalance_with_empty_sides():
    assert math.isnan(size_imbalance([], []))
    assert math.isnan(size_imbalance([0.0], [0.0]))
    assert size_imbalance([3.0, 1.0], []) == 1.0
    assert size_imbalance([], [2.0]) == 0.0
    assert size_imbalance([3.0, 1.0], [2.0, 2.0]) == 0.5


def test_spread_and_vwap_need_both_sides():
    assert math.isnan(normalized_spread([], [0.5]))
    assert math.isnan(normalized_spread([0.5], []))
    assert math.isnan(vwap_to_mid([0.5], [10.0], NAN))
    assert math.isnan(vwap_to_mid([], [], 0.5))


def test_vwap_to_mid_on_hand_computed_book():
    features = deep_book_features([100.0, 99.0], [1.0, 3.0], [101.0, 103.0], [2.0, 2.0])

    # mid 100.5; bid VWAP (100·1 + 99·3)/4 = 99.25; ask VWAP (101·2 + 103·2)/4 = 102.
    assert features.vwap_to_mid_bid == pytest.approx(-1.25 / 100.5, rel=1e-14)
    assert features.vwap_to_mid_ask == pytest.approx(1.5 / 100.5, rel=1e-14)
    assert features.spread_norm == pytest.approx(1.0 / 100.5, rel=1e-14)
    assert features.imbalance == 0.5
    assert math.isnan(features.imbalance_deep)


def test_deep_features_use_levels_one_to_five_and_six_to_ten():
    bid_px = [100.0 - i for i in range(12)]
    ask_px = [101.0 + i for i in range(12)]
    bid_sz = [1.0] * 5 + [4.0] * 5 + [1000.0] * 2
    ask_sz = [2.0] * 5 + [1.0] * 5 + [1000.0] * 2

    features = deep_book_features(bid_px, bid_sz, ask_px, ask_sz)

    assert features.imbalance == pytest.approx(5.0 / 15.0, rel=1e-15)
    assert features.imbalance_deep == pytest.approx(20.0 / 25.0, rel=1e-15)
    # Top 10 only: bid VWAP (5·(100+…+96)·1 + (95+…+91)·4) / 25, levels 11–12 excluded.
    bid_vwap = (sum(bid_px[:5]) + 4.0 * sum(bid_px[5:10])) / 25.0
    assert features.vwap_to_mid_bid == pytest.approx((bid_vwap - 100.5) / 100.5, rel=1e-14)


def test_top_features_respect_level_count():
    features = top_book_features([0.5, 0.49], [10.0, 90.0], [0.52], [10.0], levels=1)

    assert features.imbalance == 0.5
    assert features.spread_norm == pytest.approx(0.02 / 0.51, rel=1e-14)
    assert math.isnan(features.vwap_to_mid_bid)


def test_divergence_is_own_minus_sibling_signed_volume():
    yes = RollingFlow([W30])
    no = RollingFlow([W30])
    yes.add(T0, 10.0, buyer_aggressed=True)
    no.add(T0, 4.0, buyer_aggressed=False)

    yes_signed = yes.totals(W30).signed
    no_signed = no.totals(W30).signed

    assert yes_no_divergence(yes_signed, no_signed) == 14.0
    assert yes_no_divergence(no_signed, yes_signed) == -14.0


def test_same_values_treats_nan_as_equal():
    assert same_values({"a": NAN, "b": 1.0}, {"a": float("nan"), "b": 1.0})
    assert not same_values({"a": NAN}, {"a": 0.0})
    assert not same_values({"a": 1.0}, {"b": 1.0})


def test_yaml_fragment_builds_the_actor():
    entry = yaml.safe_load(FRAGMENT.read_text())["actors"]["order_flow"]

    actor = ActorFactory.create(ImportableActorConfig(**entry))

    assert isinstance(actor, OrderFlowActor)
    config = OrderFlowActorConfig.parse(msgspec.json.encode(entry["config"]))
    assert config == OrderFlowActorConfig(log_commands=False)  # the fragment only quiets logs


def test_config_rejects_malformed_binance_id_and_bad_interval():
    with pytest.raises(msgspec.ValidationError, match=r"missing '\.' separator"):
        OrderFlowActorConfig.parse(msgspec.json.encode({"binance_instrument_ids": ["BTCUSDT"]}))
    with pytest.raises(msgspec.ValidationError, match=">= 0"):
        OrderFlowActorConfig.parse(msgspec.json.encode({"min_publish_interval_ms": -1}))
