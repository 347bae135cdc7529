"""
The pre-trade gate's configuration, and its inputs read from the Nautilus cache and portfolio.

``GateLimitsConfig`` is the frozen Nautilus config of the gate's limits that every
``PolyedgeStrategyConfig`` carries as ``risk``. The readers below feed ``PolyedgeStrategy``'s
``strategies.logic.risk_gate.GateContext``. Exposure
is money at risk across every strategy on the venue: the cost basis of open positions plus the
notional of working BUY orders (a resting BUY commits cash and can fill at any moment). Equity
(the bankroll) is the account's cash plus the cost basis of open positions, so buying a token
does not change it and a resolution changes it by the realized PnL.
"""

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal

from nautilus_trader.cache.base import CacheFacade
from nautilus_trader.common.config import NautilusConfig
from nautilus_trader.common.config import NonNegativeInt
from nautilus_trader.model.enums import OrderSide
from nautilus_trader.model.identifiers import InstrumentId
from nautilus_trader.model.identifiers import Venue
from nautilus_trader.model.objects import Currency
from nautilus_trader.model.orders import Order
from nautilus_trader.model.position import Position
from nautilus_trader.portfolio.base import PortfolioFacade

from strategies.logic.risk_gate import GateLimits
from strategies.logic.sizing import ExposureLimits

ZERO = Decimal(0)

# Instrument → (market key, correlated groups of that market).
MarketOf = Callable[[InstrumentId], tuple[str, tuple[str, ...]]]


class GateLimitsConfig(NautilusConfig, frozen=True):
    """
    The pre-trade gate limits (filled by the config loader from the YAML ``risk`` section).

    Parameters
    ----------
    order_fraction : Decimal, default 0.02
        The largest single BUY notional as a fraction of equity.
    market_fraction : Decimal, default 0.10
        The largest exposure in one market as a fraction of equity.
    total_fraction : Decimal, default 0.60
        The largest total exposure as a fraction of equity.
    group_fraction : Decimal, default 0.20
        The largest exposure in one correlated group as a fraction of equity.
    max_order_usdc : Decimal, optional
        An absolute cap on a single BUY notional (deployment phase).
    max_total_usdc : Decimal, optional
        An absolute cap on the total exposure (deployment phase).
    cooldown_secs : NonNegativeInt, default 60
        The minimum time between two BUYs of this strategy in one market.
    max_edge : Decimal, default 0.30
        The largest model edge accepted (larger is treated as bad data).
    max_mid_distance : Decimal, default 0.20
        The largest distance between the order price and the reference mid.
    min_marketable_notional : Decimal, default 1
        The smallest notional of a marketable order.
    same_source_categories : tuple[str, ...], default ("crypto",)
        Categories whose markets ending together form one correlated group.

    """

    order_fraction: Decimal = Decimal("0.02")
    market_fraction: Decimal = Decimal("0.10")
    total_fraction: Decimal = Decimal("0.60")
    group_fraction: Decimal = Decimal("0.20")
    max_order_usdc: Decimal | None = None
    max_total_usdc: Decimal | None = None
    cooldown_secs: NonNegativeInt = 60
    max_edge: Decimal = Decimal("0.30")
    max_mid_distance: Decimal = Decimal("0.20")
    min_marketable_notional: Decimal = Decimal(1)
    same_source_categories: tuple[str, ...] = ("crypto",)

    def __post_init__(self) -> None:
        self.to_limits()

    def to_limits(self) -> GateLimits:
        """
        Return the limits for ``check_order``.

        Raises
        ------
        ValueError
            If a limit is out of range.

        """
        return GateLimits(
            exposure=ExposureLimits(
                order_fraction=self.order_fraction,
                market_fraction=self.market_fraction,
                total_fraction=self.total_fraction,
                group_fraction=self.group_fraction,
                max_order_usdc=self.max_order_usdc,
                max_total_usdc=self.max_total_usdc,
            ),
            cooldown_secs=self.cooldown_secs,
            max_edge=self.max_edge,
            max_mid_distance=self.max_mid_distance,
            min_marketable_notional=self.min_marketable_notional,
            same_source_categories=tuple(self.same_source_categories),
        )


