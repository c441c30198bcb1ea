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
``sigmoid``/``softmax`` (the loss then reads the logits from the graph, as
Keras does).  From logits, BCE = softplus(z) - y z and CE = logsumexp(z) - Σ y z:
finite and exact for any z, with the simple gradients σ(z) - y and
softmax(z) - y.  Only when given bare probabilities do they clip ŷ to
[1e-7, 1 - 1e-7] (Keras' epsilon), which keeps a probability of exactly 0 or 1
finite; the clipped region has zero gradient.

Each loss is one node of the graph with its own gradient rule, which is both
what the formulas above say and several times cheaper than a chain of
elementwise nodes.
"""

from __future__ import annotations

import numpy as np

from . import ops
from ._names import lookup, name_in
from .engine import Value
from .ops import Op, _sigmoid, _softmax_forward, _softplus_forward

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


def _prediction(y_pred):
    if not isinstance(y_pred, Value):
        y_pred = ops._lift(y_pred)
    if y_pred.ndim == 0:
        raise ValueError("y_pred must have at least one dimension (a batch), got a 0-d value")
    return y_pred


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
MAE = Op("mae", lambda g, loss, p, y: g * (1.0 / np.size(y)) * np.sign(ops._raw(p) - y))


def mean_squared_error(y_true, y_pred):
    """L = 1/N Σ (ŷ - y)², N the number of elements."""
    y_pred = _prediction(y_pred)
    y = _targets(y_true, y_pred, "mean_squared_error")
    diff = (y_pred.data - y).ravel()
    return Value._from_op(diff.dtype.type(diff @ diff / max(diff.size, 1)), (y_pred,), MSE, (y,))


def mean_absolute_error(y_true, y_pred):
    """L = 1/N Σ |ŷ - y|."""
    y_pred = _prediction(y_pred)
    y = _targets(y_true, y_pred, "mean_absolute_error")
    return Value._from_op(np.mean(np.abs(y_pred.data - y)), (y_pred,), MAE, (y,))


# --------------------------------------------------------- classification
# L = mean softplus(z) - y z      dL/dz = (σ(z) - y) / N
BCE_LOGITS = Op("bce_logits", lambda g, loss, z, y: g * (1.0 / np.size(y)) * (_sigmoid(z) - y))


def _check_probability_labels(y, name):
    if y.size and (np.min(y) < 0 or np.max(y) > 1):
        raise ValueError(f"{name}: y_true must lie in [0, 1], got values from {np.min(y)} to {np.max(y)}")


def binary_crossentropy(y_true, y_pred, from_logits=False):
    """L = 1/N Σ -[y log ŷ + (1-y) log(1-ŷ)], from logits whenever possible (see module doc)."""
    y_pred = _prediction(y_pred)
    y = _targets(y_true, y_pred, "binary_crossentropy")
    _check_probability_labels(y, "binary_crossentropy")
    if not from_logits and y_pred._op is ops.SIGMOID:
        y_pred, from_logits = y_pred._parents[0], True
    if from_logits:
        z = y_pred.data
        return Value._from_op(np.mean(_softplus_forward(z) - y * z), (y_pred,), BCE_LOGITS, (y,))
    p = _clip_probabilities(y_pred)
    return -(p.log() * y + (1.0 - p).log() * (1.0 - y)).mean()


def _clip_probabilities(p):
    inside = (p.data > EPSILON) & (p.data < 1 - EPSILON)
    return ops.where(inside, p, np.clip(p.data, EPSILON, 1 - EPSILON))


# L = 1/n Σ_rows [Σy · logsumexp(z) - Σ y z]     dL/dz = (softmax(z) Σy - y) / n
CE_LOGITS = Op(
    "ce_logits",
    lambda g, loss, z, y: g * (1.0 / _rows(y)) * (_softmax(z) * y.sum(axis=-1, keepdims=True) - y),
)


def _rows(y):
    return max(np.size(y) // np.shape(y)[-1], 1)


def _softmax(z):
    return z.softmax() if isinstance(z, Value) else _softmax_forward(z, -1)


def _ce_from_logits(z, y):
    lse = ops._logsumexp_forward(z.data, axis=-1, keepdims=True)
    per_row = np.sum(y * (lse - z.data), axis=-1)
    return Value._from_op(np.mean(per_row), (z,), CE_LOGITS, (y,))


def categorical_crossentropy(y_true, y_pred, from_logits=False):
    """L = 1/n Σ_rows -Σ_k y_k log ŷ_k with one-hot (or probability) targets along the last axis."""
    y_pred = _prediction(y_pred)
    y = _targets(y_true, y_pred, "categorical_crossentropy")
    if y.shape != y_pred.shape:
        raise ValueError(f"categorical_crossentropy: y_true has shape {y.shape}, y_pred {y_pred.shape}")
    _check_probability_labels(y, "categorical_crossentropy")
    if not from_logits and y_pred._op is ops.SOFTMAX and y_pred._ctx[0] == y_pred.ndim - 1:
        y_pred, from_logits = y_pred._parents[0], True
    if from_logits:
        return _ce_from_logits(y_pred, y)
    p = _clip_probabilities(y_pred)
    return -(p.log() * y).sum(axis=-1).mean()


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False):
    """Categorical cross-entropy with integer class labels of shape (n,) or (n, 1)."""
    y_pred = _prediction(y_pred)
    labels = np.asarray(y_true.data if isinstance(y_true, Value) else y_true)
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
    """L = 1/N Σ max(0, 1 - y ŷ) with labels in {-1, 1} (0/1 labels are mapped to -1/1, as Keras does)."""
    y_pred = _prediction(y_pred)
    y = _targets(y_true, y_pred, "hinge")
    if y.size and np.all((y == 0) | (y == 1)):
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
