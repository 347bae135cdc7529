"""
Wire the ``risk`` section into a node: RiskEngine config, the RiskMonitor, RiskEngine access.

A node builder uses three functions (the live node the same way as the backtest node):

1. ``risk_engine_config(config, instrument_ids)`` for the engine/node config's ``risk_engine``
   (NautilusTrader's own limits: order submit/modify rates and the maximum notional per order,
   which the RiskEngine takes per instrument);
2. ``importable_risk_actors(config)`` appended to the node's actors (the ``RiskMonitorActor``);
3. ``attach_risk_engine(kernel)`` once the kernel exists and before it runs: it registers the
   RiskEngine's ``set_trading_state`` as the message-bus endpoint the monitor halts through.
   NautilusTrader 1.221 gives an Actor no handle on the RiskEngine, while the kernel exposes it
   publicly (``NautilusKernel.risk_engine``), so the node, which owns the kernel, lends it. With
   ``BacktestNode``: ``node.build()``, then ``attach_risk_engine(node.get_engine(id).kernel)``,
   then ``node.run()`` (``run`` reuses the built engine). With ``TradingNode``:
   ``attach_risk_engine(node.kernel)`` after construction.
"""

from collections.abc import Iterable
from decimal import Decimal

from nautilus_trader.common.config import ImportableActorConfig
from nautilus_trader.live.config import LiveRiskEngineConfig
from nautilus_trader.model.identifiers import InstrumentId
from nautilus_trader.risk.config import RiskEngineConfig
from nautilus_trader.system.kernel import NautilusKernel

from actors.risk_monitor import TRADING_STATE_ENDPOINT
from configs.risk_schema import check_risk_for_mode
from configs.schema import PolyedgeConfig

RISK_MONITOR = "actors.risk_monitor:RiskMonitorActor"
RISK_MONITOR_CONFIG = "actors.risk_monitor:RiskMonitorActorConfig"


def risk_engine_config(
    config: PolyedgeConfig,
    instrument_ids: Iterable[InstrumentId | str] = (),
) -> RiskEngineConfig:
    """
    Return the RiskEngine config of the run: rates and maximum notional per order.

    Parameters
    ----------
    config : PolyedgeConfig
        The validated run configuration.
    instrument_ids : Iterable[InstrumentId | str], default ()
        The instruments that get the maximum notional per order (the RiskEngine keys it by
        instrument; in a backtest pass every catalog instrument).

    Returns
    -------
    RiskEngineConfig
        A ``LiveRiskEngineConfig`` outside backtest mode (the live kernel requires it).

    """
    config_cls = RiskEngineConfig if config.mode == "backtest" else LiveRiskEngineConfig
    risk = config.risk
    if risk is None:
        return config_cls()
    cap = risk.max_notional_per_order()
    notional = {} if cap is None else {str(i): _notional(cap) for i in instrument_ids}
    return config_cls(
        max_order_submit_rate=risk.engine.max_order_submit_rate,
        max_order_modify_rate=risk.engine.max_order_modify_rate,
        max_notional_per_order=notional,
    )


def importable_risk_actors(config: PolyedgeConfig) -> list[ImportableActorConfig]:
    """
    Return the risk actors of the run: the ``RiskMonitorActor`` when a risk section is set.

    Raises
    ------
    ConfigError
        In live mode without a risk section and a deployment phase: live trading never starts
        without the phase caps.

    """
    check_risk_for_mode(config.mode, config.risk)
    if config.risk is None:
        return []
    return [
        ImportableActorConfig(
            actor_path=RISK_MONITOR,
            config_path=RISK_MONITOR_CONFIG,
            config=config.risk.monitor_config(),
        ),
    ]


def attach_risk_engine(kernel: NautilusKernel) -> None:
    """
    Register the kernel's ``RiskEngine.set_trading_state`` as ``TRADING_STATE_ENDPOINT``.

    Idempotent: a second call on the same kernel does nothing.

    Parameters
    ----------
    kernel : NautilusKernel
        The built, not yet running kernel (``BacktestEngine.kernel``, ``TradingNode.kernel``).

    """
    if TRADING_STATE_ENDPOINT in kernel.msgbus.endpoints():
        return
    kernel.msgbus.register(
        endpoint=TRADING_STATE_ENDPOINT,
        handler=kernel.risk_engine.set_trading_state,
    )


def _notional(cap: Decimal) -> int | str:
    # The config field is typed dict[str, int]; the RiskEngine parses each value as a Decimal.
    return int(cap) if cap == cap.to_integral_value() else str(cap)
