"""
Custom data types: dict round trip and catalog write-and-read.
"""

import pytest
from nautilus_trader.model.data import CustomData
from nautilus_trader.persistence.catalog import ParquetDataCatalog

from actors.data_types import MarketInfo
from actors.data_types import MarketResolution
from actors.data_types import market_info_data_type
from actors.data_types import market_resolution_data_type
from tests.helpers import NANOS_PER_HOUR
from tests.helpers import T0_NS
from tests.helpers import make_instrument_pair
from tests.helpers import make_market_info
from tests.helpers import make_market_resolution

pytestmark = pytest.mark.unit

END_NS = T0_NS + 5 * NANOS_PER_HOUR


def _examples() -> list[MarketInfo | MarketResolution]:
    yes, no = make_instrument_pair(END_NS)
    info = make_market_info(yes, no, END_NS)
    info.fees_enabled = True
    info.fee_rate = "0.07"
    info.neg_risk = True
    info.volume_usd = 1234.5
    resolution = make_market_resolution(yes, no, yes_wins=False, ts_ns=END_NS + 60)
    return [info, resolution]


def _fields(item: MarketInfo | MarketResolution) -> dict:
    return {**item.to_dict(), "ts_event": item.ts_event, "ts_init": item.ts_init}


@pytest.mark.parametrize("item", _examples(), ids=["MarketInfo", "MarketResolution"])
def test_dict_round_trip_keeps_every_field(item) -> None:
    restored = type(item).from_dict(item.to_dict())

    assert _fields(restored) == _fields(item)


@pytest.mark.parametrize("item", _examples(), ids=["MarketInfo", "MarketResolution"])
def test_catalog_write_and_read_keeps_every_field(tmp_path, item) -> None:
    catalog = ParquetDataCatalog(str(tmp_path))

    catalog.write_data([item])
    (row,) = catalog.query(type(item))

    restored = row.data if isinstance(row, CustomData) else row
    assert _fields(restored) == _fields(item)


def test_helpers_return_type_wide_data_types() -> None:
    assert market_info_data_type().type is MarketInfo
    assert market_resolution_data_type().type is MarketResolution
    assert not market_info_data_type().metadata


def test_resolution_payouts_and_info_fee_rate() -> None:
    info, resolution = _examples()
    yes_id, no_id = info.token_ids()

    assert {k.value: str(v) for k, v in resolution.payouts().items()} == {
        yes_id.value: "0",
        no_id.value: "1",
    }
    assert str(info.taker_fee_rate()) == "0.07"
    info.fees_enabled = False
    assert info.taker_fee_rate() == 0
