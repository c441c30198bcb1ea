"""What ``compile``, ``fit``, ``evaluate`` and ``predict`` are given, checked before anything changes.

Each check returns the value in the form the workflow uses (an ``int``, a
float array of shape (rows, columns) ...) or raises ``ValueError`` (a wrong
value) or ``TypeError`` (a wrong kind of object) naming what was expected and
what came.
"""

from __future__ import annotations

import math
import numbers
import warnings
from typing import NamedTuple

import numpy as np

from .. import metrics as metrics_module
from ..callbacks import Callback
from ..engine import Value

__all__ = [
    "positive_int", "check_batch_size", "check_verbose", "as_table", "as_batch", "row_slices",
    "check_metrics", "check_run_modes", "check_callbacks", "FitOptions", "fit_options", "training_rows",
]


def positive_int(value, what):
    """``value`` as an int >= 1: TypeError for a non-integer (bool included), ValueError below 1."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{what} must be a positive integer, got {type(value).__name__} {value!r}")
    if value < 1:
        raise ValueError(f"{what} must be a positive integer, got {value!r}")
    return int(value)


def check_batch_size(value, what="batch_size", default=32):
    """A batch size, ``default`` for None."""
    return default if value is None else positive_int(value, what)


def check_verbose(value):
    """0, 1 or 2 (``"auto"`` is 1)."""
    if value == "auto":
        return 1
    if isinstance(value, bool) or value not in (0, 1, 2):
        raise ValueError(f"verbose must be 0 (silent), 1 (progress bar), 2 (one line per epoch) or 'auto', got {value!r}")
    return int(value)


def as_table(data, what):
    """``data`` as a float array of shape (rows, columns): lists of lists and 1-D columns accepted."""
    if isinstance(data, Value):
        data = data.data
    if data is None:
        raise TypeError(f"{what} must be an array or a list of lists of numbers, got None")
    if isinstance(data, (str, bytes, dict, set)):
        raise TypeError(f"{what} must be an array or a list of lists of numbers, got {type(data).__name__}")
    try:
        arr = np.asarray(data)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be a rectangular table of numbers (every row of the same length)") from None
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{what} must hold numbers, got dtype {arr.dtype} (strings, None or mixed objects)")
    if arr.ndim == 1:
        arr = arr.reshape(-1, 1)
    if arr.ndim != 2:
        raise ValueError(f"{what} must have shape (rows, columns), got shape {arr.shape}")
    if arr.shape[0] == 0:
        raise ValueError(f"{what} must have at least one row, got shape {arr.shape}")
    if arr.dtype.kind != "f":
        arr = arr.astype(np.float64)
    finite = np.isfinite(arr)
    if not finite.all():
        bad = np.argwhere(~finite)[0]
        raise ValueError(
            f"{what} must hold finite numbers, got {int((~finite).sum())} NaN or infinite values "
            f"(the first at row {bad[0]}, column {bad[1]}: {arr[tuple(bad)]})"
        )
    return arr


def as_batch(data, what):
    """``data`` as a float array of shape (rows, d1, d2, ...) with at least one feature axis (image-shaped cases)."""
    if isinstance(data, Value):
        data = data.data
    if data is None or isinstance(data, (str, bytes, dict, set)):
        raise TypeError(f"{what} must be an array of shape (rows, d1, ...), got {type(data).__name__}")
    try:
        arr = np.asarray(data)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be a rectangular array of numbers (every case of the same shape)") from None
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{what} must hold numbers, got dtype {arr.dtype} (strings, None or mixed objects)")
    if arr.ndim < 2:
        raise ValueError(
            f"{what} must have shape (rows, d1, ...): a batch axis and at least one feature axis, "
            f"got shape {arr.shape}"
        )
    if arr.shape[0] == 0:
        raise ValueError(f"{what} must have at least one row, got shape {arr.shape}")
    if arr.dtype.kind != "f":
        arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{what} must hold finite numbers, got {int(np.sum(~np.isfinite(arr)))} NaN or infinite values")
    return arr


def row_slices(n, size):
    """Consecutive slices of at most ``size`` rows covering ``n`` rows."""
    return [slice(start, min(start + size, n)) for start in range(0, n, size)]


def check_metrics(metrics):
    """``compile``'s metrics as (names, functions), names distinct and never 'loss'."""
    if metrics is None:
        return [], []
    if isinstance(metrics, str) or callable(metrics):
        metrics = [metrics]
    if isinstance(metrics, dict) or not isinstance(metrics, (list, tuple)):
        raise TypeError(f"metrics must be a list of names or functions, got {type(metrics).__name__}")
    names, functions = [], []
    for metric in metrics:
        fn = metrics_module.get(metric)
        name = metric if isinstance(metric, str) else getattr(metric, "__name__", type(metric).__name__)
        if name in names or name == "loss":
            raise ValueError(f"metric names must be distinct and not 'loss', got {name!r} twice in {list(metrics)}")
        names.append(name)
        functions.append(fn)
    return names, functions


