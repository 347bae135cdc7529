from dataclasses import replace
from decimal import Decimal

import pytest

from strategies.expiry_edge import ExpiryEdgeConfig
from strategies.logic.expiry_edge import NANOS_PER_HOUR
from strategies.logic.expiry_edge import BookLevel
from strategies.logic.expiry_edge import EntryParams
from strategies.logic.expiry_edge import EntryReason
from strategies.logic.expiry_edge import MarketSpec
from strategies.logic.expiry_edge import SideBook
from strategies.logic.expiry_edge import decide_entry
from strategies.logic.expiry_edge import expected_return

pytestmark = pytest.mark.unit

NOW_NS = 1_748_865_600_000_000_000
END_NS = NOW_NS + 3 * NANOS_PER_HOUR
MARKET = MarketSpec(
    end_ns=END_NS, tick=Decimal("0.01"), size_increment=Decimal("0.01"), min_size=Decimal(5)
)
PARAMS = EntryParams(
    max_hours_to_expiry=Decimal(4),
    min_probability=Decimal("0.70"),
    max_probability=Decimal("0.99"),
)


def side(token, bids=(), asks=()):
    return SideBook(
        instrument_id=token,
        bids=tuple(BookLevel(Decimal(p), Decimal(s)) for p, s in bids),
        asks=tuple(BookLevel(Decimal(p), Decimal(s)) for p, s in asks),
    )


def market(yes_bid="0.79", yes_ask="0.80", depth="200"):
    no_bid = str(1 - Decimal(yes_ask))
    no_ask = str(1 - Decimal(yes_bid))
    return (
        side("YES", bids=[(yes_bid, depth)], asks=[(yes_ask, depth)]),
        side("NO", bids=[(no_bid, depth)], asks=[(no_ask, depth)]),
    )


def decide(books, now_ns=NOW_NS, market=MARKET, params=PARAMS, entered=False, equity=None):
    return decide_entry(now_ns, market, books, params, entered, equity)


def test_inside_window_dominant_yes_enters_at_ask_with_stake_size():
    decision = decide(market())

    assert decision.reason == EntryReason.ENTER
    assert decision.order.instrument_id == "YES"
    assert decision.order.price == Decimal("0.80")
    assert decision.order.quantity == Decimal("62.50")
    assert decision.order.signal_price == Decimal("0.80")


def test_dominant_no_token_is_entered_when_its_price_is_higher():
    decision = decide(market(yes_bid="0.14", yes_ask="0.15"))

    assert decision.reason == EntryReason.ENTER
    assert decision.order.instrument_id == "NO"
    assert decision.order.price == Decimal("0.86")


@pytest.mark.parametrize(
    ("hours_before_end", "expected"),
    [
        (Decimal(5), EntryReason.OUTSIDE_WINDOW),
        (Decimal("4.0001"), EntryReason.OUTSIDE_WINDOW),
        (Decimal(4), EntryReason.ENTER),
        (Decimal("0.01"), EntryReason.ENTER),
        (Decimal(0), EntryReason.EXPIRED),
        (Decimal(-1), EntryReason.EXPIRED),
    ],
)
def test_window_bounds_give_expected_reason(hours_before_end, expected):
    now_ns = END_NS - int(hours_before_end * NANOS_PER_HOUR)

    assert decide(market(), now_ns=now_ns).reason == expected


@pytest.mark.parametrize(
    ("yes_ask", "expected"),
    [
        ("0.69", EntryReason.BELOW_MIN_PROB),
        ("0.70", EntryReason.ENTER),
        ("0.98", EntryReason.ENTER),
        ("0.99", EntryReason.ABOVE_MAX_PROB),
    ],
)
def test_probability_thresholds_min_inclusive_max_exclusive(yes_ask, expected):
    yes_bid = str(Decimal(yes_ask) - Decimal("0.01"))

    assert decide(market(yes_bid=yes_bid, yes_ask=yes_ask)).reason == expected


def test_mid_price_source_below_min_where_ask_enters():
    books = market(yes_bid="0.64", yes_ask="0.74")

    by_ask = decide(books)
    by_mid = decide(books, params=replace(PARAMS, price_source="mid"))

    assert by_ask.reason == EntryReason.ENTER
    assert by_mid.reason == EntryReason.BELOW_MIN_PROB


def test_mid_price_source_enters_where_ask_is_above_max():
    books = market(yes_bid="0.97", yes_ask="0.99")

    by_ask = decide(books)
    by_mid = decide(books, params=replace(PARAMS, price_source="mid"))

    assert by_ask.reason == EntryReason.ABOVE_MAX_PROB
    assert by_mid.reason == EntryReason.ENTER
    assert by_mid.order.signal_price == Decimal("0.98")
    assert by_mid.order.price == Decimal("0.99")


