"""
Credentials come only from the environment; errors name the variable and never echo a value.
"""

import pytest

from live.credentials import BINANCE_VARIABLES
from live.credentials import POLYMARKET_VARIABLES
from live.credentials import CredentialsError
from live.credentials import credentials_from_env
from live.credentials import dummy_credentials
from live.credentials import load_credentials

pytestmark = pytest.mark.unit

SECRET_PK = "0x" + "ab" * 32
VALID = {
    "POLYMARKET_PK": SECRET_PK,
    "POLYMARKET_FUNDER": "0x" + "cd" * 20,
    "POLYMARKET_API_KEY": "key-value-123",
    "POLYMARKET_API_SECRET": "secret-value-456",
    "POLYMARKET_PASSPHRASE": "passphrase-value-789",
    "BINANCE_API_KEY": "binance-key-value",
    "BINANCE_API_SECRET": "binance-secret-value",
}


def _error(env: dict[str, str]) -> str:
    with pytest.raises(CredentialsError) as info:
        credentials_from_env(env)
    return str(info.value)


def test_valid_environment_is_read_and_repr_hides_values() -> None:
    creds = credentials_from_env(VALID)

    assert creds["POLYMARKET_PK"] == SECRET_PK
    assert creds["BINANCE_API_SECRET"] == VALID["BINANCE_API_SECRET"]
    assert not creds.dummy
    for value in VALID.values():
        assert value not in repr(creds)


@pytest.mark.parametrize("name", [*POLYMARKET_VARIABLES, *BINANCE_VARIABLES])
@pytest.mark.parametrize("blank", [None, ""])
def test_missing_variable_is_named_with_the_reason(name: str, blank: str | None) -> None:
    env = dict(VALID)
    if blank is None:
        del env[name]
    else:
        env[name] = blank

    message = _error(env)

    assert f"missing environment variable(s) {name}:" in message
    assert "refuse to build without keys even for market data" in message
    assert "configs/local.yaml" in message
    for value in VALID.values():
        assert value not in message


def test_all_missing_variables_are_listed() -> None:
    message = _error({})

    for name in (*POLYMARKET_VARIABLES, *BINANCE_VARIABLES):
        assert name in message


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("not-hex-" + "z" * 56, "not a 32-byte hex private key"),
        ("0x" + "ab" * 31, "not a 32-byte hex private key"),
        ("0x" + "00" * 32, "out of range"),
        ("0x" + "ff" * 32, "out of range"),
    ],
)
def test_invalid_private_key_is_named_without_its_value(value: str, reason: str) -> None:
    message = _error({**VALID, "POLYMARKET_PK": value})

    assert message.startswith("POLYMARKET_PK")
    assert reason in message
    assert value not in message
    assert value.removeprefix("0x") not in message


def test_private_key_without_prefix_is_accepted() -> None:
    creds = credentials_from_env({**VALID, "POLYMARKET_PK": "ab" * 32})

    assert creds["POLYMARKET_PK"] == "ab" * 32


def test_invalid_funder_is_named_without_its_value() -> None:
    message = _error({**VALID, "POLYMARKET_FUNDER": "0xnot-an-address"})

    assert message.startswith("POLYMARKET_FUNDER")
    assert "0xnot-an-address" not in message


def test_dummy_credentials_pass_the_same_checks_and_ignore_the_environment() -> None:
    dummy = dummy_credentials()

    assert dummy.dummy
    assert credentials_from_env(dict(dummy.values)).values == dummy.values
    assert load_credentials(dummy=True, environ={}).values == dummy.values
    with pytest.raises(CredentialsError):
        load_credentials(dummy=False, environ={})
