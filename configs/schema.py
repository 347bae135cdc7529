"""
The pydantic edge model of a polyedge run configuration.

`load_config` composes the YAML files (see `configs.loader`), validates the merged document and
builds every component's Nautilus config once, so a bad value fails at load time with a
`ConfigError` naming the file and key. Pydantic stays here: strategies and actors only ever see
their own frozen Nautilus configs.
"""

import copy
import difflib
import hashlib
import importlib
import json
import re
from collections.abc import Mapping
from datetime import UTC
from datetime import date
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated
from typing import Any
from typing import Literal

import msgspec
from nautilus_trader.common.actor import Actor
from nautilus_trader.common.config import ActorConfig
from nautilus_trader.common.config import ImportableActorConfig
from nautilus_trader.common.config import NautilusConfig
from nautilus_trader.common.config import msgspec_encoding_hook
from nautilus_trader.trading.config import ImportableStrategyConfig
from nautilus_trader.trading.config import StrategyConfig
from nautilus_trader.trading.strategy import Strategy
from pydantic import AfterValidator
from pydantic import BaseModel
from pydantic import BeforeValidator
from pydantic import ConfigDict
from pydantic import Field
from pydantic import PrivateAttr
from pydantic import ValidationError
from pydantic import ValidationInfo
from pydantic import field_validator
from pydantic import model_validator
from pydantic_core import ErrorDetails

from configs import live_schema
from configs import risk_schema
from configs.errors import ConfigError
from configs.loader import YamlTree
from configs.loader import format_key_path
from configs.loader import load_yaml_with_sources
from configs.types import Decimalish

_MODEL_CONFIG = ConfigDict(frozen=True, extra="forbid", strict=True)
_COMPONENT_PATH = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*:[A-Za-z_]\w*")
# Nautilus aborts the process (a Rust panic) on a malformed TraderId, so check it first.
_TRADER_ID = re.compile(r"[A-Za-z0-9_.]+(-[A-Za-z0-9_.]+)+")
_SECRET_KEY = re.compile(r"pk|.*(api_key|secret_key|private_key|secret|passphrase|password)")
_REDACT_KEY = re.compile(r"secret|key|passphrase|private|password")
_MSGSPEC_AT = re.compile(r"(?s)(?P<reason>.*) - at `\$(?P<path>.*)`")
_USE_ENV_VARIABLES = (
    "secrets are never read from YAML; set them as environment variables "
    "(POLYMARKET_PK, POLYMARKET_API_KEY, POLYMARKET_API_SECRET, POLYMARKET_PASSPHRASE, "
    "BINANCE_API_KEY, BINANCE_API_SECRET)"
)
_REASONS = {"extra_forbidden": "unknown key", "missing": "required key is missing"}


