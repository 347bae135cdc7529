"""
The catalog node's one-sort loading: one validated row per stream, canonical stream order.
"""

import pytest
from nautilus_trader.model.data import CustomData
from nautilus_trader.model.data import DataType

from actors.data_types import MarketInfo
from backtesting.catalog_node import split_rows
from tests.helpers import NANOS_PER_HOUR
from tests.helpers import T0_NS
from tests.helpers import book_snapshot
from tests.helpers import make_instrument_pair
from tests.helpers import make_market_info

pytestmark = pytest.mark.unit


def _rows():
    yes, no = make_instrument_pair(T0_NS + NANOS_PER_HOUR)
    first_yes = book_snapshot(yes, [("0.40", "10")], [("0.42", "10")], T0_NS + 1)
    first_no = book_snapshot(no, [("0.58", "10")], [("0.60", "10")], T0_NS + 1)
    later_yes = book_snapshot(yes, [("0.41", "10")], [("0.43", "10")], T0_NS + 2)
    return yes, no, first_yes, first_no, later_yes


def test_split_rows_keeps_each_stream_in_order_and_orders_streams_by_id() -> None:
    yes, no, first_yes, first_no, later_yes = _rows()
    by_id = sorted([(yes.id, first_yes + later_yes), (no.id, first_no)], key=lambda s: str(s[0]))

    firsts, rest = split_rows([*first_yes, *first_no, *later_yes])

    assert firsts == [stream[0] for _, stream in by_id]
    assert rest == [row for _, stream in by_id for row in stream[1:]]


def test_split_rows_is_independent_of_how_streams_were_interleaved() -> None:
    _, _, first_yes, first_no, later_yes = _rows()

    one = split_rows([*first_yes, *first_no, *later_yes])
    other = split_rows([*first_no, *first_yes, *later_yes])

    assert one == other


def test_split_rows_keys_custom_data_by_type_and_instrument() -> None:
    yes, no = make_instrument_pair(T0_NS + NANOS_PER_HOUR)
    info = make_market_info(yes, no, T0_NS + NANOS_PER_HOUR)
    rows = [CustomData(DataType(MarketInfo), info), CustomData(DataType(MarketInfo), info)]

    firsts, rest = split_rows(rows)

    assert (len(firsts), len(rest)) == (1, 1)
