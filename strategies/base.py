"""
Shared base of every polyedge strategy: market metadata, resolutions and guarded submission.

``PolyedgeStrategy`` keeps the ``MarketInfo`` it receives (keyed by the market's YES token,
plus a token → market map), stops trading markets once their ``MarketResolution`` arrives,
and submits orders only through ``submit_guarded``, which runs the pure pre-trade gate
(``strategies.logic.risk_gate``: trading state, resolved market, tick/size grid and minimums,
no naked sells, price sanity, cooldown, exposure caps), logs and counts every refusal by
reason, and honours ``dry_run``.

Risk limits: ``PolyedgeStrategyConfig.risk`` is a frozen ``GateLimitsConfig``. The config
loader fills it from the YAML ``risk`` section (``configs.risk_schema``), so every strategy
gets the same limits and pydantic stays at the edge; without it the issue defaults apply. The
trading state comes from the RiskEngine's own ``TradingStateChanged`` events (``events.risk``)
and the drawdown size multiplier from the RiskMonitor's ``RiskStatus``.

Delivery of ``MarketInfo`` / ``MarketResolution``: ``DataType(T)`` without metadata has the
topic ``"T*"``, so the type-wide ``subscribe_data`` subscribes the pattern ``data.T*``. That
pattern matches both ``data.T*`` (``publish_data`` by the scanner) and
``data.T.POLYMARKET.<symbol>`` (the data engine's topic for catalog-replayed ``CustomData``
carrying an ``instrument_id``), so no extra wildcard subscription is needed
(nautilus_trader 1.221: ``model/data.pyx`` ``DataType.__init__``, ``common/actor.pyx``
``subscribe_data``, ``data/engine.pyx`` ``_get_custom_data_topic``).
"""

from collections import Counter
from decimal import Decimal

from nautilus_trader.common.events import TradingStateChanged
from nautilus_trader.config import StrategyConfig
from nautilus_trader.core.data import Data
from nautilus_trader.model.enums import OrderSide
from nautilus_trader.model.enums import trading_state_to_str
from nautilus_trader.model.identifiers import InstrumentId
from nautilus_trader.model.instruments import Instrument
from nautilus_trader.model.orders import Order
from nautilus_trader.trading.strategy import Strategy

from actors.data_types import MarketInfo
from actors.data_types import MarketResolution
from actors.data_types import market_info_data_type
from actors.data_types import market_resolution_data_type
from actors.logic.risk_types import RISK_STATUS_TOPIC
from actors.logic.risk_types import RiskStatus
from strategies import risk_view
from strategies.logic.risk_gate import POLYMARKET_SIZE_INCREMENT
from strategies.logic.risk_gate import GateContext
from strategies.logic.risk_gate import GateDecision
from strategies.logic.risk_gate import GateLimits
from strategies.logic.risk_gate import MarketRules
from strategies.logic.risk_gate import OrderIntent
from strategies.logic.risk_gate import Refusal
from strategies.logic.risk_gate import check_order
from strategies.logic.sizing import ONE
from strategies.logic.sizing import Exposure
from strategies.logic.sizing import buy_capacity
from strategies.logic.sizing import capped_buy_quantity
from strategies.logic.sizing import correlation_groups
from strategies.risk_view import GateLimitsConfig

RISK_EVENTS_TOPIC = "events.risk"


class PolyedgeStrategyConfig(StrategyConfig, frozen=True, kw_only=True):
    """
    The fields every polyedge strategy configuration shares.

    The fields are keyword-only, so a subclass may add required fields after them.

    Parameters
    ----------
    dry_run : bool, default False
        If True, log the orders that would be sent and submit none.
    risk : GateLimitsConfig, optional
        The pre-trade limits; the loader fills it from the ``risk`` section. None uses the
        defaults of ``GateLimitsConfig``.

    """

    dry_run: bool = False
    risk: GateLimitsConfig | None = None


