"""
Pure order guards shared by every polyedge strategy.

Polymarket outcome tokens trade on a tick grid strictly inside (0, 1), sizes are quantised, and
the venue cannot short: a SELL must be covered by tokens already held. These functions encode
those rules on ``Decimal`` values with no Nautilus imports, so they are unit tested on their own
and reused by the strategies and the risk gate.
"""

from decimal import ROUND_CEILING
from decimal import ROUND_FLOOR
from decimal import ROUND_HALF_UP
from decimal import Decimal
from typing import Literal

RoundingMode = Literal["down", "up", "nearest"]

_ROUNDING: dict[str, str] = {
    "down": ROUND_FLOOR,
    "up": ROUND_CEILING,
    "nearest": ROUND_HALF_UP,
}


def sell_allowed(held_qty: Decimal, open_sell_qty: Decimal, sell_qty: Decimal) -> bool:
    """
    Return whether a SELL of ``sell_qty`` stays covered by the long position.

    Polymarket cannot short: the new SELL plus the SELLs already resting must not exceed the
    tokens held. A flat or short holding allows no SELL at all.

    Parameters
    ----------
    held_qty : Decimal
        The signed position quantity (positive when long).
    open_sell_qty : Decimal
        The leaves quantity of SELL orders already working in the same token.
    sell_qty : Decimal
        The quantity of the new SELL.

    Returns
    -------
    bool

    """
    if sell_qty <= 0:
        return False
    return open_sell_qty + sell_qty <= held_qty


def round_to_tick(price: Decimal, tick: Decimal, mode: RoundingMode = "nearest") -> Decimal:
    """
    Round a price onto the tick grid and clamp it to ``[tick, 1 − tick]``.

    Parameters
    ----------
    price : Decimal
        The price to round.
    tick : Decimal
        The tick size (0.01 or 0.001 on Polymarket), strictly between 0 and 0.5.
    mode : {"down", "up", "nearest"}, default "nearest"
        Round toward 0, toward 1, or to the nearest tick (halves go up).

    Returns
    -------
    Decimal

    Raises
    ------
    ValueError
        If ``tick`` is not in (0, 0.5) or ``mode`` is unknown.

    """
    if not Decimal(0) < tick < Decimal("0.5"):
        raise ValueError(f"tick must be in (0, 0.5), was {tick}")
    rounding = _ROUNDING.get(mode)
    if rounding is None:
        raise ValueError(f"mode must be one of {sorted(_ROUNDING)}, was {mode!r}")
    steps = (price / tick).to_integral_value(rounding=rounding)
    max_steps = (Decimal(1) / tick).to_integral_value(rounding=ROUND_FLOOR) - 1
    steps = min(max(steps, Decimal(1)), max_steps)
    return (steps * tick).quantize(tick)


def floor_to_increment(value: Decimal, increment: Decimal) -> Decimal:
    """
    Floor a non-negative value to a multiple of ``increment``.

    Parameters
    ----------
    value : Decimal
        The value to floor.
    increment : Decimal
        The grid step, strictly positive.

    Returns
    -------
    Decimal

    Raises
    ------
    ValueError
        If ``increment`` is not positive.

    """
    if increment <= 0:
        raise ValueError(f"increment must be positive, was {increment}")
    if value <= 0:
        return Decimal(0).quantize(increment)
    steps = (value / increment).to_integral_value(rounding=ROUND_FLOOR)
    return (steps * increment).quantize(increment)


def shares_for_stake(
    stake: Decimal,
    price: Decimal,
    size_increment: Decimal,
    min_size: Decimal,
) -> Decimal:
    """
    Return the shares a stake buys at ``price``, floored to the size grid.

    Parameters
    ----------
    stake : Decimal
        The cash to spend (USDC).
    price : Decimal
        The price per share, strictly positive.
    size_increment : Decimal
        The size grid step.
    min_size : Decimal
        The venue minimum order size; a smaller result is returned as 0.

    Returns
    -------
    Decimal

    Raises
    ------
    ValueError
        If ``price`` is not positive.

    """
    if price <= 0:
        raise ValueError(f"price must be positive, was {price}")
    shares = floor_to_increment(stake / price, size_increment)
    if shares < min_size:
        return Decimal(0).quantize(size_increment)
    return shares
