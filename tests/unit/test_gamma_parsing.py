"""
Gamma parsing on the real recorded payloads plus synthetic edge cases, and the scanner's pure
decision core (filters, up/down slugs, publish decisions, backoff).
"""

import json
import random
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from actors.logic.market_scanner import decide_publications
from actors.logic.market_scanner import passes_filters
from actors.logic.market_scanner import select_candidates
from actors.market_scanner import MarketScannerActorConfig
from adapters.polymarket.gamma import backoff_delay_secs
from adapters.polymarket.gamma import updown_slugs
from adapters.polymarket.gamma_parsing import GammaMarket
from adapters.polymarket.gamma_parsing import SkippedMarket
from adapters.polymarket.gamma_parsing import parse_gamma_market
from adapters.polymarket.gamma_parsing import parse_gamma_markets
from adapters.polymarket.gamma_parsing import to_market_info
from adapters.polymarket.gamma_parsing import to_market_resolution
from adapters.polymarket.instruments import token_instrument_id
from tests.fakes.gamma import make_gamma_market

pytestmark = pytest.mark.unit

DATA = Path("/work/shared/data/polymarket")
HOUR_NS = 3_600 * 1_000_000_000
NOW_NS = pd.Timestamp("2026-03-12T09:00:00Z").value


def _load(name: str) -> dict:
    path = DATA / name
    if not path.exists():
        pytest.skip(f"sample {path} absent")
    body = json.loads(path.read_text())
    return body[0] if isinstance(body, list) else body


def _parsed(raw: dict, **kwargs: object) -> GammaMarket:
    market = parse_gamma_market(raw, **kwargs)  # type: ignore[arg-type]
    assert isinstance(market, GammaMarket), market
    return market


def _synthetic(index: int = 1, end_iso: str = "2026-03-12T12:00:00Z", **fields: object) -> dict:
    return {**make_gamma_market(index, end_iso), **fields}


@pytest.mark.parametrize(
    ("name", "tick", "neg_risk", "fees", "fee_rate", "winner", "end_iso", "category"),
    [
        ("btc_updown_5m", "0.01", False, True, "0.07", None, "2026-03-12T09:25:00Z", "crypto"),
        ("closed_accepting_false", "0.001", False, False, "0", "no", "2028-01-01T05:00:00Z", None),
        ("closed_resolved_yes", "0.01", False, False, "0", "yes", "2027-12-31T00:00:00Z", None),
        ("sports_moneyline_resolved", "0.001", False, True, "0.03", "yes", None, "sports"),
        ("sports_handicap_resolved", "0.001", False, True, "0.03", "yes", None, "sports"),
    ],
)
def test_real_gamma_sample_parses_fields(
    name: str,
    tick: str,
    neg_risk: bool,
    fees: bool,
    fee_rate: str,
    winner: str | None,
    end_iso: str | None,
    category: str | None,
) -> None:
    raw = _load(f"gamma_market_{name}.json")

    market = _parsed(raw)

    yes_token, no_token = json.loads(raw["clobTokenIds"])
    assert market.condition_id == raw["conditionId"]
    assert market.yes_instrument_id == token_instrument_id(raw["conditionId"], yes_token).value
    assert market.no_instrument_id == token_instrument_id(raw["conditionId"], no_token).value
    assert market.end_ns == pd.Timestamp(end_iso or raw["endDate"]).value
    assert (market.tick_size, market.min_order_size) == (tick, "5")
    assert market.neg_risk is neg_risk
    assert (market.fees_enabled, market.fee_rate) == (fees, fee_rate)
    assert market.winner() == winner
    if category is not None:
        assert market.category == category


def test_btc_updown_sample_to_market_info_routes_on_yes_token() -> None:
    market = _parsed(_load("gamma_market_btc_updown_5m.json"))

    info = to_market_info(market, ts_event=NOW_NS, ts_init=NOW_NS + 1)

    assert info.instrument_id.value == market.yes_instrument_id
    assert info.event_id == "260654"
    assert info.taker_fee_rate() == Decimal("0.07")
    assert info.volume_usd == pytest.approx(9.999997)
    assert to_market_resolution(market, NOW_NS, NOW_NS) is None


