from decimal import Decimal
from itertools import pairwise

import pytest
from nautilus_trader.backtest.engine import BacktestEngine
from nautilus_trader.backtest.engine import BacktestEngineConfig
from nautilus_trader.config import LoggingConfig
from nautilus_trader.config import StrategyConfig
from nautilus_trader.model.currencies import USDC_POS
from nautilus_trader.model.data import BookOrder
from nautilus_trader.model.data import OrderBookDelta
from nautilus_trader.model.data import OrderBookDeltas
from nautilus_trader.model.enums import AccountType
from nautilus_trader.model.enums import BookAction
from nautilus_trader.model.enums import BookType
from nautilus_trader.model.enums import OmsType
from nautilus_trader.model.enums import OrderSide
from nautilus_trader.model.enums import RecordFlag
from nautilus_trader.model.identifiers import InstrumentId
from nautilus_trader.model.identifiers import Venue
from nautilus_trader.model.instruments import BinaryOption
from nautilus_trader.model.objects import Money
from nautilus_trader.trading.strategy import Strategy

from actors.equity_sampler import EquitySamplerActor
from actors.equity_sampler import EquitySamplerActorConfig
from adapters.polymarket.instruments import clob_market_dict
from adapters.polymarket.instruments import instruments_from_market
from reporting.collect import collect_run
from reporting.report import build_report

pytestmark = pytest.mark.backtest

SEC = 1_000_000_000
T0 = 1_700_000_000 * SEC
BUY_TS = T0 + 90 * SEC
END_TS = T0 + 300 * SEC
INTERVAL_SECS = 60
QTY = Decimal(10)
VENUE = Venue("POLYMARKET")


class ScriptedConfig(StrategyConfig, frozen=True):
    instrument_id: InstrumentId
    quantity: Decimal
    buy_at_ns: tuple[int, ...]
    sell_at_ns: tuple[int, ...] = ()


class Scripted(Strategy):
    """Send one market order at the first book update at or after each scripted time."""

    def __init__(self, config: ScriptedConfig) -> None:
        super().__init__(config)
        actions = [(ts, OrderSide.BUY) for ts in config.buy_at_ns]
        actions += [(ts, OrderSide.SELL) for ts in config.sell_at_ns]
        self._pending = sorted(actions)

    def on_start(self) -> None:
        self.subscribe_order_book_deltas(self.config.instrument_id, book_type=BookType.L2_MBP)

    def on_order_book_deltas(self, deltas: OrderBookDeltas) -> None:
        if not self._pending or deltas.ts_event < self._pending[0][0]:
            return
        _, side = self._pending.pop(0)
        instrument = self.cache.instrument(self.config.instrument_id)
        qty = instrument.make_qty(self.config.quantity)
        self.submit_order(self.order_factory.market(instrument.id, side, qty))


def _instrument() -> BinaryOption:
    market = clob_market_dict(
        condition_id="0x" + "ab" * 32,
        question="Will the test pass?",
        yes_token_id="1" * 20,
        no_token_id="2" * 20,
        end_ns=T0 + 86_400 * SEC,
        tick_size=Decimal("0.01"),
    )
    yes, _ = instruments_from_market(market, ts_init=T0)
    return yes


def _book(instrument: BinaryOption, bid: str, ask: str, ts: int) -> OrderBookDeltas:
    levels = [(OrderSide.BUY, bid), (OrderSide.SELL, ask)]
    deltas = [OrderBookDelta.clear(instrument.id, 0, ts, ts)]
    for i, (side, px) in enumerate(levels):
        order = BookOrder(side, instrument.make_price(Decimal(px)), instrument.make_qty(100), 0)
        flags = RecordFlag.F_LAST if i == len(levels) - 1 else 0
        deltas.append(OrderBookDelta(instrument.id, BookAction.ADD, order, flags, 0, ts, ts))
    return OrderBookDeltas(instrument.id, deltas)


