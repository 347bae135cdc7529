"""
Polymarket fees for the simulated venue.

NautilusTrader 1.221 copies ``maker_base_fee``/``taker_base_fee`` verbatim into the instrument
and its default fee model charges notional times that number. polyedge replaces it with
Polymarket's own formula, per market: makers pay nothing; takers pay

    fee = shares × rate × (p × (1 − p)) ** exponent

with the rate (and exponent, 1 on current markets) taken from each market's ``MarketInfo``.
The venue floors the fee to 5 decimal places, so we do too (configurable).
"""

from decimal import ROUND_DOWN
from decimal import Decimal

from nautilus_trader.backtest.models import FeeModel
from nautilus_trader.common.config import NautilusConfig
from nautilus_trader.model.enums import LiquiditySide
from nautilus_trader.model.instruments import Instrument
from nautilus_trader.model.objects import Money
from nautilus_trader.model.objects import Price
from nautilus_trader.model.objects import Quantity
from nautilus_trader.model.orders import Order

FEE_DECIMALS = 5


def taker_fee(
    shares: Decimal,
    price: Decimal,
    rate: Decimal,
    exponent: int = 1,
    decimals: int = FEE_DECIMALS,
) -> Decimal:
    """
    Return Polymarket's taker fee for a fill, floored to `decimals` places.

    Parameters
    ----------
    shares : Decimal
        The filled quantity in shares.
    price : Decimal
        The fill price in [0, 1].
    rate : Decimal
        The market's taker fee rate (0 where fees are off).
    exponent : int, default 1
        The exponent applied to ``p × (1 − p)``.
    decimals : int, default 5
        The decimals the fee is floored to.

    Returns
    -------
    Decimal

    Raises
    ------
    ValueError
        If an input is out of range.

    """
    if shares < 0 or rate < 0 or exponent < 1:
        raise ValueError(f"invalid fee inputs: shares={shares}, rate={rate}, exponent={exponent}")
    if not Decimal(0) <= price <= Decimal(1):
        raise ValueError(f"fee price must be within [0, 1], was {price}")
    fee = shares * rate * (price * (1 - price)) ** exponent
    return fee.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_DOWN)


class PolymarketFeeModelConfig(NautilusConfig, frozen=True):
    """
    Configuration for ``PolymarketFeeModel``.

    Parameters
    ----------
    rates : dict[str, str], optional
        Taker fee rate per instrument id, as decimal strings (built from ``MarketInfo``).
    default_rate : str, default "0"
        The rate for instruments missing from `rates`.
    exponent : int, default 1
        The exponent applied to ``p × (1 − p)``.
    decimals : int, default 5
        The decimals fees are floored to.

    """

    rates: dict[str, str] | None = None
    default_rate: str = "0"
    exponent: int = 1
    decimals: int = FEE_DECIMALS

    def __post_init__(self) -> None:
        named_rates = {**(self.rates or {}), "default_rate": self.default_rate}
        for instrument_id, rate in named_rates.items():
            if Decimal(rate) < 0:
                raise ValueError(f"fee rate for {instrument_id} must be >= 0, was {rate}")
        if self.exponent < 1:
            raise ValueError(f"exponent must be >= 1, was {self.exponent}")
        if not 0 <= self.decimals <= 6:
            raise ValueError(f"decimals must be within 0..6 (USDC.e), was {self.decimals}")


class PolymarketFeeModel(FeeModel):
    """
    Charge Polymarket taker fees per market; makers pay nothing.

    Parameters
    ----------
    config : PolymarketFeeModelConfig, optional
        The fee schedule.

    """

    def __init__(self, config: PolymarketFeeModelConfig | None = None) -> None:
        config = config or PolymarketFeeModelConfig()
        self._rates = {key: Decimal(value) for key, value in (config.rates or {}).items()}
        self._default_rate = Decimal(config.default_rate)
        self._exponent = config.exponent
        self._decimals = config.decimals

    def rate_for(self, instrument_id: str) -> Decimal:
        """
        Return the taker rate applied to `instrument_id`.
        """
        return self._rates.get(instrument_id, self._default_rate)

    def get_commission(
        self,
        order: Order,
        fill_qty: Quantity,
        fill_px: Price,
        instrument: Instrument,
    ) -> Money:
        """
        Return the commission for one fill (zero for makers).
        """
        if order.liquidity_side == LiquiditySide.MAKER:
            return Money(0, instrument.quote_currency)
        fee = taker_fee(
            shares=fill_qty.as_decimal(),
            price=fill_px.as_decimal(),
            rate=self.rate_for(instrument.id.value),
            exponent=self._exponent,
            decimals=self._decimals,
        )
        return Money(fee, instrument.quote_currency)
