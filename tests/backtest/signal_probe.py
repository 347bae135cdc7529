"""
A test strategy that records every signal it receives (it never trades).
"""

from nautilus_trader.config import StrategyConfig
from nautilus_trader.core.data import Data
from nautilus_trader.model.data import DataType
from nautilus_trader.trading.strategy import Strategy

from actors.data_types import FairValue
from actors.data_types import MarketStats
from actors.data_types import OrderFlowImbalance
from actors.data_types import TASnapshot

SIGNAL_TYPES = (OrderFlowImbalance, TASnapshot, FairValue, MarketStats)


class SignalProbeConfig(StrategyConfig, frozen=True):
    """
    Configuration for ``SignalProbe`` (no parameters).
    """


class SignalProbe(Strategy):
    """
    Subscribe type-wide to every signal type and keep what arrives, in order.
    """

    def __init__(self, config: SignalProbeConfig) -> None:
        super().__init__(config)
        self.received: list[Data] = []

    def on_start(self) -> None:
        for cls in SIGNAL_TYPES:
            self.subscribe_data(DataType(cls))

    def on_data(self, data: Data) -> None:
        if isinstance(data, SIGNAL_TYPES):
            self.received.append(data)
