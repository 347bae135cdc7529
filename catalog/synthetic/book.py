"""
Pure L2 book math on the tick grid (numpy in, numpy out).

Prices are integer ticks in ``[1, n_ticks - 1]`` (``n_ticks = 1 / tick``), sizes are integer
micro-shares (the instrument's 6-dp size grid). Each side holds the touch plus the next
``levels - 1`` *occupied* prices of a fixed per-market occupancy pattern, so books have
realistic gaps. A level keeps its size while it stays in the book; it gets a fresh size when
it appears and, at random, when it is refreshed (refills and cancels). Consecutive books are
diffed into ``DELETE``/``UPDATE``/``ADD`` rows, snapshot first. Inside a batch deletes come
before updates and adds, so no intermediate state is ever crossed (the simulated exchange
matches after every single delta).

Codes match Nautilus: ``BookAction`` ADD=1 UPDATE=2 DELETE=3 CLEAR=4, ``OrderSide`` BUY=1
SELL=2, ``RecordFlag`` F_SNAPSHOT=32 F_LAST=128.
"""

from dataclasses import dataclass

import numpy as np

ADD = 1
UPDATE = 2
DELETE = 3
CLEAR = 4
NO_SIDE = 0
BUY = 1
SELL = 2
F_SNAPSHOT = 32
F_LAST = 128
MICRO = 1_000_000  # micro-shares per share


@dataclass(frozen=True)
class BookParams:
    """
    Shape of one market's book.

    Parameters
    ----------
    levels : int
        Price levels per side (touch included) where the grid allows.
    base_size : float
        Median size (shares) at the touch.
    occupancy : float
        Share of grid prices that can hold resting orders away from the touch.
    depth_growth : float
        Size grows by this factor per level away from the touch.
    size_sigma : float
        Log-normal dispersion of sizes.
    touch_refresh : float
        Probability that a touch level changes size at an update.
    level_refresh : float
        Probability that a deeper level changes size at an update.
    min_size : float
        Smallest resting size (shares).

    """

    levels: int = 8
    base_size: float = 60.0
    occupancy: float = 0.9
    depth_growth: float = 0.8
    size_sigma: float = 0.8
    touch_refresh: float = 0.5
    level_refresh: float = 0.08
    min_size: float = 5.0


@dataclass(frozen=True)
class DeltaRows:
    """
    Order-book delta rows of one instrument, in replay order.

    Parameters
    ----------
    event : numpy.ndarray
        Index into the update times (0 is the snapshot).
    action : numpy.ndarray
        Book action codes.
    side : numpy.ndarray
        Order side codes (0 for ``CLEAR``).
    price_ticks : numpy.ndarray
        Prices in ticks (0 for ``CLEAR``).
    size_micro : numpy.ndarray
        Sizes in micro-shares (0 for ``CLEAR`` and ``DELETE``).
    flags : numpy.ndarray
        Record flags (``F_LAST`` on the last row of every event).

    """

    event: np.ndarray
    action: np.ndarray
    side: np.ndarray
    price_ticks: np.ndarray
    size_micro: np.ndarray
    flags: np.ndarray

    def __len__(self) -> int:
        return int(self.event.size)


@dataclass(frozen=True)
class Ladder:
    """
    One side's levels at every update.

    Parameters
    ----------
    prices : numpy.ndarray
        ``(n_events, levels)`` ticks, touch first, ``-1`` where the grid ran out.
    sizes : numpy.ndarray
        ``(n_events, levels)`` micro-shares, 0 where ``prices`` is ``-1``.

    """

    prices: np.ndarray
    sizes: np.ndarray


def spread_path(rng: np.random.Generator, n_events: int, stickiness: float = 0.9) -> np.ndarray:
    """
    Return a sticky spread in ticks (1, 2 or 3) for each update.
    """
    draws = rng.choice(np.array([1, 2, 3]), size=n_events, p=[0.55, 0.3, 0.15])
    change = rng.random(n_events) >= stickiness
    change[0] = True
    last = np.maximum.accumulate(np.where(change, np.arange(n_events), 0))
    return draws[last].astype(np.int64)


