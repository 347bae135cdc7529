"""
Configuration of polyedge's fixed Polymarket data client (see ``adapters.polymarket.data``).
"""

from nautilus_trader.adapters.polymarket.config import PolymarketDataClientConfig
from nautilus_trader.config import PositiveInt

# The venue's limit of token subscriptions per market-channel WebSocket.
POLYMARKET_MAX_TOKENS_PER_CONNECTION = 500


class PolyedgeDataClientConfig(PolymarketDataClientConfig, frozen=True):
    """
    Upstream ``PolymarketDataClientConfig`` plus a per-connection token cap.

    Parameters
    ----------
    max_tokens_per_connection : PositiveInt, default 500
        Token subscriptions per WebSocket shard; at most the venue's limit of 500.

    """

    max_tokens_per_connection: PositiveInt = POLYMARKET_MAX_TOKENS_PER_CONNECTION

    def __post_init__(self) -> None:
        if self.max_tokens_per_connection > POLYMARKET_MAX_TOKENS_PER_CONNECTION:
            raise ValueError(
                f"max_tokens_per_connection={self.max_tokens_per_connection} exceeds the "
                f"venue limit of {POLYMARKET_MAX_TOKENS_PER_CONNECTION}",
            )
