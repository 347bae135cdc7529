"""
The ``risk`` section of a polyedge run configuration (pydantic edge model).

One YAML fragment (``configs/base/risk.yaml``) holds every risk setting for every run mode:

- ``gate``: the pre-trade limits of every strategy (``strategies.logic.risk_gate``). The loader
  injects them, as a frozen ``GateLimitsConfig``, into the ``risk`` field of each strategy whose
  config derives from ``PolyedgeStrategyConfig`` (see ``with_risk``), so strategies never see
  pydantic and cannot drift apart;
- ``monitor``: the ``RiskMonitorActor`` halts (drawdown, daily/weekly loss, loss streak, stale
  feeds, venue errors), the REDUCING thresholds and the resume policy of each halt;
- ``kill_switch``: the kill-switch state directory (``python -m actors.kill_switch``);
- ``engine``: NautilusTrader's own RiskEngine limits (order submit/modify rates, maximum
  notional per order);
- ``phase`` / ``phases``: the deployment phase whose absolute caps (per trade, daily loss,
  total exposure) tighten the fractional limits. A live node requires a phase
  (``check_risk_for_mode``, called by ``backtesting.risk_wiring.importable_risk_actors``).

Fractions and money are written as strings (``"0.05"``) and parsed as ``Decimal``.
"""

import importlib
import re
from decimal import Decimal
from typing import Annotated
from typing import Any
from typing import Literal
from typing import TypeVar

import msgspec
from pydantic import BaseModel
from pydantic import BeforeValidator
from pydantic import ConfigDict
from pydantic import Field
from pydantic import field_validator
from pydantic import model_validator

from actors.logic.risk_types import HaltReason
from actors.risk_monitor import RiskMonitorActorConfig
from configs.errors import ConfigError
from configs.types import Decimalish
from configs.types import to_decimal
from strategies.base import PolyedgeStrategyConfig
from strategies.risk_view import GateLimitsConfig

_MODEL_CONFIG = ConfigDict(frozen=True, extra="forbid", strict=True)
_RATE = re.compile(r"[1-9]\d*/\d{2}:\d{2}:\d{2}")
_HALT_REASONS = tuple(reason.value for reason in HaltReason)
MANUAL = "manual"


Fraction = Annotated[Decimal, BeforeValidator(to_decimal), Field(gt=0, le=1)]
PositiveMoney = Annotated[Decimal, BeforeValidator(to_decimal), Field(gt=0)]


class PhaseCaps(BaseModel):
    """Absolute caps of one deployment phase (USDC)."""

    model_config = _MODEL_CONFIG

    max_order_usdc: PositiveMoney
    max_daily_loss_usdc: PositiveMoney
    max_total_exposure_usdc: PositiveMoney


class GateSection(BaseModel):
    """The pre-trade gate limits every strategy order passes."""

    model_config = _MODEL_CONFIG

    max_order_fraction: Fraction = Decimal("0.02")
    max_market_fraction: Fraction = Decimal("0.10")
    max_total_fraction: Fraction = Decimal("0.60")
    max_group_fraction: Fraction = Decimal("0.20")
    cooldown_secs: int = Field(default=60, ge=0)
    max_edge: Fraction = Decimal("0.30")
    max_mid_distance: Fraction = Decimal("0.20")
    min_marketable_notional_usdc: Decimalish = Field(default=Decimal(1), ge=0)
    same_source_categories: list[str] = Field(default_factory=lambda: ["crypto"])


class SizeStep(BaseModel):
    """Once drawdown reaches ``at_drawdown`` of the limit, multiply sizes by ``size``."""

    model_config = _MODEL_CONFIG

    at_drawdown: Fraction
    size: Annotated[Decimal, BeforeValidator(to_decimal), Field(ge=0, le=1)]


