"""The two ways a command fails: a wrong command line (exit status 2) or unusable data or files (status 1)."""

from __future__ import annotations

__all__ = ["CommandError", "UsageError", "DataError"]


class CommandError(Exception):
    """A failure the user can fix; ``main`` prints its message as one line and exits with ``status``."""

    status = 1


class DataError(CommandError):
    """The data, a model file or an output path cannot be used (exit status 1)."""

    status = 1


class UsageError(CommandError):
    """An option value the command cannot work with (exit status 2, like argparse's own errors)."""

    status = 2
