"""
Async client for the Polymarket Gamma REST API (market discovery).

Only idempotent reads: ``GET /markets`` (paged by ``limit``/``offset``) and
``GET /events?slug=``. 429, 5xx and transport errors are retried with capped exponential
backoff and jitter; any other non-2xx status raises ``FatalVenueError``. The jitter source and
the sleep function are injectable so tests run without real waiting.
"""

import asyncio
import random
from collections.abc import Awaitable
from collections.abc import Callable
from typing import Any

import httpx
import pandas as pd

from adapters.errors import FatalVenueError
from adapters.errors import RetryableVenueError

DEFAULT_GAMMA_URL = "https://gamma-api.polymarket.com"

Sleep = Callable[[float], Awaitable[None]]


def backoff_delay_secs(
    attempt: int,
    base_secs: float,
    cap_secs: float,
    rng: random.Random,
) -> float:
    """
    Return the wait before retry `attempt` (0-based): equal-jitter capped exponential.
    """
    ceiling = min(cap_secs, base_secs * (2**attempt))
    return ceiling / 2 + rng.uniform(0, ceiling / 2)


def updown_slugs(now_ns: int, prefix: str = "btc-updown-5m", period_secs: int = 300) -> list[str]:
    """
    Return the slugs of the current and next up/down windows at `now_ns`.

    The window start is ``floor(t / period) * period`` in UNIX seconds.
    """
    start = (now_ns // 1_000_000_000) // period_secs * period_secs
    return [f"{prefix}-{start}", f"{prefix}-{start + period_secs}"]


def iso_utc(ts_ns: int) -> str:
    """
    Return `ts_ns` as the ISO-8601 UTC string Gamma's date filters take.
    """
    return pd.Timestamp(ts_ns, tz="UTC").strftime("%Y-%m-%dT%H:%M:%SZ")


class GammaClient:
    """
    Read markets and events from the Gamma API.

    Parameters
    ----------
    base_url : str
        The API root (override to point at a fake).
    timeout_secs : float, default 10.0
        The per-request timeout.
    max_retries : int, default 5
        Retries after the first attempt before a ``RetryableVenueError`` is raised.
    backoff_base_secs : float, default 0.5
        The first backoff ceiling.
    backoff_cap_secs : float, default 30.0
        The largest backoff ceiling.
    rng : random.Random, optional
        The jitter source (seed it in tests).
    sleep : Callable[[float], Awaitable[None]], optional
        The wait function (defaults to ``asyncio.sleep``).

    """

    def __init__(
        self,
        base_url: str = DEFAULT_GAMMA_URL,
        timeout_secs: float = 10.0,
        max_retries: int = 5,
        backoff_base_secs: float = 0.5,
        backoff_cap_secs: float = 30.0,
        rng: random.Random | None = None,
        sleep: Sleep | None = None,
    ) -> None:
        self._http = httpx.AsyncClient(base_url=base_url.rstrip("/"), timeout=timeout_secs)
        self._max_retries = max_retries
        self._base = backoff_base_secs
        self._cap = backoff_cap_secs
        self._rng = rng or random.Random()  # noqa: S311 (jitter, not cryptography)
        self._sleep = sleep or asyncio.sleep
        self.request_count = 0
        self.retry_count = 0

    async def close(self) -> None:
        """
        Close the underlying HTTP connection pool.
        """
        await self._http.aclose()

    async def __aenter__(self) -> "GammaClient":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def fetch_open_markets(
        self,
        end_min_ns: int,
        end_max_ns: int,
        page_limit: int = 500,
        max_pages: int = 200,
    ) -> list[dict[str, Any]]:
        """
        Return every active, open market ending in ``[end_min_ns, end_max_ns]``, all pages.
        """
        params: dict[str, Any] = {
            "active": "true",
            "closed": "false",
            "end_date_min": iso_utc(end_min_ns),
            "end_date_max": iso_utc(end_max_ns),
            "limit": page_limit,
        }
        markets: list[dict[str, Any]] = []
        for page in range(max_pages):
            rows = await self._get_list("/markets", {**params, "offset": page * page_limit})
            markets.extend(rows)
            if len(rows) < page_limit:
                break
        return markets

    async def fetch_markets_by_condition_ids(
        self,
        condition_ids: list[str],
        chunk: int = 50,
    ) -> list[dict[str, Any]]:
        """
        Return the markets (open or closed) with the given condition ids.
        """
        markets: list[dict[str, Any]] = []
        for i in range(0, len(condition_ids), chunk):
            ids = condition_ids[i : i + chunk]
            params = [("condition_ids", cid) for cid in ids] + [("limit", len(ids))]
            markets.extend(await self._get_list("/markets", params))
        return markets

    async def fetch_event(self, slug: str) -> dict[str, Any] | None:
        """
        Return the event with `slug`, or None if Gamma has none (yet).
        """
        rows = await self._get_list("/events", {"slug": slug})
        return rows[0] if rows else None

    async def _get_list(self, path: str, params: Any) -> list[dict[str, Any]]:
        body = await self._get_json(path, params)
        if not isinstance(body, list):
            raise FatalVenueError(f"expected a JSON list from {path}", path=path)
        return [row for row in body if isinstance(row, dict)]

    async def _get_json(self, path: str, params: Any) -> Any:
        attempt = 0
        while True:
            try:
                return await self._get_once(path, params)
            except RetryableVenueError:
                if attempt >= self._max_retries:
                    raise
                self.retry_count += 1
                await self._sleep(backoff_delay_secs(attempt, self._base, self._cap, self._rng))
                attempt += 1

    async def _get_once(self, path: str, params: Any) -> Any:
        self.request_count += 1
        try:
            response = await self._http.get(path, params=params)
        except httpx.TransportError as e:
            raise RetryableVenueError(f"GET {path}: {e!r}", path=path) from e
        status = response.status_code
        if status == 429 or status >= 500:
            raise RetryableVenueError(f"GET {path}: HTTP {status}", status=status, path=path)
        if status >= 300:
            raise FatalVenueError(
                f"GET {path}: HTTP {status}: {response.text[:200]}",
                status=status,
                path=path,
            )
        try:
            return response.json()
        except ValueError as e:
            raise FatalVenueError(f"GET {path}: invalid JSON: {e}", status, path) from None
