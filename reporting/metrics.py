"""
Backtest statistics computed from plain records (no Nautilus imports, no I/O).

Why not ``BacktestResult``: in 1.221 its PnL and return stats only cover the last venue, its
Sharpe/Sortino use daily returns (NaN for intraday runs) and its win rate counts zero-PnL
positions as losses. Here every figure comes from an equity curve sampled at a fixed interval
by ``actors.equity_sampler.EquitySamplerActor`` plus the run's orders, fills and positions.

Formulas
--------
- Period return ``r_i = E_i / E_{i-1} - 1`` over consecutive samples of the curve ``E``.
- Periods per year ``P = 365 * 86400 / dt`` with ``dt`` the median sample spacing in seconds
  (Polymarket and crypto trade 24/7, so there is no 252-day convention).
- Sharpe ``= mean(r) / std(r) * sqrt(P)`` with the sample standard deviation (ddof 1) and a
  zero risk-free rate. ``None`` with fewer than 2 returns or zero deviation.
- Sortino ``= mean(r) / DD * sqrt(P)`` with downside deviation
  ``DD = sqrt(sum(min(r_i, 0)^2) / N)`` (target 0, all ``N`` returns in the denominator).
  ``None`` with fewer than 2 returns or no negative return.
- Max drawdown on ``[starting_equity] + E``: ``max(peak - E_t)`` in money and
  ``max((peak - E_t) / peak)`` as a fraction, each maximised on its own.
- Per strategy the curve is ``starting_equity + PnL_s(t)`` (its cumulative mark-to-market PnL).
- Win rate ``= wins / (wins + losses)`` over closed positions; zero-PnL positions are counted
  as ``flat`` and excluded from both. Profit factor ``= gross win / |gross loss|`` (``None``
  without losses). Realized PnL is Nautilus' position PnL, which is net of commissions.
- Return ``= final PnL / starting_equity`` where the final PnL is the last sample's
  mark-to-market PnL (realized PnL when there are no samples).
"""

import math
import statistics
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal
from itertools import pairwise

SECONDS_PER_YEAR = 365 * 86_400
ZERO = Decimal(0)


