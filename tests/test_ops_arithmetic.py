"""The arithmetic of ops.arithmetic (+ - * / **, @, affine): forwards against numpy, gradients too.

The gradient checks project the output onto a fixed random array c (see
op_checks.py); the second-order checks differentiate Σ c ⊙ f(x)² twice.
"""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograd_mlp import Value, gradients, ops

from op_checks import check_gradients, check_second_order, _maybe_python_float
from strategies import (
    arrays,
    away_from_zero,
    axes,
    broadcastable_arrays,
    floats,
    positive,
)


# -------------------------------------------------------- elementwise, binary
# name: (function of two Values, the same on numpy, elements for x, elements for y)
BINARY = {
    "add": (lambda x, y: x + y, np.add, floats(), floats()),
    "sub": (lambda x, y: x - y, np.subtract, floats(), floats()),
    "mul": (lambda x, y: x * y, np.multiply, floats(), floats()),
    "div": (lambda x, y: x / y, np.divide, floats(), away_from_zero(0.3)),
    "pow": (lambda x, y: x**y, np.power, positive(0.3, 3.0), floats(-2.0, 2.0)),
}


@pytest.mark.parametrize("name", sorted(BINARY))
@settings(max_examples=25)
@given(data=st.data())
def test_binary_broadcasting_gradient(name, data):
    f, reference, ex, ey = BINARY[name]
    x, y = data.draw(broadcastable_arrays(elements=[ex, ey]), label="x, y")
    x = _maybe_python_float(x, data.draw(st.booleans()))
    y = _maybe_python_float(y, data.draw(st.booleans()))
    out = check_gradients(f, x, y)
    assert out.shape == np.broadcast_shapes(np.shape(x), np.shape(y))
    np.testing.assert_allclose(out.data, reference(np.asarray(x), np.asarray(y)), rtol=1e-12)


@pytest.mark.parametrize("name", sorted(BINARY))
@settings(max_examples=10)
@given(data=st.data())
def test_binary_second_order(name, data):
    f, _, ex, ey = BINARY[name]
    x, y = data.draw(broadcastable_arrays(elements=[ex, ey]), label="x, y")
    x = _maybe_python_float(x, data.draw(st.booleans()))
    y = _maybe_python_float(y, data.draw(st.booleans()))
    check_second_order(f, x, y)


@pytest.mark.parametrize(
    "x_shape, y_shape",
    [((1,), ()), ((), (1,)), ((1,), (3,)), ((3, 1), (4,)), ((2, 1, 3), (1, 4, 1)), ((), (2, 3)), ((1, 1), (2, 3))],
)
@pytest.mark.parametrize("name", sorted(BINARY))
def test_gradient_keeps_each_input_shape_exactly(name, x_shape, y_shape):
    f, _, _, _ = BINARY[name]
    x = Value(np.full(x_shape, 1.5))
    y = Value(np.full(y_shape, 0.5))
    f(x, y).sum().backward()
    assert x.grad.shape == x_shape
    assert y.grad.shape == y_shape


def test_python_float_operands_get_python_float_gradients():
    x, y = Value(2.0), Value(3.0)
    (x * y + x / y - y**x).backward()
    assert type(x.data) is float
    assert float(x.grad) == pytest.approx(3.0 + 1.0 / 3.0 - 9.0 * np.log(3.0))
    assert float(y.grad) == pytest.approx(2.0 - 2.0 / 9.0 - 2.0 * 3.0)


@pytest.mark.parametrize(
    "name, fn",
    [
        ("add", lambda a, v: a + v),
        ("sub", lambda a, v: a - v),
        ("mul", lambda a, v: a * v),
        ("div", lambda a, v: a / v),
        ("pow", lambda a, v: a**v),
        ("matmul", lambda a, v: a @ v),
    ],
)
def test_numpy_array_on_the_left_defers_to_value(name, fn):
    a = np.array([[1.0, 2.0, 3.0], [0.5, 1.5, 2.5]])
    x = np.array([0.7, 1.3, 0.4])
    out = check_gradients(lambda v: fn(a, v), x)
    assert isinstance(out, Value)
    np.testing.assert_allclose(out.data, fn(a, x))


