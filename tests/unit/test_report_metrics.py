import math
from decimal import Decimal

import numpy as np
import pytest

from reporting.metrics import EquitySample
from reporting.metrics import FillRecord
from reporting.metrics import OrderRecord
from reporting.metrics import PositionRecord
from reporting.metrics import RunRecords
from reporting.metrics import compute_metrics
from reporting.metrics import max_drawdown
from reporting.metrics import period_returns
from reporting.metrics import periods_per_year
from reporting.metrics import sharpe_ratio
from reporting.metrics import sortino_ratio
from reporting.metrics import trade_stats

pytestmark = pytest.mark.unit

D = Decimal
T0 = 1_700_000_000_000_000_000
STEP = 300 * 1_000_000_000
P_300S = 365 * 86_400 / 300
RETURNS = [0.01, -0.02, 0.015, 0.003, -0.004, 0.02]


def _order(sid: str, coid: str) -> OrderRecord:
    return OrderRecord(sid, coid, "X.POLYMARKET", "BUY", "LIMIT", "FILLED", D(10), D(10), T0)


def _fill(sid: str, liquidity: str, qty: str, px: str, fee: str) -> FillRecord:
    return FillRecord(
        sid, "X.POLYMARKET", "O-1", "T-1", "BUY", D(qty), D(px), D(fee), liquidity, T0
    )


def _position(sid: str, pnl: str, closed: bool = True) -> PositionRecord:
    return PositionRecord(
        sid, "X.POLYMARKET", "P-1", D(pnl), closed, T0, T0 + 1 if closed else None
    )


def test_max_drawdown_known_curve_abs_and_fraction():
    curve = [D(100), D(110), D(99), D(105), D(88), D(120)]

    dd = max_drawdown(curve)

    assert dd.max_abs == D(22)
    assert dd.max_fraction == pytest.approx(0.2)


def test_max_drawdown_fraction_and_abs_peaks_differ_each_maximised():
    dd = max_drawdown([D(100), D(50), D(1000), D(800)])

    assert dd.max_abs == D(200)
    assert dd.max_fraction == pytest.approx(0.5)


@pytest.mark.parametrize("curve", [[], [D(5)], [D(1), D(2), D(3)]])
def test_max_drawdown_empty_or_rising_is_zero(curve):
    dd = max_drawdown(curve)

    assert dd.max_abs == 0
    assert dd.max_fraction == 0.0


def test_period_returns_known_curve_simple_returns():
    assert period_returns([D(100), D(110), D(99)]) == pytest.approx([0.1, -0.1])
    assert period_returns([]) == []


def test_periods_per_year_median_spacing_ignores_short_last_step():
    ts = [T0, T0 + STEP, T0 + 2 * STEP, T0 + 2 * STEP + 10_000_000_000]

    assert periods_per_year(ts) == pytest.approx(P_300S)
    assert periods_per_year([T0]) is None


def test_sharpe_known_returns_matches_numpy():
    r = np.array(RETURNS)
    expected = r.mean() / r.std(ddof=1) * math.sqrt(P_300S)

    assert sharpe_ratio(RETURNS, P_300S) == pytest.approx(expected, rel=1e-12)


def test_sortino_known_returns_matches_numpy():
    r = np.array(RETURNS)
    downside = np.sqrt(np.mean(np.minimum(r, 0.0) ** 2))
    expected = r.mean() / downside * math.sqrt(P_300S)

    assert sortino_ratio(RETURNS, P_300S) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("returns", "periods"),
    [([], P_300S), ([0.01], P_300S), ([0.01, 0.01, 0.01], P_300S), (RETURNS, None)],
)
def test_sharpe_degenerate_inputs_none(returns, periods):
    assert sharpe_ratio(returns, periods) is None


def test_sortino_without_negative_returns_none():
    assert sortino_ratio([0.01, 0.02, 0.0], P_300S) is None
    assert sortino_ratio([-0.01], P_300S) is None


def test_trade_stats_zero_pnl_excluded_from_wins_and_losses():
    stats = trade_stats([D(10), D(-5), D(0), D(20), D(-15), D(0)])

    assert (stats.wins, stats.losses, stats.flat) == (2, 2, 2)
    assert stats.win_rate == pytest.approx(0.5)
    assert stats.profit_factor == pytest.approx(1.5)
    assert stats.gross_win == D(30)
    assert stats.gross_loss == D(-20)
    assert stats.avg_win == D(15)
    assert stats.avg_loss == D(-10)


