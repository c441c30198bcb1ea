"""The primitive operations: each one's forward and its vector-Jacobian products, side by side.

Every primitive is an :class:`Op`: a name (shown in drawings) and one rule per
differentiable input.  A rule ``vjp(g, z, *inputs, *context)`` receives the
adjoint ``g = dL/dz`` of the output ``z`` and returns ``dL/dinput`` with the
input's exact shape.  Rules are written with operators and methods that exist
on numpy arrays *and* on Values, so the same rule runs on raw arrays in an
ordinary backward pass (full numpy speed) and on Values under
``backward(create_graph=True)`` (where the backward pass is itself a graph that
can be differentiated again).

Conventions for points where a function has no derivative (subgradients):
relu'(0) = 0, abs'(0) = 0; ``max``/``min`` send the gradient to the selected
element and share it equally between ties.

Broadcasting: every binary op broadcasts like numpy, and :func:`unbroadcast`
sums its gradient back over the broadcast axes to the input's shape.
"""

from __future__ import annotations

import math
import numbers
import operator

import numpy as np

from .engine import Value, _raw

__all__ = [
    "Op",
    "unbroadcast",
    "concatenate",
    "stack",
    "where",
    "exp",
    "log",
    "tanh",
    "sigmoid",
    "relu",
    "sqrt",
    "softplus",
    "logsumexp",
    "softmax",
    "affine",
    "weighted_sum",
]


class Op:
    """A primitive: its name and one vector-Jacobian product per differentiable input."""

    __slots__ = ("name", "vjps", "joint")

    def __init__(self, name, *vjps, joint=None):
        self.name = name
        self.vjps = vjps
        # For fused ops with many inputs: one rule ``joint(g, z, inputs, *context)``
        # returning every input's gradient, so shared work is done once and the
        # inputs travel as one sequence (see ``weighted_sum``).
        self.joint = joint

    def __repr__(self):
        return f"Op({self.name!r})"


# ---------------------------------------------------------------- helpers
def _shape(x):
    if type(x) is np.ndarray:
        return x.shape
    return x.shape if isinstance(x, Value) else np.shape(x)


def _operand(x):
    """Lift a constant operand to a Value that needs no gradient; NotImplemented for non-numbers."""
    if isinstance(x, Value):
        return x
    if type(x) is float or type(x) is int:  # the common case, before the slower ABC check
        return Value._wrap_constant(x)
    if type(x) is np.float64:
        # weak like a Python float (as in as_data): a float32 Value times
        # np.float64(2) stays float32 instead of widening data and gradient
        return Value._wrap_constant(float(x))
    if isinstance(x, numbers.Real) and not isinstance(x, bool):
        return Value._wrap_constant(x)
    if isinstance(x, (np.ndarray, np.generic, list, tuple)):
        arr = np.asarray(x)
        if arr.dtype.kind in "biuf":
            return Value._wrap_constant(arr)
        what = f"{type(x).__name__} of dtype {arr.dtype}"
    elif isinstance(x, (str, bytes)):
        what = type(x).__name__
    else:
        return NotImplemented
    # Refused here rather than by returning NotImplemented: Python would then
    # ask str (for which "a" * 2 is repetition) or numpy, and their errors name
    # Value but not the operand that was wrong.
    raise TypeError(f"expected a Value, number or numeric array, got {what}")


def _lift(x):
    """Like :func:`_operand`, but raises a TypeError naming the type for functions called directly."""
    if type(x) is Value:  # the usual case, without a second call
        return x
    v = _operand(x)
    if v is NotImplemented:
        raise TypeError(f"expected a Value, number or numeric array, got {type(x).__name__}")
    return v


def unbroadcast(g, like):
    """Sum the adjoint ``g`` over the axes numpy broadcast, giving ``like``'s exact shape.

    If x of shape (3, 1) met y of shape (4,), the output has shape (3, 4) and
    dL/dx is the sum of g over axis 1 (kept) — and for y over axis 0 (dropped).
    A Python-float input gets a Python-float gradient.
    """
    if type(g) is float and type(like) is float:  # the scalar path: nothing was broadcast
        return g
    shape = _shape(like)
    g_shape = _shape(g)
    if g_shape == shape:
        if type(like) is float and not isinstance(g, Value):
            return float(g)
        return g
    lead = len(g_shape) - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and g_shape[lead + i] != 1
    )
    g = g.sum(axis=axes) if isinstance(g, (Value, np.ndarray)) else np.sum(g, axis=axes)
    if type(like) is float and not isinstance(g, Value):
        return float(g)
    return g.reshape(shape) if _shape(g) != shape else g


