"""Activation functions: values against numpy formulas, gradients against finite differences, stability."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_mlp import Value, activations, gradcheck

from strategies import arrays, away_from_zero, floats, projection_like, shapes

FEW = settings(max_examples=30)
ALL = ["linear", "relu", "sigmoid", "tanh", "softmax", "leaky_relu", "elu", "softplus"]


def numpy_formula(name, z):
    """Each activation written directly from its textbook definition (no stabilization tricks needed
    for the bounded inputs the value tests use)."""
    return {
        "linear": lambda: z,
        "relu": lambda: np.where(z > 0, z, 0.0),
        "sigmoid": lambda: 1.0 / (1.0 + np.exp(-z)),
        "tanh": lambda: (np.exp(2 * z) - 1) / (np.exp(2 * z) + 1),
        "softmax": lambda: np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True),
        "leaky_relu": lambda: np.where(z > 0, z, 0.01 * z),
        "elu": lambda: np.where(z > 0, z, np.exp(z) - 1.0),
        "softplus": lambda: np.log(1.0 + np.exp(z)),
    }[name]()


# ------------------------------------------------------------------ lookup
@pytest.mark.parametrize("name", ALL)
def test_each_activation_is_found_by_name(name):
    fn = activations.get(name)
    assert fn is getattr(activations, name)
    assert activations.get(name.upper()) is fn
    assert activations.name_of(fn) == name


def test_none_is_linear_and_functions_pass_through():
    assert activations.get(None) is activations.linear

    def custom(x):
        return x * 2

    assert activations.get(custom) is custom
    assert activations.name_of(custom) == "custom"


def test_unknown_activation_lists_the_valid_names():
    with pytest.raises(ValueError) as err:
        activations.get("swishy")
    message = str(err.value)
    assert "'swishy'" in message
    for name in ALL:
        assert repr(name) in message
    with pytest.raises(TypeError, match="activation must be a name"):
        activations.get(3)


# ------------------------------------------------------------------ values
@FEW
@given(st.sampled_from(ALL), shapes(min_dims=1, max_dims=2).flatmap(lambda s: arrays(s, floats(-5, 5))))
def test_values_match_the_formulas(name, z):
    out = activations.get(name)(Value(z))
    assert isinstance(out, Value) and out.shape == z.shape
    np.testing.assert_allclose(out.data, numpy_formula(name, z), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", ALL)
def test_activations_accept_plain_arrays(name):
    z = np.array([[-1.5, 0.5, 2.0]])
    out = activations.get(name)(z)
    assert isinstance(out, Value)
    np.testing.assert_allclose(out.data, numpy_formula(name, z), rtol=1e-12)


def test_leaky_relu_and_elu_take_alpha():
    z = np.array([-2.0, 3.0])
    np.testing.assert_allclose(activations.leaky_relu(z, alpha=0.2).data, [-0.4, 3.0])
    np.testing.assert_allclose(activations.elu(z, alpha=0.5).data, [0.5 * (np.exp(-2.0) - 1), 3.0])


def test_softmax_along_another_axis():
    z = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(activations.softmax(z, axis=0).data.sum(axis=0), 1.0, rtol=1e-15)


# --------------------------------------------------------------- stability
HUGE = np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, -1000.0], [1000.0, 1000.0, 999.0]])


def test_softmax_is_stable_at_plus_minus_1000():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any overflow or invalid-value warning fails the test
        z = Value(HUGE)
        p = activations.softmax(z)
        (p * projection_like(p.shape)).sum().backward()
    assert np.all(np.isfinite(p.data)) and np.all(np.isfinite(z.grad))
    np.testing.assert_allclose(p.data.sum(axis=1), 1.0, rtol=1e-15)
    np.testing.assert_allclose(p.data[0], [1.0, 0.0, 0.0], atol=1e-300)
    np.testing.assert_allclose(p.data[1], [1 / 3] * 3, rtol=1e-15)
    e = 1.0 / (2.0 + np.exp(-1.0))
    np.testing.assert_allclose(p.data[2], [e, e, e * np.exp(-1.0)], rtol=1e-14)


@pytest.mark.parametrize("name", ALL)
def test_every_activation_is_finite_and_silent_at_plus_minus_1000(name):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        z = Value(HUGE)
        out = activations.get(name)(z)
        out.sum().backward()
    assert np.all(np.isfinite(out.data)) and np.all(np.isfinite(z.grad))


def test_saturated_values_are_exact():
    z = np.array([-1000.0, 1000.0])
    np.testing.assert_array_equal(activations.sigmoid(z).data, [0.0, 1.0])
    np.testing.assert_array_equal(activations.softplus(z).data, [0.0, 1000.0])
    np.testing.assert_array_equal(activations.elu(z).data, [-1.0, 1000.0])
    np.testing.assert_array_equal(activations.tanh(z).data, [-1.0, 1.0])


# --------------------------------------------------------------- gradients
SMOOTH = ["linear", "sigmoid", "tanh", "softmax", "softplus"]
KINKED = ["relu", "leaky_relu", "elu"]  # kink at 0: draws stay away from it


def projected(fn):
    """L(z) = Σ c ⊙ g(z) for a fixed c: its gradient is the vector-Jacobian product cᵀ J_g."""
    def loss(z):
        out = fn(z)
        return (out * projection_like(out.shape)).sum()
    return loss


@FEW
@given(st.sampled_from(SMOOTH), shapes(min_dims=1, max_dims=2).flatmap(lambda s: arrays(s, floats(-4, 4))))
def test_gradcheck_smooth_activations(name, z):
    assert gradcheck(projected(activations.get(name)), z, rtol=1e-6, atol=1e-8)


@FEW
@given(st.sampled_from(KINKED), shapes(min_dims=1, max_dims=2).flatmap(lambda s: arrays(s, away_from_zero(0.05, 4))))
def test_gradcheck_kinked_activations(name, z):
    assert gradcheck(projected(activations.get(name)), z, rtol=1e-6, atol=1e-8)


@FEW
@given(shapes(min_dims=1, max_dims=2).flatmap(lambda s: arrays(s, away_from_zero(0.05, 4))), floats(0.01, 2.0))
def test_gradcheck_alpha_variants(z, alpha):
    assert gradcheck(projected(lambda v: activations.leaky_relu(v, alpha=alpha)), z, rtol=1e-6, atol=1e-8)
    assert gradcheck(projected(lambda v: activations.elu(v, alpha=alpha)), z, rtol=1e-6, atol=1e-8)


@FEW
@given(arrays((2, 3), floats(-4, 4)))
def test_gradcheck_softmax_along_axis_0(z):
    assert gradcheck(projected(lambda v: activations.softmax(v, axis=0)), z, rtol=1e-6, atol=1e-8)


def test_derivatives_at_the_kink_follow_the_documented_subgradients():
    z = Value(np.zeros(1))
    activations.relu(z).sum().backward()
    assert z.grad[0] == 0.0
    z = Value(np.zeros(1))
    activations.leaky_relu(z, alpha=0.3).sum().backward()
    assert z.grad[0] == pytest.approx(0.3)
    z = Value(np.zeros(1))
    activations.elu(z, alpha=0.5).sum().backward()
    assert z.grad[0] == pytest.approx(0.5)  # g(0) + α = α, continuous there


@pytest.mark.parametrize("name, expected", [
    ("sigmoid", lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2),
    ("tanh", lambda z: 1 / np.cosh(z) ** 2),
    ("softplus", lambda z: 1 / (1 + np.exp(-z))),
    ("elu", lambda z: np.where(z > 0, 1.0, np.exp(z))),
])
def test_derivative_formulas_from_the_table(name, expected):
    z_data = np.linspace(-3, 3, 13) + 0.01
    z = Value(z_data)
    activations.get(name)(z).sum().backward()
    np.testing.assert_allclose(z.grad, expected(z_data), rtol=1e-12)


def test_scalar_inputs_work():
    z = Value(0.5)
    out = activations.sigmoid(z)
    out.backward()
    assert out.item() == pytest.approx(1 / (1 + np.exp(-0.5)))
    assert z.grad == pytest.approx(out.item() * (1 - out.item()))


@pytest.mark.parametrize("name", [n for n in ALL if n != "softmax"])
@pytest.mark.parametrize("z", [-0.5, 0.0, 0.75])
def test_a_scalar_stays_a_python_float(name, z):
    leaf = Value(z)
    out = activations.get(name)(leaf)
    out.backward()
    assert type(out.data) is float and type(leaf.grad) is float
    assert out.data == pytest.approx(float(numpy_formula(name, np.array(z))), rel=1e-14, abs=1e-300)
    array_leaf = Value(np.array([z]))
    expected = activations.get(name)(array_leaf)
    expected.sum().backward()
    assert out.data == pytest.approx(float(expected.data[0]), rel=1e-14, abs=1e-300)
    assert leaf.grad == pytest.approx(float(array_leaf.grad[0]), rel=1e-14, abs=1e-300)