def test_mid_price_source_without_bids_is_no_book():
    books = (side("YES", asks=[("0.80", "100")]), side("NO", asks=[("0.25", "100")]))

    assert decide(books, params=replace(PARAMS, price_source="mid")).reason == EntryReason.NO_BOOK


def test_empty_books_are_no_book():
    assert decide((side("YES"), side("NO"))).reason == EntryReason.NO_BOOK


def test_thin_book_is_refused():
    books = market(depth="20")  # 20 × 0.80 = 16 USDC < 25

    assert decide(books).reason == EntryReason.THIN_BOOK


def test_size_capped_by_depth_at_or_below_limit():
    yes = side("YES", bids=[("0.79", "500")], asks=[("0.80", "40"), ("0.81", "500")])
    no = side("NO", bids=[("0.19", "500")], asks=[("0.21", "500")])

    decision = decide((yes, no))

    assert decision.reason == EntryReason.ENTER
    assert decision.order.quantity == Decimal("40.00")


def test_stake_below_min_order_size_is_too_small():
    params = replace(PARAMS, stake_usdc=Decimal(3))  # 3.75 shares at 0.80

    assert decide(market(), params=params).reason == EntryReason.TOO_SMALL


def test_depth_below_min_order_size_is_too_small():
    params = replace(PARAMS, min_liquidity_usdc=Decimal(0))

    assert decide(market(depth="4"), params=params).reason == EntryReason.TOO_SMALL


def test_at_most_one_entry_per_market():
    assert decide(market(), entered=True).reason == EntryReason.ALREADY_ENTERED


def test_offset_ticks_on_thousandth_grid():
    market = replace(MARKET, tick=Decimal("0.001"))
    params = replace(PARAMS, limit_offset_ticks=3)
    books = (
        side("YES", bids=[("0.850", "300")], asks=[("0.862", "300")]),
        side("NO", bids=[("0.138", "300")], asks=[("0.150", "300")]),
    )

    decision = decide(books, market=market, params=params)

    assert decision.reason == EntryReason.ENTER
    assert decision.order.price == Decimal("0.859")
    assert decision.order.quantity == Decimal("58.20")


def test_offset_never_goes_below_one_tick_above_best_bid():
    market = replace(MARKET, tick=Decimal("0.001"))
    params = replace(PARAMS, limit_offset_ticks=50)
    books = (
        side("YES", bids=[("0.850", "300")], asks=[("0.862", "300")]),
        side("NO", bids=[("0.138", "300")], asks=[("0.150", "300")]),
    )

    decision = decide(books, market=market, params=params)

    assert decision.order.price == Decimal("0.851")


def test_equity_fraction_sizes_from_equity():
    params = replace(PARAMS, stake_usdc=None, equity_fraction=Decimal("0.01"))

    decision = decide(market(), params=params, equity=Decimal(10_000))

    assert decision.order.quantity == Decimal("125.00")


def test_equity_fraction_without_equity_raises():
    params = replace(PARAMS, stake_usdc=None, equity_fraction=Decimal("0.01"))

    with pytest.raises(ValueError, match="equity"):
        decide(market(), params=params)


def test_expected_return_before_fees():
    assert expected_return(Decimal("0.80")) == Decimal("0.25")
    with pytest.raises(ValueError, match="price"):
        expected_return(Decimal(1))


def test_config_defaults_convert_to_exact_params():
    params = ExpiryEdgeConfig().entry_params()

    assert params.min_probability == Decimal("0.7")
    assert params.max_probability == Decimal("0.99")
    assert params.stake_usdc == Decimal(50)
    assert params.min_liquidity_usdc == Decimal(25)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"min_probability": 0.0}, "min_probability"),
        ({"min_probability": 0.9, "max_probability": 0.8}, "max_probability"),
        ({"max_probability": 1.0}, "max_probability"),
        ({"price_source": "last"}, "price_source"),
        ({"equity_fraction": 0.1}, "exactly one"),
        ({"stake_usdc": None}, "exactly one"),
        ({"stake_usdc": "0"}, "stake_usdc"),
        ({"stake_usdc": "fifty"}, "stake_usdc"),
        ({"stake_usdc": "NaN"}, "stake_usdc"),
        ({"stake_usdc": None, "equity_fraction": 1.5}, "equity_fraction"),
        ({"min_liquidity_usdc": "-1"}, "min_liquidity_usdc"),
    ],
)
def test_config_invalid_fields_raise_naming_the_field(fields, message):
    with pytest.raises(ValueError, match=message):
        ExpiryEdgeConfig(**fields)