def _expand_reduced(g, shape, axis, keepdims):
    """Broadcast the adjoint of a reduction back to the input's shape."""
    if axis is None:
        kept = (1,) * len(shape)
    else:
        kept = tuple(1 if i in axis else n for i, n in enumerate(shape))
    if not isinstance(g, (Value, np.ndarray)):
        g = np.asarray(g)
    if not keepdims and _shape(g) != kept:
        g = g.reshape(kept)
    return broadcast_to(g, shape) if isinstance(g, Value) else np.broadcast_to(g, shape)


def _normalize_axis(axis, ndim):
    """Axis argument as a sorted tuple of non-negative ints (or None for all axes)."""
    if axis is None:
        return None
    if isinstance(axis, numbers.Integral):
        axes = (axis,)
    elif isinstance(axis, (tuple, list)):
        axes = tuple(axis)
    else:
        raise TypeError(f"axis must be an int or a tuple of ints, got {type(axis).__name__}")
    normalized = []
    for a in axes:
        if not isinstance(a, numbers.Integral):
            raise TypeError(f"axis must be an int or a tuple of ints, got {type(a).__name__}")
        if not -ndim <= a < ndim:
            raise ValueError(f"axis {a} is out of range for an array with {ndim} dimension(s)")
        normalized.append(int(a) % ndim)
    if len(set(normalized)) != len(normalized):
        raise ValueError(f"repeated axis in {axis}")
    return tuple(sorted(normalized))


def _single_axis(axis, ndim, what):
    """One axis as a non-negative int, for operations that work along exactly one axis."""
    if isinstance(axis, bool) or not isinstance(axis, numbers.Integral):
        raise TypeError(f"{what} needs a single int axis, got {axis!r} ({type(axis).__name__})")
    return _normalize_axis(axis, ndim)[0]


def _exp(x):
    return x.exp() if isinstance(x, Value) else np.exp(x)


def _log(x):
    if isinstance(x, Value):
        return x.log()
    if type(x) is float:
        # a Python float stays one (np.log would give float64 and widen a
        # float32 gradient); math.log refuses x <= 0, where numpy's nan/-inf apply
        return math.log(x) if x > 0 else float(np.log(x))
    return np.log(x)


def _sigmoid(x):
    return x.sigmoid() if isinstance(x, Value) else _sigmoid_forward(x)


def _swap_last(x):
    """Swap the last two axes (a batched matrix transpose)."""
    axes = list(range(len(_shape(x))))
    axes[-1], axes[-2] = axes[-2], axes[-1]
    return x.transpose(axes)


def _shape_error(op, x, y, exc):
    return ValueError(f"operation '{op.name}' cannot combine shapes {x.shape} and {y.shape} ({exc})")


def _binary(op, fn, x, y):
    try:
        data = fn(x.data, y.data)
    except ValueError as exc:
        raise _shape_error(op, x, y, exc) from None
    return Value._from_op(data, (x, y), op)


def _unary(op, data, x, ctx=()):
    return Value._from_op(data, (x,), op, ctx)


# ------------------------------------------------ arithmetic (broadcasting)
# z = x + y        dz/dx = 1, dz/dy = 1
ADD = Op("+", lambda g, z, x, y: unbroadcast(g, x), lambda g, z, x, y: unbroadcast(g, y))
# z = x - y        dz/dx = 1, dz/dy = -1
SUB = Op("-", lambda g, z, x, y: unbroadcast(g, x), lambda g, z, x, y: unbroadcast(-g, y))
# z = x * y        dz/dx = y, dz/dy = x
MUL = Op("*", lambda g, z, x, y: unbroadcast(g * y, x), lambda g, z, x, y: unbroadcast(g * x, y))
# z = x / y        dz/dx = 1/y, dz/dy = -x/y² = -z/y
DIV = Op("/", lambda g, z, x, y: unbroadcast(g / y, x), lambda g, z, x, y: unbroadcast(-g * z / y, y))
# z = x ** y       dz/dx = y x^(y-1), dz/dy = z log x   (the latter only where x > 0)
POW = Op(
    "**",
    lambda g, z, x, y: unbroadcast(g * y * _power(x, y - 1), x),
    lambda g, z, x, y: unbroadcast(g * z * _log(x), y),
)
# z = -x           dz/dx = -1
NEG = Op("neg", lambda g, z, x: -g)


