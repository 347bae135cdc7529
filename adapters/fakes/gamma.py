"""
A fake Gamma REST API on 127.0.0.1 (aiohttp) for scanner and client tests.

Serves ``GET /markets`` (``active``, ``closed``, ``end_date_min/max``, ``condition_ids``,
``limit``/``offset`` paging) and ``GET /events?slug=`` with real-shaped rows (stringified JSON
``clobTokenIds``/``outcomes``/``outcomePrices``). Faults and scenario steps are scripted:
a burst of 429s, a market that resolves mid-run, a market added mid-run.
"""

import json
from typing import Any

import pandas as pd
from aiohttp import web

from adapters.fakes import LoopbackHttpServer


def make_gamma_market(
    index: int,
    end_iso: str,
    volume: float = 10_000.0,
    liquidity: float = 5_000.0,
    slug: str | None = None,
    fees_enabled: bool = False,
    event_id: str = "900",
) -> dict[str, Any]:
    """
    Return a Gamma market row shaped like the real API's.
    """
    return {
        "id": str(100_000 + index),
        "conditionId": "0x" + f"{index:064x}",
        "slug": slug or f"fake-market-{index}",
        "question": f"Fake market {index}?",
        "clobTokenIds": json.dumps([str(10**20 + 2 * index), str(10**20 + 2 * index + 1)]),
        "outcomes": json.dumps(["Yes", "No"]),
        "outcomePrices": json.dumps(["0.5", "0.5"]),
        "orderPriceMinTickSize": 0.01,
        "orderMinSize": 5,
        "negRisk": False,
        "feesEnabled": fees_enabled,
        "volumeNum": volume,
        "liquidityNum": liquidity,
        "endDate": end_iso,
        "active": True,
        "closed": False,
        "events": [{"id": event_id, "slug": f"fake-event-{event_id}"}],
    }


class FakeGammaServer(LoopbackHttpServer):
    """
    A scripted Gamma API. Use ``async with FakeGammaServer(...) as server``.

    Parameters
    ----------
    markets : list[dict]
        The market rows (mutable through the scenario methods).
    events : dict[str, dict], optional
        Event objects by slug (each with a ``markets`` list).
    port : int, default 0
        The TCP port to bind (0: an ephemeral one).

    """

    def __init__(
        self,
        markets: list[dict[str, Any]],
        events: dict[str, dict[str, Any]] | None = None,
        port: int = 0,
    ) -> None:
        super().__init__(port)
        self.markets = list(markets)
        self.events = dict(events or {})
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.status_429_remaining = 0
        self.status_429_sent = 0
        self.fatal_status: int | None = None

    def add_routes(self, app: web.Application) -> None:
        """
        Register ``/markets`` and ``/events``.
        """
        app.router.add_get("/markets", self._markets)
        app.router.add_get("/events", self._events)

    def script_429_burst(self, count: int) -> None:
        """
        Answer the next `count` requests with HTTP 429.
        """
        self.status_429_remaining = count

    def resolve(self, condition_id: str, yes_wins: bool) -> None:
        """
        Close a market with 1/0 outcome prices, as Gamma does after resolution.
        """
        for market in self.markets:
            if market["conditionId"] == condition_id:
                market["closed"] = True
                prices = ["1", "0"] if yes_wins else ["0", "1"]
                market["outcomePrices"] = json.dumps(prices)

    def add_market(self, market: dict[str, Any]) -> None:
        """
        Add a market mid-run.
        """
        self.markets.append(market)

    def _fault(self) -> web.Response | None:
        if self.status_429_remaining > 0:
            self.status_429_remaining -= 1
            self.status_429_sent += 1
            return web.json_response({"error": "rate limited"}, status=429)
        if self.fatal_status is not None:
            return web.json_response({"error": "bad request"}, status=self.fatal_status)
        return None

    async def _markets(self, request: web.Request) -> web.Response:
        self.requests.append(("/markets", dict(request.query)))
        fault = self._fault()
        if fault is not None:
            return fault
        rows = [m for m in self.markets if _matches(m, request.query)]
        offset = int(request.query.get("offset", "0"))
        limit = int(request.query.get("limit", "100"))
        return web.json_response(rows[offset : offset + limit])

    async def _events(self, request: web.Request) -> web.Response:
        self.requests.append(("/events", dict(request.query)))
        fault = self._fault()
        if fault is not None:
            return fault
        event = self.events.get(request.query.get("slug", ""))
        return web.json_response([event] if event is not None else [])


def _matches(market: dict[str, Any], query: Any) -> bool:
    condition_ids = query.getall("condition_ids", [])
    if condition_ids:
        return market["conditionId"] in condition_ids
    if "closed" in query and str(market["closed"]).lower() != query["closed"]:
        return False
    if "active" in query and str(market["active"]).lower() != query["active"]:
        return False
    end = pd.Timestamp(market["endDate"])
    if "end_date_min" in query and end < pd.Timestamp(query["end_date_min"]):
        return False
    return not ("end_date_max" in query and end > pd.Timestamp(query["end_date_max"]))
