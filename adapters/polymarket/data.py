"""
Polymarket data client with the two 1.221 defects fixed (DESIGN.md section 5).

1. Sharding. Upstream keeps one "pending" WebSocket and, when it fills up, cancels the
   previous shard's delayed connect; the cancelled task's ``finally`` then clears the *new*
   pending shard, so tokens beyond the first shard are lost. Its capacity check also runs
   before the duplicate check, and a late subscribe to a connected token opens a new shard.
   Here every shard owns its own connect task (nothing is cancelled on rollover), a shard is
   sealed the moment it connects (tokens added later would never be sent), and a client-wide
   set of subscribed tokens makes repeated subscribes a no-op. N tokens therefore open
   ceil(N / cap) connections when they arrive together.
2. Hot path. Upstream's ``price_change`` handling calls ``subscribed_quote_ticks()`` (which
   sorts every subscribed id) once or twice per price level. Here quote and book
   subscriptions are mirrored into sets on subscribe/unsubscribe and looked up in O(1).

Only ``_subscribe_asset_book``, ``_disconnect``, the four subscription-bookkeeping hooks,
``_handle_book_snapshot`` and ``_handle_quote`` are overridden; decoding, parsing, trades,
tick-size changes and reconnects stay upstream.
"""

import asyncio

from nautilus_trader.adapters.polymarket.common.constants import POLYMARKET_MAX_PRICE
from nautilus_trader.adapters.polymarket.common.constants import POLYMARKET_MIN_PRICE
from nautilus_trader.adapters.polymarket.common.enums import PolymarketOrderSide
from nautilus_trader.adapters.polymarket.common.symbol import get_polymarket_token_id
from nautilus_trader.adapters.polymarket.data import PolymarketDataClient
from nautilus_trader.adapters.polymarket.schemas.book import PolymarketBookSnapshot
from nautilus_trader.adapters.polymarket.schemas.book import PolymarketQuote
from nautilus_trader.adapters.polymarket.schemas.book import PolymarketQuotes
from nautilus_trader.adapters.polymarket.websocket.client import PolymarketWebSocketClient
from nautilus_trader.core.datetime import millis_to_nanos
from nautilus_trader.model.book import OrderBook
from nautilus_trader.model.data import BookOrder
from nautilus_trader.model.data import OrderBookDelta
from nautilus_trader.model.data import OrderBookDeltas
from nautilus_trader.model.data import QuoteTick
from nautilus_trader.model.enums import BookAction
from nautilus_trader.model.enums import OrderSide
from nautilus_trader.model.enums import RecordFlag
from nautilus_trader.model.identifiers import InstrumentId
from nautilus_trader.model.instruments import BinaryOption

from adapters.polymarket.config import POLYMARKET_MAX_TOKENS_PER_CONNECTION


