"""Reductions over axes: sum, mean, max, min, logsumexp, and softmax (normalized along an axis).

``axis`` is None (every axis), an int or a tuple of ints; ``keepdims`` keeps
the reduced axes with length 1, as in numpy.  ``max``/``min`` send the
gradient to the selected element and share it equally between ties.
"""

from __future__ import annotations

import numpy as np

from ..engine import Value
from . import numeric
from .core import Op, expand_reduced, installs, lift, normalize_axis, prod, raw, shape_of, single_axis

__all__ = ["logsumexp", "softmax"]


def _reduce(op, fn, x, axis, keepdims):
    x = lift(x)
    axis = normalize_axis(axis, x.ndim)
    data = fn(x.data, axis=axis, keepdims=keepdims)
    return Value._from_op(data, (x,), op, (axis, keepdims))


# z = Σ_axis x     dz/dx = 1, broadcast back over the summed axes
SUM = Op("sum", lambda g, z, x, axis, keepdims: expand_reduced(g, shape_of(x), axis, keepdims))


@installs("sum")
def sum_(x, axis=None, keepdims=False):
    """Σ x over ``axis`` (all axes by default).  dz/dx = 1 for every summed element.

    Example: ``Value([1.0, 2.0]).sum()`` is ``Value(3.0)``.
    """
    return _reduce(SUM, np.sum, x, axis, keepdims)


# z = mean_axis x  dz/dx = 1/N, N the number of elements averaged
MEAN = Op(
    "mean",
    lambda g, z, x, axis, keepdims: expand_reduced(g, shape_of(x), axis, keepdims)
    * (prod(shape_of(z)) / max(prod(shape_of(x)), 1)),
)


@installs("mean")
def mean(x, axis=None, keepdims=False):
    """(1/N) Σ x over ``axis`` (all axes by default).  dz/dx = 1/N.

    Example: ``Value([1.0, 3.0]).mean()`` is ``Value(2.0)``.
    """
    return _reduce(MEAN, np.mean, x, axis, keepdims)


def _extremum_vjp(g, z, x, axis, keepdims):
    """max/min: the gradient goes to the selected element(s), shared equally between ties."""
    z_kept = expand_reduced(raw(z), shape_of(x), axis, keepdims)
    mask = raw(x) == z_kept
    # the division makes float64; cast back so float32 inputs get float32 gradients
    share = (mask / np.sum(mask, axis=axis, keepdims=True)).astype(np.result_type(raw(x)), copy=False)
    return expand_reduced(g, shape_of(x), axis, keepdims) * share


MAX = Op("max", _extremum_vjp)
MIN = Op("min", _extremum_vjp)


@installs("max")
def max_(x, axis=None, keepdims=False):
    """The largest element over ``axis``.  dz/dx = 1 at the maximum (shared equally between ties), else 0.

    Example: ``Value([1.0, 3.0]).max()`` is ``Value(3.0)``.
    """
    if lift(x).size == 0:
        raise ValueError("max() of an empty Value")
    return _reduce(MAX, np.max, x, axis, keepdims)


@installs("min")
def min_(x, axis=None, keepdims=False):
    """The smallest element over ``axis``.  dz/dx = 1 at the minimum (shared equally between ties), else 0.

    Example: ``Value([1.0, 3.0]).min()`` is ``Value(1.0)``.
    """
    if lift(x).size == 0:
        raise ValueError("min() of an empty Value")
    return _reduce(MIN, np.min, x, axis, keepdims)


def _exp(x):
    return x.exp() if isinstance(x, Value) else np.exp(x)


# z = log Σ e^x    dz/dx = e^(x - z) = softmax(x)
LOGSUMEXP = Op(
    "logsumexp",
    lambda g, z, x, axis, keepdims: expand_reduced(g, shape_of(x), axis, keepdims)
    * _exp(x - expand_reduced(z, shape_of(x), axis, keepdims)),
)


@installs("logsumexp")
def logsumexp(x, axis=None, keepdims=False):
    """log(Σ exp(x)) over ``axis``, stable for inputs of any size (softmax's normalizer).

    dz/dx = softmax(x).
    Example: ``Value([0.0, 0.0]).logsumexp()`` is ``Value(0.6931)`` (log 2).
    """
    return _reduce(LOGSUMEXP, numeric.logsumexp, x, axis, keepdims)


# z = softmax(x)   Jacobian diag(z) - z zᵀ, so dL/dx = z ⊙ (g - Σ_axis g ⊙ z)
SOFTMAX = Op("softmax", lambda g, z, x, axis: z * (g - (g * z).sum(axis=axis, keepdims=True)))


@installs("softmax")
def softmax(x, axis=-1):
    """e^(x_i) / Σ_j e^(x_j) along ``axis``, one node, stable for inputs of any size.

    dL/dx = z ⊙ (g - Σ_axis g ⊙ z).  The result remembers its logits x:
    :func:`autograd_mlp.ops.logits_of` returns them.
    Example: ``Value([0.0, 0.0]).softmax()`` is ``Value([0.5, 0.5])``.
    """
    x = lift(x)
    if x.ndim == 0:
        raise ValueError("softmax() needs at least 1 dimension, got a 0-d Value")
    axis = single_axis(axis, x.ndim, "softmax()")
    return Value._from_op(numeric.softmax(x.data, axis), (x,), SOFTMAX, (axis,))
