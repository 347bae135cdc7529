"""
Portfolio risk monitor: halts trading through NautilusTrader's own RiskEngine.

``RiskMonitorActor`` watches account equity (cash plus positions marked to market), closed
positions, venue rejections, market-data feeds and the kill-switch file, feeds them to the
pure ``actors.logic.risk_state.RiskState`` and applies its decisions:

- the RiskEngine trading state (ACTIVE / REDUCING / HALTED), so the RiskEngine itself denies
  new orders (HALTED: every order; REDUCING: orders that would grow a position);
- on HALTED every working order on the venue is cancelled, on REDUCING every working BUY;
- on a kill switch that asks for it, every open position is closed by a reduce-only IOC
  market order owned by the position's strategy (sent to the ExecEngine directly, like the
  settlement module, because the halted RiskEngine would deny it);
- a ``RiskStatus`` on ``RISK_STATUS_TOPIC`` for strategies (size multiplier) and metrics.

Reaching the RiskEngine: NautilusTrader 1.221 gives an Actor no handle on it (the message bus
only routes SubmitOrder/SubmitOrderList/ModifyOrder to ``RiskEngine.execute``; the kernel's
``risk_engine`` property is visible only to the node). The node therefore registers
``RiskEngine.set_trading_state`` as the message-bus endpoint ``TRADING_STATE_ENDPOINT`` (see
``backtesting.risk_wiring.attach_risk_engine``) and this actor sends ``TradingState`` values
to it. Without that endpoint the actor refuses to start: a monitor that cannot halt must not
look as if it could. Each change is published by the RiskEngine as ``TradingStateChanged`` on
``events.risk``.

Every time comes from ``self.clock`` (simulated in backtests), never from wall time.
"""

import os
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from nautilus_trader.common.actor import Actor
from nautilus_trader.common.config import ActorConfig
from nautilus_trader.common.config import PositiveInt
from nautilus_trader.common.events import TimeEvent
from nautilus_trader.model.enums import OrderSide
from nautilus_trader.model.enums import OrderStatus
from nautilus_trader.model.enums import trading_state_from_str
from nautilus_trader.model.events import OrderCancelRejected
from nautilus_trader.model.events import OrderModifyRejected
from nautilus_trader.model.events import OrderRejected
from nautilus_trader.model.events import PositionClosed
from nautilus_trader.model.identifiers import ClientOrderId
from nautilus_trader.model.identifiers import Venue
from nautilus_trader.model.objects import Currency
from nautilus_trader.model.position import Position

from actors.kill_switch import KILL_FILE
from actors.kill_switch import KILL_SWITCH_TAG
from actors.kill_switch import RESUME_FILE
from actors.kill_switch import cancel_command
from actors.kill_switch import close_position_command
from actors.kill_switch import read_kill
from actors.kill_switch import take_resume
from actors.logic.risk_state import RiskState
from actors.logic.risk_types import DEFAULT_RESUME_SECS
from actors.logic.risk_types import HALTED
from actors.logic.risk_types import REDUCING
from actors.logic.risk_types import RISK_STATUS_TOPIC
from actors.logic.risk_types import HaltReason
from actors.logic.risk_types import MonitorLimits
from actors.logic.risk_types import RiskStatus
from actors.logic.risk_types import Transition
from actors.marks import position_mark

TRADING_STATE_ENDPOINT = "Polyedge.RiskEngine.set_trading_state"
EXEC_ENGINE_ENDPOINT = "ExecEngine.execute"
_TIMER_NAME = "RiskMonitor"
_VENUE_ERRORS = (OrderRejected, OrderCancelRejected, OrderModifyRejected)
_FEED_TOPICS = ("data.book.deltas.{venue}.*", "data.quotes.{venue}.*", "data.trades.{venue}.*")
_ZERO = Decimal(0)


