"""Re-export of `adapters.fakes.gamma` (the fake venues ship with the package)."""

from adapters.fakes.gamma import FakeGammaServer
from adapters.fakes.gamma import make_gamma_market

__all__ = ["FakeGammaServer", "make_gamma_market"]
