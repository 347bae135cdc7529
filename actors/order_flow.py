"""
Publish ``OrderFlowImbalance`` for Polymarket tokens and Binance BTC futures.

Inputs are trade ticks (aggressor side) and L2 books (``OrderBookDeltas``, book kept by the
data engine). Polymarket tokens come from ``MarketInfo`` (type-wide subscription, so catalog
rows and live ``publish_data`` both arrive); Binance instruments from the config.

Publish rules, per instrument:

- Nothing is published before the instrument's own first input (trade or complete book).
- Every input marks the instrument's value as "as of" that input: windows are evicted at the
  input's ``ts_event`` and the published ``ts_event`` is that timestamp. A YES/NO sibling's
  trade is also an input of the other token (it moves ``yes_no_divergence``).
- The value is evaluated at most once per ``min_publish_interval_ms`` (clock time): on the
  first input after the interval has passed, else once when it ends (one time alert for all
  instruments). An evaluation publishes only if the value differs from the last one published
  (NaN equal to NaN). ``ts_init`` is the clock time of the evaluation.
- Book features are read from the cached book only on evaluation, and only after a batch of
  deltas has completed (its last delta carries ``F_LAST``).
"""

import heapq
from collections.abc import Callable
from dataclasses import dataclass

from nautilus_trader.common.actor import Actor
from nautilus_trader.common.config import ActorConfig
from nautilus_trader.common.config import NonNegativeInt
from nautilus_trader.common.config import PositiveFloat
from nautilus_trader.common.config import PositiveInt
from nautilus_trader.common.events import TimeEvent
from nautilus_trader.core.data import Data
from nautilus_trader.model.book import OrderBook
from nautilus_trader.model.data import OrderBookDeltas
from nautilus_trader.model.data import TradeTick
from nautilus_trader.model.enums import AggressorSide
from nautilus_trader.model.enums import BookType
from nautilus_trader.model.identifiers import InstrumentId

from actors.data_types import MarketInfo
from actors.data_types import OrderFlowImbalance
from actors.data_types import market_info_data_type
from actors.data_types import order_flow_data_type
from actors.logic.order_flow import NAN
from actors.logic.order_flow import BookFeatures
from actors.logic.order_flow import RollingFlow
from actors.logic.order_flow import aggressor_ratio
from actors.logic.order_flow import deep_book_features
from actors.logic.order_flow import same_values
from actors.logic.order_flow import top_book_features
from actors.logic.order_flow import yes_no_divergence
from adapters.books import F_LAST
from adapters.books import subscribe_book_deltas

_NANOS_PER_MS = 1_000_000
_NANOS_PER_SECOND = 1_000_000_000
_NANOS_PER_HOUR = 3_600 * _NANOS_PER_SECOND
_FLUSH_ALERT = "OrderFlowActor-flush"
_ADMIT_ALERT = "OrderFlowActor-admit"
# Binance windows and depths are fixed by the OrderFlowImbalance field names.
_RATIO_WINDOWS_SECS = (30, 60, 120)
_CVD_WINDOW_SECS = 60
_BINANCE_TOP_LEVELS = 5
_BINANCE_DEEP_LEVELS = 10
_NO_BOOK = BookFeatures()
_RATIO_FIELDS = tuple((f"aggressor_ratio_{s}", s * _NANOS_PER_SECOND) for s in _RATIO_WINDOWS_SECS)

Values = dict[str, float]
_Callback = Callable[[TimeEvent], None]


class OrderFlowActorConfig(ActorConfig, frozen=True):
    """
    Configuration for ``OrderFlowActor``.

    Parameters
    ----------
    window_secs : PositiveInt, default 30
        The rolling window of buy/sell/signed volume (both venues) and of the divergence.
    book_levels : PositiveInt, default 5
        The Polymarket book levels per side summed in ``book_imbalance``.
    min_publish_interval_ms : NonNegativeInt, default 1000
        The minimum clock time between two evaluations of one instrument (0: every input).
    max_hours_to_expiry : PositiveFloat, optional
        Track a Polymarket market only once its end time is within this many hours (markets
        further out are admitted when they get there). ``None`` tracks every market.
    binance_instrument_ids : tuple[str, ...], default ("BTCUSDT-PERP.BINANCE",)
        The Binance instruments to track; one missing from the cache is skipped with a warning.

    """

    window_secs: PositiveInt = 30
    book_levels: PositiveInt = 5
    min_publish_interval_ms: NonNegativeInt = 1000
    max_hours_to_expiry: PositiveFloat | None = None
    binance_instrument_ids: tuple[str, ...] = ("BTCUSDT-PERP.BINANCE",)

    def __post_init__(self) -> None:
        for value in self.binance_instrument_ids:
            InstrumentId.from_str(value)  # Raises ValueError on a malformed id.