class RiskMonitorActorConfig(ActorConfig, frozen=True):
    """
    Configuration for ``RiskMonitorActor`` (built from the YAML ``risk`` section).

    Parameters
    ----------
    venue : str, default "POLYMARKET"
        The venue whose account equity, positions and orders are watched.
    currency : str, optional
        The account currency; None uses the account's only currency (USDC.e).
    check_interval_secs : PositiveInt, default 1
        The timer interval: kill switch, feeds, equity and day/week roll-over are checked.
    max_drawdown : Decimal, default 0.05
        The drawdown from peak equity that halts.
    daily_loss : Decimal, default 0.025
        The loss since 00:00 UTC, as a fraction of that day's opening equity, that halts.
    weekly_loss : Decimal, default 0.05
        The loss since Monday 00:00 UTC, as a fraction of the week's opening equity, that halts.
    max_daily_loss_usdc : Decimal, optional
        An absolute daily loss that halts (deployment phase cap).
    max_consecutive_losses : PositiveInt, default 5
        Losing positions in a row that halt.
    stale_feed_secs : dict[str, PositiveInt], optional
        Venue (feed) → seconds without any book, quote or trade update that halt.
    max_venue_errors : PositiveInt, default 10
        Venue rejections within ``venue_error_window_secs`` that halt.
    venue_error_window_secs : PositiveInt, default 60
        The venue error window.
    reducing_at : Decimal, default 0.8
        The fraction of the drawdown or daily-loss limit at which trading turns REDUCING.
    size_steps : tuple[tuple[Decimal, Decimal], ...]
        (fraction of ``max_drawdown``, size multiplier) steps for drawdown-scaled sizing.
    resume_secs : dict[str, int | None], optional
        Per halt reason (``HaltReason`` name), the cooldown in seconds before an automatic
        resume, or None for a manual resume; unset reasons keep ``DEFAULT_RESUME_SECS``.
    kill_switch_dir : str, optional
        The kill-switch state directory (``actors.kill_switch``); None disables the file check.
    flatten_on_kill : bool, default False
        If the kill switch closes positions even when its flag does not ask to.

    """

    venue: str = "POLYMARKET"
    currency: str | None = None
    check_interval_secs: PositiveInt = 1
    max_drawdown: Decimal = Decimal("0.05")
    daily_loss: Decimal = Decimal("0.025")
    weekly_loss: Decimal = Decimal("0.05")
    max_daily_loss_usdc: Decimal | None = None
    max_consecutive_losses: PositiveInt = 5
    stale_feed_secs: dict[str, PositiveInt] | None = None
    max_venue_errors: PositiveInt = 10
    venue_error_window_secs: PositiveInt = 60
    reducing_at: Decimal = Decimal("0.8")
    size_steps: tuple[tuple[Decimal, Decimal], ...] = (
        (Decimal("0.10"), Decimal("0.75")),
        (Decimal("0.50"), Decimal("0.50")),
    )
    resume_secs: dict[str, int | None] | None = None
    kill_switch_dir: str | None = None
    flatten_on_kill: bool = False

    def __post_init__(self) -> None:
        for name in ("max_drawdown", "daily_loss", "weekly_loss", "reducing_at"):
            value = getattr(self, name)
            if not _ZERO < value <= 1:
                raise ValueError(f"{name} must be in (0, 1], was {value}")
        resume = self.resume_secs or {}
        unknown = sorted(set(resume) - {reason.value for reason in HaltReason})
        if unknown:
            raise ValueError(f"resume_secs: unknown halt reasons {unknown}")
        if any(secs is not None and secs < 0 for secs in resume.values()):
            raise ValueError(f"resume_secs must be >= 0 or null, was {resume}")

    def limits(self) -> MonitorLimits:
        """
        Return the thresholds for ``RiskState``.
        """
        resume = dict(DEFAULT_RESUME_SECS)
        resume.update({HaltReason(k): v for k, v in (self.resume_secs or {}).items()})
        return MonitorLimits(
            max_drawdown=self.max_drawdown,
            daily_loss=self.daily_loss,
            weekly_loss=self.weekly_loss,
            max_daily_loss_usdc=self.max_daily_loss_usdc,
            max_consecutive_losses=self.max_consecutive_losses,
            stale_feed_secs=dict(self.stale_feed_secs or {}),
            max_venue_errors=self.max_venue_errors,
            venue_error_window_secs=self.venue_error_window_secs,
            reducing_at=self.reducing_at,
            size_steps=tuple(self.size_steps),
            resume_secs=resume,
        )


