"""
Kalman fair value per binary market and rolling baseline statistics per token.

The math lives in ``actors.logic.kalman`` (the filter) and ``actors.logic.market_stats``
(the rolling window); this module routes Nautilus data through it and publishes
``FairValue`` and ``MarketStats``.
"""

from dataclasses import dataclass
from typing import Literal

from nautilus_trader.common.actor import Actor
from nautilus_trader.common.config import ActorConfig
from nautilus_trader.common.config import NonNegativeFloat
from nautilus_trader.common.config import NonNegativeInt
from nautilus_trader.common.config import PositiveFloat
from nautilus_trader.common.config import PositiveInt
from nautilus_trader.common.events import TimeEvent
from nautilus_trader.core.data import Data
from nautilus_trader.model.book import OrderBook
from nautilus_trader.model.data import OrderBookDeltas
from nautilus_trader.model.data import TradeTick
from nautilus_trader.model.enums import BookType
from nautilus_trader.model.identifiers import InstrumentId

from actors.data_types import FairValue
from actors.data_types import MarketInfo
from actors.data_types import MarketResolution
from actors.data_types import MarketStats
from actors.data_types import fair_value_data_type
from actors.data_types import market_info_data_type
from actors.data_types import market_resolution_data_type
from actors.data_types import market_stats_data_type
from actors.logic.kalman import KalmanEstimate
from actors.logic.kalman import KalmanParams
from actors.logic.kalman import is_valid_measurement
from actors.logic.kalman import microprice
from actors.logic.kalman import midprice
from actors.logic.kalman import to_yes_space
from actors.logic.kalman import update_estimate
from actors.logic.market_stats import StatsSnapshot
from actors.logic.market_stats import TokenStats
from adapters.books import F_LAST

NANOS_PER_MILLISECOND = 1_000_000
NANOS_PER_SECOND = 1_000_000_000
NANOS_PER_HOUR = 3_600 * NANOS_PER_SECOND
_STATS_TIMER = "FairValueStats"
_FLUSH_PREFIX = "FairValueFlush-"


class FairValueActorConfig(ActorConfig, frozen=True):
    """
    Configuration for ``FairValueActor``.

    Parameters
    ----------
    measurement : {"mid", "microprice"}, default "mid"
        What the filter observes on each book: the mid, or the size-weighted microprice
        ``(bid × ask_size + ask × bid_size) / (bid_size + ask_size)``.
    initial_variance : PositiveFloat, default 0.1
        The variance given to a market's first measurement.
    measurement_noise : PositiveFloat, default 0.01
        The measurement noise variance ``r``.
    process_noise_base : PositiveFloat, default 0.001
        The process noise ``q`` far from expiry.
    process_noise_multiplier : NonNegativeFloat, default 10.0
        How much ``q`` grows (in units of the base) by expiry.
    process_noise_horizon_hours : PositiveFloat, default 24.0
        The hours before expiry over which ``q`` ramps up.
    min_publish_interval_ms : NonNegativeInt, default 1000
        The least time between two ``FairValue`` publications of a market's tokens; a change
        inside the interval is published when it ends (0 publishes every change).
    stats_window_secs : PositiveInt, default 3600
        The ``MarketStats`` rolling window.
    stats_sample_secs : PositiveInt, default 60
        The ``MarketStats`` sampling interval (at most the window).

    """

    measurement: Literal["mid", "microprice"] = "mid"
    initial_variance: PositiveFloat = 0.1
    measurement_noise: PositiveFloat = 0.01
    process_noise_base: PositiveFloat = 0.001
    process_noise_multiplier: NonNegativeFloat = 10.0
    process_noise_horizon_hours: PositiveFloat = 24.0
    min_publish_interval_ms: NonNegativeInt = 1000
    stats_window_secs: PositiveInt = 3600
    stats_sample_secs: PositiveInt = 60

    def __post_init__(self) -> None:
        if self.measurement not in ("mid", "microprice"):
            raise ValueError(f"measurement must be 'mid' or 'microprice', was {self.measurement!r}")
        if self.stats_sample_secs > self.stats_window_secs:
            raise ValueError(
                f"stats_sample_secs ({self.stats_sample_secs}) must not exceed "
                f"stats_window_secs ({self.stats_window_secs})",
            )
        self.kalman_params()  # Range checks of the filter parameters

    def kalman_params(self) -> KalmanParams:
        """
        Return the filter parameters.
        """
        return KalmanParams(
            initial_variance=self.initial_variance,
            measurement_noise=self.measurement_noise,
            process_noise_base=self.process_noise_base,
            process_noise_multiplier=self.process_noise_multiplier,
            horizon_hours=self.process_noise_horizon_hours,
        )


