"""
Complete, realistic inputs for the feature-builder microbenchmark.
"""

from nautilus_trader.model.identifiers import InstrumentId

from actors.data_types import OrderFlowImbalance
from actors.data_types import TASnapshot
from actors.logic.features import UpDownState

_BTC = InstrumentId.from_str("BTCUSDT-PERP.BINANCE")
_T0 = 1_780_318_800 * 1_000_000_000  # 2026-06-01T13:00:00Z


def sample_inputs() -> tuple[TASnapshot, OrderFlowImbalance, UpDownState]:
    """
    Return a warmed-up TASnapshot, a Binance OrderFlowImbalance and an up/down state.
    """
    ta = TASnapshot(
        instrument_id=_BTC,
        price=65_120.5,
        rsi_7=0.61,
        rsi_14=0.57,
        rsi_30=0.52,
        macd_signal=18.0,
        stoch_k=72.0,
        bollinger_pct_b=0.8,
        atr=95.0,
        ema_diff_norm=0.0004,
        momentum_30=0.0002,
        momentum_60=0.0005,
        momentum_120=0.0009,
        trend_1h=1.0,
        warmed_up=True,
        ts_event=_T0,
        ts_init=_T0,
    )
    flow = OrderFlowImbalance(
        instrument_id=_BTC,
        buy_volume=12.0,
        sell_volume=8.0,
        signed_volume=4.0,
        book_imbalance=0.55,
        book_imbalance_deep=0.48,
        spread_norm=1.5e-6,
        vwap_to_mid_bid=-2e-5,
        vwap_to_mid_ask=3e-5,
        aggressor_ratio_30=0.6,
        aggressor_ratio_60=0.58,
        aggressor_ratio_120=0.52,
        cvd_60=35.5,
        ts_event=_T0,
        ts_init=_T0,
    )
    state = UpDownState(
        btc_price=65_120.5,
        window_open_price=65_000.0,
        window_start_ns=_T0,
        window_end_ns=_T0 + 300 * 1_000_000_000,
        now_ns=_T0 + 60 * 1_000_000_000,
        yes_price=0.62,
        no_price=0.40,
    )
    return ta, flow, state
