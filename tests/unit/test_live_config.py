"""
Paper, local and live configs validate and build the right TradingNodeConfig (no network).
"""

import asyncio
import logging
from pathlib import Path
from typing import Any

import pytest
from nautilus_trader.adapters.binance.common.enums import BinanceAccountType
from nautilus_trader.adapters.binance.config import BinanceDataClientConfig
from nautilus_trader.adapters.polymarket.config import PolymarketExecClientConfig
from nautilus_trader.adapters.sandbox.config import SandboxExecutionClientConfig
from nautilus_trader.adapters.sandbox.execution import SandboxExecutionClient
from nautilus_trader.live.config import LiveRiskEngineConfig
from nautilus_trader.model.enums import BookType
from nautilus_trader.model.identifiers import ClientId

import run_live
from actors.market_scanner import MarketScannerActor
from actors.metrics import MetricsActor
from actors.risk_monitor import TRADING_STATE_ENDPOINT
from adapters.polymarket.config import PolyedgeDataClientConfig
from adapters.polymarket.data import PolyedgeDataClient
from adapters.polymarket.factories import clear_factory_caches
from configs.errors import ConfigError
from configs.schema import PolyedgeConfig
from configs.schema import load_config
from live.credentials import Credentials
from live.credentials import dummy_credentials
from live.node import SCANNER_PATH
from live.node import build_trading_node
from live.node import node_config
from tests.unit.test_credentials import VALID

pytestmark = pytest.mark.unit

CONFIGS = Path(__file__).resolve().parents[2] / "configs"
PAPER, LOCAL, LIVE = (CONFIGS / f"{name}.yaml" for name in ("paper", "local", "live"))
REAL_CREDS = Credentials(values=VALID)


def _load(path: Path, **overrides: Any) -> PolyedgeConfig:
    return load_config(path, overrides=overrides or None)


def _config_error(path: Path, **overrides: Any) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        _load(path, **overrides)
    return info.value


@pytest.mark.parametrize(
    ("path", "mode", "credentials", "local"),
    [(PAPER, "paper", "env", False), (LOCAL, "paper", "dummy", True), (LIVE, "live", "env", False)],
)
def test_root_configs_validate(path: Path, mode: str, credentials: str, local: bool) -> None:
    config = _load(path)

    assert config.mode == mode
    assert config.live.credentials == credentials
    assert config.live.is_local() is local
    assert set(config.strategies) == {"expiry_edge"}
    assert set(config.actors) == {
        "order_flow",
        "technical",
        "fair_value",
        "market_scanner",
        "metrics",
    }


@pytest.mark.parametrize(("path", "port"), [(PAPER, 9464), (LIVE, 9464), (LOCAL, 0)])
def test_live_configs_run_the_scanner_on_polymarket_and_serve_metrics(
    path: Path, port: int
) -> None:
    config = _load(path)

    scanner = config.actors["market_scanner"]
    assert scanner.actor_path == SCANNER_PATH
    assert scanner.config["instrument_client_id"] == "POLYMARKET"
    assert config.actors["metrics"].config["port"] == port


def test_backtests_run_neither_the_scanner_nor_the_metrics_server() -> None:
    config = _load(CONFIGS / "backtest.yaml")

    assert "market_scanner" not in config.actors
    assert "metrics" not in config.actors


def test_scanner_gamma_url_always_comes_from_the_live_section() -> None:
    config = _load(
        PAPER, actors={"market_scanner": {"config": {"gamma_url": "https://elsewhere.example"}}}
    )

    built = node_config(config, REAL_CREDS)

    [scanner] = [a for a in built.actors if a.actor_path == SCANNER_PATH]
    assert scanner.config["gamma_url"] == config.live.polymarket.gamma_url
    assert config.actors["market_scanner"].config["gamma_url"] == "https://elsewhere.example"


