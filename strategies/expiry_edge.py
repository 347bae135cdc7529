"""
Expiry edge: buy the favourite of a binary market shortly before it ends and hold it.

The decision is the pure ``strategies.logic.expiry_edge.decide_entry``; this module wires it to
``MarketInfo``, the L2 books in the cache and guarded order submission. Settlement at
resolution is the venue's job (``adapters.polymarket.settlement`` in backtests), not this
strategy's.
"""

from collections import Counter
from decimal import Decimal
from decimal import InvalidOperation

from nautilus_trader.config import NonNegativeInt
from nautilus_trader.config import PositiveFloat
from nautilus_trader.model.book import OrderBook
from nautilus_trader.model.data import OrderBookDeltas
from nautilus_trader.model.enums import BookType
from nautilus_trader.model.enums import OrderSide
from nautilus_trader.model.enums import TimeInForce
from nautilus_trader.model.identifiers import InstrumentId
from nautilus_trader.model.instruments import Instrument

from actors.data_types import MarketInfo
from actors.data_types import MarketResolution
from adapters.books import F_LAST
from adapters.books import subscribe_book_deltas
from strategies.base import PolyedgeStrategy
from strategies.base import PolyedgeStrategyConfig
from strategies.logic.expiry_edge import NANOS_PER_HOUR
from strategies.logic.expiry_edge import BookLevel
from strategies.logic.expiry_edge import EntryDecision
from strategies.logic.expiry_edge import EntryOrder
from strategies.logic.expiry_edge import EntryParams
from strategies.logic.expiry_edge import EntryReason
from strategies.logic.expiry_edge import MarketSpec
from strategies.logic.expiry_edge import SideBook
from strategies.logic.expiry_edge import decide_entry
from strategies.logic.expiry_edge import entry_gate
from strategies.logic.expiry_edge import expected_return

PRICE_SOURCES = frozenset({"ask", "mid"})
# Polymarket order sizes carry at most two decimals, finer than the instrument's 1e-6 grid.
VENUE_SIZE_INCREMENT = Decimal("0.01")
# Levels read per side: enough for the depth cap, bounded for speed.
BOOK_LEVELS = 20


def _decimal_field(name: str, value: str) -> Decimal:
    try:
        result = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"{name} must be a decimal string, was {value!r}") from None
    if not result.is_finite():
        raise ValueError(f"{name} must be finite, was {value!r}")
    return result


