"""
Deterministic Polymarket-shaped identifiers derived from the seed.

Condition ids are ``0x`` + 64 hex characters and token ids are 77-78 digit decimal strings
(uint256 values), like the real CLOB ones, so every id-parsing path sees realistic input.
"""

import hashlib

_TOKEN_MIN = 10**76  # real token ids print with 77 or 78 digits


def _digest(*parts: object) -> bytes:
    text = ":".join(str(part) for part in ("polyedge-sample", *parts))
    return hashlib.sha256(text.encode()).digest()


def condition_id(seed: int, market_index: int) -> str:
    """
    Return the condition id of one synthetic market.

    Parameters
    ----------
    seed : int
        The catalog seed.
    market_index : int
        The market's position in the universe.

    Returns
    -------
    str
        ``0x`` followed by 64 lowercase hex characters.

    """
    return "0x" + _digest(seed, market_index, "condition").hex()


def token_id(seed: int, market_index: int, outcome: str) -> str:
    """
    Return the decimal token id of one outcome of a synthetic market.

    Parameters
    ----------
    seed : int
        The catalog seed.
    market_index : int
        The market's position in the universe.
    outcome : str
        The outcome label (``"Yes"`` or ``"No"``).

    Returns
    -------
    str
        A 77 or 78 digit decimal string.

    """
    salt = 0
    while True:
        value = int.from_bytes(_digest(seed, market_index, outcome, salt), "big")
        if value >= _TOKEN_MIN:
            return str(value)
        salt += 1


def event_id(seed: int, event_index: int) -> str:
    """
    Return a numeric Gamma-style event id, unique within one catalog.

    Parameters
    ----------
    seed : int
        The catalog seed.
    event_index : int
        The event's position in the universe.

    Returns
    -------
    str
        A decimal string.

    """
    prefix = int.from_bytes(_digest(seed, "event")[:2], "big") % 90 + 10
    return f"{prefix}{event_index:04d}"
