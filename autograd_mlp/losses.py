"""Loss functions with Keras names and argument order ``loss(y_true, y_pred)``.

``y_true`` is data (an array, a list or a Value, always treated as a
constant); ``y_pred`` is the network's output Value.  Every loss returns a
scalar Value, the mean over the batch:

* mean_squared_error   L = 1/N Σ (ŷ - y)²                 (N = all elements)
* mean_absolute_error  L = 1/N Σ |ŷ - y|
* binary_crossentropy  L = 1/N Σ -[y log ŷ + (1-y) log(1-ŷ)]
* categorical_crossentropy         L = 1/n Σ_rows -Σ_k y_k log ŷ_k
* sparse_categorical_crossentropy  the same with integer class labels
* hinge                L = 1/N Σ max(0, 1 - y ŷ)           (labels ±1)

With two outputs and one case, mean_squared_error is the course's
½ Σ (ŷ - y)².

Numerics.  The cross-entropies are computed from *logits* whenever they can
be: with ``from_logits=True``, or when ``y_pred`` was produced by
``sigmoid``/``softmax`` (the loss then finds the logits with
:func:`autograd_mlp.ops.logits_of`, as Keras reads them from its graph).
From logits, BCE = softplus(z) - y z and CE = logsumexp(z) - Σ y z: finite
and exact for any z, with the simple gradients σ(z) - y and softmax(z) - y.  Only when given bare probabilities do they clip ŷ to
[1e-7, 1 - 1e-7] (Keras' epsilon), which keeps a probability of exactly 0 or 1
finite; the clipped region has zero gradient.

On the logits path the probability node ŷ is skipped: the loss is a function
of z, so ``backward()`` never reaches ŷ and ``ŷ.grad`` stays None, and a
drawing of the loss shows z feeding the loss node without ŷ.  Its exact
gradient, (ŷ - y) / (ŷ (1 - ŷ)), is infinite where ŷ rounds to 1, so it could
not be propagated through ŷ anyway.

Labels are checked where they enter: NaN or infinite labels are refused by
every loss, and so are labels outside a loss's domain (binary cross-entropy:
[0, 1]; hinge: {-1, 1} or {0, 1}; categorical cross-entropy: non-negative,
since soft and multi-hot targets are legitimate) and empty batches.

Each loss is one node of the graph with its own gradient rule, which is both
what the formulas above say and several times cheaper than a chain of
elementwise nodes.
"""

from __future__ import annotations

import math

import numpy as np

from . import ops
from ._names import lookup, name_in
from .engine import Value
from .ops import Op, numeric

__all__ = [
    "mean_squared_error",
    "mean_absolute_error",
    "binary_crossentropy",
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
    "hinge",
    "mse",
    "mae",
    "get",
    "name_of",
]

EPSILON = 1e-7


def _prediction(y_pred, name):
    if not isinstance(y_pred, Value):
        y_pred = ops.lift(y_pred)
    d = y_pred.data
    if type(d) is not np.ndarray or d.ndim == 0 or d.size == 0:
        if y_pred.ndim == 0:
            raise ValueError(f"{name}: y_pred must have at least one dimension (a batch), got a 0-d value")
        if y_pred.size == 0:
            raise ValueError(
                f"{name}: the batch is empty (y_pred has shape {y_pred.shape}); a loss needs one case at least"
            )
    return y_pred


def _refuse_non_finite(y, name):
    """A ValueError when the labels hold NaN or infinity (called once a loss came out non-finite)."""
    bad = ~np.isfinite(y)
    if np.any(bad):
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(f"{name}: y_true must be finite, got {y[where]} at index {where}")


def _targets(y_true, y_pred, name):
    """``y_true`` as a constant array shaped like ``y_pred``.

    Shapes that differ only by axes of length 1 (a flat (n,) against (n, 1))
    are reshaped; any other difference is an error, since reshaping, say,
    (2, 3) into (3, 2) would silently pair targets with the wrong outputs.
    """
    if type(y_true) is np.ndarray and y_true.shape == y_pred.shape and y_true.dtype == y_pred.dtype:
        return y_true  # the common case in a training loop, without the checks below
    data = y_true.data if isinstance(y_true, Value) else y_true
    try:
        arr = np.asarray(data)
    except (TypeError, ValueError):
        raise TypeError(f"{name}: y_true must be numeric, got {type(y_true).__name__}") from None
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name}: y_true must be numeric, got dtype {arr.dtype}")
    if arr.shape != y_pred.shape:
        squeezed = tuple(n for n in arr.shape if n != 1)
        if squeezed != tuple(n for n in y_pred.shape if n != 1):
            raise ValueError(f"{name}: y_true has shape {arr.shape} but y_pred has shape {y_pred.shape}")
        arr = arr.reshape(y_pred.shape)
    return arr.astype(y_pred.dtype, copy=False)