def add(x, y):
    return _binary(ADD, _add, _lift(x), _lift(y))


# The forwards of the arithmetic operators, as C functions (no Python frame per call).
_add, _sub, _mul, _div = operator.add, operator.sub, operator.mul, operator.truediv


def _pow(x, y):
    """x ** y on data; a negative Python number to a fractional power is nan, as numpy gives, not complex."""
    z = x ** y
    return math.nan if type(z) is complex else z


def _power(x, y):
    """x ** y in a rule: the Value operator under create_graph, else the real-valued forward."""
    return x ** y if isinstance(x, Value) or isinstance(y, Value) else _pow(x, y)


def _matmul(a, b):
    return a @ b


# ------------------------------------------------------------ matrix product
def _matmul_vjp_x(g, z, x, y):
    """dL/dx for z = x @ y: g @ yᵀ (with numpy's rules for 1-D and batched operands)."""
    xs, ys = _shape(x), _shape(y)
    if len(xs) == 2 and len(ys) == 2:
        return g @ y.T
    if len(xs) == 1 and len(ys) == 1:
        return g * y
    g2 = _matmul_grad_as_matrix(g, xs, ys)
    y2 = y.reshape(ys + (1,)) if len(ys) == 1 else y
    gx = g2 @ _swap_last(y2)
    if len(xs) == 1:
        return unbroadcast(gx, np.empty((1,) + xs)).reshape(xs)
    return unbroadcast(gx, x)


def _matmul_vjp_y(g, z, x, y):
    """dL/dy for z = x @ y: xᵀ @ g (with numpy's rules for 1-D and batched operands)."""
    xs, ys = _shape(x), _shape(y)
    if len(xs) == 2 and len(ys) == 2:
        return x.T @ g
    if len(xs) == 1 and len(ys) == 1:
        return g * x
    g2 = _matmul_grad_as_matrix(g, xs, ys)
    x2 = x.reshape((1,) + xs) if len(xs) == 1 else x
    gy = _swap_last(x2) @ g2
    if len(ys) == 1:
        return unbroadcast(gy, np.empty(ys + (1,))).reshape(ys)
    return unbroadcast(gy, y)


def _matmul_grad_as_matrix(g, xs, ys):
    """Reinsert the axes numpy drops when an operand of ``@`` is 1-D."""
    shape = _shape(g)
    if len(xs) == 1:
        shape = shape[:-1] + (1,) + shape[-1:]
    if len(ys) == 1:
        shape = shape + (1,)
    return g.reshape(shape)


MATMUL = Op("@", _matmul_vjp_x, _matmul_vjp_y)


def matmul(x, y):
    x, y = _lift(x), _lift(y)
    if x.ndim == 0 or y.ndim == 0:
        raise ValueError(f"'@' needs arrays of at least 1 dimension, got shapes {x.shape} and {y.shape}")
    try:
        data = x.data @ y.data
    except ValueError:
        raise ValueError(
            f"'@' shape mismatch: {x.shape} @ {y.shape} (the last axis of the left operand, "
            f"{x.shape[-1]}, must equal the {'only' if y.ndim == 1 else 'second-to-last'} "
            f"axis of the right, {y.shape[0] if y.ndim == 1 else y.shape[-2]})"
        ) from None
    return Value._from_op(data, (x, y), MATMUL)


# z = x @ W + b    the affine map of a dense layer, one node instead of two:
#                  dz/dx = g Wᵀ, dz/dW = xᵀ g, dz/db = Σ_rows g
AFFINE = Op(
    "affine",
    lambda g, z, x, w, b: _matmul_vjp_x(g, z, x, w),
    lambda g, z, x, w, b: _matmul_vjp_y(g, z, x, w),
    lambda g, z, x, w, b: _bias_grad(g, b),
)


