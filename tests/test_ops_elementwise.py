"""The elementwise functions of ops.elementwise: forwards against numpy, gradients against finite differences.

The gradient checks project the output onto a fixed random array c (see
op_checks.py); the second-order checks differentiate Σ c ⊙ f(x)² twice.
"""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograd_mlp import Value, ops
from autograd_mlp.ops import where

from op_checks import FEW, check_gradients, check_second_order, _sigmoid
from strategies import (
    arrays,
    away_from_zero,
    broadcastable_shapes,
    data_values,
    floats,
    positive,
    shapes,
)


# --------------------------------------------------------- elementwise, unary
# name: (function on a Value, the same on numpy, the elements to draw)
UNARY = {
    "neg": (lambda v: -v, lambda a: -a, floats()),
    "pos": (lambda v: +v, lambda a: +a, floats()),
    "exp": (lambda v: v.exp(), np.exp, floats()),
    "log": (lambda v: v.log(), np.log, positive()),
    "tanh": (lambda v: v.tanh(), np.tanh, floats()),
    "sigmoid": (lambda v: v.sigmoid(), _sigmoid, floats(-8.0, 8.0)),
    "relu": (lambda v: v.relu(), lambda a: np.maximum(a, 0.0), away_from_zero()),
    "abs": (lambda v: abs(v), np.abs, away_from_zero()),
    "abs_method": (lambda v: v.abs(), np.abs, away_from_zero()),
    "sqrt": (lambda v: v.sqrt(), np.sqrt, positive()),
    "softplus": (lambda v: v.softplus(), lambda a: np.log1p(np.exp(a)), floats()),
    "cube": (lambda v: v**3, lambda a: a**3, floats()),
    "power_half": (lambda v: v**0.5, np.sqrt, positive()),
    "square_by_reuse": (lambda v: v * v, lambda a: a * a, floats()),
    "radd": (lambda v: 1.5 + v, lambda a: 1.5 + a, floats()),
    "rsub": (lambda v: 2.0 - v, lambda a: 2.0 - a, floats()),
    "rmul": (lambda v: 2.5 * v, lambda a: 2.5 * a, floats()),
    "rdiv": (lambda v: 1.0 / v, lambda a: 1.0 / a, away_from_zero(0.3)),
    "rpow": (lambda v: 2.0**v, lambda a: 2.0**a, floats()),
    "sub_const": (lambda v: v - 0.5, lambda a: a - 0.5, floats()),
    "div_const": (lambda v: v / 4.0, lambda a: a / 4.0, floats()),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@FEW
@given(data=st.data())
def test_unary_forward_and_gradient(name, data):
    f, reference, elements = UNARY[name]
    x = data.draw(data_values(elements), label="x")
    out = check_gradients(f, x)
    assert out.shape == np.shape(x)
    np.testing.assert_allclose(out.data, reference(np.asarray(x)), rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("name", sorted(UNARY))
@settings(max_examples=10)
@given(data=st.data())
def test_unary_second_order(name, data):
    f, _, elements = UNARY[name]
    x = data.draw(data_values(elements), label="x")
    check_second_order(f, x)


@pytest.mark.parametrize("name", ["exp", "log", "tanh", "sigmoid", "relu", "sqrt", "softplus"])
def test_module_functions_accept_plain_numbers(name):
    fn = getattr(ops, name)
    out = fn(2.0)
    assert isinstance(out, Value)
    assert not out.requires_grad
    assert out.item() == pytest.approx(UNARY[name][1](np.float64(2.0)))


@pytest.mark.parametrize("name", ["exp", "log", "tanh", "sigmoid", "relu", "sqrt", "softplus", "logsumexp"])
def test_module_functions_equal_the_methods(name):
    x = np.array([[0.5, 1.5, 2.5], [0.25, 3.0, 1.0]])
    via_function, via_method = Value(x), Value(x)
    a = getattr(ops, name)(via_function)
    b = getattr(via_method, name)()
    np.testing.assert_array_equal(a.data, b.data)
    (a * x).sum().backward()
    (b * x).sum().backward()
    np.testing.assert_array_equal(via_function.grad, via_method.grad)
    assert a.op == b.op == name


@pytest.mark.parametrize("name", ["exp", "log", "tanh", "sigmoid", "relu", "sqrt", "softplus"])
def test_module_functions_refuse_strings_naming_the_type(name):
    with pytest.raises(TypeError, match="str"):
        getattr(ops, name)("2.0")


def test_relu_and_abs_subgradient_at_zero_is_zero():
    x = Value(np.array([-1.0, 0.0, 2.0]))
    (x.relu().sum() + abs(x).sum()).backward()
    np.testing.assert_array_equal(x.grad, [-1.0, 0.0, 2.0])
    s = Value(0.0)
    (s.relu() + abs(s)).backward()
    assert float(s.grad) == 0.0


# ----------------------------------------------------------- numerical range
def _no_float_trouble():
    """Warnings become errors and numpy raises on overflow, invalid results and division by zero.

    Underflow stays allowed for array code: e^-1000 rounding to 0 is the right
    answer, and numpy itself ignores underflow by default.
    """
    return np.errstate(over="raise", invalid="raise", divide="raise", under="ignore")


def test_sigmoid_of_huge_scalars_is_exact_and_silent():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            for x, expected in ((-1000.0, 0.0), (1000.0, 1.0)):
                v = Value(x)
                y = v.sigmoid()
                y.backward()
                assert y.item() == expected
                assert np.isfinite(v.grad) and float(v.grad) == 0.0


def test_sigmoid_softplus_of_huge_arrays_are_exact_and_silent():
    data = np.array([-1000.0, -30.0, 0.0, 30.0, 1000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with _no_float_trouble():
            v = Value(data)
            s = v.sigmoid()
            s.sum().backward()
            assert s.data[0] == 0.0 and s.data[-1] == 1.0 and s.data[2] == 0.5
            assert np.all(np.isfinite(v.grad))
            w = Value(data)
            sp = w.softplus()
            sp.sum().backward()
            np.testing.assert_allclose(sp.data[[0, 2, 4]], [0.0, np.log(2.0), 1000.0])
            np.testing.assert_allclose(w.grad, _sigmoid(np.clip(data, -700, 700)), atol=1e-300)


def test_logsumexp_and_softmax_of_huge_inputs_do_not_overflow():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with _no_float_trouble():
            v = Value(np.array([1000.0, 1000.0, -1000.0]))
            out = v.logsumexp()
            out.backward()
            assert out.item() == pytest.approx(1000.0 + np.log(2.0))
            np.testing.assert_allclose(v.grad, [0.5, 0.5, 0.0])
            s = ops.softmax(Value(np.array([1000.0, 0.0])))
            np.testing.assert_allclose(s.data, [1.0, 0.0])


# ------------------------------------------------------------------- where
@settings(max_examples=25)
@given(data=st.data())
def test_where_gradient(data):
    c_shape, x_shape, y_shape = data.draw(broadcastable_shapes(num_shapes=3), label="shapes")
    cond = data.draw(hnp.arrays(np.bool_, c_shape), label="cond")
    x = data.draw(arrays(x_shape), label="x")
    y = data.draw(arrays(y_shape), label="y")
    out = check_gradients(lambda a, b: where(cond, a, b), x, y)
    np.testing.assert_array_equal(out.data, np.where(cond, x, y))
    check_second_order(lambda a, b: where(cond, a, b), x, y)


def test_where_accepts_a_value_condition_and_names_shapes_on_error():
    x = Value(np.array([1.0, -2.0, 3.0]))
    out = where(x > 0, x, 0.0)
    out.sum().backward()
    np.testing.assert_array_equal(x.grad, [1.0, 0.0, 1.0])
    with pytest.raises(ValueError, match=r"\(2,\).*\(3,\)"):
        where(np.array([True, False]), x, 1.0)


# ------------------------------------- the array shortcuts of the tanh and sigmoid rules
@settings(max_examples=60, deadline=None)
@given(
    dtype=st.sampled_from([np.float64, np.float32]),
    shape=shapes(min_dims=1),
    data=st.data(),
)
def test_tanh_and_sigmoid_rules_on_arrays_give_the_plain_expressions_bit_for_bit(dtype, shape, data):
    from autograd_mlp.ops import elementwise, numeric

    wide = st.floats(-800, 800, width=32) | st.sampled_from([0.0, -0.0, np.inf, -np.inf, np.nan])
    x = data.draw(hnp.arrays(dtype, shape, elements=wide))
    g = data.draw(hnp.arrays(dtype, shape, elements=st.floats(-3, 3, width=32)))

    def same(a, b):
        return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()

    with np.errstate(all="ignore"):
        z = numeric.sigmoid(x)
        assert same(elementwise.SIGMOID.vjps[0](g, z, x), g * z * numeric.sigmoid(-x))
        z = np.tanh(x)
        assert same(elementwise.TANH.vjps[0](g, z, x), g * (1 - z * z))