def _run(buys: tuple[int, ...] = (BUY_TS,), sells: tuple[int, ...] = ()) -> BacktestEngine:
    engine = BacktestEngine(
        BacktestEngineConfig(trader_id="TESTER-001", logging=LoggingConfig(bypass_logging=True))
    )
    engine.add_venue(
        venue=VENUE,
        oms_type=OmsType.NETTING,
        account_type=AccountType.CASH,
        base_currency=None,
        starting_balances=[Money(1000, USDC_POS)],
        book_type=BookType.L2_MBP,
    )
    instrument = _instrument()
    engine.add_instrument(instrument)
    engine.add_data(
        [
            _book(instrument, "0.48", "0.52", T0 + SEC),
            _book(instrument, "0.48", "0.52", BUY_TS),
            _book(instrument, "0.49", "0.52", T0 + 150 * SEC),
            _book(instrument, "0.49", "0.53", T0 + 240 * SEC),
            _book(instrument, "0.49", "0.53", END_TS),
        ]
    )
    config = ScriptedConfig(
        instrument_id=instrument.id, quantity=QTY, buy_at_ns=buys, sell_at_ns=sells
    )
    engine.add_strategy(Scripted(config))
    sampler_config = EquitySamplerActorConfig(sample_interval_secs=INTERVAL_SECS)
    engine.add_actor(EquitySamplerActor(sampler_config))
    engine.run()
    return engine


def _sampler(engine: BacktestEngine) -> EquitySamplerActor:
    (sampler,) = [a for a in engine.trader.actors() if isinstance(a, EquitySamplerActor)]
    return sampler


@pytest.fixture(scope="module")
def run():
    engine = _run()
    yield engine
    engine.dispose()


def test_sampler_samples_at_fixed_interval(run):
    engine = run
    samples = _sampler(engine).samples

    steps = {b.ts_ns - a.ts_ns for a, b in pairwise(samples[:-1])}

    assert samples[0].ts_ns == T0 + SEC
    assert steps == {INTERVAL_SECS * SEC}
    assert samples[-1].ts_ns == END_TS


def test_sampler_equity_before_buy_is_starting_balance(run):
    engine = run
    before = [s for s in _sampler(engine).samples if s.ts_ns < BUY_TS]

    assert [s.equity for s in before] == [Decimal(1000)] * len(before)
    assert len(before) == 2


def test_sampler_equity_after_buy_is_cash_plus_qty_times_mid(run):
    engine = run
    samples = _sampler(engine).samples
    cash = engine.portfolio.account(VENUE).balance_total(USDC_POS).as_decimal()
    at_120 = next(s for s in samples if s.ts_ns == T0 + 121 * SEC)
    last = samples[-1]

    assert cash == Decimal(1000) - QTY * Decimal("0.52")
    assert at_120.equity == cash + QTY * Decimal("0.50")
    assert last.equity == cash + QTY * Decimal("0.51")
    (sid,) = last.pnl_by_strategy
    assert at_120.pnl_by_strategy[sid] == QTY * (Decimal("0.50") - Decimal("0.52"))
    assert last.pnl_by_strategy[sid] == last.equity - Decimal(1000)


def test_collect_and_build_report_one_taker_fill(run):
    engine = run

    records = collect_run(engine)
    report = build_report(records, {"synthetic": True, "starting_equity": Decimal(1000)})

    assert report["total"]["orders"] == 1
    assert report["total"]["fills"] == {"total": 1, "maker": 0, "taker": 1}
    assert report["total"]["pnl"] == "-0.100000"
    assert len(records.samples) == len(_sampler(engine).samples)
    (strategy,) = report["strategies"].values()
    assert strategy["orders"] == 1


def test_rerun_identical_samples_and_report():
    first = _run()
    second = _run()
    try:
        meta = {"synthetic": True, "starting_equity": Decimal(1000)}
        a = build_report(collect_run(first), meta)
        b = build_report(collect_run(second), meta)
        assert _sampler(first).samples == _sampler(second).samples
        assert a == b
    finally:
        first.dispose()
        second.dispose()


def test_netting_reopen_keeps_closed_cycle_pnl():
    engine = _run(buys=(BUY_TS, T0 + 240 * SEC), sells=(T0 + 150 * SEC,))
    try:
        records = collect_run(engine)
        report = build_report(records, {"synthetic": True, "starting_equity": Decimal(1000)})
        last = _sampler(engine).samples[-1]
    finally:
        engine.dispose()

    # Buy 10 @ 0.52, sell @ 0.49 (-0.30 realized), rebuy @ 0.53, mark at mid 0.51 (-0.20)
    assert last.equity == Decimal("999.5")
    assert list(last.pnl_by_strategy.values()) == [Decimal("-0.5")]
    assert sorted(p.is_closed for p in records.positions) == [False, True]
    assert report["total"]["realized_pnl"] == "-0.300000"
    assert report["total"]["trades"]["losses"] == 1
    assert report["total"]["fills"]["taker"] == 3
