"""
Pure BTCUSDT-PERP core: a jump-diffusion mid path, an L2 depth book and trade prints.

The mid is a per-second geometric Brownian motion with Poisson jumps, rounded to the 0.1 USDT
tick (``mid_ticks``); it is the one BTC price of the catalog: the Binance book and prints follow
it and the BTC up/down markets resolve on it. The book reuses ``book.build_book`` on an absolute
tick grid: the touch sits around the mid (1-3 ticks wide) and the deeper levels on a sparse,
fixed set of prices, so a level keeps its price while the mid wanders and only levels that the
mid crosses (or that fall off the far end) change. BTC moves ~60 ticks between updates, so a
real book's level every tick would rewrite itself each update; one level per ~12 USDT keeps
three days under ~1M delta rows (about 6 per update) at the cost of a deep-looking book.
Trades arrive per second at a Poisson rate that rises with the size of the move (jumps bring
bursts), print at the touch and lean toward the next move. Sizes are integer micro-BTC on the
0.001 BTC grid. Numpy in, numpy out.
"""

from dataclasses import dataclass

import numpy as np

from catalog.synthetic.book import MICRO
from catalog.synthetic.book import BookParams
from catalog.synthetic.book import DeltaRows
from catalog.synthetic.book import Ladder
from catalog.synthetic.book import build_book
from catalog.synthetic.trades import BUYER
from catalog.synthetic.trades import SELLER
from catalog.synthetic.trades import TradeRows

NS_PER_SECOND = 1_000_000_000
NS_PER_MS = 1_000_000
SECONDS_PER_DAY = 86_400
SECONDS_PER_YEAR = 365.25 * SECONDS_PER_DAY
TICK_USDT = 0.1
SIZE_STEP_MICRO = 1_000  # 0.001 BTC
BTC_STREAM = 1_000_000  # RNG stream key, far from market indices
_PRICE_CAP_TICKS = 2_000_000  # 200,000 USDT: the book's grid runs on [1, cap)
_DEFAULT_BOOK = BookParams(
    levels=20,
    base_size=0.6,
    occupancy=0.008,
    depth_growth=0.15,
    size_sigma=0.7,
    touch_refresh=0.5,
    level_refresh=0.01,
    min_size=0.01,
)


@dataclass(frozen=True)
class BtcParams:
    """
    Knobs of the BTC path, the depth updates and the trade prints.

    Parameters
    ----------
    start_price : float
        Mid at the window start (USDT).
    annual_vol : float
        Diffusion volatility (annualised; with the jumps the total is about 0.53).
    jumps_per_day : float
        Poisson jump rate.
    jump_sigma : float
        Standard deviation of one jump's log return.
    min_gap_ms : int
        Shortest gap between depth updates.
    max_gap_ms : int
        Longest gap between depth updates (gaps are uniform in between).
    book : BookParams
        Depth shape: 20 levels a side, touch ~0.6 BTC, deeper levels ~12 USDT apart on average.
    trades_per_second : float
        Base print rate (scaled by the move size and a daily cycle).
    burst_cap : float
        Cap of the move-size multiplier of the print rate.
    flow_tilt : float
        Added to / removed from the 50 % buyer share in the direction of the next move.
    median_size : float
        Median print (BTC).
    size_sigma : float
        Log-normal dispersion of print sizes.

    """

    start_price: float = 65_000.0
    annual_vol: float = 0.5
    jumps_per_day: float = 8.0
    jump_sigma: float = 0.003
    min_gap_ms: int = 1_000
    max_gap_ms: int = 2_500
    book: BookParams = _DEFAULT_BOOK
    trades_per_second: float = 0.75
    burst_cap: float = 20.0
    flow_tilt: float = 0.15
    median_size: float = 0.02
    size_sigma: float = 1.2


@dataclass(frozen=True)
class BtcArrays:
    """
    The whole Binance side of the catalog, still as arrays.

    Parameters
    ----------
    start_ns : int
        Window start; ``mid_ticks[k]`` is the mid at ``start_ns + k`` seconds.
    mid_ticks : numpy.ndarray
        The per-second mid in 0.1 USDT ticks (one more entry than seconds in the window).
    times_ns : numpy.ndarray
        Depth update times; index 0 is the snapshot at ``start_ns``.
    rows : DeltaRows
        Depth deltas (``CLEAR`` + snapshot first, ``F_LAST`` alone on each batch's last row).
    bids : Ladder
        Bid levels at each depth update.
    asks : Ladder
        Ask levels at each depth update.
    trades : TradeRows
        Prints at the touch with aggressor side, sizes in micro-BTC.

    """

    start_ns: int
    mid_ticks: np.ndarray
    times_ns: np.ndarray
    rows: DeltaRows
    bids: Ladder
    asks: Ladder
    trades: TradeRows


