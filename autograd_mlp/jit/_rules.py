"""What a compiled step needs to know of each primitive: its forward on raw data and its gradient rules.

:func:`rules_of` is the one place the compiler reads an operation's internals
(``op.vjps``, ``op.joint``, ``op.name``) and pairs it with the forward the
dynamic path computes.  Each forward here is the computation the operation's
function in :mod:`autograd_mlp.ops` or :mod:`autograd_mlp.losses` performs on
``.data`` before it records its node, written as ``forward(args, ctx)``: the
same numpy calls in the same order, so a replay gives the dynamic path's bits.
The gradient rules are the operations' own functions, called unchanged.
"""

from __future__ import annotations

import operator

import numpy as np

from ..losses import functions as losses
from ..engine import as_data
from ..ops import arithmetic, elementwise, numeric, reductions, shaping
from ..ops.core import scalar_fallback
from ..ops.custom import UserOp

__all__ = ["Rules", "rules_of"]


class Rules:
    """A primitive as the compiler sees it: name, ``forward(args, ctx)``, its rules."""

    __slots__ = ("op", "name", "forward", "vjps", "joint")

    def __init__(self, op, forward):
        self.op = op
        self.name = op.name
        self.forward = forward
        self.vjps = op.vjps
        self.joint = op.joint


def _binary(fn):
    def forward(args, ctx):
        try:
            return fn(args[0], args[1])
        except (ZeroDivisionError, OverflowError):  # Python floats: numpy's inf/nan, as the operator gives
            return scalar_fallback(fn, args[0], args[1])

    return forward


def _unary(fn):
    return lambda args, ctx: fn(args[0])


def _affine(args, ctx):
    xd, wd, bd = args
    z = xd @ wd
    if np.ndim(bd) <= 1 and np.size(bd) in (1, z.shape[-1]):
        z += bd
    else:
        z = z + bd
    return z


def _weighted_sum(args, ctx):
    n = (len(args) - 1) // 2
    return sum(map(operator.mul, args[:n], args[n:2 * n]), args[-1])


def _relu(args, ctx):
    d = args[0]
    return (d if d > 0 else 0.0) if type(d) is float else np.maximum(d, 0)


def _reduction(fn):
    return lambda args, ctx: fn(args[0], axis=ctx[0], keepdims=ctx[1])


def _getitem(args, ctx):
    x = args[0]
    return np.asarray(x)[ctx[0]] if type(x) is float else x[ctx[0]]


# The losses' ctx is (targets, weighting): see autograd_mlp.losses.functions.
def _mse(args, ctx):
    y, r = ctx
    diff = args[0] - y
    if type(r.coef) is float:
        flat = diff.ravel()
        return flat.dtype.type(flat @ flat * r.coef)
    return r.forward(diff * diff)


def _mae(args, ctx):
    y, r = ctx
    return r.forward(np.abs(args[0] - y))


def _bce_logits(args, ctx):
    (z,), (y, r) = args, ctx
    return r.forward(numeric.softplus(z) - y * z)


def _ce_logits(args, ctx):
    (z,), (y, r) = args, ctx
    lse = numeric.logsumexp(z, axis=-1, keepdims=True)
    return r.forward(np.sum(y * (lse - z), axis=-1, keepdims=True))


def _concatenate(args, ctx):
    return np.concatenate(args, axis=ctx[0])


def _user_op(op):
    """A :func:`autograd_mlp.primitive`'s forward: its own function on the data, params from ctx."""
    forward = op.primitive.forward
    return lambda args, ctx: as_data(forward(*args, **ctx[0]))


