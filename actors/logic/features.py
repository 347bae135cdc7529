"""
Pure feature builder for the BTC up/down model, shared by dataset building and live inference.

``build_features`` turns the latest ``TASnapshot`` and Binance ``OrderFlowImbalance`` plus the
market's ``UpDownState`` into a ``dict[str, float]`` whose keys are exactly ``FEATURE_NAMES``
in that order, so ``list(features.values())`` is the model's input row. Plain floats only: no
pandas, no NumPy, no clock. A missing input makes its features NaN, never zero;
``is_complete`` says whether a row has no NaN left.

Choices:

- A ``TASnapshot`` that is not ``warmed_up`` counts as missing (every TA feature NaN), so
  half-initialised indicators never reach the model.
- ``macd_signal`` and ``atr`` are in BTC price units; they enter divided by the snapshot's
  price (``ta_macd_signal_norm``, ``ta_atr_norm``) so the features do not drift with the
  BTC level.
- ``OrderFlowImbalance.liquidation_imbalance`` is left out: no liquidation feed exists, so it
  is always NaN. ``book_imbalance`` covers Binance levels 1–5 and ``book_imbalance_deep``
  levels 6–10 (the data-type contract).
- The mean-reversion flag compares ``|btc − open| × 10_000 > 30 × open`` (0.3 %, strict), so a
  move of exactly 0.3 % does not set it and round-number prices give exact results.
- ``time_left_frac`` is ``(end − now) / (end − start)`` clamped into [0, 1]; NaN when the window
  has no length.
"""

import math
from dataclasses import dataclass

from actors.data_types import OrderFlowImbalance
from actors.data_types import TASnapshot

NAN = math.nan
MEAN_REVERSION_THRESHOLD_BPS = 30
_BPS = 10_000

TA_FEATURE_NAMES: tuple[str, ...] = (
    "ta_rsi_7",
    "ta_rsi_14",
    "ta_rsi_30",
    "ta_macd_signal_norm",
    "ta_stoch_k",
    "ta_bollinger_pct_b",
    "ta_atr_norm",
    "ta_ema_diff_norm",
    "ta_momentum_30",
    "ta_momentum_60",
    "ta_momentum_120",
    "ta_trend_1h",
)
FLOW_FEATURE_NAMES: tuple[str, ...] = (
    "flow_book_imbalance_l5",
    "flow_book_imbalance_l6_10",
    "flow_spread_norm",
    "flow_vwap_to_mid_bid",
    "flow_vwap_to_mid_ask",
    "flow_aggressor_ratio_30",
    "flow_aggressor_ratio_60",
    "flow_aggressor_ratio_120",
    "flow_cvd_60",
)
STATE_FEATURE_NAMES: tuple[str, ...] = (
    "btc_log_return_from_open",
    "time_left_frac",
    "yes_price",
    "no_price",
    "book_overround",
    "mean_reversion_flag",
)
FEATURE_NAMES: tuple[str, ...] = TA_FEATURE_NAMES + FLOW_FEATURE_NAMES + STATE_FEATURE_NAMES

_TA_MISSING = (NAN,) * len(TA_FEATURE_NAMES)
_FLOW_MISSING = (NAN,) * len(FLOW_FEATURE_NAMES)


@dataclass(frozen=True, slots=True)
class UpDownState:
    """
    The state of one BTC up/down market window at the moment features are built.

    Parameters
    ----------
    btc_price : float
        The latest BTC price (NaN if unknown).
    window_open_price : float
        The BTC price at the window start (NaN if unknown).
    window_start_ns : int
        The window start (UNIX nanoseconds).
    window_end_ns : int
        The window end (UNIX nanoseconds).
    now_ns : int
        The time the features describe (the triggering input's ``ts_event``).
    yes_price : float
        The Up (YES) token mid (NaN if unknown).
    no_price : float
        The Down (NO) token mid (NaN if unknown).

    """

    btc_price: float
    window_open_price: float
    window_start_ns: int
    window_end_ns: int
    now_ns: int
    yes_price: float
    no_price: float


def build_features(
    ta: TASnapshot | None,
    btc_flow: OrderFlowImbalance | None,
    state: UpDownState,
) -> dict[str, float]:
    """
    Return the model features, keyed and ordered by ``FEATURE_NAMES``.

    Parameters
    ----------
    ta : TASnapshot or None
        The latest BTC technical snapshot (``None`` or not warmed up → its features NaN).
    btc_flow : OrderFlowImbalance or None
        The latest Binance BTCUSDT-PERP order-flow features (``None`` → their features NaN).
    state : UpDownState
        The market window state.

    Returns
    -------
    dict[str, float]

    """
    values = _ta_values(ta) + _flow_values(btc_flow) + _state_values(state)
    return dict(zip(FEATURE_NAMES, values, strict=True))


def is_complete(features: dict[str, float]) -> bool:
    """
    Return whether no feature is NaN.
    """
    return not any(value != value for value in features.values())  # NaN != NaN


def _ta_values(ta: TASnapshot | None) -> tuple[float, ...]:
    if ta is None or not ta.warmed_up:
        return _TA_MISSING
    price = ta.price
    scale = 1.0 / price if price > 0.0 else NAN
    return (
        ta.rsi_7,
        ta.rsi_14,
        ta.rsi_30,
        ta.macd_signal * scale,
        ta.stoch_k,
        ta.bollinger_pct_b,
        ta.atr * scale,
        ta.ema_diff_norm,
        ta.momentum_30,
        ta.momentum_60,
        ta.momentum_120,
        ta.trend_1h,
    )


def _flow_values(flow: OrderFlowImbalance | None) -> tuple[float, ...]:
    if flow is None:
        return _FLOW_MISSING
    return (
        flow.book_imbalance,
        flow.book_imbalance_deep,
        flow.spread_norm,
        flow.vwap_to_mid_bid,
        flow.vwap_to_mid_ask,
        flow.aggressor_ratio_30,
        flow.aggressor_ratio_60,
        flow.aggressor_ratio_120,
        flow.cvd_60,
    )


def _state_values(state: UpDownState) -> tuple[float, ...]:
    btc = state.btc_price
    open_price = state.window_open_price
    if btc > 0.0 and open_price > 0.0:  # False for NaN
        log_return = math.log(btc / open_price)
        moved = abs(btc - open_price) * _BPS > MEAN_REVERSION_THRESHOLD_BPS * open_price
        flag = 1.0 if moved else 0.0
    else:
        log_return = NAN
        flag = NAN
    return (
        log_return,
        time_left_fraction(state.window_start_ns, state.window_end_ns, state.now_ns),
        state.yes_price,
        state.no_price,
        state.yes_price + state.no_price - 1.0,
        flag,
    )


def time_left_fraction(start_ns: int, end_ns: int, now_ns: int) -> float:
    """
    Return the share of the window still to run, clamped into [0, 1] (NaN for an empty window).
    """
    length = end_ns - start_ns
    if length <= 0:
        return NAN
    return min(1.0, max(0.0, (end_ns - now_ns) / length))
