"""
Extract plain report records from a finished Nautilus backtest engine.

Call ``collect_run`` before the engine is disposed: with ``BacktestNode`` set
``dispose_on_completion=False`` on the ``BacktestRunConfig`` (disposal drops all state), then
read ``node.get_engines()``.
"""

import logging
from decimal import Decimal

from nautilus_trader.backtest.engine import BacktestEngine
from nautilus_trader.cache.cache import Cache
from nautilus_trader.model.enums import liquidity_side_to_str
from nautilus_trader.model.enums import order_side_to_str
from nautilus_trader.model.events import OrderFilled
from nautilus_trader.model.orders import Order
from nautilus_trader.model.position import Position

from actors.equity_sampler import EquitySamplerActor
from actors.risk_monitor import RiskMonitorActor
from adapters.polymarket.settlement import SETTLEMENT_TAG
from reporting.metrics import EquitySample
from reporting.metrics import FillRecord
from reporting.metrics import HaltRecord
from reporting.metrics import OrderRecord
from reporting.metrics import PositionRecord
from reporting.metrics import RunRecords

log = logging.getLogger(__name__)


def collect_run(engine: BacktestEngine) -> RunRecords:
    """
    Return the orders, fills, positions, equity samples, halts and gate refusals of an engine.

    Parameters
    ----------
    engine : BacktestEngine
        A run (not yet disposed) engine, direct or from ``BacktestNode.get_engines()``.

    Returns
    -------
    RunRecords
        Records sorted by time then id, so equal runs give equal records.

    """
    orders = engine.cache.orders()
    fills = [fill_record(e) for o in orders for e in o.events if isinstance(e, OrderFilled)]
    return RunRecords(
        orders=tuple(sorted((order_record(o) for o in orders), key=_order_key)),
        fills=tuple(sorted(fills, key=lambda f: (f.ts_ns, f.client_order_id, f.trade_id))),
        positions=tuple(sorted(_position_records(engine.cache), key=_position_key)),
        samples=tuple(_samples(engine)),
        halts=tuple(_halts(engine)),
        refusals=_refusals(engine),
    )


def order_record(order: Order) -> OrderRecord:
    """
    Return the plain record of an order's final state.
    """
    return OrderRecord(
        strategy_id=order.strategy_id.value,
        client_order_id=order.client_order_id.value,
        instrument_id=order.instrument_id.value,
        side=order.side_string(),
        order_type=order.type_string(),
        status=order.status_string(),
        quantity=order.quantity.as_decimal(),
        filled_qty=order.filled_qty.as_decimal(),
        ts_init=order.ts_init,
        settlement=SETTLEMENT_TAG in (order.tags or ()),
    )


def fill_record(fill: OrderFilled) -> FillRecord:
    """
    Return the plain record of an ``OrderFilled`` event.
    """
    return FillRecord(
        strategy_id=fill.strategy_id.value,
        instrument_id=fill.instrument_id.value,
        client_order_id=fill.client_order_id.value,
        trade_id=fill.trade_id.value,
        side=order_side_to_str(fill.order_side),
        qty=fill.last_qty.as_decimal(),
        price=fill.last_px.as_decimal(),
        commission=fill.commission.as_decimal(),
        liquidity=liquidity_side_to_str(fill.liquidity_side),
        ts_ns=fill.ts_event,
    )


def position_record(position: Position, position_id: str | None = None) -> PositionRecord:
    """
    Return the plain record of a position (or of one snapshot cycle of it).

    Parameters
    ----------
    position : Position
        The position or snapshot.
    position_id : str, optional
        The id to record; snapshots carry a random suffix, so pass the base id for them.

    Returns
    -------
    PositionRecord

    """
    realized = position.realized_pnl
    return PositionRecord(
        strategy_id=position.strategy_id.value,
        instrument_id=position.instrument_id.value,
        position_id=position.id.value if position_id is None else position_id,
        realized_pnl=Decimal(0) if realized is None else realized.as_decimal(),
        is_closed=position.is_closed,
        ts_opened=position.ts_opened,
        ts_closed=position.ts_closed if position.is_closed else None,
    )


def _position_records(cache: Cache) -> list[PositionRecord]:
    # A NETTING position that closes and reopens keeps its earlier cycles only as snapshots
    records = [position_record(p) for p in cache.positions()]
    for position_id in cache.position_snapshot_ids():
        for snapshot in cache.position_snapshots(position_id):
            records.append(position_record(snapshot, position_id.value))
    return records


def _samples(engine: BacktestEngine) -> list[EquitySample]:
    samplers = [a for a in engine.trader.actors() if isinstance(a, EquitySamplerActor)]
    if not samplers:
        log.warning("No EquitySamplerActor in the engine: the report has no equity curve")
        return []
    if len(samplers) > 1:
        log.warning("Several EquitySamplerActors, using %s", samplers[0].id)
    return samplers[0].samples


def _halts(engine: BacktestEngine) -> list[HaltRecord]:
    monitors = [a for a in engine.trader.actors() if isinstance(a, RiskMonitorActor)]
    records = [
        HaltRecord(ts_ns=t.ts_ns, state=t.state, reason=t.reason, detail=t.detail)
        for monitor in monitors
        for t in monitor.transitions
    ]
    return sorted(records, key=lambda h: h.ts_ns)


def _refusals(engine: BacktestEngine) -> dict[str, dict[str, int]]:
    # Pre-trade gate refusals by reason, for strategies that count them (PolyedgeStrategy).
    counted = {}
    for strategy in engine.trader.strategies():
        refusals = getattr(strategy, "refusals", None)
        if refusals:
            counted[strategy.id.value] = dict(sorted(refusals.items()))
    return counted


def _order_key(order: OrderRecord) -> tuple[int, str]:
    return order.ts_init, order.client_order_id


def _position_key(position: PositionRecord) -> tuple[int, str, int]:
    return position.ts_opened, position.position_id, position.ts_closed or 0
