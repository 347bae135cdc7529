"""
Prometheus metrics of a polyedge node: data flow, risk state, orders, PnL and equity.

``MetricsActor`` only listens: it subscribes to message-bus topics and never sends commands.
Every actor instance owns its own ``CollectorRegistry`` (never the process-wide default), so
tests and several nodes in one process do not collide. With ``port > 0`` it serves
``/metrics`` over HTTP from ``on_start`` to ``on_stop``; ``port: 0`` (backtests) serves nothing
and the registry is read directly.

Metrics and their sources:

- ``polyedge_data_messages_total{venue,type}``: wildcard subscriptions on the data engine's
  topics ``data.book.deltas.*`` (one per published ``OrderBookDeltas`` batch), ``data.trades.*``
  and ``data.quotes.*``.
  The handlers must be subscribed before data flows: 1.221's ``MessageBus.subscribe`` calls
  ``is_matching`` with its arguments swapped, so a wildcard added after a topic was already
  published to other subscribers is never attached to it. The trader starts actors before
  strategies subscribe, which is in time; a stop/start of this actor mid-run is not.
  Overhead measured on the bus: about 0.4 us per message (0.8 us with a Counter.inc).
- ``polyedge_data_last_message_age_seconds{venue}``: clock time minus the ``ts_init`` of the
  venue's last message, refreshed on the timer.
- ``polyedge_feed_shards{venue}`` / ``polyedge_feed_subscribed_tokens{venue}``: an actor has
  no handle on the data engine's clients in 1.221, so the live node wiring calls
  ``set_feed_stats`` with ``PolyedgeDataClient.shard_count`` and ``sum(shard_token_counts())``.
  Until then the gauges have no samples (no invented numbers).
- ``polyedge_risk_trading_state``: 0/1/2 for ACTIVE/REDUCING/HALTED, from the RiskEngine's
  ``TradingStateChanged`` on ``events.risk`` and ``RiskStatus`` on ``polyedge.risk.status``.
- ``polyedge_risk_halts_total{reason}``: each halt reason that appears in a ``RiskStatus``.
- ``polyedge_kill_switch``: 1 while the ``KILL`` flag exists (when ``kill_switch_dir`` is
  set, checked on the timer) or while a ``RiskStatus`` lists the KILL_SWITCH halt.
- ``polyedge_orders_{submitted,filled,denied,rejected}_total{strategy}``: order events on
  ``events.order.*`` (filled counts fill events, so partial fills count each).
- ``polyedge_realized_pnl{strategy,currency}``: position events on ``events.position.*``.
- ``polyedge_equity{venue,currency}``: account cash plus open positions marked to the book mid
  (else the last trade, else the average entry), on the timer.
"""

from datetime import timedelta
from decimal import Decimal
from threading import Thread
from wsgiref.simple_server import WSGIServer

from nautilus_trader.common.actor import Actor
from nautilus_trader.common.config import ActorConfig
from nautilus_trader.common.config import NonNegativeInt
from nautilus_trader.common.config import PositiveInt
from nautilus_trader.common.events import TimeEvent
from nautilus_trader.common.messages import TradingStateChanged
from nautilus_trader.model.enums import trading_state_to_str
from nautilus_trader.model.events import OrderDenied
from nautilus_trader.model.events import OrderFilled
from nautilus_trader.model.events import OrderRejected
from nautilus_trader.model.events import OrderSubmitted
from nautilus_trader.model.events import PositionEvent
from nautilus_trader.model.events import PositionOpened
from nautilus_trader.model.identifiers import InstrumentId
from nautilus_trader.model.identifiers import Venue
from prometheus_client import CollectorRegistry
from prometheus_client import Counter
from prometheus_client import Gauge
from prometheus_client import start_http_server
from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector

from actors.kill_switch import read_kill
from actors.logic.metrics import RealizedPnl
from actors.logic.metrics import age_secs
from actors.logic.metrics import new_halts
from actors.logic.metrics import trading_state_value
from actors.logic.risk_types import RISK_STATUS_TOPIC
from actors.logic.risk_types import HaltReason
from actors.logic.risk_types import RiskStatus
from actors.marks import position_mark

_TIMER_NAME = "MetricsActor"
_DATA_TOPICS = {
    "book_deltas": "data.book.deltas.*",
    "trades": "data.trades.*",
    "quotes": "data.quotes.*",
}
_ORDER_KINDS = {
    OrderSubmitted: "submitted",
    OrderFilled: "filled",
    OrderDenied: "denied",
    OrderRejected: "rejected",
}
_ZERO = Decimal(0)


