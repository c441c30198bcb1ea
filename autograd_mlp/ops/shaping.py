"""Shapes and selections: reshape, transpose, broadcast_to, astype, indexing, concatenate, stack.

Each rule moves the adjoint back where the data came from: reshape it,
transpose it by the inverse permutation, sum it over broadcast axes, or
scatter it to the indexed positions (repeated indices accumulate).
"""

from __future__ import annotations

import numbers

import numpy as np

from ..engine import Value
from .core import Op, installs, lift, raw, shape_of, single_axis, unbroadcast

__all__ = ["broadcast_to", "astype", "concatenate", "stack"]


# z = reshape(x)       dz/dx: reshape g back
RESHAPE = Op("reshape", lambda g, z, x, shape: g.reshape(shape_of(x)) if shape_of(g) != shape_of(x) else g)


@installs("reshape")
def reshape(x, *shape):
    """The same elements in a new shape (numpy.reshape; one -1 is inferred).  dL/dx: g reshaped back.

    Example: ``Value(np.zeros(6)).reshape(2, 3).shape`` is ``(2, 3)``.
    """
    x = lift(x)
    if len(shape) == 1 and not isinstance(shape[0], numbers.Integral):
        shape = tuple(shape[0])
    try:
        data = np.reshape(x.data, shape)
    except ValueError:
        raise ValueError(f"cannot reshape a Value of shape {x.shape} ({x.size} elements) into {shape}") from None
    return Value._from_op(data, (x,), RESHAPE, (shape,))


@installs("flatten")
def flatten(x):
    """The elements as one axis, ``reshape(-1)``.

    Example: ``Value(np.zeros((2, 3))).flatten().shape`` is ``(6,)``.
    """
    return reshape(x, (-1,))


# z = transpose(x, p)  dz/dx: transpose g by the inverse permutation
TRANSPOSE = Op("transpose", lambda g, z, x, axes: g.transpose(tuple(np.argsort(axes))))


@installs("transpose")
def transpose(x, *axes):
    """Axes permuted (reversed by default), as numpy.transpose.  dL/dx: g transposed back.

    Example: ``Value(np.zeros((2, 3))).transpose().shape`` is ``(3, 2)``.
    """
    x = lift(x)
    if len(axes) == 1 and not isinstance(axes[0], numbers.Integral):
        axes = axes[0]
    if not axes:
        axes = tuple(range(x.ndim))[::-1]
    elif all(-x.ndim <= int(a) < x.ndim for a in axes):
        axes = tuple(int(a) % x.ndim for a in axes)
    if sorted(axes) != list(range(x.ndim)):
        raise ValueError(f"transpose axes {axes} are not a permutation of the {x.ndim} axes of shape {x.shape}")
    return Value._from_op(np.transpose(x.data, axes), (x,), TRANSPOSE, (axes,))


Value.T = property(transpose, doc="""The transpose (axes reversed), ``v.transpose()``.

    Example: ``Value(np.zeros((2, 3))).T.shape`` is ``(3, 2)``.
    """)


# z = broadcast(x)     dz/dx: sum g over the broadcast axes
BROADCAST = Op("broadcast_to", lambda g, z, x, shape: unbroadcast(g, x))


@installs("broadcast_to")
def broadcast_to(x, shape):
    """Broadcast ``x`` to ``shape`` like numpy.broadcast_to; the gradient sums back.

    Example: ``Value([1.0, 2.0]).broadcast_to((3, 2)).shape`` is ``(3, 2)``.
    """
    x = lift(x)
    shape = tuple(shape)
    try:
        data = np.broadcast_to(x.data, shape)
    except ValueError:
        raise ValueError(f"cannot broadcast a Value of shape {x.shape} to {shape}") from None
    return Value._from_op(data, (x,), BROADCAST, (shape,))


# z = x as another float type    dz/dx: g cast back to x's type
ASTYPE = Op(
    "astype",
    lambda g, z, x, dtype: g.astype(np.result_type(x)) if isinstance(g, np.ndarray) else _cast_value(g, x),
)


