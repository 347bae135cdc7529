"""
Custom data types that polyedge components publish and the catalog stores.

Every type is a ``@customdataclass`` with primitive fields plus ``instrument_id`` so it writes
to Parquet (``data/custom_<snake_name>/<instrument_id>/``) and replays in backtests. Prices,
sizes and rates are decimal strings: money is never a float. Do not add
``from __future__ import annotations`` here; the decorator reads real annotation types.

Routing: each market-level type uses the market's YES token as ``instrument_id``.
Subscribe type-wide with ``subscribe_data(<helper>())`` and filter in the handler, because
catalog replay and ``publish_data`` use different topics in 1.221 (see STYLE.md section 3).
"""

from decimal import Decimal

from nautilus_trader.core.data import Data
from nautilus_trader.model.custom import customdataclass
from nautilus_trader.model.data import DataType
from nautilus_trader.model.identifiers import InstrumentId


@customdataclass
class MarketInfo(Data):
    """
    Static and slowly changing facts about one binary Polymarket market.

    Parameters
    ----------
    instrument_id : InstrumentId
        The YES token instrument (routing key).
    condition_id : str
        The market's condition id (``0x...``).
    question : str
        The market question.
    yes_instrument_id : str
        The YES (first outcome) token instrument id.
    no_instrument_id : str
        The NO (second outcome) token instrument id.
    end_ns : int
        The market end time (UNIX nanoseconds).
    neg_risk : bool
        If the market belongs to a negative-risk group.
    event_id : str
        The parent event id (correlation group).
    category : str
        The market category (politics, sports, crypto, ...).
    tick_size : str
        The minimum price increment as a decimal string.
    min_order_size : str
        The minimum order size in shares as a decimal string.
    fees_enabled : bool
        If taker fees apply on this market.
    fee_rate : str
        The taker fee rate as a decimal string (0 where fees are off).
    volume_usd : float
        Traded volume so far (informational statistic).
    liquidity_usd : float
        Resting liquidity (informational statistic).

    """

    instrument_id: InstrumentId = InstrumentId.from_str("NULL.POLYMARKET")
    condition_id: str = ""
    question: str = ""
    yes_instrument_id: str = ""
    no_instrument_id: str = ""
    end_ns: int = 0
    neg_risk: bool = False
    event_id: str = ""
    category: str = ""
    tick_size: str = "0.01"
    min_order_size: str = "5"
    fees_enabled: bool = False
    fee_rate: str = "0"
    volume_usd: float = 0.0
    liquidity_usd: float = 0.0

    def token_ids(self) -> tuple[InstrumentId, InstrumentId]:
        """
        Return the YES and NO instrument ids.
        """
        return (
            InstrumentId.from_str(self.yes_instrument_id),
            InstrumentId.from_str(self.no_instrument_id),
        )

    def taker_fee_rate(self) -> Decimal:
        """
        Return the effective taker fee rate (zero where fees are disabled).
        """
        return Decimal(self.fee_rate) if self.fees_enabled else Decimal(0)


@customdataclass
class MarketResolution(Data):
    """
    The final outcome of one binary market.

    Parameters
    ----------
    instrument_id : InstrumentId
        The YES token instrument (routing key).
    condition_id : str
        The market's condition id.
    yes_instrument_id : str
        The YES token instrument id.
    no_instrument_id : str
        The NO token instrument id.
    winning_instrument_id : str
        The token that pays 1.
    yes_payout : str
        The YES token payout per share ("1" or "0").
    no_payout : str
        The NO token payout per share ("1" or "0").

    """

    instrument_id: InstrumentId = InstrumentId.from_str("NULL.POLYMARKET")
    condition_id: str = ""
    yes_instrument_id: str = ""
    no_instrument_id: str = ""
    winning_instrument_id: str = ""
    yes_payout: str = "0"
    no_payout: str = "0"

    def payouts(self) -> dict[InstrumentId, Decimal]:
        """
        Return the payout per share of each token.
        """
        return {
            InstrumentId.from_str(self.yes_instrument_id): Decimal(self.yes_payout),
            InstrumentId.from_str(self.no_instrument_id): Decimal(self.no_payout),
        }


def market_info_data_type() -> DataType:
    """
    Return the type-wide ``DataType`` for ``MarketInfo``.
    """
    return DataType(MarketInfo)


def market_resolution_data_type() -> DataType:
    """
    Return the type-wide ``DataType`` for ``MarketResolution``.
    """
    return DataType(MarketResolution)
