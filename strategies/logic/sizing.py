"""
Pure position sizing: fractional Kelly, equity-fraction caps and correlated-group capacity.

A binary token bought at ``price`` pays 1 if it wins, so the net odds are
``b = (1 − price) / price`` and the Kelly fraction is ``f* = (p·b − q) / b`` with
``q = 1 − p``, which simplifies to ``(p − price) / (1 − price)``. Strategies scale it by a
fractional multiplier (0.25 directional, 0.5 grinding) and every stake is then capped by the
remaining risk capacity: the single-order cap, the per-market cap, the total-exposure cap and
the cap of every correlated group the market belongs to. The pre-trade gate
(``strategies.logic.risk_gate``) enforces the same capacity, so a size computed here always
passes it.

Exposure is money at risk: cost basis of held tokens plus the notional of working BUY orders.
Every value is a ``Decimal``; there are no Nautilus imports.
"""

from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal

from strategies.logic.guards import floor_to_increment

ZERO = Decimal(0)
ONE = Decimal(1)
# Default fractional-Kelly multipliers of the strategy families (issue 4).
DIRECTIONAL_KELLY_MULTIPLIER = Decimal("0.25")
GRINDING_KELLY_MULTIPLIER = Decimal("0.5")
EVENT_GROUP_PREFIX = "event:"
SOURCE_GROUP_PREFIX = "source:"


@dataclass(frozen=True)
class ExposureLimits:
    """
    Exposure caps as fractions of equity, plus optional absolute caps (deployment phases).

    Parameters
    ----------
    order_fraction : Decimal, default 0.02
        The largest single BUY notional as a fraction of equity.
    market_fraction : Decimal, default 0.10
        The largest exposure in one market (both tokens) as a fraction of equity.
    total_fraction : Decimal, default 0.60
        The largest total exposure as a fraction of equity.
    group_fraction : Decimal, default 0.20
        The largest exposure in one correlated group as a fraction of equity.
    max_order_usdc : Decimal, optional
        An absolute cap on a single BUY notional.
    max_total_usdc : Decimal, optional
        An absolute cap on the total exposure.

    """

    order_fraction: Decimal = Decimal("0.02")
    market_fraction: Decimal = Decimal("0.10")
    total_fraction: Decimal = Decimal("0.60")
    group_fraction: Decimal = Decimal("0.20")
    max_order_usdc: Decimal | None = None
    max_total_usdc: Decimal | None = None

    def __post_init__(self) -> None:
        fractions = {
            "order_fraction": self.order_fraction,
            "market_fraction": self.market_fraction,
            "total_fraction": self.total_fraction,
            "group_fraction": self.group_fraction,
        }
        for name, value in fractions.items():
            if not ZERO < value <= ONE:
                raise ValueError(f"{name} must be in (0, 1], was {value}")
        caps = {"max_order_usdc": self.max_order_usdc, "max_total_usdc": self.max_total_usdc}
        for name, cap in caps.items():
            if cap is not None and cap <= 0:
                raise ValueError(f"{name} must be > 0, was {cap}")


@dataclass(frozen=True)
class Exposure:
    """
    The portfolio exposure an order would add to.

    Parameters
    ----------
    equity : Decimal
        The bankroll: cash plus the cost basis of open positions.
    market : Decimal
        The exposure in the order's market (both tokens, every strategy).
    total : Decimal
        The total exposure on the venue.
    groups : Mapping[str, Decimal]
        The exposure of each correlated group the order's market belongs to.

    """

    equity: Decimal
    market: Decimal = ZERO
    total: Decimal = ZERO
    groups: Mapping[str, Decimal] = field(default_factory=dict)


def kelly_fraction(probability: Decimal, price: Decimal) -> Decimal:
    """
    Return the full Kelly fraction of equity for buying a binary token at ``price``.

    Parameters
    ----------
    probability : Decimal
        The estimated probability that the token pays 1, in [0, 1].
    price : Decimal
        The purchase price, in (0, 1).

    Returns
    -------
    Decimal
        ``f* = (p·b − q) / b`` with ``b = (1 − price) / price``; 0 when ``p ≤ price``.

    Raises
    ------
    ValueError
        If ``price`` is not in (0, 1) or ``probability`` is not in [0, 1].

    """
    if not ZERO < price < ONE:
        raise ValueError(f"price must be in (0, 1), was {price}")
    if not ZERO <= probability <= ONE:
        raise ValueError(f"probability must be in [0, 1], was {probability}")
    odds = (ONE - price) / price
    fraction = (probability * odds - (ONE - probability)) / odds
    return max(fraction, ZERO)


def kelly_stake(
    probability: Decimal,
    price: Decimal,
    equity: Decimal,
    multiplier: Decimal,
    max_fraction: Decimal = ONE,
) -> Decimal:
    """
    Return the fractional-Kelly stake in money, capped at ``max_fraction`` of equity.

    Parameters
    ----------
    probability : Decimal
        The estimated probability that the token pays 1.
    price : Decimal
        The purchase price, in (0, 1).
    equity : Decimal
        The bankroll; a non-positive bankroll stakes nothing.
    multiplier : Decimal
        The Kelly multiplier, in (0, 1] (0.25 directional, 0.5 grinding).
    max_fraction : Decimal, default 1
        The cap as a fraction of equity, in (0, 1].

    Raises
    ------
    ValueError
        If ``multiplier`` or ``max_fraction`` is not in (0, 1], or as ``kelly_fraction``.
    """
    if not ZERO < multiplier <= ONE:
        raise ValueError(f"multiplier must be in (0, 1], was {multiplier}")
    if not ZERO < max_fraction <= ONE:
        raise ValueError(f"max_fraction must be in (0, 1], was {max_fraction}")
    fraction = min(multiplier * kelly_fraction(probability, price), max_fraction)
    if equity <= 0:
        return ZERO
    return equity * fraction


