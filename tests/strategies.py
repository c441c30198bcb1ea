"""Reusable hypothesis strategies: shapes, bounded float64 arrays, broadcastable shape pairs.

Values are bounded and never NaN or infinite, so finite differences are
meaningful.  Strategies for functions with a restricted domain or a kink keep
their draws away from it: ``positive`` for log and sqrt, ``away_from_zero``
for abs and relu, ``distinct_arrays`` (values spaced apart) for max and min.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

# Small sides keep numerical gradients (two evaluations per element) cheap.
MAX_DIMS = 3
MAX_SIDE = 3


def shapes(min_dims=0, max_dims=MAX_DIMS, min_side=1, max_side=MAX_SIDE):
    """Array shapes, 0-d included by default."""
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side)


def floats(low=-3.0, high=3.0):
    """Bounded float64 numbers: no NaN, no infinity."""
    return st.floats(low, high, allow_nan=False, allow_infinity=False, width=64)


def positive(low=0.2, high=3.0):
    """Numbers kept away from 0, for log, sqrt, a denominator or the base of a power."""
    return floats(low, high)


def away_from_zero(low=0.1, high=3.0):
    """Numbers with |x| in [low, high], either sign: clear of the kink of abs and relu."""
    return st.one_of(floats(low, high), floats(-high, -low))


def arrays(shape, elements=None, dtype=np.float64):
    """Arrays of ``shape`` (a tuple or a strategy of tuples) with bounded elements."""
    return hnp.arrays(dtype, shape, elements=floats() if elements is None else elements)


def arrays_any_shape(elements=None, min_dims=0, max_dims=MAX_DIMS):
    """Bounded float64 arrays of any small shape, 0-d included."""
    return shapes(min_dims=min_dims, max_dims=max_dims).flatmap(lambda s: arrays(s, elements))


def data_values(elements=None, min_dims=0):
    """What a Value may wrap: a Python float or a float64 array of any small shape."""
    element = floats() if elements is None else elements
    arr = arrays_any_shape(element, min_dims=min_dims)
    if min_dims > 0:
        return arr
    return st.one_of(element, arr)


def broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=MAX_DIMS, max_side=MAX_SIDE):
    """Tuples of shapes that broadcast together, including size-1 axes and 0-d shapes."""
    return hnp.mutually_broadcastable_shapes(
        num_shapes=num_shapes, min_dims=min_dims, max_dims=max_dims, min_side=1, max_side=max_side
    ).map(lambda bs: bs.input_shapes)


@st.composite
def broadcastable_arrays(draw, num_arrays=2, elements=None):
    """Arrays (one per entry of ``elements``, or ``num_arrays`` of bounded floats) that broadcast together."""
    if elements is None:
        elements = [floats()] * num_arrays
    shape_tuple = draw(broadcastable_shapes(num_shapes=len(elements)))
    return tuple(draw(arrays(s, e)) for s, e in zip(shape_tuple, elements))


@st.composite
def distinct_arrays(draw, shape=None, spacing=0.25):
    """Arrays whose elements differ pairwise by at least ``spacing`` (no ties for max/min)."""
    if shape is None:
        shape = draw(shapes())
    size = int(np.prod(shape, dtype=np.int64))
    order = draw(st.permutations(range(size)))
    offset = draw(floats(-1.0, 1.0))
    return (np.asarray(order, dtype=np.float64) * spacing + offset).reshape(shape)


@st.composite
def axes(draw, ndim):
    """An axis argument for a reduction over ``ndim`` axes: None, an int or a tuple, negatives allowed."""
    if ndim == 0:
        return draw(st.sampled_from([None, ()]))
    kind = draw(st.sampled_from(["none", "int", "tuple"]))
    if kind == "none":
        return None
    if kind == "int":
        return draw(st.integers(-ndim, ndim - 1))
    chosen = draw(st.lists(st.integers(0, ndim - 1), min_size=0, max_size=ndim, unique=True))
    return tuple(a - ndim if draw(st.booleans()) else a for a in chosen)


def projection_like(shape, seed=0):
    """A fixed random array used to project an output to a scalar: (f(x) * c).sum()."""
    rng = np.random.default_rng(seed)
    return rng.uniform(-1.0, 1.0, size=shape)
