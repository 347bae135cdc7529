"""
Run one market spec through the pure core: times, path, both books, both trade tapes.

``arrays_from_path`` is the shared tail (books and tapes around a given YES path); the BTC
up/down markets feed it their own path.
"""

from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal

import numpy as np

from catalog.synthetic.book import BookParams
from catalog.synthetic.book import DeltaRows
from catalog.synthetic.book import book_value
from catalog.synthetic.book import build_book
from catalog.synthetic.book import mirror_rows
from catalog.synthetic.paths import PathParams
from catalog.synthetic.paths import event_times_ns
from catalog.synthetic.paths import hours_to_expiry
from catalog.synthetic.paths import probability_path
from catalog.synthetic.specs import MarketSpec
from catalog.synthetic.trades import TradeParams
from catalog.synthetic.trades import TradeRows
from catalog.synthetic.trades import mid_moves
from catalog.synthetic.trades import mirror_ladders
from catalog.synthetic.trades import token_trades


@dataclass(frozen=True)
class SimParams:
    """
    Path and trade knobs shared by every market (book knobs come from each spec).

    Parameters
    ----------
    path : PathParams
        Update-time and probability-path knobs.
    trade : TradeParams
        Trade-print knobs.

    """

    path: PathParams = field(default_factory=PathParams)
    trade: TradeParams = field(default_factory=TradeParams)


@dataclass(frozen=True)
class MarketArrays:
    """
    All generated rows of one market, still as arrays.

    Parameters
    ----------
    spec : MarketSpec
        The market.
    n_ticks : int
        Ticks per unit price.
    times_ns : numpy.ndarray
        Book update times; index 0 is the snapshot at ``spec.start_ns``.
    prob : numpy.ndarray
        The fair YES probability at each update.
    yes_rows : DeltaRows
        YES book deltas.
    no_rows : DeltaRows
        NO book deltas (the mirror of YES).
    yes_trades : TradeRows
        YES prints.
    no_trades : TradeRows
        NO prints.
    liquidity_usd : float
        Notional resting in both books at the snapshot.

    """

    spec: MarketSpec
    n_ticks: int
    times_ns: np.ndarray
    prob: np.ndarray
    yes_rows: DeltaRows
    no_rows: DeltaRows
    yes_trades: TradeRows
    no_trades: TradeRows
    liquidity_usd: float


def ticks_per_unit(tick_size: str) -> int:
    """
    Return ``1 / tick_size`` as an int (100 for ``"0.01"``).
    """
    return int(Decimal(1) / Decimal(tick_size))


def book_params(spec: MarketSpec) -> BookParams:
    """
    Return the book shape drawn for ``spec``.
    """
    return BookParams(
        levels=spec.knobs.levels,
        base_size=spec.knobs.base_size,
        occupancy=spec.knobs.occupancy,
    )


def simulate_market(
    seed: int,
    spec: MarketSpec,
    stop_ns: int,
    params: SimParams | None = None,
) -> MarketArrays:
    """
    Generate every row of one market from its own random stream ``(seed, index)``.

    Parameters
    ----------
    seed : int
        The catalog seed.
    spec : MarketSpec
        The market.
    stop_ns : int
        The window end; data stops at ``min(spec.end_ns, stop_ns)``.
    params : SimParams, optional
        Shared knobs; defaults to ``SimParams()``.

    Returns
    -------
    MarketArrays

    """
    params = params or SimParams()
    rng = np.random.default_rng([seed, spec.index])
    data_stop = min(spec.end_ns, stop_ns)
    updates = event_times_ns(rng, spec.start_ns, data_stop, spec.end_ns, params.path)
    times = np.concatenate([np.array([spec.start_ns], dtype=np.int64), updates])
    vol = spec.knobs.vol_per_sqrt_hour
    hours = hours_to_expiry(times, spec.end_ns)
    prob = probability_path(rng, hours, spec.p0, spec.yes_wins, spec.reversal, vol, params.path)
    return arrays_from_path(rng, spec, times, prob, data_stop, params.trade)


def arrays_from_path(
    rng: np.random.Generator,
    spec: MarketSpec,
    times_ns: np.ndarray,
    prob: np.ndarray,
    data_stop: int,
    trade: TradeParams,
) -> MarketArrays:
    """
    Build both books and both trade tapes of one market around a YES probability path.

    Parameters
    ----------
    rng : numpy.random.Generator
        The market's random stream (continued from drawing the path).
    spec : MarketSpec
        The market (book knobs, tick size).
    times_ns : numpy.ndarray
        Book update times; index 0 is the snapshot.
    prob : numpy.ndarray
        The fair YES probability at each update.
    data_stop : int
        No trade prints at or after this time.
    trade : TradeParams
        Trade-print knobs.

    Returns
    -------
    MarketArrays

    """
    n_ticks = ticks_per_unit(spec.tick_size)
    yes_rows, bids, asks = build_book(rng, prob, n_ticks, book_params(spec))
    no_bids, no_asks = mirror_ladders(bids, asks, n_ticks)
    yes_trades = token_trades(rng, times_ns, data_stop, bids, asks, mid_moves(bids, asks), trade)
    no_moves = mid_moves(no_bids, no_asks)
    no_trades = token_trades(rng, times_ns, data_stop, no_bids, no_asks, no_moves, trade)
    liquidity = sum(book_value(ladder, n_ticks) for ladder in (bids, asks, no_bids, no_asks))
    return MarketArrays(
        spec=spec,
        n_ticks=n_ticks,
        times_ns=times_ns,
        prob=prob,
        yes_rows=yes_rows,
        no_rows=mirror_rows(yes_rows, n_ticks),
        yes_trades=yes_trades,
        no_trades=no_trades,
        liquidity_usd=round(liquidity, 2),
    )
