"""Validation of the merged config: sections, components, secrets, redaction and hashing."""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from nautilus_trader.common.config import ActorFactory
from nautilus_trader.trading.config import StrategyFactory
from pydantic import ValidationError

from configs.errors import ConfigError
from configs.schema import PolyedgeConfig
from configs.schema import load_config
from tests.unit._config_stubs import STUBS
from tests.unit._config_stubs import StubActor
from tests.unit._config_stubs import StubStrategy
from tests.unit._config_stubs import write_yaml

pytestmark = pytest.mark.unit

REPO_ROOT = Path(__file__).resolve().parents[2]

BASE_YAML = """
node:
  trader_id: TESTER-001
  log_level: INFO
catalog:
  path: data/catalog
venue:
  starting_balance_usdc: "10000"
  book_type: L2_MBP
  fee_rounding_dp: 6
"""

STRATEGY_YAML = f"""
strategies:
  edge:
    strategy_path: {STUBS}:StubStrategy
    config_path: {STUBS}:StubStrategyConfig
    config:
      min_probability: 0.7
      stake_usdc: "50"
"""

ROOT_YAML = """
include: [base.yaml, strategy.yaml]
mode: backtest
backtest:
  equity_sample_secs: 300
"""


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    write_yaml(tmp_path, "base.yaml", BASE_YAML)
    write_yaml(tmp_path, "strategy.yaml", STRATEGY_YAML)
    write_yaml(tmp_path, "root.yaml", ROOT_YAML)
    return tmp_path


def _root_with(folder: Path, extra: str) -> Path:
    return write_yaml(folder, "root.yaml", ROOT_YAML + extra)


def _load_error(path: Path, overrides: dict | None = None) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load_config(path, overrides)
    return caught.value


def test_valid_config_loads_with_decimal_money(config_dir: Path) -> None:
    config = load_config(config_dir / "root.yaml")

    assert config.mode == "backtest"
    assert config.venue is not None
    assert config.venue.starting_balance_usdc == Decimal("10000")
    assert isinstance(config.venue.starting_balance_usdc, Decimal)
    assert config.backtest is not None
    assert config.backtest.results_dir == "results"


def test_validated_config_is_frozen(config_dir: Path) -> None:
    config = load_config(config_dir / "root.yaml")

    with pytest.raises(ValidationError):
        config.mode = "live"  # type: ignore[misc]


def test_money_written_as_float_rejected(config_dir: Path) -> None:
    error = _load_error(config_dir / "root.yaml", {"venue": {"starting_balance_usdc": 10.5}})

    assert error.key_path == "venue.starting_balance_usdc"
    assert "write money and fractions as strings" in error.reason


def test_unknown_top_level_key_rejected(config_dir: Path) -> None:
    root = _root_with(config_dir, "bogus: 1\n")

    error = _load_error(root)

    assert (error.file, error.key_path) == (root, "bogus")
    assert "unknown key" in error.reason


def test_unknown_nested_key_names_fragment_that_set_it(config_dir: Path) -> None:
    base = write_yaml(config_dir, "base.yaml", BASE_YAML + "  bookk_type: L2_MBP\n")

    error = _load_error(config_dir / "root.yaml")

    assert (error.file, error.key_path) == (base, "venue.bookk_type")


def test_string_for_integer_rejected(config_dir: Path) -> None:
    root = write_yaml(config_dir, "root.yaml", ROOT_YAML.replace("300", '"300"'))

    error = _load_error(root)

    assert (error.file, error.key_path) == (root, "backtest.equity_sample_secs")
    assert "valid integer" in error.reason


def test_l1_book_type_rejected(config_dir: Path) -> None:
    error = _load_error(config_dir / "root.yaml", {"venue": {"book_type": "L1_MBP"}})

    assert error.key_path == "venue.book_type"
    assert "'L1_MBP'" in error.reason


def test_trader_id_without_hyphen_rejected(config_dir: Path) -> None:
    error = _load_error(config_dir / "root.yaml", {"node": {"trader_id": "TESTER"}})

    assert error.key_path == "node.trader_id"
    assert "NAME-TAG" in error.reason


def test_end_not_after_start_rejected(config_dir: Path) -> None:
    window = {"start": "2024-01-02T00:00:00Z", "end": "2024-01-01T00:00:00Z"}

    error = _load_error(config_dir / "root.yaml", {"backtest": window})

    assert error.key_path == "backtest.end"
    assert "must be after start" in error.reason