class RiskMonitorActor(Actor):
    """
    Halt, reduce and resume trading through the RiskEngine from portfolio-level risk.

    Parameters
    ----------
    config : RiskMonitorActorConfig
        The actor configuration.

    """

    def __init__(self, config: RiskMonitorActorConfig) -> None:
        super().__init__(config)
        self._limits = config.limits()
        self._risk = RiskState(self._limits)
        self._venue = Venue(config.venue)
        self._currency = None if config.currency is None else Currency.from_str(config.currency)
        self._kill_dir = None if config.kill_switch_dir is None else Path(config.kill_switch_dir)
        self._kill_file = "" if self._kill_dir is None else str(self._kill_dir / KILL_FILE)
        self._resume_file = "" if self._kill_dir is None else str(self._kill_dir / RESUME_FILE)
        self._flatten_on_kill = config.flatten_on_kill
        self._interval = timedelta(seconds=config.check_interval_secs)
        self._transitions: list[Transition] = []
        self._applied_state = "ACTIVE"
        self._flatten_pending = False
        self._flatten_count = 0
        self._last_status: tuple | None = None
        self._subscriptions: list[tuple[str, object]] = []

    @property
    def transitions(self) -> list[Transition]:
        """
        Return every halt, resume and REDUCING change so far, oldest first.
        """
        return list(self._transitions)

    @property
    def trading_state(self) -> str:
        """
        Return the trading state this monitor last applied (ACTIVE, REDUCING or HALTED).
        """
        return self._applied_state

    def status(self) -> RiskStatus:
        """
        Return the current risk status.
        """
        return self._risk.status(self.clock.timestamp_ns())

    def on_start(self) -> None:
        """
        Check the RiskEngine endpoint, subscribe to feeds and events, start the timer.

        Raises
        ------
        RuntimeError
            If the node did not register ``TRADING_STATE_ENDPOINT``.

        """
        if TRADING_STATE_ENDPOINT not in self.msgbus.endpoints():
            raise RuntimeError(
                f"{TRADING_STATE_ENDPOINT} is not registered: the node must call "
                "backtesting.risk_wiring.attach_risk_engine(kernel) before it runs, "
                "otherwise this monitor cannot halt trading",
            )
        for feed in self._limits.stale_feed_secs:
            for pattern in _FEED_TOPICS:
                self._subscribe(pattern.format(venue=feed), self._feed_handler(feed))
        self._subscribe("events.order.*", self._on_order_event)
        self._subscribe("events.position.*", self._on_position_event)
        self.clock.set_timer(
            name=_TIMER_NAME,
            interval=self._interval,
            callback=self._on_timer,
            fire_immediately=True,
        )

    def on_stop(self) -> None:
        """
        Unsubscribe from the message bus (the timer is cancelled by the actor).
        """
        for topic, handler in self._subscriptions:
            self.msgbus.unsubscribe(topic=topic, handler=handler)
        self._subscriptions.clear()

    def on_reset(self) -> None:
        """
        Forget all risk state and transitions.
        """
        self._risk = RiskState(self._limits)
        self._transitions.clear()
        self._applied_state = "ACTIVE"
        self._last_status = None

    def _subscribe(self, topic: str, handler) -> None:
        self.msgbus.subscribe(topic=topic, handler=handler)
        self._subscriptions.append((topic, handler))

    def _feed_handler(self, feed: str):
        risk, clock = self._risk, self.clock

        def on_feed(_data: object) -> None:
            risk.on_feed(feed, clock.timestamp_ns())

        return on_feed

    def _on_timer(self, event: TimeEvent) -> None:
        self._check_kill_switch()
        self._evaluate(event.ts_event)

    def _on_order_event(self, event: object) -> None:
        if isinstance(event, _VENUE_ERRORS) and event.instrument_id.venue == self._venue:
            self.log.warning(f"Venue error: {event}")
            self._risk.on_venue_error(event.ts_event)
            self._evaluate(self.clock.timestamp_ns())

    def _on_position_event(self, event: object) -> None:
        if isinstance(event, PositionClosed) and event.instrument_id.venue == self._venue:
            self._risk.on_position_closed(event.realized_pnl.as_decimal())
            self._evaluate(self.clock.timestamp_ns())

    def _check_kill_switch(self) -> None:
        if self._kill_dir is None:
            return
        # A bare stat first: this runs every second, and the flags are almost never there.
        kill_present = os.path.exists(self._kill_file)
        if (
            not kill_present
            and not self._risk.kill_active
            and not os.path.exists(self._resume_file)
        ):
            return
        request = read_kill(self._kill_dir) if kill_present else None
        if request is not None and not self._risk.kill_active:
            self._risk.set_kill(True, f"kill switch: {request.reason}")
            self._flatten_pending = request.flatten or self._flatten_on_kill
        elif request is None and self._risk.kill_active:
            self._risk.set_kill(False)
        if take_resume(self._kill_dir):
            self.log.warning("Manual resume requested")
            self._risk.request_resume()

    def _evaluate(self, ts_ns: int) -> None:
        equity = self._equity()
        if equity is not None:
            self._risk.on_equity(ts_ns, equity)
        for transition in self._risk.evaluate(ts_ns):
            self._record(transition)
        self._apply_state(ts_ns)
        if self._flatten_pending and self._risk.state == HALTED:
            self._flatten_pending = False
            self._flatten(ts_ns)
        self._publish_status(ts_ns)

    def _record(self, transition: Transition) -> None:
        self._transitions.append(transition)
        message = f"Trading {transition.state}: {transition.reason}"
        message = f"{message} ({transition.detail})" if transition.detail else message
        if transition.state == HALTED:
            self.log.warning(message)
        else:
            self.log.info(message)

    def _apply_state(self, ts_ns: int) -> None:
        target = self._risk.state
        if target == self._applied_state:
            return
        self._applied_state = target
        self.msgbus.send(endpoint=TRADING_STATE_ENDPOINT, msg=trading_state_from_str(target))
        if target == HALTED:
            self._cancel_working_orders(ts_ns, buys_only=False)
        elif target == REDUCING:
            self._cancel_working_orders(ts_ns, buys_only=True)

    def _cancel_working_orders(self, ts_ns: int, buys_only: bool) -> None:
        side = OrderSide.BUY if buys_only else OrderSide.NO_ORDER_SIDE
        orders = self.cache.orders_open(venue=self._venue, side=side)
        orders += self.cache.orders_inflight(venue=self._venue, side=side)
        cancelled = 0
        for order in orders:
            if order.status != OrderStatus.PENDING_CANCEL:
                self.msgbus.send(endpoint=EXEC_ENGINE_ENDPOINT, msg=cancel_command(order, ts_ns))
                cancelled += 1
        if cancelled:
            self.log.warning(f"Cancelled {cancelled} working order(s) ({self._applied_state})")

    def _flatten(self, ts_ns: int) -> None:
        positions: list[Position] = self.cache.positions_open(venue=self._venue)
        for position in positions:
            self._flatten_count += 1
            client_order_id = ClientOrderId(f"O-KILL-{self._flatten_count}")
            command = close_position_command(position, client_order_id, KILL_SWITCH_TAG, ts_ns)
            self.msgbus.send(endpoint=EXEC_ENGINE_ENDPOINT, msg=command)
        self.log.warning(f"Kill switch: closing {len(positions)} position(s)")

    def _publish_status(self, ts_ns: int) -> None:
        key = self._risk.status_key()
        if key != self._last_status:
            self._last_status = key
            self.msgbus.publish(topic=RISK_STATUS_TOPIC, msg=self._risk.status(ts_ns))

    def _equity(self) -> Decimal | None:
        account = self.portfolio.account(self._venue)
        if account is None:
            return None
        currency = self._currency or account.base_currency
        if currency is None:
            balances = account.balances_total()
            if len(balances) != 1:
                return None
            currency = next(iter(balances))
        balance = account.balance_total(currency)
        equity = _ZERO if balance is None else balance.as_decimal()
        for position in self.cache.positions_open(venue=self._venue):
            equity += position.signed_decimal_qty() * position_mark(self.cache, position)
        return equity
