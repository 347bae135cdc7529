"""
Run a paper or live node: `python run_live.py configs/paper.yaml` (stop with Ctrl-C/SIGTERM).
`python run_live.py configs/local.yaml` runs offline: it starts the fake venues in-process.

NautilusTrader's kernel turns SIGINT/SIGTERM into a graceful ``TradingNode.stop()``: strategies'
``on_stop`` cancel their resting orders, then the engines stop and ``run`` returns.
"""

import argparse
import asyncio
import json
import logging
import sys

from adapters.fakes.local_venues import start_in_loop
from configs.errors import ConfigError
from configs.schema import load_config
from live.credentials import CredentialsError
from live.credentials import load_credentials
from live.node import build_trading_node
from live.node import check_runnable

log = logging.getLogger("run_live")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Run a polyedge paper or live trading node.")
    parser.add_argument("config", help="root YAML config, e.g. configs/paper.yaml")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        config = load_config(args.config)
        check_runnable(config)
        creds = load_credentials(config.live.credentials == "dummy")
    except (ConfigError, CredentialsError) as error:
        log.error("%s", error)
        return 2
    log.info("Config %s mode %s hash %s", args.config, config.mode, config.config_hash())
    log.info(
        "Resolved config (secrets removed): %s",
        json.dumps(config.redacted_dict(), sort_keys=True),
    )
    # live.start_fakes (configs/local.yaml): the fake venues share the node's event loop.
    loop = asyncio.new_event_loop() if config.live.start_fakes else None
    venues = start_in_loop(config.live, loop) if loop is not None else None
    node = build_trading_node(config, creds, loop)
    try:
        node.build()
        node.run()
    except KeyboardInterrupt:
        node.stop()
    finally:
        if venues is not None:
            loop.run_until_complete(venues.stop())
        node.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