_FORWARDS = {
    arithmetic.ADD: _binary(operator.add),
    arithmetic.SUB: _binary(operator.sub),
    arithmetic.MUL: _binary(operator.mul),
    arithmetic.DIV: _binary(operator.truediv),
    arithmetic.POW: _binary(arithmetic._pow),
    arithmetic.NEG: _unary(operator.neg),
    arithmetic.MATMUL: _binary(operator.matmul),
    arithmetic.AFFINE: _affine,
    arithmetic.WEIGHTED_SUM: _weighted_sum,
    elementwise.EXP: _unary(elementwise._exp),
    elementwise.LOG: _unary(numeric.log),
    elementwise.TANH: _unary(elementwise._tanh),
    elementwise.SIGMOID: _unary(numeric.sigmoid),
    elementwise.RELU: _relu,
    elementwise.ABS: _unary(abs),
    elementwise.SQRT: _unary(elementwise._sqrt),
    elementwise.SOFTPLUS: _unary(numeric.softplus),
    elementwise.WHERE: lambda args, ctx: np.where(ctx[0], args[0], args[1]),
    reductions.SUM: _reduction(np.sum),
    reductions.MEAN: _reduction(np.mean),
    reductions.MAX: _reduction(np.max),
    reductions.MIN: _reduction(np.min),
    reductions.LOGSUMEXP: _reduction(numeric.logsumexp),
    reductions.SOFTMAX: lambda args, ctx: numeric.softmax(args[0], ctx[0]),
    shaping.RESHAPE: lambda args, ctx: np.reshape(args[0], ctx[0]),
    shaping.TRANSPOSE: lambda args, ctx: np.transpose(args[0], ctx[0]),
    shaping.BROADCAST: lambda args, ctx: np.broadcast_to(args[0], ctx[0]),
    shaping.ASTYPE: lambda args, ctx: np.asarray(args[0]).astype(ctx[0]),
    shaping.GETITEM: _getitem,
    shaping.SCATTER: lambda args, ctx: shaping._scatter_forward(args[0], ctx[0], ctx[1]),
    losses.MSE: _mse,
    losses.MAE: _mae,
    losses.BCE_LOGITS: _bce_logits,
    losses.CE_LOGITS: _ce_logits,
}

_CACHE = {}


def rules_of(op):
    """The :class:`Rules` of primitive ``op``; NotImplementedError for one a compiled step cannot replay."""
    rules = _CACHE.get(op)
    if rules is None:
        forward = _FORWARDS.get(op)
        if forward is None and isinstance(op, UserOp):
            forward = _user_op(op)
        if forward is None and op.name == "concatenate":  # a fresh Op per call (one rule per input)
            forward = _concatenate
        if forward is None:
            raise NotImplementedError(
                f"a compiled step cannot replay the operation {op.name!r}; run this step without jit"
            )
        rules = Rules(op, forward)
        if op.name != "concatenate":
            _CACHE[op] = rules
    return rules


# The primitives the compiler writes out inline (kinds.py) rather than calling their rules.
ADD, SUB, MUL, DIV, NEG = arithmetic.ADD, arithmetic.SUB, arithmetic.MUL, arithmetic.DIV, arithmetic.NEG
MATMUL, AFFINE, WEIGHTED_SUM = arithmetic.MATMUL, arithmetic.AFFINE, arithmetic.WEIGHTED_SUM
EXP, LOG, TANH, SIGMOID = elementwise.EXP, elementwise.LOG, elementwise.TANH, elementwise.SIGMOID
RELU, SQRT = elementwise.RELU, elementwise.SQRT
MSE, BCE_LOGITS, CE_LOGITS = losses.MSE, losses.BCE_LOGITS, losses.CE_LOGITS
sigmoid_forward = numeric.sigmoid


def scalar_divide(x, y):
    """x / y for Python floats as the '/' operator gives it: numpy's inf/nan for y = 0."""
    return scalar_fallback(operator.truediv, x, y)


scalar_math = {"exp": elementwise._exp, "log": numeric.log, "tanh": elementwise._tanh, "sqrt": elementwise._sqrt}


#: The losses whose ctx is (targets, weighting).
LOSSES = (losses.MSE, losses.MAE, losses.BCE_LOGITS, losses.CE_LOGITS)


def mean_coefficient(ctx):
    """c of a loss reduced as the plain mean Σ c ℓ (no per-case weights), else None."""
    r = ctx[1]
    if type(r) is not losses._Weighting or type(r.coef) is not float or r.keep != "":
        return None
    return r.coef