@pytest.mark.parametrize(
    ("name", "yes_payout", "winner_index"),
    [("closed_resolved_yes", "1", 0), ("closed_accepting_false", "0", 1)],
)
def test_resolved_sample_to_resolution_names_winner(
    name: str,
    yes_payout: str,
    winner_index: int,
) -> None:
    raw = _load(f"gamma_market_{name}.json")
    market = _parsed(raw)

    resolution = to_market_resolution(market, NOW_NS, NOW_NS)

    assert resolution is not None
    assert resolution.yes_payout == yes_payout
    winner_token = json.loads(raw["clobTokenIds"])[winner_index]
    expected = token_instrument_id(raw["conditionId"], winner_token).value
    assert resolution.winning_instrument_id == expected


@pytest.mark.parametrize(
    ("name", "field_name"),
    [
        ("closed_scalar_legacy_2020", "orderPriceMinTickSize"),
        ("closed_zero_zero_legacy_2020", "orderPriceMinTickSize"),
        ("slug_trimmed", "outcomePrices"),
    ],
)
def test_legacy_or_trimmed_sample_skipped_with_reason(name: str, field_name: str) -> None:
    raw = _load(f"gamma_market_{name}.json")

    result = parse_gamma_market(raw)

    assert isinstance(result, SkippedMarket)
    assert (result.market_id, result.field_name) == (raw["id"], field_name)


def test_real_neg_risk_event_markets_parse_as_politics() -> None:
    event = _load("gamma_event_neg_risk_dem_nominee_2028.json")
    rows = [{**m, "events": [event]} for m in event["markets"]]

    report = parse_gamma_markets(rows)

    assert len(report.markets) == 2
    assert not report.skipped
    assert all(m.neg_risk and m.category == "politics" for m in report.markets)
    assert {m.event_id for m in report.markets} == {event["id"]}


@pytest.mark.parametrize(
    ("fields", "field_name"),
    [
        ({"clobTokenIds": "not json"}, "clobTokenIds"),
        ({"clobTokenIds": json.dumps(["1", "2", "3"])}, "clobTokenIds"),
        ({"outcomes": json.dumps(["A", "B", "C"])}, "outcomes"),
        ({"endDate": "yesterday-ish"}, "endDate"),
        ({"orderPriceMinTickSize": "abc"}, "orderPriceMinTickSize"),
        ({"orderPriceMinTickSize": 1}, "orderPriceMinTickSize"),
        ({"orderMinSize": None}, "orderMinSize"),
        ({"conditionId": "1234"}, "conditionId"),
        ({"volumeNum": "lots"}, "volumeNum"),
        ({"feesEnabled": True, "feeSchedule": {"rate": "x"}}, "feeSchedule.rate"),
    ],
)
def test_malformed_synthetic_row_skipped_naming_field(fields: dict, field_name: str) -> None:
    rows = [_synthetic(1, **fields), _synthetic(2), "garbage"]

    report = parse_gamma_markets(rows)

    assert [m.market_id for m in report.markets] == ["100002"]
    assert [(s.market_id, s.field_name) for s in report.skipped[:1]] == [("100001", field_name)]
    assert report.skipped[1].field_name == "<row>"


def test_fee_rate_default_is_configurable_and_zero_when_disabled() -> None:
    assert _parsed(_synthetic(feesEnabled=True), default_fee_rate="0.05").fee_rate == "0.05"
    assert _parsed(_synthetic(feesEnabled=False), default_fee_rate="0.05").fee_rate == "0"


def test_closed_zero_zero_prices_not_a_resolution() -> None:
    market = _parsed(_synthetic(closed=True, outcomePrices=json.dumps(["0", "0"])))

    assert market.winner() is None
    assert to_market_resolution(market, NOW_NS, NOW_NS) is None


def test_open_market_with_one_zero_prices_not_a_resolution() -> None:
    assert _parsed(_synthetic(outcomePrices=json.dumps(["1", "0"]))).winner() is None


