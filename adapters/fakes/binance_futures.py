"""
A fake Binance USDT-M futures venue on 127.0.0.1 (aiohttp, ephemeral port), REST and WebSocket.

REST (what the 1.221 futures instrument provider and data client call):

- ``GET /fapi/v1/exchangeInfo``: the recorded 2022 response trimmed to BTCUSDT
  (``binance_futures_exchange_info_btcusdt.json``, from nautilus_trader's test resources,
  LGPL-3.0-or-later; see ../shared/data/MANIFEST.tsv);
- ``GET /fapi/v2/account`` and ``GET /fapi/v3/positionRisk``: the signed endpoints the provider
  calls at instrument load (any signature is accepted; the requests are recorded);
- ``GET /fapi/v1/depth``: a snapshot of the fake's book with its ``lastUpdateId``;
- ``GET /fapi/v1/time``.

WebSocket ``/stream?streams=a/b`` (combined streams, later ``SUBSCRIBE``/``UNSUBSCRIBE``
answered with ``{"result": null, "id": ...}``) serves ``btcusdt@aggTrade`` and
``btcusdt@depth@<speed>ms`` (and ``btcusdt@trade``, the client's default) from a seeded
random walk. Depth updates carry ``U``/``u``/``pu``
consistent with the snapshot: ``U`` = previous ``u`` + 1 and ``pu`` = previous ``u``.
Faults: drop every connection, send a malformed frame. Point ``BinanceDataClientConfig``
``base_url_http`` at ``base_url_http`` and ``base_url_ws`` at ``base_url_ws`` (no trailing slash:
the client appends ``/stream?streams=``).
"""

import asyncio
import json
import random
from pathlib import Path
from typing import Any

from aiohttp import WSMsgType
from aiohttp import web

from adapters.fakes import serve_loopback

EXCHANGE_INFO_PATH = Path(__file__).with_name("binance_futures_exchange_info_btcusdt.json")
SYMBOL = "BTCUSDT"
TICK = 0.1
LEVELS = 10
START_TS_MS = 1_750_000_000_000


def load_exchange_info(path: Path = EXCHANGE_INFO_PATH) -> dict[str, Any]:
    """
    Return the recorded exchangeInfo (a fixture already trimmed to BTCUSDT).
    """
    info = json.loads(path.read_text())
    info["symbols"] = [s for s in info["symbols"] if s["symbol"] == SYMBOL]
    return info


def _px(ticks: int) -> str:
    return f"{ticks * TICK:.2f}"


