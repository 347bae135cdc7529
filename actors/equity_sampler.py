"""
Sample mark-to-market account equity and per-strategy PnL at a fixed interval.

The samples feed ``reporting.metrics``: drawdown, Sharpe and Sortino come from this curve
instead of Nautilus' daily-return statistics. Every value uses only the cache state at the
sample time (no look-ahead).
"""

from datetime import timedelta
from decimal import Decimal

from nautilus_trader.common.actor import Actor
from nautilus_trader.common.config import ActorConfig
from nautilus_trader.common.config import PositiveInt
from nautilus_trader.common.events import TimeEvent
from nautilus_trader.model.identifiers import InstrumentId
from nautilus_trader.model.identifiers import PositionId
from nautilus_trader.model.identifiers import Venue
from nautilus_trader.model.objects import Currency
from nautilus_trader.model.position import Position

from actors.marks import market_mark
from reporting.metrics import EquitySample

__all__ = ["EquitySample", "EquitySamplerActor", "EquitySamplerActorConfig"]

_TIMER_NAME = "EquitySampler"
_ZERO = Decimal(0)


class EquitySamplerActorConfig(ActorConfig, frozen=True):
    """
    Configuration for ``EquitySamplerActor``.

    Parameters
    ----------
    sample_interval_secs : PositiveInt, default 300
        The sampling interval in seconds (the first sample is taken at start).
    venue : str, default "POLYMARKET"
        The venue whose account cash and positions make up the equity.
    currency : str, optional
        The account currency to read. ``None`` uses the account's base currency, or its only
        currency for a multi-currency CASH account such as Polymarket's (USDC.e).
    """

    sample_interval_secs: PositiveInt = 300
    venue: str = "POLYMARKET"
    currency: str | None = None


class EquitySamplerActor(Actor):
    """
    Record account equity and cumulative per-strategy PnL, marked to market, on a timer.

    Equity is the venue account's cash balance plus the sum over open positions of signed
    quantity times mark. A strategy's PnL is the realized PnL of all its positions (including
    closed NETTING cycles kept as cache snapshots) plus the unrealized PnL of its open ones.
    The mark is the book mid, else the last trade price, else the average entry price.
    Samples are taken every ``sample_interval_secs`` from start and once more at stop.

    Parameters
    ----------
    config : EquitySamplerActorConfig
        The actor configuration.
    """

    def __init__(self, config: EquitySamplerActorConfig) -> None:
        super().__init__(config)
        self._venue = Venue(config.venue)
        self._interval = timedelta(seconds=config.sample_interval_secs)
        self._currency = None if config.currency is None else Currency.from_str(config.currency)
        self._samples: list[EquitySample] = []
        self._snapshot_counts: dict[PositionId, int] = {}
        self._snapshot_pnl: dict[str, Decimal] = {}

    @property
    def samples(self) -> list[EquitySample]:
        """
        Return a copy of the samples taken so far, oldest first.

        Returns
        -------
        list[EquitySample]

        """
        return list(self._samples)

    def on_start(self) -> None:
        """
        Start the sampling timer (it fires at start, then every interval).
        """
        self.clock.set_timer(
            name=_TIMER_NAME,
            interval=self._interval,
            callback=self._on_timer,
            fire_immediately=True,
        )

    def on_stop(self) -> None:
        """
        Take a final sample at the stop time.
        """
        self._take_sample(self.clock.timestamp_ns())

    def on_reset(self) -> None:
        """
        Clear the samples and snapshot tallies.
        """
        self._samples.clear()
        self._snapshot_counts.clear()
        self._snapshot_pnl.clear()

    def _on_timer(self, event: TimeEvent) -> None:
        self._take_sample(event.ts_event)

    def _take_sample(self, ts_ns: int) -> None:
        cash = self._cash()
        if cash is None:
            self.log.debug("No venue account yet, skipping equity sample")
            return
        marks: dict[InstrumentId, Decimal] = {}
        exposure = _ZERO
        for position in self.cache.positions_open(venue=self._venue):
            exposure += _signed_qty(position) * self._mark(position, marks)
        sample = EquitySample(
            ts_ns=ts_ns,
            equity=cash + exposure,
            pnl_by_strategy=self._pnl_by_strategy(marks),
        )
        if self._samples and self._samples[-1].ts_ns == ts_ns:
            # A stop at the same instant as a timer tick supersedes it (state may have moved)
            self._samples[-1] = sample
        else:
            self._samples.append(sample)

    def _cash(self) -> Decimal | None:
        account = self.portfolio.account(self._venue)
        if account is None:
            return None
        currency = self._currency or account.base_currency
        if currency is None:
            balances = account.balances_total()
            if len(balances) != 1:
                self.log.warning(f"Cannot choose a currency among {sorted(map(str, balances))}")
                return None
            currency = next(iter(balances))
        balance = account.balance_total(currency)
        return _ZERO if balance is None else balance.as_decimal()

    def _pnl_by_strategy(self, marks: dict[InstrumentId, Decimal]) -> dict[str, Decimal]:
        self._tally_snapshots()
        pnl: dict[str, Decimal] = {}
        for strategy_id in self.cache.strategy_ids():
            sid = strategy_id.value
            total = self._snapshot_pnl.get(sid, _ZERO)
            for position in self.cache.positions(venue=self._venue, strategy_id=strategy_id):
                total += _realized(position)
                if position.is_open:
                    mark = self._mark(position, marks)
                    total += _signed_qty(position) * (mark - _avg_px_open(position))
            pnl[sid] = total
        return pnl

    def _tally_snapshots(self) -> None:
        # Closed NETTING cycles live only as pickled snapshots; unpickle each one once
        for position_id in self.cache.position_snapshot_ids():
            known = self._snapshot_counts.get(position_id, 0)
            snapshots = self.cache.position_snapshots(position_id)
            for snapshot in snapshots[known:]:
                if snapshot.instrument_id.venue != self._venue:
                    continue
                sid = snapshot.strategy_id.value
                self._snapshot_pnl[sid] = self._snapshot_pnl.get(sid, _ZERO) + _realized(snapshot)
            self._snapshot_counts[position_id] = len(snapshots)

    def _mark(self, position: Position, marks: dict[InstrumentId, Decimal]) -> Decimal:
        instrument_id = position.instrument_id
        mark = marks.get(instrument_id)
        if mark is None:
            mark = market_mark(self.cache, instrument_id)
            if mark is None:
                mark = _avg_px_open(position)
            marks[instrument_id] = mark
        return mark


def _signed_qty(position: Position) -> Decimal:
    return position.signed_decimal_qty() * position.multiplier.as_decimal()


def _avg_px_open(position: Position) -> Decimal:
    # Nautilus keeps the average entry as a float; its shortest repr is the intended price
    return Decimal(repr(position.avg_px_open))


def _realized(position: Position) -> Decimal:
    pnl = position.realized_pnl
    return _ZERO if pnl is None else pnl.as_decimal()