@pytest.mark.parametrize("path", [PAPER, LOCAL])
def test_paper_runs_on_the_sandbox_with_l2_and_the_usdc_balance(path: Path) -> None:
    built = node_config(_load(path), dummy_credentials())

    sandbox = built.exec_clients["POLYMARKET"]
    assert isinstance(sandbox, SandboxExecutionClientConfig)
    assert sandbox.venue == "POLYMARKET"
    assert sandbox.account_type == "CASH"
    assert sandbox.book_type == "L2_MBP"
    assert sandbox.starting_balances == ["10000 USDC.e"]
    assert set(built.exec_clients) == {"POLYMARKET"}


def test_data_clients_are_the_fixed_polymarket_client_and_binance_usdt_futures() -> None:
    config = _load(PAPER)

    built = node_config(config, REAL_CREDS)

    poly = built.data_clients["POLYMARKET"]
    binance = built.data_clients["BINANCE"]
    assert isinstance(poly, PolyedgeDataClientConfig)
    assert poly.base_url_http == "https://clob.polymarket.com"
    assert poly.base_url_ws == "wss://ws-subscriptions-clob.polymarket.com/ws/"
    assert poly.max_tokens_per_connection == 500
    assert (poly.private_key, poly.passphrase) == (VALID["POLYMARKET_PK"], "passphrase-value-789")
    assert isinstance(binance, BinanceDataClientConfig)
    assert binance.account_type == BinanceAccountType.USDT_FUTURES
    assert binance.base_url_http == "https://fapi.binance.com"
    assert binance.base_url_ws == "wss://fstream.binance.com"
    assert binance.api_key == VALID["BINANCE_API_KEY"]
    assert [str(i) for i in binance.instrument_provider.load_ids] == ["BTCUSDT-PERP.BINANCE"]


def test_node_shares_actors_strategies_and_risk_with_backtests() -> None:
    built = node_config(_load(PAPER), REAL_CREDS)

    assert isinstance(built.risk_engine, LiveRiskEngineConfig)
    assert built.risk_engine.max_order_submit_rate == "100/00:00:01"
    assert built.data_engine.buffer_deltas
    actor_paths = [actor.actor_path for actor in built.actors]
    assert "actors.risk_monitor:RiskMonitorActor" in actor_paths
    assert [s.strategy_path for s in built.strategies] == ["strategies.expiry_edge:ExpiryEdge"]
    assert str(built.trader_id) == "POLYEDGE-001"


def test_live_uses_the_polymarket_execution_client_with_env_keys() -> None:
    config = _load(LIVE)

    exec_config = node_config(config, REAL_CREDS).exec_clients["POLYMARKET"]

    assert isinstance(exec_config, PolymarketExecClientConfig)
    assert exec_config.api_secret == VALID["POLYMARKET_API_SECRET"]
    assert exec_config.base_url_ws == config.live.polymarket.base_url_ws
    assert config.risk.phase == 1


def test_local_points_every_url_at_loopback() -> None:
    built = node_config(_load(LOCAL), dummy_credentials())

    urls = [
        built.data_clients["POLYMARKET"].base_url_http,
        built.data_clients["POLYMARKET"].base_url_ws,
        built.data_clients["BINANCE"].base_url_http,
        built.data_clients["BINANCE"].base_url_ws,
    ]
    assert all(url.split("://")[1].startswith("127.0.0.1:") for url in urls)


@pytest.mark.parametrize(
    ("section", "key", "value", "reason"),
    [
        ("polymarket", "base_url_ws", "wss://example.com/ws", "must end with '/'"),
        ("binance", "base_url_ws", "wss://fstream.binance.com/", "must not end with '/'"),
        ("polymarket", "base_url_http", "ftp://example.com", "expected a http or https URL"),
        ("binance", "base_url_ws", "https://fstream.binance.com", "expected a ws or wss URL"),
        ("polymarket", "max_tokens_per_connection", 501, "less than or equal to 500"),
        ("polymarket", "load_ids", ["0xabc-123.BINANCE"], "must end with '.POLYMARKET'"),
    ],
)
def test_url_and_shard_rules_fail_with_a_clear_error(
    section: str, key: str, value: Any, reason: str
) -> None:
    error = _config_error(PAPER, live={section: {key: value}})

    assert error.key_path == f"live.{section}.{key}"
    assert reason in error.reason


