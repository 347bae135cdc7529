"""Re-export of `adapters.fakes.binance_futures` (the fake venues ship with the package)."""

from adapters.fakes.binance_futures import EXCHANGE_INFO_PATH
from adapters.fakes.binance_futures import SYMBOL
from adapters.fakes.binance_futures import FakeBinanceFutures
from adapters.fakes.binance_futures import RandomWalkBook
from adapters.fakes.binance_futures import load_exchange_info

__all__ = [
    "EXCHANGE_INFO_PATH",
    "SYMBOL",
    "FakeBinanceFutures",
    "RandomWalkBook",
    "load_exchange_info",
]
