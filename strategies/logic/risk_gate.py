"""
The pure pre-trade risk gate every polyedge order passes before it is submitted.

``check_order`` returns an allow/refuse decision with a reason code. Rules, in order:

1. trading state: nothing while HALTED; no exposure-increasing BUY while REDUCING;
2. market resolved;
3. order shape: price strictly inside (0, 1) on the tick grid, size on the size grid, at
   least the venue minimum size, and at least $1 when marketable;
4. no selling what is not held (Polymarket cannot short);
5. price sanity: a reference mid must exist, the price must lie within ``max_mid_distance``
   of it, and the claimed edge (model probability against price) must not exceed
   ``max_edge`` (a larger edge is far more likely bad data than a real opportunity);
6. BUYs only: per-market cooldown, then the exposure caps of ``strategies.logic.sizing``
   (single order, per market, total, correlated groups).

A SELL is always covered by tokens held (rule 4), so it only reduces exposure: cooldown and
exposure caps do not apply to it, so the gate never blocks an exit. Every value is a
``Decimal``; there are no Nautilus imports.
"""

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from strategies.logic.guards import sell_allowed
from strategies.logic.sizing import ONE
from strategies.logic.sizing import ZERO
from strategies.logic.sizing import Exposure
from strategies.logic.sizing import ExposureLimits
from strategies.logic.sizing import group_capacity
from strategies.logic.sizing import order_cap
from strategies.logic.sizing import total_cap

NANOS_PER_SECOND = 1_000_000_000
# Polymarket order sizes carry at most two decimals, finer than the instrument's 1e-6 grid.
POLYMARKET_SIZE_INCREMENT = Decimal("0.01")

Side = Literal["BUY", "SELL"]
TradingStateName = Literal["ACTIVE", "REDUCING", "HALTED"]


class Refusal(StrEnum):
    """
    Why the gate refused an order.
    """

    HALTED = "HALTED"
    REDUCING = "REDUCING"
    MARKET_RESOLVED = "MARKET_RESOLVED"
    INVALID_ORDER = "INVALID_ORDER"
    OFF_TICK = "OFF_TICK"
    OFF_SIZE_GRID = "OFF_SIZE_GRID"
    BELOW_MIN_SIZE = "BELOW_MIN_SIZE"
    BELOW_MIN_NOTIONAL = "BELOW_MIN_NOTIONAL"
    NAKED_SELL = "NAKED_SELL"
    NO_REFERENCE_PRICE = "NO_REFERENCE_PRICE"
    PRICE_FAR_FROM_MID = "PRICE_FAR_FROM_MID"
    EDGE_TOO_LARGE = "EDGE_TOO_LARGE"
    COOLDOWN = "COOLDOWN"
    NO_EQUITY = "NO_EQUITY"
    ORDER_CAP = "ORDER_CAP"
    MARKET_CAP = "MARKET_CAP"
    TOTAL_CAP = "TOTAL_CAP"
    GROUP_CAP = "GROUP_CAP"


@dataclass(frozen=True)
class GateLimits:
    """
    The pre-trade limits.

    Parameters
    ----------
    exposure : ExposureLimits
        The exposure caps (fractions of equity and absolute phase caps).
    cooldown_secs : int, default 60
        The minimum time between two BUYs in the same market.
    max_edge : Decimal, default 0.30
        The largest model edge (probability − price for a BUY) accepted.
    max_mid_distance : Decimal, default 0.20
        The largest distance between the order price and the reference mid.
    min_marketable_notional : Decimal, default 1
        The smallest notional of a marketable order (Polymarket: $1).
    same_source_categories : tuple[str, ...], default ("crypto",)
        Categories whose markets ending together share a resolution source (one group).

    """

    exposure: ExposureLimits = field(default_factory=ExposureLimits)
    cooldown_secs: int = 60
    max_edge: Decimal = Decimal("0.30")
    max_mid_distance: Decimal = Decimal("0.20")
    min_marketable_notional: Decimal = ONE
    same_source_categories: tuple[str, ...] = ("crypto",)

    def __post_init__(self) -> None:
        if self.cooldown_secs < 0:
            raise ValueError(f"cooldown_secs must be >= 0, was {self.cooldown_secs}")
        if not ZERO < self.max_edge <= ONE:
            raise ValueError(f"max_edge must be in (0, 1], was {self.max_edge}")
        if not ZERO < self.max_mid_distance <= ONE:
            raise ValueError(f"max_mid_distance must be in (0, 1], was {self.max_mid_distance}")
        if self.min_marketable_notional < 0:
            raise ValueError(
                f"min_marketable_notional must be >= 0, was {self.min_marketable_notional}",
            )


