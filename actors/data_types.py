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
from math import nan as NAN

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


@customdataclass
class OrderFlowImbalance(Data):
    """
    Order-flow and book features of one instrument over a rolling window.

    Polymarket tokens fill the flow, top-of-book imbalance and YES/NO divergence fields;
    Binance BTCUSDT-PERP fills every field but the divergence. A field that does not apply, or
    whose input feed does not exist (a liquidation feed), is NaN: absent, never faked.

    Parameters
    ----------
    instrument_id : InstrumentId
        The instrument the features describe.
    window_secs : int
        The rolling window of the flow fields.
    buy_volume : float
        Aggressive buy volume in the window.
    sell_volume : float
        Aggressive sell volume in the window.
    signed_volume : float
        ``buy_volume − sell_volume``.
    book_imbalance : float
        Bid size / (bid + ask size) over the top levels (Binance: levels 1–5).
    book_imbalance_deep : float
        Bid size / (bid + ask size) over levels 6–10 (Binance only).
    spread_norm : float
        (best ask − best bid) / mid.
    vwap_to_mid_bid : float
        (VWAP of the bid levels − mid) / mid (Binance only).
    vwap_to_mid_ask : float
        (VWAP of the ask levels − mid) / mid (Binance only).
    aggressor_ratio_30 : float
        Buy volume / total volume over 30 s (Binance only).
    aggressor_ratio_60 : float
        Buy volume / total volume over 60 s (Binance only).
    aggressor_ratio_120 : float
        Buy volume / total volume over 120 s (Binance only).
    cvd_60 : float
        Cumulative volume delta over 60 s (Binance only).
    liquidation_imbalance : float
        Liquidation imbalance; NaN when no liquidation feed exists.
    yes_no_divergence : float
        This token's signed volume minus its sibling token's (Polymarket only).

    """

    instrument_id: InstrumentId = InstrumentId.from_str("NULL.POLYMARKET")
    window_secs: int = 30
    buy_volume: float = 0.0
    sell_volume: float = 0.0
    signed_volume: float = 0.0
    book_imbalance: float = NAN
    book_imbalance_deep: float = NAN
    spread_norm: float = NAN
    vwap_to_mid_bid: float = NAN
    vwap_to_mid_ask: float = NAN
    aggressor_ratio_30: float = NAN
    aggressor_ratio_60: float = NAN
    aggressor_ratio_120: float = NAN
    cvd_60: float = NAN
    liquidation_imbalance: float = NAN
    yes_no_divergence: float = NAN


@customdataclass
class TASnapshot(Data):
    """
    Technical indicators on Binance BTC (1-minute bars) plus trade-level momentum.

    Parameters
    ----------
    instrument_id : InstrumentId
        The instrument (BTCUSDT-PERP.BINANCE).
    price : float
        The last trade price.
    rsi_7 : float
        RSI(7) on a 0–1 scale (NautilusTrader's convention).
    rsi_14 : float
        RSI(14) on a 0–1 scale.
    rsi_30 : float
        RSI(30) on a 0–1 scale.
    macd_signal : float
        MACD(12, 26) signal line (9).
    stoch_k : float
        Stochastic %K(14) on a 0–100 scale.
    bollinger_pct_b : float
        Bollinger %B(20, 2σ).
    atr : float
        ATR(14) in price units.
    ema_diff_norm : float
        (EMA(9) − EMA(21)) / price.
    momentum_30 : float
        Return over the last 30 s.
    momentum_60 : float
        Return over the last 60 s.
    momentum_120 : float
        Return over the last 120 s.
    trend_1h : float
        Sign of the 1-hour return (−1, 0 or 1).
    warmed_up : bool
        If every indicator has enough bars and momentum-120 and the 1-hour trend have
        enough trade history.

    """

    instrument_id: InstrumentId = InstrumentId.from_str("NULL.BINANCE")
    price: float = NAN
    rsi_7: float = NAN
    rsi_14: float = NAN
    rsi_30: float = NAN
    macd_signal: float = NAN
    stoch_k: float = NAN
    bollinger_pct_b: float = NAN
    atr: float = NAN
    ema_diff_norm: float = NAN
    momentum_30: float = NAN
    momentum_60: float = NAN
    momentum_120: float = NAN
    trend_1h: float = NAN
    warmed_up: bool = False


@customdataclass
class FairValue(Data):
    """
    Kalman-filtered fair value of one outcome token.

    Parameters
    ----------
    instrument_id : InstrumentId
        The token.
    fair_value : float
        The filtered probability estimate in (0, 1).
    variance : float
        The estimate's variance.
    measurement : float
        The observation that produced it (mid or microprice).
    hours_to_expiry : float
        Hours left until the market's end time (negative after it, until resolution).
    process_noise : float
        The process noise used for this step (0.0 for the first, initialising measurement).

    """

    instrument_id: InstrumentId = InstrumentId.from_str("NULL.POLYMARKET")
    fair_value: float = NAN
    variance: float = NAN
    measurement: float = NAN
    hours_to_expiry: float = NAN
    process_noise: float = NAN


@customdataclass
class MarketStats(Data):
    """
    Rolling baseline statistics of one token, for thesis invalidation.

    Sampled on a timer; ``ts_event`` is the sample time.

    Parameters
    ----------
    instrument_id : InstrumentId
        The token.
    window_secs : int
        The baseline window.
    mean_change : float
        Mean of price changes in the window.
    std_change : float
        Standard deviation of price changes in the window.
    last_change : float
        The latest price change.
    mean_volume : float
        Mean traded volume per sample in the window.
    last_volume : float
        The latest traded volume sample.
    sample_count : int
        Samples in the window.

    """

    instrument_id: InstrumentId = InstrumentId.from_str("NULL.POLYMARKET")
    window_secs: int = 3600
    mean_change: float = NAN
    std_change: float = NAN
    last_change: float = NAN
    mean_volume: float = NAN
    last_volume: float = NAN
    sample_count: int = 0


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


def order_flow_data_type() -> DataType:
    """
    Return the type-wide ``DataType`` for ``OrderFlowImbalance``.
    """
    return DataType(OrderFlowImbalance)


def ta_snapshot_data_type() -> DataType:
    """
    Return the type-wide ``DataType`` for ``TASnapshot``.
    """
    return DataType(TASnapshot)


def fair_value_data_type() -> DataType:
    """
    Return the type-wide ``DataType`` for ``FairValue``.
    """
    return DataType(FairValue)


def market_stats_data_type() -> DataType:
    """
    Return the type-wide ``DataType`` for ``MarketStats``.
    """
    return DataType(MarketStats)
