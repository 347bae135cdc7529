"""Re-export of `adapters.fakes.polymarket_clob` (the fake venues ship with the package)."""

from adapters.fakes.polymarket_clob import END_CURSOR
from adapters.fakes.polymarket_clob import FIRST_CURSOR
from adapters.fakes.polymarket_clob import FakeClobRestServer
from adapters.fakes.polymarket_clob import decode_cursor
from adapters.fakes.polymarket_clob import encode_cursor

__all__ = ["END_CURSOR", "FIRST_CURSOR", "FakeClobRestServer", "decode_cursor", "encode_cursor"]
