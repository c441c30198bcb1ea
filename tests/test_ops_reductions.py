"""The reductions of ops.reductions (sum, mean, max, min, logsumexp, softmax): forwards and gradients.

The gradient checks project the output onto a fixed random array c (see
op_checks.py); the second-order checks differentiate Σ c ⊙ f(x)² twice.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_mlp import Value, ops

from op_checks import check_gradients, check_second_order
from strategies import (
    arrays_any_shape,
    axes,
    distinct_arrays,
)


# -------------------------------------------------------------- reductions
REDUCTIONS = {
    "sum": (lambda v, **kw: v.sum(**kw), np.sum),
    "mean": (lambda v, **kw: v.mean(**kw), np.mean),
    "max": (lambda v, **kw: v.max(**kw), np.max),
    "min": (lambda v, **kw: v.min(**kw), np.min),
    "logsumexp": (
        lambda v, **kw: v.logsumexp(**kw),
        lambda a, axis=None, keepdims=False: np.log(np.sum(np.exp(a), axis=axis, keepdims=keepdims)),
    ),
}


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
@settings(max_examples=25)
@given(data=st.data())
def test_reduction_gradient(name, data):
    f, reference = REDUCTIONS[name]
    # distinct, spaced values: max/min have a unique winner, far from a tie
    x = data.draw(distinct_arrays(), label="x")
    axis = data.draw(axes(x.ndim), label="axis")
    keepdims = data.draw(st.booleans(), label="keepdims")
    out = check_gradients(lambda v: f(v, axis=axis, keepdims=keepdims), x)
    expected = reference(x, axis=axis, keepdims=keepdims)
    assert out.shape == np.shape(expected)
    # atol: log(Σ e^x) in the reference loses tiny results (log(1 + 1e-130) = 0)
    np.testing.assert_allclose(out.data, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
@settings(max_examples=10)
@given(data=st.data())
def test_reduction_second_order(name, data):
    f, _ = REDUCTIONS[name]
    x = data.draw(distinct_arrays(), label="x")
    axis = data.draw(axes(x.ndim), label="axis")
    keepdims = data.draw(st.booleans(), label="keepdims")
    check_second_order(lambda v: f(v, axis=axis, keepdims=keepdims), x)


@pytest.mark.parametrize("name", ["sum", "mean", "max", "min", "logsumexp"])
def test_reductions_of_a_python_float(name):
    f, reference = REDUCTIONS[name]
    check_gradients(f, 1.25)
    assert f(Value(1.25)).item() == pytest.approx(reference(np.float64(1.25)))


def test_max_min_share_the_gradient_between_ties():
    x = Value(np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]]))
    x.max().backward()
    np.testing.assert_array_equal(x.grad, [[0, 0.5, 0.5], [0, 0, 0]])
    y = Value(np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]]))
    y.max(axis=1).sum().backward()
    np.testing.assert_array_equal(y.grad, [[0, 0.5, 0.5], [0.5, 0.5, 0]])
    z = Value(np.array([4.0, 1.0, 1.0, 1.0]))
    z.min().backward()
    np.testing.assert_allclose(z.grad, [0, 1 / 3, 1 / 3, 1 / 3])


def test_reduction_axis_errors():
    v = Value(np.ones((2, 3)))
    for bad in (2, -3, (0, 5)):
        with pytest.raises(ValueError, match="out of range"):
            v.sum(axis=bad)
    with pytest.raises(ValueError, match="repeated"):
        v.mean(axis=(1, -1))
    with pytest.raises(TypeError, match="axis"):
        v.sum(axis=1.0)
    with pytest.raises(ValueError, match="empty"):
        Value(np.ones((0,))).max()


# ---------------------------------------------------------------- softmax
@settings(max_examples=20)
@given(x=arrays_any_shape(min_dims=1), data=st.data())
def test_softmax_gradient(x, data):
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1), label="axis")
    out = check_gradients(lambda v: ops.softmax(v, axis=axis), x)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    np.testing.assert_allclose(out.data, e / e.sum(axis=axis, keepdims=True), rtol=1e-12)
    np.testing.assert_allclose(out.data.sum(axis=axis), 1.0)
    check_second_order(lambda v: v.softmax(axis=axis), x)


def test_softmax_refuses_0d():
    with pytest.raises(ValueError, match="0-d"):
        ops.softmax(Value(1.0))