def jump_diffusion_path(rng: np.random.Generator, n_seconds: int, params: BtcParams) -> np.ndarray:
    """
    Return a per-second GBM-with-jumps price path of ``n_seconds + 1`` points (USDT).

    Parameters
    ----------
    rng : numpy.random.Generator
        The random source.
    n_seconds : int
        Number of one-second steps.
    params : BtcParams
        Start price, diffusion volatility, jump rate and size.

    Returns
    -------
    numpy.ndarray
        Prices, ``path[0] == params.start_price``.

    """
    dt = 1.0 / SECONDS_PER_YEAR
    sigma = params.annual_vol
    diffusion = sigma * np.sqrt(dt) * rng.standard_normal(n_seconds)
    n_jumps = rng.poisson(params.jumps_per_day / SECONDS_PER_DAY, n_seconds)
    jumps = params.jump_sigma * np.sqrt(n_jumps) * rng.standard_normal(n_seconds)
    log_returns = -0.5 * sigma**2 * dt + diffusion + jumps
    return params.start_price * np.exp(np.concatenate([[0.0], np.cumsum(log_returns)]))


def to_ticks(prices: np.ndarray) -> np.ndarray:
    """
    Return prices rounded to the 0.1 USDT tick grid, as integer ticks.
    """
    return np.round(np.asarray(prices, dtype=np.float64) / TICK_USDT).astype(np.int64)


def mid_at(mid_ticks: np.ndarray, start_ns: int, ts_ns: np.ndarray | int) -> np.ndarray:
    """
    Return the mid (ticks) in force at each time: the last whole-second value at or before it.

    Parameters
    ----------
    mid_ticks : numpy.ndarray
        The per-second mid.
    start_ns : int
        The time of ``mid_ticks[0]``.
    ts_ns : numpy.ndarray or int
        Times at or after ``start_ns``.

    Returns
    -------
    numpy.ndarray

    """
    index = (np.asarray(ts_ns, dtype=np.int64) - start_ns) // NS_PER_SECOND
    return mid_ticks[np.clip(index, 0, mid_ticks.size - 1)]


def depth_times_ns(
    rng: np.random.Generator,
    start_ns: int,
    stop_ns: int,
    params: BtcParams,
) -> np.ndarray:
    """
    Return depth update times: the snapshot at ``start_ns``, then uniform millisecond gaps.
    """
    mean_gap = 0.5 * (params.min_gap_ms + params.max_gap_ms)
    n_draw = int((stop_ns - start_ns) / NS_PER_MS / mean_gap * 1.1) + 2
    gaps = rng.integers(params.min_gap_ms, params.max_gap_ms + 1, n_draw)
    times = start_ns + np.concatenate([[0], np.cumsum(gaps)]) * NS_PER_MS
    return times[times < stop_ns].astype(np.int64)


def depth_book(
    rng: np.random.Generator,
    times_ns: np.ndarray,
    start_ns: int,
    mid_ticks: np.ndarray,
    params: BtcParams,
) -> tuple[DeltaRows, Ladder, Ladder]:
    """
    Build the depth book around the mid at each update and diff it into delta rows.

    Parameters
    ----------
    rng : numpy.random.Generator
        The random source.
    times_ns : numpy.ndarray
        Depth update times (index 0 is the snapshot).
    start_ns : int
        The time of ``mid_ticks[0]``.
    mid_ticks : numpy.ndarray
        The per-second mid.
    params : BtcParams
        The book shape.

    Returns
    -------
    tuple[DeltaRows, Ladder, Ladder]
        Rows (prices in 0.1 USDT ticks, sizes in micro-BTC) and the bid and ask ladders.

    """
    mid = mid_at(mid_ticks, start_ns, times_ns)
    # A hair above the integer tick keeps the touch symmetric around the mid after the
    # float round trip through a "probability" of the price cap.
    prob = (mid + 1e-6) / _PRICE_CAP_TICKS
    return build_book(rng, prob, _PRICE_CAP_TICKS, params.book)


def trade_rates(mid_ticks: np.ndarray, start_ns: int, params: BtcParams) -> np.ndarray:
    """
    Return the expected prints in each second: base rate x daily cycle x move-size burst.
    """
    moves = np.abs(np.diff(np.log(mid_ticks.astype(np.float64))))
    typical = params.annual_vol * np.sqrt(1.0 / SECONDS_PER_YEAR)
    burst = np.minimum(0.4 + 0.75 * moves / typical, params.burst_cap)
    seconds = start_ns // NS_PER_SECOND + np.arange(moves.size)
    hour = (seconds % SECONDS_PER_DAY) / 3_600.0
    cycle = 1.0 + 0.3 * np.sin(2.0 * np.pi * (hour - 8.0) / 24.0)
    return params.trades_per_second * cycle * burst


