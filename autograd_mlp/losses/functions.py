"""Loss functions with Keras names and argument order ``loss(y_true, y_pred)``.

``y_true`` is data (an array, a list or a Value, always treated as a
constant); ``y_pred`` is the network's output Value.  Every loss returns a
scalar Value, the mean over the batch:

* mean_squared_error   L = 1/N Σ (ŷ - y)²                 (N = all elements)
* mean_absolute_error  L = 1/N Σ |ŷ - y|
* binary_crossentropy  L = 1/N Σ -[y log ŷ + (1-y) log(1-ŷ)]
* categorical_crossentropy         L = 1/n Σ_rows -Σ_k y_k log ŷ_k   (ŷ rows normalised to sum 1)
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

Label smoothing, as Keras defines it: binary y ← y (1 - s) + s/2;
categorical y ← y (1 - s) + s/k for k classes.

Per-case weights and reductions (used by the loss classes of
:mod:`autograd_mlp.losses.classes`): a loss first has one value per case,
ℓ_i = the mean over the last axis (the sum over classes for the
cross-entropies), then with weights w_i the reduction ``sum_over_batch_size``
gives Σ w_i ℓ_i / n (n cases, whatever the weights), ``sum`` Σ w_i ℓ_i,
``mean_with_sample_weight`` Σ w_i ℓ_i / Σ w_i, and ``none`` the vector w_i ℓ_i,
as Keras 3 reduces.  A 1-d ``y_pred`` holds one output per case.  Unlike
Keras, whose loss functions return one value per case, the functions here
return the scalar mean (the ``sum_over_batch_size`` reduction).

Each loss is one node of the graph with its own gradient rule, which is both
what the formulas above say and several times cheaper than a chain of
elementwise nodes.
"""

from __future__ import annotations

import math

import numpy as np

from .. import ops
from .._checks import finite_array, one_of, probability
from ..engine import Value
from ..ops import Op, numeric

__all__ = [
    "mean_squared_error",
    "mean_absolute_error",
    "binary_crossentropy",
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
    "hinge",
    "mse",
    "mae",
    "REDUCTIONS",
]

EPSILON = 1e-7

#: The reductions of Keras 3 (``None`` is the same as ``"none"``).
REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


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


def _finite(loss):
    """Whether the loss (a numpy scalar, or an array of per-case losses) is finite everywhere."""
    if type(loss) is np.ndarray:
        return bool(np.all(np.isfinite(loss)))
    return math.isfinite(loss)  # a numpy scalar: one C call instead of a ufunc and a reduction


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


# ------------------------------------------------------------ weighting
class _Weighting:
    """How per-element losses ℓ become the result: out = Σ coef · ℓ, over everything or per case.

    ``coef`` holds w_i / (k D) for each element (k: the elements averaged into
    one case's loss, D: the reduction's divisor); ``keep`` is "" for a scalar,
    "rows" for one value per case summed over the last axis, "elements" when
    each element is a case (a 1-d prediction).
    """

    __slots__ = ("coef", "keep")

    def __init__(self, coef, keep=""):
        self.coef = coef
        self.keep = keep

    def forward(self, ell):
        if self.keep == "rows":
            return np.sum(ell * self.coef, axis=-1)
        if self.keep == "elements":
            return ell * self.coef
        if type(self.coef) is float:
            # np.add.reduce over every axis is np.sum without its Python layer (the same sum)
            return ell.dtype.type(np.add.reduce(ell, axis=None) * self.coef)
        return ell.dtype.type(np.sum(ell * self.coef))

    def apply(self, ell):
        """The same on a Value (for the losses composed of Value operations)."""
        weighted = ell * self.coef
        if self.keep == "rows":
            return weighted.sum(axis=-1)
        return weighted if self.keep == "elements" else weighted.sum()

    def spread(self, g):
        """The adjoint of the result, shaped to multiply the per-element gradient."""
        if self.keep == "rows":
            return g.reshape(tuple(g.shape) + (1,))
        return g


def sample_weights(sample_weight, cases, name):
    """``sample_weight`` checked as finite, non-negative weights of shape ``cases`` (or a scalar, or with a trailing 1)."""
    w = finite_array(f"{name}: sample_weight", sample_weight).astype(np.float64)
    if np.any(w < 0):
        raise ValueError(f"{name}: sample_weight must be non-negative, got a minimum of {w.min()}")
    if w.ndim == 0:
        return np.broadcast_to(w, cases)
    if w.shape == cases:
        return w
    if w.shape == cases + (1,) or (w.ndim == len(cases) - 1 and cases[-1:] == (1,) and w.shape == cases[:-1]):
        return w.reshape(cases)
    raise ValueError(
        f"{name}: sample_weight must hold one weight per case, shape {cases}; got shape {w.shape}"
    )