def touch_ticks(
    prob: np.ndarray,
    spread: np.ndarray,
    n_ticks: int,
) -> tuple[np.ndarray, np.ndarray]:
    """
    Return best bid and best ask ticks around a YES probability.

    Parameters
    ----------
    prob : numpy.ndarray
        The fair YES probability at each update.
    spread : numpy.ndarray
        The spread in ticks at each update.
    n_ticks : int
        Ticks per unit price (100 for tick 0.01).

    Returns
    -------
    tuple[numpy.ndarray, numpy.ndarray]
        ``bid`` in ``[1, n_ticks - 1 - spread]`` and ``ask = bid + spread``.

    """
    spread = np.minimum(np.asarray(spread, dtype=np.int64), n_ticks - 2)
    raw = np.floor(np.asarray(prob) * n_ticks - spread / 2.0 + 0.5).astype(np.int64)
    bid = np.clip(raw, 1, n_ticks - 1 - spread)
    return bid, bid + spread


def occupancy_grid(rng: np.random.Generator, n_ticks: int, occupancy: float) -> np.ndarray:
    """
    Return the ascending grid prices that can hold resting orders (never 0 or ``n_ticks``).
    """
    prices = np.arange(1, n_ticks)
    return prices[rng.random(prices.size) < occupancy]


def _bid_prices(bid: np.ndarray, grid: np.ndarray, levels: int) -> np.ndarray:
    if grid.size == 0:
        grid = np.array([-1])
    below = np.searchsorted(grid, bid, side="left")
    j = np.arange(1, levels)
    idx = below[:, None] - j[None, :]
    deeper = np.where(idx >= 0, grid[np.clip(idx, 0, None)], -1)
    return np.concatenate([bid[:, None], deeper], axis=1)


def _ask_prices(ask: np.ndarray, grid: np.ndarray, levels: int) -> np.ndarray:
    if grid.size == 0:
        grid = np.array([-1])
    above = np.searchsorted(grid, ask, side="right")
    j = np.arange(0, levels - 1)
    idx = above[:, None] + j[None, :]
    deeper = np.where(idx < grid.size, grid[np.clip(idx, None, grid.size - 1)], -1)
    return np.concatenate([ask[:, None], deeper], axis=1)


@dataclass(frozen=True)
class _Runs:
    # Cells of one side sorted by (price, event): runs of continuous presence are contiguous.
    event: np.ndarray
    price: np.ndarray
    size: np.ndarray
    birth: np.ndarray
    refresh: np.ndarray
    run_end: np.ndarray


