"""
The ``risk`` section: injection into strategies, phase caps, load-time errors, node wiring.
"""

from decimal import Decimal
from pathlib import Path

import pytest
from nautilus_trader.common.config import ActorFactory
from nautilus_trader.live.config import LiveRiskEngineConfig
from nautilus_trader.risk.config import RiskEngineConfig
from nautilus_trader.trading.config import StrategyFactory

from actors.risk_monitor import RiskMonitorActor
from backtesting.risk_wiring import importable_risk_actors
from backtesting.risk_wiring import risk_engine_config
from configs.errors import ConfigError
from configs.schema import load_config
from strategies.expiry_edge import ExpiryEdge
from strategies.logic.sizing import ExposureLimits

pytestmark = pytest.mark.unit

D = Decimal
REPO_CONFIG = Path("configs/backtest.yaml")
LIVE_ROOT = "mode: live\nnode: {trader_id: LIVE-001}\n"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "root.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_loader_injects_the_gate_limits_into_every_polyedge_strategy() -> None:
    config = load_config(REPO_CONFIG)

    (importable,) = config.importable_strategies()
    strategy = StrategyFactory.create(importable)

    assert isinstance(strategy, ExpiryEdge)
    assert strategy.gate_limits.exposure == ExposureLimits()
    assert strategy.gate_limits.cooldown_secs == 60
    assert config.redacted_dict()["strategies"]["expiry_edge"]["config"]["risk"] is not None


def test_phase_one_caps_reach_gate_monitor_and_risk_engine() -> None:
    config = load_config(REPO_CONFIG, {"risk": {"phase": 1}})

    strategy = StrategyFactory.create(config.importable_strategies()[0])
    (monitor_config,) = importable_risk_actors(config)
    monitor = ActorFactory.create(monitor_config)
    engine_config = risk_engine_config(config, ["A-1.POLYMARKET"])

    assert strategy.gate_limits.exposure.max_order_usdc == D(20)
    assert strategy.gate_limits.exposure.max_total_usdc == D(100)
    assert isinstance(monitor, RiskMonitorActor)
    assert monitor.config.max_daily_loss_usdc == D(10)
    assert engine_config.max_notional_per_order == {"A-1.POLYMARKET": 20}
    assert type(engine_config) is RiskEngineConfig


def test_without_a_phase_the_engine_cap_alone_applies() -> None:
    config = load_config(REPO_CONFIG)

    engine_config = risk_engine_config(config, ["A-1.POLYMARKET"])

    assert engine_config.max_notional_per_order == {"A-1.POLYMARKET": 500}
    assert engine_config.max_order_submit_rate == "100/00:00:01"


def test_strategy_yaml_that_sets_risk_itself_is_rejected(tmp_path: Path) -> None:
    overrides = {"strategies": {"expiry_edge": {"config": {"risk": {"cooldown_secs": 1}}}}}

    with pytest.raises(ConfigError, match="top-level risk section") as error:
        load_config(REPO_CONFIG, overrides)

    assert error.value.key_path == "strategies.expiry_edge.config.risk"


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        ({"gate": {"max_order_fraction": "1.5"}}, "risk.gate.max_order_fraction"),
        ({"gate": {"max_order_fraction": 0.02}}, "risk.gate.max_order_fraction"),
        ({"monitor": {"resume": {"DRAWDOWN": 0}}}, "risk.monitor.resume"),
        ({"engine": {"max_order_submit_rate": "fast"}}, "risk.engine.max_order_submit_rate"),
        ({"phase": 4}, "risk.phase"),
    ],
)
def test_bad_risk_values_fail_at_load_with_their_key(overrides: dict, key: str) -> None:
    with pytest.raises(ConfigError) as error:
        load_config(REPO_CONFIG, {"risk": overrides})

    assert error.value.key_path == key


def test_a_phase_without_caps_is_rejected(tmp_path: Path) -> None:
    root = write(tmp_path, LIVE_ROOT + "risk: {phase: 2, phases: {}}\n")

    with pytest.raises(ConfigError, match="phase 2 has no caps"):
        load_config(root)


def test_live_node_refuses_to_wire_risk_without_a_phase(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, LIVE_ROOT + "risk: {}\n"))

    with pytest.raises(ConfigError, match="deployment phase"):
        importable_risk_actors(config)


def test_live_mode_gets_a_live_risk_engine_config(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        LIVE_ROOT
        + "risk:\n  phase: 1\n  phases: {1: {max_order_usdc: '20', max_daily_loss_usdc: '10',"
        + " max_total_exposure_usdc: '100'}}\n",
    )
    config = load_config(root)

    assert isinstance(risk_engine_config(config), LiveRiskEngineConfig)
    assert len(importable_risk_actors(config)) == 1


def test_no_risk_section_means_default_limits_and_no_monitor(tmp_path: Path) -> None:
    config = load_config(
        write(
            tmp_path,
            "mode: paper\nnode: {trader_id: P-1}\nvenue:\n  starting_balance_usdc: '100'\n",
        )
    )

    assert config.risk is None
    assert importable_risk_actors(config) == []
    assert type(risk_engine_config(config)) is LiveRiskEngineConfig
