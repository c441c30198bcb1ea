"""Numbers, logs, durations and rates written as Keras prints them."""

from __future__ import annotations

import math
import numbers

__all__ = ["format_number", "log_items", "format_logs", "format_duration", "format_rate"]


def format_number(value):
    """Keras' style: 4 decimals, or scientific notation for magnitudes below 1e-3."""
    if not isinstance(value, numbers.Real):
        return str(value)
    value = float(value)
    if value != 0 and math.isfinite(value) and abs(value) < 1e-3:
        return f"{value:.4e}"
    return f"{value:.4f}"


def log_items(logs):
    """``["loss: 0.1234", "accuracy: 0.9000"]``: each key of a History with its value.

    A progress display never cuts inside one of these items; it may put
    them on several lines.
    """
    return [f"{key}: {format_number(value)}" for key, value in logs.items()]


def format_logs(logs):
    """``loss: 0.1234 - accuracy: 0.9000``: one line of a History's keys and values."""
    return " - ".join(log_items(logs))


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


def format_rate(count, seconds, unit="batch", units="batches"):
    """How fast ``count`` things went by in ``seconds``: ``56.7 batches/s``, or ``2.5s/batch`` when slower than one a second.

    An empty string when nothing can be said yet (no time has passed or nothing was counted).
    """
    if count <= 0 or not seconds > 0:
        return ""
    per_second = count / seconds
    if per_second >= 99.95:  # what .1f would write as 100.0
        return f"{per_second:.0f} {units}/s"
    if per_second >= 1:
        return f"{per_second:.1f} {units}/s"
    return f"{seconds / count:.1f}s/{unit}"
