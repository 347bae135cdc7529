import math
from dataclasses import replace

import pytest
from nautilus_trader.model.identifiers import InstrumentId

from actors.data_types import OrderFlowImbalance
from actors.data_types import TASnapshot
from actors.logic.features import FEATURE_NAMES
from actors.logic.features import FLOW_FEATURE_NAMES
from actors.logic.features import STATE_FEATURE_NAMES
from actors.logic.features import TA_FEATURE_NAMES
from actors.logic.features import UpDownState
from actors.logic.features import build_features
from actors.logic.features import is_complete
from actors.logic.features import time_left_fraction

pytestmark = pytest.mark.unit

SEC = 1_000_000_000
START = 1_748_865_600 * SEC
END = START + 300 * SEC
BTC = InstrumentId.from_str("BTCUSDT-PERP.BINANCE")


def _ta(warmed_up: bool = True) -> TASnapshot:
    return TASnapshot(
        instrument_id=BTC,
        price=100_000.0,
        rsi_7=0.61,
        rsi_14=0.57,
        rsi_30=0.52,
        macd_signal=25.0,
        stoch_k=72.0,
        bollinger_pct_b=0.8,
        atr=150.0,
        ema_diff_norm=0.0004,
        momentum_30=0.0002,
        momentum_60=0.0005,
        momentum_120=0.0009,
        trend_1h=1.0,
        warmed_up=warmed_up,
        ts_event=START,
        ts_init=START,
    )


def _flow() -> OrderFlowImbalance:
    # liquidation_imbalance and yes_no_divergence stay NaN, as on Binance
    return OrderFlowImbalance(
        instrument_id=BTC,
        window_secs=30,
        buy_volume=12.0,
        sell_volume=8.0,
        signed_volume=4.0,
        book_imbalance=0.55,
        book_imbalance_deep=0.48,
        spread_norm=1e-6,
        vwap_to_mid_bid=-2e-5,
        vwap_to_mid_ask=3e-5,
        aggressor_ratio_30=0.6,
        aggressor_ratio_60=0.58,
        aggressor_ratio_120=0.52,
        cvd_60=35.5,
        ts_event=START,
        ts_init=START,
    )


def _state(**overrides: float | int) -> UpDownState:
    state = UpDownState(
        btc_price=100_150.0,
        window_open_price=100_000.0,
        window_start_ns=START,
        window_end_ns=END,
        now_ns=START + 60 * SEC,
        yes_price=0.62,
        no_price=0.40,
    )
    return replace(state, **overrides)


def test_every_name_present_in_order():
    features = build_features(_ta(), _flow(), _state())

    assert tuple(features) == FEATURE_NAMES
    assert len(set(FEATURE_NAMES)) == len(FEATURE_NAMES)
    assert FEATURE_NAMES == TA_FEATURE_NAMES + FLOW_FEATURE_NAMES + STATE_FEATURE_NAMES
    assert all(type(value) is float for value in features.values())


def test_complete_inputs_give_no_nan():
    features = build_features(_ta(), _flow(), _state())

    assert is_complete(features)
    assert not any(math.isnan(value) for value in features.values())


def test_values_are_mapped_and_normalised():
    features = build_features(_ta(), _flow(), _state())

    assert features["ta_rsi_14"] == 0.57
    assert features["ta_macd_signal_norm"] == pytest.approx(25.0 / 100_000.0)
    assert features["ta_atr_norm"] == pytest.approx(150.0 / 100_000.0)
    assert features["flow_book_imbalance_l5"] == 0.55
    assert features["flow_book_imbalance_l6_10"] == 0.48
    assert features["flow_cvd_60"] == 35.5
    assert features["btc_log_return_from_open"] == pytest.approx(math.log(1.0015))
    assert features["time_left_frac"] == pytest.approx(0.8)
    assert features["book_overround"] == pytest.approx(0.02)
    assert features["mean_reversion_flag"] == 0.0


@pytest.mark.parametrize(
    ("ta", "flow", "nan_names"),
    [
        (None, _flow(), TA_FEATURE_NAMES),
        (_ta(warmed_up=False), _flow(), TA_FEATURE_NAMES),
        (_ta(), None, FLOW_FEATURE_NAMES),
        (None, None, TA_FEATURE_NAMES + FLOW_FEATURE_NAMES),
    ],
)
def test_missing_inputs_give_nan_not_zero(ta, flow, nan_names):
    features = build_features(ta, flow, _state())

    assert {name for name, value in features.items() if math.isnan(value)} == set(nan_names)
    assert not is_complete(features)


def test_missing_state_prices_give_nan():
    features = build_features(_ta(), _flow(), _state(window_open_price=math.nan, no_price=math.nan))

    nan_names = {name for name, value in features.items() if math.isnan(value)}

    assert nan_names == {
        "btc_log_return_from_open",
        "mean_reversion_flag",
        "no_price",
        "book_overround",
    }


@pytest.mark.parametrize(
    ("btc", "flag"),
    [
        (100_300.0, 0.0),  # Exactly +0.3 %
        (99_700.0, 0.0),  # Exactly −0.3 %
        (100_300.01, 1.0),
        (99_699.99, 1.0),
        (100_000.0, 0.0),
    ],
)
def test_mean_reversion_flag_threshold_is_strict(btc, flag):
    features = build_features(None, None, _state(btc_price=btc))

    assert features["mean_reversion_flag"] == flag


@pytest.mark.parametrize(
    ("now_ns", "expected"),
    [
        (START - 10 * SEC, 1.0),
        (START, 1.0),
        (START + 150 * SEC, 0.5),
        (END, 0.0),
        (END + 10 * SEC, 0.0),
    ],
)
def test_time_left_fraction_is_bounded(now_ns, expected):
    features = build_features(None, None, _state(now_ns=now_ns))

    assert features["time_left_frac"] == expected
    assert 0.0 <= features["time_left_frac"] <= 1.0


def test_time_left_fraction_empty_window_is_nan():
    assert math.isnan(time_left_fraction(START, START, START))
