"""Argument checks shared by the library: one function per kind of argument, one exception per kind of mistake.

The rule everywhere:

* **TypeError** when the argument is of the wrong kind: text where numbers
  are expected, a float where a whole number is, ``True`` for a count (bools
  are not numbers here), an array of strings;
* **ValueError** when it is of the right kind with a wrong value: out of its
  range, NaN or infinite, a ragged nested list, a name not among the choices.

Every message names the argument, says what was expected and shows what
came: ``expected batch_size as a whole number ≥ 1; got 0``.  Each function
returns the argument converted (a Python int or float, a numpy array or
Generator), so a caller writes ``n = positive_int("n", n)``.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = ["numeric_array", "finite_array", "whole_number", "positive_int", "real_number", "probability",
           "flag", "one_of", "rng", "shown"]

#: Characters of an argument's repr shown in a message; a 10,000-element list would bury the point.
SHOWN_CHARS = 80


def shown(value):
    """``type value`` for a message, the repr cut to :data:`SHOWN_CHARS` characters."""
    text = repr(value)
    if len(text) > SHOWN_CHARS:
        text = text[:SHOWN_CHARS] + "..."
    return f"{type(value).__name__} {text}"


def numeric_array(name, values):
    """``values`` as a numpy array of bool, int or float; TypeError or ValueError naming ``name`` otherwise."""
    if isinstance(values, (str, bytes)):
        raise TypeError(f"expected {name} as an array of numbers; got {shown(values)}")
    try:
        array = np.asarray(values)
    except ValueError as error:  # ragged nested lists
        raise ValueError(f"expected {name} as a rectangular array of numbers; got ragged input ({error})") from None
    except TypeError as error:  # objects numpy cannot hold
        raise TypeError(f"expected {name} as an array of numbers; got {type(values).__name__} ({error})") from None
    if array.dtype.kind not in "biuf":
        raise TypeError(f"expected {name} to hold numbers (a numeric dtype: bool, int or float); got dtype {array.dtype}")
    return array


def finite_array(name, values):
    """:func:`numeric_array`, and ValueError when it holds NaN or infinity."""
    array = numeric_array(name, values)
    if array.dtype.kind == "f" and not np.all(np.isfinite(array)):
        bad = ~np.isfinite(array)
        raise ValueError(f"expected {name} without NaN or infinity; got {int(bad.sum())} in an array of shape "
                         f"{array.shape}")
    return array


def _is_whole(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def _is_real(value):
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def _range_text(minimum, maximum, low_open=False, high_open=False):
    if maximum is None:
        return f"{'>' if low_open else '≥'} {minimum}"
    if minimum is None:
        return f"{'<' if high_open else '≤'} {maximum}"
    return f"in {'(' if low_open else '['}{minimum}, {maximum}{')' if high_open else ']'}"


def whole_number(name, value, minimum=None, maximum=None):
    """``value`` as an int in [minimum, maximum] (either bound optional); bools and floats are TypeErrors."""
    if not _is_whole(value):
        what = "a whole number" if minimum is None and maximum is None else \
            f"a whole number {_range_text(minimum, maximum)}"
        raise TypeError(f"expected {name} as {what}; got {shown(value)}")
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ValueError(f"expected {name} as a whole number {_range_text(minimum, maximum)}; got {value}")
    return int(value)


def positive_int(name, value):
    """``value`` as an int ≥ 1 (a count of rows, epochs, units ...)."""
    return whole_number(name, value, minimum=1)


def real_number(name, value, minimum=None, maximum=None, low_open=False, high_open=False, finite=True):
    """``value`` as a float in the interval (bounds optional, open with ``low_open`` / ``high_open``).

    TypeError for anything but a real number (bools included); ValueError
    for NaN, for infinity when ``finite``, and outside the interval.
    """
    if not _is_real(value):
        raise TypeError(f"expected {name} as a real number; got {shown(value)}")
    number = float(value)
    if math.isnan(number) or (finite and math.isinf(number)):
        raise ValueError(f"expected {name} as a finite number; got {value!r}")
    too_low = minimum is not None and (number <= minimum if low_open else number < minimum)
    too_high = maximum is not None and (number >= maximum if high_open else number > maximum)
    if too_low or too_high:
        raise ValueError(f"expected {name} {_range_text(minimum, maximum, low_open, high_open)}; got {value!r}")
    return number


def probability(name, value, include_one=True):
    """``value`` as a float in [0, 1] (a probability or fraction), or [0, 1) with ``include_one=False``."""
    return real_number(name, value, 0, 1, high_open=not include_one)


def flag(name, value):
    """``value`` as a bool; anything but ``True``, ``False`` (or numpy's bools) is a TypeError."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"expected {name} as a bool (True or False); got {shown(value)}")
    return bool(value)


def one_of(name, value, options):
    """``value`` when it is one of ``options``: TypeError when it is not of their kind, ValueError otherwise."""
    kinds = tuple({type(option) for option in options})
    listed = ", ".join(repr(option) for option in options)
    if kinds and not isinstance(value, kinds):
        raise TypeError(f"expected {name} as one of {listed}; got {shown(value)}")
    if value not in options:
        raise ValueError(f"expected {name} as one of {listed}; got {value!r}")
    return value


def rng(name, seed):
    """A numpy Generator from ``seed``: None (fresh entropy), a whole number ≥ 0, or a Generator (used as is)."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None:
        return np.random.default_rng()
    if not _is_whole(seed):
        raise TypeError(f"expected {name} as None, a whole number or a numpy Generator; got {shown(seed)}")
    if seed < 0:
        raise ValueError(f"expected {name} ≥ 0; got {seed}")
    return np.random.default_rng(int(seed))
