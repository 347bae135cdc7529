"""
Parse Gamma API market rows into polyedge's ``MarketInfo`` and ``MarketResolution``.

Pure: no I/O, no clock. Gamma encodes ``clobTokenIds``, ``outcomes`` and ``outcomePrices`` as
stringified JSON lists; numbers may be floats or strings. A row that cannot describe a tradable
binary market (legacy AMM markets without a tick size, trimmed rows without an end date, a
third outcome) becomes a ``SkippedMarket`` naming the market and the field: parsing never
raises for bad venue data.

Instrument ids come only from the adapter helper (``token_instrument_id``).
"""

import json
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal
from decimal import InvalidOperation
from typing import Any

import pandas as pd
from nautilus_trader.model.identifiers import InstrumentId

from actors.data_types import MarketInfo
from actors.data_types import MarketResolution
from adapters.polymarket.instruments import token_instrument_id

DEFAULT_FEE_RATE = "0.07"

_CATEGORY_KEYWORDS: dict[str, tuple[str, ...]] = {
    "crypto": ("crypto", "bitcoin", "btc", "ethereum", "eth", "solana", "sol", "xrp"),
    "sports": (
        "sports",
        "nba",
        "nfl",
        "mlb",
        "nhl",
        "soccer",
        "tennis",
        "esports",
        "cs2",
        "epl",
        "ufc",
    ),
    "politics": ("politics", "elections", "election", "primaries", "trump", "president"),
}


class _FieldError(Exception):
    def __init__(self, field_name: str, reason: str) -> None:
        super().__init__(f"{field_name}: {reason}")
        self.field_name = field_name
        self.reason = reason


@dataclass(frozen=True)
class GammaMarket:
    """
    One binary Gamma market, validated.

    ``tick_size``, ``min_order_size`` and ``fee_rate`` are decimal strings; ``fee_rate`` is
    ``"0"`` where fees are off. ``outcome_prices`` keeps the venue's strings.
    """

    market_id: str
    condition_id: str
    slug: str
    question: str
    yes_token_id: str
    no_token_id: str
    yes_instrument_id: str
    no_instrument_id: str
    end_ns: int
    neg_risk: bool
    event_id: str
    category: str
    tick_size: str
    min_order_size: str
    fees_enabled: bool
    fee_rate: str
    volume_usd: float
    liquidity_usd: float
    active: bool
    closed: bool
    outcome_prices: tuple[str, str]

    def static_key(self) -> tuple:
        """
        Return the fields whose change warrants republishing ``MarketInfo``.

        Volume and liquidity move on every poll and are informational, so they are left out.
        """
        return (
            self.question,
            self.end_ns,
            self.neg_risk,
            self.event_id,
            self.category,
            self.tick_size,
            self.min_order_size,
            self.fees_enabled,
            self.fee_rate,
        )

    def winner(self) -> str | None:
        """
        Return ``"yes"`` or ``"no"`` if the market is closed with a 1/0 outcome, else None.
        """
        if not self.closed:
            return None
        try:
            yes, no = (Decimal(p) for p in self.outcome_prices)
        except InvalidOperation:
            return None
        if (yes, no) == (1, 0):
            return "yes"
        if (yes, no) == (0, 1):
            return "no"
        return None


@dataclass(frozen=True)
class SkippedMarket:
    """
    A Gamma row that was not parsed, with the field at fault.
    """

    market_id: str
    field_name: str
    reason: str


@dataclass
class ParseReport:
    """
    The parsed markets and the skipped rows of one batch.
    """

    markets: list[GammaMarket] = field(default_factory=list)
    skipped: list[SkippedMarket] = field(default_factory=list)


def parse_gamma_market(
    raw: Mapping[str, Any],
    default_fee_rate: str = DEFAULT_FEE_RATE,
) -> GammaMarket | SkippedMarket:
    """
    Parse one Gamma market row.

    Parameters
    ----------
    raw : Mapping[str, Any]
        The market JSON object.
    default_fee_rate : str, default "0.07"
        The taker fee rate where ``feesEnabled`` is true and the row has no ``feeSchedule``.

    Returns
    -------
    GammaMarket | SkippedMarket

    """
    market_id = str(raw.get("id") or raw.get("conditionId") or "?")
    try:
        return _parse(raw, market_id, default_fee_rate)
    except _FieldError as e:
        return SkippedMarket(market_id=market_id, field_name=e.field_name, reason=e.reason)


