"""
Record published custom data (signals) into a ParquetDataCatalog so it can be replayed.
"""

from collections import defaultdict

from nautilus_trader.common.actor import Actor
from nautilus_trader.common.config import ActorConfig
from nautilus_trader.common.config import resolve_path
from nautilus_trader.core.data import Data
from nautilus_trader.model.data import DataType
from nautilus_trader.persistence.catalog import ParquetDataCatalog


class RecorderActorConfig(ActorConfig, frozen=True):
    """
    Configuration for ``RecorderActor``.

    Parameters
    ----------
    catalog_path : str
        The catalog the recorded rows are written to (created if missing).
    data_types : list[str]
        The custom data classes to record, as ``package.module:Class`` paths.

    """

    catalog_path: str
    data_types: list[str]

    def __post_init__(self) -> None:
        if not self.data_types:
            raise ValueError("data_types must name at least one class to record")
        bad = [path for path in self.data_types if ":" not in path]
        if bad:
            raise ValueError(f"data_types must be 'package.module:Class' paths, got {bad}")


class RecorderActor(Actor):
    """
    Buffer every published value of the configured types and write them at stop.

    Values are written once, in arrival order per type, when the actor stops (the end of a
    backtest, or a graceful live shutdown), through ``ParquetDataCatalog.write_data``.

    Parameters
    ----------
    config : RecorderActorConfig
        The actor configuration.

    """

    def __init__(self, config: RecorderActorConfig) -> None:
        super().__init__(config)
        self._classes = tuple(resolve_path(path) for path in config.data_types)
        self._rows: dict[type, list[Data]] = defaultdict(list)

    @property
    def recorded(self) -> dict[str, int]:
        """
        Return how many rows of each type are buffered.
        """
        return {cls.__name__: len(rows) for cls, rows in self._rows.items()}

    def on_start(self) -> None:
        """
        Subscribe type-wide to every configured class.
        """
        for cls in self._classes:
            self.subscribe_data(DataType(cls))

    def on_data(self, data: Data) -> None:
        """
        Buffer one published value.
        """
        if isinstance(data, self._classes):
            self._rows[type(data)].append(data)

    def on_stop(self) -> None:
        """
        Write the buffered values to the catalog.
        """
        catalog = ParquetDataCatalog(self.config.catalog_path)
        for cls, rows in self._rows.items():
            if rows:
                catalog.write_data(rows)
                self.log.info(f"Recorded {len(rows)} {cls.__name__} to {self.config.catalog_path}")