class MonitorSection(BaseModel):
    """The RiskMonitor halts, REDUCING thresholds and resume policies."""

    model_config = _MODEL_CONFIG

    venue: str = Field(default="POLYMARKET", min_length=1)
    check_interval_secs: int = Field(default=1, gt=0)
    max_drawdown: Fraction = Decimal("0.05")
    daily_loss: Fraction = Decimal("0.025")
    weekly_loss: Fraction = Decimal("0.05")
    max_consecutive_losses: int = Field(default=5, gt=0)
    stale_feed_secs: dict[str, Annotated[int, Field(gt=0)]] = Field(default_factory=dict)
    max_venue_errors: int = Field(default=10, gt=0)
    venue_error_window_secs: int = Field(default=60, gt=0)
    reducing_at: Fraction = Decimal("0.8")
    size_steps: list[SizeStep] | None = None
    resume: dict[str, Annotated[int, Field(ge=0)] | Literal["manual"]] = Field(
        default_factory=dict,
    )

    @field_validator("resume")
    @classmethod
    def _check_reasons(cls, value: dict[str, int | str]) -> dict[str, int | str]:
        unknown = sorted(set(value) - set(_HALT_REASONS))
        if unknown:
            raise ValueError(f"unknown halt reasons {unknown}; expected some of {_HALT_REASONS}")
        return value


class KillSwitchSection(BaseModel):
    """Where the kill-switch flag lives and whether a kill also closes positions."""

    model_config = _MODEL_CONFIG

    state_dir: str | None = Field(default=None, min_length=1)
    flatten: bool = False


class EngineSection(BaseModel):
    """NautilusTrader's own RiskEngine limits."""

    model_config = _MODEL_CONFIG

    max_order_submit_rate: str = "100/00:00:01"
    max_order_modify_rate: str = "100/00:00:01"
    max_notional_per_order_usdc: PositiveMoney | None = None

    @field_validator("max_order_submit_rate", "max_order_modify_rate")
    @classmethod
    def _check_rate(cls, value: str) -> str:
        if _RATE.fullmatch(value) is None:
            raise ValueError(f"expected 'N/HH:MM:SS' (e.g. 100/00:00:01), got {value!r}")
        return value


class RiskSection(BaseModel):
    """Every risk setting: gate, monitor, kill switch, RiskEngine limits, deployment phase."""

    model_config = _MODEL_CONFIG

    phase: Literal[1, 2, 3] | None = None
    phases: dict[int, PhaseCaps] = Field(default_factory=dict)
    gate: GateSection = Field(default_factory=GateSection)
    monitor: MonitorSection = Field(default_factory=MonitorSection)
    kill_switch: KillSwitchSection = Field(default_factory=KillSwitchSection)
    engine: EngineSection = Field(default_factory=EngineSection)

    @model_validator(mode="after")
    def _check_phase_and_configs(self) -> "RiskSection":
        if self.phase is not None and self.phase not in self.phases:
            raise ValueError(f"phase {self.phase} has no caps under risk.phases")
        # Build both Nautilus configs now so that their own range checks fail at load time.
        for config_cls, values in (
            (GateLimitsConfig, self.gate_limits()),
            (RiskMonitorActorConfig, self.monitor_config()),
        ):
            try:
                config_cls.parse(msgspec.json.encode(values))
            except msgspec.ValidationError as exc:
                raise ValueError(str(exc)) from None
        return self

    def phase_caps(self) -> PhaseCaps | None:
        """
        Return the absolute caps of the selected phase, or None when no phase is set.
        """
        return None if self.phase is None else self.phases[self.phase]

    def gate_limits(self) -> dict[str, Any]:
        """
        Return the ``GateLimitsConfig`` values injected into every polyedge strategy.
        """
        gate, caps = self.gate, self.phase_caps()
        return {
            "order_fraction": str(gate.max_order_fraction),
            "market_fraction": str(gate.max_market_fraction),
            "total_fraction": str(gate.max_total_fraction),
            "group_fraction": str(gate.max_group_fraction),
            "max_order_usdc": None if caps is None else str(caps.max_order_usdc),
            "max_total_usdc": None if caps is None else str(caps.max_total_exposure_usdc),
            "cooldown_secs": gate.cooldown_secs,
            "max_edge": str(gate.max_edge),
            "max_mid_distance": str(gate.max_mid_distance),
            "min_marketable_notional": str(gate.min_marketable_notional_usdc),
            "same_source_categories": list(gate.same_source_categories),
        }

    def monitor_config(self) -> dict[str, Any]:
        """
        Return the ``RiskMonitorActorConfig`` values.
        """
        monitor, caps = self.monitor, self.phase_caps()
        values: dict[str, Any] = {
            "venue": monitor.venue,
            "check_interval_secs": monitor.check_interval_secs,
            "max_drawdown": str(monitor.max_drawdown),
            "daily_loss": str(monitor.daily_loss),
            "weekly_loss": str(monitor.weekly_loss),
            "max_daily_loss_usdc": None if caps is None else str(caps.max_daily_loss_usdc),
            "max_consecutive_losses": monitor.max_consecutive_losses,
            "stale_feed_secs": dict(monitor.stale_feed_secs),
            "max_venue_errors": monitor.max_venue_errors,
            "venue_error_window_secs": monitor.venue_error_window_secs,
            "reducing_at": str(monitor.reducing_at),
            "resume_secs": {
                reason: None if secs == MANUAL else secs for reason, secs in monitor.resume.items()
            },
            "kill_switch_dir": self.kill_switch.state_dir,
            "flatten_on_kill": self.kill_switch.flatten,
        }
        if monitor.size_steps is not None:
            steps = [[str(step.at_drawdown), str(step.size)] for step in monitor.size_steps]
            values["size_steps"] = steps
        return values

    def max_notional_per_order(self) -> Decimal | None:
        """
        Return the RiskEngine's maximum notional per order: the engine cap and the phase cap.
        """
        caps = [self.engine.max_notional_per_order_usdc]
        phase = self.phase_caps()
        if phase is not None:
            caps.append(phase.max_order_usdc)
        present = [cap for cap in caps if cap is not None]
        return min(present) if present else None


