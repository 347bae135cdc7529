"""
Markets held back until their instruments are cached (pure bookkeeping, no clock, no I/O).

The scanner must not announce a market (``MarketInfo``) before both of its token instruments
are in the cache: subscribers subscribe to books on receipt and skip uncached tokens. A held
market keeps its latest payload; it is released once every instrument id it needs is cached,
or discarded when it resolves first.
"""

from collections.abc import Callable
from collections.abc import Iterable
from typing import Generic
from typing import TypeVar

T = TypeVar("T")


class PendingMarkets(Generic[T]):
    """
    Payloads keyed by condition id, each waiting for a set of instrument ids to be cached.
    """

    def __init__(self) -> None:
        self._waiting: dict[str, tuple[tuple[str, ...], T]] = {}

    def __len__(self) -> int:
        return len(self._waiting)

    def __contains__(self, condition_id: object) -> bool:
        return condition_id in self._waiting

    def condition_ids(self) -> frozenset[str]:
        """
        Return the condition ids still held.
        """
        return frozenset(self._waiting)

    def hold(self, condition_id: str, instrument_ids: Iterable[str], payload: T) -> None:
        """
        Hold ``payload`` until all ``instrument_ids`` are cached (a later hold replaces it).
        """
        ids = tuple(instrument_ids)
        if not ids:
            raise ValueError(f"market {condition_id} needs at least one instrument id")
        self._waiting.pop(condition_id, None)  # re-insert: a replaced payload keeps no priority
        self._waiting[condition_id] = (ids, payload)

    def discard(self, condition_id: str) -> bool:
        """
        Drop a held market (it resolved before loading); return whether it was held.
        """
        return self._waiting.pop(condition_id, None) is not None

    def missing(self, is_cached: Callable[[str], bool]) -> list[str]:
        """
        Return the sorted, distinct instrument ids held markets need and the cache lacks.
        """
        needed = {i for ids, _ in self._waiting.values() for i in ids}
        return sorted(i for i in needed if not is_cached(i))

    def release(self, is_cached: Callable[[str], bool]) -> list[T]:
        """
        Remove and return, in hold order, the payloads whose instruments are all cached.
        """
        ready = [cid for cid, (ids, _) in self._waiting.items() if all(map(is_cached, ids))]
        return [self._waiting.pop(cid)[1] for cid in ready]


def group_by_market(instrument_ids: Iterable[str]) -> list[list[str]]:
    """
    Group Polymarket instrument ids (``{condition_id}-{token_id}.POLYMARKET``) by market.
    """
    groups: dict[str, list[str]] = {}
    for instrument_id in instrument_ids:
        groups.setdefault(instrument_id.split("-", 1)[0], []).append(instrument_id)
    return list(groups.values())