def test_unquoted_yaml_timestamps_become_iso_strings(config_dir: Path) -> None:
    root = _root_with(config_dir, "  start: 2024-01-01T00:00:00Z\n  end: 2024-01-02\n")

    config = load_config(root)

    assert config.backtest is not None
    assert config.backtest.start == "2024-01-01T00:00:00+00:00"
    assert config.backtest.end == "2024-01-02"


def test_backtest_mode_without_backtest_section_rejected(config_dir: Path) -> None:
    root = write_yaml(config_dir, "root.yaml", "include: [base.yaml]\nmode: backtest\n")

    error = _load_error(root)

    assert (error.file, error.key_path) == (root, "backtest")
    assert "required when mode is 'backtest'" in error.reason


def test_live_mode_needs_no_backtest_sections(tmp_path: Path) -> None:
    root = write_yaml(tmp_path, "live.yaml", "mode: live\nnode: {trader_id: LIVE-001}\n")

    config = load_config(root)

    assert (config.catalog, config.venue, config.backtest) == (None, None, None)


def test_post_init_range_error_names_config_and_root_that_set_it(config_dir: Path) -> None:
    root = _root_with(config_dir, "strategies:\n  edge:\n    config:\n      min_probability: 1.5\n")

    error = _load_error(root)

    assert (error.file, error.key_path) == (root, "strategies.edge.config")
    assert "min_probability must be in (0, max_probability), was 1.5" in error.reason


def test_post_init_range_error_names_fragment_that_set_it(config_dir: Path) -> None:
    fragment = write_yaml(
        config_dir,
        "strategy.yaml",
        STRATEGY_YAML.replace("min_probability: 0.7", "min_probability: 1.5"),
    )

    error = _load_error(config_dir / "root.yaml")

    assert (error.file, error.key_path) == (fragment, "strategies.edge.config")


def test_component_type_error_names_the_field(config_dir: Path) -> None:
    overrides = {"strategies": {"edge": {"config": {"min_probability": "high"}}}}

    error = _load_error(config_dir / "root.yaml", overrides)

    assert error.key_path == "strategies.edge.config.min_probability"
    assert error.reason == "Expected `float`, got `str`"


def test_unknown_component_field_rejected_with_suggestion(config_dir: Path) -> None:
    overrides = {"strategies": {"edge": {"config": {"min_probabilty": 0.8}}}}

    error = _load_error(config_dir / "root.yaml", overrides)

    assert error.key_path == "strategies.edge.config.min_probabilty"
    assert "did you mean 'min_probability'?" in error.reason


def test_unknown_strategy_module_rejected(config_dir: Path) -> None:
    overrides = {"strategies": {"edge": {"strategy_path": "strategies.nope:Nope"}}}

    error = _load_error(config_dir / "root.yaml", overrides)

    assert error.key_path == "strategies.edge.strategy_path"
    assert error.reason == (
        "unknown strategy path 'strategies.nope:Nope': No module named 'strategies.nope'"
    )


def test_unknown_config_class_rejected(config_dir: Path) -> None:
    overrides = {"strategies": {"edge": {"config_path": f"{STUBS}:MissingConfig"}}}

    error = _load_error(config_dir / "root.yaml", overrides)

    assert error.key_path == "strategies.edge.config_path"
    assert "unknown strategy config path" in error.reason


def test_config_class_of_wrong_kind_rejected(config_dir: Path) -> None:
    overrides = {"strategies": {"edge": {"config_path": f"{STUBS}:StubActorConfig"}}}

    error = _load_error(config_dir / "root.yaml", overrides)

    assert error.key_path == "strategies.edge.config_path"
    assert "not a subclass of StrategyConfig" in error.reason


def test_path_without_colon_rejected(config_dir: Path) -> None:
    overrides = {"strategies": {"edge": {"config_path": f"{STUBS}.StubStrategyConfig"}}}

    error = _load_error(config_dir / "root.yaml", overrides)

    assert error.key_path == "strategies.edge.config_path"
    assert "expected 'package.module:Class'" in error.reason


@pytest.mark.parametrize("name", ["api_key", "api_secret", "private_key", "passphrase", "pk"])
def test_secret_keys_in_yaml_rejected(config_dir: Path, name: str) -> None:
    strategy = write_yaml(config_dir, "strategy.yaml", STRATEGY_YAML + f"      {name}: abc\n")

    error = _load_error(config_dir / "root.yaml")

    assert (error.file, error.key_path) == (strategy, f"strategies.edge.config.{name}")
    assert "POLYMARKET_PK" in error.reason