@dataclass(frozen=True)
class OrderIntent:
    """
    An order a strategy wants to send.

    Parameters
    ----------
    side : {"BUY", "SELL"}
        The order side.
    price : Decimal
        The limit price (the expected fill price for a market order).
    quantity : Decimal
        The quantity in shares.
    marketable : bool, default False
        If the order would take liquidity on arrival.
    probability : Decimal, optional
        The strategy's estimate that the token pays 1, if it has one (checked for edge).

    """

    side: Side
    price: Decimal
    quantity: Decimal
    marketable: bool = False
    probability: Decimal | None = None

    @property
    def notional(self) -> Decimal:
        """
        Return ``price × quantity``.
        """
        return self.price * self.quantity


@dataclass(frozen=True)
class MarketRules:
    """
    The venue rules of the order's instrument.

    Parameters
    ----------
    tick : Decimal
        The price increment.
    size_increment : Decimal
        The size increment.
    min_size : Decimal
        The minimum order size in shares.
    resolved : bool, default False
        If the market has resolved.

    """

    tick: Decimal
    size_increment: Decimal = POLYMARKET_SIZE_INCREMENT
    min_size: Decimal = Decimal(5)
    resolved: bool = False


@dataclass(frozen=True)
class GateContext:
    """
    The state an order is judged against.

    Parameters
    ----------
    now_ns : int
        The current time (the strategy's clock).
    exposure : Exposure
        Equity and the exposure of the order's market, its groups and the portfolio.
    held : Decimal, default 0
        The strategy's signed position in the order's token.
    open_sells : Decimal, default 0
        The leaves quantity of the strategy's working SELLs in the token.
    mid : Decimal, optional
        The reference mid price of the token (None when there is no two-sided book).
    last_buy_ns : int, optional
        When the strategy last sent a BUY in this market.
    trading_state : {"ACTIVE", "REDUCING", "HALTED"}, default "ACTIVE"
        The RiskEngine trading state.
    size_multiplier : Decimal, default 1
        The drawdown-scaled size multiplier applied to the single-order cap.

    """

    now_ns: int
    exposure: Exposure
    held: Decimal = ZERO
    open_sells: Decimal = ZERO
    mid: Decimal | None = None
    last_buy_ns: int | None = None
    trading_state: TradingStateName = "ACTIVE"
    size_multiplier: Decimal = ONE


@dataclass(frozen=True)
class GateDecision:
    """
    The gate's verdict: ``reason`` is None when the order is allowed.
    """

    reason: Refusal | None = None
    detail: str = ""

    @property
    def allowed(self) -> bool:
        """
        Return whether the order may be sent.
        """
        return self.reason is None


ALLOW = GateDecision()

_Check = Callable[[OrderIntent, MarketRules, GateContext, GateLimits], GateDecision | None]


def check_order(
    intent: OrderIntent,
    market: MarketRules,
    context: GateContext,
    limits: GateLimits,
) -> GateDecision:
    """
    Return whether ``intent`` may be sent, with the first rule it breaks.

    Parameters
    ----------
    intent : OrderIntent
        The order.
    market : MarketRules
        The instrument's venue rules and resolution status.
    context : GateContext
        The portfolio, book and trading state now.
    limits : GateLimits
        The limits.

    Returns
    -------
    GateDecision

    """
    for check in _CHECKS:
        decision = check(intent, market, context, limits)
        if decision is not None:
            return decision
    return ALLOW


def _check_state(
    intent: OrderIntent,
    market: MarketRules,
    context: GateContext,
    limits: GateLimits,
) -> GateDecision | None:
    if context.trading_state == "HALTED":
        return GateDecision(Refusal.HALTED, "trading is halted")
    if context.trading_state == "REDUCING" and intent.side == "BUY":
        return GateDecision(Refusal.REDUCING, "trading is reducing: only exits are allowed")
    if market.resolved:
        return GateDecision(Refusal.MARKET_RESOLVED, "market resolved")
    return None


