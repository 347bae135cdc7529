"""The single error type raised while loading and validating polyedge configuration."""

from pathlib import Path


class ConfigError(Exception):
    """
    Report a configuration problem with the file and key that caused it.

    ``str(err)`` reads ``"<file>: <key_path>: <reason>"`` with empty parts omitted, which is what
    the command-line entry points print before exiting non-zero (no traceback).

    Parameters
    ----------
    file : Path or None
        The YAML file that set the offending value (or the root file when unknown).
    key_path : str
        The dotted key path, list indices as ``[0]``
        (e.g. ``strategies.expiry_edge.config.min_probability``). Empty for whole-file problems.
    reason : str
        What is wrong, in words a user can act on.

    """

    def __init__(self, file: Path | None, key_path: str, reason: str) -> None:
        self.file = file
        self.key_path = key_path
        self.reason = reason
        super().__init__(self.__str__())

    def __str__(self) -> str:
        parts = [str(self.file) if self.file is not None else "", self.key_path, self.reason]
        return ": ".join(part for part in parts if part)

    def with_file(self, file: Path | None) -> "ConfigError":
        """
        Return a copy of this error attributed to `file`.

        Parameters
        ----------
        file : Path or None
            The file to name.

        Returns
        -------
        ConfigError

        """
        return ConfigError(file, self.key_path, self.reason)