def check_run_modes(run_eagerly, jit_compile):
    """``compile``'s ``(run_eagerly, jit_compile)`` as two bools, by Keras' rule.

    ``jit_compile="auto"`` compiles unless ``run_eagerly``; ``jit_compile=True``
    together with ``run_eagerly=True`` warns and runs eagerly.
    """
    if not isinstance(run_eagerly, (bool, np.bool_)):
        raise TypeError(f"run_eagerly must be True or False, got {type(run_eagerly).__name__} {run_eagerly!r}")
    if not (isinstance(jit_compile, (bool, np.bool_)) or jit_compile == "auto"):
        raise TypeError(f"jit_compile must be True, False or 'auto', got {type(jit_compile).__name__} {jit_compile!r}")
    run_eagerly = bool(run_eagerly)
    if jit_compile == "auto":
        return run_eagerly, not run_eagerly
    if jit_compile and run_eagerly:
        warnings.warn("If `run_eagerly` is True, then `jit_compile` cannot also be True. Disabling `jit_compile`.",
                      UserWarning, stacklevel=3)
        return True, False
    return run_eagerly, bool(jit_compile)


def check_callbacks(callbacks):
    """``fit``'s callbacks as a list of :class:`Callback` objects (one alone is accepted)."""
    if callbacks is None:
        return []
    if isinstance(callbacks, Callback):
        callbacks = [callbacks]
    if not isinstance(callbacks, (list, tuple)):
        raise TypeError(f"callbacks must be a list of Callback objects, got {type(callbacks).__name__}")
    for i, cb in enumerate(callbacks):
        if not isinstance(cb, Callback):
            raise TypeError(f"callbacks[{i}] must be a Callback, got {type(cb).__name__}")
    return list(callbacks)


class FitOptions(NamedTuple):
    """``fit``'s arguments other than the data, checked."""

    batch_size: int
    epochs: int
    initial_epoch: int
    verbose: int
    validation_split: numbers.Real
    shuffle: bool
    seed: int | None
    callbacks: list


def fit_options(batch_size, epochs, verbose, callbacks, validation_split, shuffle, initial_epoch, seed):
    """Check ``fit``'s arguments other than the data (see :meth:`Model.fit` for their meaning)."""
    size = check_batch_size(batch_size)
    if isinstance(epochs, bool) or not isinstance(epochs, numbers.Integral) or epochs < 1:
        raise ValueError(f"epochs must be a positive integer, got {epochs!r}")
    if (isinstance(initial_epoch, bool) or not isinstance(initial_epoch, numbers.Integral)
            or not 0 <= initial_epoch < epochs):
        raise ValueError(f"initial_epoch must be an integer in [0, epochs={epochs}), got {initial_epoch!r}")
    level = check_verbose(verbose)
    if (isinstance(validation_split, bool) or not isinstance(validation_split, numbers.Real)
            or not 0.0 <= validation_split < 1.0):
        raise ValueError(f"validation_split must be a number in [0, 1), got {validation_split!r}")
    if not isinstance(shuffle, (bool, np.bool_)):
        raise TypeError(f"shuffle must be True or False, got {shuffle!r}")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0):
        raise ValueError(f"seed must be None or an integer >= 0, got {seed!r}")
    return FitOptions(size, int(epochs), int(initial_epoch), level, validation_split,
                      bool(shuffle), None if seed is None else int(seed), check_callbacks(callbacks))


def training_rows(n, validation_split):
    """How many of ``n`` rows train when the last ``validation_split`` of them validate.

    As Keras: ``floor(n * (1 - validation_split))`` rows train, the rest
    validate (so the training part is rounded down).  Both parts must be non-empty.
    """
    split_at = int(math.floor(n * (1.0 - validation_split)))
    if split_at == 0 or split_at == n:
        raise ValueError(
            f"validation_split={validation_split} of {n} rows leaves "
            f"{split_at} for training and {n - split_at} for validation; both need at least one"
        )
    return split_at
