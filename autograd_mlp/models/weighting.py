"""``fit(sample_weight=, class_weight=)`` and ``evaluate(sample_weight=)``: the weights checked, as Keras reads them.

With weights w_i on the rows of a batch B, the loss is Keras 3's
``sum_over_batch_size`` reduction of the weighted per-row losses::

    L_B = Σ_{i∈B} w_i · l_i / |B|        (l_i: the loss of row i, its mean over the outputs)

so weights of 1 give the usual mean, and a weight of 2 counts a row twice.
``class_weight={class: weight}`` gives each row the weight of its class
(one output: the rounded target; several: the index of the largest target,
or the index itself for sparse targets); a class it does not name weighs 1.
The metrics are not weighted (Keras' ``metrics``, not ``weighted_metrics``).
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["check_sample_weight", "class_weight_rows"]


def check_sample_weight(sample_weight, n_rows, what="sample_weight"):
    """One finite weight >= 0 per row, as a float array (n_rows,); (n_rows, 1) is accepted too."""
    if isinstance(sample_weight, (str, bytes, dict, set)):
        raise TypeError(f"{what} must be an array of one number per row, got {type(sample_weight).__name__}")
    try:
        arr = np.asarray(sample_weight)
    except (TypeError, ValueError):
        raise TypeError(f"{what} must be an array of one number per row") from None
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{what} must hold numbers, got dtype {arr.dtype}")
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1 or arr.shape[0] != n_rows:
        raise ValueError(f"{what} must have one weight per row, shape ({n_rows},), got shape {arr.shape}")
    arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{what} must hold finite numbers, got {int(np.sum(~np.isfinite(arr)))} NaN or infinite")
    if np.any(arr < 0):
        raise ValueError(f"{what} must be >= 0, got {arr.min()} (row {int(np.argmin(arr))})")
    return arr


def _classes(y, n_out, sparse):
    """The class index of each row of the checked targets (rows, columns)."""
    if sparse or y.shape[1] == 1:
        return np.round(y[:, 0]).astype(np.int64)
    return np.argmax(y, axis=1)


def class_weight_rows(class_weight, y, n_out, sparse=False):
    """The weight of each row from ``class_weight={class index: weight}`` (Keras' rule; unnamed classes weigh 1).

    Every key must be a class the model's outputs can hold: 0 or 1 for one
    output, 0 ... n_out - 1 for several; every weight finite and >= 0.
    """
    if not isinstance(class_weight, dict):
        raise TypeError(f"class_weight must be a dict {{class index: weight}}, got {type(class_weight).__name__}")
    n_classes = 2 if n_out == 1 and not sparse else n_out
    table = {}
    for key, weight in class_weight.items():
        whole = isinstance(key, numbers.Integral) and not isinstance(key, bool)
        if isinstance(key, (float, np.floating)) and float(key).is_integer():
            whole, key = True, int(key)
        if not whole or not 0 <= key < n_classes:
            raise ValueError(
                f"class_weight names class {key!r}, but the model's {n_out} output(s) give the classes "
                f"0 ... {n_classes - 1}; expected keys among {list(range(n_classes))}"
            )
        if isinstance(weight, bool) or not isinstance(weight, numbers.Real) or not np.isfinite(weight) or weight < 0:
            raise ValueError(f"class_weight[{key}] must be a finite number >= 0, got {weight!r}")
        table[int(key)] = float(weight)
    classes = _classes(y, n_out, sparse)
    return np.array([table.get(int(c), 1.0) for c in classes], dtype=np.float64)
