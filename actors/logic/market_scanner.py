"""
The market scanner's pure decision core: which markets a scan keeps and what it publishes.

No clock, no I/O: the actor passes the scan time and the rows it fetched.
"""

from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Set
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from adapters.polymarket.gamma_parsing import GammaMarket


@dataclass(frozen=True)
class ScanDecision:
    """
    What one scan publishes: new or changed markets, and newly resolved ones.
    """

    new_or_changed: tuple[GammaMarket, ...]
    resolved: tuple[GammaMarket, ...]


@dataclass(frozen=True)
class ScanResult:
    """
    The raw rows of one scan; ``forced_ids`` are up/down markets that bypass the filters.
    """

    rows: list[dict[str, Any]]
    forced_ids: frozenset[str] = field(default_factory=frozenset)


def passes_filters(
    market: GammaMarket,
    now_ns: int,
    horizon_ns: int,
    min_volume_usd: float,
    min_liquidity_usd: float,
) -> bool:
    """
    Return whether an open market ends within the horizon and meets the volume/liquidity floors.
    """
    return (
        not market.closed
        and now_ns <= market.end_ns <= now_ns + horizon_ns
        and market.volume_usd >= min_volume_usd
        and market.liquidity_usd >= min_liquidity_usd
    )


@dataclass(frozen=True)
class ScanFilters:
    """
    The universe filters: end within ``horizon_ns`` and minimum volume and liquidity.
    """

    horizon_ns: int
    min_volume_usd: float
    min_liquidity_usd: float


def select_candidates(
    markets: Iterable[GammaMarket],
    now_ns: int,
    filters: ScanFilters,
    forced_ids: Set[str],
    known_ids: Set[str],
) -> list[GammaMarket]:
    """
    Return the markets a scan decides on: filtered listings, forced and already-known markets.
    """
    return [
        m
        for m in markets
        if m.condition_id in forced_ids
        or m.condition_id in known_ids
        or passes_filters(
            m,
            now_ns,
            filters.horizon_ns,
            filters.min_volume_usd,
            filters.min_liquidity_usd,
        )
    ]


def decide_publications(
    known: Mapping[str, tuple],
    resolved_ids: Set[str],
    scanned: Iterable[GammaMarket],
) -> ScanDecision:
    """
    Decide what to publish: unseen or changed open markets, and resolutions not yet published.

    Parameters
    ----------
    known : Mapping[str, tuple]
        ``GammaMarket.static_key()`` by condition id, as last published.
    resolved_ids : Set[str]
        Condition ids whose resolution was already published.
    scanned : Iterable[GammaMarket]
        This scan's markets (duplicates are ignored after the first).

    """
    new_or_changed: list[GammaMarket] = []
    resolved: list[GammaMarket] = []
    seen: set[str] = set()
    for market in scanned:
        cid = market.condition_id
        if cid in seen or cid in resolved_ids:
            continue
        seen.add(cid)
        if market.winner() is not None:
            resolved.append(market)
        elif not market.closed and known.get(cid) != market.static_key():
            new_or_changed.append(market)
    return ScanDecision(tuple(new_or_changed), tuple(resolved))