def _mean_weighting(shape, classes_summed=False):
    """The default weighting, the mean over the batch: coef = 1/N (N elements, or cases when ``classes_summed``).

    What every loss function called without weights uses, on every call: no
    argument checks to run.
    """
    size = math.prod(shape)
    return _Weighting(1.0 / (size // shape[-1] if classes_summed else size))


def weighting(shape, sample_weight=None, reduction="sum_over_batch_size", classes_summed=False, name="loss"):
    """The :class:`_Weighting` of a loss on a prediction of ``shape``.

    A case is a row along the last axis (averaged over it, or summed for the
    cross-entropies: ``classes_summed``); a 1-d prediction of a mean loss
    holds one output per case.
    """
    if sample_weight is None and type(reduction) is str and reduction == "sum_over_batch_size":
        return _mean_weighting(shape, classes_summed)
    reduction = one_of("reduction", reduction, REDUCTIONS) if reduction is not None else None
    if classes_summed or len(shape) >= 2:
        cases, k = tuple(shape[:-1]), (1 if classes_summed else shape[-1])
        keep = "rows"
    else:
        cases, k, keep = tuple(shape), 1, "elements"
    count = int(np.prod(cases))
    w = None if sample_weight is None else sample_weights(sample_weight, cases, name)
    if reduction in (None, "none"):
        divisor = 1.0
    else:
        if reduction == "sum":
            divisor = 1.0
        elif reduction == "mean_with_sample_weight" and w is not None:
            divisor = float(np.sum(w))
        else:
            divisor = float(count)
        if cases != ():
            keep = ""
    if divisor == 0:  # Keras divides "no NaN": all weights zero give a loss of 0
        coef = np.zeros(cases, dtype=np.float64)
    else:
        coef = (np.ones(cases) if w is None else w) / (k * divisor)
    if keep == "rows" or (keep == "" and len(shape) > len(cases)):
        coef = np.asarray(coef)[..., None]
    return _Weighting(coef, keep if cases != () or keep == "elements" else "")


# ------------------------------------------------------------ regression
# L = Σ c (ŷ - y)²           dL/dŷ = 2 c (ŷ - y)
MSE = Op("mse", lambda g, loss, p, y, r: (p - y) * (r.spread(g) * (2.0 * r.coef)))
# L = Σ c |ŷ - y|            dL/dŷ = c sign(ŷ - y)   (0 where ŷ = y)
MAE = Op("mae", lambda g, loss, p, y, r: r.spread(g) * r.coef * np.sign((p.data if isinstance(p, Value) else p) - y))


def _mse(y_true, y_pred, w=None):
    name = "mean_squared_error"
    y_pred = _prediction(y_pred, name)
    y = _targets(y_true, y_pred, name)
    r = w(y_pred.shape, name) if w else _mean_weighting(y_pred.shape)
    diff = y_pred.data - y
    if type(r.coef) is float:
        flat = diff.ravel()
        loss = flat.dtype.type(flat @ flat * r.coef)
    else:
        loss = r.forward(diff * diff)
    if not _finite(loss):  # the labels are checked only then: a finite loss had finite labels
        _refuse_non_finite(y, name)
    return MSE.record(loss, (y_pred,), (y, r))


def _mae(y_true, y_pred, w=None):
    name = "mean_absolute_error"
    y_pred = _prediction(y_pred, name)
    y = _targets(y_true, y_pred, name)
    r = w(y_pred.shape, name) if w else _mean_weighting(y_pred.shape)
    loss = r.forward(np.abs(y_pred.data - y))
    if not _finite(loss):
        _refuse_non_finite(y, name)
    return MAE.record(loss, (y_pred,), (y, r))


def mean_squared_error(y_true, y_pred):
    """L = 1/N Σ (ŷ - y)², N the number of elements."""
    return _mse(y_true, y_pred)


def mean_absolute_error(y_true, y_pred):
    """L = 1/N Σ |ŷ - y|."""
    return _mae(y_true, y_pred)


# --------------------------------------------------------- classification
def _sigmoid_of(z):
    return z.sigmoid() if isinstance(z, Value) else numeric.sigmoid(z)


def _softmax_of(z):
    return z.softmax() if isinstance(z, Value) else numeric.softmax(z, -1)


# L = Σ c [softplus(z) - y z]      dL/dz = c (σ(z) - y)
def _bce_logits_vjp(g, loss, z, y, r):
    """dL/dz = (ḡ c) (σ(z) - y); for arrays of one shape and type, in σ(z)'s fresh buffer (the same numbers)."""
    scale = r.spread(g) * r.coef
    p = _sigmoid_of(z)
    if (type(p) is np.ndarray and type(scale) is p.dtype.type and type(y) is np.ndarray
            and y.dtype == p.dtype and y.shape == p.shape):
        p -= y
        p *= scale
        return p
    return scale * (p - y)


BCE_LOGITS = Op("bce_logits", _bce_logits_vjp)


def _check_probability_labels(y, name):
    # the reductions themselves: np.min and np.max (and the methods) add a Python layer
    low, high = np.minimum.reduce(y, axis=None), np.maximum.reduce(y, axis=None)
    if not (low >= 0 and high <= 1):  # written so that NaN fails too
        if not np.all(np.isfinite(y)):
            _refuse_non_finite(y, name)
        raise ValueError(f"{name}: y_true must lie in [0, 1], got values from {low} to {high}")


def _smoothing(label_smoothing):
    if label_smoothing is None or label_smoothing is False:
        return 0.0
    if type(label_smoothing) is float and label_smoothing == 0.0:
        return 0.0  # the default, without the checks
    return probability("label_smoothing", label_smoothing)


def _bce(y_true, y_pred, from_logits=False, label_smoothing=0.0, w=None):
    name = "binary_crossentropy"
    smoothing = _smoothing(label_smoothing)
    y_pred = _prediction(y_pred, name)
    y = _targets(y_true, y_pred, name)
    _check_probability_labels(y, name)
    if smoothing:
        y = y * (1.0 - smoothing) + 0.5 * smoothing
    r = w(y_pred.shape, name) if w else _mean_weighting(y_pred.shape)
    if not from_logits:
        logits = ops.logits_of(y_pred)
        if logits is not None and logits.activation == "sigmoid":
            y_pred, from_logits = logits.values, True
    if from_logits:
        z = y_pred.data
        ell = numeric.softplus(z)
        ell = np.subtract(ell, y * z, out=ell) if type(ell) is np.ndarray else ell - y * z  # in place: ell is fresh
        return BCE_LOGITS.record(r.forward(ell), (y_pred,), (y, r))
    p = _clip_probabilities(y_pred)
    return r.apply(-(p.log() * y + (1.0 - p).log() * (1.0 - y)))


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0):
    """L = 1/N Σ -[y log ŷ + (1-y) log(1-ŷ)], from logits whenever possible (see module doc).

    Labels must lie in [0, 1]; ``label_smoothing`` s replaces y by
    y (1 - s) + s/2.  When ŷ = sigmoid(z), the loss is computed from z and
    ŷ.grad stays None after backward (see the module docstring).
    """
    return _bce(y_true, y_pred, from_logits, label_smoothing)


def _clip_probabilities(p):
    inside = (p.data > EPSILON) & (p.data < 1 - EPSILON)
    return ops.where(inside, p, np.clip(p.data, EPSILON, 1 - EPSILON))


# L = Σ_rows c [Σy · logsumexp(z) - Σ y z]     dL/dz = c (softmax(z) Σy - y)
CE_LOGITS = Op(
    "ce_logits",
    lambda g, loss, z, y, r: r.spread(g) * r.coef * (_softmax_of(z) * y.sum(axis=-1, keepdims=True) - y),
)


def _check_class_targets(y, name):
    low, high = np.min(y), np.max(y)
    if not (low >= 0 and high < np.inf):  # written so that NaN fails too
        if not np.all(np.isfinite(y)):
            _refuse_non_finite(y, name)
        raise ValueError(f"{name}: y_true must be non-negative, got a minimum of {low}")


def _ce(y_true, y_pred, from_logits=False, label_smoothing=0.0, w=None, name="categorical_crossentropy",
        checked=False):
    smoothing = _smoothing(label_smoothing)
    y_pred = _prediction(y_pred, name)
    y = y_true if checked else _targets(y_true, y_pred, name)
    if y.shape != y_pred.shape:
        raise ValueError(f"{name}: y_true has shape {y.shape}, y_pred {y_pred.shape}")
    if not checked:
        _check_class_targets(y, name)
    if smoothing:
        y = y * (1.0 - smoothing) + smoothing / y.shape[-1]
    r = w(y_pred.shape, name, True) if w else _mean_weighting(y_pred.shape, True)
    if not from_logits:
        logits = ops.logits_of(y_pred)
        if logits is not None and logits.activation == "softmax" and logits.axis == y_pred.ndim - 1:
            y_pred, from_logits = logits.values, True
    if from_logits:
        z = y_pred.data
        lse = numeric.logsumexp(z, axis=-1, keepdims=True)
        per_row = np.sum(y * (lse - z), axis=-1, keepdims=True)
        return CE_LOGITS.record(r.forward(per_row), (y_pred,), (y, r))
    # Keras reads probabilities as the row's shares: ŷ / Σ ŷ (a no-op for a softmax output)
    p = _clip_probabilities(y_pred / y_pred.sum(axis=-1, keepdims=True))
    return r.apply(-(p.log() * y).sum(axis=-1, keepdims=True))


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0):
    """L = 1/n Σ_rows -Σ_k y_k log ŷ_k with targets along the last axis.

    Targets must be finite and non-negative: one-hot, soft (rows of
    probabilities) and multi-hot rows are all accepted; a row need not sum to
    one.  Probabilities are first divided by their row's sum and clipped to
    [1e-7, 1 - 1e-7], as Keras does; ``label_smoothing`` s replaces y by
    y (1 - s) + s/k.  When ŷ = softmax(z) along the last axis, the loss is
    computed from z and ŷ.grad stays None after backward (see the module docstring).
    """
    return _ce(y_true, y_pred, from_logits, label_smoothing)


