"""
The catalog node's one-sort loading keeps one validated row per instrument or custom type.
"""

import pytest
from nautilus_trader.model.data import CustomData
from nautilus_trader.model.data import DataType

from actors.data_types import MarketInfo
from backtesting.catalog_node import first_row_per_key
from tests.helpers import NANOS_PER_HOUR
from tests.helpers import T0_NS
from tests.helpers import book_snapshot
from tests.helpers import make_instrument_pair
from tests.helpers import make_market_info

pytestmark = pytest.mark.unit


def test_first_row_per_key_splits_by_instrument_and_keeps_order() -> None:
    yes, no = make_instrument_pair(T0_NS + NANOS_PER_HOUR)
    rows = [
        *book_snapshot(yes, [("0.40", "10")], [("0.42", "10")], T0_NS + 1),
        *book_snapshot(no, [("0.58", "10")], [("0.60", "10")], T0_NS + 1),
        *book_snapshot(yes, [("0.41", "10")], [("0.43", "10")], T0_NS + 2),
    ]

    firsts, rest = first_row_per_key(rows)

    assert [r.instrument_id for r in firsts] == [yes.id, no.id]
    assert firsts == [rows[0], rows[3]]
    assert rest == [r for i, r in enumerate(rows) if i not in (0, 3)]


def test_first_row_per_key_keys_custom_data_by_type() -> None:
    yes, no = make_instrument_pair(T0_NS + NANOS_PER_HOUR)
    info = make_market_info(yes, no, T0_NS + NANOS_PER_HOUR)
    rows = [CustomData(DataType(MarketInfo), info), CustomData(DataType(MarketInfo), info)]

    firsts, rest = first_row_per_key(rows)

    assert (len(firsts), len(rest)) == (1, 1)
