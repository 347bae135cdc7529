"""
A scripted Polymarket universe for the fake venues: matching Gamma and CLOB rows and books.

Market ``i`` (1-based) has condition id ``0x<i as 64 hex digits>`` and tokens ``10**20 + 2i``
(Yes) and ``10**20 + 2i + 1`` (No), as ``make_gamma_market`` builds them. Every market ends
within the scanner's 24 h horizon; the first ``near_expiry`` end within ExpiryEdge's 4 h window
with a dominant Yes side (ask ``0.80``), so the strategy enters them; the others end 6-20 h out
with the default 0.49/0.51 book.
"""

import random
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal
from typing import Any

import pandas as pd

from adapters.fakes.gamma import make_gamma_market
from adapters.polymarket.instruments import clob_market_dict

HOUR_NS = 3_600 * 1_000_000_000
TICK = Decimal("0.01")
# Dominant Yes (best ask 0.80) and its complement; best level last, as the venue sends them.
DOMINANT_BIDS = (("0.76", "500"), ("0.77", "500"), ("0.78", "500"))
DOMINANT_ASKS = (("0.82", "500"), ("0.81", "500"), ("0.80", "500"))
UNDERDOG_BIDS = (("0.18", "500"), ("0.19", "500"), ("0.20", "500"))
UNDERDOG_ASKS = (("0.24", "500"), ("0.23", "500"), ("0.22", "500"))

Levels = tuple[tuple[str, str], ...]


@dataclass
class Universe:
    """
    Gamma rows, CLOB rows and the non-default books (token id -> (bids, asks)).
    """

    gamma_rows: list[dict[str, Any]] = field(default_factory=list)
    clob_rows: list[dict[str, Any]] = field(default_factory=list)
    books: dict[str, tuple[Levels, Levels]] = field(default_factory=dict)

    def token_ids(self) -> list[str]:
        return [token for row in self.clob_rows for token in _row_tokens(row)]


def _row_tokens(row: dict[str, Any]) -> list[str]:
    return [token["token_id"] for token in row["tokens"]]


def token_pair(index: int) -> tuple[str, str]:
    """
    Return the Yes and No token ids of market `index`.
    """
    return str(10**20 + 2 * index), str(10**20 + 2 * index + 1)


def _market(index: int, end_ns: int) -> tuple[dict[str, Any], dict[str, Any]]:
    end_iso = pd.Timestamp(end_ns, tz="UTC").strftime("%Y-%m-%dT%H:%M:%SZ")
    gamma = make_gamma_market(index, end_iso)
    yes, no = token_pair(index)
    clob = clob_market_dict(
        condition_id=gamma["conditionId"],
        question=gamma["question"],
        yes_token_id=yes,
        no_token_id=no,
        end_ns=end_ns,
        tick_size=TICK,
    )
    return gamma, clob


def build_universe(
    now_ns: int, markets: int = 600, near_expiry: int = 5, seed: int = 11
) -> Universe:
    """
    Return `markets` markets ending within 24 h of `now_ns`, the first `near_expiry` of them
    within 1-3 h and with a dominant Yes book.
    """
    rng = random.Random(seed)  # noqa: S311 - a replayable scenario, not crypto
    universe = Universe()
    for index in range(1, markets + 1):
        near = index <= near_expiry
        hours = rng.uniform(1.0, 3.0) if near else rng.uniform(6.0, 20.0)
        gamma, clob = _market(index, now_ns + int(hours * HOUR_NS))
        if near:
            yes, no = token_pair(index)
            universe.books[yes] = (DOMINANT_BIDS, DOMINANT_ASKS)
            universe.books[no] = (UNDERDOG_BIDS, UNDERDOG_ASKS)
        universe.gamma_rows.append(gamma)
        universe.clob_rows.append(clob)
    return universe