def test_redacted_dict_is_json_and_masks_key_like_names(config_dir: Path) -> None:
    config = load_config(config_dir / "root.yaml")

    document = config.redacted_dict()

    json.dumps(document)
    strategy = document["strategies"]["edge"]
    assert strategy["config"]["signing_key_env"] == "***"
    assert strategy["config"]["max_probability"] == 0.99
    assert document["venue"]["starting_balance_usdc"] == "10000"


def test_config_hash_is_stable_across_loads(config_dir: Path) -> None:
    first = load_config(config_dir / "root.yaml").config_hash()
    second = load_config(config_dir / "root.yaml").config_hash()

    assert first == second
    assert len(first) == 12


def test_config_hash_changes_when_a_value_changes(config_dir: Path) -> None:
    before = load_config(config_dir / "root.yaml").config_hash()
    overrides = {"strategies": {"edge": {"config": {"min_probability": 0.71}}}}

    after = load_config(config_dir / "root.yaml", overrides).config_hash()

    assert before != after


def test_config_hash_ignores_explicitly_written_defaults(config_dir: Path) -> None:
    before = load_config(config_dir / "root.yaml").config_hash()
    overrides = {"strategies": {"edge": {"config": {"max_probability": 0.99}}}}

    after = load_config(config_dir / "root.yaml", overrides).config_hash()

    assert before == after


def test_importable_strategies_build_through_strategy_factory(config_dir: Path) -> None:
    second = f"  second:\n    strategy_path: {STUBS}:StubStrategy\n"
    second += f"    config_path: {STUBS}:StubStrategyConfig\n"
    second += "    config: {min_probability: 0.8, order_id_tag: '002'}\n"
    write_yaml(config_dir, "strategy.yaml", STRATEGY_YAML + second)
    config = load_config(config_dir / "root.yaml")

    strategies = [StrategyFactory.create(item) for item in config.importable_strategies()]

    assert all(isinstance(item, StubStrategy) for item in strategies)
    assert [item.config.min_probability for item in strategies] == [0.7, 0.8]
    assert strategies[0].config.stake_usdc == Decimal("50")


def test_importable_actors_build_through_actor_factory(config_dir: Path) -> None:
    actors = f"actors:\n  flow:\n    actor_path: {STUBS}:StubActor\n"
    actors += f"    config_path: {STUBS}:StubActorConfig\n    config: {{window_secs: 30}}\n"
    config = load_config(_root_with(config_dir, actors))

    built = [ActorFactory.create(item) for item in config.importable_actors()]

    assert len(built) == 1
    assert isinstance(built[0], StubActor)
    assert built[0].config.window_secs == 30


def test_actor_post_init_error_names_actor_config(config_dir: Path) -> None:
    actors = f"actors:\n  flow:\n    actor_path: {STUBS}:StubActor\n"
    actors += f"    config_path: {STUBS}:StubActorConfig\n    config: {{window_secs: 0}}\n"
    root = _root_with(config_dir, actors)

    error = _load_error(root)

    assert (error.file, error.key_path) == (root, "actors.flow.config")
    assert "window_secs must be > 0" in error.reason


def test_model_validate_checks_components_without_loader() -> None:
    document = {
        "mode": "live",
        "node": {"trader_id": "LIVE-001"},
        "strategies": {"x": {"strategy_path": "a.b:C", "config_path": "a.b:D"}},
    }

    with pytest.raises(ConfigError, match="unknown strategy path"):
        PolyedgeConfig.model_validate(document)


def test_repository_backtest_yaml_loads() -> None:
    module = pytest.importorskip("strategies.expiry_edge")
    if not hasattr(module, "ExpiryEdgeConfig") or not hasattr(module, "ExpiryEdge"):
        pytest.skip("strategies.expiry_edge is not complete yet")

    config = load_config(REPO_ROOT / "configs" / "backtest.yaml")

    assert config.mode == "backtest"
    assert config.venue is not None
    assert config.venue.book_type == "L2_MBP"
    [strategy] = config.importable_strategies()
    assert strategy.strategy_path == "strategies.expiry_edge:ExpiryEdge"
    assert strategy.config["min_probability"] == 0.70
