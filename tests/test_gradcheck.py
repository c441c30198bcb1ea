"""numerical_grad and gradcheck: right answers pass, a wrong gradient rule is caught and located."""

import re

import numpy as np
import pytest
from hypothesis import given, settings

from autograd_mlp import GradcheckError, Value, gradcheck, numerical_grad, primitive

from strategies import arrays_any_shape, data_values, positive


# A deliberately wrong primitive: z = x², with the rule 3x instead of 2x.
@primitive
def wrong_square(x):
    return x**2


wrong_square.defvjp(lambda g, z, x: g * 3.0 * x)


# A nearly right one: z = x², with the rule 2x + 1e-4 (an error gradcheck's default tolerance sees).
@primitive
def slightly_wrong_square(x):
    return x**2


slightly_wrong_square.defvjp(lambda g, z, x: g * (2.0 * x + 1e-4))


# ---------------------------------------------------------- numerical_grad
@settings(max_examples=25)
@given(x=data_values())
def test_numerical_grad_of_known_functions(x):
    (g,) = numerical_grad(lambda v: (v * v).sum(), x)
    assert g.shape == np.shape(x) and g.dtype == np.float64
    np.testing.assert_allclose(g, 2 * np.asarray(x), rtol=1e-7, atol=1e-8)
    (g,) = numerical_grad(lambda v: v.exp().sum(), x)
    np.testing.assert_allclose(g, np.exp(x), rtol=1e-7, atol=1e-8)


def test_numerical_grad_several_inputs_and_unused_ones():
    x, y, unused = np.array([1.0, 2.0]), np.array([[3.0], [4.0]]), np.ones(3)
    gx, gy, gu = numerical_grad(lambda a, b, c: (a * b).sum(), x, y, unused)
    np.testing.assert_allclose(gx, [7.0, 7.0], rtol=1e-8)
    np.testing.assert_allclose(gy, [[3.0], [3.0]], rtol=1e-8)
    np.testing.assert_array_equal(gu, np.zeros(3))


def test_numerical_grad_leaves_its_inputs_alone_and_promotes_to_float64():
    x = np.array([0.5, 1.5], dtype=np.float32)
    before = x.copy()
    v = Value(np.array([1.0, 2.0]))
    gx, gv = numerical_grad(lambda a, b: (a * b).sum(), x, v)
    np.testing.assert_array_equal(x, before)
    np.testing.assert_array_equal(v.data, [1.0, 2.0])
    assert v.grad is None
    assert gx.dtype == np.float64
    np.testing.assert_allclose(gx, [1.0, 2.0], rtol=1e-8)
    np.testing.assert_allclose(gv, [0.5, 1.5], rtol=1e-7)
    (g,) = numerical_grad(lambda a: (a * a).sum(), [1.0, 2.0])
    np.testing.assert_allclose(g, [2.0, 4.0], rtol=1e-8)


def test_numerical_grad_eps_controls_the_step():
    # for x³ the central difference is exact up to ε²: 3x² + ε²
    (coarse,) = numerical_grad(lambda v: v**3, 1.0, eps=0.1)
    assert float(coarse) == pytest.approx(3.0 + 0.01, rel=1e-12)
    (fine,) = numerical_grad(lambda v: v**3, 1.0)
    assert float(fine) == pytest.approx(3.0, rel=1e-8)


def test_numerical_grad_refuses_bad_inputs_and_outputs():
    with pytest.raises(TypeError, match="input 1.*str"):
        numerical_grad(lambda a, b: a, 1.0, "x")
    with pytest.raises(ValueError, match=r"single number.*\(2,\)"):
        numerical_grad(lambda a: a * 2.0, np.ones(2))


# ----------------------------------------------------------------- gradcheck
@settings(max_examples=20)
@given(x=arrays_any_shape(positive()), y=arrays_any_shape())
def test_gradcheck_passes_correct_functions(x, y):
    assert gradcheck(lambda a: (a.log() * a.sqrt()).sum(), x) is True
    assert gradcheck(lambda a, b: (a.tanh() * 2.0).sum() + (b.sigmoid() ** 2).mean(), x, y) is True


