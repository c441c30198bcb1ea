"""What every operation is made of: ``Op``, lifting operands, ``unbroadcast``, installing on ``Value``.

An :class:`Op` is a name (shown in drawings) and one vector-Jacobian rule per
differentiable input.  A rule ``vjp(g, z, *inputs, *context)`` receives the
adjoint ``g = dL/dz`` of the output ``z`` and returns ``dL/dinput`` with the
input's exact shape.  Rules are written with operators and methods that exist
on numpy arrays *and* on Values, so the same rule runs on raw arrays in an
ordinary backward pass and on Values under ``backward(create_graph=True)``.

:func:`installs` puts an operation's function on :class:`Value` under its
method or operator names, next to the operation's definition, so one place
holds the forward, the rules, the drawing name and how a Value reaches it.
"""

from __future__ import annotations

import math
import numbers
import types

import numpy as np

from ..engine import Value

__all__ = ["Op", "unbroadcast", "lift", "installs"]


class Op:
    """A primitive: its name and one vector-Jacobian product per differentiable input.

    ``Op("square", lambda g, z, x: g * 2 * x)`` is the rule of z = x².  Fused
    ops with many inputs may give one ``joint(g, z, inputs, *context)`` rule
    instead, returning every input's gradient at once (shared work done once).

    ``floats(g, z, *inputs)`` is an optional shortcut for one- and two-input
    operations without context: the backward pass calls it instead of the
    rules when the output and its adjoint are Python floats (then so are the
    inputs, or plain numbers), and it returns a tuple with every input's
    gradient.  It must compute the same expressions as the rules do on
    floats, so both paths give the same numbers bit for bit; it skips their
    shape handling (``unbroadcast``) and their calls one input at a time.
    A ZeroDivisionError or OverflowError in it sends the node to the rules.

    :meth:`record` makes the result node of the op; most users want the
    checked :func:`autograd_mlp.primitive` instead.
    """

    __slots__ = ("name", "vjps", "joint", "floats")

    def __init__(self, name, *vjps, joint=None, floats=None):
        self.name = name
        self.vjps = vjps
        self.joint = joint
        self.floats = floats

    def record(self, data, inputs, ctx=()):
        """The Value holding ``data``, computed by this op from the Values ``inputs``.

        The graph is recorded only when gradients are enabled and some input
        needs them; ``ctx`` is passed to the rules after the inputs.
        """
        return Value._from_op(data, tuple(inputs), self, tuple(ctx))

    def __repr__(self):
        return f"Op({self.name!r})"


def installs(*names):
    """Decorator: put the function on :class:`Value` under each of ``names`` (methods or operators).

    A name other than the function's own gets a copy of the function under
    that name (same code, same speed), so ``help(Value)`` lists ``__abs__``
    with its docstring instead of an alias.
    """

    def install(fn):
        for name in names:
            setattr(Value, name, fn if fn.__name__ == name else renamed(fn, name))
        return fn

    return install


def renamed(fn, name):
    """A copy of function ``fn`` called ``name`` (for ``help()`` and tracebacks)."""
    copy = types.FunctionType(fn.__code__, fn.__globals__, name, fn.__defaults__, fn.__closure__)
    copy.__kwdefaults__ = fn.__kwdefaults__
    copy.__doc__ = fn.__doc__
    copy.__qualname__ = f"Value.{name}"
    copy.__module__ = fn.__module__
    return copy


# ---------------------------------------------------------------- helpers
def shape_of(x):
    if type(x) is np.ndarray:
        return x.shape
    return x.shape if isinstance(x, Value) else np.shape(x)


def raw(x):
    return x.data if isinstance(x, Value) else x


def operand(x):
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


def lift(x):
    """``x`` as a Value: itself if it is one, else a constant; a TypeError naming the type otherwise."""
    if type(x) is Value:  # the usual case, without a second call
        return x
    v = operand(x)
    if v is NotImplemented:
        raise TypeError(f"expected a Value, number or numeric array, got {type(x).__name__}")
    return v


def as_numpy_scalar(x):
    """A Python float as numpy's float64 (for the numpy fallback of scalar arithmetic)."""
    return np.float64(x) if type(x) is float else x


def scalar_fallback(fn, *args):
    """``fn(*args)`` with Python floats replaced by numpy float64, the result a Python float again.

    Scalar Values compute with Python's ``math`` (fast), which raises on
    log(0), sqrt(-1), 1/0 and overflow; this redoes the computation with
    numpy, which gives inf/nan and warns (obeying ``numpy.errstate``), as
    array Values do.
    """
    out = fn(*(as_numpy_scalar(a) for a in args))
    return float(out) if isinstance(out, np.generic) else out


def unbroadcast(g, like):
    """Sum the adjoint ``g`` over the axes numpy broadcast, giving ``like``'s exact shape.

    If x of shape (3, 1) met y of shape (4,), the output has shape (3, 4) and
    dL/dx is the sum of g over axis 1 (kept) — and for y over axis 0 (dropped).
    A Python-float input gets a Python-float gradient.
    """
    if type(g) is float and type(like) is float:  # the scalar path: nothing was broadcast
        return g
    shape = shape_of(like)
    g_shape = shape_of(g)
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
    return g.reshape(shape) if shape_of(g) != shape else g


def expand_reduced(g, shape, axis, keepdims):
    """Broadcast the adjoint of a reduction back to the input's shape."""
    if axis is None:
        kept = (1,) * len(shape)
    else:
        kept = tuple(1 if i in axis else n for i, n in enumerate(shape))
    if not isinstance(g, (Value, np.ndarray)):
        g = np.asarray(g)
    if not keepdims and shape_of(g) != kept:
        g = g.reshape(kept)
    return g.broadcast_to(shape) if isinstance(g, Value) else np.broadcast_to(g, shape)


def normalize_axis(axis, ndim):
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


def single_axis(axis, ndim, what):
    """One axis as a non-negative int, for operations that work along exactly one axis."""
    if isinstance(axis, bool) or not isinstance(axis, numbers.Integral):
        raise TypeError(f"{what} needs a single int axis, got {axis!r} ({type(axis).__name__})")
    return normalize_axis(axis, ndim)[0]


def math_or_numpy(scalar_fn, array_fn):
    """A forward that uses ``math`` for Python floats (fast) and numpy otherwise.

    Where ``math`` raises (log(0), sqrt(-1), exp(1000)) the scalar is redone
    in numpy, so scalars and arrays give the same inf/nan and warning.
    """

    def forward(x):
        if type(x) is float:
            try:
                return scalar_fn(x)
            except (ValueError, OverflowError, ZeroDivisionError):
                return scalar_fallback(array_fn, x)
        return array_fn(x)

    return forward


def prod(shape):
    return math.prod(shape)
