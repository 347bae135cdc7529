"""
Share one cached order book between every component that subscribes to it.

In NautilusTrader 1.221 every *managed* order-book subscription makes the data engine create
a new, empty book in the cache (``DataEngine._setup_order_book`` calls ``_create_new_book``
unconditionally). A second component subscribing to an instrument therefore wipes the book the
first one was reading, and an L2 feed (a snapshot, then deltas) never restores the levels lost.
``subscribe_book_deltas`` subscribes managed only when no book exists yet, and otherwise
subscribes to the deltas alone (``managed=False``) and keeps reading the shared cached book.
"""

from nautilus_trader.common.actor import Actor
from nautilus_trader.model.enums import BookType
from nautilus_trader.model.enums import RecordFlag
from nautilus_trader.model.identifiers import InstrumentId

# ``deltas.flags & F_LAST`` with a plain int: the IntFlag's ``&`` runs Python code per batch.
F_LAST = int(RecordFlag.F_LAST)


def subscribe_book_deltas(
    component: Actor,
    instrument_id: InstrumentId,
    book_type: BookType = BookType.L2_MBP,
) -> bool:
    """
    Subscribe `component` to `instrument_id` deltas without resetting a shared cached book.

    Parameters
    ----------
    component : Actor
        The actor or strategy subscribing.
    instrument_id : InstrumentId
        The instrument whose book deltas are wanted.
    book_type : BookType, default L2_MBP
        The book type of a newly created cached book.

    Returns
    -------
    bool
        True if this call created the cached book (a managed subscription).

    """
    managed = component.cache.order_book(instrument_id) is None
    component.subscribe_order_book_deltas(instrument_id, book_type, managed=managed)
    return managed