def _bias_grad(g, b):
    """Σ_rows g for the usual (batch, units) adjoint and (units,) bias; unbroadcast otherwise."""
    if type(g) is np.ndarray and g.ndim == 2 and type(b) is np.ndarray and b.shape == g.shape[1:]:
        return np.add.reduce(g, axis=0)
    return unbroadcast(g, b)


def affine(x, w, b):
    """``x @ w + b`` as one node (what a dense layer computes before its activation)."""
    if type(x) is not Value or type(w) is not Value or type(b) is not Value:
        x, w, b = _lift(x), _lift(w), _lift(b)
    xd, wd, bd = x.data, w.data, b.data
    if type(xd) is not np.ndarray or xd.ndim == 0 or np.ndim(wd) != 2:
        raise ValueError(f"affine() needs x with at least 1 dimension and a 2-D weight, got {x.shape} and {w.shape}")
    if xd.shape[-1] != wd.shape[0]:
        raise ValueError(
            f"affine() shape mismatch: x has {xd.shape[-1]} features (shape {x.shape}) "
            f"but the weight expects {wd.shape[0]} (shape {w.shape})"
        )
    z = xd @ wd
    if np.ndim(bd) <= 1 and np.size(bd) in (1, z.shape[-1]):
        z += bd  # in place: z is fresh, and this saves an allocation per call
    else:
        try:
            z = z + bd  # a bias with more axes than x @ w makes a larger result
        except ValueError:
            raise ValueError(
                f"affine() cannot add a bias of shape {b.shape} to x @ weight of shape {z.shape}"
            ) from None
    return Value._from_op(z, (x, w, b), AFFINE)


# z = Σ_i w_i x_i + b   over lists of scalar Values: a neuron as ONE node.
#                       dz/dw_i = x_i, dz/dx_i = w_i, dz/db = 1
def _weighted_sum_vjp(g, z, args):
    n = (len(args) - 1) // 2
    ws, xs = args[:n], args[n:2 * n]
    return [g * x for x in xs] + [g * w for w in ws] + [g]


WEIGHTED_SUM = Op("Σw·x", joint=_weighted_sum_vjp)


def weighted_sum(weights, inputs, bias=0.0):
    """Σ_i weights[i] · inputs[i] + bias for sequences of scalar Values (or numbers), as one node.

    This is what a neuron computes before its activation.  Written as
    ``sum(w * x for w, x in zip(weights, inputs)) + bias`` it would cost two
    nodes per input; as one node with a single gradient rule, micrograd's demo
    network trains about 3x faster (benchmarks/RESULTS.md, W4).
    """
    # ``type(...) is Value`` first: _lift's call is most of the cost for the usual all-Value lists
    weights = [w if type(w) is Value else _lift(w) for w in weights]
    inputs = [x if type(x) is Value else _lift(x) for x in inputs]
    if len(weights) != len(inputs):
        raise ValueError(f"weighted_sum() needs as many weights as inputs, got {len(weights)} and {len(inputs)}")
    bias = _lift(bias)
    total = sum(map(_mul, [w.data for w in weights], [x.data for x in inputs]), bias.data)
    return Value._from_op(total, (*weights, *inputs, bias), WEIGHTED_SUM)


# ------------------------------------------------------- elementwise functions
def _sigmoid_forward(x):
    """σ(x) = 1 / (1 + e^-x), computed without overflow: e^-|x| never exceeds 1."""
    if type(x) is float:
        if x >= 0:
            return 1.0 / (1.0 + math.exp(-x))
        e = math.exp(x)
        return e / (1.0 + e)
    if type(x) is not np.ndarray or x.ndim == 0:  # a numpy scalar or 0-d array
        return np.asarray(_sigmoid_forward(float(x)), dtype=np.result_type(x))
    # 1 / (1 + e^-x): where e^-x overflows to inf the result is exactly 0, which
    # is σ(x) to float precision, so the overflow is expected and silenced.
    # Four passes over one buffer: about twice as fast as branching on the sign.
    with np.errstate(over="ignore"):
        out = np.negative(x)
        np.exp(out, out=out)
        out += 1.0
        np.reciprocal(out, out=out)
    return out



