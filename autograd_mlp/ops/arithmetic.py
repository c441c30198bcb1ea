"""Arithmetic: ``+ - * / **``, negation, ``@``, and the fused affine map and weighted sum.

Each operation sits in one place: its drawing name and rules (the ``Op``), its
forward, and how a Value reaches it (the operators installed on ``Value``).
Binary operators broadcast like numpy and :func:`~.core.unbroadcast` sums
each gradient back to its input's shape.

The operator methods are the hottest calls of scalar code: one factory makes
each pair (``__add__``/``__radd__``) as closures that do no more than lift the
other operand, call the forward (a C function from :mod:`operator`) and
record the node, with no further Python call in between.
"""

from __future__ import annotations

import operator

import numpy as np

from ..adjoints import add_floats, mul_floats
from ..engine import Value
from . import numeric
from .core import Op, installs, lift, operand, raw, scalar_fallback, shape_of, unbroadcast
from .elementwise import where

__all__ = ["matmul", "affine", "weighted_sum"]


def _shape_error(op, x, y, exc):
    return ValueError(f"operation '{op.name}' cannot combine shapes {x.shape} and {y.shape} ({exc})")


def _binary_operator(op, fn, name, doc):
    """``Value.__name__`` and its reflected twin ``__rname__``: lift the other operand, compute, record.

    Python floats raise on x/0 and overflow where numpy gives inf/nan with a
    warning; those cases are redone in numpy so scalar and array Values agree.
    """
    record = Value._from_two

    def method(self, other):
        if type(other) is not Value:
            other = operand(other)
            if other is NotImplemented:
                return NotImplemented
        try:
            data = fn(self.data, other.data)
        except ValueError as exc:
            raise _shape_error(op, self, other, exc) from None
        except (ZeroDivisionError, OverflowError):
            data = scalar_fallback(fn, self.data, other.data)
        return record(data, self, other, op)

    def reflected(self, other):
        other = operand(other)
        if other is NotImplemented:
            return NotImplemented
        try:
            data = fn(other.data, self.data)
        except ValueError as exc:
            raise _shape_error(op, other, self, exc) from None
        except (ZeroDivisionError, OverflowError):
            data = scalar_fallback(fn, other.data, self.data)
        return record(data, other, self, op)

    method.__name__, method.__qualname__, method.__doc__ = f"__{name}__", f"Value.__{name}__", doc
    reflected.__name__, reflected.__qualname__ = f"__r{name}__", f"Value.__r{name}__"
    reflected.__doc__ = f"The reflected form (a number or array on the left).\n\n{doc}"
    setattr(Value, method.__name__, method)
    setattr(Value, reflected.__name__, reflected)


def _pow(x, y):
    """x ** y on data; a negative Python number to a fractional power is nan (numpy's answer), not complex."""
    z = x ** y
    return scalar_fallback(operator.pow, x, y) if type(z) is complex else z


def _power(x, y):
    """x ** y in a rule: the Value operator under create_graph, else the real-valued forward."""
    return x ** y if isinstance(x, Value) or isinstance(y, Value) else _pow(x, y)


def _pow_vjp_x(g, z, x, y):
    """dL/dx = g y x^(y-1), taken as 0 at x = 0, y = 0 (where x^0 = 1 is constant but the formula gives 0·inf).

    The base is replaced by 1 there, so the factor y = 0 makes the term 0
    while the rule stays a function of y (its second derivatives are kept).
    """
    xd, yd = raw(x), raw(y)
    base = x
    if type(xd) is float and (type(yd) is float or type(yd) is int):
        if xd == 0 and yd == 0:
            base = 1.0
    else:
        at = (xd == 0) & (yd == 0)
        if np.any(at):
            if isinstance(x, Value):
                base = where(at, 1.0, x)
            else:
                base = np.where(at, np.ones((), np.result_type(xd)), xd)
    return unbroadcast(g * y * _power(base, y - 1), x)