EntryT = TypeVar("EntryT", bound=BaseModel)


def with_risk(entry: EntryT, risk: RiskSection | None, key: str = "strategies") -> EntryT:
    """
    Return ``entry`` with the gate limits injected when its config is a polyedge strategy's.

    Parameters
    ----------
    entry : BaseModel
        A strategy or actor entry (``config_path`` and ``config``).
    risk : RiskSection or None
        The validated risk section; None leaves the strategy on its default limits.
    key : str, default "strategies"
        The entry's key path, for errors.

    Returns
    -------
    BaseModel
        ``entry`` itself, or a copy whose ``config`` has ``risk`` set.

    Raises
    ------
    ConfigError
        If a polyedge strategy's YAML sets ``risk`` itself (limits live in the risk section).

    """
    config_cls = _config_class(getattr(entry, "config_path", ""))
    if config_cls is None or not issubclass(config_cls, PolyedgeStrategyConfig):
        return entry
    config: dict[str, Any] = entry.config  # type: ignore[attr-defined]
    if "risk" in config:
        reason = "set risk limits in the top-level risk section, not per strategy"
        raise ConfigError(None, f"{key}.config.risk", reason)
    if risk is None:
        return entry
    return entry.model_copy(update={"config": {**config, "risk": risk.gate_limits()}})


def check_risk_for_mode(mode: str, risk: RiskSection | None) -> None:
    """
    Require a risk section with a deployment phase in live mode.

    Raises
    ------
    ConfigError
        If ``mode`` is ``live`` and no phase is set.

    """
    if mode == "live" and (risk is None or risk.phase is None):
        reason = "required in live mode: set the deployment phase (1, 2 or 3)"
        raise ConfigError(None, "risk.phase", reason)


def _config_class(path: str) -> type | None:
    module_name, _, attribute = path.partition(":")
    try:
        resolved = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError, ValueError):
        # An unknown path is reported by the component builder with its own message.
        return None
    return resolved if isinstance(resolved, type) else None