def _check_shape(
    intent: OrderIntent,
    market: MarketRules,
    context: GateContext,
    limits: GateLimits,
) -> GateDecision | None:
    price, quantity = intent.price, intent.quantity
    if intent.side not in ("BUY", "SELL") or quantity <= 0 or not ZERO < price < ONE:
        return GateDecision(Refusal.INVALID_ORDER, f"{intent.side} {quantity} @ {price}")
    if price % market.tick != 0 or not market.tick <= price <= ONE - market.tick:
        return GateDecision(Refusal.OFF_TICK, f"price {price} off the {market.tick} grid")
    if quantity % market.size_increment != 0:
        detail = f"size {quantity} off the {market.size_increment} grid"
        return GateDecision(Refusal.OFF_SIZE_GRID, detail)
    if quantity < market.min_size:
        return GateDecision(Refusal.BELOW_MIN_SIZE, f"size {quantity} < {market.min_size}")
    if intent.marketable and intent.notional < limits.min_marketable_notional:
        detail = f"marketable notional {intent.notional} < {limits.min_marketable_notional}"
        return GateDecision(Refusal.BELOW_MIN_NOTIONAL, detail)
    return None


def _check_sell(
    intent: OrderIntent,
    market: MarketRules,
    context: GateContext,
    limits: GateLimits,
) -> GateDecision | None:
    if intent.side == "SELL" and not sell_allowed(
        context.held,
        context.open_sells,
        intent.quantity,
    ):
        detail = (
            f"held {context.held}, open sells {context.open_sells}, sell {intent.quantity} "
            "(Polymarket cannot short)"
        )
        return GateDecision(Refusal.NAKED_SELL, detail)
    return None


def _check_price_sanity(
    intent: OrderIntent,
    market: MarketRules,
    context: GateContext,
    limits: GateLimits,
) -> GateDecision | None:
    if context.mid is None:
        return GateDecision(Refusal.NO_REFERENCE_PRICE, "no mid to check the price against")
    distance = abs(intent.price - context.mid)
    if distance > limits.max_mid_distance:
        detail = f"price {intent.price} is {distance} from mid {context.mid}"
        return GateDecision(Refusal.PRICE_FAR_FROM_MID, detail)
    if intent.probability is None:
        return None
    edge = intent.probability - intent.price
    if intent.side == "SELL":
        edge = -edge
    if edge > limits.max_edge:
        detail = f"edge {edge} (p {intent.probability}, price {intent.price}) > {limits.max_edge}"
        return GateDecision(Refusal.EDGE_TOO_LARGE, detail)
    return None


def _check_cooldown(
    intent: OrderIntent,
    market: MarketRules,
    context: GateContext,
    limits: GateLimits,
) -> GateDecision | None:
    if intent.side != "BUY" or context.last_buy_ns is None:
        return None
    elapsed_ns = context.now_ns - context.last_buy_ns
    if elapsed_ns < limits.cooldown_secs * NANOS_PER_SECOND:
        detail = f"{elapsed_ns / NANOS_PER_SECOND:.1f} s since the last BUY in this market"
        return GateDecision(Refusal.COOLDOWN, detail)
    return None


def _check_caps(
    intent: OrderIntent,
    market: MarketRules,
    context: GateContext,
    limits: GateLimits,
) -> GateDecision | None:
    if intent.side != "BUY":
        return None
    exposure, caps = context.exposure, limits.exposure
    if exposure.equity <= 0:
        return GateDecision(Refusal.NO_EQUITY, f"equity {exposure.equity}")
    notional = intent.notional
    cap = order_cap(caps, exposure.equity, context.size_multiplier)
    if notional > cap:
        return GateDecision(Refusal.ORDER_CAP, f"order {notional} > cap {cap}")
    market_cap = caps.market_fraction * exposure.equity
    if exposure.market + notional > market_cap:
        detail = f"market exposure {exposure.market} + {notional} > cap {market_cap}"
        return GateDecision(Refusal.MARKET_CAP, detail)
    portfolio_cap = total_cap(caps, exposure.equity)
    if exposure.total + notional > portfolio_cap:
        detail = f"total exposure {exposure.total} + {notional} > cap {portfolio_cap}"
        return GateDecision(Refusal.TOTAL_CAP, detail)
    for group, group_exposure in sorted(exposure.groups.items()):
        if notional > group_capacity(caps, exposure.equity, group_exposure):
            detail = f"group {group} exposure {group_exposure} + {notional} over its cap"
            return GateDecision(Refusal.GROUP_CAP, detail)
    return None


_CHECKS: tuple[_Check, ...] = (
    _check_state,
    _check_shape,
    _check_sell,
    _check_price_sanity,
    _check_cooldown,
    _check_caps,
)