@dataclass(frozen=True)
class ExposureBook:
    """
    Exposure on one venue: total, per market and per correlated group.
    """

    total: Decimal = ZERO
    by_market: dict[str, Decimal] = field(default_factory=dict)
    by_group: dict[str, Decimal] = field(default_factory=dict)


def venue_exposure(cache: CacheFacade, venue: Venue, market_of: MarketOf) -> ExposureBook:
    """
    Return the exposure of every strategy on ``venue``.

    Parameters
    ----------
    cache : CacheFacade
        The cache.
    venue : Venue
        The venue.
    market_of : MarketOf
        Maps a token to its market key and correlated groups.

    Returns
    -------
    ExposureBook

    """
    amounts: list[tuple[InstrumentId, Decimal]] = [
        (p.instrument_id, position_cost(p)) for p in cache.positions_open(venue=venue)
    ]
    buys = cache.orders_open(venue=venue, side=OrderSide.BUY)
    buys += cache.orders_inflight(venue=venue, side=OrderSide.BUY)
    amounts += [(o.instrument_id, working_notional(o)) for o in buys]
    by_market: dict[str, Decimal] = {}
    by_group: dict[str, Decimal] = {}
    total = ZERO
    for instrument_id, amount in amounts:
        market, groups = market_of(instrument_id)
        total += amount
        by_market[market] = by_market.get(market, ZERO) + amount
        for group in groups:
            by_group[group] = by_group.get(group, ZERO) + amount
    return ExposureBook(total=total, by_market=by_market, by_group=by_group)


def position_cost(position: Position) -> Decimal:
    """
    Return the cost basis of an open position: quantity × average entry price.
    """
    # Nautilus keeps the average entry as a float; its shortest repr is the intended price.
    return position.quantity.as_decimal() * Decimal(repr(position.avg_px_open))


def working_notional(order: Order) -> Decimal:
    """
    Return the notional still working in an order (leaves × limit price; 0 without a price).
    """
    if not order.has_price or order.price is None:
        return ZERO
    return order.leaves_qty.as_decimal() * order.price.as_decimal()


def equity(
    portfolio: PortfolioFacade,
    cache: CacheFacade,
    venue: Venue,
    currency: Currency,
) -> Decimal | None:
    """
    Return the bankroll on ``venue``: cash plus the cost basis of open positions.

    Returns None when the venue has no account yet.
    """
    account = portfolio.account(venue)
    if account is None:
        return None
    balance = account.balance_total(currency)
    cash = ZERO if balance is None else balance.as_decimal()
    return cash + sum((position_cost(p) for p in cache.positions_open(venue=venue)), ZERO)


def reference_price(cache: CacheFacade, instrument_id: InstrumentId) -> Decimal | None:
    """
    Return the price an order is sanity-checked against.

    The book mid when both sides exist, else the one side present, else the last trade.
    """
    book = cache.order_book(instrument_id)
    if book is not None:
        bid, ask = book.best_bid_price(), book.best_ask_price()
        if bid is not None and ask is not None:
            return (bid.as_decimal() + ask.as_decimal()) / 2
        if bid is not None or ask is not None:
            return (bid or ask).as_decimal()
    trade = cache.trade_tick(instrument_id)
    return None if trade is None else trade.price.as_decimal()


def touch_price(cache: CacheFacade, instrument_id: InstrumentId, side: OrderSide) -> Decimal | None:
    """
    Return the best opposite price an order of ``side`` would trade against, if any.
    """
    book = cache.order_book(instrument_id)
    if book is None:
        return None
    price = book.best_ask_price() if side == OrderSide.BUY else book.best_bid_price()
    return None if price is None else price.as_decimal()


def is_marketable(price: Decimal, touch: Decimal | None, side: OrderSide) -> bool:
    """
    Return whether a limit at ``price`` would cross the opposite best ``touch``.
    """
    if touch is None:
        return False
    return price >= touch if side == OrderSide.BUY else price <= touch
