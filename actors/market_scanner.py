"""
Discover the tradable universe from the Gamma API and publish ``MarketInfo``/``MarketResolution``.

Every ``poll_interval_secs`` the actor lists active, open markets ending within the horizon,
looks up the current and next BTC up/down windows by event slug, and re-reads known markets
that left the listing (to catch their resolution). The HTTP calls run in an asyncio task on the
node's event loop, never inside a handler; the result comes back to the actor on that loop.

Pure decision core: ``actors.logic.market_scanner`` (no clock, no I/O).

Instruments first: with ``instrument_client_id`` set (live: "POLYMARKET") a ``MarketInfo`` is
held (``actors.logic.pending_markets``) until both token instruments are cached; missing ones
are requested through the data engine and the market is announced from ``on_instrument``.
1.221's Polymarket client answers requests only from its provider's memory, so the node sets
``set_instrument_loader(provider.load_ids_async)``; failed loads are retried next poll.

Node wiring hook: subscribing is not this actor's job. New markets
accumulate in ``pending_condition_ids``; the node drains them with
``take_pending_condition_ids()`` (e.g. feeding ``PolymarketInstrumentProvider.load_ids`` and
subscribing), or registers ``set_discovery_handler(fn)`` to be called on the loop thread with
each batch of new ``GammaMarket``s.
"""

import asyncio
from collections.abc import Awaitable
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from decimal import InvalidOperation
from typing import Any

from nautilus_trader.common.actor import Actor
from nautilus_trader.common.events import TimeEvent
from nautilus_trader.config import ActorConfig
from nautilus_trader.config import NonNegativeFloat
from nautilus_trader.config import NonNegativeInt
from nautilus_trader.config import PositiveFloat
from nautilus_trader.config import PositiveInt
from nautilus_trader.model.identifiers import ClientId
from nautilus_trader.model.identifiers import InstrumentId
from nautilus_trader.model.instruments import Instrument

from actors.data_types import market_info_data_type
from actors.data_types import market_resolution_data_type
from actors.logic.market_scanner import ScanDecision
from actors.logic.market_scanner import ScanFilters
from actors.logic.market_scanner import ScanResult
from actors.logic.market_scanner import decide_publications
from actors.logic.market_scanner import select_candidates
from actors.logic.pending_markets import PendingMarkets
from actors.logic.pending_markets import group_by_market
from adapters.errors import VenueError
from adapters.polymarket.gamma import DEFAULT_GAMMA_URL
from adapters.polymarket.gamma import GammaClient
from adapters.polymarket.gamma import updown_slugs
from adapters.polymarket.gamma_parsing import DEFAULT_FEE_RATE
from adapters.polymarket.gamma_parsing import GammaMarket
from adapters.polymarket.gamma_parsing import parse_gamma_markets
from adapters.polymarket.gamma_parsing import to_market_info
from adapters.polymarket.gamma_parsing import to_market_resolution

NANOS_PER_SECOND = 1_000_000_000
NANOS_PER_HOUR = 3_600 * NANOS_PER_SECOND


class MarketScannerActorConfig(ActorConfig, frozen=True):
    """
    Configuration for ``MarketScannerActor``.

    Parameters
    ----------
    gamma_url : str, default "https://gamma-api.polymarket.com"
        The Gamma API root (point it at a fake in tests and ``configs/local.yaml``).
    poll_interval_secs : PositiveInt, default 60
        The time between scans.
    horizon_hours : PositiveFloat, default 24.0
        Only markets ending within this many hours are listed (expiry-edge uses 4).
    min_volume_usd : NonNegativeFloat, default 0.0
        The least traded volume a listed market needs.
    min_liquidity_usd : NonNegativeFloat, default 0.0
        The least resting liquidity a listed market needs.
    default_fee_rate : str, default "0.07"
        The taker fee rate of fee-enabled markets without a ``feeSchedule`` (crypto rate).
    updown_prefixes : tuple[str, ...], default ("btc-updown-5m",)
        The 5-minute up/down event slug prefixes to roll (current and next window); these
        bypass the volume/liquidity filters.
    page_limit : PositiveInt, default 500
        The Gamma page size.
    max_retries : NonNegativeInt, default 5
        Retries of a throttled or failed read before the scan is abandoned until the next poll.
    timeout_secs : PositiveFloat, default 10.0
        The per-request HTTP timeout.
    instrument_client_id : str, optional
        When set, hold each ``MarketInfo`` until both token instruments are cached, requesting
        missing ones from this data client; when None, publish at once (no data engine).

    """

    gamma_url: str = DEFAULT_GAMMA_URL
    poll_interval_secs: PositiveInt = 60
    horizon_hours: PositiveFloat = 24.0
    min_volume_usd: NonNegativeFloat = 0.0
    min_liquidity_usd: NonNegativeFloat = 0.0
    default_fee_rate: str = DEFAULT_FEE_RATE
    updown_prefixes: tuple[str, ...] = ("btc-updown-5m",)
    page_limit: PositiveInt = 500
    max_retries: NonNegativeInt = 5
    timeout_secs: PositiveFloat = 10.0
    instrument_client_id: str | None = None

    def __post_init__(self) -> None:
        try:
            rate = Decimal(self.default_fee_rate)
        except InvalidOperation:
            raise ValueError(f"default_fee_rate not a decimal: {self.default_fee_rate!r}") from None
        if not rate.is_finite() or not 0 <= rate < 1:
            raise ValueError(f"default_fee_rate must be in [0, 1), was {self.default_fee_rate}")

    def filters(self) -> ScanFilters:
        """
        Return the universe filters of this configuration.
        """
        return ScanFilters(
            horizon_ns=int(self.horizon_hours * NANOS_PER_HOUR),
            min_volume_usd=self.min_volume_usd,
            min_liquidity_usd=self.min_liquidity_usd,
        )


