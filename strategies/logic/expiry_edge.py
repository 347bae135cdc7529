"""
Pure entry decision of the expiry-edge strategy.

Near its end a binary market's favourite tends to be underpriced relative to how often it
resolves in its favour. The strategy buys the dominant token once per market when the market
ends within a window and the favourite's price lies in ``[min_probability, max_probability)``,
then holds to resolution. Everything here works on ``Decimal`` values and frozen dataclasses:
no Nautilus strategy, clock or I/O.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from strategies.logic.guards import floor_to_increment
from strategies.logic.guards import round_to_tick

NANOS_PER_HOUR = 3_600_000_000_000
# Polymarket rejects marketable orders under $1 of notional.
MIN_MARKETABLE_NOTIONAL_USDC = Decimal(1)


class EntryReason(StrEnum):
    """
    The outcome code of one entry decision.
    """

    ENTER = "ENTER"
    ALREADY_ENTERED = "ALREADY_ENTERED"
    EXPIRED = "EXPIRED"
    OUTSIDE_WINDOW = "OUTSIDE_WINDOW"
    NO_BOOK = "NO_BOOK"
    NO_EQUITY = "NO_EQUITY"
    BELOW_MIN_PROB = "BELOW_MIN_PROB"
    ABOVE_MAX_PROB = "ABOVE_MAX_PROB"
    THIN_BOOK = "THIN_BOOK"
    TOO_SMALL = "TOO_SMALL"


@dataclass(frozen=True)
class BookLevel:
    """
    One aggregated price level.
    """

    price: Decimal
    size: Decimal


@dataclass(frozen=True)
class SideBook:
    """
    The top of one outcome token's book, best level first on each side.
    """

    instrument_id: str
    bids: tuple[BookLevel, ...]
    asks: tuple[BookLevel, ...]


@dataclass(frozen=True)
class MarketSpec:
    """
    The market's end time (UNIX nanoseconds) and grid: tick, size increment, minimum size.
    """

    end_ns: int
    tick: Decimal
    size_increment: Decimal
    min_size: Decimal


@dataclass(frozen=True)
class EntryParams:
    """
    The strategy thresholds, converted from config to exact values.

    Exactly one of ``stake_usdc`` and ``equity_fraction`` is set.
    """

    max_hours_to_expiry: Decimal
    min_probability: Decimal
    max_probability: Decimal
    price_source: str = "ask"
    stake_usdc: Decimal | None = Decimal(50)
    equity_fraction: Decimal | None = None
    min_liquidity_usdc: Decimal = Decimal(25)
    limit_offset_ticks: int = 0


@dataclass(frozen=True)
class EntryOrder:
    """
    The limit BUY to place: instrument id (string), limit price and quantity in shares.
    """

    instrument_id: str
    price: Decimal
    quantity: Decimal
    signal_price: Decimal


@dataclass(frozen=True)
class EntryDecision:
    """
    The reason code of a decision and, when it is ``ENTER``, the order.
    """

    reason: EntryReason
    order: EntryOrder | None = None


def expected_return(price: Decimal) -> Decimal:
    """
    Return the gross return ``(1 − p) / p`` of a share bought at ``p`` that pays 1, before fees.

    Parameters
    ----------
    price : Decimal
        The purchase price, strictly between 0 and 1.

    Returns
    -------
    Decimal

    """
    if not Decimal(0) < price < Decimal(1):
        raise ValueError(f"price must be in (0, 1), was {price}")
    return (Decimal(1) - price) / price


def entry_gate(
    now_ns: int,
    end_ns: int,
    params: EntryParams,
    already_entered: bool,
) -> EntryReason | None:
    """
    Return why the market cannot be entered whatever its books, or ``None`` if it may be.

    Parameters
    ----------
    now_ns : int
        The current time (UNIX nanoseconds).
    end_ns : int
        The market end time (UNIX nanoseconds).
    params : EntryParams
        The thresholds (``max_hours_to_expiry``).
    already_entered : bool
        If this market was entered before.

    Returns
    -------
    EntryReason or None
        ``ALREADY_ENTERED``, ``EXPIRED`` (at or past the end) or ``OUTSIDE_WINDOW``.

    """
    if already_entered:
        return EntryReason.ALREADY_ENTERED
    remaining_ns = end_ns - now_ns
    if remaining_ns <= 0:
        return EntryReason.EXPIRED
    if remaining_ns > params.max_hours_to_expiry * NANOS_PER_HOUR:
        return EntryReason.OUTSIDE_WINDOW
    return None


def signal_price(book: SideBook, price_source: str) -> Decimal | None:
    """
    Return the token's price by ``price_source`` ("ask" or "mid"), or ``None`` without quotes.

    Parameters
    ----------
    book : SideBook
        The token's book.
    price_source : str
        ``"ask"`` for the best ask, ``"mid"`` for the midpoint of best bid and ask.

    Returns
    -------
    Decimal or None

    """
    if not book.asks:
        return None
    best_ask = book.asks[0].price
    if price_source == "ask":
        return best_ask
    if not book.bids:
        return None
    return (book.bids[0].price + best_ask) / 2


def dominant_side(books: Sequence[SideBook], price_source: str) -> tuple[SideBook, Decimal] | None:
    """
    Return the book with the highest signal price and that price (the first wins ties).

    Parameters
    ----------
    books : Sequence[SideBook]
        The books of the market's tokens.
    price_source : str
        ``"ask"`` or ``"mid"``.

    Returns
    -------
    tuple[SideBook, Decimal] or None

    """
    best: tuple[SideBook, Decimal] | None = None
    for book in books:
        price = signal_price(book, price_source)
        if price is not None and (best is None or price > best[1]):
            best = (book, price)
    return best


def limit_price(book: SideBook, tick: Decimal, offset_ticks: int) -> Decimal:
    """
    Return the BUY limit: best ask less ``offset_ticks`` ticks, on the grid.

    The offset never takes the price below one tick above the best bid (the order still
    improves the bid) nor below one tick; it never exceeds the best ask.

    Parameters
    ----------
    book : SideBook
        The token's book, with at least one ask.
    tick : Decimal
        The tick size.
    offset_ticks : int
        How many ticks below the best ask to bid.

    Returns
    -------
    Decimal

    """
    best_ask = round_to_tick(book.asks[0].price, tick, "down")
    price = best_ask - offset_ticks * tick
    if book.bids:
        price = max(price, book.bids[0].price + tick)
    return min(round_to_tick(price, tick, "down"), best_ask)


def ask_depth(book: SideBook, up_to_price: Decimal) -> tuple[Decimal, Decimal]:
    """
    Return the shares and the notional (USDC) offered at or below ``up_to_price``.

    Parameters
    ----------
    book : SideBook
        The token's book.
    up_to_price : Decimal
        The highest ask price counted.

    Returns
    -------
    tuple[Decimal, Decimal]

    """
    shares = Decimal(0)
    notional = Decimal(0)
    for level in book.asks:
        if level.price > up_to_price:
            break
        shares += level.size
        notional += level.price * level.size
    return shares, notional


def stake_for(params: EntryParams, equity: Decimal | None) -> Decimal:
    """
    Return the cash to commit: the fixed stake, or the equity fraction of ``equity``.

    Parameters
    ----------
    params : EntryParams
        The thresholds.
    equity : Decimal or None
        The account equity (required with ``equity_fraction``).

    Returns
    -------
    Decimal

    Raises
    ------
    ValueError
        If the sizing mode needs an equity that was not given.

    """
    if params.stake_usdc is not None:
        return params.stake_usdc
    if params.equity_fraction is None or equity is None:
        raise ValueError("equity_fraction sizing needs both equity_fraction and equity")
    return params.equity_fraction * max(equity, Decimal(0))


def decide_entry(
    now_ns: int,
    market: MarketSpec,
    side_books: Sequence[SideBook],
    params: EntryParams,
    already_entered: bool,
    equity: Decimal | None = None,
) -> EntryDecision:
    """
    Decide whether to buy the market's dominant token now.

    Parameters
    ----------
    now_ns : int
        The current time (UNIX nanoseconds).
    market : MarketSpec
        The market's end time and grid.
    side_books : Sequence[SideBook]
        The books of the market's tokens (YES first).
    params : EntryParams
        The thresholds.
    already_entered : bool
        If this market was entered before (one entry per market).
    equity : Decimal, optional
        The account equity, required with ``equity_fraction`` sizing.

    Returns
    -------
    EntryDecision
        ``ENTER`` with the order, or the reason for not entering.

    """
    screened = _screen(now_ns, market, side_books, params, already_entered)
    if isinstance(screened, EntryReason):
        return EntryDecision(screened)
    book, price = screened
    return _size_entry(book, price, market, params, stake_for(params, equity))


def _screen(
    now_ns: int,
    market: MarketSpec,
    side_books: Sequence[SideBook],
    params: EntryParams,
    already_entered: bool,
) -> tuple[SideBook, Decimal] | EntryReason:
    gate_reason = entry_gate(now_ns, market.end_ns, params, already_entered)
    if gate_reason is not None:
        return gate_reason
    dominant = dominant_side(side_books, params.price_source)
    if dominant is None:
        return EntryReason.NO_BOOK
    if dominant[1] < params.min_probability:
        return EntryReason.BELOW_MIN_PROB
    if dominant[1] >= params.max_probability:
        return EntryReason.ABOVE_MAX_PROB
    return dominant


def _size_entry(
    book: SideBook,
    price: Decimal,
    market: MarketSpec,
    params: EntryParams,
    stake: Decimal,
) -> EntryDecision:
    limit = limit_price(book, market.tick, params.limit_offset_ticks)
    # A limit resting below the best ask takes nothing: measure it against the touch instead.
    depth_shares, depth_notional = ask_depth(book, max(limit, book.asks[0].price))
    if depth_notional < params.min_liquidity_usdc or depth_shares <= 0:
        return EntryDecision(EntryReason.THIN_BOOK)
    wanted = floor_to_increment(stake / limit, market.size_increment)
    quantity = min(wanted, floor_to_increment(depth_shares, market.size_increment))
    marketable = limit >= book.asks[0].price
    if quantity < market.min_size or (
        marketable and quantity * limit < MIN_MARKETABLE_NOTIONAL_USDC
    ):
        return EntryDecision(EntryReason.TOO_SMALL)
    order = EntryOrder(
        instrument_id=book.instrument_id, price=limit, quantity=quantity, signal_price=price
    )
    return EntryDecision(EntryReason.ENTER, order)
