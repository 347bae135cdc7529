"""
Mark-to-market prices shared by the components that value open positions.
"""

from decimal import Decimal

from nautilus_trader.cache.cache import Cache
from nautilus_trader.model.identifiers import InstrumentId
from nautilus_trader.model.position import Position


def market_mark(cache: Cache, instrument_id: InstrumentId) -> Decimal | None:
    """
    Return the cached book mid of `instrument_id`, else its last trade price, else ``None``.
    """
    book = cache.order_book(instrument_id)
    if book is not None:
        bid, ask = book.best_bid_price(), book.best_ask_price()
        if bid is not None and ask is not None:
            return (bid.as_decimal() + ask.as_decimal()) / 2
    trade = cache.trade_tick(instrument_id)
    if trade is not None:
        return trade.price.as_decimal()
    return None


def position_mark(cache: Cache, position: Position) -> Decimal:
    """
    Return the mark of `position`: book mid, else last trade, else its average entry price.
    """
    mark = market_mark(cache, position.instrument_id)
    if mark is not None:
        return mark
    # Nautilus keeps the average entry as a float; its shortest repr is the intended price.
    return Decimal(repr(position.avg_px_open))