class MarketScannerActor(Actor):
    """
    Poll Gamma for the universe and publish ``MarketInfo`` and ``MarketResolution``.

    Parameters
    ----------
    config : MarketScannerActorConfig
        The configuration.
    client : GammaClient, optional
        The Gamma client (tests inject one with a seeded jitter and no-op sleep).

    """

    def __init__(
        self,
        config: MarketScannerActorConfig,
        client: GammaClient | None = None,
    ) -> None:
        super().__init__(config)
        self._cfg = config
        self._client = client
        self._owns_client = client is None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task | None = None
        self._known: dict[str, tuple] = {}
        self._resolved: set[str] = set()
        self._pending: set[str] = set()
        self._on_discovered: Callable[[list[GammaMarket]], None] | None = None
        self._held: PendingMarkets[Any] = PendingMarkets()
        self._loader: Callable[[list[InstrumentId]], Awaitable[None]] | None = None
        self._load_task: asyncio.Task | None = None
        self.scan_count = 0
        self.scan_failures = 0
        self.skipped_rows = 0

    @property
    def pending_condition_ids(self) -> frozenset[str]:
        """
        Return the discovered condition ids the node has not taken yet.
        """
        return frozenset(self._pending)

    @property
    def resolved_condition_ids(self) -> frozenset[str]:
        """
        Return the condition ids whose resolution was published.
        """
        return frozenset(self._resolved)

    def take_pending_condition_ids(self) -> list[str]:
        """
        Return and clear the discovered condition ids (for instrument loading + subscribing).
        """
        taken = sorted(self._pending)
        self._pending.clear()
        return taken

    def set_discovery_handler(self, handler: Callable[[list[GammaMarket]], None]) -> None:
        """
        Register a callable run on the loop thread with each batch of new markets.
        """
        self._on_discovered = handler

    def set_instrument_loader(
        self,
        loader: Callable[[list[InstrumentId]], Awaitable[None]],
    ) -> None:
        """
        Register a coroutine function run before missing instruments are requested.
        """
        self._loader = loader

    @property
    def held_condition_ids(self) -> frozenset[str]:
        """
        Return the markets discovered but not announced yet (instruments not cached).
        """
        return self._held.condition_ids()

    def on_instrument(self, instrument: Instrument) -> None:
        self._release_held()

    def on_start(self) -> None:
        try:
            self._loop = asyncio.get_running_loop()
        except RuntimeError:
            self.log.error("MarketScannerActor needs a running event loop (live node only)")
            self.stop()
            return
        if self._client is None:
            self._client = GammaClient(
                base_url=self._cfg.gamma_url,
                timeout_secs=self._cfg.timeout_secs,
                max_retries=self._cfg.max_retries,
            )
        self.clock.set_timer(
            name="market_scanner_poll",
            interval=timedelta(seconds=self._cfg.poll_interval_secs),
            callback=self._on_poll_timer,
        )
        self._start_scan()

    def on_stop(self) -> None:
        if "market_scanner_poll" in self.clock.timer_names:
            self.clock.cancel_timer("market_scanner_poll")
        for task in (self._task, self._load_task):
            if task is not None and not task.done():
                task.cancel()
        if self._owns_client and self._client is not None and self._loop is not None:
            self._loop.create_task(self._client.close())
            self._client = None

    def _on_poll_timer(self, event: TimeEvent) -> None:
        if self._loop is None:
            return
        # Timers may fire off the loop thread; hop onto it before touching the task.
        self._loop.call_soon_threadsafe(self._start_scan)

    def _start_scan(self) -> None:
        if self._task is not None and not self._task.done():
            self.log.debug("Gamma scan still running; skipping this tick")
            return
        assert self._loop is not None  # noqa: S101 (set in on_start before any scan)
        self._task = self._loop.create_task(self._run_scan(self.clock.timestamp_ns()))
        self._task.add_done_callback(self._on_task_done)

    def _on_task_done(self, task: asyncio.Task) -> None:
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            self.log.error(f"Scanner task failed unexpectedly: {exc!r}")

    async def _run_scan(self, now_ns: int) -> None:
        try:
            result = await self._fetch(now_ns)
        except VenueError as e:
            self.scan_failures += 1
            self.log.warning(f"Gamma scan abandoned until next poll: {e}")
            return
        self._on_scan_result(result, now_ns)

    async def _fetch(self, now_ns: int) -> ScanResult:
        assert self._client is not None  # noqa: S101 (set in on_start)
        horizon_ns = int(self._cfg.horizon_hours * NANOS_PER_HOUR)
        rows = await self._client.fetch_open_markets(
            now_ns,
            now_ns + horizon_ns,
            page_limit=self._cfg.page_limit,
        )
        forced: set[str] = set()
        for prefix in self._cfg.updown_prefixes:
            for slug in updown_slugs(now_ns, prefix):
                event_rows = _event_market_rows(await self._client.fetch_event(slug))
                forced.update(str(r.get("conditionId")) for r in event_rows)
                rows.extend(event_rows)
        listed = {r.get("conditionId") for r in rows}
        missing = [cid for cid in self._known if cid not in listed]
        if missing:
            rows.extend(await self._client.fetch_markets_by_condition_ids(missing))
        return ScanResult(rows=rows, forced_ids=frozenset(forced))

    def _on_scan_result(self, result: ScanResult, now_ns: int) -> None:
        self.scan_count += 1
        report = parse_gamma_markets(result.rows, self._cfg.default_fee_rate)
        for skip in report.skipped:
            self.skipped_rows += 1
            self.log.warning(
                f"Skipped Gamma market {skip.market_id}: {skip.field_name}: {skip.reason}",
            )
        candidates = select_candidates(
            report.markets,
            now_ns,
            self._cfg.filters(),
            result.forced_ids,
            set(self._known),
        )
        decision = decide_publications(self._known, self._resolved, candidates)
        self._publish(decision, now_ns)

    def _publish(self, decision: ScanDecision, now_ns: int) -> None:
        discovered: list[GammaMarket] = []
        for market in decision.new_or_changed:
            if market.condition_id not in self._known:
                discovered.append(market)
                self._pending.add(market.condition_id)
            self._known[market.condition_id] = market.static_key()
            info = to_market_info(market, now_ns, self._ts())
            if self._cfg.instrument_client_id is None:
                self.publish_data(market_info_data_type(), info)
            else:
                self._held.hold(market.condition_id, _token_ids(market), info)
        for market in decision.resolved:
            resolution = to_market_resolution(market, now_ns, self._ts())
            if resolution is None:
                continue
            self._resolved.add(market.condition_id)
            self._known.pop(market.condition_id, None)
            self._pending.discard(market.condition_id)
            self._held.discard(market.condition_id)
            self.log.info(f"Market {market.condition_id} resolved: {market.winner()}")
            self.publish_data(market_resolution_data_type(), resolution)
        if discovered:
            self.log.info(f"Discovered {len(discovered)} new markets")
            if self._on_discovered is not None:
                self._on_discovered(discovered)
        self._release_held()
        self._load_missing()

    def _is_cached(self, instrument_id: str) -> bool:
        return self.cache.instrument(InstrumentId.from_str(instrument_id)) is not None

    def _release_held(self) -> None:
        for info in self._held.release(self._is_cached):
            self.publish_data(market_info_data_type(), info)

    def _load_missing(self) -> None:
        if self._load_task is not None and not self._load_task.done():
            return
        missing = [InstrumentId.from_str(i) for i in self._held.missing(self._is_cached)]
        if not missing or self._loop is None:
            return
        self._load_task = self._loop.create_task(self._load_and_request(missing))
        self._load_task.add_done_callback(self._on_task_done)

    async def _load_and_request(self, instrument_ids: list[InstrumentId]) -> None:
        loaded = await self._load(instrument_ids) if self._loader is not None else instrument_ids
        client_id = ClientId(str(self._cfg.instrument_client_id))
        for instrument_id in loaded:
            if self.is_running:
                self.request_instrument(instrument_id, client_id=client_id)

    async def _load(self, instrument_ids: list[InstrumentId]) -> list[InstrumentId]:
        assert self._loader is not None  # noqa: S101 (checked by the caller)
        try:
            await self._loader(instrument_ids)
            return instrument_ids
        except Exception as e:  # one bad market fails the batch: isolate it
            self.log.warning(f"Instrument batch load failed ({e!r}); loading per market")
        loaded: list[InstrumentId] = []
        for ids in group_by_market([i.value for i in instrument_ids]):
            batch = [InstrumentId.from_str(i) for i in ids]
            try:
                await self._loader(batch)
                loaded.extend(batch)
            except Exception as e:
                self.log.warning(f"Instrument load failed for {ids}, retry next poll: {e!r}")
        return loaded

    def _ts(self) -> int:
        return self.clock.timestamp_ns()


def _token_ids(market: GammaMarket) -> tuple[str, str]:
    return (market.yes_instrument_id, market.no_instrument_id)


def _event_market_rows(event: dict[str, Any] | None) -> list[dict[str, Any]]:
    if event is None:
        return []
    rows = []
    for market in event.get("markets") or []:
        if isinstance(market, dict):
            # Event-embedded markets omit their parent event; restore it for the event id.
            rows.append({"events": [{"id": event.get("id"), "slug": event.get("slug")}], **market})
    return rows
