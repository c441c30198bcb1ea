"""Elementwise functions: exp, log, tanh, sigmoid, relu, abs, sqrt, softplus, and where.

Each function is one place: its rule (the ``Op`` with its drawing name), its
forward and the ``Value`` method(s) it is installed as.  Python-float Values
compute with ``math`` (several times cheaper than numpy on one number) and
fall back to numpy where ``math`` would raise, so log(0) = -inf and
sqrt(-1) = nan for scalars as for arrays (with numpy's warning).

Subgradients where a function has no derivative: relu'(0) = 0, abs'(0) = 0.
"""

from __future__ import annotations

import math

import numpy as np

from ..engine import Value
from . import numeric
from .core import Op, installs, lift, math_or_numpy, raw, unbroadcast

__all__ = ["exp", "log", "tanh", "sigmoid", "relu", "absolute", "sqrt", "softplus", "where"]


def _sigmoid_of(x):
    """σ(x) in a rule: the Value method under create_graph, else the stable forward."""
    return x.sigmoid() if isinstance(x, Value) else numeric.sigmoid(x)


# z = e^x          dz/dx = z
EXP = Op("exp", lambda g, z, x: g * z, floats=lambda g, z, x: (g * z,))
_exp = math_or_numpy(math.exp, np.exp)


@installs("exp")
def exp(x):
    """e^x elementwise.  dz/dx = e^x.

    Example: ``Value(0.0).exp()`` is ``Value(1.0)``.
    """
    x = lift(x)
    return Value._from_op(_exp(x.data), (x,), EXP)


# z = log x        dz/dx = 1/x
LOG = Op("log", lambda g, z, x: g / x, floats=lambda g, z, x: (g / x,))


@installs("log")
def log(x):
    """Natural logarithm elementwise; log(0) = -inf and log(x < 0) = nan, with numpy's warning.

    dz/dx = 1/x.
    Example: ``Value(1.0).log()`` is ``Value(0.0)``.
    """
    x = lift(x)
    return Value._from_op(numeric.log(x.data), (x,), LOG)


# z = tanh x       dz/dx = 1 - z²
def _tanh_vjp(g, z, x):
    """g (1 - z²); for arrays of one shape and dtype in a single fresh buffer (the same numbers)."""
    if type(g) is np.ndarray and type(z) is np.ndarray and g.shape == z.shape and g.dtype == z.dtype:
        out = z * z
        np.subtract(1, out, out=out)
        return np.multiply(g, out, out=out)
    return g * (1 - z * z)


TANH = Op("tanh", _tanh_vjp, floats=lambda g, z, x: (g * (1 - z * z),))
_tanh = math_or_numpy(math.tanh, np.tanh)


@installs("tanh")
def tanh(x):
    """tanh x = (e^2x - 1) / (e^2x + 1) elementwise.  dz/dx = 1 - tanh² x.

    Example: ``Value(0.0).tanh()`` is ``Value(0.0)``.
    """
    if type(x) is not Value:
        x = lift(x)
    d = x.data
    # an array straight to numpy (what _tanh does with it, one call fewer: an activation of every layer)
    return Value._from_op(np.tanh(d) if type(d) is np.ndarray else _tanh(d), (x,), TANH)


# z = σ(x)         dz/dx = z (1 - z) = σ(x) σ(-x)
#                  (σ(-x) rather than 1 - z: for large x, 1 - z cancels to 0
#                  while σ(-x) keeps every digit)
def _sigmoid_vjp(g, z, x):
    """g z σ(-x); for arrays of one shape and dtype without the temporaries of -x and of the product.

    σ(-x) is computed as numeric.sigmoid computes it, 1 / (1 + e^(-(-x))),
    and -(-x) is x bit for bit, so the numbers are the same.
    """
    if (type(g) is np.ndarray and type(z) is np.ndarray and type(x) is np.ndarray and x.ndim
            and g.shape == z.shape == x.shape and g.dtype == z.dtype == x.dtype):
        token = numeric.overflow_ignored()
        try:
            s = np.exp(x)
        finally:
            numeric.restore_errstate(token)
        s += 1.0
        np.reciprocal(s, out=s)
        out = g * z
        return np.multiply(out, s, out=out)
    return g * z * _sigmoid_of(-x)