def _softplus_forward(x):
    """softplus(x) = log(1 + e^x) = max(x, 0) + log1p(e^-|x|), stable for any x."""
    if type(x) is float:
        return max(x, 0.0) + math.log1p(math.exp(-abs(x)))
    return np.logaddexp(0.0, x)


def _relu_mask(x):
    d = _raw(x)
    if type(d) is float:
        # A Python bool is refused as an operand of a Value (so that True + v
        # is an error), which the second-order pass would hit: use 1.0 / 0.0.
        return 1.0 if d > 0 else 0.0
    return d > 0


# z = e^x          dz/dx = z
EXP = Op("exp", lambda g, z, x: g * z)
# z = log x        dz/dx = 1/x
LOG = Op("log", lambda g, z, x: g / x)
# z = tanh x       dz/dx = 1 - z²
TANH = Op("tanh", lambda g, z, x: g * (1 - z * z))
# z = σ(x)         dz/dx = z (1 - z) = σ(x) σ(-x)
#                  (σ(-x) rather than 1 - z: for large x, 1 - z cancels to 0
#                  while σ(-x) keeps every digit)
SIGMOID = Op("sigmoid", lambda g, z, x: g * z * _sigmoid(-x))
# z = max(0, x)    dz/dx = 1 where x > 0, else 0
RELU = Op("relu", lambda g, z, x: g * _relu_mask(x))
# z = |x|          dz/dx = sign(x)   (0 at 0)
ABS = Op("abs", lambda g, z, x: g * np.sign(_raw(x)))
# z = √x           dz/dx = 1 / (2z)
SQRT = Op("sqrt", lambda g, z, x: g / (2 * z))
# z = log(1+e^x)   dz/dx = σ(x)
SOFTPLUS = Op("softplus", lambda g, z, x: g * _sigmoid(x))


def _math_or_numpy(scalar_fn, array_fn):
    def forward(x):
        return scalar_fn(x) if type(x) is float else array_fn(x)

    return forward


_exp_forward = _math_or_numpy(math.exp, np.exp)
_log_forward = _math_or_numpy(math.log, np.log)
_tanh_forward = _math_or_numpy(math.tanh, np.tanh)
_sqrt_forward = _math_or_numpy(math.sqrt, np.sqrt)


def exp(x):
    x = _lift(x)
    return _unary(EXP, _exp_forward(x.data), x)


def log(x):
    x = _lift(x)
    return _unary(LOG, _log_forward(x.data), x)


def tanh(x):
    x = _lift(x)
    return _unary(TANH, _tanh_forward(x.data), x)


def sigmoid(x):
    x = _lift(x)
    return _unary(SIGMOID, _sigmoid_forward(x.data), x)


def relu(x):
    x = _lift(x)
    d = x.data
    return _unary(RELU, (d if d > 0 else 0.0) if type(d) is float else np.maximum(d, 0), x)


def absolute(x):
    x = _lift(x)
    return _unary(ABS, abs(x.data), x)


def sqrt(x):
    x = _lift(x)
    return _unary(SQRT, _sqrt_forward(x.data), x)


def softplus(x):
    x = _lift(x)
    return _unary(SOFTPLUS, _softplus_forward(x.data), x)


# -------------------------------------------------------------- where (select)
# z = cond ? x : y     dz/dx = cond, dz/dy = not cond   (cond is a constant mask)
WHERE = Op(
    "where",
    lambda g, z, x, y, cond: unbroadcast(g * cond, x),
    lambda g, z, x, y, cond: unbroadcast(g * ~cond, y),
)


def where(condition, x, y):
    """Elementwise ``x`` where ``condition`` holds, else ``y`` (numpy.where), differentiable in x and y."""
    cond = np.asarray(_raw(condition), dtype=bool)
    x, y = _lift(x), _lift(y)
    try:
        data = np.where(cond, x.data, y.data)
    except ValueError as exc:
        raise ValueError(f"where() cannot broadcast shapes {cond.shape}, {x.shape}, {y.shape} ({exc})") from None
    return Value._from_op(data, (x, y), WHERE, (cond,))


