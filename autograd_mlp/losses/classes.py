"""Loss objects as Keras 3 has them: configured once, called as ``loss(y_true, y_pred, sample_weight=None)``.

>>> bce = BinaryCrossentropy(label_smoothing=0.1)
>>> model.compile(optimizer="adam", loss=bce)        # or call it: bce(y, model(x))

A call returns a Value (differentiable in ``y_pred``), reduced as Keras 3
reduces (``reduction``): per-case losses ℓ_i (the mean over the last axis;
the sum over classes for the cross-entropies) weighted by ``sample_weight``
w_i, then

* ``"sum_over_batch_size"`` (default): Σ w_i ℓ_i / n, n the number of cases;
* ``"sum"``: Σ w_i ℓ_i;   ``"mean_with_sample_weight"``: Σ w_i ℓ_i / Σ w_i;
* ``"none"`` or None: the vector w_i ℓ_i.

Weights are one per case ((n,), (n, 1) or a scalar), finite and
non-negative.  The cross-entropies read the logits behind a sigmoid or
softmax output, as the functions do (see :mod:`autograd_mlp.losses.functions`).

Subclass :class:`Loss` and define ``call(y_true, y_pred)`` returning the
per-case losses (a Value or an array of shape (n,)) for a loss of one's own.
"""

from __future__ import annotations

import numpy as np

from .._checks import flag, one_of
from ..engine import Value
from ..ops import lift
from . import functions as F

__all__ = [
    "Loss",
    "MeanSquaredError",
    "MeanAbsoluteError",
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "SparseCategoricalCrossentropy",
    "Hinge",
    "CLASSES",
]


def _snake(name):
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i and not name[i - 1].isupper():
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


class Loss:
    """Base class: a name, a reduction, and ``__call__`` that weights and reduces ``call``'s per-case losses."""

    #: The name of the loss function it computes (for ``compile``'s checks and saving).
    function_name = None

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        if name is not None and not isinstance(name, str):
            raise TypeError(f"expected name as a string; got {type(name).__name__} {name!r}")
        self.reduction = one_of("reduction", reduction, F.REDUCTIONS) if reduction is not None else None
        self.name = name or self.function_name or _snake(type(self).__name__)
        self.dtype = dtype

    @property
    def __name__(self):
        return self.name

    def __call__(self, y_true, y_pred, sample_weight=None):
        reduction = self.reduction

        def weights(shape, name, classes_summed=False):
            return F.weighting(shape, sample_weight, reduction, classes_summed, name)

        return self._compute(y_true, y_pred, weights)

    def _compute(self, y_true, y_pred, weights):
        """The loss of a subclass that defines :meth:`call`: its per-case values, weighted and reduced."""
        values = self.call(y_true, y_pred)
        values = values if isinstance(values, Value) else lift(np.asarray(values, dtype=np.float64))
        if values.ndim == 0:
            values = values.reshape((1,))
        r = weights(tuple(values.shape) + (1,), self.name)
        return r.apply(values.reshape(tuple(values.shape) + (1,)))

    def call(self, y_true, y_pred):
        """The per-case losses ℓ_i (no weights, no reduction)."""
        if type(self)._compute is Loss._compute:
            raise NotImplementedError(f"{type(self).__name__} must define call(y_true, y_pred)")
        return self._compute(y_true, y_pred, lambda shape, name, summed=False: F.weighting(shape, None, "none",
                                                                                          summed, name))

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config):
        if not isinstance(config, dict):
            raise TypeError(f"expected a config dict; got {type(config).__name__}")
        return cls(**config)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"

    def __eq__(self, other):
        return type(other) is type(self) and other.get_config() == self.get_config()

    __hash__ = object.__hash__


class MeanSquaredError(Loss):
    """ℓ_i = mean_k (ŷ_ik - y_ik)²."""

    function_name = "mean_squared_error"

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_error", dtype=None):
        super().__init__(name, reduction, dtype)

    def _compute(self, y_true, y_pred, weights):
        return F._mse(y_true, y_pred, weights)


class MeanAbsoluteError(Loss):
    """ℓ_i = mean_k |ŷ_ik - y_ik|."""

    function_name = "mean_absolute_error"

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_error", dtype=None):
        super().__init__(name, reduction, dtype)

    def _compute(self, y_true, y_pred, weights):
        return F._mae(y_true, y_pred, weights)


class Hinge(Loss):
    """ℓ_i = mean_k max(0, 1 - y_ik ŷ_ik), labels in {-1, 1} (or {0, 1}, mapped to -1/1)."""

    function_name = "hinge"

    def __init__(self, reduction="sum_over_batch_size", name="hinge", dtype=None):
        super().__init__(name, reduction, dtype)

    def _compute(self, y_true, y_pred, weights):
        return F._hinge(y_true, y_pred, weights)


def _axis(axis):
    if axis != -1:
        raise ValueError(f"expected axis=-1 (the classes along the last axis); got {axis!r}")
    return -1


class BinaryCrossentropy(Loss):
    """ℓ_i = mean_k -[y log ŷ + (1 - y) log(1 - ŷ)], y smoothed to y (1 - s) + s/2."""

    function_name = "binary_crossentropy"

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1, reduction="sum_over_batch_size",
                 name="binary_crossentropy", dtype=None):
        super().__init__(name, reduction, dtype)
        self.from_logits = flag("from_logits", from_logits)
        self.label_smoothing = F._smoothing(label_smoothing)
        self.axis = _axis(axis)

    def _compute(self, y_true, y_pred, weights):
        return F._bce(y_true, y_pred, self.from_logits, self.label_smoothing, weights)

    def get_config(self):
        return {**super().get_config(), "from_logits": self.from_logits,
                "label_smoothing": self.label_smoothing, "axis": self.axis}


class CategoricalCrossentropy(Loss):
    """ℓ_i = -Σ_k y_k log ŷ_k, ŷ normalised to rows summing to 1, y smoothed to y (1 - s) + s/k."""

    function_name = "categorical_crossentropy"

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1, reduction="sum_over_batch_size",
                 name="categorical_crossentropy", dtype=None):
        super().__init__(name, reduction, dtype)
        self.from_logits = flag("from_logits", from_logits)
        self.label_smoothing = F._smoothing(label_smoothing)
        self.axis = _axis(axis)

    def _compute(self, y_true, y_pred, weights):
        return F._ce(y_true, y_pred, self.from_logits, self.label_smoothing, weights)

    def get_config(self):
        return {**super().get_config(), "from_logits": self.from_logits,
                "label_smoothing": self.label_smoothing, "axis": self.axis}


class SparseCategoricalCrossentropy(Loss):
    """ℓ_i = -log ŷ_{i, y_i} with integer class labels y_i of shape (n,) or (n, 1)."""

    function_name = "sparse_categorical_crossentropy"

    def __init__(self, from_logits=False, reduction="sum_over_batch_size",
                 name="sparse_categorical_crossentropy", dtype=None):
        super().__init__(name, reduction, dtype)
        self.from_logits = flag("from_logits", from_logits)

    def _compute(self, y_true, y_pred, weights):
        return F._sparse_ce(y_true, y_pred, self.from_logits, weights)

    def get_config(self):
        return {**super().get_config(), "from_logits": self.from_logits}


#: The loss classes by their Keras class names.
CLASSES = {cls.__name__: cls for cls in (MeanSquaredError, MeanAbsoluteError, BinaryCrossentropy,
                                          CategoricalCrossentropy, SparseCategoricalCrossentropy, Hinge)}