class PolyedgeDataClient(PolymarketDataClient):
    """
    ``PolymarketDataClient`` with correct sharding and an O(1) ``price_change`` hot path.

    Takes the upstream constructor arguments; ``config`` may be a ``PolyedgeDataClientConfig``
    to set ``max_tokens_per_connection`` (default 500, the venue limit).
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._max_tokens_per_connection: int = getattr(
            self._config,
            "max_tokens_per_connection",
            POLYMARKET_MAX_TOKENS_PER_CONNECTION,
        )
        self._ws_tokens: set[str] = set()
        self._shard_connect_tasks: set[asyncio.Task] = set()
        self._quote_ids: set[InstrumentId] = set()
        self._book_ids: set[InstrumentId] = set()

    # -- Metrics -----------------------------------------------------------------------------

    @property
    def shard_count(self) -> int:
        """
        Return the number of WebSocket shards created (connected or connecting).
        """
        return len(self._ws_clients) + len(self._shard_connect_tasks)

    def shard_token_counts(self) -> list[int]:
        """
        Return the token count of every shard that has started connecting.
        """
        return [len(ws.asset_subscriptions()) for ws in self._ws_clients]

    # -- Sharding ----------------------------------------------------------------------------

    async def _subscribe_asset_book(self, instrument_id: InstrumentId) -> None:
        token_id = get_polymarket_token_id(instrument_id)
        if token_id in self._ws_tokens:
            return  # Already on a shard: never open a duplicate connection
        self._ws_tokens.add(token_id)

        shard = self._ws_client_pending_connection
        if shard is None or len(shard.asset_subscriptions()) >= self._max_tokens_per_connection:
            shard = self._create_websocket_client()
            self._ws_client_pending_connection = shard
            self._start_shard(shard)
        shard.subscribe_book(token_id)

    def _start_shard(self, shard: PolymarketWebSocketClient) -> None:
        first = not self._ws_clients and not self._shard_connect_tasks
        delay_secs = (
            self._config.ws_connection_initial_delay_secs
            if first
            else self._config.ws_connection_delay_secs
        )
        task = self.create_task(
            self._connect_shard(shard, delay_secs),
            log_msg="Delayed start PolymarketWebSocketClient connection",
        )
        self._shard_connect_tasks.add(task)
        task.add_done_callback(self._shard_connect_tasks.discard)

    async def _connect_shard(self, shard: PolymarketWebSocketClient, delay_secs: float) -> None:
        await asyncio.sleep(delay_secs)
        if self._ws_client_pending_connection is shard:
            # Seal: the subscribe message goes out on connect, later tokens would be lost
            self._ws_client_pending_connection = None
        self._ws_clients.append(shard)
        await shard.connect()

    async def _disconnect(self) -> None:
        for task in list(self._shard_connect_tasks):
            task.cancel()
        self._shard_connect_tasks.clear()
        await super()._disconnect()

    # -- Subscription bookkeeping (mirrored into sets for the hot path) ----------------------

    def _add_subscription_quote_ticks(self, instrument_id: InstrumentId) -> None:
        super()._add_subscription_quote_ticks(instrument_id)
        self._quote_ids.add(instrument_id)

    def _remove_subscription_quote_ticks(self, instrument_id: InstrumentId) -> None:
        super()._remove_subscription_quote_ticks(instrument_id)
        self._quote_ids.discard(instrument_id)

    def _add_subscription_order_book_deltas(self, instrument_id: InstrumentId) -> None:
        super()._add_subscription_order_book_deltas(instrument_id)
        self._book_ids.add(instrument_id)

    def _remove_subscription_order_book_deltas(self, instrument_id: InstrumentId) -> None:
        super()._remove_subscription_order_book_deltas(instrument_id)
        self._book_ids.discard(instrument_id)

    # -- Hot path ----------------------------------------------------------------------------

    def _handle_book_snapshot(
        self,
        instrument: BinaryOption,
        ws_message: PolymarketBookSnapshot,
    ) -> None:
        now_ns = self._clock.timestamp_ns()
        deltas = ws_message.parse_to_snapshot(instrument=instrument, ts_init=now_ns)
        if deltas is None:
            return  # Empty snapshot (can occur near market resolution)
        self._handle_deltas(instrument, deltas)
        if instrument.id not in self._quote_ids:
            return
        quote = ws_message.parse_to_quote(
            instrument=instrument,
            ts_init=now_ns,
            drop_quotes_missing_side=self._config.drop_quotes_missing_side,
        )
        if quote is None:
            self._log.warning(f"Dropping QuoteTick for {instrument.id}: snapshot missing a side")
            return
        self._last_quotes[instrument.id] = quote
        self._handle_data(quote)

    def _handle_quote(
        self,
        instrument: BinaryOption,
        ws_message: PolymarketQuotes,
        price_change: PolymarketQuote,
    ) -> None:
        instrument_id = instrument.id
        local_book = self._local_books.get(instrument_id)
        if local_book is None:
            if instrument_id not in self._quote_ids and instrument_id not in self._book_ids:
                return  # Not subscribed to anything for this instrument
            local_book = self._create_local_book(instrument_id)

        ts_event = millis_to_nanos(float(ws_message.timestamp))
        deltas = _price_change_deltas(instrument, price_change, ts_event, self._clock)
        local_book.apply(deltas)
        self._handle_data(deltas)

        if instrument_id in self._quote_ids:
            self._publish_top_of_book(instrument, local_book, ts_event)

    def _publish_top_of_book(
        self,
        instrument: BinaryOption,
        book: OrderBook,
        ts_event: int,
    ) -> None:
        bid_price, bid_size = book.best_bid_price(), book.best_bid_size()
        ask_price, ask_size = book.best_ask_price(), book.best_ask_size()
        if bid_price is None or ask_price is None:
            if self._config.drop_quotes_missing_side:
                self._log.warning(f"Dropping QuoteTick for {instrument.id}: book missing a side")
                return
            if bid_price is None:
                bid_price = instrument.make_price(POLYMARKET_MIN_PRICE)
                bid_size = instrument.make_qty(0.0)
            if ask_price is None:
                ask_price = instrument.make_price(POLYMARKET_MAX_PRICE)
                ask_size = instrument.make_qty(0.0)

        last = self._last_quotes.get(instrument.id)
        if last is not None and (bid_price, ask_price, bid_size, ask_size) == (
            last.bid_price,
            last.ask_price,
            last.bid_size,
            last.ask_size,
        ):
            return  # No top-of-book change
        quote = QuoteTick(
            instrument_id=instrument.id,
            bid_price=bid_price,
            ask_price=ask_price,
            bid_size=bid_size,
            ask_size=ask_size,
            ts_event=ts_event,
            ts_init=self._clock.timestamp_ns(),
        )
        self._last_quotes[instrument.id] = quote
        self._handle_data(quote)


def _price_change_deltas(
    instrument: BinaryOption,
    price_change: PolymarketQuote,
    ts_event: int,
    clock,
) -> OrderBookDeltas:
    order = BookOrder(
        side=OrderSide.BUY if price_change.side == PolymarketOrderSide.BUY else OrderSide.SELL,
        price=instrument.make_price(float(price_change.price)),
        size=instrument.make_qty(float(price_change.size)),
        order_id=0,
    )
    delta = OrderBookDelta(
        instrument_id=instrument.id,
        action=BookAction.UPDATE if order.size > 0 else BookAction.DELETE,
        order=order,
        flags=RecordFlag.F_LAST,
        sequence=0,
        ts_event=ts_event,
        ts_init=clock.timestamp_ns(),
    )
    return OrderBookDeltas(instrument.id, [delta])