def test_trade_stats_no_losses_profit_factor_none():
    stats = trade_stats([D(3), D(0)])

    assert stats.win_rate == 1.0
    assert stats.profit_factor is None
    assert stats.avg_loss is None


def test_trade_stats_empty_zeros_and_none():
    stats = trade_stats([])

    assert (stats.wins, stats.losses, stats.flat) == (0, 0, 0)
    assert stats.win_rate is None
    assert stats.profit_factor is None
    assert stats.avg_win is None
    assert stats.gross_win == 0


def test_compute_metrics_empty_records_zeros_not_crash():
    m = compute_metrics(RunRecords(), D(1000))

    assert m.samples == 0
    assert m.periods_per_year is None
    assert m.strategies == {}
    assert m.total.orders == 0
    assert m.total.fees == 0
    assert m.total.pnl == 0
    assert m.total.return_frac == 0.0
    assert m.total.drawdown.max_abs == 0
    assert m.total.sharpe is None
    assert m.total.sortino is None


def _records() -> RunRecords:
    samples = (
        EquitySample(T0, D(1000), {"A": D(0), "B": D(0)}),
        EquitySample(T0 + STEP, D(1010), {"A": D(15), "B": D(-5)}),
        EquitySample(T0 + 2 * STEP, D(990), {"A": D(5), "B": D(-15)}),
        EquitySample(T0 + 3 * STEP, D(1020), {"A": D(30), "B": D(-10)}),
    )
    return RunRecords(
        orders=(_order("A", "O-1"), _order("A", "O-2"), _order("B", "O-3")),
        fills=(
            _fill("A", "MAKER", "10", "0.5", "0"),
            _fill("A", "TAKER", "10", "0.6", "0.25"),
            _fill("B", "TAKER", "20", "0.4", "0.5"),
        ),
        positions=(
            _position("A", "12"),
            _position("A", "0"),
            _position("B", "-7"),
            _position("B", "-3", closed=False),
        ),
        samples=samples,
    )


def test_compute_metrics_per_strategy_counts_fees_and_pnl():
    m = compute_metrics(_records(), D(1000), strategy_ids=["IDLE"])
    a, b = m.strategies["A"], m.strategies["B"]

    assert (a.orders, a.fills, a.maker_fills, a.taker_fills) == (2, 2, 1, 1)
    assert a.fees == D("0.25")
    assert a.notional == D("11.0")
    assert a.realized_pnl == D(12)
    assert a.pnl == D(30)
    assert a.return_frac == pytest.approx(0.03)
    assert (a.trades.wins, a.trades.losses, a.trades.flat) == (1, 0, 1)
    assert (b.orders, b.fills, b.taker_fills) == (1, 1, 1)
    assert b.realized_pnl == D(-10)
    assert (b.trades.wins, b.trades.losses) == (0, 1)


def test_compute_metrics_per_strategy_drawdown_from_start_plus_pnl():
    m = compute_metrics(_records(), D(1000))

    assert m.strategies["A"].drawdown.max_abs == D(10)
    assert m.strategies["A"].drawdown.max_fraction == pytest.approx(10 / 1015)
    assert m.strategies["B"].drawdown.max_abs == D(15)


def test_compute_metrics_total_curve_sharpe_matches_numpy():
    m = compute_metrics(_records(), D(1000))
    eq = np.array([1000.0, 1010.0, 990.0, 1020.0])
    r = eq[1:] / eq[:-1] - 1

    assert m.periods_per_year == pytest.approx(P_300S)
    assert m.interval_secs == pytest.approx(300.0)
    assert m.total.orders == 3
    assert (m.total.maker_fills, m.total.taker_fills) == (1, 2)
    assert m.total.fees == D("0.75")
    assert m.total.pnl == D(20)
    assert m.total.drawdown.max_abs == D(20)
    assert m.total.sharpe == pytest.approx(r.mean() / r.std(ddof=1) * math.sqrt(P_300S))


def test_compute_metrics_known_idle_strategy_zero_row():
    m = compute_metrics(_records(), D(1000), strategy_ids=["IDLE"])
    idle = m.strategies["IDLE"]

    assert list(m.strategies) == ["A", "B", "IDLE"]
    assert (idle.orders, idle.fills, idle.pnl) == (0, 0, D(0))
    assert idle.sharpe is None
    assert idle.drawdown.max_abs == 0


def test_compute_metrics_without_samples_pnl_falls_back_to_realized():
    records = RunRecords(positions=(_position("A", "4"),))

    m = compute_metrics(records, D(100))

    assert m.total.pnl == D(4)
    assert m.total.return_frac == pytest.approx(0.04)
