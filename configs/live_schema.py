"""
The ``live:`` section of paper, live and local runs: venue endpoints, instruments, credentials.

Endpoint rules follow the 1.221 clients (DESIGN.md section 5): Polymarket's ``base_url_ws`` needs
a trailing slash (the client appends ``market``), Binance's must not have one (it appends
``/stream?streams=``). ``credentials: dummy`` (fixed fake keys, for the loopback fake venues) is
refused unless the mode is paper and every endpoint is on 127.0.0.1/localhost.
"""

from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field
from pydantic import field_validator

from configs.errors import ConfigError

_MODEL_CONFIG = ConfigDict(frozen=True, extra="forbid", strict=True)
_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
POLYMARKET_SUFFIX = ".POLYMARKET"
BINANCE_SUFFIX = ".BINANCE"


def _check_url(value: str, schemes: tuple[str, ...]) -> str:
    parts = urlsplit(value)
    if parts.scheme not in schemes or not parts.hostname:
        raise ValueError(f"expected a {' or '.join(schemes)} URL, got {value!r}")
    return value


def _check_ids(value: list[str], suffix: str) -> list[str]:
    for item in value:
        if not item.endswith(suffix) or len(item) == len(suffix):
            raise ValueError(f"instrument ids must end with {suffix!r}, got {item!r}")
    return value


class PolymarketEndpoints(BaseModel):
    """Polymarket CLOB REST, market-channel WebSocket and Gamma URLs; shard size; instruments."""

    model_config = _MODEL_CONFIG

    base_url_http: str
    base_url_ws: str
    gamma_url: str
    max_tokens_per_connection: int = Field(default=500, ge=1, le=500)
    # Instrument ids (<condition id>-<token id>.POLYMARKET) loaded at start; the market scanner
    # takes over this job once wired.
    load_ids: list[str] = Field(default_factory=list)

    @field_validator("base_url_http", "gamma_url")
    @classmethod
    def _check_http(cls, value: str) -> str:
        return _check_url(value, ("http", "https"))

    @field_validator("base_url_ws")
    @classmethod
    def _check_ws(cls, value: str) -> str:
        _check_url(value, ("ws", "wss"))
        if not value.endswith("/"):
            raise ValueError(
                f"Polymarket base_url_ws must end with '/' (the client appends 'market'), "
                f"got {value!r}",
            )
        return value

    @field_validator("load_ids")
    @classmethod
    def _check_load_ids(cls, value: list[str]) -> list[str]:
        return _check_ids(value, POLYMARKET_SUFFIX)


class BinanceEndpoints(BaseModel):
    """Binance USDT-M futures REST and WebSocket URLs and the instruments to load."""

    model_config = _MODEL_CONFIG

    base_url_http: str
    base_url_ws: str
    load_ids: list[str] = Field(default_factory=lambda: ["BTCUSDT-PERP.BINANCE"])

    @field_validator("base_url_http")
    @classmethod
    def _check_http(cls, value: str) -> str:
        return _check_url(value, ("http", "https"))

    @field_validator("base_url_ws")
    @classmethod
    def _check_ws(cls, value: str) -> str:
        _check_url(value, ("ws", "wss"))
        if value.endswith("/"):
            raise ValueError(
                f"Binance base_url_ws must not end with '/' (the client appends "
                f"'/stream?streams='), got {value!r}",
            )
        return value

    @field_validator("load_ids")
    @classmethod
    def _check_load_ids(cls, value: list[str]) -> list[str]:
        return _check_ids(value, BINANCE_SUFFIX)


class LiveSection(BaseModel):
    """Configure the live data clients (paper and live) and where credentials come from."""

    model_config = _MODEL_CONFIG

    # env: POLYMARKET_* and BINANCE_* environment variables; dummy: fixed fake keys (local only).
    credentials: Literal["env", "dummy"] = "env"
    # Start the loopback fake venues in-process on the endpoints' ports (configs/local.yaml).
    start_fakes: bool = False
    polymarket: PolymarketEndpoints
    binance: BinanceEndpoints

    def urls(self) -> list[str]:
        """
        Return every endpoint URL of the section.
        """
        poly, binance = self.polymarket, self.binance
        return [
            poly.base_url_http,
            poly.base_url_ws,
            poly.gamma_url,
            binance.base_url_http,
            binance.base_url_ws,
        ]

    def is_local(self) -> bool:
        """
        Return whether every endpoint is on the loopback interface (the fake venues).
        """
        return all(urlsplit(url).hostname in _LOOPBACK_HOSTS for url in self.urls())


def check_live_section(mode: str, live: LiveSection | None) -> None:
    """
    Check the ``live`` section against the run mode (its presence is checked by the node
    builder, so partial paper/live documents still validate).

    Raises
    ------
    ConfigError
        For ``credentials: dummy`` outside a paper run whose endpoints are all loopback, or
        ``start_fakes: true`` with a non-loopback endpoint.

    """
    if live is not None and live.start_fakes and not live.is_local():
        raise ConfigError(
            None, "live.start_fakes", "the fake venues only serve 127.0.0.1/localhost endpoints"
        )
    if live is None or live.credentials != "dummy":
        return
    if mode != "paper":
        raise ConfigError(None, "live.credentials", f"dummy credentials are refused in {mode} mode")
    if not live.is_local():
        raise ConfigError(
            None,
            "live.credentials",
            "dummy credentials are only allowed when every endpoint is 127.0.0.1/localhost "
            "(configs/local.yaml, the fake venues); real venues need keys from the environment",
        )