def parse_gamma_markets(
    rows: Iterable[Any],
    default_fee_rate: str = DEFAULT_FEE_RATE,
) -> ParseReport:
    """
    Parse a batch of Gamma rows, collecting skips instead of raising.
    """
    report = ParseReport()
    for raw in rows:
        if not isinstance(raw, Mapping):
            report.skipped.append(SkippedMarket("?", "<row>", f"not an object: {type(raw)}"))
            continue
        parsed = parse_gamma_market(raw, default_fee_rate)
        if isinstance(parsed, SkippedMarket):
            report.skipped.append(parsed)
        else:
            report.markets.append(parsed)
    return report


def _parse(raw: Mapping[str, Any], market_id: str, default_fee_rate: str) -> GammaMarket:
    condition_id = _require_str(raw, "conditionId")
    if not condition_id.startswith("0x"):
        raise _FieldError("conditionId", f"not a 0x hex id: {condition_id!r}")
    yes_token, no_token = _json_pair(raw, "clobTokenIds")
    outcome_prices = _json_pair(raw, "outcomePrices")
    _json_pair(raw, "outcomes")
    fees_enabled = bool(raw.get("feesEnabled") or False)
    return GammaMarket(
        market_id=market_id,
        condition_id=condition_id,
        slug=str(raw.get("slug") or ""),
        question=str(raw.get("question") or ""),
        yes_token_id=yes_token,
        no_token_id=no_token,
        yes_instrument_id=token_instrument_id(condition_id, yes_token).value,
        no_instrument_id=token_instrument_id(condition_id, no_token).value,
        end_ns=_end_ns(raw),
        neg_risk=bool(raw.get("negRisk") or False),
        event_id=_event_id(raw),
        category=infer_category(raw),
        tick_size=_decimal_str(raw, "orderPriceMinTickSize", upper=Decimal(1)),
        min_order_size=_decimal_str(raw, "orderMinSize"),
        fees_enabled=fees_enabled,
        fee_rate=_fee_rate(raw, default_fee_rate) if fees_enabled else "0",
        volume_usd=_stat(raw, "volumeNum"),
        liquidity_usd=_stat(raw, "liquidityNum"),
        active=bool(raw.get("active") or False),
        closed=bool(raw.get("closed") or False),
        outcome_prices=outcome_prices,
    )


def _require_str(raw: Mapping[str, Any], name: str) -> str:
    value = raw.get(name)
    if not isinstance(value, str) or not value:
        raise _FieldError(name, f"missing or not a string: {value!r}")
    return value


def _json_pair(raw: Mapping[str, Any], name: str) -> tuple[str, str]:
    value = raw.get(name)
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as e:
            raise _FieldError(name, f"invalid JSON: {e}") from None
    if not isinstance(value, list) or len(value) != 2:
        raise _FieldError(name, f"expected a list of 2, got {value!r}")
    if not all(isinstance(v, str | int | float) and str(v) for v in value):
        raise _FieldError(name, f"empty or non-scalar entry in {value!r}")
    return str(value[0]), str(value[1])


def _end_ns(raw: Mapping[str, Any]) -> int:
    value = raw.get("endDate")
    if not isinstance(value, str) or not value:
        raise _FieldError("endDate", f"missing: {value!r}")
    try:
        ts = pd.Timestamp(value)
    except ValueError as e:
        raise _FieldError("endDate", f"unparseable {value!r}: {e}") from None
    if ts.tzinfo is None:
        ts = ts.tz_localize("UTC")
    return int(ts.value)


