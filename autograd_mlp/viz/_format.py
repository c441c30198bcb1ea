"""Numbers and text as the drawings show them: fixed decimals, HTML-safe labels."""

from __future__ import annotations

import html
import math
import numbers

import numpy as np

__all__ = ["number", "array_summary", "escape", "check_precision"]


def check_precision(precision):
    """``precision`` as an int in [0, 12]; TypeError/ValueError otherwise."""
    if isinstance(precision, bool) or not isinstance(precision, numbers.Integral):
        raise TypeError(f"precision must be an int, got {type(precision).__name__}")
    if not 0 <= precision <= 12:
        raise ValueError(f"precision must be between 0 and 12, got {precision}")
    return int(precision)


def number(x, precision=4):
    """``x`` with ``precision`` decimals; scientific notation where fixed decimals would hide it.

    A gradient of 3e-9 printed with 4 decimals would read 0.0000, which looks
    like "no gradient"; very large values would get unreadably long.  Those
    two cases switch to ``1.2345e-09`` style, everything else stays fixed.
    """
    x = float(x)
    if math.isfinite(x) and x != 0.0:
        magnitude = abs(x)
        if magnitude >= 1e6 or magnitude < 0.5 * 10.0 ** (-precision):
            return f"{x:.{precision}e}"
    return f"{x:.{precision}f}"


def array_summary(data, precision=4, max_values=6):
    """Short text for an array: all values when there are few, else min / mean / max."""
    arr = np.asarray(data)
    if arr.size == 0:
        return "[]"
    if arr.size <= max_values:
        return np.array2string(
            arr, separator=", ", max_line_width=10_000,
            formatter={"float_kind": lambda v: number(v, precision)},
        )
    arr = arr.astype(np.float64, copy=False)
    return (f"min {number(np.min(arr), precision)}  mean {number(np.mean(arr), precision)}  "
            f"max {number(np.max(arr), precision)}")


def escape(text):
    """``text`` made safe inside a Graphviz HTML-like label."""
    return html.escape(str(text), quote=True)
