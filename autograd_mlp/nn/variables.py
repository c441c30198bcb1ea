"""``Variable``: a layer's weight as Keras shows it in ``model.weights`` — a live view of a parameter Value.

Keras 3 gives every weight a short ``name`` (``"kernel"``, ``"bias"``) and a
``path`` (``"dense/kernel"``), and lets numpy read it (``np.asarray(w)``,
``w.numpy()``).  The parameters here are engine Values, named for drawings
(``"dense.weight"``); a ``Variable`` wraps one without copying it, so it
always shows the current numbers, and ``assign`` writes through to it.
"""

from __future__ import annotations

import numpy as np

from .._checks import numeric_array
from ..engine import Value

__all__ = ["Variable"]


class Variable:
    """A live view of one parameter: ``numpy()``, ``np.asarray(w)``, ``shape``, ``name``, ``path``, ``assign``.

    Attributes
    ----------
    value : Value
        The parameter itself (what optimizers update).
    name : str
        The weight's short name, ``"kernel"`` or ``"bias"``.
    path : str
        ``"<layer name>/<name>"``, unique within a model.
    """

    __slots__ = ("value", "name", "path", "_layer")

    def __init__(self, value, name, path, layer=None):
        if not isinstance(value, Value):
            raise TypeError(f"Variable wraps a Value, got {type(value).__name__}")
        self.value = value
        self.name = name
        self.path = path
        self._layer = layer

    # --- reading
    def numpy(self):
        """A copy of the current numbers (as Keras' ``Variable.numpy()``, which never aliases the weight)."""
        return np.array(self.value.data, copy=True)

    def __array__(self, dtype=None, copy=None):
        arr = np.asarray(self.value.data, dtype=dtype)
        return arr.copy() if copy else arr

    @property
    def shape(self):
        return tuple(np.shape(self.value.data))

    @property
    def dtype(self):
        return np.result_type(self.value.data).name

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def size(self):
        return int(np.size(self.value.data))

    @property
    def trainable(self):
        """Whether ``fit`` updates this weight (the layer's ``trainable`` flag)."""
        return bool(self.value.requires_grad)

    def __len__(self):
        return self.shape[0]

    def __getitem__(self, index):
        return np.asarray(self.value.data)[index]

    # --- writing
    def assign(self, array):
        """Set the weight to ``array`` (same shape, finite numbers), in place; returns self."""
        arr = numeric_array(f"{self.path}: assign's array", array)
        if arr.shape != self.shape:
            raise ValueError(f"{self.path}: assign expects shape {self.shape}, got {arr.shape}")
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{self.path}: assign expects finite numbers, got NaN or infinite values")
        self.value.data = arr.astype(self.value.dtype, copy=True)
        return self

    # --- arithmetic reads the numbers, as Keras variables do
    def _binary(op, reflected=False):
        def method(self, other):
            other = np.asarray(other) if isinstance(other, Variable) else other
            mine = np.asarray(self.value.data)
            return op(other, mine) if reflected else op(mine, other)
        return method

    __add__, __radd__ = _binary(np.add), _binary(np.add, True)
    __sub__, __rsub__ = _binary(np.subtract), _binary(np.subtract, True)
    __mul__, __rmul__ = _binary(np.multiply), _binary(np.multiply, True)
    __truediv__, __rtruediv__ = _binary(np.divide), _binary(np.divide, True)
    __matmul__, __rmatmul__ = _binary(np.matmul), _binary(np.matmul, True)
    __pow__ = _binary(np.power)
    del _binary

    def __neg__(self):
        return -np.asarray(self.value.data)

    # A view is equal to another view of the same parameter only (arrays compare with np.array_equal).
    def __eq__(self, other):
        return isinstance(other, Variable) and other.value is self.value

    def __hash__(self):
        return hash(id(self.value))

    def __repr__(self):
        return f"<Variable path={self.path}, shape={self.shape}, dtype={self.dtype}, value={np.asarray(self.value.data)!r}>"
