"""
``PendingMarkets``: markets held until all their instruments are cached.
"""

import pytest

from actors.logic.pending_markets import PendingMarkets
from actors.logic.pending_markets import group_by_market


def _cached(ids: set[str]):
    return lambda instrument_id: instrument_id in ids


def test_release_waits_for_every_instrument_of_a_market() -> None:
    held: PendingMarkets[str] = PendingMarkets()
    held.hold("0xa", ["A-yes", "A-no"], "info-a")

    assert held.release(_cached({"A-yes"})) == []
    assert held.missing(_cached({"A-yes"})) == ["A-no"]
    assert held.release(_cached({"A-yes", "A-no"})) == ["info-a"]
    assert len(held) == 0
    assert held.release(_cached({"A-yes", "A-no"})) == []  # released once


def test_release_returns_ready_markets_in_hold_order_and_keeps_the_rest() -> None:
    held: PendingMarkets[str] = PendingMarkets()
    held.hold("0xb", ["B-yes", "B-no"], "info-b")
    held.hold("0xc", ["C-yes", "C-no"], "info-c")
    held.hold("0xa", ["A-yes", "A-no"], "info-a")

    cache = {"A-yes", "A-no", "B-yes", "B-no"}
    assert held.release(_cached(cache)) == ["info-b", "info-a"]
    assert held.condition_ids() == {"0xc"}
    assert "0xc" in held
    assert held.missing(_cached(cache)) == ["C-no", "C-yes"]


def test_later_hold_replaces_the_payload() -> None:
    held: PendingMarkets[str] = PendingMarkets()
    held.hold("0xa", ["A-yes", "A-no"], "old")
    held.hold("0xa", ["A-yes", "A-no"], "new")

    assert len(held) == 1
    assert held.release(_cached({"A-yes", "A-no"})) == ["new"]


def test_discard_drops_a_market_resolved_before_loading() -> None:
    held: PendingMarkets[str] = PendingMarkets()
    held.hold("0xa", ["A-yes", "A-no"], "info-a")

    assert held.discard("0xa") is True
    assert held.discard("0xa") is False
    assert held.missing(_cached(set())) == []
    assert held.release(_cached({"A-yes", "A-no"})) == []


def test_missing_is_distinct_and_sorted_across_markets() -> None:
    held: PendingMarkets[str] = PendingMarkets()
    held.hold("0xa", ["Z", "Y"], "a")
    held.hold("0xb", ["Y", "X"], "b")

    assert held.missing(_cached({"X"})) == ["Y", "Z"]


def test_hold_without_instruments_is_rejected() -> None:
    held: PendingMarkets[str] = PendingMarkets()

    with pytest.raises(ValueError, match="at least one instrument id"):
        held.hold("0xa", [], "info")


def test_group_by_market_splits_on_condition_id() -> None:
    ids = ["0xa-1.POLYMARKET", "0xb-3.POLYMARKET", "0xa-2.POLYMARKET"]

    assert group_by_market(ids) == [["0xa-1.POLYMARKET", "0xa-2.POLYMARKET"], ["0xb-3.POLYMARKET"]]
    assert group_by_market([]) == []
