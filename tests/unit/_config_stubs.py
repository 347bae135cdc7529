"""Test-only components and YAML helpers for the configuration tests."""

from decimal import Decimal
from pathlib import Path

from nautilus_trader.common.actor import Actor
from nautilus_trader.common.config import ActorConfig
from nautilus_trader.trading.config import StrategyConfig
from nautilus_trader.trading.strategy import Strategy

STUBS = "tests.unit._config_stubs"


class StubStrategyConfig(StrategyConfig, frozen=True):
    """
    Configure `StubStrategy`.

    Parameters
    ----------
    min_probability : float, default 0.7
        The lowest probability to trade.
    max_probability : float, default 0.99
        The highest probability to trade.
    stake_usdc : Decimal, default 50
        The stake per trade.
    signing_key_env : str, default "POLYMARKET_PK"
        The environment variable holding a key (a non-secret whose name looks secret).

    """

    min_probability: float = 0.7
    max_probability: float = 0.99
    stake_usdc: Decimal = Decimal("50")
    signing_key_env: str = "POLYMARKET_PK"

    def __post_init__(self) -> None:
        if not 0.0 < self.min_probability < self.max_probability <= 1.0:
            raise ValueError(
                f"min_probability must be in (0, max_probability), was {self.min_probability}",
            )


class StubStrategy(Strategy):
    """A strategy that does nothing, built from `StubStrategyConfig`."""


class StubActorConfig(ActorConfig, frozen=True):
    """
    Configure `StubActor`.

    Parameters
    ----------
    window_secs : int, default 60
        A window length; must be positive.

    """

    window_secs: int = 60

    def __post_init__(self) -> None:
        if self.window_secs <= 0:
            raise ValueError(f"window_secs must be > 0, was {self.window_secs}")


class StubActor(Actor):
    """An actor that does nothing, built from `StubActorConfig`."""


def write_yaml(folder: Path, name: str, text: str) -> Path:
    """
    Write `text` to ``folder / name`` (creating sub-folders) and return the path.

    Parameters
    ----------
    folder : Path
        The base folder (usually pytest's ``tmp_path``).
    name : str
        The relative file name.
    text : str
        The YAML text.

    Returns
    -------
    Path

    """
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