def _one_hot(y_true, y_pred, name):
    labels = np.asarray(y_true.data if isinstance(y_true, Value) else y_true)
    if labels.dtype.kind not in "biuf":
        raise TypeError(f"{name}: labels must be integers, got dtype {labels.dtype}")
    if labels.dtype.kind == "f" and not np.all(np.isfinite(labels)):
        _refuse_non_finite(labels, name)
    n_classes = y_pred.shape[-1]
    if labels.size != y_pred.size // n_classes:
        raise ValueError(
            f"{name}: expected {y_pred.size // n_classes} labels for "
            f"y_pred of shape {y_pred.shape}, got y_true of shape {labels.shape}"
        )
    if labels.dtype.kind == "f" and np.any(labels != np.round(labels)):
        raise ValueError(f"{name}: labels must be whole class numbers")
    labels = labels.reshape(y_pred.shape[:-1]).astype(np.int64)
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(
            f"{name}: labels must lie in [0, {n_classes - 1}], got {labels.min()} to {labels.max()}"
        )
    one_hot = np.zeros(y_pred.shape, dtype=y_pred.dtype)
    np.put_along_axis(one_hot, labels[..., None], 1.0, axis=-1)
    return one_hot


def _sparse_ce(y_true, y_pred, from_logits=False, w=None):
    name = "sparse_categorical_crossentropy"
    y_pred = _prediction(y_pred, name)
    return _ce(_one_hot(y_true, y_pred, name), y_pred, from_logits, 0.0, w, name, checked=True)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False):
    """Categorical cross-entropy with integer class labels of shape (n,) or (n, 1)."""
    return _sparse_ce(y_true, y_pred, from_logits)


def _hinge(y_true, y_pred, w=None):
    name = "hinge"
    y_pred = _prediction(y_pred, name)
    y = _targets(y_true, y_pred, name)
    signed = (y == 1) | (y == -1)
    if not np.all(signed):
        if not np.all((y == 0) | (y == 1)):
            if not np.all(np.isfinite(y)):
                _refuse_non_finite(y, name)
            raise ValueError(
                f"hinge: y_true must hold labels in {{-1, 1}} or in {{0, 1}}, got the values {np.unique(y)[:6]}"
            )
        y = 2 * y - 1
    r = w(y_pred.shape, name) if w else None
    ell = (1.0 - y_pred * y).relu()
    return ell.mean() if r is None else r.apply(ell)


def hinge(y_true, y_pred):
    """L = 1/N Σ max(0, 1 - y ŷ) with labels in {-1, 1}; labels in {0, 1} are mapped to -1/1, as Keras does."""
    return _hinge(y_true, y_pred)


mse = mean_squared_error
mae = mean_absolute_error