class PolyedgeStrategy(Strategy):
    """
    Provide market metadata tracking and guarded order submission to polyedge strategies.

    Subclasses call ``submit_guarded`` instead of ``submit_order``; if they override
    ``on_start`` or ``on_data`` they call the base method first. Configurations normally
    derive from ``PolyedgeStrategyConfig``; any config with ``dry_run: bool`` is accepted
    (and then uses the default limits unless it has a ``risk`` field).

    Parameters
    ----------
    config : StrategyConfig
        The subclass configuration; it must have a ``dry_run: bool`` field.

    Raises
    ------
    TypeError
        If the configuration has no ``dry_run`` field.

    """

    def __init__(self, config: StrategyConfig) -> None:
        if not isinstance(getattr(config, "dry_run", None), bool):
            raise TypeError(f"{type(config).__name__} must define `dry_run: bool`")
        super().__init__(config)
        self.dry_run: bool = config.dry_run
        self.market_infos: dict[InstrumentId, MarketInfo] = {}
        self.token_markets: dict[InstrumentId, InstrumentId] = {}
        self.resolved_markets: set[InstrumentId] = set()
        risk: GateLimitsConfig | None = getattr(config, "risk", None)
        self.gate_limits: GateLimits = GateLimits() if risk is None else risk.to_limits()
        self.refusals: Counter[str] = Counter()
        self.trading_state: str = "ACTIVE"
        self.size_multiplier: Decimal = ONE
        self._last_buy_ns: dict[InstrumentId, int] = {}

    @property
    def refused_orders(self) -> int:
        """
        Return how many orders the gate refused (``refusals`` counts them by reason).
        """
        return sum(self.refusals.values())

    def on_start(self) -> None:
        """
        Subscribe to ``MarketInfo``, ``MarketResolution``, trading state and risk status.
        """
        self.subscribe_data(market_info_data_type())
        self.subscribe_data(market_resolution_data_type())
        self.msgbus.subscribe(topic=RISK_EVENTS_TOPIC, handler=self._on_risk_event)
        self.msgbus.subscribe(topic=RISK_STATUS_TOPIC, handler=self._on_risk_status)

    def on_data(self, data: Data) -> None:
        """
        Route ``MarketInfo`` and ``MarketResolution`` to their handlers.
        """
        if isinstance(data, MarketInfo):
            self._on_market_info(data)
        elif isinstance(data, MarketResolution):
            self._on_market_resolution(data)

    def on_market_info(self, info: MarketInfo) -> None:
        """
        React to a new or updated ``MarketInfo`` (already stored); override in subclasses.
        """

    def on_market_resolved(self, resolution: MarketResolution) -> None:
        """
        React to a market resolution (already recorded); override in subclasses.
        """

    def market_of(self, instrument_id: InstrumentId) -> MarketInfo | None:
        """
        Return the ``MarketInfo`` of the market that ``instrument_id`` (either token) belongs to.
        """
        market_id = self.token_markets.get(instrument_id)
        return None if market_id is None else self.market_infos.get(market_id)

    def is_resolved(self, instrument_id: InstrumentId) -> bool:
        """
        Return whether the market of ``instrument_id`` (either token) has resolved.
        """
        market_id = self.token_markets.get(instrument_id, instrument_id)
        return market_id in self.resolved_markets

    def submit_guarded(self, order: Order, probability: Decimal | None = None) -> bool:
        """
        Submit ``order`` if the pre-trade gate allows it and the strategy does not run dry.

        A refused order is logged with its reason, counted in ``refusals`` and never
        submitted. In dry run the order is logged and not submitted.

        Parameters
        ----------
        order : Order
            The order to submit.
        probability : Decimal, optional
            The strategy's estimate that the token pays 1 (checked for an implausible edge).

        Returns
        -------
        bool
            True if the order was submitted.

        """
        decision = self.check_risk(order, probability)
        if decision.reason is not None:
            self.refusals[decision.reason.value] += 1
            self.log.warning(f"Refused {order}: {decision.reason.value}: {decision.detail}")
            return False
        if self.dry_run:
            self.log.info(f"DRY RUN, would submit {order}")
            return False
        self.submit_order(order)
        if order.side == OrderSide.BUY:
            self._last_buy_ns[self._market_key(order.instrument_id)] = self.clock.timestamp_ns()
        return True

    def refusal_reason(self, order: Order) -> str | None:
        """
        Return why ``order`` must not be sent, or ``None`` if it may be.
        """
        decision = self.check_risk(order)
        return None if decision.reason is None else f"{decision.reason.value}: {decision.detail}"

    def check_risk(self, order: Order, probability: Decimal | None = None) -> GateDecision:
        """
        Return the pre-trade gate's decision on ``order`` in the current state.
        """
        instrument = self.cache.instrument(order.instrument_id)
        if instrument is None:
            return GateDecision(Refusal.INVALID_ORDER, f"instrument {order.instrument_id} unknown")
        price = order.price.as_decimal() if order.has_price else None
        touch = risk_view.touch_price(self.cache, instrument.id, order.side)
        price = touch if price is None else price
        if price is None:
            return GateDecision(Refusal.NO_REFERENCE_PRICE, "market order without a book")
        intent = OrderIntent(
            side="BUY" if order.side == OrderSide.BUY else "SELL",
            price=price,
            quantity=order.quantity.as_decimal(),
            marketable=not order.has_price or risk_view.is_marketable(price, touch, order.side),
            probability=probability,
        )
        return check_order(
            intent, self._market_rules(instrument), self._context(instrument), self.gate_limits
        )

    def risk_capped_quantity(
        self,
        instrument: Instrument,
        price: Decimal,
        quantity: Decimal,
    ) -> Decimal:
        """
        Return the BUY quantity that fits the risk limits: scaled, capped, on the size grid.

        ``quantity`` is scaled by the drawdown size multiplier, then cut to the remaining
        capacity (single order, market, total and correlated-group caps). Returns 0 when that
        leaves less than the minimum size.
        """
        exposure = self._exposure(instrument)
        capacity = buy_capacity(self.gate_limits.exposure, exposure, self.size_multiplier)
        rules = self._market_rules(instrument)
        scaled = quantity * self.size_multiplier
        return capped_buy_quantity(scaled, price, capacity, rules.size_increment, rules.min_size)

    def held_quantity(self, instrument_id: InstrumentId) -> Decimal:
        """
        Return this strategy's signed net position in ``instrument_id`` (positive when long).
        """
        positions = self.cache.positions_open(instrument_id=instrument_id, strategy_id=self.id)
        return sum((p.signed_decimal_qty() for p in positions), Decimal(0))

    def open_sell_quantity(self, instrument_id: InstrumentId) -> Decimal:
        """
        Return the leaves quantity of this strategy's working SELL orders in ``instrument_id``.

        Working means not closed: initialized, in flight, accepted or partially filled.
        """
        orders = self.cache.orders(
            instrument_id=instrument_id,
            strategy_id=self.id,
            side=OrderSide.SELL,
        )
        return sum((o.leaves_qty.as_decimal() for o in orders if not o.is_closed), Decimal(0))

    def _on_market_info(self, info: MarketInfo) -> None:
        market_id = info.instrument_id
        self.market_infos[market_id] = info
        for token_id in info.token_ids():
            self.token_markets[token_id] = market_id
        self.on_market_info(info)

    def _on_market_resolution(self, resolution: MarketResolution) -> None:
        market_id = resolution.instrument_id
        if market_id in self.resolved_markets:
            return
        self.resolved_markets.add(market_id)
        for token_id in resolution.payouts():
            self.token_markets.setdefault(token_id, market_id)
            if self.cache.orders_open(instrument_id=token_id, strategy_id=self.id):
                self.cancel_all_orders(token_id)
        self.log.info(f"Market {resolution.condition_id} resolved, stopped trading it")
        self.on_market_resolved(resolution)

    def _on_risk_event(self, event: object) -> None:
        if isinstance(event, TradingStateChanged):
            self.trading_state = trading_state_to_str(event.state)
            self.log.info(f"Trading state {self.trading_state}")

    def _on_risk_status(self, status: object) -> None:
        if isinstance(status, RiskStatus):
            self.size_multiplier = status.size_multiplier

    def _market_key(self, instrument_id: InstrumentId) -> InstrumentId:
        return self.token_markets.get(instrument_id, instrument_id)

    def _market_and_groups(self, instrument_id: InstrumentId) -> tuple[str, tuple[str, ...]]:
        market_id = self._market_key(instrument_id)
        info = self.market_infos.get(market_id)
        if info is None:
            return market_id.value, ()
        categories = self.gate_limits.same_source_categories
        return market_id.value, correlation_groups(
            info.event_id, info.category, info.end_ns, categories
        )

    def _market_rules(self, instrument: Instrument) -> MarketRules:
        info = self.market_of(instrument.id)
        min_size = Decimal(info.min_order_size) if info is not None else Decimal(5)
        if instrument.min_quantity is not None:
            min_size = max(min_size, instrument.min_quantity.as_decimal())
        return MarketRules(
            tick=instrument.price_increment.as_decimal(),
            size_increment=max(instrument.size_increment.as_decimal(), POLYMARKET_SIZE_INCREMENT),
            min_size=min_size,
            resolved=self.is_resolved(instrument.id),
        )

    def _exposure(self, instrument: Instrument) -> Exposure:
        venue = instrument.id.venue
        book = risk_view.venue_exposure(self.cache, venue, self._market_and_groups)
        equity = risk_view.equity(self.portfolio, self.cache, venue, instrument.quote_currency)
        market, groups = self._market_and_groups(instrument.id)
        return Exposure(
            equity=Decimal(0) if equity is None else equity,
            market=book.by_market.get(market, Decimal(0)),
            total=book.total,
            groups={group: book.by_group.get(group, Decimal(0)) for group in groups},
        )

    def _context(self, instrument: Instrument) -> GateContext:
        return GateContext(
            now_ns=self.clock.timestamp_ns(),
            exposure=self._exposure(instrument),
            held=self.held_quantity(instrument.id),
            open_sells=self.open_sell_quantity(instrument.id),
            mid=risk_view.reference_price(self.cache, instrument.id),
            last_buy_ns=self._last_buy_ns.get(self._market_key(instrument.id)),
            trading_state=self.trading_state,
            size_multiplier=self.size_multiplier,
        )
