"""Regularizers: Keras's penalties and defaults, gradients against finite differences, names and configs."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis.extra import numpy as hnp

from autograd_mlp import Value, regularizers
from autograd_mlp.regularizers import L1, L1L2, L2, l1, l1_l2, l2

from strategies import floats

FEW = settings(max_examples=40)
# away from 0, where |w| has no derivative
weights = hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=2, max_side=4),
                     elements=floats(0.05, 3.0)).map(lambda a: a * np.where(np.arange(a.size) % 2, -1, 1)
                                                      .reshape(a.shape))


def numeric_gradient(f, w, h=1e-6):
    grad = np.zeros_like(w)
    for index in np.ndindex(w.shape):
        up, down = w.copy(), w.copy()
        up[index] += h
        down[index] -= h
        grad[index] = (f(up) - f(down)) / (2 * h)
    return grad


@pytest.mark.parametrize("reg, expected", [
    (L1(0.3), lambda w: 0.3 * np.abs(w).sum()),
    (L2(0.2), lambda w: 0.2 * (w**2).sum()),
    (L1L2(0.1, 0.4), lambda w: 0.1 * np.abs(w).sum() + 0.4 * (w**2).sum()),
    (L1L2(l2=0.4), lambda w: 0.4 * (w**2).sum()),
    (L1L2(l1=0.1), lambda w: 0.1 * np.abs(w).sum()),
])
@FEW
@given(w=weights)
def test_penalty_and_its_gradient(reg, expected, w):
    param = Value(w.copy())
    penalty = reg(param)
    assert isinstance(penalty, Value) and penalty.shape == ()
    assert float(penalty.data) == pytest.approx(expected(w), rel=1e-12)
    penalty.backward()
    np.testing.assert_allclose(param.grad, numeric_gradient(lambda v: float(reg(v).data), w), rtol=1e-6, atol=1e-8)


def test_gradient_values_written_out():
    w = Value(np.array([[1.0, -2.0], [0.0, 3.0]]))
    (L1(0.1)(w) + L2(0.2)(w)).backward()
    np.testing.assert_allclose(w.grad, 0.1 * np.sign(w.data) + 0.4 * w.data)


def test_keras_defaults_and_lower_case_names():
    assert L1().l1 == 0.01 and L2().l2 == 0.01
    assert (L1L2().l1, L1L2().l2) == (0.0, 0.0)
    assert l1 is L1 and l2 is L2 and l1_l2 is L1L2
    assert l2(0.001).get_config() == {"l2": 0.001}
    assert float(L1L2()(Value(np.ones(3))).data) == 0.0


def test_arrays_and_float_parameters_are_accepted():
    assert float(L2(0.5)(np.array([1.0, 2.0])).data) == pytest.approx(2.5)
    assert float(L2(0.5)([1, 2]).data) == pytest.approx(2.5)
    scalar = Value(3.0)
    L1(0.5)(scalar).backward()
    assert float(scalar.grad) == pytest.approx(0.5)


def test_float32_weights_give_a_float32_penalty():
    w = Value(np.ones((2, 2), dtype=np.float32))
    assert L1L2(0.1, 0.1)(w).dtype == np.float32


@pytest.mark.parametrize("name, cls, config", [
    ("l1", L1, {"l1": 0.01}), ("L1", L1, {"l1": 0.01}), ("l2", L2, {"l2": 0.01}), ("L2", L2, {"l2": 0.01}),
    ("l1l2", L1L2, {"l1": 0.0, "l2": 0.0}), ("L1L2", L1L2, {"l1": 0.0, "l2": 0.0}),
    ("l1_l2", L1L2, {"l1": 0.01, "l2": 0.01}),
])
def test_get_by_name(name, cls, config):
    reg = regularizers.get(name)
    assert type(reg) is cls and reg.get_config() == config


def test_get_passes_through_objects_classes_callables_and_none():
    reg = L2(0.3)
    assert regularizers.get(reg) is reg
    assert regularizers.get(None) is None
    assert type(regularizers.get(L1)) is L1

    def custom(w):
        return 0.5 * (w * w).sum()

    assert regularizers.get(custom) is custom


@pytest.mark.parametrize("reg", [L1(0.2), L2(0.003), L1L2(0.1, 0.2), L1L2()])
def test_config_and_serialization_round_trip(reg):
    again = type(reg).from_config(reg.get_config())
    assert again == reg and again.get_config() == reg.get_config()
    data = regularizers.serialize(reg)
    assert data == {"class_name": type(reg).__name__, "config": reg.get_config()}
    assert regularizers.deserialize(data) == reg
    assert regularizers.get(data) == reg
    assert repr(reg).startswith(type(reg).__name__ + "(")


def test_unknown_names_list_the_valid_ones():
    with pytest.raises(ValueError) as err:
        regularizers.get("l3")
    for name in ("'l1'", "'l2'", "'l1_l2'", "'l1l2'"):
        assert name in str(err.value)
    with pytest.raises(ValueError, match="L1L2"):
        regularizers.deserialize({"class_name": "Orthogonal", "config": {}})
    with pytest.raises(ValueError, match="class_name"):
        regularizers.deserialize({"l2": 0.1})


@pytest.mark.parametrize("make, match", [
    (lambda: L1(-0.1), "l1"), (lambda: L2(float("nan")), "l2"), (lambda: L2("0.1"), "l2"),
    (lambda: L1L2(l1=float("inf")), "l1"), (lambda: L2(True), "l2"),
])
def test_bad_factors_raise_value_error_naming_them(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_bad_arguments_are_type_errors():
    with pytest.raises(TypeError):
        regularizers.get(0.01)
    with pytest.raises(TypeError):
        L2()("weights")
    with pytest.raises(TypeError):
        regularizers.serialize(lambda w: w)
