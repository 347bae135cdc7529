"""
A BacktestNode that loads a catalog into the engine in one sort.

NautilusTrader 1.221's ``BacktestNode`` adds each data config's rows with
``engine.add_data(sort=True)``, which re-sorts everything loaded so far, so loading cost grows
with (configs × rows). The engine also registers book data for the *first* row's instrument
only, which is why DESIGN.md asks for one config per instrument. This subclass keeps the
node's own catalog queries and run, but registers every instrument (and custom-data client)
through one validated row each and then adds all remaining rows with a single sort. Configs
may therefore name many instruments at once (``instrument_ids=[...]``).
"""

from nautilus_trader.backtest.config import BacktestDataConfig
from nautilus_trader.backtest.engine import BacktestEngine
from nautilus_trader.backtest.node import BacktestNode
from nautilus_trader.core.data import Data
from nautilus_trader.model.data import CustomData


def split_rows(rows: list[Data]) -> tuple[list[Data], list[Data]]:
    """
    Split ``rows`` into the first row of each stream and the rest, in a canonical order.

    A stream is one instrument (or one custom type of one instrument). Each stream keeps its
    own order; streams are laid out by id, so rows that share a timestamp always reach the
    engine in the same order, however the catalog query interleaved them (the stable sort by
    ``ts_init`` that follows keeps this order for ties).
    """
    streams: dict[object, list[Data]] = {}
    for row in rows:
        if isinstance(row, CustomData):
            key = (type(row.data).__name__, getattr(row.data, "instrument_id", None))
        else:
            key = row.instrument_id
        stream = streams.get(key)
        if stream is None:
            streams[key] = [row]
        else:
            stream.append(row)
    keys = sorted(streams, key=str)
    return [streams[k][0] for k in keys], [r for k in keys for r in streams[k][1:]]


class CatalogBacktestNode(BacktestNode):
    """
    Run catalog backtests like ``BacktestNode``, loading all data with one sort.
    """

    def _run_oneshot(
        self,
        run_config_id: str,
        engine: BacktestEngine,
        data_configs: list[BacktestDataConfig],
        start: str | int | None = None,
        end: str | int | None = None,
    ) -> None:
        remaining: list[Data] = []
        for config in data_configs:
            result = self.load_data_config(config, start, end)
            if not result.data:
                engine.logger.warning(f"No data found for {config.data_type}")
                continue
            firsts, rest = split_rows(result.data)
            for row in firsts:
                # One validated row per instrument registers its venue client and book data.
                engine.add_data([row], client_id=result.client_id, sort=False)
            remaining.extend(rest)
            engine.logger.info(f"Read {len(result.data):,} {config.data_type} rows")
        if remaining:
            engine.add_data(remaining, validate=False, sort=True)
        engine.run(start=start, end=end, run_config_id=run_config_id)