@dataclass(slots=True)
class _Market:
    yes_id: InstrumentId
    no_id: InstrumentId
    end_ns: int
    flush_name: str
    estimate: KalmanEstimate | None = None
    raw_measurement: float = 0.0
    raw_from_yes: bool = True
    input_ts_ns: int = 0
    hours_to_expiry: float = 0.0
    last_publish_ns: int | None = None
    published_estimate: float | None = None
    pending: bool = False
    flush_set: bool = False


@dataclass(slots=True)
class _Token:
    market: _Market
    is_yes: bool
    stats: TokenStats
    book: OrderBook
    top: tuple[float, ...] | None = None
    published_stats: StatsSnapshot | None = None


class FairValueActor(Actor):
    """
    Publish a Kalman fair value for both tokens of each market and rolling stats per token.

    Markets are learnt from ``MarketInfo`` (type-wide subscription, so catalog-replayed rows
    count too); the actor then follows both tokens' L2 books and trades and stops the market at
    its ``MarketResolution``. It keeps its own book per token from the deltas (an unmanaged
    subscription), so other components' book subscriptions cannot reset it.

    - One filter per market tracks the YES probability. A top-of-book change on either token's
      book (whole batches only: the last delta carries ``F_LAST``) yields a measurement; a NO
      measurement ``z`` enters as ``1 − z``. The YES token's ``FairValue`` is the estimate
      ``x`` and the NO token's is ``1 − x``, published together with the same variance, so
      ``fair_no == 1 − fair_yes`` exactly. ``process_noise`` is 0.0 for the initialising
      measurement; ``hours_to_expiry`` is negative after the end time until resolution.
    - ``FairValue`` is published when the estimate changes, at most once per
      ``min_publish_interval_ms`` per market (both tokens together); a change inside the
      interval is published by a time alert when it ends. ``ts_event`` is the triggering book
      update's ``ts_event``, ``ts_init`` the clock time of publication.
    - ``MarketStats`` samples each token's own latest measurement and the volume of its trades
      on a timer every ``stats_sample_secs`` aligned to the epoch. The timer fires before any
      data at or after its time is handled, so a sample never sees later data. Stats are
      published when they change; ``ts_event`` is the sample time.

    Parameters
    ----------
    config : FairValueActorConfig
        The actor configuration.

    """

    def __init__(self, config: FairValueActorConfig) -> None:
        super().__init__(config)
        self._params = config.kalman_params()
        self._use_microprice = config.measurement == "microprice"
        self._interval_ns = config.min_publish_interval_ms * NANOS_PER_MILLISECOND
        self._sample_ns = config.stats_sample_secs * NANOS_PER_SECOND
        self._window_secs = config.stats_window_secs
        self._fair_value_type = fair_value_data_type()
        self._stats_type = market_stats_data_type()
        self._markets: dict[InstrumentId, _Market] = {}
        self._tokens: dict[InstrumentId, _Token] = {}
        self._flushes: dict[str, _Market] = {}
        self._resolved: set[InstrumentId] = set()

    @property
    def market_count(self) -> int:
        """
        Return how many markets are followed.
        """
        return len(self._markets)

    def on_start(self) -> None:
        """
        Subscribe to market metadata and resolutions and start the stats sampling timer.
        """
        self.subscribe_data(market_info_data_type())
        self.subscribe_data(market_resolution_data_type())
        now = self.clock.timestamp_ns()
        self.clock.set_timer_ns(
            name=_STATS_TIMER,
            interval_ns=self._sample_ns,
            start_time_ns=now - now % self._sample_ns,
            stop_time_ns=0,
            callback=self._on_stats_timer,
        )

    def on_reset(self) -> None:
        """
        Forget every market.
        """
        self._markets.clear()
        self._tokens.clear()
        self._flushes.clear()
        self._resolved.clear()

    def on_data(self, data: Data) -> None:
        """
        Route ``MarketInfo`` and ``MarketResolution`` to their handlers.
        """
        if isinstance(data, MarketInfo):
            self._on_market_info(data)
        elif isinstance(data, MarketResolution):
            self._on_market_resolution(data)

    def on_order_book_deltas(self, deltas: OrderBookDeltas) -> None:
        """
        Update the market's filter when a whole book update changes the token's top of book.
        """
        token = self._tokens.get(deltas.instrument_id)
        if token is None:
            return
        token.book.apply_deltas(deltas)
        if not deltas.flags & F_LAST:
            return  # Mid-batch (unbuffered deltas): the book is half-applied
        top = self._top_of_book(token.book)
        if top is None or top == token.top:
            return
        token.top = top
        z = microprice(*top) if self._use_microprice else midprice(top[0], top[1])
        if not is_valid_measurement(z):
            self.log.debug(f"Measurement {z} outside (0, 1) for {deltas.instrument_id}")
            return
        token.stats.observe_price(z)
        self._update_market(token, z, deltas.ts_event)

    def on_trade_tick(self, tick: TradeTick) -> None:
        """
        Add the trade's size to the token's current volume sample.
        """
        token = self._tokens.get(tick.instrument_id)
        if token is not None:
            token.stats.add_volume(tick.size.as_double())

    def _on_market_info(self, info: MarketInfo) -> None:
        yes_id, no_id = info.token_ids()
        market = self._markets.get(yes_id)
        if market is not None:
            market.end_ns = info.end_ns
            return
        if yes_id in self._resolved:
            return
        if self.cache.instrument(yes_id) is None or self.cache.instrument(no_id) is None:
            self.log.warning(f"Instruments of {yes_id} not cached yet, not following it")
            return
        market = _Market(yes_id, no_id, info.end_ns, f"{_FLUSH_PREFIX}{yes_id}")
        self._markets[yes_id] = market
        self._flushes[market.flush_name] = market
        for instrument_id, is_yes in ((yes_id, True), (no_id, False)):
            book = OrderBook(instrument_id, BookType.L2_MBP)
            stats = TokenStats(self._window_secs)
            self._tokens[instrument_id] = _Token(market, is_yes, stats, book)
            # Unmanaged: a managed subscription replaces the cache's book with an empty one in
            # 1.221 (DataEngine._setup_order_book), wiping the book of whoever subscribed first
            self.subscribe_order_book_deltas(instrument_id, BookType.L2_MBP, managed=False)
            self.subscribe_trade_ticks(instrument_id)
        self.log.info(f"Following fair value of {yes_id}")

    def _on_market_resolution(self, resolution: MarketResolution) -> None:
        yes_id = InstrumentId.from_str(resolution.yes_instrument_id)
        self._resolved.add(yes_id)
        market = self._markets.pop(yes_id, None)
        if market is None:
            return
        self._flushes.pop(market.flush_name, None)
        if market.flush_set and market.flush_name in self.clock.timer_names:
            self.clock.cancel_timer(market.flush_name)
        for instrument_id in (market.yes_id, market.no_id):
            del self._tokens[instrument_id]
            self.unsubscribe_order_book_deltas(instrument_id)
            self.unsubscribe_trade_ticks(instrument_id)
        self.log.info(f"Stopped fair value of {yes_id}: market resolved")

    def _top_of_book(self, book: OrderBook) -> tuple[float, ...] | None:
        bid = book.best_bid_price()
        ask = book.best_ask_price()
        if bid is None or ask is None:
            return None  # One-sided or empty book: no measurement
        bid_px = bid.as_double()
        ask_px = ask.as_double()
        if bid_px >= ask_px:
            return None  # Locked or crossed: a feed glitch, not a price
        if not self._use_microprice:
            return (bid_px, ask_px)
        return (bid_px, book.best_bid_size().as_double(), ask_px, book.best_ask_size().as_double())

    def _update_market(self, token: _Token, z: float, ts_event: int) -> None:
        market = token.market
        hours = (market.end_ns - ts_event) / NANOS_PER_HOUR
        z_yes = to_yes_space(z, token.is_yes)
        market.estimate = update_estimate(market.estimate, z_yes, hours, self._params)
        market.raw_measurement = z
        market.raw_from_yes = token.is_yes
        market.input_ts_ns = ts_event
        market.hours_to_expiry = hours
        if market.estimate.estimate == market.published_estimate:
            market.pending = False
            return
        now = self.clock.timestamp_ns()
        last = market.last_publish_ns
        if last is None or now - last >= self._interval_ns:
            self._publish_fair_values(market, now)
            return
        market.pending = True
        if not market.flush_set:
            market.flush_set = True
            self.clock.set_time_alert_ns(
                name=market.flush_name,
                alert_time_ns=last + self._interval_ns,
                callback=self._on_flush,
            )

    def _on_flush(self, event: TimeEvent) -> None:
        market = self._flushes.get(event.name)
        if market is None:
            return  # Resolved meanwhile
        market.flush_set = False
        if market.pending:
            self._publish_fair_values(market, self.clock.timestamp_ns())

    def _publish_fair_values(self, market: _Market, now_ns: int) -> None:
        estimate = market.estimate
        if estimate is None:
            return
        fair_yes = estimate.estimate
        raw = market.raw_measurement
        for instrument_id, fair, is_yes in (
            (market.yes_id, fair_yes, True),
            (market.no_id, 1.0 - fair_yes, False),
        ):
            value = FairValue(
                instrument_id=instrument_id,
                fair_value=fair,
                variance=estimate.variance,
                measurement=raw if is_yes == market.raw_from_yes else 1.0 - raw,
                hours_to_expiry=market.hours_to_expiry,
                process_noise=estimate.process_noise,
                ts_event=market.input_ts_ns,
                ts_init=now_ns,
            )
            self.publish_data(self._fair_value_type, value)
        market.last_publish_ns = now_ns
        market.published_estimate = fair_yes
        market.pending = False

    def _on_stats_timer(self, event: TimeEvent) -> None:
        sample_ns = event.ts_event
        now = self.clock.timestamp_ns()
        # A copy: a subscriber's reaction must not resize the mapping mid-iteration
        for instrument_id, token in list(self._tokens.items()):
            if not token.stats.sample(sample_ns):
                continue
            snapshot = token.stats.snapshot(sample_ns)
            if snapshot == token.published_stats:
                continue
            token.published_stats = snapshot
            stats = MarketStats(
                instrument_id=instrument_id,
                window_secs=self._window_secs,
                mean_change=snapshot.mean_change,
                std_change=snapshot.std_change,
                last_change=snapshot.last_change,
                mean_volume=snapshot.mean_volume,
                last_volume=snapshot.last_volume,
                sample_count=snapshot.sample_count,
                ts_event=sample_ns,
                ts_init=now,
            )
            self.publish_data(self._stats_type, stats)
