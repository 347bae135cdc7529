"""
Venue credentials, read only from environment variables and never logged.

Both NautilusTrader 1.221 data clients refuse to build without keys even when they only stream
market data: the Polymarket client builds a signing CLOB client from POLYMARKET_PK (a valid,
non-zero 32-byte hex key) and its API key set, and the Binance client loads instruments through
a signed endpoint. So paper mode needs them too; read-only Binance keys suffice.
"""

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field

POLYMARKET_VARIABLES = (
    "POLYMARKET_PK",
    "POLYMARKET_FUNDER",
    "POLYMARKET_API_KEY",
    "POLYMARKET_API_SECRET",
    "POLYMARKET_PASSPHRASE",
)
BINANCE_VARIABLES = ("BINANCE_API_KEY", "BINANCE_API_SECRET")
_HEX_KEY = re.compile(r"(0x)?[0-9a-fA-F]{64}")
_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")
# The secp256k1 group order: a private key must lie in [1, n - 1].
_SECP256K1_ORDER = int("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", 16)
_WHY = (
    "both NautilusTrader 1.221 data clients refuse to build without keys even for market data "
    "only (Polymarket builds a signing CLOB client from POLYMARKET_PK and the API key set; "
    "Binance loads instruments through a signed endpoint, so read-only keys are enough). Set "
    "POLYMARKET_PK, POLYMARKET_FUNDER, POLYMARKET_API_KEY, POLYMARKET_API_SECRET, "
    "POLYMARKET_PASSPHRASE, BINANCE_API_KEY and BINANCE_API_SECRET; against the local fake "
    "venues use configs/local.yaml (credentials: dummy)"
)
# Fixed fake values for the loopback fake venues (configs/local.yaml); never valid anywhere.
_DUMMY = {
    "POLYMARKET_PK": "0x" + "11" * 32,
    "POLYMARKET_FUNDER": "0x" + "22" * 20,
    "POLYMARKET_API_KEY": "00000000-0000-0000-0000-000000000000",
    "POLYMARKET_API_SECRET": "ZHVtbXktc2VjcmV0LWZvci1mYWtlLXZlbnVlcw==",
    "POLYMARKET_PASSPHRASE": "dummy-passphrase",
    "BINANCE_API_KEY": "dummy-binance-key",
    "BINANCE_API_SECRET": "dummy-binance-secret",
}


class CredentialsError(Exception):
    """A missing or malformed credential variable; the message names it, never its value."""


@dataclass(frozen=True)
class Credentials:
    """
    The venue keys of a run; ``repr`` hides every value.

    Parameters
    ----------
    values : Mapping[str, str]
        Environment variable name -> value, for every name in ``POLYMARKET_VARIABLES`` and
        ``BINANCE_VARIABLES``.
    dummy : bool
        Whether these are the fixed fake keys for the local fake venues.

    """

    values: Mapping[str, str] = field(repr=False)
    dummy: bool = False

    def __getitem__(self, name: str) -> str:
        return self.values[name]


def dummy_credentials() -> Credentials:
    """
    Return fixed fake keys, accepted by the clients' local checks and by the fake venues only.
    """
    return Credentials(values=dict(_DUMMY), dummy=True)


def credentials_from_env(environ: Mapping[str, str] | None = None) -> Credentials:
    """
    Read and check every credential variable.

    Parameters
    ----------
    environ : Mapping[str, str], optional
        The environment to read (default ``os.environ``).

    Returns
    -------
    Credentials

    Raises
    ------
    CredentialsError
        Naming the first missing or malformed variable and why the data clients need it.

    """
    env = os.environ if environ is None else environ
    missing = [name for name in (*POLYMARKET_VARIABLES, *BINANCE_VARIABLES) if not env.get(name)]
    if missing:
        raise CredentialsError(f"missing environment variable(s) {', '.join(missing)}: {_WHY}")
    values = {name: env[name].strip() for name in (*POLYMARKET_VARIABLES, *BINANCE_VARIABLES)}
    _check_private_key(values["POLYMARKET_PK"])
    if _ADDRESS.fullmatch(values["POLYMARKET_FUNDER"]) is None:
        raise CredentialsError(
            "POLYMARKET_FUNDER is not a 0x-prefixed 40-hex-digit wallet address "
            "(the Polygon address that funds USDC.e)",
        )
    return Credentials(values=values)


def _check_private_key(value: str) -> None:
    if _HEX_KEY.fullmatch(value) is None:
        raise CredentialsError(
            "POLYMARKET_PK is not a 32-byte hex private key (64 hex digits, optional 0x prefix); "
            "the Polymarket data client signs with it even for market data",
        )
    number = int(value.removeprefix("0x"), 16)
    if not 0 < number < _SECP256K1_ORDER:
        raise CredentialsError(
            "POLYMARKET_PK is out of range for a secp256k1 private key (zero or too large)",
        )


def load_credentials(dummy: bool, environ: Mapping[str, str] | None = None) -> Credentials:
    """
    Return the dummy keys when the config asks for them (validated: local only), else the
    environment's.

    Raises
    ------
    CredentialsError
        See `credentials_from_env`.

    """
    return dummy_credentials() if dummy else credentials_from_env(environ)