def book_levels(
    book: OrderBook,
    depth: int,
) -> tuple[list[float], list[float], list[float], list[float]]:
    """
    Return bid prices, bid sizes, ask prices and ask sizes of the top ``depth`` levels.

    Each list is ordered best level first and is shorter when the side is shallower.
    """
    bids = book.bids()[:depth]
    asks = book.asks()[:depth]
    return (
        [level.price.as_double() for level in bids],
        [level.size() for level in bids],
        [level.price.as_double() for level in asks],
        [level.size() for level in asks],
    )


@dataclass(slots=True, eq=False)
class _Stream:
    instrument_id: InstrumentId
    is_binance: bool
    flow: RollingFlow
    sibling: "_Stream | None" = None
    as_of_ns: int = 0  # ts_event of the latest input: the time the value is "as of"
    has_input: bool = False
    last_eval_ns: int | None = None
    book: BookFeatures = _NO_BOOK
    book_stale: bool = False
    published: Values | None = None


class OrderFlowActor(Actor):
    """
    Derive rolling order-flow and book features and publish them as ``OrderFlowImbalance``.

    Polymarket tokens get buy/sell/signed aggressive volume over ``window_secs``, the
    top-``book_levels`` imbalance, the normalised spread and the YES/NO divergence. Binance
    instruments get the same flow fields plus imbalance over levels 1–5 and 6–10, VWAP-to-mid of
    the top 10 levels per side, aggressor ratios over 30/60/120 s and CVD over 60 s. The
    liquidation imbalance stays NaN: no liquidation feed exists. See the module docstring for
    when values are published.

    Parameters
    ----------
    config : OrderFlowActorConfig
        The actor configuration.

    """

    def __init__(self, config: OrderFlowActorConfig) -> None:
        super().__init__(config)
        self._window_secs = config.window_secs
        self._window_ns = config.window_secs * _NANOS_PER_SECOND
        self._book_levels = config.book_levels
        self._interval_ns = config.min_publish_interval_ms * _NANOS_PER_MS
        self._horizon_ns = (
            None
            if config.max_hours_to_expiry is None
            else int(config.max_hours_to_expiry * _NANOS_PER_HOUR)
        )
        self._binance_ids = [InstrumentId.from_str(v) for v in config.binance_instrument_ids]
        ratio_windows = {secs * _NANOS_PER_SECOND for secs in _RATIO_WINDOWS_SECS}
        self._binance_windows_ns = tuple(sorted({self._window_ns, *ratio_windows}))
        self._data_type = order_flow_data_type()
        self._streams: dict[InstrumentId, _Stream] = {}
        self._markets: set[str] = set()
        self._deferred: list[tuple[int, int, MarketInfo]] = []
        self._pending: dict[InstrumentId, _Stream] = {}
        self._flush_at: int | None = None
        self._admit_at: int | None = None
        self.published_count = 0

    @property
    def tracked_instrument_ids(self) -> list[InstrumentId]:
        """
        Return the instruments whose flow is tracked, in the order tracking began.
        """
        return list(self._streams)

    def on_start(self) -> None:
        """
        Subscribe to market announcements and to the configured Binance instruments.
        """
        self.subscribe_data(market_info_data_type())
        for instrument_id in self._binance_ids:
            self._start_stream(instrument_id, is_binance=True)
        if self._deferred:
            self._admit_at = self._arm(_ADMIT_ALERT, None, self._deferred[0][0], self._on_admit)

    def on_stop(self) -> None:
        """
        Drop values waiting for the throttle; the base class cancels the time alerts.
        """
        self._pending.clear()
        self._flush_at = None
        self._admit_at = None

    def on_reset(self) -> None:
        """
        Forget every tracked instrument, market and pending value.
        """
        self._streams.clear()
        self._markets.clear()
        self._deferred.clear()
        self._pending.clear()
        self.published_count = 0

    def on_data(self, data: Data) -> None:
        """
        Track the tokens of each newly announced market.
        """
        if isinstance(data, MarketInfo):
            self._on_market_info(data)

    def on_trade_tick(self, tick: TradeTick) -> None:
        """
        Add the trade to its instrument's windows.
        """
        stream = self._streams.get(tick.instrument_id)
        if stream is None:
            return
        side = tick.aggressor_side
        if side != AggressorSide.NO_AGGRESSOR:
            stream.flow.add(tick.ts_event, tick.size.as_double(), side == AggressorSide.BUYER)
        stream.has_input = True
        self._touch(stream, tick.ts_event)
        if stream.sibling is not None:
            self._touch(stream.sibling, tick.ts_event)

    def on_order_book_deltas(self, deltas: OrderBookDeltas) -> None:
        """
        Mark the instrument's book features stale once a batch of deltas is complete.
        """
        if not deltas.flags & F_LAST:
            # A half-applied batch (e.g. right after a snapshot's CLEAR) is not a book.
            return
        stream = self._streams.get(deltas.instrument_id)
        if stream is None:
            return
        stream.book_stale = True
        stream.has_input = True
        self._touch(stream, deltas.ts_event)

    def _on_market_info(self, info: MarketInfo) -> None:
        if info.condition_id in self._markets:
            return
        self._markets.add(info.condition_id)
        now_ns = self.clock.timestamp_ns()
        if self._horizon_ns is None or info.end_ns - now_ns <= self._horizon_ns:
            self._track_market(info)
            return
        admit_ns = info.end_ns - self._horizon_ns
        heapq.heappush(self._deferred, (admit_ns, len(self._markets), info))
        self._admit_at = self._arm(_ADMIT_ALERT, self._admit_at, admit_ns, self._on_admit)

    def _on_admit(self, event: TimeEvent) -> None:
        self._admit_at = None
        while self._deferred and self._deferred[0][0] <= event.ts_event:
            self._track_market(heapq.heappop(self._deferred)[2])
        if self._deferred:
            self._admit_at = self._arm(_ADMIT_ALERT, None, self._deferred[0][0], self._on_admit)

    def _track_market(self, info: MarketInfo) -> None:
        yes_id, no_id = info.token_ids()
        yes = self._start_stream(yes_id, is_binance=False)
        no = self._start_stream(no_id, is_binance=False)
        if yes is not None and no is not None:
            yes.sibling = no
            no.sibling = yes

    def _start_stream(self, instrument_id: InstrumentId, is_binance: bool) -> _Stream | None:
        stream = self._streams.get(instrument_id)
        if stream is not None:
            return stream
        if self.cache.instrument(instrument_id) is None:
            self.log.warning(f"Instrument {instrument_id} not in cache, order flow not tracked")
            return None
        windows_ns = self._binance_windows_ns if is_binance else (self._window_ns,)
        stream = _Stream(instrument_id, is_binance, RollingFlow(windows_ns))
        self._streams[instrument_id] = stream
        self.subscribe_trade_ticks(instrument_id)
        subscribe_book_deltas(self, instrument_id, BookType.L2_MBP)
        self.log.debug(f"Tracking order flow of {instrument_id}")
        return stream

    def _touch(self, stream: _Stream, ts_event: int) -> None:
        if ts_event > stream.as_of_ns:
            stream.as_of_ns = ts_event
        if not stream.has_input:
            return
        now_ns = self.clock.timestamp_ns()
        last_ns = stream.last_eval_ns
        if last_ns is None or now_ns - last_ns >= self._interval_ns:
            self._evaluate(stream, now_ns)
        elif stream.instrument_id not in self._pending:
            self._pending[stream.instrument_id] = stream
            due_ns = last_ns + self._interval_ns
            self._flush_at = self._arm(_FLUSH_ALERT, self._flush_at, due_ns, self._on_flush)

    def _on_flush(self, event: TimeEvent) -> None:
        self._flush_at = None
        next_due_ns: int | None = None
        for stream in list(self._pending.values()):
            due_ns = stream.last_eval_ns + self._interval_ns
            if due_ns <= event.ts_event:
                self._evaluate(stream, event.ts_event)
            elif next_due_ns is None or due_ns < next_due_ns:
                next_due_ns = due_ns
        if next_due_ns is not None:
            if _FLUSH_ALERT in self.clock.timer_names:  # a LiveClock keeps it during the callback
                self.clock.cancel_timer(_FLUSH_ALERT)
            self._flush_at = self._arm(_FLUSH_ALERT, None, next_due_ns, self._on_flush)

    def _arm(self, name: str, armed_ns: int | None, at_ns: int, callback: _Callback) -> int:
        # One alert per purpose: keep the earliest time asked for.
        if armed_ns is not None and armed_ns <= at_ns:
            return armed_ns
        if armed_ns is not None:
            self.clock.cancel_timer(name)
        self.clock.set_time_alert_ns(name, at_ns, callback)
        return at_ns

    def _evaluate(self, stream: _Stream, now_ns: int) -> None:
        stream.last_eval_ns = now_ns
        self._pending.pop(stream.instrument_id, None)
        compute = self._binance_values if stream.is_binance else self._polymarket_values
        values = compute(stream)
        if stream.published is not None and same_values(values, stream.published):
            return
        stream.published = values
        data = OrderFlowImbalance(
            instrument_id=stream.instrument_id,
            window_secs=self._window_secs,
            ts_event=stream.as_of_ns,
            ts_init=now_ns,
            **values,
        )
        self.published_count += 1
        self.publish_data(self._data_type, data)

    def _polymarket_values(self, stream: _Stream) -> Values:
        stream.flow.advance(stream.as_of_ns)
        buy, sell = stream.flow.sums(self._window_ns)
        divergence = NAN
        sibling = stream.sibling
        if sibling is not None:
            sibling.flow.advance(stream.as_of_ns)
            sibling_buy, sibling_sell = sibling.flow.sums(self._window_ns)
            divergence = yes_no_divergence(buy - sell, sibling_buy - sibling_sell)
        book = self._book_features(stream)
        return {
            "buy_volume": buy,
            "sell_volume": sell,
            "signed_volume": buy - sell,
            "book_imbalance": book.imbalance,
            "spread_norm": book.spread_norm,
            "yes_no_divergence": divergence,
        }

    def _binance_values(self, stream: _Stream) -> Values:
        flow = stream.flow
        flow.advance(stream.as_of_ns)
        buy, sell = flow.sums(self._window_ns)
        cvd_buy, cvd_sell = flow.sums(_CVD_WINDOW_SECS * _NANOS_PER_SECOND)
        book = self._book_features(stream)
        values = {
            "buy_volume": buy,
            "sell_volume": sell,
            "signed_volume": buy - sell,
            "book_imbalance": book.imbalance,
            "book_imbalance_deep": book.imbalance_deep,
            "spread_norm": book.spread_norm,
            "vwap_to_mid_bid": book.vwap_to_mid_bid,
            "vwap_to_mid_ask": book.vwap_to_mid_ask,
            "cvd_60": cvd_buy - cvd_sell,
        }
        for field, window_ns in _RATIO_FIELDS:
            values[field] = aggressor_ratio(*flow.sums(window_ns))
        return values

    def _book_features(self, stream: _Stream) -> BookFeatures:
        if not stream.book_stale:
            return stream.book
        stream.book_stale = False
        book = self.cache.order_book(stream.instrument_id)
        if book is None:
            stream.book = _NO_BOOK
        elif stream.is_binance:
            levels = book_levels(book, _BINANCE_DEEP_LEVELS)
            stream.book = deep_book_features(*levels, _BINANCE_TOP_LEVELS, _BINANCE_DEEP_LEVELS)
        else:
            levels = book_levels(book, self._book_levels)
            stream.book = top_book_features(*levels, self._book_levels)
        return stream.book