def _cast_value(g, x):
    return g if not isinstance(g, Value) else astype(g, np.result_type(raw(x)))


@installs("astype")
def astype(x, dtype):
    """``x`` converted to the float type ``dtype`` (float16/32/64); the gradient is converted back.

    Example: ``Value([1.0]).astype("float32").dtype`` is ``float32``.
    """
    x = lift(x)
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"astype() needs a float dtype (gradients need one), got {dtype}")
    if x.dtype == dtype:
        return x
    return Value._from_op(np.asarray(x.data).astype(dtype), (x,), ASTYPE, (dtype,))


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
GETITEM = Op("getitem", lambda g, z, x, index: _scatter(g, index, shape_of(x)))
# z = scatter(g, index)    its adjoint is indexing again (scatter is linear)
SCATTER = Op("scatter", lambda g, z, x, index, shape: g[index])


def _is_float_index(i):
    if isinstance(i, bool):
        return False
    if isinstance(i, (float, np.floating)):
        return True
    return isinstance(i, np.ndarray) and i.dtype.kind in "fc"


@installs("__getitem__")
def getitem(x, index):
    """``x[index]`` with numpy's basic and advanced indexing.  dL/dx: g placed back at index (repeats add up).

    Example: ``Value([1.0, 2.0, 3.0])[1:]`` is ``Value([2., 3.])``.
    """
    if isinstance(index, Value):
        index = index.data
    if isinstance(index, list):
        index = np.asarray(index)
    if isinstance(index, tuple):
        index = tuple(i.data if isinstance(i, Value) else (np.asarray(i) if isinstance(i, list) else i) for i in index)
    items = index if isinstance(index, tuple) else (index,)
    if any(_is_float_index(i) for i in items):
        raise TypeError(
            f"cannot index a Value of shape {x.shape} with {_describe(index)}: "
            "indices must be ints, slices, or int or bool arrays"
        )
    try:
        data = np.asarray(x.data)[index] if type(x.data) is float else x.data[index]
    except IndexError as exc:
        raise IndexError(f"index {_describe(index)} is invalid for a Value of shape {x.shape}: {exc}") from None
    return Value._from_op(data, (x,), GETITEM, (index,))


def _describe(index):
    """An index for a message: arrays by dtype, shape and a few values, everything else by repr."""
    def one(i):
        if isinstance(i, np.ndarray):
            return f"array({np.array2string(i, threshold=6, edgeitems=2)}, dtype={i.dtype})"
        return repr(i)

    if isinstance(index, tuple):
        return "(" + ", ".join(one(i) for i in index) + ")"
    return one(index)


# ------------------------------------------------------- joining arrays
class _ConcatPart:
    """The rule for one input of a concatenation: its slice of the adjoint."""

    __slots__ = ("axis", "start", "stop")

    def __init__(self, axis, start, stop):
        self.axis, self.start, self.stop = axis, start, stop

    def __call__(self, g, z, *inputs_and_axis):
        return g[(slice(None),) * self.axis + (slice(self.start, self.stop),)]


def concatenate(values, axis=0):
    """Join Values along an existing axis (numpy.concatenate); each input's gradient is its slice."""
    values = [lift(v) for v in values]
    if not values:
        raise ValueError("concatenate() needs at least one Value")
    if any(v.ndim == 0 for v in values):
        raise ValueError("concatenate() cannot join 0-d Values; use stack()")
    axis = single_axis(axis, values[0].ndim, "concatenate()")
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
    values = [lift(v) for v in values]
    if not values:
        raise ValueError("stack() needs at least one Value")
    shapes = {v.shape for v in values}
    if len(shapes) != 1:
        raise ValueError(f"stack() needs Values of one shape, got {sorted(shapes)}")
    ndim = values[0].ndim + 1
    axis = single_axis(axis, ndim, "stack()")
    shape = values[0].shape
    expanded = [v.reshape(shape[:axis] + (1,) + shape[axis:]) for v in values]
    return concatenate(expanded, axis=axis)