def _to_iso_time(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    problem = ValueError(f"not an ISO-8601 time (e.g. 2024-01-31T00:00Z): {value!r}")
    if not isinstance(value, str):
        raise problem
    try:
        datetime.fromisoformat(value)
    except ValueError:
        raise problem from None
    return value


def _check_component_path(value: str) -> str:
    if _COMPONENT_PATH.fullmatch(value) is None:
        raise ValueError(f"expected 'package.module:Class', got {value!r}")
    return value


def _check_trader_id(value: str) -> str:
    if _TRADER_ID.fullmatch(value) is None:
        raise ValueError(f"must look like NAME-TAG (e.g. POLYEDGE-001), got {value!r}")
    return value


Money = Decimalish
IsoTime = Annotated[str, BeforeValidator(_to_iso_time)]
ComponentPath = Annotated[str, AfterValidator(_check_component_path)]
TraderIdText = Annotated[str, AfterValidator(_check_trader_id)]


class NodeSection(BaseModel):
    """Identify the node and set its log level (the same in every mode)."""

    model_config = _MODEL_CONFIG

    trader_id: TraderIdText
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_component_levels: dict[str, Literal["DEBUG", "INFO", "WARNING", "ERROR"]] = {}


class CatalogSection(BaseModel):
    """Locate the ParquetDataCatalog; a relative path is relative to the working directory."""

    model_config = _MODEL_CONFIG

    path: str = Field(min_length=1)


class VenueSection(BaseModel):
    """Configure the simulated Polymarket venue (backtest and paper)."""

    model_config = _MODEL_CONFIG

    starting_balance_usdc: Money = Field(gt=0)
    # L1 takes the last update on each side as the top of book and fills at wrong prices.
    book_type: Literal["L2_MBP"] = "L2_MBP"
    fee_rounding_dp: int = Field(default=5, ge=0, le=6)


class BacktestSection(BaseModel):
    """Set the window, output folder, equity sampling and recorded types to replay."""

    model_config = _MODEL_CONFIG

    start: IsoTime | None = None
    end: IsoTime | None = None
    results_dir: str = Field(default="results", min_length=1)
    equity_sample_secs: int = Field(default=300, gt=0)
    replay_types: list[ComponentPath] = Field(default_factory=list)

    @field_validator("end")
    @classmethod
    def _check_end_after_start(cls, value: str | None, info: ValidationInfo) -> str | None:
        start = info.data.get("start")
        if value is not None and start is not None and _as_utc(value) <= _as_utc(start):
            raise ValueError(f"end {value} must be after start {start}")
        return value


class _ComponentEntry(BaseModel):
    model_config = _MODEL_CONFIG

    config_path: ComponentPath
    config: dict[str, Any] = Field(default_factory=dict)


class StrategyEntry(_ComponentEntry):
    """Name a strategy class (``strategy_path``), its ``config_path`` and the ``config`` values."""

    strategy_path: ComponentPath


class ActorEntry(_ComponentEntry):
    """Name an actor class (``actor_path``), its ``config_path`` and the ``config`` values."""

    actor_path: ComponentPath


class PolyedgeConfig(BaseModel):
    """
    Validate a whole run configuration and build its Nautilus component configs.

    Sections ``catalog`` and ``backtest`` are required in backtest mode, ``venue`` in backtest
    and paper mode; ``live`` (``configs.live_schema``) is what ``run_live.py`` needs. Validation
    imports every component and parses its config, so an unknown path or a bad parameter fails
    here rather than when the node starts.
    """

    model_config = _MODEL_CONFIG

    mode: Literal["backtest", "paper", "live"]
    node: NodeSection
    catalog: CatalogSection | None = None
    venue: VenueSection | None = None
    backtest: BacktestSection | None = None
    risk: risk_schema.RiskSection | None = None
    live: live_schema.LiveSection | None = None
    actors: dict[str, ActorEntry] = Field(default_factory=dict)
    strategies: dict[str, StrategyEntry] = Field(default_factory=dict)
    _resolved: dict[str, dict[str, Any]] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _check_sections_and_components(self) -> "PolyedgeConfig":
        required = {"backtest": ("catalog", "venue", "backtest"), "paper": ("venue",)}
        for section in required.get(self.mode, ()):
            if getattr(self, section) is None:
                raise ConfigError(None, section, f"required when mode is '{self.mode}'")
        live_schema.check_live_section(self.mode, self.live)
        sections = (("strategies", "strategy", self.strategies), ("actors", "actor", self.actors))
        for section, kind, entries in sections:
            for name, entry in entries.items():
                entry = risk_schema.with_risk(entry, self.risk, key := f"{section}.{name}")
                self._resolved[key] = _build_component(key, kind, entry)
        return self

    def importable_strategies(self) -> list[ImportableStrategyConfig]:
        """
        Return one `ImportableStrategyConfig` per strategy, in mapping order.

        Returns
        -------
        list[ImportableStrategyConfig]

        """
        return [
            ImportableStrategyConfig(
                strategy_path=entry.strategy_path,
                config_path=entry.config_path,
                config=copy.deepcopy(risk_schema.with_risk(entry, self.risk).config),
            )
            for entry in self.strategies.values()
        ]

    def importable_actors(self) -> list[ImportableActorConfig]:
        """
        Return one `ImportableActorConfig` per actor, in mapping order.

        Returns
        -------
        list[ImportableActorConfig]

        """
        return [
            ImportableActorConfig(
                actor_path=entry.actor_path,
                config_path=entry.config_path,
                config=copy.deepcopy(entry.config),
            )
            for entry in self.actors.values()
        ]

    def redacted_dict(self) -> dict[str, Any]:
        """
        Return the validated document as JSON-able data with secret-looking values masked.

        Component configs appear fully resolved (defaults filled in by their Nautilus config
        class). Any key whose name contains secret/key/passphrase/private/password has its
        value replaced by ``"***"``; component names themselves are never masked.

        Returns
        -------
        dict[str, Any]

        """
        document = self.model_dump(mode="json")
        redacted = {key: _redact(value) for key, value in document.items()}
        for section in ("strategies", "actors"):
            entries = document[section]
            for name, entry in entries.items():
                entry["config"] = self._resolved[f"{section}.{name}"]
            redacted[section] = {name: _redact(entry) for name, entry in entries.items()}
        return redacted

    def config_hash(self) -> str:
        """
        Return a short, deterministic hash of `redacted_dict` for run ids and reports.

        Returns
        -------
        str
            The first 12 hex characters of the SHA-256 of the canonical JSON.

        """
        canonical = json.dumps(self.redacted_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]


def load_config(path: str | Path, overrides: Mapping[str, Any] | None = None) -> PolyedgeConfig:
    """
    Load, merge and validate a run configuration.

    Parameters
    ----------
    path : str or Path
        The root YAML file (e.g. ``configs/backtest.yaml``).
    overrides : Mapping[str, Any], optional
        Values deep-merged on top of the files (e.g. from the command line).

    Returns
    -------
    PolyedgeConfig

    Raises
    ------
    ConfigError
        For any problem, naming the file that set the value and the dotted key path.

    """
    tree = load_yaml_with_sources(path)
    if overrides:
        tree = tree.with_overrides(overrides)
    _reject_secrets(tree, tree.data, "")
    try:
        return PolyedgeConfig.model_validate(tree.data)
    except ValidationError as exc:
        raise _from_validation_error(exc.errors()[0], tree) from exc
    except ConfigError as exc:
        raise exc.with_file(tree.source_of(exc.key_path, exc.reason)) from exc


def _build_component(key: str, kind: str, entry: _ComponentEntry) -> dict[str, Any]:
    bases = (Strategy, StrategyConfig) if kind == "strategy" else (Actor, ActorConfig)
    _resolve(getattr(entry, f"{kind}_path"), f"{key}.{kind}_path", kind, bases[0])
    config_cls = _resolve(entry.config_path, f"{key}.config_path", f"{kind} config", bases[1])
    built = _parse_config(config_cls, entry.config, f"{key}.config")
    return json.loads(built.json())


def _resolve(path: str, key: str, kind: str, base: type) -> type[Any]:
    module_name, _, attribute = path.partition(":")
    try:
        resolved = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(None, key, f"unknown {kind} path {path!r}: {exc}") from exc
    if not isinstance(resolved, type) or not issubclass(resolved, base):
        raise ConfigError(None, key, f"{path!r} is not a subclass of {base.__name__}")
    return resolved


def _parse_config(config_cls: type[Any], config: dict[str, Any], key: str) -> NautilusConfig:
    known = [field.encode_name for field in msgspec.structs.fields(config_cls)]
    for name in config:
        if name not in known:
            close = difflib.get_close_matches(str(name), known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ConfigError(
                None, f"{key}.{name}", f"unknown field for {config_cls.__name__}{hint}"
            )
    try:
        return config_cls.parse(msgspec.json.encode(config, enc_hook=msgspec_encoding_hook))
    except msgspec.ValidationError as exc:
        match = _MSGSPEC_AT.fullmatch(str(exc))
        if match is None:
            # Raised by the config's __post_init__ (msgspec wraps ValueError/TypeError).
            raise ConfigError(None, key, str(exc)) from exc
        raise ConfigError(None, f"{key}{match['path']}", match["reason"]) from exc
    except (TypeError, ValueError) as exc:
        raise ConfigError(None, key, str(exc)) from exc


def _reject_secrets(tree: YamlTree, value: Any, prefix: str) -> None:
    if isinstance(value, list):
        for index, item in enumerate(value):
            _reject_secrets(tree, item, f"{prefix}[{index}]")
        return
    if not isinstance(value, dict):
        return
    for name, item in value.items():
        key = f"{prefix}.{name}" if prefix else str(name)
        if _SECRET_KEY.fullmatch(str(name).lower().replace("-", "_")):
            raise ConfigError(tree.source_of(key), key, _USE_ENV_VARIABLES)
        _reject_secrets(tree, item, key)


def _from_validation_error(error: ErrorDetails, tree: YamlTree) -> ConfigError:
    key = format_key_path(error["loc"])
    reason = _REASONS.get(error["type"], error["msg"].removeprefix("Value error, "))
    given = error.get("input")
    shown = str(given) if isinstance(given, Decimal) else repr(given)
    scalar = isinstance(given, str | int | float | bool | Decimal | None)
    if error["type"] not in _REASONS and scalar and shown not in reason:
        reason = f"{reason} (got {shown})"
    return ConfigError(tree.source_of(key, reason), key, reason)


def _redact(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            key: "***" if _REDACT_KEY.search(str(key).lower()) else _redact(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_redact(item) for item in value]
    return value


def _as_utc(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
