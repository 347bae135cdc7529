"""
A fake Polymarket CLOB REST API on 127.0.0.1 (aiohttp; ephemeral port unless ``port`` is given).

Serves what the 1.221 ``PolymarketInstrumentProvider`` calls through ``py_clob_client``:

- ``GET /markets?next_cursor=...``: pages of ``{"data", "next_cursor", "limit", "count"}``; the
  cursor is the base64 of the row offset (``MA==`` is 0) and ``LTE=`` (base64 ``-1``) marks the
  last page, as on the real venue.
- ``GET /markets/{condition_id}``: one market, 404 when unknown.

Markets are CLOB-shaped dicts (build them with ``adapters.polymarket.instruments
.clob_market_dict``). Faults: the next N requests answer a scripted HTTP status.
Point ``PolymarketDataClientConfig.base_url_http`` at ``server.base_url``.
"""

import base64
import binascii
from typing import Any

from aiohttp import web

from adapters.fakes import LoopbackHttpServer

FIRST_CURSOR = "MA=="
END_CURSOR = "LTE="


def encode_cursor(offset: int) -> str:
    """
    Return the CLOB cursor for a row offset (``-1`` is the end marker).
    """
    return base64.b64encode(str(offset).encode()).decode()


def decode_cursor(cursor: str) -> int | None:
    """
    Return the row offset of a cursor, or None when it is not a valid one.
    """
    try:
        return int(base64.b64decode(cursor, validate=True).decode())
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None


class FakeClobRestServer(LoopbackHttpServer):
    """
    A scripted CLOB REST API. Use ``async with FakeClobRestServer(markets) as server``.

    Parameters
    ----------
    markets : list[dict]
        CLOB-shaped market dicts, served in this order.
    page_size : int, default 100
        Rows per ``/markets`` page (the recorded page holds 100).
    port : int, default 0
        The TCP port to bind (0: an ephemeral one).

    """

    def __init__(self, markets: list[dict[str, Any]], page_size: int = 100, port: int = 0) -> None:
        super().__init__(port)
        self.markets = list(markets)
        self.page_size = page_size
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.fault_status: int | None = None
        self.fault_remaining = 0
        self.faults_sent = 0

    def add_routes(self, app: web.Application) -> None:
        """
        Register ``/markets`` and ``/markets/{condition_id}``.
        """
        app.router.add_get("/markets", self._markets)
        app.router.add_get("/markets/{condition_id}", self._market)

    def script_faults(self, count: int, status: int = 429) -> None:
        """
        Answer the next `count` requests with HTTP `status`.
        """
        self.fault_status = status
        self.fault_remaining = count

    def count_requests(self, path_prefix: str) -> int:
        return sum(1 for path, _ in self.requests if path.startswith(path_prefix))

    def _fault(self) -> web.Response | None:
        if self.fault_remaining <= 0 or self.fault_status is None:
            return None
        self.fault_remaining -= 1
        self.faults_sent += 1
        return web.json_response({"error": "scripted fault"}, status=self.fault_status)

    async def _markets(self, request: web.Request) -> web.Response:
        self.requests.append((request.path, dict(request.query)))
        fault = self._fault()
        if fault is not None:
            return fault
        offset = decode_cursor(request.query.get("next_cursor", FIRST_CURSOR))
        if offset is None or offset < 0:
            return web.json_response({"error": "invalid next_cursor"}, status=400)
        rows = self.markets[offset : offset + self.page_size]
        end = offset + len(rows)
        next_cursor = END_CURSOR if end >= len(self.markets) else encode_cursor(end)
        page = {
            "data": rows,
            "next_cursor": next_cursor,
            "limit": self.page_size,
            "count": len(rows),
        }
        return web.json_response(page)

    async def _market(self, request: web.Request) -> web.Response:
        self.requests.append((request.path, dict(request.query)))
        fault = self._fault()
        if fault is not None:
            return fault
        condition_id = request.match_info["condition_id"]
        for market in self.markets:
            if market["condition_id"] == condition_id:
                return web.json_response(market)
        return web.json_response({"error": "market not found"}, status=404)