def _draw_sizes(rng: np.random.Generator, depth: np.ndarray, params: BookParams) -> np.ndarray:
    scale = params.base_size * (1.0 + params.depth_growth * depth)
    shares = scale * rng.lognormal(0.0, params.size_sigma, depth.size)
    shares = np.maximum(shares, params.min_size)
    return np.round(shares * 100.0).astype(np.int64) * (MICRO // 100)


def _side_runs(
    rng: np.random.Generator,
    prices: np.ndarray,
    params: BookParams,
) -> tuple[_Runs, np.ndarray]:
    k_idx, j_idx = np.nonzero(prices >= 0)
    p = prices[k_idx, j_idx]
    order = np.lexsort((k_idx, p))
    ks, ps, depth = k_idx[order], p[order], j_idx[order]
    birth = np.ones(ps.size, dtype=bool)
    birth[1:] = (ps[1:] != ps[:-1]) | (ks[1:] != ks[:-1] + 1)
    chance = np.where(depth == 0, params.touch_refresh, params.level_refresh)
    refresh = birth | (rng.random(ps.size) < chance)
    fresh = _draw_sizes(rng, depth, params)
    last = np.maximum.accumulate(np.where(refresh, np.arange(ps.size), 0))
    size = fresh[last]
    run_end = np.ones(ps.size, dtype=bool)
    run_end[:-1] = birth[1:]
    sizes = np.zeros(prices.shape, dtype=np.int64)
    sizes[ks, depth] = size
    return _Runs(ks, ps, size, birth, refresh, run_end), sizes


def _rows_from_runs(runs: _Runs, side: int, n_events: int) -> tuple[np.ndarray, ...]:
    add = runs.birth
    update = runs.refresh & ~runs.birth
    delete = runs.run_end & (runs.event + 1 < n_events)
    event = np.concatenate([runs.event[add], runs.event[update], runs.event[delete] + 1])
    action = np.concatenate(
        [
            np.full(int(add.sum()), ADD),
            np.full(int(update.sum()), UPDATE),
            np.full(int(delete.sum()), DELETE),
        ],
    )
    price = np.concatenate([runs.price[add], runs.price[update], runs.price[delete]])
    size = np.concatenate(
        [runs.size[add], runs.size[update], np.zeros(int(delete.sum()), dtype=np.int64)],
    )
    return event, action, np.full(event.size, side), price, size


def _assemble(parts: list[tuple[np.ndarray, ...]]) -> DeltaRows:
    event, action, side, price, size = (np.concatenate(cols) for cols in zip(*parts, strict=True))
    rank = np.select([action == CLEAR, action == DELETE, action == UPDATE], [0, 1, 2], 3)
    order = np.lexsort((price, side, rank, event))
    event, action, side, price, size = (a[order] for a in (event, action, side, price, size))
    last = np.ones(event.size, dtype=bool)
    last[:-1] = event[1:] != event[:-1]
    # The last row of a batch carries F_LAST alone: the 1.221 DataEngine ends a buffered
    # batch only on ``flags == F_LAST`` (equality), so F_SNAPSHOT | F_LAST would merge the
    # snapshot into the next update.
    flags = np.where(last, F_LAST, np.where(event == 0, F_SNAPSHOT, 0))
    return DeltaRows(
        event=event.astype(np.int64),
        action=action.astype(np.uint8),
        side=side.astype(np.uint8),
        price_ticks=price.astype(np.int64),
        size_micro=size.astype(np.int64),
        flags=flags.astype(np.uint8),
    )


def build_book(
    rng: np.random.Generator,
    prob: np.ndarray,
    n_ticks: int,
    params: BookParams,
) -> tuple[DeltaRows, Ladder, Ladder]:
    """
    Build the YES book around a probability path and diff it into delta rows.

    Parameters
    ----------
    rng : numpy.random.Generator
        The random source.
    prob : numpy.ndarray
        The YES probability at each update (index 0 is the snapshot).
    n_ticks : int
        Ticks per unit price (100 for tick 0.01, 1000 for 0.001).
    params : BookParams
        The book shape.

    Returns
    -------
    tuple[DeltaRows, Ladder, Ladder]
        The delta rows (``CLEAR`` + snapshot ``ADD`` rows first) and the bid and ask ladders.

    """
    n_events = int(np.asarray(prob).size)
    bid, ask = touch_ticks(prob, spread_path(rng, n_events), n_ticks)
    grid = occupancy_grid(rng, n_ticks, params.occupancy)
    parts: list[tuple[np.ndarray, ...]] = [
        tuple(np.zeros(1, dtype=np.int64) + v for v in (0, CLEAR, NO_SIDE, 0, 0)),
    ]
    ladders = []
    for side, prices in (
        (BUY, _bid_prices(bid, grid, params.levels)),
        (SELL, _ask_prices(ask, grid, params.levels)),
    ):
        runs, sizes = _side_runs(rng, prices, params)
        parts.append(_rows_from_runs(runs, side, n_events))
        ladders.append(Ladder(prices=prices, sizes=sizes))
    return _assemble(parts), ladders[0], ladders[1]


def mirror_rows(rows: DeltaRows, n_ticks: int) -> DeltaRows:
    """
    Return the complementary token's rows: sides swapped, ``price -> 1 - price``.

    Parameters
    ----------
    rows : DeltaRows
        The YES rows.
    n_ticks : int
        Ticks per unit price.

    Returns
    -------
    DeltaRows
        The NO rows (same events, actions, sizes and flags).

    """
    is_clear = rows.action == CLEAR
    side = np.where(is_clear, NO_SIDE, np.where(rows.side == BUY, SELL, BUY))
    price = np.where(is_clear, 0, n_ticks - rows.price_ticks)
    return DeltaRows(
        event=rows.event,
        action=rows.action,
        side=side.astype(np.uint8),
        price_ticks=price.astype(np.int64),
        size_micro=rows.size_micro,
        flags=rows.flags,
    )


def book_value(ladder: Ladder, n_ticks: int, event: int = 0) -> float:
    """
    Return the notional (USDC) resting on one side at one update.
    """
    prices = ladder.prices[event]
    valid = prices >= 0
    notional = prices[valid] / n_ticks * ladder.sizes[event][valid] / MICRO
    return float(notional.sum())