class ExpiryEdgeConfig(PolyedgeStrategyConfig, frozen=True):
    """
    Configuration for ``ExpiryEdge`` instances.

    Parameters
    ----------
    max_hours_to_expiry : PositiveFloat, default 4.0
        Enter only markets ending within this many hours (and not yet ended).
    min_probability : float, default 0.70
        The lowest dominant-token price entered (inclusive).
    max_probability : float, default 0.99
        The dominant-token price at and above which the strategy does not enter (exclusive).
    price_source : str, default "ask"
        The dominant-token price: ``"ask"`` (best ask) or ``"mid"`` (bid/ask midpoint).
    stake_usdc : str, optional, default "50"
        The fixed cash per entry (decimal string); exclusive with ``equity_fraction``.
    equity_fraction : float, optional
        The fraction of the account's USDC.e balance per entry; exclusive with ``stake_usdc``.
    min_liquidity_usdc : str, default "25"
        The minimum ask-side notional at or below the limit price (decimal string).
    limit_offset_ticks : NonNegativeInt, default 0
        How many ticks below the best ask to bid (0 takes the ask).
    dry_run : bool, default False
        If True, log the orders that would be sent and submit none (from
        ``PolyedgeStrategyConfig``).
    risk : GateLimitsConfig, optional
        The pre-trade limits, filled by the config loader from the ``risk`` section (from
        ``PolyedgeStrategyConfig``).

    """

    max_hours_to_expiry: PositiveFloat = 4.0
    min_probability: float = 0.70
    max_probability: float = 0.99
    price_source: str = "ask"
    stake_usdc: str | None = "50"
    equity_fraction: float | None = None
    min_liquidity_usdc: str = "25"
    limit_offset_ticks: NonNegativeInt = 0

    def __post_init__(self) -> None:
        if not self.max_hours_to_expiry > 0:
            raise ValueError(f"max_hours_to_expiry must be > 0, was {self.max_hours_to_expiry}")
        if not 0 < self.min_probability < 1:
            raise ValueError(f"min_probability must be in (0, 1), was {self.min_probability}")
        if not self.min_probability < self.max_probability < 1:
            raise ValueError(
                f"max_probability must be in (min_probability={self.min_probability}, 1), "
                f"was {self.max_probability}",
            )
        if self.price_source not in PRICE_SOURCES:
            raise ValueError(f"price_source must be 'ask' or 'mid', was {self.price_source!r}")
        if (self.stake_usdc is None) == (self.equity_fraction is None):
            raise ValueError(
                "set exactly one of stake_usdc and equity_fraction, "
                f"was stake_usdc={self.stake_usdc!r}, equity_fraction={self.equity_fraction!r}",
            )
        if self.stake_usdc is not None and _decimal_field("stake_usdc", self.stake_usdc) <= 0:
            raise ValueError(f"stake_usdc must be > 0, was {self.stake_usdc!r}")
        if self.equity_fraction is not None and not 0 < self.equity_fraction <= 1:
            raise ValueError(f"equity_fraction must be in (0, 1], was {self.equity_fraction}")
        if _decimal_field("min_liquidity_usdc", self.min_liquidity_usdc) < 0:
            raise ValueError(f"min_liquidity_usdc must be >= 0, was {self.min_liquidity_usdc!r}")
        if self.limit_offset_ticks < 0:
            raise ValueError(f"limit_offset_ticks must be >= 0, was {self.limit_offset_ticks}")

    def entry_params(self) -> EntryParams:
        """
        Return the thresholds as exact values for ``decide_entry``.
        """
        return EntryParams(
            max_hours_to_expiry=Decimal(str(self.max_hours_to_expiry)),
            min_probability=Decimal(str(self.min_probability)),
            max_probability=Decimal(str(self.max_probability)),
            price_source=self.price_source,
            stake_usdc=None if self.stake_usdc is None else Decimal(self.stake_usdc),
            equity_fraction=(
                None if self.equity_fraction is None else Decimal(str(self.equity_fraction))
            ),
            min_liquidity_usdc=Decimal(self.min_liquidity_usdc),
            limit_offset_ticks=self.limit_offset_ticks,
        )


