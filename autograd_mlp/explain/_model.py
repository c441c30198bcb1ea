"""Calling the model being explained: input checks, inference mode, batched outputs, input gradients.

A model is any callable ``f(x)`` taking an (n, M) float array and returning a
Value or an array of shape (n,) or (n, K).  Explanations run it in inference
mode (Dropout off) and put the model's training flags back afterwards.
"""

from __future__ import annotations

import contextlib
import numbers

import numpy as np

from .._checks import finite_array, numeric_array
from ..engine import Value, gradients, no_grad

__all__ = ["as_matrix", "feature_names_for", "ModelFunction"]


def as_matrix(name, x, features=None):
    """``x`` as a finite float64 array of shape (rows ≥ 1, features ≥ 1); strings and objects refused."""
    if isinstance(x, Value):
        x = x.data
    arr = numeric_array(name, x)
    if arr.ndim != 2:
        hint = "; for a single row use x.reshape(1, -1)" if arr.ndim == 1 else ""
        raise ValueError(f"expected {name} of shape (rows, features); got shape {arr.shape}{hint}")
    if arr.shape[0] == 0:
        raise ValueError(f"expected {name} with at least one row; got shape {arr.shape}")
    if arr.shape[1] == 0:
        raise ValueError(f"expected {name} with at least one feature (column); got shape {arr.shape}")
    if features is not None and arr.shape[1] != features:
        raise ValueError(f"expected {name} with {features} features (columns), like x; got shape {arr.shape}")
    return finite_array(name, arr).astype(np.float64, copy=False)


def feature_names_for(feature_names, m, data=None):
    """The names of the m features: those given (exactly m), else a DataFrame's column names, else x0, x1, ...

    ``data`` is the input as the caller passed it: when it has ``columns``
    (a pandas DataFrame) and no names were given, its column names are the
    features' names, so ``shapley_values(model, frame)`` reads like the frame.
    """
    if feature_names is None:
        columns = getattr(data, "columns", None)
        if columns is None or isinstance(data, np.ndarray):
            return [f"x{i}" for i in range(m)]
        feature_names = list(columns)
    if isinstance(feature_names, str):
        raise TypeError(f"feature_names must be a sequence of {m} names, got a single string")
    names = [str(name) for name in feature_names]
    if len(names) != m:
        raise ValueError(f"expected {m} feature names, got {len(names)}")
    return names


@contextlib.contextmanager
def _inference_mode(model):
    """Run modules with ``training=False`` and restore each one's flag afterwards."""
    modules = model.modules() if callable(getattr(model, "modules", None)) and hasattr(model, "training") else []
    flags = [(m, m.training) for m in modules if hasattr(m, "training")]
    for m, _ in flags:
        m.training = False
    try:
        yield
    finally:
        for m, flag in flags:
            m.training = flag


def _output_array(out, rows):
    """A model's output as an (rows, K) float array; (rows,) becomes (rows, 1)."""
    data = out.data if isinstance(out, Value) else out
    try:
        arr = np.asarray(data, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"the model must return a Value or a numeric array, got {type(out).__name__}") from None
    if arr.ndim not in (1, 2) or arr.shape[0] != rows:
        raise ValueError(f"the model must return shape ({rows},) or ({rows}, outputs) for {rows} input rows, got {arr.shape}")
    return arr.reshape(rows, -1)


class ModelFunction:
    """The model as a function of (rows, M) arrays to (rows, K) arrays, plus its input gradients.

    ``single`` is True when the model returns one number per row ((n,) or
    (n, 1)): explanations then drop the output axis.
    """

    def __init__(self, model, features):
        if not callable(model):
            raise TypeError(f"model must be callable as model(x), got {type(model).__name__}")
        expected = getattr(model, "input_dim", None)
        if isinstance(expected, numbers.Integral) and not isinstance(expected, bool) and expected != features:
            raise ValueError(f"the model expects {expected} input features, got data with {features}")
        self.model = model
        self.features = features
        self.outputs = None
        self.single = None

    def _record(self, raw_shape, k):
        if self.outputs is None:
            self.outputs = k
            self.single = len(raw_shape) == 1 or k == 1
        elif k != self.outputs:
            raise ValueError(f"the model returned {k} outputs, earlier {self.outputs}")

    def __call__(self, x):
        """f(x) as an (rows, K) array, without recording a graph."""
        with no_grad(), _inference_mode(self.model):
            out = self.model(x)
        arr = _output_array(out, x.shape[0])
        self._record(np.shape(out.data if isinstance(out, Value) else out), arr.shape[1])
        return arr

    def check_output(self, output):
        """The output columns to explain: all of them (None) or one index in [-K, K)."""
        if self.outputs is None:
            raise RuntimeError("call the model once before choosing outputs")
        if output is None:
            return list(range(self.outputs))
        if isinstance(output, bool) or not isinstance(output, numbers.Integral):
            raise TypeError(f"output must be None or an integer column index, got {type(output).__name__}")
        if not -self.outputs <= output < self.outputs:
            raise ValueError(f"output must be in [{-self.outputs}, {self.outputs - 1}] for a model with {self.outputs} outputs, got {output}")
        return [int(output) % self.outputs]

    def squeeze(self, output):
        """Whether explanations for ``output`` drop the output axis."""
        return output is not None or self.single

    def finish(self, output, values, per_row, errors=None):
        """Select the output column(s) asked for and drop the output axis for a single one.

        ``values`` (and ``errors``) are (n, M, K) with all K columns;
        ``per_row`` is a tuple of (n, K) arrays (base values, f(x)) or Nones.
        """
        columns = self.check_output(output)
        squeeze = self.squeeze(output)

        def pick(arr):
            if arr is None:
                return None
            arr = arr[..., columns]
            return arr[..., 0] if squeeze else arr

        return pick(values), tuple(pick(a) for a in per_row), pick(errors)

    def gradients(self, x, columns):
        """f(x) (rows, K) and ∂f_k/∂x for each k in ``columns``: an array (len(columns), rows, M).

        One forward pass for all rows; one backward pass per output, seeded
        with the indicator of column k (rows are independent, so row r of the
        result is the gradient of f_k(x_r)).
        """
        xv = Value(x)
        with _inference_mode(self.model):
            out = self.model(xv)
        if not isinstance(out, Value):
            raise TypeError(f"gradient methods need a model that returns a Value computed from its input, got {type(out).__name__}")
        values = _output_array(out, x.shape[0])
        self._record(out.shape, values.shape[1])
        if not out.requires_grad:
            raise TypeError("the model's output is not connected to its input (no graph was recorded); "
                            "gradient methods need a model built from Value operations")
        grads = np.empty((len(columns), x.shape[0], x.shape[1]))
        for j, k in enumerate(columns):
            seed = np.zeros(values.shape)
            seed[:, k] = 1.0
            (g,) = gradients(out, [xv], grad_outputs=seed.reshape(out.shape).astype(out.dtype))
            grads[j] = g
        return values, grads
