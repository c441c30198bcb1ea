"""The two ways a command fails: a wrong command line (exit status 2) or unusable data or files (status 1)."""

from __future__ import annotations

import re

__all__ = ["CommandError", "UsageError", "DataError", "one_line", "LONGEST_WORD"]

#: A word of an error message longer than this is cut: one line should stay readable whatever the data holds.
LONGEST_WORD = 200


def _cut(match):
    word = match.group(0)
    return f"{word[:LONGEST_WORD]}...({len(word)} characters)"


def one_line(text):
    """``text`` on one line (runs of white space made one space), every word cut to :data:`LONGEST_WORD` characters."""
    text = re.sub(r"\s+", " ", str(text)).strip()
    return re.sub(r"\S{%d,}" % (LONGEST_WORD + 1), _cut, text)


class CommandError(Exception):
    """A failure the user can fix; ``main`` prints its message as one line and exits with ``status``."""

    status = 1


class DataError(CommandError):
    """The data, a model file or an output path cannot be used (exit status 1)."""

    status = 1


class UsageError(CommandError):
    """An option value the command cannot work with (exit status 2, like argparse's own errors)."""

    status = 2