# ------------------------------------------------------------ regression
# L = mean (ŷ - y)²          dL/dŷ = 2 (ŷ - y) / N
MSE = Op("mse", lambda g, loss, p, y: (p - y) * (g * (2.0 / y.size)))
# L = mean |ŷ - y|           dL/dŷ = sign(ŷ - y) / N   (0 where ŷ = y)
MAE = Op("mae", lambda g, loss, p, y: g * (1.0 / np.size(y)) * np.sign((p.data if isinstance(p, Value) else p) - y))


def mean_squared_error(y_true, y_pred):
    """L = 1/N Σ (ŷ - y)², N the number of elements."""
    y_pred = _prediction(y_pred, "mean_squared_error")
    y = _targets(y_true, y_pred, "mean_squared_error")
    diff = (y_pred.data - y).ravel()
    loss = diff.dtype.type(diff @ diff / diff.size)
    if not math.isfinite(loss):  # the labels are checked only then: a finite loss had finite labels
        _refuse_non_finite(y, "mean_squared_error")
    return MSE.record(loss, (y_pred,), (y,))


def mean_absolute_error(y_true, y_pred):
    """L = 1/N Σ |ŷ - y|."""
    y_pred = _prediction(y_pred, "mean_absolute_error")
    y = _targets(y_true, y_pred, "mean_absolute_error")
    loss = np.mean(np.abs(y_pred.data - y))
    if not math.isfinite(loss):
        _refuse_non_finite(y, "mean_absolute_error")
    return MAE.record(loss, (y_pred,), (y,))


# --------------------------------------------------------- classification
def _sigmoid_of(z):
    return z.sigmoid() if isinstance(z, Value) else numeric.sigmoid(z)


def _softmax_of(z):
    return z.softmax() if isinstance(z, Value) else numeric.softmax(z, -1)


# L = mean softplus(z) - y z      dL/dz = (σ(z) - y) / N
BCE_LOGITS = Op("bce_logits", lambda g, loss, z, y: g * (1.0 / np.size(y)) * (_sigmoid_of(z) - y))


def _check_probability_labels(y, name):
    low, high = np.min(y), np.max(y)
    if not (low >= 0 and high <= 1):  # written so that NaN fails too
        if not np.all(np.isfinite(y)):
            _refuse_non_finite(y, name)
        raise ValueError(f"{name}: y_true must lie in [0, 1], got values from {low} to {high}")


def binary_crossentropy(y_true, y_pred, from_logits=False):
    """L = 1/N Σ -[y log ŷ + (1-y) log(1-ŷ)], from logits whenever possible (see module doc).

    Labels must lie in [0, 1].  When ŷ = sigmoid(z), the loss is computed from z
    and ŷ.grad stays None after backward (see the module docstring).
    """
    y_pred = _prediction(y_pred, "binary_crossentropy")
    y = _targets(y_true, y_pred, "binary_crossentropy")
    _check_probability_labels(y, "binary_crossentropy")
    if not from_logits:
        logits = ops.logits_of(y_pred)
        if logits is not None and logits.activation == "sigmoid":
            y_pred, from_logits = logits.values, True
    if from_logits:
        z = y_pred.data
        return BCE_LOGITS.record(np.mean(numeric.softplus(z) - y * z), (y_pred,), (y,))
    p = _clip_probabilities(y_pred)
    return -(p.log() * y + (1.0 - p).log() * (1.0 - y)).mean()


def _clip_probabilities(p):
    inside = (p.data > EPSILON) & (p.data < 1 - EPSILON)
    return ops.where(inside, p, np.clip(p.data, EPSILON, 1 - EPSILON))


# L = 1/n Σ_rows [Σy · logsumexp(z) - Σ y z]     dL/dz = (softmax(z) Σy - y) / n
CE_LOGITS = Op(
    "ce_logits",
    lambda g, loss, z, y: g * (1.0 / _rows(y)) * (_softmax_of(z) * y.sum(axis=-1, keepdims=True) - y),
)