# ------------------------------------------------------------------ matmul
@settings(max_examples=40)
@given(
    shapes_=hnp.mutually_broadcastable_shapes(signature=np.matmul.signature, max_dims=2, max_side=3),
    data=st.data(),
)
def test_matmul_gradient_every_layout(shapes_, data):
    # the signature (n?,k),(k,m?) covers vector·vector, matrix·vector, vector·matrix,
    # matrix·matrix and batched products with broadcast batch axes
    xs, ys = shapes_.input_shapes
    x = data.draw(arrays(xs), label="x")
    y = data.draw(arrays(ys), label="y")
    out = check_gradients(lambda a, b: a @ b, x, y)
    assert out.shape == np.matmul(x, y).shape
    np.testing.assert_allclose(out.data, x @ y, rtol=1e-12, atol=1e-12)


@settings(max_examples=10)
@given(
    shapes_=hnp.mutually_broadcastable_shapes(signature=np.matmul.signature, max_dims=2, max_side=3),
    data=st.data(),
)
def test_matmul_second_order(shapes_, data):
    xs, ys = shapes_.input_shapes
    check_second_order(lambda a, b: a @ b, data.draw(arrays(xs)), data.draw(arrays(ys)))


@settings(max_examples=20)
@given(data=st.data())
def test_affine_equals_matmul_plus_bias(data):
    n_in, n_out = data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3))
    x_shape = data.draw(st.sampled_from([(n_in,), (2, n_in), (1, n_in)]))
    b_shape = data.draw(st.sampled_from([(n_out,), (1, n_out), ()]))
    x = data.draw(arrays(x_shape))
    w = data.draw(arrays((n_in, n_out)))
    b = data.draw(arrays(b_shape))
    out = check_gradients(ops.affine, x, w, b)
    np.testing.assert_allclose(out.data, x @ w + b, rtol=1e-12)
    assert out.op == "affine"
    check_second_order(lambda a, m, c: ops.affine(a, m, c).tanh(), x, w, b)


# ------------------------------------------- negative base, fractional power
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_scalar_negative_base_to_a_fractional_power_is_nan_like_numpy():
    with warnings.catch_warnings():
        warnings.simplefilter("error", np.exceptions.ComplexWarning)
        for z in (Value(-8.0) ** (1 / 3), (-8.0) ** Value(1 / 3), (-8) ** Value(1 / 3)):
            assert type(z.data) is float and np.isnan(z.data)
        assert np.isnan(np.power(-8.0, 1 / 3))  # what the array path gives
        x = Value(-4.0)
        (x**0.5).backward()
        assert type(x.grad) is float and np.isnan(x.grad)
        y = Value(0.5)
        ((-4.0) ** y).backward()
        assert type(y.grad) is float and np.isnan(y.grad)
        # the rules on Values (create_graph) stay real too
        x = Value(-4.0)
        (gx,) = gradients(x**0.5, [x], create_graph=True)
        assert type(gx.data) is float and np.isnan(gx.data)
        (gxx,) = gradients(gx, [x])
        assert np.isnan(gxx)
    # integer powers of negative bases are unaffected
    x = Value(-2.0)
    (x**3).backward()
    assert x.grad == 12.0


def test_affine_accepts_parameters_held_in_array_subclasses():
    # a parameter loaded from a read-only memmap keeps that array type as its data
    class Mapped(np.ndarray):
        pass

    x = Value(np.arange(6.0).reshape(3, 2))
    w, b = Value(np.ones((2, 4))), Value(np.full(4, 0.5))
    expected = ops.affine(x, w, b).data
    w.data, b.data = w.data.view(Mapped), b.data.view(Mapped)
    np.testing.assert_array_equal(ops.affine(x, w, b).data, expected)
    b.data = np.ones(3).view(Mapped)
    with pytest.raises(ValueError, match="cannot add a bias of shape"):
        ops.affine(x, w, b)