def _decimal_str(raw: Mapping[str, Any], name: str, upper: Decimal | None = None) -> str:
    value = raw.get(name)
    if value is None or isinstance(value, bool):
        raise _FieldError(name, f"missing: {value!r}")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise _FieldError(name, f"not a number: {value!r}") from None
    if not number.is_finite() or number <= 0 or (upper is not None and number >= upper):
        raise _FieldError(name, f"out of range: {value!r}")
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _fee_rate(raw: Mapping[str, Any], default_fee_rate: str) -> str:
    schedule = raw.get("feeSchedule")
    rate = schedule.get("rate") if isinstance(schedule, Mapping) else None
    if rate is None or isinstance(rate, bool):
        return default_fee_rate
    try:
        number = Decimal(str(rate))
    except InvalidOperation:
        raise _FieldError("feeSchedule.rate", f"not a number: {rate!r}") from None
    if not number.is_finite() or number < 0 or number >= 1:
        raise _FieldError("feeSchedule.rate", f"out of range: {rate!r}")
    return str(number)


def _stat(raw: Mapping[str, Any], name: str) -> float:
    value = raw.get(name)
    if value is None:
        return 0.0
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise _FieldError(name, f"not a number: {value!r}") from None
    if number != number or number < 0:
        raise _FieldError(name, f"out of range: {value!r}")
    return number


def _event_id(raw: Mapping[str, Any]) -> str:
    events = raw.get("events")
    if isinstance(events, list) and events and isinstance(events[0], Mapping):
        return str(events[0].get("id") or "")
    return ""


def _tag_words(raw: Mapping[str, Any]) -> list[str]:
    words: list[str] = []
    sources = [raw, *[e for e in raw.get("events") or [] if isinstance(e, Mapping)]]
    for source in sources:
        for tag in source.get("tags") or []:
            if isinstance(tag, Mapping):
                words.extend(str(tag.get(k) or "").lower() for k in ("slug", "label"))
    return words


def infer_category(raw: Mapping[str, Any]) -> str:
    """
    Return the market category from its tags, its legacy ``category`` or its slug.

    Returns ``"other"`` when nothing matches.
    """
    candidates = [*_tag_words(raw), str(raw.get("category") or "").lower()]
    for word in candidates:
        for category, keywords in _CATEGORY_KEYWORDS.items():
            if word in keywords or word == category:
                return category
    slug_parts = str(raw.get("slug") or "").lower().split("-")
    for category, keywords in _CATEGORY_KEYWORDS.items():
        if slug_parts and slug_parts[0] in keywords:
            return category
    return "other"


def to_market_info(market: GammaMarket, ts_event: int, ts_init: int) -> MarketInfo:
    """
    Return the ``MarketInfo`` of a parsed market (routed on its YES token).
    """
    yes_id, _ = _instrument_ids(market)
    return MarketInfo(
        instrument_id=yes_id,
        condition_id=market.condition_id,
        question=market.question,
        yes_instrument_id=market.yes_instrument_id,
        no_instrument_id=market.no_instrument_id,
        end_ns=market.end_ns,
        neg_risk=market.neg_risk,
        event_id=market.event_id,
        category=market.category,
        tick_size=market.tick_size,
        min_order_size=market.min_order_size,
        fees_enabled=market.fees_enabled,
        fee_rate=market.fee_rate,
        volume_usd=market.volume_usd,
        liquidity_usd=market.liquidity_usd,
        ts_event=ts_event,
        ts_init=ts_init,
    )


def to_market_resolution(
    market: GammaMarket,
    ts_event: int,
    ts_init: int,
) -> MarketResolution | None:
    """
    Return the ``MarketResolution`` of a closed 1/0 market, or None if it has not resolved.
    """
    winner = market.winner()
    if winner is None:
        return None
    yes_id, no_id = _instrument_ids(market)
    yes_wins = winner == "yes"
    return MarketResolution(
        instrument_id=yes_id,
        condition_id=market.condition_id,
        yes_instrument_id=market.yes_instrument_id,
        no_instrument_id=market.no_instrument_id,
        winning_instrument_id=(yes_id if yes_wins else no_id).value,
        yes_payout="1" if yes_wins else "0",
        no_payout="0" if yes_wins else "1",
        ts_event=ts_event,
        ts_init=ts_init,
    )


def _instrument_ids(market: GammaMarket) -> tuple[InstrumentId, InstrumentId]:
    return (
        token_instrument_id(market.condition_id, market.yes_token_id),
        token_instrument_id(market.condition_id, market.no_token_id),
    )
