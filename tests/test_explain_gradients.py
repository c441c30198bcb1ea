"""Gradient attributions: completeness, closed forms on linear models and finite differences."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_mlp as am
from autograd_mlp import numerical_grad
from autograd_mlp.explain import expected_gradients, gradient_x_input, integrated_gradients, saliency

SMOOTH = ["tanh", "sigmoid", "softplus"]


def mlp(rng, inputs, hidden=(5,), outputs=1, activation="tanh", last=None):
    sizes = [inputs, *hidden, outputs]
    layers = [am.Dense(sizes[i + 1], input_dim=sizes[i], activation=activation if i < len(hidden) else last)
              for i in range(len(sizes) - 1)]
    model = am.Sequential(layers)
    model.set_weights([rng.normal(scale=0.8, size=w.shape) for w in model.get_weights()])
    return model


def linear(rng, m, k=1):
    layer = am.Dense(k, input_dim=m)
    layer.set_weights([rng.normal(size=(m, k)), rng.normal(size=k)])
    return layer


def predict(model, x):
    with am.no_grad():
        return np.asarray(model(x).data)


# ---------------------------------------------------------- integrated
@settings(max_examples=20)
@given(st.integers(0, 2**32 - 1), st.integers(1, 6), st.integers(1, 2), st.sampled_from(SMOOTH),
       st.sampled_from(["trapezoid", "midpoint"]))
def test_integrated_gradients_are_complete_within_one_percent(seed, m, k, activation, rule):
    rng = np.random.default_rng(seed)
    model = mlp(rng, m, (6, 4), k, activation, "sigmoid")
    x, baseline = rng.normal(size=(4, m)), rng.normal(size=m)
    e = integrated_gradients(model, x, baseline=baseline, steps=100, rule=rule)
    difference = predict(model, x) - predict(model, np.broadcast_to(baseline, x.shape))
    difference = difference.reshape(e.base_values.shape)
    # The quadrature error is absolute (about (Δx)²·f''/S² for S = 100 steps),
    # so where f(x) ≈ f(baseline) a purely relative bound cannot hold: one
    # percent of the difference, or 1e-3 of the outputs' [0, 1] range.
    np.testing.assert_allclose(e.values.sum(axis=1), difference, rtol=0.01, atol=1e-3)
    np.testing.assert_allclose(e.base_values, predict(model, np.broadcast_to(baseline, x.shape)).reshape(e.base_values.shape))


def test_integrated_gradients_quadrature_error_falls_as_one_over_steps_squared():
    rng = np.random.default_rng(0)
    model = mlp(rng, 3, (8,), 1, "tanh")
    x = 2.0 * rng.normal(size=(3, 3))
    coarse = np.abs(integrated_gradients(model, x, steps=8).completeness_gap()).max()
    fine = np.abs(integrated_gradients(model, x, steps=32).completeness_gap()).max()
    assert coarse > 1e-6
    assert 8.0 < coarse / fine < 32.0  # 16 for an O(1/S²) rule


def test_integrated_gradients_of_a_linear_model_is_exact_with_one_step():
    rng = np.random.default_rng(1)
    layer = linear(rng, 4, 2)
    x, baseline = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    for rule in ("trapezoid", "midpoint"):
        e = integrated_gradients(layer, x, baseline=baseline, steps=1, rule=rule)
        expected = (x - baseline)[:, :, None] * layer.weight.data[None]
        np.testing.assert_allclose(e.values, expected, rtol=1e-12, atol=1e-14)


def test_integrated_gradients_baseline_forms_and_default():
    rng = np.random.default_rng(2)
    model = mlp(rng, 3, (4,), 1, "sigmoid")
    x, b = rng.normal(size=(2, 3)), rng.normal(size=3)
    one = integrated_gradients(model, x, baseline=b, steps=5)
    per_row = integrated_gradients(model, x, baseline=np.tile(b, (2, 1)), steps=5)
    np.testing.assert_allclose(one.values, per_row.values, atol=1e-15)
    zero = integrated_gradients(model, x, steps=5)
    explicit = integrated_gradients(model, x, baseline=np.zeros(3), steps=5)
    np.testing.assert_array_equal(zero.values, explicit.values)
    np.testing.assert_allclose(zero.base_values, predict(model, np.zeros((2, 3)))[:, 0])


def test_integrated_gradients_outputs_and_chunks():
    rng = np.random.default_rng(3)
    model = mlp(rng, 3, (5,), 3, "tanh")
    x = rng.normal(size=(4, 3))
    full = integrated_gradients(model, x, steps=10)
    assert full.values.shape == (4, 3, 3) and full.base_values.shape == (4, 3)
    second = integrated_gradients(model, x, steps=10, output=1)
    np.testing.assert_allclose(second.values, full.values[:, :, 1], atol=1e-15)
    chunked = integrated_gradients(model, x, steps=10, batch_size=7)
    np.testing.assert_allclose(chunked.values, full.values, atol=1e-14)


# ------------------------------------------------------------ expected
def test_expected_gradients_of_a_linear_model():
    rng = np.random.default_rng(4)
    layer = linear(rng, 5)
    x, background = rng.normal(size=(3, 5)), rng.normal(loc=1.0, size=(40, 5))
    w = layer.weight.data[:, 0]
    e = expected_gradients(layer, x, background, samples=400, seed=0)
    # Each draw contributes (x − b) · w exactly, so the estimate is w (x − mean of the drawn rows) ...
    # (row i draws its background rows from its own stream: SeedSequence(seed, spawn_key=(i,))).
    draws = background[[np.random.default_rng(np.random.SeedSequence(0, spawn_key=(i,))).integers(40, size=400)
                        for i in range(3)]]
    np.testing.assert_allclose(e.values, w * (x - draws.mean(axis=1)), rtol=1e-10, atol=1e-12)
    # ... and its expectation the closed form w (x − E b), within the stated error.
    closed = w * (x - background.mean(axis=0))
    z = np.abs(e.values - closed) / e.std_errors
    assert z.max() < 4.5
    np.testing.assert_allclose(e.base_values, predict(layer, background).mean())


def test_expected_gradients_estimate_integrated_gradients_averaged_over_the_background():
    """E_α over the path is IG with baseline b, so the expectation is (1/B) Σ_b IG(x; b)."""
    rng = np.random.default_rng(5)
    model = mlp(rng, 3, (6,), 1, "tanh", "sigmoid")
    # Inputs away from the background, so that the gradient changes along the path.
    x, background = 2.0 * rng.normal(size=(3, 3)), rng.normal(size=(8, 3))
    target = np.mean([integrated_gradients(model, x, baseline=b, steps=200).values for b in background], axis=0)
    e = expected_gradients(model, x, background, samples=3000, seed=1)
    z = np.abs(e.values - target) / e.std_errors
    assert z.max() < 4.5, z.max()
    # Complete in expectation: the gap is within the summed errors (std of a sum ≤ sum of stds).
    assert np.all(np.abs(e.completeness_gap()) < 4.5 * e.std_errors.sum(axis=1))
    few = expected_gradients(model, x, background, samples=30, seed=1)
    assert np.all(few.std_errors > 3.0 * e.std_errors)


def test_expected_gradients_seed_and_single_sample():
    rng = np.random.default_rng(6)
    model = mlp(rng, 3, (4,), 2, "relu")
    x, background = rng.normal(size=(2, 3)), rng.normal(size=(5, 3))
    a = expected_gradients(model, x, background, samples=8, seed=3)
    b = expected_gradients(model, x, background, samples=8, seed=3, batch_size=5)
    np.testing.assert_allclose(a.values, b.values, atol=1e-14)
    assert a.values.shape == a.std_errors.shape == (2, 3, 2)
    assert expected_gradients(model, x, background, samples=1, seed=3).std_errors is None


# --------------------------------------------------------------- local
@pytest.mark.parametrize("k", [1, 2])
def test_saliency_and_gradient_x_input_match_finite_differences(k):
    rng = np.random.default_rng(7)
    model = mlp(rng, 4, (6, 3), k, "tanh", "sigmoid")
    x = rng.normal(size=(5, 4))
    for j in range(k):
        (numeric,) = numerical_grad(lambda z: model(z)[:, j].sum(), x)
        s = saliency(model, x, output=j)
        g = gradient_x_input(model, x, output=j)
        np.testing.assert_allclose(s.values, np.abs(numeric), rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(g.values, x * numeric, rtol=1e-6, atol=1e-9)
    both = saliency(model, x)
    assert both.values.shape == ((5, 4) if k == 1 else (5, 4, 2))
    assert both.base_values is None
    with pytest.raises(ValueError, match="no base value"):
        both.completeness_gap()


def test_gradient_x_input_is_complete_for_a_linear_model():
    rng = np.random.default_rng(8)
    layer = linear(rng, 4)
    x = rng.normal(size=(3, 4))
    e = gradient_x_input(layer, x)
    np.testing.assert_allclose(e.base_values, layer.bias.data[0])
    np.testing.assert_allclose(e.completeness_gap(), 0.0, atol=1e-12)


def test_model_is_left_in_training_mode_and_gradients_untouched():
    rng = np.random.default_rng(9)
    model = am.Sequential([am.Dense(4, input_dim=3, activation="tanh"), am.Dropout(0.5), am.Dense(1)])
    x = rng.normal(size=(3, 3))
    a, b = saliency(model, x), saliency(model, x)
    np.testing.assert_array_equal(a.values, b.values)  # Dropout was off
    assert model.training
    assert all(p.grad is None for p in model.parameters())


# ------------------------------------------------------------ bad input
@pytest.mark.parametrize("call, error, message", [
    (lambda m: integrated_gradients(m, np.zeros((2, 3)), steps=0), ValueError, r"steps as a whole number ≥ 1; got 0"),
    (lambda m: integrated_gradients(m, np.zeros((2, 3)), steps=2.5), TypeError, r"steps as a whole number ≥ 1; got float"),
    (lambda m: integrated_gradients(m, np.zeros((2, 3)), baseline=np.zeros(4)), ValueError, r"\(3,\) or \(2, 3\).*got \(4,\)"),
    (lambda m: integrated_gradients(m, np.zeros((2, 3)), baseline=np.zeros((3, 3))), ValueError, r"got \(3, 3\)"),
    (lambda m: integrated_gradients(m, np.zeros((2, 3)), baseline="zero"), TypeError, r"baseline.*str"),
    (lambda m: integrated_gradients(m, np.zeros((2, 3)), baseline=np.array(["a"] * 3)), TypeError, r"numeric.*<U1"),
    (lambda m: integrated_gradients(m, np.zeros((2, 3)), rule="simpson"), ValueError, r"trapezoid.*simpson"),
    (lambda m: integrated_gradients(m, np.zeros((2, 4))), ValueError, r"expects 3 input features, got data with 4"),
    (lambda m: expected_gradients(m, np.zeros((2, 3)), np.zeros((0, 3))), ValueError, r"background.*at least one row"),
    (lambda m: expected_gradients(m, np.zeros((2, 3)), np.zeros((5, 2))), ValueError, r"3 features.*\(5, 2\)"),
    (lambda m: expected_gradients(m, np.zeros((2, 3)), np.zeros((5, 3)), samples=0), ValueError, r"samples.*got 0"),
    (lambda m: saliency(m, np.zeros((2, 3)), output=2), ValueError, r"\[-2, 1\].*got 2"),
    (lambda m: gradient_x_input(m, [[1, 2, "x"]]), TypeError, r"numeric"),
    (lambda m: saliency(lambda z: np.zeros(len(z.data)), np.zeros((2, 3))), TypeError, r"returns a Value.*ndarray"),
    (lambda m: saliency(lambda z: am.Value(np.zeros(len(z)), requires_grad=False), np.zeros((2, 3))), TypeError, r"not connected"),
])
def test_bad_input_is_refused_with_a_message(call, error, message):
    model = mlp(np.random.default_rng(0), 3, (2,), 2)
    with pytest.raises(error, match=message):
        call(model)


def test_any_function_of_values_with_one_number_per_row():
    """A plain function f(x) = Σ_i x_i² (shape (n,)): gradient 2x, IG from 0 exactly x_i² with the midpoint rule."""
    f = lambda z: (z * z).sum(axis=1)  # noqa: E731
    x = np.array([[1.0, -2.0, 0.5], [3.0, 0.0, -1.0]])
    np.testing.assert_allclose(saliency(f, x).values, np.abs(2 * x))
    np.testing.assert_allclose(gradient_x_input(f, x).values, 2 * x * x)
    ig = integrated_gradients(f, x, steps=1, rule="midpoint")  # the integrand is linear in α
    np.testing.assert_allclose(ig.values, x * x)
    assert ig.values.shape == (2, 3) and ig.base_values.shape == (2,)


# ------------------------------------------------------------------ workers
def test_workers_give_the_values_of_one_worker():
    pytest.importorskip("joblib")
    rng = np.random.default_rng(14)
    model = mlp(rng, 3, (5,), 2, "tanh")
    x, background = rng.normal(size=(7, 3)), rng.normal(size=(5, 3))
    calls = {
        "integrated": lambda **kw: integrated_gradients(model, x, baseline=background[0], steps=6, **kw),
        "expected": lambda **kw: expected_gradients(model, x, background, samples=9, seed=2, **kw),
        "gradient_x_input": lambda **kw: gradient_x_input(model, x, **kw),
        "saliency": lambda **kw: saliency(model, x, output=1, **kw),
    }
    for name, call in calls.items():
        alone, spread = call(n_jobs=1), call(n_jobs=3)
        np.testing.assert_allclose(spread.values, alone.values, rtol=0, atol=1e-12, err_msg=name)
        np.testing.assert_allclose(spread.output_values, alone.output_values, rtol=0, atol=1e-12, err_msg=name)
        if alone.std_errors is not None:
            np.testing.assert_allclose(spread.std_errors, alone.std_errors, rtol=0, atol=1e-12, err_msg=name)
    with pytest.raises(TypeError, match="n_jobs"):
        saliency(model, x, n_jobs=2.0)


def test_expected_gradients_of_a_row_depend_only_on_the_seed_and_its_index():
    rng = np.random.default_rng(15)
    model = mlp(rng, 3, (4,), 1, "tanh")
    x, background = rng.normal(size=(5, 3)), rng.normal(size=(6, 3))
    whole = expected_gradients(model, x, background, samples=7, seed=5)
    first_rows = expected_gradients(model, x[:3], background, samples=7, seed=5, batch_size=4)
    np.testing.assert_allclose(first_rows.values, whole.values[:3], rtol=0, atol=1e-12)
    other_seed = expected_gradients(model, x, background, samples=7, seed=6)
    assert not np.allclose(other_seed.values, whole.values)
