"""
Build Polymarket instruments exactly as the live adapter does.

Instruments come from the adapter's own ``parse_instrument`` fed a dict shaped like the CLOB
``GET /markets/{condition_id}`` response, so ids (``0x<condition>-<token>.POLYMARKET``),
currency (USDC.e) and tick sizes match live.
"""

from decimal import Decimal

import pandas as pd
from nautilus_trader.adapters.polymarket.common.parsing import parse_instrument
from nautilus_trader.adapters.polymarket.common.symbol import get_polymarket_instrument_id
from nautilus_trader.model.identifiers import InstrumentId
from nautilus_trader.model.instruments import BinaryOption


def clob_market_dict(
    condition_id: str,
    question: str,
    yes_token_id: str,
    no_token_id: str,
    end_ns: int,
    tick_size: Decimal,
    min_order_size: int = 5,
    neg_risk: bool = False,
    outcomes: tuple[str, str] = ("Yes", "No"),
) -> dict:
    """
    Return a dict shaped like the CLOB ``/markets/{condition_id}`` response.

    Fee fields are zero on purpose: 1.221 copies ``maker_base_fee``/``taker_base_fee``
    verbatim into the instrument and its default fee model would charge notional times that
    number. polyedge charges fees through ``adapters.polymarket.fees`` instead.
    """
    end_iso = pd.Timestamp(end_ns, tz="UTC").strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "enable_order_book": True,
        "active": True,
        "closed": False,
        "archived": False,
        "accepting_orders": True,
        "minimum_order_size": min_order_size,
        "minimum_tick_size": float(tick_size),
        "condition_id": condition_id,
        "question": question,
        "end_date_iso": end_iso,
        "maker_base_fee": 0,
        "taker_base_fee": 0,
        "neg_risk": neg_risk,
        "tokens": [
            {"token_id": yes_token_id, "outcome": outcomes[0], "price": 0.5, "winner": False},
            {"token_id": no_token_id, "outcome": outcomes[1], "price": 0.5, "winner": False},
        ],
    }


def instruments_from_market(market: dict, ts_init: int) -> tuple[BinaryOption, BinaryOption]:
    """
    Return the (YES, NO) ``BinaryOption`` pair for a CLOB-shaped market dict.
    """
    yes, no = market["tokens"]
    return (
        parse_instrument(market, yes["token_id"], yes["outcome"], ts_init),
        parse_instrument(market, no["token_id"], no["outcome"], ts_init),
    )


def token_instrument_id(condition_id: str, token_id: str) -> InstrumentId:
    """
    Return the instrument id of one outcome token (the adapter's own helper).
    """
    return get_polymarket_instrument_id(condition_id, token_id)
