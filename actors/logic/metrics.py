"""
Pure mappings behind ``actors.metrics.MetricsActor``: trading state values, halt reason labels,
new halts between two risk statuses, message ages and realized PnL per strategy.

No Nautilus or Prometheus imports: values in, plain numbers and labels out.
"""

from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal

from actors.logic.risk_types import ACTIVE
from actors.logic.risk_types import HALTED
from actors.logic.risk_types import NANOS_PER_SECOND
from actors.logic.risk_types import REDUCING
from actors.logic.risk_types import HaltReason

TRADING_STATE_VALUES: dict[str, int] = {ACTIVE: 0, REDUCING: 1, HALTED: 2}
# Bounds the label set of the halts counter: anything not a HaltReason is counted as OTHER.
OTHER_REASON = "OTHER"
_REASONS = frozenset(reason.value for reason in HaltReason)


def trading_state_value(state: str) -> int:
    """
    Return the gauge value of a trading state: ACTIVE 0, REDUCING 1, HALTED 2.

    Raises
    ------
    ValueError
        If ``state`` is not one of them.

    """
    value = TRADING_STATE_VALUES.get(state.upper())
    if value is None:
        raise ValueError(f"unknown trading state {state!r}")
    return value


def halt_reason_label(reason: str) -> str:
    """
    Return the ``reason`` label of a halt: the ``HaltReason`` name, else OTHER.
    """
    return reason if reason in _REASONS else OTHER_REASON


def new_halts(previous: tuple[str, ...], current: tuple[str, ...]) -> tuple[str, ...]:
    """
    Return the halt reasons in ``current`` that were not in ``previous``, in order, as labels.
    """
    before = set(previous)
    return tuple(halt_reason_label(reason) for reason in current if reason not in before)


def age_secs(now_ns: int, last_ns: int) -> float:
    """
    Return the seconds from ``last_ns`` to ``now_ns``, never negative.
    """
    return max(now_ns - last_ns, 0) / NANOS_PER_SECOND


@dataclass
class RealizedPnl:
    """
    Cumulative realized PnL per (strategy, currency) from position events.

    A netting position reopened under the same id starts its realized PnL from zero again,
    so each event adds the change since the last event of the same position, with an
    opening event as a fresh start.
    """

    _last: dict[str, Decimal] = field(default_factory=dict)
    _totals: dict[tuple[str, str], Decimal] = field(default_factory=dict)

    def update(
        self,
        position_id: str,
        key: tuple[str, str],
        realized: Decimal,
        opened: bool,
    ) -> Decimal:
        """
        Add one position event and return the new total of ``key`` (strategy, currency).

        Parameters
        ----------
        position_id : str
            The position the event belongs to.
        key : tuple[str, str]
            The (strategy id, currency) the total is kept under.
        realized : Decimal
            The position's realized PnL after the event.
        opened : bool
            If the event opened the position (its realized PnL restarts from zero).

        """
        previous = Decimal(0) if opened else self._last.get(position_id, Decimal(0))
        self._last[position_id] = realized
        total = self._totals.get(key, Decimal(0)) + realized - previous
        self._totals[key] = total
        return total
