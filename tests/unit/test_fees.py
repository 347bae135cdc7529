"""
Polymarket fee formula and the FeeModel that charges it in the simulator.
"""

from decimal import Decimal

import pandas as pd
import pytest
from nautilus_trader.model.enums import LiquiditySide

from adapters.polymarket.fees import PolymarketFeeModel
from adapters.polymarket.fees import PolymarketFeeModelConfig
from adapters.polymarket.fees import taker_fee
from adapters.polymarket.instruments import clob_market_dict
from adapters.polymarket.instruments import instruments_from_market

pytestmark = pytest.mark.unit

D = Decimal


@pytest.mark.parametrize(
    ("shares", "price", "rate", "expected"),
    [
        ("100", "0.50", "0.07", "1.75"),  # 100 × 0.07 × 0.25
        ("100", "0.80", "0.07", "1.12"),
        ("100", "0.95", "0.07", "0.3325"),
        ("100", "0.99", "0.07", "0.0693"),
        ("12.345", "0.83", "0.07", "0.12193"),  # 0.121937... floored to 5 dp
        ("100", "0.01", "0.07", "0.0693"),  # symmetric in p and 1 − p
        ("100", "1", "0.07", "0"),  # settlement at 1 pays no fee
        ("100", "0", "0.07", "0"),
        ("100", "0.50", "0", "0"),  # fees off
    ],
)
def test_taker_fee_matches_hand_computed_values(shares, price, rate, expected) -> None:
    assert taker_fee(D(shares), D(price), D(rate)) == D(expected)


def test_taker_fee_with_exponent_two_uses_squared_curve() -> None:
    # 100 × 0.25 × (0.5 × 0.5)² = 1.5625
    assert taker_fee(D(100), D("0.5"), D("0.25"), exponent=2) == D("1.5625")


@pytest.mark.parametrize(
    ("shares", "price", "rate"),
    [("-1", "0.5", "0.07"), ("1", "1.01", "0.07"), ("1", "0.5", "-0.01")],
)
def test_taker_fee_rejects_invalid_inputs(shares, price, rate) -> None:
    with pytest.raises(ValueError, match="fee"):
        taker_fee(D(shares), D(price), D(rate))


def test_fee_model_config_rejects_negative_rate() -> None:
    with pytest.raises(ValueError, match="must be >= 0"):
        PolymarketFeeModelConfig(rates={"X.POLYMARKET": "-0.07"})


class _OrderStub:
    """Only what the fee model reads from an order."""

    def __init__(self, liquidity: LiquiditySide) -> None:
        self.liquidity_side = liquidity


@pytest.mark.parametrize(
    ("liquidity", "expected"), [(LiquiditySide.MAKER, "0"), (LiquiditySide.TAKER, "1.12")]
)
def test_fee_model_charges_takers_only_at_the_market_rate(liquidity, expected) -> None:
    end = pd.Timestamp("2026-06-02T00:00:00Z").value
    market = clob_market_dict("0x" + "cd" * 32, "Q?", "3" * 77, "4" * 77, end, D("0.01"))
    yes, no = instruments_from_market(market, 1)
    model = PolymarketFeeModel(PolymarketFeeModelConfig(rates={yes.id.value: "0.07"}))

    fee = model.get_commission(
        _OrderStub(liquidity), yes.make_qty(100), yes.make_price(D("0.80")), yes
    )
    other = model.get_commission(
        _OrderStub(LiquiditySide.TAKER), no.make_qty(100), no.make_price(D("0.80")), no
    )

    assert fee.as_decimal() == D(expected)
    assert fee.currency == yes.quote_currency
    assert other.as_decimal() == 0  # not in the rate map: default rate 0
