"""
Shared base of every polyedge strategy: market metadata, resolutions and guarded submission.

``PolyedgeStrategy`` keeps the ``MarketInfo`` it receives (keyed by the market's YES token,
plus a token → market map), stops trading markets once their ``MarketResolution`` arrives,
and submits orders only through ``submit_guarded``, which refuses what Polymarket cannot do
(a SELL not covered by tokens held, any order in a resolved market) and honours ``dry_run``.

Delivery of ``MarketInfo`` / ``MarketResolution``: ``DataType(T)`` without metadata has the
topic ``"T*"``, so the type-wide ``subscribe_data`` subscribes the pattern ``data.T*``. That
pattern matches both ``data.T*`` (``publish_data`` by the scanner) and
``data.T.POLYMARKET.<symbol>`` (the data engine's topic for catalog-replayed ``CustomData``
carrying an ``instrument_id``), so no extra wildcard subscription is needed
(nautilus_trader 1.221: ``model/data.pyx`` ``DataType.__init__``, ``common/actor.pyx``
``subscribe_data``, ``data/engine.pyx`` ``_get_custom_data_topic``).
"""

from decimal import Decimal

from nautilus_trader.config import StrategyConfig
from nautilus_trader.core.data import Data
from nautilus_trader.model.enums import OrderSide
from nautilus_trader.model.identifiers import InstrumentId
from nautilus_trader.model.orders import Order
from nautilus_trader.trading.strategy import Strategy

from actors.data_types import MarketInfo
from actors.data_types import MarketResolution
from actors.data_types import market_info_data_type
from actors.data_types import market_resolution_data_type
from strategies.logic.guards import sell_allowed


class PolyedgeStrategy(Strategy):
    """
    Provide market metadata tracking and guarded order submission to polyedge strategies.

    Subclasses call ``submit_guarded`` instead of ``submit_order``; if they override
    ``on_start`` or ``on_data`` they call the base method first.

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
        self.refused_orders: int = 0

    def on_start(self) -> None:
        """
        Subscribe type-wide to ``MarketInfo`` and ``MarketResolution``.
        """
        self.subscribe_data(market_info_data_type())
        self.subscribe_data(market_resolution_data_type())

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

    def submit_guarded(self, order: Order) -> bool:
        """
        Submit ``order`` unless a Polymarket rule forbids it or the strategy runs dry.

        A refused order is logged with its reason, counted in ``refused_orders`` and never
        submitted. In dry run the order is logged and not submitted.

        Parameters
        ----------
        order : Order
            The order to submit.

        Returns
        -------
        bool
            True if the order was submitted.

        """
        reason = self.refusal_reason(order)
        if reason is not None:
            self.refused_orders += 1
            self.log.warning(f"Refused {order}: {reason}")
            return False
        if self.dry_run:
            self.log.info(f"DRY RUN, would submit {order}")
            return False
        self.submit_order(order)
        return True

    def refusal_reason(self, order: Order) -> str | None:
        """
        Return why ``order`` must not be sent, or ``None`` if it may be.
        """
        if self.is_resolved(order.instrument_id):
            return "market resolved"
        if order.side != OrderSide.SELL:
            return None
        held = self.held_quantity(order.instrument_id)
        open_sells = self.open_sell_quantity(order.instrument_id)
        if not sell_allowed(held, open_sells, order.quantity.as_decimal()):
            return (
                f"naked sell: held {held}, open sells {open_sells}, "
                f"sell {order.quantity} (Polymarket cannot short)"
            )
        return None

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
