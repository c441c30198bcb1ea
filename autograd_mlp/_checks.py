"""The first check of every array argument: numbers, in a rectangular array.

Shared by :mod:`autograd_mlp.data` and :mod:`autograd_mlp.metrics`, which add
their own rules on dimensions, rows and NaN afterwards.
"""

from __future__ import annotations

import numpy as np

__all__ = ["numeric_array"]


def numeric_array(name, values):
    """``values`` as a numpy array of bool, int or float; TypeError or ValueError naming ``name`` otherwise."""
    if isinstance(values, (str, bytes)):
        raise TypeError(f"expected {name} as an array of numbers; got {type(values).__name__} {values!r}")
    try:
        array = np.asarray(values)
    except ValueError as error:  # ragged nested lists
        raise ValueError(f"expected {name} as a rectangular array of numbers; got ragged input ({error})") from None
    if array.dtype.kind not in "biuf":
        raise TypeError(f"expected {name} to hold numbers; got dtype {array.dtype}")
    return array