def _rows(y):
    return max(np.size(y) // np.shape(y)[-1], 1)


def _ce_from_logits(z, y):
    lse = numeric.logsumexp(z.data, axis=-1, keepdims=True)
    per_row = np.sum(y * (lse - z.data), axis=-1)
    return CE_LOGITS.record(np.mean(per_row), (z,), (y,))


def categorical_crossentropy(y_true, y_pred, from_logits=False):
    """L = 1/n Σ_rows -Σ_k y_k log ŷ_k with targets along the last axis.

    Targets must be finite and non-negative: one-hot, soft (rows of
    probabilities) and multi-hot rows are all accepted; a row need not sum to
    one.  When ŷ = softmax(z) along the last axis, the loss is computed from z
    and ŷ.grad stays None after backward (see the module docstring).
    """
    y_pred = _prediction(y_pred, "categorical_crossentropy")
    y = _targets(y_true, y_pred, "categorical_crossentropy")
    if y.shape != y_pred.shape:
        raise ValueError(f"categorical_crossentropy: y_true has shape {y.shape}, y_pred {y_pred.shape}")
    low, high = np.min(y), np.max(y)
    if not (low >= 0 and high < np.inf):  # written so that NaN fails too
        if not np.all(np.isfinite(y)):
            _refuse_non_finite(y, "categorical_crossentropy")
        raise ValueError(f"categorical_crossentropy: y_true must be non-negative, got a minimum of {low}")
    if not from_logits:
        logits = ops.logits_of(y_pred)
        if logits is not None and logits.activation == "softmax" and logits.axis == y_pred.ndim - 1:
            y_pred, from_logits = logits.values, True
    if from_logits:
        return _ce_from_logits(y_pred, y)
    p = _clip_probabilities(y_pred)
    return -(p.log() * y).sum(axis=-1).mean()


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False):
    """Categorical cross-entropy with integer class labels of shape (n,) or (n, 1)."""
    y_pred = _prediction(y_pred, "sparse_categorical_crossentropy")
    labels = np.asarray(y_true.data if isinstance(y_true, Value) else y_true)
    if labels.dtype.kind not in "biuf":
        raise TypeError(f"sparse_categorical_crossentropy: labels must be integers, got dtype {labels.dtype}")
    if labels.dtype.kind == "f" and not np.all(np.isfinite(labels)):
        _refuse_non_finite(labels, "sparse_categorical_crossentropy")
    n_classes = y_pred.shape[-1]
    if labels.size != y_pred.size // n_classes:
        raise ValueError(
            f"sparse_categorical_crossentropy: expected {y_pred.size // n_classes} labels for "
            f"y_pred of shape {y_pred.shape}, got y_true of shape {labels.shape}"
        )
    if labels.dtype.kind == "f" and np.any(labels != np.round(labels)):
        raise ValueError("sparse_categorical_crossentropy: labels must be whole class numbers")
    labels = labels.reshape(y_pred.shape[:-1]).astype(np.int64)
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(
            f"sparse_categorical_crossentropy: labels must lie in [0, {n_classes - 1}], "
            f"got {labels.min()} to {labels.max()}"
        )
    one_hot = np.zeros(y_pred.shape, dtype=y_pred.dtype)
    np.put_along_axis(one_hot, labels[..., None], 1.0, axis=-1)
    return categorical_crossentropy(one_hot, y_pred, from_logits=from_logits)


def hinge(y_true, y_pred):
    """L = 1/N Σ max(0, 1 - y ŷ) with labels in {-1, 1}; labels in {0, 1} are mapped to -1/1, as Keras does."""
    y_pred = _prediction(y_pred, "hinge")
    y = _targets(y_true, y_pred, "hinge")
    signed = (y == 1) | (y == -1)
    if not np.all(signed):
        if not np.all((y == 0) | (y == 1)):
            if not np.all(np.isfinite(y)):
                _refuse_non_finite(y, "hinge")
            raise ValueError(
                f"hinge: y_true must hold labels in {{-1, 1}} or in {{0, 1}}, got the values {np.unique(y)[:6]}"
            )
        y = 2 * y - 1
    return (1.0 - y_pred * y).relu().mean()


mse = mean_squared_error
mae = mean_absolute_error

_BY_NAME = {
    "mean_squared_error": mean_squared_error,
    "mse": mean_squared_error,
    "mean_absolute_error": mean_absolute_error,
    "mae": mean_absolute_error,
    "binary_crossentropy": binary_crossentropy,
    "bce": binary_crossentropy,
    "categorical_crossentropy": categorical_crossentropy,
    "sparse_categorical_crossentropy": sparse_categorical_crossentropy,
    "hinge": hinge,
}


def get(identifier):
    """The loss function for a Keras name (or alias), or a callable ``loss(y_true, y_pred)`` itself."""
    return lookup(_BY_NAME, identifier, "loss")


def name_of(fn):
    """The canonical Keras name of a loss function (for saving and summaries), not its short alias."""
    return name_in(_BY_NAME, fn, shortest=4)