class ExpiryEdge(PolyedgeStrategy):
    """
    Buy each near-expiry market's dominant token once and hold it to resolution.

    Parameters
    ----------
    config : ExpiryEdgeConfig
        The configuration for the instance.

    """

    def __init__(self, config: ExpiryEdgeConfig) -> None:
        super().__init__(config)
        self.params: EntryParams = config.entry_params()
        self.entered_markets: set[InstrumentId] = set()
        self.decisions: Counter[str] = Counter()
        self._book_tokens: set[InstrumentId] = set()

    def on_stop(self) -> None:
        """
        Cancel this strategy's working orders; positions are held to resolution.
        """
        for token_id in self._book_tokens:
            if self.cache.orders_open(instrument_id=token_id, strategy_id=self.id):
                self.cancel_all_orders(token_id)

    def on_market_info(self, info: MarketInfo) -> None:
        """
        Subscribe to the L2 books of both tokens of a live market.
        """
        if info.end_ns <= self.clock.timestamp_ns() or self.is_resolved(info.instrument_id):
            return
        for token_id in info.token_ids():
            if token_id in self._book_tokens:
                continue
            if self.cache.instrument(token_id) is None:
                # In live the scanner loads instruments after announcing the market.
                self.log.warning(f"Instrument {token_id} not cached yet, book not subscribed")
                continue
            subscribe_book_deltas(self, token_id, BookType.L2_MBP)
            self._book_tokens.add(token_id)

    def on_market_resolved(self, resolution: MarketResolution) -> None:
        """
        Stop the book subscriptions of a resolved market.
        """
        for token_id in resolution.payouts():
            if token_id in self._book_tokens:
                self.unsubscribe_order_book_deltas(token_id)
                self._book_tokens.discard(token_id)

    def on_order_book_deltas(self, deltas: OrderBookDeltas) -> None:
        """
        Decide on the token's market once a batch of deltas has completed its book.
        """
        # Without delta buffering a replayed snapshot arrives one delta at a time: act only
        # on a complete book (the batch that ends with F_LAST).
        if not deltas.flags & F_LAST:
            return
        info = self.market_of(deltas.instrument_id)
        if info is None or self.is_resolved(info.instrument_id):
            return
        decision = self._decide(info)
        self.decisions[decision.reason] += 1
        if decision.order is not None:
            self._enter(info, decision.order)

    def _decide(self, info: MarketInfo) -> EntryDecision:
        now_ns = self.clock.timestamp_ns()
        entered = info.instrument_id in self.entered_markets
        # Gate first so that markets outside the window cost no book reads.
        gate_reason = entry_gate(now_ns, info.end_ns, self.params, entered)
        if gate_reason is not None:
            return EntryDecision(gate_reason)
        yes_id, no_id = info.token_ids()
        yes = self.cache.instrument(yes_id)
        if yes is None or self.cache.instrument(no_id) is None:
            return EntryDecision(EntryReason.NO_BOOK)
        equity = None
        if self.params.equity_fraction is not None:
            equity = self._equity(yes)
            if equity is None:
                return EntryDecision(EntryReason.NO_EQUITY)
        return decide_entry(
            now_ns=now_ns,
            market=self._market_spec(info, yes),
            side_books=(self._side_book(yes_id), self._side_book(no_id)),
            params=self.params,
            already_entered=entered,
            equity=equity,
        )

    def _enter(self, info: MarketInfo, entry: EntryOrder) -> None:
        instrument = self.cache.instrument(InstrumentId.from_str(entry.instrument_id))
        # Fit the size to the risk limits; if nothing fits, send it as is so that the gate
        # refuses it with the binding reason (logged and counted).
        quantity = self.risk_capped_quantity(instrument, entry.price, entry.quantity)
        quantity = quantity if quantity > 0 else entry.quantity
        order = self.order_factory.limit(
            instrument_id=instrument.id,
            order_side=OrderSide.BUY,
            quantity=instrument.make_qty(quantity),
            price=instrument.make_price(entry.price),
            time_in_force=TimeInForce.GTC,
        )
        # Mark first: one entry per market whether the order is sent, refused or dry.
        self.entered_markets.add(info.instrument_id)
        self.log.info(
            f"Entry {info.condition_id} {instrument.id}: BUY {quantity} @ {entry.price} "
            f"(signal {entry.signal_price}, gross return {expected_return(entry.price):.4f}, "
            f"ends in {(info.end_ns - self.clock.timestamp_ns()) / NANOS_PER_HOUR:.2f} h)",
        )
        self.submit_guarded(order)

    def _side_book(self, instrument_id: InstrumentId) -> SideBook:
        book: OrderBook | None = self.cache.order_book(instrument_id)
        if book is None:
            return SideBook(instrument_id=instrument_id.value, bids=(), asks=())
        return SideBook(
            instrument_id=instrument_id.value,
            bids=_levels(book.bids()),
            asks=_levels(book.asks()),
        )

    def _market_spec(self, info: MarketInfo, instrument: Instrument) -> MarketSpec:
        min_size = Decimal(info.min_order_size)
        if instrument.min_quantity is not None:
            min_size = max(min_size, instrument.min_quantity.as_decimal())
        return MarketSpec(
            end_ns=info.end_ns,
            tick=instrument.price_increment.as_decimal(),
            size_increment=max(instrument.size_increment.as_decimal(), VENUE_SIZE_INCREMENT),
            min_size=min_size,
        )

    def _equity(self, instrument: Instrument) -> Decimal | None:
        account = self.portfolio.account(instrument.id.venue)
        if account is None:
            self.log.warning(f"No account for {instrument.id.venue}, cannot size by equity")
            return None
        balance = account.balance_total(instrument.quote_currency)
        return None if balance is None else balance.as_decimal()


def _levels(levels: list) -> tuple[BookLevel, ...]:
    return tuple(
        BookLevel(price=level.price.as_decimal(), size=Decimal(str(level.size())))
        for level in levels[:BOOK_LEVELS]
    )
