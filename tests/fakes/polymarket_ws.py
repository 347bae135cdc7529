"""Re-export of `adapters.fakes.polymarket_ws` (the fake venues ship with the package)."""

from adapters.fakes.polymarket_ws import BOOK_ASKS
from adapters.fakes.polymarket_ws import BOOK_BIDS
from adapters.fakes.polymarket_ws import UNKNOWN_MARKET
from adapters.fakes.polymarket_ws import FakePolymarketMarketWs

__all__ = ["BOOK_ASKS", "BOOK_BIDS", "UNKNOWN_MARKET", "FakePolymarketMarketWs"]
