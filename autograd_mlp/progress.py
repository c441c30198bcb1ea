"""The text of training progress: numbers, logs and durations as Keras prints them, and what a stream can show.

:class:`~autograd_mlp.callbacks.ProgbarLogger` draws its progress bar with
these, and ``evaluate(verbose=1)`` prints its one line with :func:`format_logs`.
"""

from __future__ import annotations

import math
import numbers
import shutil
import sys

__all__ = ["format_number", "format_logs", "format_duration", "is_dynamic", "terminal_width"]


def format_number(value):
    """Keras' style: 4 decimals, or scientific notation for magnitudes below 1e-3."""
    if not isinstance(value, numbers.Real):
        return str(value)
    value = float(value)
    if value != 0 and math.isfinite(value) and abs(value) < 1e-3:
        return f"{value:.4e}"
    return f"{value:.4f}"


def format_logs(logs):
    """``loss: 0.1234 - accuracy: 0.9000``: one line of a History's keys and values."""
    return " - ".join(f"{key}: {format_number(value)}" for key, value in logs.items())


def format_duration(seconds):
    """1.2s, 3:05 or 1:02:03."""
    if seconds < 60:
        return f"{seconds:.1f}s"
    seconds = int(round(seconds))
    minutes, secs = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}:{secs:02d}"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


def is_dynamic(stream):
    """True when ``\\r`` redraws are cheap to watch: a terminal or a notebook."""
    try:
        if stream.isatty():
            return True
    except (AttributeError, ValueError):
        pass
    return "ipykernel" in sys.modules


def terminal_width(stream):
    """The terminal's width in columns when ``stream`` is a terminal, else None (no limit)."""
    try:
        if not stream.isatty():
            return None
    except (AttributeError, ValueError):
        return None
    return shutil.get_terminal_size(fallback=(120, 24)).columns