def test_gradcheck_catches_a_wrong_rule_and_names_the_worst_element():
    x = np.array([[0.1, -0.2], [0.3, 2.0]])
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda v: wrong_square(v).sum(), x)
    message = str(info.value)
    # |3x - 2x| = |x| is largest at x = 2.0, index (1, 1): autodiff 6, numerical 4
    assert "input 0" in message
    assert "(1, 1)" in message
    assert re.search(r"autodiff 6(\.0*)?\b", message)
    assert re.search(r"numerical 4(\.0*)?\d*\b", message)
    assert "error 2" in message
    assert "atol=" in message and "rtol=" in message
    assert isinstance(info.value, AssertionError)


def test_gradcheck_names_the_input_that_is_wrong():
    good, bad = np.array([1.0, 2.0]), np.array([0.5, -1.5, 0.25])
    with pytest.raises(GradcheckError, match=r"input 1 \(shape \(3,\)\).*index \(1,\)"):
        gradcheck(lambda a, b: (a * a).sum() + wrong_square(b).sum(), good, bad)


def test_gradcheck_on_a_scalar_input():
    with pytest.raises(GradcheckError, match=r"input 0 \(shape \(\)\).*index \(\)"):
        gradcheck(lambda v: wrong_square(v), 1.5)
    assert gradcheck(lambda v: v * v, 1.5)


def test_gradcheck_tolerances_are_respected():
    x = np.array([1.0, 2.0])
    f = lambda v: slightly_wrong_square(v).sum()  # noqa: E731
    with pytest.raises(GradcheckError):
        gradcheck(f, x, atol=1e-6, rtol=1e-6)
    assert gradcheck(f, x, atol=1e-3)
    assert gradcheck(f, x, atol=0.0, rtol=1e-3)


def test_gradcheck_promotes_float32_and_accepts_values():
    x32 = np.array([0.3, -0.7], dtype=np.float32)
    assert gradcheck(lambda v: (v.tanh() ** 2).sum(), x32)
    v = Value(np.array([0.3, -0.7]))
    assert gradcheck(lambda a: (a.exp() * a).sum(), v)
    assert v.grad is None


def test_gradcheck_refuses_outputs_it_cannot_check():
    with pytest.raises(ValueError, match=r"single number.*\(2,\)"):
        gradcheck(lambda v: v * 2.0, np.ones(2))
    with pytest.raises(TypeError, match="Value"):
        gradcheck(lambda v: 3.0, np.ones(2))
    with pytest.raises(TypeError, match="Value"):
        gradcheck(lambda v: Value(1.0, requires_grad=False) * 2.0, np.ones(2))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_gradcheck_fails_on_non_finite_gradients():
    # d√(x²)/dx at 0 is 0/0 = nan in autodiff; the central difference gives 0
    with pytest.raises(GradcheckError, match=r"index \(0,\).*autodiff nan.*non-finite"):
        gradcheck(lambda x: (x * x).sqrt().sum(), np.array([0.0, 1.0]))
    # a NaN numerical side (√x at 0 evaluates √-ε) fails too
    with pytest.raises(GradcheckError, match=r"numerical nan"):
        gradcheck(lambda x: x.sqrt().sum(), np.array([1.0, 0.0]))
    # a step to +inf at x = 1: both sides see an infinite slope there, and
    # the same infinity on both sides passes
    step = primitive(lambda x: np.where(x > 1, np.inf, x), name="step").defvjp(lambda g, z, x: g * np.inf)
    f = lambda x: step(x).sum()  # noqa: E731
    assert gradcheck(f, np.array([1.0]))
    with pytest.raises(GradcheckError, match="non-finite"):
        gradcheck(f, np.array([0.5]))
