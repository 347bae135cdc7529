"""
Pure trade-print generation at the touch (numpy in, numpy out).

A trade follows a book update and prints at that update's touch: at the ask when a buyer
aggresses, at the bid when a seller does. Aggressor flow leans toward the next mid move (so
order-flow signals have something real to find). The NO token trades on the mirrored book.
"""

from dataclasses import dataclass

import numpy as np

from catalog.synthetic.book import MICRO
from catalog.synthetic.book import Ladder

BUYER = 1
SELLER = 2
_NS_PER_MS = 1_000_000


@dataclass(frozen=True)
class TradeParams:
    """
    Trade-print knobs.

    Parameters
    ----------
    prob_per_update : float
        Probability of a print on each token after each book update.
    flow_tilt : float
        Added to / removed from the 50 % buyer share in the direction of the next move.
    median_size : float
        Median trade size (shares).
    size_sigma : float
        Log-normal dispersion of trade sizes.
    min_size : float
        Smallest print (shares).

    """

    prob_per_update: float = 0.3
    flow_tilt: float = 0.2
    median_size: float = 40.0
    size_sigma: float = 1.0
    min_size: float = 5.0


@dataclass(frozen=True)
class TradeRows:
    """
    Trade prints of one instrument, in time order.

    Parameters
    ----------
    ts_ns : numpy.ndarray
        Print times (UNIX ns), strictly increasing.
    price_ticks : numpy.ndarray
        Prices in ticks (the touch at the time).
    size_micro : numpy.ndarray
        Sizes in micro-shares.
    aggressor : numpy.ndarray
        1 for BUYER (at the ask), 2 for SELLER (at the bid).

    """

    ts_ns: np.ndarray
    price_ticks: np.ndarray
    size_micro: np.ndarray
    aggressor: np.ndarray

    def __len__(self) -> int:
        return int(self.ts_ns.size)


def _print_times(
    rng: np.random.Generator,
    times_ns: np.ndarray,
    stop_ns: int,
) -> tuple[np.ndarray, np.ndarray]:
    nxt = np.append(times_ns[1:], stop_ns)
    gap_ms = (nxt - times_ns) // _NS_PER_MS
    offset_ms = np.floor(rng.uniform(0.05, 0.95, times_ns.size) * gap_ms).astype(np.int64)
    ts = times_ns + np.maximum(offset_ms, 1) * _NS_PER_MS
    return ts, ts < nxt


def _sizes(rng: np.random.Generator, touch_micro: np.ndarray, params: TradeParams) -> np.ndarray:
    shares = params.median_size * rng.lognormal(0.0, params.size_sigma, touch_micro.size)
    micro = np.round(np.maximum(shares, params.min_size) * 100.0).astype(np.int64) * (MICRO // 100)
    return np.minimum(micro, touch_micro)


def token_trades(
    rng: np.random.Generator,
    times_ns: np.ndarray,
    stop_ns: int,
    bids: Ladder,
    asks: Ladder,
    mid_move: np.ndarray,
    params: TradeParams,
) -> TradeRows:
    """
    Draw prints of one token against its own book.

    Parameters
    ----------
    rng : numpy.random.Generator
        The random source.
    times_ns : numpy.ndarray
        Book update times (index 0 is the snapshot).
    stop_ns : int
        No print at or after this time.
    bids : Ladder
        The token's bid ladder.
    asks : Ladder
        The token's ask ladder.
    mid_move : numpy.ndarray
        The token's next mid change after each update (sign drives the aggressor tilt).
    params : TradeParams
        The print knobs.

    Returns
    -------
    TradeRows

    """
    ts, fits = _print_times(rng, np.asarray(times_ns, dtype=np.int64), stop_ns)
    happens = (rng.random(ts.size) < params.prob_per_update) & fits
    buyer_share = 0.5 + params.flow_tilt * np.sign(mid_move)
    buyer = rng.random(ts.size) < buyer_share
    price = np.where(buyer, asks.prices[:, 0], bids.prices[:, 0])
    touch = np.where(buyer, asks.sizes[:, 0], bids.sizes[:, 0])
    size = _sizes(rng, touch, params)
    keep = happens & (size > 0)
    return TradeRows(
        ts_ns=ts[keep],
        price_ticks=price[keep].astype(np.int64),
        size_micro=size[keep],
        aggressor=np.where(buyer[keep], BUYER, SELLER).astype(np.uint8),
    )


def mirror_ladders(bids: Ladder, asks: Ladder, n_ticks: int) -> tuple[Ladder, Ladder]:
    """
    Return the complementary token's (bids, asks): its bids are ``1 - YES asks``.
    """
    no_bids = Ladder(np.where(asks.prices >= 0, n_ticks - asks.prices, -1), asks.sizes)
    no_asks = Ladder(np.where(bids.prices >= 0, n_ticks - bids.prices, -1), bids.sizes)
    return no_bids, no_asks


def mid_moves(bids: Ladder, asks: Ladder) -> np.ndarray:
    """
    Return the next change of the touch mid (in ticks) after each update, 0 for the last.
    """
    mid = 0.5 * (bids.prices[:, 0] + asks.prices[:, 0])
    return np.append(np.diff(mid), 0.0)
