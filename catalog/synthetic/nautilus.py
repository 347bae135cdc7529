"""
The edge: turn generated arrays into Nautilus objects and polyedge custom data.

Delta and trade rows carry prices in ticks of the instrument's price increment and sizes in
micro-units, for Polymarket tokens and BTCUSDT-PERP alike.
"""

from decimal import Decimal

from nautilus_trader.model.data import OrderBookDelta
from nautilus_trader.model.data import TradeTick
from nautilus_trader.model.identifiers import TradeId
from nautilus_trader.model.instruments import BinaryOption
from nautilus_trader.model.instruments import CryptoPerpetual
from nautilus_trader.model.instruments import Instrument
from nautilus_trader.model.objects import FIXED_PRECISION
from nautilus_trader.test_kit.providers import TestInstrumentProvider

from actors.data_types import MarketInfo
from actors.data_types import MarketResolution
from adapters.polymarket.instruments import clob_market_dict
from adapters.polymarket.instruments import instruments_from_market
from catalog.synthetic.book import DeltaRows
from catalog.synthetic.market import MarketArrays
from catalog.synthetic.specs import MarketSpec
from catalog.synthetic.trades import TradeRows

# Sizes travel as integer micro-units (1e-6) whatever the instrument's size precision.
_SIZE_RAW_PER_MICRO = 10 ** (FIXED_PRECISION - 6)


def build_instruments(spec: MarketSpec) -> tuple[BinaryOption, BinaryOption]:
    """
    Return the (YES, NO) instruments through the adapter's own parser.
    """
    market = clob_market_dict(
        condition_id=spec.condition_id,
        question=spec.question,
        yes_token_id=spec.yes_token_id,
        no_token_id=spec.no_token_id,
        end_ns=spec.end_ns,
        tick_size=Decimal(spec.tick_size),
        min_order_size=5,
        neg_risk=spec.neg_risk,
        outcomes=spec.outcomes,
    )
    return instruments_from_market(market, ts_init=spec.start_ns)


def binance_instrument() -> CryptoPerpetual:
    """
    Return BTCUSDT-PERP.BINANCE as Nautilus defines it (tick 0.1 USDT, step 0.001 BTC, USDT).
    """
    return TestInstrumentProvider.btcusdt_perp_binance()


def delta_objects(
    instrument: Instrument,
    rows: DeltaRows,
    times_ns: list[int],
) -> list[OrderBookDelta]:
    """
    Return ``OrderBookDelta`` objects for one instrument (sequence numbers from 1).

    Parameters
    ----------
    instrument : Instrument
        The instrument (its price and size precisions set the raw scales; sizes must lie on
        its size grid).
    rows : DeltaRows
        The delta rows.
    times_ns : list[int]
        Update times indexed by ``rows.event``.

    Returns
    -------
    list[OrderBookDelta]

    """
    iid = instrument.id
    precision = instrument.price_precision
    size_precision = instrument.size_precision
    raw_per_tick = 10 ** (FIXED_PRECISION - precision)
    ts = [times_ns[e] for e in rows.event.tolist()]
    columns = zip(
        rows.action.tolist(),
        rows.side.tolist(),
        rows.price_ticks.tolist(),
        rows.size_micro.tolist(),
        rows.flags.tolist(),
        ts,
        strict=True,
    )
    return [
        OrderBookDelta.from_raw(
            iid,
            action,
            side,
            price * raw_per_tick,
            precision,
            size * _SIZE_RAW_PER_MICRO,
            size_precision,
            0,
            flags,
            seq,
            t,
            t,
        )
        for seq, (action, side, price, size, flags, t) in enumerate(columns, start=1)
    ]


def trade_objects(instrument: Instrument, rows: TradeRows, id_prefix: str) -> list[TradeTick]:
    """
    Return ``TradeTick`` objects for one instrument with ids ``<prefix>-<n>``.
    """
    iid = instrument.id
    precision = instrument.price_precision
    size_precision = instrument.size_precision
    raw_per_tick = 10 ** (FIXED_PRECISION - precision)
    columns = zip(
        rows.price_ticks.tolist(),
        rows.size_micro.tolist(),
        rows.aggressor.tolist(),
        rows.ts_ns.tolist(),
        strict=True,
    )
    return [
        TradeTick.from_raw(
            iid,
            price * raw_per_tick,
            precision,
            size * _SIZE_RAW_PER_MICRO,
            size_precision,
            aggressor,
            TradeId(f"{id_prefix}-{n}"),
            t,
            t,
        )
        for n, (price, size, aggressor, t) in enumerate(columns, start=1)
    ]


def market_info(
    arrays: MarketArrays,
    yes: BinaryOption,
    no: BinaryOption,
    ts_ns: int,
) -> MarketInfo:
    """
    Return the ``MarketInfo`` of one market, stamped ``ts_ns``.
    """
    spec = arrays.spec
    return MarketInfo(
        instrument_id=yes.id,
        condition_id=spec.condition_id,
        question=spec.question,
        yes_instrument_id=yes.id.value,
        no_instrument_id=no.id.value,
        end_ns=spec.end_ns,
        neg_risk=spec.neg_risk,
        event_id=spec.event_id,
        category=spec.category,
        tick_size=spec.tick_size,
        min_order_size="5",
        fees_enabled=spec.fees_enabled,
        fee_rate=spec.fee_rate,
        volume_usd=spec.knobs.volume_usd,
        liquidity_usd=arrays.liquidity_usd,
        ts_event=ts_ns,
        ts_init=ts_ns,
    )


def market_resolution(
    spec: MarketSpec,
    yes: BinaryOption,
    no: BinaryOption,
    ts_ns: int,
) -> MarketResolution:
    """
    Return the ``MarketResolution`` of one market per its drawn outcome, stamped ``ts_ns``.
    """
    winner = yes if spec.yes_wins else no
    return MarketResolution(
        instrument_id=yes.id,
        condition_id=spec.condition_id,
        yes_instrument_id=yes.id.value,
        no_instrument_id=no.id.value,
        winning_instrument_id=winner.id.value,
        yes_payout="1" if spec.yes_wins else "0",
        no_payout="0" if spec.yes_wins else "1",
        ts_event=ts_ns,
        ts_init=ts_ns,
    )