# ------------------------------------------------------------------ reductions
# z = Σ_axis x     dz/dx = 1, broadcast back over the summed axes
SUM = Op("sum", lambda g, z, x, axis, keepdims: _expand_reduced(g, _shape(x), axis, keepdims))
# z = mean_axis x  dz/dx = 1/N, N the number of elements averaged
MEAN = Op(
    "mean",
    lambda g, z, x, axis, keepdims: _expand_reduced(g, _shape(x), axis, keepdims)
    * (math.prod(_shape(z)) / max(math.prod(_shape(x)), 1)),
)


def _extremum_vjp(g, z, x, axis, keepdims):
    """max/min: the gradient goes to the selected element(s), shared equally between ties."""
    z_kept = _expand_reduced(_raw(z), _shape(x), axis, keepdims)
    mask = _raw(x) == z_kept
    # the division makes float64; cast back so float32 inputs get float32 gradients
    share = (mask / np.sum(mask, axis=axis, keepdims=True)).astype(np.result_type(_raw(x)), copy=False)
    return _expand_reduced(g, _shape(x), axis, keepdims) * share


MAX = Op("max", _extremum_vjp)
MIN = Op("min", _extremum_vjp)
# z = log Σ e^x    dz/dx = e^(x - z) = softmax(x)
LOGSUMEXP = Op(
    "logsumexp",
    lambda g, z, x, axis, keepdims: _expand_reduced(g, _shape(x), axis, keepdims)
    * _exp(x - _expand_reduced(z, _shape(x), axis, keepdims)),
)


def _reduce(op, fn, x, axis, keepdims):
    x = _lift(x)
    axis = _normalize_axis(axis, x.ndim)
    data = fn(x.data, axis=axis, keepdims=keepdims)
    return Value._from_op(data, (x,), op, (axis, keepdims))


def _sum(x, axis=None, keepdims=False):
    return _reduce(SUM, np.sum, x, axis, keepdims)


def _mean(x, axis=None, keepdims=False):
    return _reduce(MEAN, np.mean, x, axis, keepdims)


def _max(x, axis=None, keepdims=False):
    if _lift(x).size == 0:
        raise ValueError("max() of an empty Value")
    return _reduce(MAX, np.max, x, axis, keepdims)


def _min(x, axis=None, keepdims=False):
    if _lift(x).size == 0:
        raise ValueError("min() of an empty Value")
    return _reduce(MIN, np.min, x, axis, keepdims)


def _logsumexp_forward(x, axis=None, keepdims=False):
    """log Σ e^x computed as m + log Σ e^(x - m), m the maximum, so nothing overflows."""
    x = np.asarray(x)
    m = np.max(x, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    out = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis=axis)


def logsumexp(x, axis=None, keepdims=False):
    """log(Σ exp(x)) over ``axis``, stable for inputs of any size (softmax's normalizer)."""
    return _reduce(LOGSUMEXP, _logsumexp_forward, x, axis, keepdims)


def _softmax_forward(x, axis):
    """softmax(x)_i = e^(x_i - m) / Σ_j e^(x_j - m), m = max(x): no overflow for any input."""
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


# z = softmax(x)   Jacobian diag(z) - z zᵀ, so dL/dx = z ⊙ (g - Σ_axis g ⊙ z)
SOFTMAX = Op("softmax", lambda g, z, x, axis: z * (g - (g * z).sum(axis=axis, keepdims=True)))


def softmax(x, axis=-1):
    """Normalized exponentials along ``axis`` (one node, stable for inputs of any size)."""
    x = _lift(x)
    if x.ndim == 0:
        raise ValueError("softmax() needs at least 1 dimension, got a 0-d Value")
    axis = _single_axis(axis, x.ndim, "softmax()")
    return Value._from_op(_softmax_forward(np.asarray(x.data), axis), (x,), SOFTMAX, (axis,))


# ------------------------------------------------------------------ shape ops
# z = reshape(x)       dz/dx: reshape g back
RESHAPE = Op("reshape", lambda g, z, x, shape: g.reshape(_shape(x)) if _shape(g) != _shape(x) else g)
# z = transpose(x, p)  dz/dx: transpose g by the inverse permutation
TRANSPOSE = Op("transpose", lambda g, z, x, axes: g.transpose(tuple(np.argsort(axes))))
# z = broadcast(x)     dz/dx: sum g over the broadcast axes
BROADCAST = Op("broadcast_to", lambda g, z, x, shape: unbroadcast(g, x))


