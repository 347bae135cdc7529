"""
Test-suite options: tests that would touch real venues run only with ``--network``.
"""

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--network",
        action="store_true",
        default=False,
        help="also run tests marked `network` (they reach real venues)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--network"):
        return
    skip = pytest.mark.skip(reason="touches a real venue; run with --network")
    for item in items:
        if "network" in item.keywords:
            item.add_marker(skip)
