"""
Publish ``TASnapshot``: NautilusTrader indicators on internal 1-minute bars plus trade momentum.

Bars are aggregated by the DataEngine from the instrument's trade ticks
(``<instrument_id>-1-MINUTE-LAST-INTERNAL``), so backtest, paper and live build them the same
way. Conventions read from the 1.221 indicator source (``nautilus_trader/indicators``):

- RSI is on a 0–1 scale. Its default average is an EMA with alpha 2/(n+1); we pass
  ``MovingAverageType.WILDER`` (alpha 1/n) to get Wilder's RSI. Nautilus seeds each average with
  its first input and feeds a zero gain and loss for the first bar.
- MACD(12, 26) exposes only the MACD line (fast EMA − slow EMA), no signal line. The signal is
  an ``ExponentialMovingAverage(9)`` fed the MACD value of every bar from the first one.
- ATR defaults to a simple average of true ranges; we pass WILDER, as in Wilder's definition.
  The first bar's true range is its high − low.
- Bollinger bands are computed on the typical price (h + l + c) / 3 with a population standard
  deviation; %B places the bar close in them.
- Stochastics keeps its previous %K when a window's high equals its low.

%B and (EMA9 − EMA21) / price use the bar close, so every bar field changes only on bar close;
``price`` and momentum follow trades. A bar's values are NaN until its indicator is initialised.
"""

import math

from nautilus_trader.common.actor import Actor
from nautilus_trader.common.config import ActorConfig
from nautilus_trader.common.config import NonNegativeInt
from nautilus_trader.indicators import AverageTrueRange
from nautilus_trader.indicators import BollingerBands
from nautilus_trader.indicators import ExponentialMovingAverage
from nautilus_trader.indicators import Indicator
from nautilus_trader.indicators import MovingAverageConvergenceDivergence
from nautilus_trader.indicators import MovingAverageType
from nautilus_trader.indicators import RelativeStrengthIndex
from nautilus_trader.indicators import Stochastics
from nautilus_trader.model.data import Bar
from nautilus_trader.model.data import BarType
from nautilus_trader.model.data import TradeTick
from nautilus_trader.model.identifiers import InstrumentId

from actors.data_types import TASnapshot
from actors.data_types import ta_snapshot_data_type
from actors.logic.technical import BarFeatures
from actors.logic.technical import PriceHistory
from actors.logic.technical import ema_diff_norm
from actors.logic.technical import percent_b
from actors.logic.technical import simple_return
from actors.logic.technical import trend_sign

__all__ = ["TechnicalActor", "TechnicalActorConfig"]

_SEC_NS = 1_000_000_000
_MOMENTUM_WINDOWS_NS = (30 * _SEC_NS, 60 * _SEC_NS, 120 * _SEC_NS)
_TREND_WINDOW_NS = 3_600 * _SEC_NS
# The 1-hour buffer keeps one price per second: a sign over an hour does not need more
_TREND_RESOLUTION_NS = _SEC_NS
_BAR_SPEC = "1-MINUTE-LAST-INTERNAL"
_NO_FEATURES = BarFeatures()


class TechnicalActorConfig(ActorConfig, frozen=True):
    """
    Configuration for ``TechnicalActor``.

    Parameters
    ----------
    instrument_id : str, default "BTCUSDT-PERP.BINANCE"
        The instrument whose trades drive momentum and the internal 1-minute bars.
    min_publish_interval_ms : NonNegativeInt, default 1000
        The least event time between a snapshot and a following trade-triggered one (0 publishes
        on every trade). Bar closes always publish.

    """

    instrument_id: str = "BTCUSDT-PERP.BINANCE"
    min_publish_interval_ms: NonNegativeInt = 1000

    def __post_init__(self) -> None:
        InstrumentId.from_str(self.instrument_id)  # raises ValueError on a malformed id


class _Indicators:
    # The Nautilus indicators behind one TASnapshot, updated together on each closed bar

    def __init__(self) -> None:
        wilder = MovingAverageType.WILDER
        self.rsi_7 = RelativeStrengthIndex(7, wilder)
        self.rsi_14 = RelativeStrengthIndex(14, wilder)
        self.rsi_30 = RelativeStrengthIndex(30, wilder)
        self.macd = MovingAverageConvergenceDivergence(12, 26)
        self.macd_signal = ExponentialMovingAverage(9)
        self.stoch = Stochastics(14, 3)
        self.bollinger = BollingerBands(20, 2.0)
        self.atr = AverageTrueRange(14, wilder)
        self.ema_fast = ExponentialMovingAverage(9)
        self.ema_slow = ExponentialMovingAverage(21)
        self._bar_driven: tuple[Indicator, ...] = (
            self.rsi_7,
            self.rsi_14,
            self.rsi_30,
            self.macd,
            self.stoch,
            self.bollinger,
            self.atr,
            self.ema_fast,
            self.ema_slow,
        )
        self._all = (*self._bar_driven, self.macd_signal)

    def update(self, bar: Bar) -> BarFeatures:
        for indicator in self._bar_driven:
            indicator.handle_bar(bar)
        # The signal line must see this bar's MACD, so it is fed after the MACD itself
        self.macd_signal.update_raw(self.macd.value)
        return self._features(bar.close.as_double())

    def reset(self) -> None:
        for indicator in self._all:
            indicator.reset()

    def _features(self, close: float) -> BarFeatures:
        bb = self.bollinger
        ema_ready = self.ema_fast.initialized and self.ema_slow.initialized
        return BarFeatures(
            rsi_7=_value(self.rsi_7, self.rsi_7.value),
            rsi_14=_value(self.rsi_14, self.rsi_14.value),
            rsi_30=_value(self.rsi_30, self.rsi_30.value),
            macd_signal=_value(self.macd_signal, self.macd_signal.value, self.macd),
            stoch_k=_value(self.stoch, self.stoch.value_k),
            bollinger_pct_b=_value(bb, percent_b(close, bb.lower, bb.upper)),
            atr=_value(self.atr, self.atr.value),
            ema_diff_norm=(
                ema_diff_norm(self.ema_fast.value, self.ema_slow.value, close)
                if ema_ready
                else math.nan
            ),
            initialized=all(indicator.initialized for indicator in self._all),
        )