def _reshape(x, *shape):
    x = _lift(x)
    if len(shape) == 1 and not isinstance(shape[0], numbers.Integral):
        shape = tuple(shape[0])
    try:
        data = np.reshape(x.data, shape)
    except ValueError:
        raise ValueError(f"cannot reshape a Value of shape {x.shape} ({x.size} elements) into {shape}") from None
    return Value._from_op(data, (x,), RESHAPE, (shape,))


def _transpose(x, *axes):
    x = _lift(x)
    if len(axes) == 1 and not isinstance(axes[0], numbers.Integral):
        axes = axes[0]
    if not axes:
        axes = tuple(range(x.ndim))[::-1]
    elif all(-x.ndim <= int(a) < x.ndim for a in axes):
        axes = tuple(int(a) % x.ndim for a in axes)
    if sorted(axes) != list(range(x.ndim)):
        raise ValueError(f"transpose axes {axes} are not a permutation of the {x.ndim} axes of shape {x.shape}")
    return Value._from_op(np.transpose(x.data, axes), (x,), TRANSPOSE, (axes,))


# z = x as another float type    dz/dx: g cast back to x's type
ASTYPE = Op("astype", lambda g, z, x, dtype: g.astype(np.result_type(x)) if isinstance(g, np.ndarray) else _cast_value(g, x))


def _cast_value(g, x):
    return g if not isinstance(g, Value) else astype(g, np.result_type(_raw(x)))


def astype(x, dtype):
    """``x`` converted to the float type ``dtype`` (float16/32/64); the gradient is converted back."""
    x = _lift(x)
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"astype() needs a float dtype (gradients need one), got {dtype}")
    if x.dtype == dtype:
        return x
    return Value._from_op(np.asarray(x.data).astype(dtype), (x,), ASTYPE, (dtype,))


def broadcast_to(x, shape):
    """Broadcast ``x`` to ``shape`` like numpy.broadcast_to; the gradient sums back."""
    x = _lift(x)
    shape = tuple(shape)
    try:
        data = np.broadcast_to(x.data, shape)
    except ValueError:
        raise ValueError(f"cannot broadcast a Value of shape {x.shape} to {shape}") from None
    return Value._from_op(data, (x,), BROADCAST, (shape,))


# ---------------------------------------------------------------- indexing
def _has_advanced(index):
    items = index if isinstance(index, tuple) else (index,)
    return any(isinstance(i, (list, np.ndarray)) for i in items)


def _scatter_forward(g, index, shape):
    """A zero array of ``shape`` with ``g`` added at ``index``; repeated indices accumulate."""
    out = np.zeros(shape, dtype=np.result_type(g))
    if _has_advanced(index):
        np.add.at(out, index, g)
    else:
        out[index] = g
    return out


def _scatter(g, index, shape):
    if isinstance(g, Value):
        return Value._from_op(_scatter_forward(g.data, index, shape), (g,), SCATTER, (index, shape))
    return _scatter_forward(g, index, shape)


# z = x[index]             dz/dx: g placed back at index (accumulating repeats)
GETITEM = Op("getitem", lambda g, z, x, index: _scatter(g, index, _shape(x)))
# z = scatter(g, index)    its adjoint is indexing again (scatter is linear)
SCATTER = Op("scatter", lambda g, z, x, index, shape: g[index])


def _getitem(x, index):
    if isinstance(index, Value):
        index = index.data
    if isinstance(index, list):
        index = np.asarray(index)
    if isinstance(index, tuple):
        index = tuple(i.data if isinstance(i, Value) else (np.asarray(i) if isinstance(i, list) else i) for i in index)
    data = np.asarray(x.data)[index] if type(x.data) is float else x.data[index]
    return Value._from_op(data, (x,), GETITEM, (index,))


# ------------------------------------------------------- joining arrays
def _slice_along(g, axis, start, stop):
    index = (slice(None),) * axis + (slice(start, stop),)
    return g[index]