def _pow_vjp_y(g, z, x, y):
    """dL/dy = g z log x, taken as 0 where x = 0 and y ≥ 0 (the limit of x^y log x; PyTorch agrees)."""
    xd, yd = raw(x), raw(y)
    at_zero = (xd == 0) & (yd >= 0)
    safe = x
    if np.any(at_zero):  # log 1 = 0 there
        if type(xd) is float and np.ndim(at_zero) == 0:
            safe = lift(1.0) if isinstance(x, Value) else 1.0
        elif isinstance(x, Value):
            safe = where(at_zero, 1.0, x)
        else:
            safe = np.where(at_zero, np.ones((), dtype=np.result_type(xd)), xd)
    log_x = safe.log() if isinstance(safe, Value) else numeric.log(safe)
    return unbroadcast(g * z * log_x, y)


# z = x + y        dz/dx = 1, dz/dy = 1
ADD = Op("+", lambda g, z, x, y: unbroadcast(g, x), lambda g, z, x, y: unbroadcast(g, y),
         floats=add_floats)
_binary_operator(ADD, operator.add, "add", """x + y, elementwise with numpy broadcasting.

    dz/dx = 1, dz/dy = 1 (each gradient summed over the axes its input was broadcast along).
    Example: ``Value(2.0) + 3`` is ``Value(5.0)``.
    """)

# z = x - y        dz/dx = 1, dz/dy = -1
SUB = Op("-", lambda g, z, x, y: unbroadcast(g, x), lambda g, z, x, y: unbroadcast(-g, y),
         floats=lambda g, z, x, y: (g, -g))
_binary_operator(SUB, operator.sub, "sub", """x - y, elementwise with numpy broadcasting.

    dz/dx = 1, dz/dy = -1.
    Example: ``Value(2.0) - 3`` is ``Value(-1.0)``.
    """)

# z = x * y        dz/dx = y, dz/dy = x
MUL = Op("*", lambda g, z, x, y: unbroadcast(g * y, x), lambda g, z, x, y: unbroadcast(g * x, y),
         floats=mul_floats)
_binary_operator(MUL, operator.mul, "mul", """x * y, elementwise (not a matrix product: that is ``@``).

    dz/dx = y, dz/dy = x.
    Example: ``Value(2.0) * 3`` is ``Value(6.0)``.
    """)

# z = x / y        dz/dx = 1/y, dz/dy = -x/y² = -z/y
DIV = Op("/", lambda g, z, x, y: unbroadcast(g / y, x), lambda g, z, x, y: unbroadcast(-g * z / y, y),
         floats=lambda g, z, x, y: (g / y, -g * z / y))
_binary_operator(DIV, operator.truediv, "truediv", """x / y, elementwise; x/0 is ±inf (0/0 nan) with numpy's warning.

    dz/dx = 1/y, dz/dy = -x/y².
    Example: ``Value(6.0) / 3`` is ``Value(2.0)``.
    """)

# z = x ** y       dz/dx = y x^(y-1) (0 at x = y = 0), dz/dy = z log x (0 where x = 0, y ≥ 0)
POW = Op("**", _pow_vjp_x, _pow_vjp_y)
_binary_operator(POW, _pow, "pow", """x ** y, elementwise; a negative base to a fractional power is nan, as in numpy.

    dz/dx = y x^(y-1) (0 at x = y = 0), dz/dy = x^y log x (0 at x = 0, y ≥ 0), as PyTorch gives.
    Example: ``Value(2.0) ** 3`` is ``Value(8.0)``.
    """)

# z = -x           dz/dx = -1
NEG = Op("neg", lambda g, z, x: -g, floats=lambda g, z, x: (-g,))


@installs("__neg__")
def negative(x):
    """-x, elementwise.  dz/dx = -1.

    Example: ``-Value(2.0)`` is ``Value(-2.0)``.
    """
    x = lift(x)
    return Value._from_op(-x.data, (x,), NEG)


@installs("__pos__")
def positive(x):
    """+x: the Value itself (no new node).

    Example: ``+Value(2.0)`` is the same Value.
    """
    return lift(x)


# ------------------------------------------------------------ matrix product
def _swap_last(x):
    """Swap the last two axes (a batched matrix transpose)."""
    axes = list(range(len(shape_of(x))))
    axes[-1], axes[-2] = axes[-2], axes[-1]
    return x.transpose(axes)