@dataclass(frozen=True)
class EquitySample:
    """
    One mark-to-market sample of account equity and cumulative PnL per strategy.

    Values use only cache state at ``ts_ns`` (no look-ahead). Open positions are marked at the
    book mid, else the last trade, else their average entry price.
    """

    ts_ns: int
    equity: Decimal
    pnl_by_strategy: dict[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class OrderRecord:
    """
    One order of the run (final state).
    """

    strategy_id: str
    client_order_id: str
    instrument_id: str
    side: str
    order_type: str
    status: str
    quantity: Decimal
    filled_qty: Decimal
    ts_init: int
    settlement: bool = False


@dataclass(frozen=True)
class FillRecord:
    """
    One fill (``OrderFilled`` event); ``liquidity`` is ``MAKER`` or ``TAKER``.
    """

    strategy_id: str
    instrument_id: str
    client_order_id: str
    trade_id: str
    side: str
    qty: Decimal
    price: Decimal
    commission: Decimal
    liquidity: str
    ts_ns: int


@dataclass(frozen=True)
class PositionRecord:
    """
    One position cycle (a NETTING reopen yields one record per cycle).
    """

    strategy_id: str
    instrument_id: str
    position_id: str
    realized_pnl: Decimal
    is_closed: bool
    ts_opened: int
    ts_closed: int | None


@dataclass(frozen=True)
class HaltRecord:
    """
    One trading-state change decided by the risk monitor (a halt, a resume, REDUCING).

    ``state`` is the trading state after it (ACTIVE, REDUCING or HALTED) and ``reason`` the
    halt reason (e.g. MAX_DRAWDOWN) or RESUMED / REDUCING_* / RECOVERED.
    """

    ts_ns: int
    state: str
    reason: str
    detail: str = ""


@dataclass(frozen=True)
class RunRecords:
    """
    Everything the report needs from one finished run, as plain records.
    """

    orders: tuple[OrderRecord, ...] = ()
    fills: tuple[FillRecord, ...] = ()
    positions: tuple[PositionRecord, ...] = ()
    samples: tuple[EquitySample, ...] = ()
    halts: tuple[HaltRecord, ...] = ()
    refusals: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class Drawdown:
    """
    Maximum drawdown of a curve as a fraction of the running peak and in money.
    """

    max_fraction: float
    max_abs: Decimal


@dataclass(frozen=True)
class TradeStats:
    """
    Outcome statistics over closed positions (zero-PnL positions are ``flat``).
    """

    wins: int
    losses: int
    flat: int
    win_rate: float | None
    profit_factor: float | None
    gross_win: Decimal
    gross_loss: Decimal
    avg_win: Decimal | None
    avg_loss: Decimal | None


@dataclass(frozen=True)
class StrategyMetrics:
    """
    The report figures for one strategy or for the whole run.
    """

    orders: int
    settlements: int
    fills: int
    maker_fills: int
    taker_fills: int
    fees: Decimal
    notional: Decimal
    realized_pnl: Decimal
    pnl: Decimal
    return_frac: float
    drawdown: Drawdown
    trades: TradeStats
    sharpe: float | None
    sortino: float | None


@dataclass(frozen=True)
class RunMetrics:
    """
    Metrics for the whole run (``total``) and per strategy id.
    """

    starting_equity: Decimal
    samples: int
    interval_secs: float | None
    periods_per_year: float | None
    total: StrategyMetrics
    strategies: dict[str, StrategyMetrics]


def max_drawdown(curve: Sequence[Decimal]) -> Drawdown:
    """
    Return the maximum drawdown of an equity curve (zero for an empty or rising curve).
    """
    peak: Decimal | None = None
    worst_abs = ZERO
    worst_frac = ZERO
    for value in curve:
        if peak is None or value > peak:
            peak = value
        drop = peak - value
        worst_abs = max(worst_abs, drop)
        if peak > 0:
            worst_frac = max(worst_frac, drop / peak)
    return Drawdown(max_fraction=float(worst_frac), max_abs=worst_abs)


def period_returns(curve: Sequence[Decimal]) -> list[float]:
    """
    Return the simple returns between consecutive points (skipping a non-positive base).
    """
    return [float(cur / prev - 1) for prev, cur in pairwise(curve) if prev > 0]


def periods_per_year(ts_ns: Sequence[int]) -> float | None:
    """
    Return ``365 days / median spacing`` of the timestamps, or ``None`` with < 2 of them.
    """
    steps = [b - a for a, b in pairwise(ts_ns) if b > a]
    if not steps:
        return None
    return SECONDS_PER_YEAR / (statistics.median(steps) / 1e9)


def sharpe_ratio(returns: Sequence[float], periods: float | None) -> float | None:
    """
    Return the annualised Sharpe ratio (risk-free 0), or ``None`` if undefined.
    """
    n = len(returns)
    if n < 2 or periods is None:
        return None
    mean = math.fsum(returns) / n
    var = math.fsum((r - mean) ** 2 for r in returns) / (n - 1)
    if var <= 0:
        return None
    return mean / math.sqrt(var) * math.sqrt(periods)


def sortino_ratio(returns: Sequence[float], periods: float | None) -> float | None:
    """
    Return the annualised Sortino ratio (target 0), or ``None`` if undefined.
    """
    n = len(returns)
    if n < 2 or periods is None:
        return None
    downside = math.sqrt(math.fsum(min(r, 0.0) ** 2 for r in returns) / n)
    if downside <= 0:
        return None
    return math.fsum(returns) / n / downside * math.sqrt(periods)


def trade_stats(realized: Iterable[Decimal]) -> TradeStats:
    """
    Return win/loss statistics for the realized PnL of closed positions.
    """
    values = list(realized)
    wins = [v for v in values if v > 0]
    losses = [v for v in values if v < 0]
    gross_win = sum(wins, ZERO)
    gross_loss = sum(losses, ZERO)
    decided = len(wins) + len(losses)
    return TradeStats(
        wins=len(wins),
        losses=len(losses),
        flat=len(values) - decided,
        win_rate=len(wins) / decided if decided else None,
        profit_factor=float(gross_win / -gross_loss) if losses else None,
        gross_win=gross_win,
        gross_loss=gross_loss,
        avg_win=gross_win / len(wins) if wins else None,
        avg_loss=gross_loss / len(losses) if losses else None,
    )


def strategy_ids_of(records: RunRecords, extra: Iterable[str] = ()) -> list[str]:
    """
    Return the sorted union of strategy ids seen in the records and ``extra``.
    """
    ids = set(extra)
    ids.update(o.strategy_id for o in records.orders)
    ids.update(f.strategy_id for f in records.fills)
    ids.update(p.strategy_id for p in records.positions)
    for sample in records.samples:
        ids.update(sample.pnl_by_strategy)
    return sorted(ids)


def compute_metrics(
    records: RunRecords,
    starting_equity: Decimal,
    strategy_ids: Iterable[str] = (),
) -> RunMetrics:
    """
    Return the run metrics, total and per strategy.

    Parameters
    ----------
    records : RunRecords
        The run's orders, fills, positions and equity samples.
    starting_equity : Decimal
        The account equity at the start of the run.
    strategy_ids : Iterable[str], optional
        Strategies to report even if they never traded (they get zero rows).

    Returns
    -------
    RunMetrics

    """
    samples = sorted(records.samples, key=lambda s: s.ts_ns)
    periods = periods_per_year([s.ts_ns for s in samples])
    total_curve = [s.equity for s in samples]
    total = _metrics_for(records, None, total_curve, starting_equity, periods)
    strategies = {}
    for sid in strategy_ids_of(records, strategy_ids):
        curve = [starting_equity + s.pnl_by_strategy.get(sid, ZERO) for s in samples]
        strategies[sid] = _metrics_for(records, sid, curve, starting_equity, periods)
    return RunMetrics(
        starting_equity=starting_equity,
        samples=len(samples),
        interval_secs=SECONDS_PER_YEAR / periods if periods else None,
        periods_per_year=periods,
        total=total,
        strategies=strategies,
    )


def _metrics_for(
    records: RunRecords,
    sid: str | None,
    curve: list[Decimal],
    starting_equity: Decimal,
    periods: float | None,
) -> StrategyMetrics:
    # Settlement close-outs are the venue's doing, not the strategy's: count them apart.
    mine = [o for o in records.orders if sid is None or o.strategy_id == sid]
    orders = [o for o in mine if not o.settlement]
    settled = {o.client_order_id for o in mine if o.settlement}
    fills = [
        f
        for f in records.fills
        if (sid is None or f.strategy_id == sid) and f.client_order_id not in settled
    ]
    all_fills = [f for f in records.fills if sid is None or f.strategy_id == sid]
    positions = [p for p in records.positions if sid is None or p.strategy_id == sid]
    realized = sum((p.realized_pnl for p in positions), ZERO)
    pnl = curve[-1] - starting_equity if curve else realized
    returns = period_returns(curve)
    return StrategyMetrics(
        orders=len(orders),
        settlements=len(settled),
        fills=len(fills),
        maker_fills=sum(1 for f in fills if f.liquidity == "MAKER"),
        taker_fills=sum(1 for f in fills if f.liquidity == "TAKER"),
        fees=sum((f.commission for f in all_fills), ZERO),
        notional=sum((f.qty * f.price for f in fills), ZERO),
        realized_pnl=realized,
        pnl=pnl,
        return_frac=float(pnl / starting_equity) if starting_equity > 0 else 0.0,
        drawdown=max_drawdown([starting_equity, *curve]),
        trades=trade_stats(p.realized_pnl for p in positions if p.is_closed),
        sharpe=sharpe_ratio(returns, periods),
        sortino=sortino_ratio(returns, periods),
    )
