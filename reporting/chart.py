"""
Render the equity report chart: equity on top, drawdown below, per-strategy PnL at the bottom.

Uses the object-oriented Agg canvas (no pyplot, no global backend switch) and strips the
``Software`` PNG metadata so that identical inputs give identical bytes.
"""

from collections.abc import Sequence
from datetime import UTC
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from reporting.metrics import EquitySample

_DPI = 100
_SIZE_INCHES = (11.0, 8.0)


def plot_equity(
    samples: Sequence[EquitySample],
    starting_equity: Decimal,
    path: Path,
    title: str,
    strategy_ids: Sequence[str] = (),
) -> Path:
    """
    Write the equity, drawdown and per-strategy PnL chart as a PNG.

    Parameters
    ----------
    samples : Sequence[EquitySample]
        The equity samples, oldest first.
    starting_equity : Decimal
        The starting equity (the first drawdown peak).
    path : Path
        The PNG file to write.
    title : str
        The figure title (the caller adds "SYNTHETIC" for synthetic data).
    strategy_ids : Sequence[str], optional
        The strategies to draw PnL lines for, in legend order.

    Returns
    -------
    Path
        The written file.

    """
    fig = Figure(figsize=_SIZE_INCHES, dpi=_DPI)
    FigureCanvasAgg(fig)
    ax_equity, ax_dd, ax_pnl = fig.subplots(3, 1, sharex=True, height_ratios=(3, 1.5, 2))
    fig.suptitle(title)
    times = [_to_datetime(s.ts_ns) for s in samples]
    _plot_equity_panel(ax_equity, times, samples, starting_equity)
    ax_dd.fill_between(
        times, _drawdown_pct(samples, starting_equity), 0.0, color="tab:red", alpha=0.4
    )
    ax_dd.set_ylabel("drawdown %")
    _plot_pnl_panel(ax_pnl, times, samples, strategy_ids)
    for ax in (ax_equity, ax_dd, ax_pnl):
        ax.grid(alpha=0.3)
    fig.autofmt_xdate()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png", metadata={"Software": None})
    return path


def _plot_equity_panel(
    ax: Axes,
    times: list[datetime],
    samples: Sequence[EquitySample],
    starting_equity: Decimal,
) -> None:
    ax.plot(times, [float(s.equity) for s in samples], color="tab:blue", linewidth=1.2)
    ax.axhline(float(starting_equity), color="grey", linewidth=0.8, linestyle="--")
    ax.set_ylabel("equity")
    if not samples:
        ax.text(0.5, 0.5, "no samples", ha="center", transform=ax.transAxes)


def _plot_pnl_panel(
    ax: Axes,
    times: list[datetime],
    samples: Sequence[EquitySample],
    strategy_ids: Sequence[str],
) -> None:
    for sid in strategy_ids:
        ax.plot(times, [float(s.pnl_by_strategy.get(sid, 0)) for s in samples], label=sid)
    ax.axhline(0.0, color="grey", linewidth=0.8)
    ax.set_ylabel("PnL by strategy")
    ax.set_xlabel("time (UTC)")
    if strategy_ids:
        ax.legend(loc="upper left", fontsize="small")


def _to_datetime(ts_ns: int) -> datetime:
    return datetime.fromtimestamp(ts_ns // 1_000_000_000, tz=UTC).replace(
        microsecond=(ts_ns % 1_000_000_000) // 1_000,
    )


def _drawdown_pct(samples: Sequence[EquitySample], starting_equity: Decimal) -> list[float]:
    peak = starting_equity
    out = []
    for sample in samples:
        peak = max(peak, sample.equity)
        out.append(-float((peak - sample.equity) / peak * 100) if peak > 0 else 0.0)
    return out