class _DataFlow(Collector):
    # The hot path only bumps a plain int per instrument (a prometheus Counter.inc takes a
    # lock and costs ~0.8 us per message); the venue totals are summed at scrape time.
    def __init__(self) -> None:
        self.last_ns: dict[str, int] = {}
        self._by_kind: dict[str, dict[InstrumentId, list]] = {}

    def handler(self, kind: str):
        entries: dict[InstrumentId, list] = self._by_kind.setdefault(kind, {})
        last_ns = self.last_ns

        def handle(data) -> None:
            instrument_id = data.instrument_id
            entry = entries.get(instrument_id)
            if entry is None:
                entry = entries[instrument_id] = [0, instrument_id.venue.value]
            entry[0] += 1
            last_ns[entry[1]] = data.ts_init

        return handle

    def collect(self):
        family = CounterMetricFamily(
            "polyedge_data_messages", "Data messages by venue and type", labels=["venue", "type"]
        )
        totals: dict[tuple[str, str], int] = {}
        for kind, entries in list(self._by_kind.items()):
            for count, venue in list(entries.values()):
                totals[(venue, kind)] = totals.get((venue, kind), 0) + count
        for (venue, kind), total in totals.items():
            family.add_metric([venue, kind], total)
        yield family


class MetricsActorConfig(ActorConfig, frozen=True):
    """
    Configuration for ``MetricsActor``.

    Parameters
    ----------
    port : NonNegativeInt, default 0
        The HTTP port serving ``/metrics``; 0 starts no server (backtests).
    addr : str, default "127.0.0.1"
        The address the HTTP server binds.
    update_interval_secs : PositiveInt, default 5
        The timer interval: message ages, equity and the kill-switch flag are refreshed.
    equity_venue : str, default "POLYMARKET"
        The venue whose account cash and open positions make up ``polyedge_equity``.
    kill_switch_dir : str, optional
        The kill-switch state directory (``actors.kill_switch``); None follows ``RiskStatus``
        only.

    """

    port: NonNegativeInt = 0
    addr: str = "127.0.0.1"
    update_interval_secs: PositiveInt = 5
    equity_venue: str = "POLYMARKET"
    kill_switch_dir: str | None = None