def _print_sizes(rng: np.random.Generator, touch: np.ndarray, params: BtcParams) -> np.ndarray:
    btc = params.median_size * rng.lognormal(0.0, params.size_sigma, touch.size)
    micro = np.maximum(np.round(btc * MICRO / SIZE_STEP_MICRO), 1).astype(np.int64)
    return np.minimum(micro * SIZE_STEP_MICRO, touch)


def depth_trades(
    rng: np.random.Generator,
    mid_ticks: np.ndarray,
    start_ns: int,
    times_ns: np.ndarray,
    bids: Ladder,
    asks: Ladder,
    params: BtcParams,
) -> TradeRows:
    """
    Draw prints at the touch of the book in force, leaning toward the next one-second move.

    Parameters
    ----------
    rng : numpy.random.Generator
        The random source.
    mid_ticks : numpy.ndarray
        The per-second mid.
    start_ns : int
        The time of ``mid_ticks[0]`` (and of the book snapshot).
    times_ns : numpy.ndarray
        Depth update times.
    bids : Ladder
        The bid ladder.
    asks : Ladder
        The ask ladder.
    params : BtcParams
        Rate, tilt and size knobs.

    Returns
    -------
    TradeRows
        Prints strictly after ``start_ns`` and before the last second ends, non-decreasing.

    """
    counts = rng.poisson(trade_rates(mid_ticks, start_ns, params))
    second = np.repeat(np.arange(counts.size), counts)
    offset_us = rng.integers(1, 1_000_000, second.size)
    ts = np.sort(start_ns + second * NS_PER_SECOND + offset_us * 1_000)
    second = (ts - start_ns) // NS_PER_SECOND
    event = np.searchsorted(times_ns, ts, side="right") - 1
    move = np.sign(mid_ticks[second + 1] - mid_ticks[second])
    buyer = rng.random(ts.size) < 0.5 + params.flow_tilt * move
    price = np.where(buyer, asks.prices[event, 0], bids.prices[event, 0])
    touch = np.where(buyer, asks.sizes[event, 0], bids.sizes[event, 0])
    size = _print_sizes(rng, touch, params)
    keep = size > 0
    return TradeRows(
        ts_ns=ts[keep].astype(np.int64),
        price_ticks=price[keep].astype(np.int64),
        size_micro=size[keep],
        aggressor=np.where(buyer[keep], BUYER, SELLER).astype(np.uint8),
    )


def simulate_btc(
    seed: int,
    start_ns: int,
    stop_ns: int,
    params: BtcParams | None = None,
) -> BtcArrays:
    """
    Generate the BTC path, depth and prints over ``[start_ns, stop_ns]`` from stream ``seed``.

    Parameters
    ----------
    seed : int
        The catalog seed (the stream is ``(seed, BTC_STREAM)``).
    start_ns : int
        Window start, a whole second.
    stop_ns : int
        Window end, a whole number of seconds after ``start_ns``; no row at or after it.
    params : BtcParams, optional
        Knobs; defaults to ``BtcParams()``.

    Returns
    -------
    BtcArrays

    """
    params = params or BtcParams()
    rng = np.random.default_rng([seed, BTC_STREAM])
    n_seconds = (stop_ns - start_ns) // NS_PER_SECOND
    mid_ticks = to_ticks(jump_diffusion_path(rng, n_seconds, params))
    times = depth_times_ns(rng, start_ns, stop_ns, params)
    rows, bids, asks = depth_book(rng, times, start_ns, mid_ticks, params)
    trades = depth_trades(rng, mid_ticks, start_ns, times, bids, asks, params)
    return BtcArrays(start_ns, mid_ticks, times, rows, bids, asks, trades)


def realised_vol(mid_ticks: np.ndarray) -> float:
    """
    Return the annualised realised volatility of a per-second mid path.
    """
    returns = np.diff(np.log(mid_ticks.astype(np.float64)))
    return float(np.std(returns) * np.sqrt(SECONDS_PER_YEAR))


def path_summary(mid_ticks: np.ndarray) -> dict[str, str | float]:
    """
    Return the first, last, lowest and highest mid (USDT strings) and the realised vol.
    """
    mids = {
        "first_mid": mid_ticks[0],
        "last_mid": mid_ticks[-1],
        "min_mid": mid_ticks.min(),
        "max_mid": mid_ticks.max(),
    }
    summary: dict[str, str | float] = {k: f"{int(v) / 10:.1f}" for k, v in mids.items()}
    summary["realised_vol"] = round(realised_vol(mid_ticks), 4)
    return summary