def order_cap(limits: ExposureLimits, equity: Decimal, size_multiplier: Decimal = ONE) -> Decimal:
    """
    Return the largest single BUY notional: the equity fraction (and absolute cap), scaled.
    """
    cap = limits.order_fraction * max(equity, ZERO)
    if limits.max_order_usdc is not None:
        cap = min(cap, limits.max_order_usdc)
    return cap * size_multiplier


def total_cap(limits: ExposureLimits, equity: Decimal) -> Decimal:
    """
    Return the total exposure cap: the equity fraction, and the absolute cap if any.
    """
    cap = limits.total_fraction * max(equity, ZERO)
    if limits.max_total_usdc is not None:
        cap = min(cap, limits.max_total_usdc)
    return cap


def group_capacity(limits: ExposureLimits, equity: Decimal, group_exposure: Decimal) -> Decimal:
    """
    Return the remaining capacity of one correlated group (never negative).
    """
    return max(limits.group_fraction * max(equity, ZERO) - group_exposure, ZERO)


def buy_capacity(
    limits: ExposureLimits,
    exposure: Exposure,
    size_multiplier: Decimal = ONE,
) -> Decimal:
    """
    Return the largest BUY notional that keeps every exposure cap.

    Parameters
    ----------
    limits : ExposureLimits
        The caps.
    exposure : Exposure
        The current exposure of the order's market, its groups and the portfolio.
    size_multiplier : Decimal, default 1
        The drawdown-scaled size multiplier applied to the single-order cap.

    Returns
    -------
    Decimal
        The minimum of the order cap and the remaining market, total and group capacities,
        never negative.

    """
    equity = exposure.equity
    remaining = [
        order_cap(limits, equity, size_multiplier),
        limits.market_fraction * max(equity, ZERO) - exposure.market,
        total_cap(limits, equity) - exposure.total,
    ]
    remaining += [group_capacity(limits, equity, e) for e in exposure.groups.values()]
    return max(min(remaining), ZERO)


def capped_buy_quantity(
    desired_qty: Decimal,
    price: Decimal,
    capacity: Decimal,
    size_increment: Decimal,
    min_size: Decimal,
) -> Decimal:
    """
    Return ``desired_qty`` cut to what ``capacity`` buys at ``price`` (0 if below ``min_size``).

    Parameters
    ----------
    desired_qty : Decimal
        The quantity the strategy wants.
    price : Decimal
        The limit price, strictly positive.
    capacity : Decimal
        The money the order may commit (from ``buy_capacity``).
    size_increment : Decimal
        The size grid step.
    min_size : Decimal
        The venue minimum order size.

    Raises
    ------
    ValueError
        If ``price`` is not positive.
    """
    if price <= 0:
        raise ValueError(f"price must be positive, was {price}")
    quantity = floor_to_increment(min(desired_qty, max(capacity, ZERO) / price), size_increment)
    # The division rounds at the 28th digit: step back if it rounded up onto a grid point.
    if quantity > 0 and quantity * price > capacity:
        quantity = floor_to_increment(quantity - size_increment, size_increment)
    if quantity < min_size:
        return ZERO.quantize(size_increment)
    return quantity


def correlation_groups(
    event_id: str,
    category: str,
    end_ns: int,
    same_source_categories: Iterable[str] = (),
) -> tuple[str, ...]:
    """
    Return the correlated groups of a market, from its ``MarketInfo`` fields.

    Markets of one event (which includes a neg-risk group) are correlated; so are markets of a
    category listed in ``same_source_categories`` that end at the same instant, because they
    resolve from the same source at the same time (e.g. every BTC up/down market of one window).

    Parameters
    ----------
    event_id : str
        The parent event id ("" when unknown).
    category : str
        The market category.
    end_ns : int
        The market end time (UNIX nanoseconds).
    same_source_categories : Iterable[str], default ()
        Categories whose markets ending together share a resolution source.

    Returns
    -------
    tuple[str, ...]
        Group keys such as ``"event:<id>"`` and ``"source:<category>:<end_ns>"``.

    """
    groups = []
    if event_id:
        groups.append(f"{EVENT_GROUP_PREFIX}{event_id}")
    if category and category in set(same_source_categories):
        groups.append(f"{SOURCE_GROUP_PREFIX}{category}:{end_ns}")
    return tuple(groups)


def drawdown_size_multiplier(
    drawdown: Decimal,
    max_drawdown: Decimal,
    steps: Sequence[tuple[Decimal, Decimal]],
) -> Decimal:
    """
    Return the size multiplier for the current drawdown.

    Parameters
    ----------
    drawdown : Decimal
        The drawdown from peak equity as a fraction (0.02 = 2 %).
    max_drawdown : Decimal
        The drawdown that halts trading, strictly positive.
    steps : Sequence[tuple[Decimal, Decimal]]
        ``(fraction of max_drawdown, multiplier)`` pairs: once ``drawdown`` reaches the
        fraction of the limit, sizes are multiplied by the multiplier; the lowest multiplier of
        every step reached applies. ``((0.10, 0.75),)`` cuts sizes by 25 % after 10 % of the
        limit.

    Returns
    -------
    Decimal
        A multiplier in [0, 1]; 1 when no step is reached.

    Raises
    ------
    ValueError
        If ``max_drawdown`` is not positive.

    """
    if max_drawdown <= 0:
        raise ValueError(f"max_drawdown must be > 0, was {max_drawdown}")
    ratio = drawdown / max_drawdown
    reached = [multiplier for threshold, multiplier in steps if ratio >= threshold]
    return min([ONE, *reached])