class MetricsActor(Actor):
    """
    Export node metrics to a dedicated Prometheus registry, served over HTTP when configured.

    Parameters
    ----------
    config : MetricsActorConfig
        The configuration.

    """

    def __init__(self, config: MetricsActorConfig) -> None:
        super().__init__(config)
        self.registry = CollectorRegistry(auto_describe=True)
        self._venue = Venue(config.equity_venue)
        self._server: tuple[WSGIServer, Thread] | None = None
        self._subscriptions: list[tuple[str, object]] = []
        self._flow = _DataFlow()
        self._halts: tuple[str, ...] = ()
        self._status_kill = False
        self._pnl = RealizedPnl()
        self._build_metrics()

    def _build_metrics(self) -> None:
        reg = self.registry
        reg.register(self._flow)
        self._age = Gauge(
            "polyedge_data_last_message_age_seconds",
            "Age of a venue's last message",
            ["venue"],
            registry=reg,
        )
        self._shards = Gauge("polyedge_feed_shards", "Feed connections", ["venue"], registry=reg)
        self._tokens = Gauge(
            "polyedge_feed_subscribed_tokens", "Subscribed tokens", ["venue"], registry=reg
        )
        self._state = Gauge(
            "polyedge_risk_trading_state", "0 ACTIVE, 1 REDUCING, 2 HALTED", registry=reg
        )
        self._halts_total = Counter(
            "polyedge_risk_halts", "Halts by reason", ["reason"], registry=reg
        )
        self._kill = Gauge("polyedge_kill_switch", "1 while the kill switch is on", registry=reg)
        self._orders = {
            kind: Counter(f"polyedge_orders_{kind}", f"Orders {kind}", ["strategy"], registry=reg)
            for kind in _ORDER_KINDS.values()
        }
        self._realized = Gauge(
            "polyedge_realized_pnl", "Realized PnL", ["strategy", "currency"], registry=reg
        )
        self._equity_gauge = Gauge(
            "polyedge_equity",
            "Account equity marked to market",
            ["venue", "currency"],
            registry=reg,
        )

    def set_feed_stats(self, shards: int, tokens: int, venue: str = "POLYMARKET") -> None:
        """
        Set the feed gauges (called by the live node wiring from the data client).

        Parameters
        ----------
        shards : int
            The number of WebSocket connections (``PolyedgeDataClient.shard_count``).
        tokens : int
            The subscribed tokens (``sum(PolyedgeDataClient.shard_token_counts())``).
        venue : str, default "POLYMARKET"
            The feed's venue label.

        """
        self._shards.labels(venue=venue).set(shards)
        self._tokens.labels(venue=venue).set(tokens)

    def on_start(self) -> None:
        """
        Subscribe to data, risk and execution topics, start the timer and the HTTP server.
        """
        for kind, topic in _DATA_TOPICS.items():
            self._subscribe(topic, self._flow.handler(kind))
        self._subscribe("events.risk", self._on_trading_state)
        self._subscribe(RISK_STATUS_TOPIC, self._on_risk_status)
        self._subscribe("events.order.*", self._on_order_event)
        self._subscribe("events.position.*", self._on_position_event)
        self.clock.set_timer(
            _TIMER_NAME,
            timedelta(seconds=self.config.update_interval_secs),
            callback=self._on_timer,
        )
        if self.config.port > 0:
            self._server = start_http_server(
                self.config.port, addr=self.config.addr, registry=self.registry
            )
            self.log.info(f"Serving metrics on http://{self.config.addr}:{self.config.port}")

    def on_stop(self) -> None:
        """
        Unsubscribe, refresh the gauges a last time and stop the HTTP server.
        """
        for topic, handler in self._subscriptions:
            self.msgbus.unsubscribe(topic=topic, handler=handler)
        self._subscriptions.clear()
        self._refresh(self.clock.timestamp_ns())
        self._stop_server()

    def on_dispose(self) -> None:
        """
        Stop the HTTP server if it still runs.
        """
        self._stop_server()

    def _stop_server(self) -> None:
        if self._server is None:
            return
        server, thread = self._server
        self._server = None
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    def _subscribe(self, topic: str, handler) -> None:
        self.msgbus.subscribe(topic=topic, handler=handler)
        self._subscriptions.append((topic, handler))

    def _on_trading_state(self, event) -> None:
        if isinstance(event, TradingStateChanged):
            self._state.set(trading_state_value(trading_state_to_str(event.state)))

    def _on_risk_status(self, status: RiskStatus) -> None:
        self._state.set(trading_state_value(status.state))
        for reason in new_halts(self._halts, status.halts):
            self._halts_total.labels(reason=reason).inc()
        self._halts = status.halts
        self._status_kill = HaltReason.KILL_SWITCH.value in status.halts
        self._kill.set(1 if self._status_kill else 0)

    def _on_order_event(self, event) -> None:
        kind = _ORDER_KINDS.get(type(event))
        if kind is not None:
            self._orders[kind].labels(strategy=event.strategy_id.value).inc()

    def _on_position_event(self, event: PositionEvent) -> None:
        pnl = event.realized_pnl
        if pnl is None:
            return
        currency = pnl.currency.code
        total = self._pnl.update(
            event.position_id.value,
            (event.strategy_id.value, currency),
            pnl.as_decimal(),
            isinstance(event, PositionOpened),
        )
        self._realized.labels(strategy=event.strategy_id.value, currency=currency).set(float(total))

    def _on_timer(self, event: TimeEvent) -> None:
        self._refresh(event.ts_event)

    def _refresh(self, now_ns: int) -> None:
        for venue, last in list(self._flow.last_ns.items()):
            self._age.labels(venue=venue).set(age_secs(now_ns, last))
        self._refresh_equity()
        if self.config.kill_switch_dir is not None:
            on = read_kill(self.config.kill_switch_dir) is not None
            self._kill.set(1 if on or self._status_kill else 0)

    def _refresh_equity(self) -> None:
        account = self.portfolio.account(self._venue)
        if account is None:
            self.log.debug(f"No {self._venue} account yet: equity not exported")
            return
        balances = account.balances_total()
        currency = account.base_currency
        if currency is None:
            if len(balances) != 1:
                self.log.warning(f"Cannot choose a currency among {sorted(map(str, balances))}")
                return
            currency = next(iter(balances))
        balance = account.balance_total(currency)
        equity = _ZERO if balance is None else balance.as_decimal()
        for position in self.cache.positions_open(venue=self._venue):
            equity += position.signed_decimal_qty() * position_mark(self.cache, position)
        self._equity_gauge.labels(venue=self._venue.value, currency=currency.code).set(
            float(equity)
        )
