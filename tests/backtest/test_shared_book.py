"""
A late book subscriber must not wipe the cached L2 book another component reads.
"""

import pytest
from nautilus_trader.common.actor import Actor
from nautilus_trader.common.config import ActorConfig
from nautilus_trader.model.data import BookOrder
from nautilus_trader.model.data import OrderBookDelta
from nautilus_trader.model.data import OrderBookDeltas
from nautilus_trader.model.enums import BookAction
from nautilus_trader.model.enums import BookType
from nautilus_trader.model.enums import OrderSide
from nautilus_trader.model.enums import RecordFlag
from nautilus_trader.model.identifiers import InstrumentId

from adapters.books import subscribe_book_deltas
from tests.helpers import NANOS_PER_HOUR
from tests.helpers import NANOS_PER_SECOND
from tests.helpers import T0_NS
from tests.helpers import book_snapshot
from tests.helpers import make_engine
from tests.helpers import make_instrument_pair

pytestmark = pytest.mark.backtest


class _EarlyConfig(ActorConfig, frozen=True):
    instrument_id: str


class _Early(Actor):
    """Subscribes at start and records the cached book depth after each batch."""

    def __init__(self, config: _EarlyConfig) -> None:
        super().__init__(config)
        self.depths: list[int] = []

    def on_start(self) -> None:
        subscribe_book_deltas(self, InstrumentId.from_str(self.config.instrument_id))

    def on_order_book_deltas(self, deltas: OrderBookDeltas) -> None:
        book = self.cache.order_book(deltas.instrument_id)
        self.depths.append(len(book.bids()) + len(book.asks()))


class _LateConfig(ActorConfig, frozen=True):
    instrument_id: str
    shared: bool = True


class _Late(Actor):
    """Subscribes on a timer after the snapshot, either shared or plain managed."""

    def on_start(self) -> None:
        self.clock.set_time_alert_ns("late", T0_NS + 30 * NANOS_PER_SECOND, self._subscribe)

    def _subscribe(self, _event) -> None:
        instrument_id = InstrumentId.from_str(self.config.instrument_id)
        if self.config.shared:
            subscribe_book_deltas(self, instrument_id)
        else:
            self.subscribe_order_book_deltas(instrument_id, BookType.L2_MBP)


def _run(shared: bool) -> list[int]:
    yes, no = make_instrument_pair(T0_NS + NANOS_PER_HOUR)
    engine = make_engine([yes, no])
    levels = [("0.40", "10"), ("0.39", "20"), ("0.38", "30")]
    asks = [("0.42", "10"), ("0.43", "20"), ("0.44", "30")]
    engine.add_data(book_snapshot(yes, levels, asks, T0_NS + NANOS_PER_SECOND))
    early = _Early(_EarlyConfig(instrument_id=yes.id.value))
    engine.add_actor(early)
    engine.add_actor(_Late(_LateConfig(instrument_id=yes.id.value, shared=shared)))
    # A later one-level change: an L2 feed never resends the untouched levels.
    ts = T0_NS + 60 * NANOS_PER_SECOND
    order = BookOrder(OrderSide.BUY, yes.make_price(0.40), yes.make_qty(15), 1)
    update = OrderBookDelta(yes.id, BookAction.UPDATE, order, RecordFlag.F_LAST, 1, ts, ts)
    engine.add_data([update])
    engine.run()
    depths = early.depths
    engine.dispose()
    return depths


def test_late_shared_subscriber_keeps_the_cached_book() -> None:
    assert _run(shared=True)[-1] == 6


def test_plain_managed_late_subscriber_wipes_the_book_in_nautilus_1_221() -> None:
    # Documents the upstream behaviour that adapters.books works around.
    assert _run(shared=False)[-1] == 1