def _matmul_vjp_x(g, z, x, y):
    """dL/dx for z = x @ y: g @ yᵀ (with numpy's rules for 1-D and batched operands)."""
    if type(x) is np.ndarray and type(y) is np.ndarray and x.ndim == 2 and y.ndim == 2:
        return g @ y.T  # the dense layer's case, without the calls below
    xs, ys = shape_of(x), shape_of(y)
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
    if type(x) is np.ndarray and type(y) is np.ndarray and x.ndim == 2 and y.ndim == 2:
        return x.T @ g  # the dense layer's case, without the calls below
    xs, ys = shape_of(x), shape_of(y)
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
    shape = shape_of(g)
    if len(xs) == 1:
        shape = shape[:-1] + (1,) + shape[-1:]
    if len(ys) == 1:
        shape = shape + (1,)
    return g.reshape(shape)


# z = x @ y        dz/dx: g @ yᵀ, dz/dy: xᵀ @ g
MATMUL = Op("@", _matmul_vjp_x, _matmul_vjp_y)


def matmul(x, y):
    """x @ y, the matrix product with numpy's rules for 1-D and batched operands.

    dL/dx = g @ yᵀ, dL/dy = xᵀ @ g.
    Example: ``Value(np.eye(2)) @ np.ones(2)`` is ``Value([1., 1.])``.
    """
    x, y = lift(x), lift(y)
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


@installs("__matmul__")
def _matmul_method(self, other):
    """x @ y, the matrix product (numpy's rules for 1-D and batched operands).

    dL/dx = g @ yᵀ, dL/dy = xᵀ @ g.
    Example: ``Value(np.eye(2)) @ np.ones(2)`` is ``Value([1., 1.])``.
    """
    other = operand(other)
    return NotImplemented if other is NotImplemented else matmul(self, other)


@installs("__rmatmul__")
def _rmatmul_method(self, other):
    """a @ x with an array ``a`` on the left: the matrix product.

    Example: ``np.eye(2) @ Value(np.ones(2))`` is ``Value([1., 1.])``.
    """
    other = operand(other)
    return NotImplemented if other is NotImplemented else matmul(other, self)


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
        x, w, b = lift(x), lift(w), lift(b)
    xd, wd, bd = x.data, w.data, b.data
    # attributes rather than np.ndim/np.size: a dense layer calls this every step
    if type(xd) is not np.ndarray or xd.ndim == 0 or (wd.ndim if type(wd) is np.ndarray else np.ndim(wd)) != 2:
        raise ValueError(f"affine() needs x with at least 1 dimension and a 2-D weight, got {x.shape} and {w.shape}")
    if xd.shape[-1] != wd.shape[0]:
        raise ValueError(
            f"affine() shape mismatch: x has {xd.shape[-1]} features (shape {x.shape}) "
            f"but the weight expects {wd.shape[0]} (shape {w.shape})"
        )
    z = xd @ wd
    if type(bd) is np.ndarray:
        fits = bd.ndim <= 1 and bd.size in (1, z.shape[-1])
    else:  # a float, a numpy scalar or an ndarray subclass (a memmap)
        fits = np.ndim(bd) <= 1 and np.size(bd) in (1, z.shape[-1])
    if fits:
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
    nodes per input; one node with a single gradient rule is several times
    faster (benchmarks/RESULTS.md, W4).
    """
    # ``type(...) is Value`` first: lift's call is most of the cost for the usual all-Value lists
    weights = [w if type(w) is Value else lift(w) for w in weights]
    inputs = [x if type(x) is Value else lift(x) for x in inputs]
    if len(weights) != len(inputs):
        raise ValueError(f"weighted_sum() needs as many weights as inputs, got {len(weights)} and {len(inputs)}")
    bias = lift(bias)
    total = sum(map(operator.mul, [w.data for w in weights], [x.data for x in inputs]), bias.data)
    return Value._from_op(total, (*weights, *inputs, bias), WEIGHTED_SUM)