def _value(indicator: Indicator, value: float, *also: Indicator) -> float:
    ready = indicator.initialized and all(other.initialized for other in also)
    return value if ready else math.nan


class TechnicalActor(Actor):
    """
    Publish a ``TASnapshot`` of BTC technical indicators and trade-level momentum.

    On each trade (at most one snapshot per ``min_publish_interval_ms`` of event time) and on
    each closed internal 1-minute bar, the actor publishes the latest bar indicators with
    momentum over 30/60/120 s and the 1-hour trend sign evaluated at the triggering event's
    time. ``ts_event`` is that trade's or bar's ``ts_event``; ``ts_init`` is the actor clock.
    ``warmed_up`` is true once every indicator is initialised and momentum-120 and the trend
    have enough history (about 35 bars and one hour of trades).

    The indicators are updated in ``on_bar`` rather than registered with
    ``register_indicator_for_bars``: the MACD signal line must be fed each bar's MACD value
    right after the MACD updates, and registered indicators would also be updated by
    historical bars, which never reach ``on_bar``, leaving the signal line out of step.

    Parameters
    ----------
    config : TechnicalActorConfig
        The actor configuration.

    """

    def __init__(self, config: TechnicalActorConfig) -> None:
        super().__init__(config)
        self._instrument_id = InstrumentId.from_str(config.instrument_id)
        self._bar_type = BarType.from_str(f"{config.instrument_id}-{_BAR_SPEC}")
        self._throttle_ns = config.min_publish_interval_ms * 1_000_000
        self._data_type = ta_snapshot_data_type()
        self._indicators = _Indicators()
        self._prices = PriceHistory(horizon_ns=max(_MOMENTUM_WINDOWS_NS))
        self._hourly = PriceHistory(_TREND_WINDOW_NS, resolution_ns=_TREND_RESOLUTION_NS)
        self._features = _NO_FEATURES
        self._last_publish_ns: int | None = None

    @property
    def bar_type(self) -> BarType:
        """
        Return the internal bar type the indicators are computed on.
        """
        return self._bar_type

    def on_start(self) -> None:
        """
        Subscribe to the instrument's trades and internal 1-minute bars.
        """
        if self.cache.instrument(self._instrument_id) is None:
            self.log.error(f"Instrument {self._instrument_id} not in cache; stopping")
            self.stop()
            return
        self.subscribe_trade_ticks(self._instrument_id)
        self.subscribe_bars(self._bar_type)

    def on_stop(self) -> None:
        """
        Unsubscribe from trades and bars.
        """
        if self.cache.instrument(self._instrument_id) is None:
            return
        self.unsubscribe_trade_ticks(self._instrument_id)
        self.unsubscribe_bars(self._bar_type)

    def on_reset(self) -> None:
        """
        Reset the indicators and price buffers.
        """
        self._indicators.reset()
        self._prices.clear()
        self._hourly.clear()
        self._features = _NO_FEATURES
        self._last_publish_ns = None

    def on_trade_tick(self, tick: TradeTick) -> None:
        """
        Record the trade price and publish a snapshot unless throttled.
        """
        ts = tick.ts_event
        price = tick.price.as_double()
        self._prices.append(ts, price)
        self._hourly.append(ts, price)
        last = self._last_publish_ns
        if last is not None and ts - last < self._throttle_ns:
            return
        self._publish(ts)

    def on_bar(self, bar: Bar) -> None:
        """
        Update the indicators with a closed bar and publish a snapshot.
        """
        if bar.bar_type != self._bar_type:
            return
        self._features = self._indicators.update(bar)
        self._publish(bar.ts_event)

    def _publish(self, ts_event: int) -> None:
        prices = self._prices
        last = prices.last_price
        m30, m60, m120 = [
            simple_return(last, prices.price_at_or_before(ts_event - w))
            for w in _MOMENTUM_WINDOWS_NS
        ]
        trend = trend_sign(self._hourly.momentum(ts_event, _TREND_WINDOW_NS))
        f = self._features
        snapshot = TASnapshot(
            instrument_id=self._instrument_id,
            price=last,
            rsi_7=f.rsi_7,
            rsi_14=f.rsi_14,
            rsi_30=f.rsi_30,
            macd_signal=f.macd_signal,
            stoch_k=f.stoch_k,
            bollinger_pct_b=f.bollinger_pct_b,
            atr=f.atr,
            ema_diff_norm=f.ema_diff_norm,
            momentum_30=m30,
            momentum_60=m60,
            momentum_120=m120,
            trend_1h=trend,
            warmed_up=f.initialized and not (math.isnan(m120) or math.isnan(trend)),
            ts_event=ts_event,
            ts_init=self.clock.timestamp_ns(),
        )
        self.publish_data(self._data_type, snapshot)
        self._last_publish_ns = ts_event
