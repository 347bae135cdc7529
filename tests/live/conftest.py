"""
Fixtures for live-path tests against the loopback fake venues.
"""

import pytest

from adapters.polymarket.factories import clear_factory_caches


@pytest.fixture
def polymarket_env(monkeypatch: pytest.MonkeyPatch):
    """
    Set dummy Polymarket credentials (the 1.221 clients refuse to build without keys) and
    clear the factories' cached clients before and after the test.
    """
    monkeypatch.setenv("POLYMARKET_PK", "0x" + "11" * 32)
    monkeypatch.setenv("POLYMARKET_FUNDER", "0x" + "22" * 20)
    monkeypatch.setenv("POLYMARKET_API_KEY", "dummy-api-key")
    monkeypatch.setenv("POLYMARKET_API_SECRET", "ZHVtbXktc2VjcmV0")
    monkeypatch.setenv("POLYMARKET_PASSPHRASE", "dummy-passphrase")
    clear_factory_caches()
    yield
    clear_factory_caches()