@pytest.mark.parametrize(
    ("now_iso", "expected_start"),
    [
        ("2026-03-12T09:20:00Z", 1773307200),
        ("2026-03-12T09:24:59Z", 1773307200),
        ("2026-03-12T09:25:00Z", 1773307500),
    ],
)
def test_updown_slugs_floor_to_window_start(now_iso: str, expected_start: int) -> None:
    slugs = updown_slugs(pd.Timestamp(now_iso).value)

    assert slugs == [
        f"btc-updown-5m-{expected_start}",
        f"btc-updown-5m-{expected_start + 300}",
    ]


def test_backoff_delay_grows_capped_and_seeded() -> None:
    delays = [backoff_delay_secs(a, 0.5, 4.0, random.Random(7)) for a in range(6)]

    assert delays == [backoff_delay_secs(a, 0.5, 4.0, random.Random(7)) for a in range(6)]
    for attempt, delay in enumerate(delays):
        ceiling = min(4.0, 0.5 * 2**attempt)
        assert ceiling / 2 <= delay <= ceiling


def test_horizon_and_volume_liquidity_filters() -> None:
    def market(end: str, volume: float = 100.0, liquidity: float = 100.0) -> GammaMarket:
        return _parsed(_synthetic(endDate=end, volumeNum=volume, liquidityNum=liquidity))

    def passes(m: GammaMarket) -> bool:
        return passes_filters(m, NOW_NS, 24 * HOUR_NS, 50.0, 20.0)

    assert passes(market("2026-03-12T20:00:00Z"))
    assert not passes(market("2026-03-13T09:00:01Z"))
    assert not passes(market("2026-03-12T08:59:59Z"))
    assert not passes(market("2026-03-12T20:00:00Z", volume=49.9))
    assert not passes(market("2026-03-12T20:00:00Z", liquidity=19.9))


def test_select_candidates_keeps_forced_and_known_outside_filters() -> None:
    config = MarketScannerActorConfig(horizon_hours=4.0, min_volume_usd=1_000.0)
    thin = _parsed(_synthetic(1, volumeNum=1.0))
    far = _parsed(_synthetic(2, endDate="2026-03-20T00:00:00Z"))
    good = _parsed(_synthetic(3))
    ids = [m.condition_id for m in (thin, far, good)]

    selected = select_candidates([thin, far, good], NOW_NS, config.filters(), {ids[0]}, {ids[1]})

    assert [m.condition_id for m in selected] == ids
    assert select_candidates([thin, far, good], NOW_NS, config.filters(), set(), set()) == [good]


def test_decide_publications_new_unchanged_changed_resolved_once() -> None:
    market = _parsed(_synthetic(1))
    resolved = _parsed(_synthetic(1, closed=True, outcomePrices=json.dumps(["0", "1"])))

    first = decide_publications({}, set(), [market, market])
    unchanged = decide_publications({market.condition_id: market.static_key()}, set(), [market])
    moved = replace(market, tick_size="0.001", volume_usd=1.0)
    changed = decide_publications({market.condition_id: market.static_key()}, set(), [moved])
    volume_only = replace(market, volume_usd=123.0)
    quiet = decide_publications({market.condition_id: market.static_key()}, set(), [volume_only])
    resolving = decide_publications({market.condition_id: market.static_key()}, set(), [resolved])
    again = decide_publications({}, {market.condition_id}, [resolved])

    assert (first.new_or_changed, first.resolved) == ((market,), ())
    assert unchanged.new_or_changed == ()
    assert unchanged.resolved == ()
    assert changed.new_or_changed == (moved,)
    assert quiet.new_or_changed == ()
    assert (resolving.new_or_changed, resolving.resolved) == ((), (resolved,))
    assert again.resolved == ()
    assert again.new_or_changed == ()


def test_scanner_config_rejects_bad_fee_rate() -> None:
    with pytest.raises(ValueError, match="default_fee_rate"):
        MarketScannerActorConfig(default_fee_rate="1.5")
    with pytest.raises(ValueError, match="default_fee_rate"):
        MarketScannerActorConfig(default_fee_rate="abc")