def test_a_node_needs_the_live_section(tmp_path: Path) -> None:
    root = tmp_path / "paper.yaml"
    root.write_text(
        f"include: [{CONFIGS / 'base/node.yaml'}, {CONFIGS / 'base/polymarket_venue.yaml'}]\n"
        "mode: paper\n",
    )
    config = _load(root)

    with pytest.raises(ConfigError) as info:
        node_config(config, REAL_CREDS)

    assert info.value.key_path == "live"
    assert "required when running a paper node" in info.value.reason


def test_dummy_credentials_are_refused_against_real_venues() -> None:
    error = _config_error(PAPER, live={"credentials": "dummy"})

    assert error.key_path == "live.credentials"
    assert "only allowed when every endpoint is 127.0.0.1/localhost" in error.reason


def test_dummy_credentials_are_refused_in_live_mode() -> None:
    error = _config_error(LOCAL, mode="live", risk={"phase": 1})

    assert error.key_path == "live.credentials"
    assert "refused in live mode" in error.reason


def test_yaml_secrets_are_refused() -> None:
    error = _config_error(LOCAL, live={"polymarket": {"api_key": "x"}})

    assert "environment variables" in error.reason


@pytest.fixture
def fresh_loop():
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


def test_trading_node_builds_against_local_without_connecting(fresh_loop) -> None:
    clear_factory_caches()
    node = build_trading_node(_load(LOCAL), dummy_credentials(), loop=fresh_loop)
    try:
        node.build()

        data_engine, exec_engine = node.kernel.data_engine, node.kernel.exec_engine
        assert set(data_engine.registered_clients) == {ClientId("POLYMARKET"), ClientId("BINANCE")}
        assert isinstance(data_engine._clients[ClientId("POLYMARKET")], PolyedgeDataClient)
        sandbox = exec_engine._clients[ClientId("POLYMARKET")]
        assert isinstance(sandbox, SandboxExecutionClient)
        assert sandbox.exchange.book_type == BookType.L2_MBP
        assert TRADING_STATE_ENDPOINT in node.kernel.msgbus.endpoints()
        assert not node.is_running()
    finally:
        node.dispose()
        clear_factory_caches()


def test_built_node_wires_the_scanner_and_metrics_to_the_polymarket_client(fresh_loop) -> None:
    clear_factory_caches()
    config = _load(LOCAL)
    node = build_trading_node(config, dummy_credentials(), loop=fresh_loop)
    try:
        node.build()
        fresh_loop.run_until_complete(asyncio.sleep(0))  # run the first feed-stats callback

        client = node.kernel.data_engine._clients[ClientId("POLYMARKET")]
        actors = node.trader.actors()
        [scanner] = [a for a in actors if isinstance(a, MarketScannerActor)]
        [metrics] = [a for a in actors if isinstance(a, MetricsActor)]
        assert scanner._loader == client._instrument_provider.load_ids_async
        assert (
            scanner._cfg.gamma_url == config.live.polymarket.gamma_url == "http://127.0.0.1:18082"
        )
        labels = {"venue": "POLYMARKET"}
        assert metrics.registry.get_sample_value("polyedge_feed_shards", labels) == 0
        assert metrics.registry.get_sample_value("polyedge_feed_subscribed_tokens", labels) == 0
        assert not node.is_running()
    finally:
        node.dispose()
        clear_factory_caches()


def test_run_live_exits_2_naming_the_missing_variable(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    for name in VALID:
        monkeypatch.setenv(name, VALID[name])
    monkeypatch.delenv("BINANCE_API_SECRET")

    with caplog.at_level(logging.ERROR):
        assert run_live.main([str(PAPER)]) == 2

    assert "BINANCE_API_SECRET" in caplog.text
    assert VALID["POLYMARKET_PK"] not in caplog.text


def test_run_live_exits_2_on_a_config_error(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR):
        assert run_live.main([str(CONFIGS / "backtest.yaml")]) == 2

    assert "run_live.py runs paper or live configs, not backtest" in caplog.text