class _ConcatPart:
    """The rule for one input of a concatenation: its slice of the adjoint."""

    __slots__ = ("axis", "start", "stop")

    def __init__(self, axis, start, stop):
        self.axis, self.start, self.stop = axis, start, stop

    def __call__(self, g, z, *inputs_and_axis):
        return _slice_along(g, self.axis, self.start, self.stop)


def concatenate(values, axis=0):
    """Join Values along an existing axis (numpy.concatenate); each input's gradient is its slice."""
    values = [_lift(v) for v in values]
    if not values:
        raise ValueError("concatenate() needs at least one Value")
    if any(v.ndim == 0 for v in values):
        raise ValueError("concatenate() cannot join 0-d Values; use stack()")
    axis = _single_axis(axis, values[0].ndim, "concatenate()")
    try:
        data = np.concatenate([v.data for v in values], axis=axis)
    except ValueError:
        shapes = ", ".join(str(v.shape) for v in values)
        raise ValueError(f"concatenate() along axis {axis} needs equal other dimensions, got shapes {shapes}") from None
    bounds = np.cumsum([0] + [v.shape[axis] for v in values])
    op = Op("concatenate", *(_ConcatPart(axis, int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:])))
    return Value._from_op(data, tuple(values), op, (axis,))


def stack(values, axis=0):
    """Join Values along a new axis (numpy.stack)."""
    values = [_lift(v) for v in values]
    if not values:
        raise ValueError("stack() needs at least one Value")
    shapes = {v.shape for v in values}
    if len(shapes) != 1:
        raise ValueError(f"stack() needs Values of one shape, got {sorted(shapes)}")
    ndim = values[0].ndim + 1
    axis = _single_axis(axis, ndim, "stack()")
    shape = values[0].shape
    expanded = [v.reshape(shape[:axis] + (1,) + shape[axis:]) for v in values]
    return concatenate(expanded, axis=axis)


# ------------------------------------------------ attach operators to Value
def _operator(op, fn):
    """``Value.__op__`` and its reflected twin: lift the other operand, compute, record.

    Written out rather than through :func:`_binary`: these are the hottest
    calls of scalar code, and each saved Python call is measurable there.
    """
    record = Value._from_op

    def method(self, other):
        if type(other) is not Value:
            other = _operand(other)
            if other is NotImplemented:
                return NotImplemented
        try:
            data = fn(self.data, other.data)
        except ValueError as exc:
            raise _shape_error(op, self, other, exc) from None
        return record(data, (self, other), op)

    def reflected(self, other):
        other = _operand(other)
        if other is NotImplemented:
            return NotImplemented
        try:
            data = fn(other.data, self.data)
        except ValueError as exc:
            raise _shape_error(op, other, self, exc) from None
        return record(data, (other, self), op)

    return method, reflected


Value.__add__, Value.__radd__ = _operator(ADD, _add)
Value.__sub__, Value.__rsub__ = _operator(SUB, _sub)
Value.__mul__, Value.__rmul__ = _operator(MUL, _mul)
Value.__truediv__, Value.__rtruediv__ = _operator(DIV, _div)
Value.__pow__, Value.__rpow__ = _operator(POW, _pow)


def _matmul_method(self, other):
    other = _operand(other)
    return NotImplemented if other is NotImplemented else matmul(self, other)


def _rmatmul_method(self, other):
    other = _operand(other)
    return NotImplemented if other is NotImplemented else matmul(other, self)


Value.__matmul__ = _matmul_method
Value.__rmatmul__ = _rmatmul_method
Value.__neg__ = lambda self: _unary(NEG, -self.data, self)
Value.__pos__ = lambda self: self
Value.__abs__ = absolute
Value.__getitem__ = _getitem

Value.exp = exp
Value.log = log
Value.tanh = tanh
Value.sigmoid = sigmoid
Value.relu = relu
Value.abs = absolute
Value.sqrt = sqrt
Value.softplus = softplus
Value.sum = _sum
Value.mean = _mean
Value.max = _max
Value.min = _min
Value.logsumexp = logsumexp
Value.softmax = softmax
Value.reshape = _reshape
Value.transpose = _transpose
Value.T = property(lambda self: _transpose(self))
Value.broadcast_to = broadcast_to
Value.flatten = lambda self: _reshape(self, (-1,))
Value.astype = astype
