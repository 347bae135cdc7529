"""
The kill switch: a file flag that halts all trading, and the command that sets and clears it.

The flag lives in a state directory (``risk.kill_switch.state_dir`` in the YAML):

- ``KILL``: present while the kill switch is on; JSON ``{"reason": ..., "flatten": ...}``.
  ``RiskMonitorActor`` checks for it on its 1 s timer, so trading halts (RiskEngine HALTED,
  resting orders cancelled, positions flattened when asked) within one second of the file
  appearing, and stays halted until the file is gone.
- ``RESUME``: a one-shot request written by ``resume``; the monitor consumes it and lifts the
  halts whose policy needs a manual resume (e.g. max drawdown).

Usage::

    python -m actors.kill_switch kill --state-dir state/risk --reason "venue incident" [--flatten]
    python -m actors.kill_switch resume --state-dir state/risk
    python -m actors.kill_switch status --config configs/backtest.yaml

``--config`` reads the state directory from a run configuration instead of ``--state-dir``.
Exit codes: 0 done, 1 (status) kill switch on, 2 bad arguments or configuration.
"""

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from nautilus_trader.core.uuid import UUID4
from nautilus_trader.execution.messages import CancelOrder
from nautilus_trader.execution.messages import SubmitOrder
from nautilus_trader.model.enums import OrderSide
from nautilus_trader.model.enums import TimeInForce
from nautilus_trader.model.identifiers import ClientOrderId
from nautilus_trader.model.orders import MarketOrder
from nautilus_trader.model.orders import Order
from nautilus_trader.model.position import Position

KILL_FILE = "KILL"
KILL_SWITCH_TAG = "KILL_SWITCH"
RESUME_FILE = "RESUME"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class KillRequest:
    """
    The content of the ``KILL`` flag.

    Parameters
    ----------
    reason : str
        Why trading was stopped (shown in logs and the report).
    flatten : bool
        If open positions should be closed too.

    """

    reason: str
    flatten: bool = False


def request_kill(state_dir: str | Path, reason: str, flatten: bool = False) -> Path:
    """
    Set the kill switch: write the ``KILL`` flag atomically.

    Parameters
    ----------
    state_dir : str or Path
        The kill-switch state directory (created if missing).
    reason : str
        Why trading is stopped.
    flatten : bool, default False
        If open positions should be closed too.

    Returns
    -------
    Path
        The flag file.

    """
    directory = Path(state_dir)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / KILL_FILE
    _write_atomic(path, json.dumps({"reason": reason, "flatten": flatten}, sort_keys=True))
    return path


def request_resume(state_dir: str | Path) -> Path:
    """
    Clear the kill switch and ask the monitor for a manual resume.

    Parameters
    ----------
    state_dir : str or Path
        The kill-switch state directory (created if missing).

    Returns
    -------
    Path
        The resume request file.

    """
    directory = Path(state_dir)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / KILL_FILE).unlink(missing_ok=True)
    path = directory / RESUME_FILE
    _write_atomic(path, "resume\n")
    return path


def read_kill(state_dir: str | Path) -> KillRequest | None:
    """
    Return the kill request if the ``KILL`` flag is present, else None.

    A flag that is empty or not valid JSON still kills (reason "kill switch file present"):
    an operator may simply ``touch`` it.
    """
    path = Path(state_dir) / KILL_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        content = json.loads(text)
    except json.JSONDecodeError:
        content = None
    if not isinstance(content, dict):
        return KillRequest(reason="kill switch file present")
    reason = str(content.get("reason") or "kill switch file present")
    return KillRequest(reason=reason, flatten=bool(content.get("flatten", False)))


def take_resume(state_dir: str | Path) -> bool:
    """
    Consume a pending resume request; return whether there was one.
    """
    path = Path(state_dir) / RESUME_FILE
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True


def cancel_command(order: Order, ts_ns: int) -> CancelOrder:
    """
    Return the command that cancels ``order`` (sent to the ExecEngine).
    """
    return CancelOrder(
        trader_id=order.trader_id,
        strategy_id=order.strategy_id,
        instrument_id=order.instrument_id,
        client_order_id=order.client_order_id,
        venue_order_id=order.venue_order_id,
        command_id=UUID4(),
        ts_init=ts_ns,
    )


def close_position_command(
    position: Position,
    client_order_id: ClientOrderId,
    tag: str,
    ts_ns: int,
) -> SubmitOrder:
    """
    Return a reduce-only IOC market order closing ``position``, owned by its strategy.
    """
    order = MarketOrder(
        trader_id=position.trader_id,
        strategy_id=position.strategy_id,
        instrument_id=position.instrument_id,
        client_order_id=client_order_id,
        order_side=OrderSide.SELL if position.is_long else OrderSide.BUY,
        quantity=position.quantity,
        init_id=UUID4(),
        ts_init=ts_ns,
        time_in_force=TimeInForce.IOC,
        reduce_only=True,
        tags=[tag],
    )
    return SubmitOrder(
        trader_id=position.trader_id,
        strategy_id=position.strategy_id,
        order=order,
        command_id=UUID4(),
        ts_init=ts_ns,
        position_id=position.id,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """
    Run the ``kill`` / ``resume`` / ``status`` command; return the exit code.
    """
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    args = _parser().parse_args(argv)
    state_dir = _state_dir(args)
    if state_dir is None:
        return 2
    if args.command == "kill":
        path = request_kill(state_dir, args.reason, args.flatten)
        log.warning("Kill switch ON (%s, flatten=%s): %s", args.reason, args.flatten, path)
        return 0
    if args.command == "resume":
        path = request_resume(state_dir)
        log.warning("Kill switch OFF, resume requested: %s", path)
        return 0
    request = read_kill(state_dir)
    if request is None:
        log.info("Kill switch off (%s)", Path(state_dir) / KILL_FILE)
        return 0
    log.warning("Kill switch ON: %s (flatten=%s)", request.reason, request.flatten)
    return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m actors.kill_switch", description=__doc__)
    parser.add_argument("command", choices=("kill", "resume", "status"))
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--state-dir", help="the kill-switch state directory")
    where.add_argument("--config", help="a run config whose risk.kill_switch.state_dir to use")
    parser.add_argument("--reason", default="manual kill switch", help="why (kill only)")
    parser.add_argument("--flatten", action="store_true", help="also close positions (kill)")
    return parser


def _state_dir(args: argparse.Namespace) -> Path | None:
    if args.state_dir is not None:
        return Path(args.state_dir)
    # Imported here: loading a config imports every component, which plain kill/resume skip.
    from configs.errors import ConfigError
    from configs.schema import load_config

    try:
        config = load_config(args.config)
    except ConfigError as exc:
        log.error("%s", exc)
        return None
    if config.risk is None or config.risk.kill_switch.state_dir is None:
        log.error("%s: risk.kill_switch.state_dir is not set", args.config)
        return None
    return Path(config.risk.kill_switch.state_dir)


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


if __name__ == "__main__":
    sys.exit(main())