SIGMOID = Op("sigmoid", _sigmoid_vjp,
             floats=lambda g, z, x: (g * z * numeric.sigmoid(-x),))


@installs("sigmoid")
def sigmoid(x):
    """σ(x) = 1 / (1 + e^-x) elementwise, without overflow for any x.  dz/dx = σ(x) (1 - σ(x)).

    The result remembers its logits x: :func:`autograd_mlp.ops.logits_of` returns them.
    Example: ``Value(0.0).sigmoid()`` is ``Value(0.5)``.
    """
    if type(x) is not Value:
        x = lift(x)
    return Value._from_op(numeric.sigmoid(x.data), (x,), SIGMOID)


def _relu_mask(x):
    d = raw(x)
    if type(d) is float:
        # A Python bool is refused as an operand of a Value (so that True + v
        # is an error), which the second-order pass would hit: use 1.0 / 0.0.
        return 1.0 if d > 0 else 0.0
    return d > 0


# z = max(0, x)    dz/dx = 1 where x > 0, else 0
RELU = Op("relu", lambda g, z, x: g * _relu_mask(x), floats=lambda g, z, x: (g * (1.0 if x > 0 else 0.0),))


@installs("relu")
def relu(x):
    """max(0, x) elementwise.  dz/dx = 1 where x > 0, else 0 (also at 0).

    Example: ``Value(-2.0).relu()`` is ``Value(0.0)``.
    """
    x = lift(x)
    d = x.data
    return Value._from_op((d if d > 0 else 0.0) if type(d) is float else np.maximum(d, 0), (x,), RELU)


# z = |x|          dz/dx = sign(x)   (0 at 0)
ABS = Op("abs", lambda g, z, x: g * np.sign(raw(x)))


@installs("abs", "__abs__")
def absolute(x):
    """|x| elementwise (also ``abs(v)``).  dz/dx = sign(x), 0 at 0.

    Example: ``abs(Value(-2.0))`` is ``Value(2.0)``.
    """
    x = lift(x)
    return Value._from_op(abs(x.data), (x,), ABS)


# z = √x           dz/dx = 1 / (2z)
SQRT = Op("sqrt", lambda g, z, x: g / (2 * z), floats=lambda g, z, x: (g / (2 * z),))
_sqrt = math_or_numpy(math.sqrt, np.sqrt)


@installs("sqrt")
def sqrt(x):
    """√x elementwise; √(x < 0) = nan with numpy's warning.  dz/dx = 1 / (2√x).

    Example: ``Value(4.0).sqrt()`` is ``Value(2.0)``.
    """
    x = lift(x)
    return Value._from_op(_sqrt(x.data), (x,), SQRT)


# z = log(1+e^x)   dz/dx = σ(x)
SOFTPLUS = Op("softplus", lambda g, z, x: g * _sigmoid_of(x))


@installs("softplus")
def softplus(x):
    """log(1 + e^x) elementwise, stable for any x.  dz/dx = σ(x).

    Example: ``Value(0.0).softplus()`` is ``Value(0.6931)``.
    """
    x = lift(x)
    return Value._from_op(numeric.softplus(x.data), (x,), SOFTPLUS)


# z = cond ? x : y     dz/dx = cond, dz/dy = not cond   (cond is a constant mask)
WHERE = Op(
    "where",
    lambda g, z, x, y, cond: unbroadcast(g * cond, x),
    lambda g, z, x, y, cond: unbroadcast(g * ~cond, y),
)


def where(condition, x, y):
    """Elementwise ``x`` where ``condition`` holds, else ``y`` (numpy.where), differentiable in x and y."""
    cond = np.asarray(raw(condition), dtype=bool)
    x, y = lift(x), lift(y)
    try:
        data = np.where(cond, x.data, y.data)
    except ValueError as exc:
        raise ValueError(f"where() cannot broadcast shapes {cond.shape}, {x.shape}, {y.shape} ({exc})") from None
    return Value._from_op(data, (x, y), WHERE, (cond,))