class RandomWalkBook:
    """
    A seeded BTCUSDT book that random-walks; each step yields one depth diff and one trade.
    """

    def __init__(self, seed: int = 7, mid: float = 60_000.0) -> None:
        self._rng = random.Random(seed)  # noqa: S311 - a replayable walk, not crypto
        self.mid_ticks = round(mid / TICK)
        self.bids: dict[int, str] = {}
        self.asks: dict[int, str] = {}
        self.last_update_id = 1_000_000
        self.agg_id = 5_000_000
        self.ts_ms = START_TS_MS
        self._reshape()

    def _qty(self) -> str:
        return f"{self._rng.randint(1, 5000) / 1000:.3f}"

    def _reshape(self) -> tuple[list[list[str]], list[list[str]]]:
        best_bid = self.mid_ticks - 1
        new_bids = {best_bid - i: self._qty() for i in range(LEVELS)}
        new_asks = {best_bid + 1 + i: self._qty() for i in range(LEVELS)}
        bid_diff = _diff(self.bids, new_bids)
        ask_diff = _diff(self.asks, new_asks)
        self.bids, self.asks = new_bids, new_asks
        return bid_diff, ask_diff

    def best_bid(self) -> float:
        return max(self.bids) * TICK

    def best_ask(self) -> float:
        return min(self.asks) * TICK

    def snapshot(self, limit: int) -> dict[str, Any]:
        bids = sorted(self.bids.items(), reverse=True)[:limit]
        asks = sorted(self.asks.items())[:limit]
        return {
            "lastUpdateId": self.last_update_id,
            "E": self.ts_ms,
            "T": self.ts_ms,
            "bids": [[_px(p), q] for p, q in bids],
            "asks": [[_px(p), q] for p, q in asks],
        }

    def step(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """
        Move the walk one step; return ``(aggTrade, depthUpdate)`` event payloads.
        """
        self.ts_ms += 1
        buyer_maker = self._rng.random() < 0.5
        price = self.best_bid() if buyer_maker else self.best_ask()
        self.agg_id += 1
        trade = {
            "e": "aggTrade",
            "E": self.ts_ms,
            "s": SYMBOL,
            "a": self.agg_id,
            "p": f"{price:.2f}",
            "q": self._qty(),
            "f": self.agg_id * 3,
            "l": self.agg_id * 3 + 2,
            "T": self.ts_ms,
            "m": buyer_maker,
        }
        self.mid_ticks += self._rng.choice((-2, -1, 0, 0, 1, 2))
        bid_diff, ask_diff = self._reshape()
        first = self.last_update_id + 1
        previous, self.last_update_id = self.last_update_id, first + self._rng.randint(0, 20)
        depth = {
            "e": "depthUpdate",
            "E": self.ts_ms,
            "T": self.ts_ms,
            "s": SYMBOL,
            "U": first,
            "u": self.last_update_id,
            "pu": previous,
            "b": bid_diff,
            "a": ask_diff,
        }
        return trade, depth


def _raw_trade(agg: dict[str, Any]) -> dict[str, Any]:
    """
    Return the ``<symbol>@trade`` event for an aggTrade (the client's default trade stream).
    """
    keys = ("E", "T", "s", "p", "q", "m")
    return {"e": "trade", "t": agg["l"], "X": "MARKET", **{k: agg[k] for k in keys}}


def _diff(old: dict[int, str], new: dict[int, str]) -> list[list[str]]:
    removed = [[_px(p), "0.000"] for p in sorted(old) if p not in new]
    changed = [[_px(p), q] for p, q in sorted(new.items()) if old.get(p) != q]
    return removed + changed


class FakeBinanceFutures:
    """
    Fake USDT-M futures venue. Use ``async with FakeBinanceFutures() as venue``.

    Parameters
    ----------
    seed : int, default 7
        Seed of the random walk.
    interval_secs : float, default 0.01
        Time between walk steps while the stream runs (``pause``/``resume`` control it).
    port : int, default 0
        The TCP port to bind (0: an ephemeral one).

    """

    def __init__(self, seed: int = 7, interval_secs: float = 0.01, port: int = 0) -> None:
        self.port: int | None = port
        self.book = RandomWalkBook(seed)
        self.exchange_info = load_exchange_info()
        self.interval_secs = interval_secs
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.subscribe_messages: list[dict[str, Any]] = []
        self.connections = 0
        self.trades_sent = 0
        self.depth_updates_sent = 0
        self._sockets: dict[web.WebSocketResponse, set[str]] = {}
        self._running = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._runner: web.AppRunner | None = None

    @property
    def base_url_http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url_ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    @property
    def streams(self) -> set[str]:
        return {s for streams in self._sockets.values() for s in streams}

    def signed_requests(self) -> list[str]:
        return [path for path, query in self.requests if "signature" in query]

    async def __aenter__(self) -> "FakeBinanceFutures":
        app = web.Application()
        app.router.add_get("/fapi/v1/exchangeInfo", self._exchange_info)
        app.router.add_get("/fapi/v1/time", self._time)
        app.router.add_get("/fapi/v1/depth", self._depth)
        app.router.add_get("/fapi/v2/account", self._account)
        app.router.add_get("/fapi/v3/positionRisk", self._position_risk)
        app.router.add_get("/stream", self._stream)
        self._runner, self.port = await serve_loopback(app, self.port)
        self._running.set()
        self._task = asyncio.create_task(self._walk())
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._task is not None:
            self._task.cancel()
        await self.drop_connections()
        if self._runner is not None:
            await self._runner.cleanup()

    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    # -- REST --------------------------------------------------------------------------------

    def _record(self, request: web.Request) -> None:
        self.requests.append((request.path, dict(request.query)))

    async def _exchange_info(self, request: web.Request) -> web.Response:
        self._record(request)
        return web.json_response({**self.exchange_info, "serverTime": self.book.ts_ms})

    async def _time(self, request: web.Request) -> web.Response:
        self._record(request)
        return web.json_response({"serverTime": self.book.ts_ms})

    async def _depth(self, request: web.Request) -> web.Response:
        self._record(request)
        if request.query.get("symbol") != SYMBOL:
            return web.json_response({"code": -1121, "msg": "Invalid symbol."}, status=400)
        return web.json_response(self.book.snapshot(int(request.query.get("limit", "1000"))))

    async def _account(self, request: web.Request) -> web.Response:
        self._record(request)
        balance = "10000.00000000"
        asset = {
            "asset": "USDT",
            "walletBalance": balance,
            "unrealizedProfit": "0.00000000",
            "marginBalance": balance,
            "maintMargin": "0.00000000",
            "initialMargin": "0.00000000",
            "positionInitialMargin": "0.00000000",
            "openOrderInitialMargin": "0.00000000",
            "crossWalletBalance": balance,
            "crossUnPnl": "0.00000000",
            "availableBalance": balance,
            "maxWithdrawAmount": balance,
            "marginAvailable": True,
            "updateTime": self.book.ts_ms,
        }
        account = {
            "feeTier": 0,
            "canTrade": True,
            "canDeposit": True,
            "canWithdraw": True,
            "updateTime": self.book.ts_ms,
            "totalWalletBalance": balance,
            "availableBalance": balance,
            "assets": [asset],
            "positions": [],
        }
        return web.json_response(account)

    async def _position_risk(self, request: web.Request) -> web.Response:
        self._record(request)
        zero = "0.0"
        risk = {
            "symbol": SYMBOL,
            "positionSide": "BOTH",
            "positionAmt": "0.000",
            "entryPrice": zero,
            "breakEvenPrice": zero,
            "markPrice": f"{self.book.best_bid():.2f}",
            "unRealizedProfit": "0.00000000",
            "liquidationPrice": "0",
            "isolatedMargin": "0.00000000",
            "notional": "0",
            "marginAsset": "USDT",
            "isolatedWallet": "0",
            "initialMargin": "0",
            "maintMargin": "0",
            "positionInitialMargin": "0",
            "openOrderInitialMargin": "0",
            "adl": 0,
            "bidNotional": "0",
            "askNotional": "0",
            "updateTime": 0,
        }
        return web.json_response([risk])

    # -- WebSocket ---------------------------------------------------------------------------

    async def _stream(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        self.connections += 1
        streams = request.query.get("streams", "")
        self._sockets[ws] = {s for s in streams.split("/") if s}
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                await self._on_text(ws, msg.data)
        self._sockets.pop(ws, None)
        return ws

    async def _on_text(self, ws: web.WebSocketResponse, data: str) -> None:
        try:
            payload = json.loads(data)
        except ValueError:
            return
        method = payload.get("method") if isinstance(payload, dict) else None
        if method not in ("SUBSCRIBE", "UNSUBSCRIBE"):
            return
        self.subscribe_messages.append(payload)
        streams = self._sockets.setdefault(ws, set())
        params = set(payload.get("params", []))
        streams.update(params) if method == "SUBSCRIBE" else streams.difference_update(params)
        await ws.send_str(json.dumps({"result": None, "id": payload.get("id")}))

    async def _walk(self) -> None:
        while True:
            await self._running.wait()
            trade, depth = self.book.step()
            self.trades_sent += await self._publish("aggTrade", trade)
            self.trades_sent += await self._publish("trade", _raw_trade(trade))
            self.depth_updates_sent += await self._publish("depth", depth)
            await asyncio.sleep(self.interval_secs)

    async def _publish(self, kind: str, event: dict[str, Any]) -> int:
        prefix = f"{SYMBOL.lower()}@{kind}"
        sent = 0
        for ws, streams in list(self._sockets.items()):
            for stream in streams:
                if (stream == prefix or stream.startswith(prefix + "@")) and not ws.closed:
                    await ws.send_str(json.dumps({"stream": stream, "data": event}))
                    sent += 1
        return sent

    # -- Faults ------------------------------------------------------------------------------

    async def drop_connections(self) -> None:
        """
        Close every open WebSocket with a normal close frame.
        """
        for ws in list(self._sockets):
            await ws.close()

    async def send_malformed(self, frame: str = '{"stream": "btcusdt@aggTrade", ') -> int:
        sockets = [ws for ws in self._sockets if not ws.closed]
        for ws in sockets:
            await ws.send_str(frame)
        return len(sockets)
