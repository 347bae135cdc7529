"""
Loopback fake of the Polymarket market-channel WebSocket (aiohttp, 127.0.0.1, ephemeral port
unless ``port`` is given).

Speaks the real protocol: a client connects to ``/market`` (or ``/ws/market``, the real venue's
path) and sends
``{"type": "market", "assets_ids": [...]}``; the fake replies with one JSON array holding a
``book`` message per token (every number a JSON string, bids ascending and asks descending,
best last), then the test drives ``price_change`` and ``last_trade_price`` messages. Faults:
a malformed frame, a dropped connection. It counts connections and subscriptions.

Point ``PolymarketDataClientConfig.base_url_ws`` at ``fake.base_url_ws`` (trailing slash: the
client appends ``market``).
"""

import json

from aiohttp import WSMsgType
from aiohttp import web

from adapters.fakes import serve_loopback

UNKNOWN_MARKET = "0x" + "00" * 32
BOOK_BIDS = (("0.47", "300"), ("0.48", "200"), ("0.49", "100"))
BOOK_ASKS = (("0.53", "300"), ("0.52", "200"), ("0.51", "100"))


Levels = tuple[tuple[str, str], ...]


def _levels(levels: Levels) -> list[dict[str, str]]:
    return [{"price": price, "size": size} for price, size in levels]


class FakePolymarketMarketWs:
    """
    Fake market channel; ``register`` maps tokens to their condition id before subscribing.
    """

    def __init__(self, port: int = 0) -> None:
        self._token_market: dict[str, str] = {}
        self._token_books: dict[str, tuple[Levels, Levels]] = {}
        self._runner: web.AppRunner | None = None
        self._sockets: list[web.WebSocketResponse] = []
        self._socket_assets: dict[int, list[str]] = {}
        self._ts_ms = 1_750_000_000_000
        self.port: int | None = port
        self.connections = 0
        self.subscriptions: list[list[str]] = []
        self.books_sent = 0

    @property
    def base_url_ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}/"

    @property
    def open_connections(self) -> int:
        return sum(1 for ws in self._sockets if not ws.closed)

    def register(self, condition_id: str, token_ids: list[str]) -> None:
        for token_id in token_ids:
            self._token_market[token_id] = condition_id

    def set_book(self, token_id: str, bids: Levels, asks: Levels) -> None:
        """
        Serve ``bids`` (ascending) and ``asks`` (descending) as `token_id`'s book snapshot
        instead of the default 0.49/0.51 book.
        """
        self._token_books[token_id] = (bids, asks)

    def subscribed_tokens(self) -> set[str]:
        return {token for assets in self.subscriptions for token in assets}

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/market", self._handle)
        app.router.add_get("/ws/market", self._handle)  # the real venue's path
        self._runner, self.port = await serve_loopback(app, self.port)

    async def stop(self) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # -- Protocol ----------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        self.connections += 1
        self._sockets.append(ws)
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                await self._on_text(ws, msg.data)
        self._sockets.remove(ws)
        self._socket_assets.pop(id(ws), None)
        return ws

    async def _on_text(self, ws: web.WebSocketResponse, data: str) -> None:
        try:
            payload = json.loads(data)
        except ValueError:
            return
        if not isinstance(payload, dict) or payload.get("type") != "market":
            return
        assets = [str(asset) for asset in payload.get("assets_ids", [])]
        self.subscriptions.append(assets)
        self._socket_assets[id(ws)] = assets
        if assets:
            books = [self.book_message(token) for token in assets]
            self.books_sent += len(books)
            await ws.send_str(json.dumps(books))

    def _next_ts(self) -> str:
        self._ts_ms += 1
        return str(self._ts_ms)

    def book_message(self, token_id: str) -> dict:
        bids, asks = self._token_books.get(token_id, (BOOK_BIDS, BOOK_ASKS))
        return {
            "event_type": "book",
            "asset_id": token_id,
            "market": self._token_market.get(token_id, UNKNOWN_MARKET),
            "bids": _levels(bids),
            "asks": _levels(asks),
            "hash": "0" * 40,
            "timestamp": self._next_ts(),
        }

    def price_change_message(self, token_id: str, price: str, size: str, side: str) -> dict:
        change = {
            "asset_id": token_id,
            "price": price,
            "side": side,
            "size": size,
            "hash": "0" * 40,
            "best_bid": BOOK_BIDS[-1][0],
            "best_ask": BOOK_ASKS[-1][0],
        }
        return {
            "market": self._token_market.get(token_id, UNKNOWN_MARKET),
            "price_changes": [change],
            "event_type": "price_change",
            "timestamp": self._next_ts(),
        }

    def last_trade_message(self, token_id: str, price: str, size: str, side: str) -> dict:
        return {
            "asset_id": token_id,
            "event_type": "last_trade_price",
            "fee_rate_bps": "0",
            "market": self._token_market.get(token_id, UNKNOWN_MARKET),
            "price": price,
            "side": side,
            "size": size,
            "timestamp": self._next_ts(),
        }

    # -- Driving -----------------------------------------------------------------------------

    async def send(self, token_id: str, message: dict) -> int:
        """
        Send ``message`` on every open connection subscribed to ``token_id``; return the count.
        """
        sent = 0
        for ws in list(self._sockets):
            if not ws.closed and token_id in self._socket_assets.get(id(ws), ()):
                await ws.send_str(json.dumps(message))
                sent += 1
        return sent

    async def send_price_change(self, token_id: str, price: str, size: str, side: str) -> int:
        return await self.send(token_id, self.price_change_message(token_id, price, size, side))

    async def send_last_trade(self, token_id: str, price: str, size: str, side: str) -> int:
        return await self.send(token_id, self.last_trade_message(token_id, price, size, side))

    async def send_malformed(self, frame: str = '{"event_type": "price_change", ') -> int:
        """
        Send a frame that is not valid JSON on every open connection.
        """
        sockets = [ws for ws in self._sockets if not ws.closed]
        for ws in sockets:
            await ws.send_str(frame)
        return len(sockets)

    async def drop_connection(self, index: int = 0) -> None:
        """
        Close one open connection with a normal close frame.
        """
        sockets = [ws for ws in self._sockets if not ws.closed]
        await sockets[index].close()
