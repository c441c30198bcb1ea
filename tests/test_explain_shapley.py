"""Exact and permutation Shapley values: the axioms, closed forms and the sampling error."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_mlp as am
from autograd_mlp.explain import MAX_EXACT_FEATURES, permutation_shapley, sampled_shapley, shapley_values

ACTIVATIONS = ["tanh", "relu", "sigmoid", "softplus"]


def mlp(rng, inputs, hidden=(5,), outputs=1, activation="tanh", last=None):
    """A Sequential with random weights and biases drawn from ``rng`` (not the library's global generator)."""
    sizes = [inputs, *hidden, outputs]
    layers = [am.Dense(sizes[i + 1], input_dim=sizes[i], activation=activation if i < len(hidden) else last)
              for i in range(len(sizes) - 1)]
    model = am.Sequential(layers)
    model.set_weights([rng.normal(scale=0.8, size=w.shape) for w in model.get_weights()])
    return model


def predict(model, x):
    with am.no_grad():
        return np.asarray(model(x).data)


@st.composite
def problems(draw, max_features=5):
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    m = draw(st.integers(1, max_features))
    hidden = tuple(draw(st.lists(st.integers(1, 6), min_size=1, max_size=2)))
    k = draw(st.integers(1, 3))
    model = mlp(rng, m, hidden, k, draw(st.sampled_from(ACTIVATIONS)), draw(st.sampled_from([None, "sigmoid"])))
    x = rng.normal(size=(draw(st.integers(1, 4)), m))
    background = rng.normal(size=(draw(st.integers(1, 6)), m))
    return model, x, background


# ------------------------------------------------------------------ exact
@settings(max_examples=25)
@given(problems())
def test_efficiency_base_plus_values_is_the_output(problem):
    model, x, background = problem
    e = shapley_values(model, x, background)
    out = predict(model, x)
    total = e.base_values + e.values.sum(axis=1)
    np.testing.assert_allclose(total, out.reshape(total.shape), rtol=0, atol=1e-10)
    np.testing.assert_allclose(e.base_values, np.broadcast_to(predict(model, background).mean(axis=0), total.shape),
                               rtol=0, atol=1e-12)
    np.testing.assert_allclose(e.completeness_gap(), 0.0, atol=1e-10)


@settings(max_examples=15)
@given(st.integers(0, 2**32 - 1), st.integers(1, 6), st.integers(1, 3))
def test_linear_model_closed_form(seed, m, k):
    rng = np.random.default_rng(seed)
    layer = am.Dense(k, input_dim=m)
    layer.set_weights([rng.normal(size=(m, k)), rng.normal(size=k)])
    x, background = rng.normal(size=(3, m)), rng.normal(size=(7, m))
    e = shapley_values(layer, x, background)
    w = layer.weight.data
    expected = (x - background.mean(axis=0))[:, :, None] * w[None, :, :]
    np.testing.assert_allclose(e.values, expected[..., 0] if k == 1 else expected, rtol=1e-10, atol=1e-12)


def test_symmetric_features_get_equal_values():
    rng = np.random.default_rng(1)
    model = mlp(rng, 4, (6, 3), 1, "tanh", "sigmoid")
    weights = model.get_weights()
    weights[0][1] = weights[0][0]  # features 0 and 1 enter the network the same way
    model.set_weights(weights)
    x, background = rng.normal(size=(5, 4)), rng.normal(size=(8, 4))
    x[:, 1] = x[:, 0]
    background[:, 1] = background[:, 0]
    e = shapley_values(model, x, background)
    np.testing.assert_allclose(e.values[:, 0], e.values[:, 1], rtol=0, atol=1e-12)
    assert np.abs(e.values[:, 0]).max() > 1e-3  # and they are not trivially zero


def test_dummy_feature_gets_zero():
    rng = np.random.default_rng(2)
    model = mlp(rng, 4, (6,), 2, "relu")
    weights = model.get_weights()
    weights[0][2] = 0.0  # feature 2 never reaches the network
    model.set_weights(weights)
    e = shapley_values(model, rng.normal(size=(6, 4)), rng.normal(size=(9, 4)))
    np.testing.assert_allclose(e.values[:, 2], 0.0, atol=1e-14)
    assert np.abs(e.values[:, [0, 1, 3]]).max() > 1e-3
    assert e.ranking()[-1] == "x2"


def test_product_game_closed_form_for_a_plain_function():
    """f = x0 x1 (a numpy function, not a network): φ0 = ½(x0 E b1 − E b0 b1) + ½(x0 x1 − E b0 · x1)."""
    rng = np.random.default_rng(3)
    x, b = rng.normal(size=(4, 2)), rng.normal(size=(6, 2))
    e = shapley_values(lambda z: z[:, 0] * z[:, 1], x, b)
    e_b0, e_b1, e_b0b1 = b[:, 0].mean(), b[:, 1].mean(), (b[:, 0] * b[:, 1]).mean()
    phi0 = 0.5 * (x[:, 0] * e_b1 - e_b0b1) + 0.5 * (x[:, 0] * x[:, 1] - e_b0 * x[:, 1])
    phi1 = 0.5 * (e_b0 * x[:, 1] - e_b0b1) + 0.5 * (x[:, 0] * x[:, 1] - x[:, 0] * e_b1)
    np.testing.assert_allclose(e.values, np.stack([phi0, phi1], axis=1), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(e.base_values, e_b0b1)


def test_one_feature_gets_the_whole_difference():
    e = shapley_values(lambda z: np.sin(z[:, 0]), np.array([[1.0], [2.0]]), np.array([[0.0], [0.5]]))
    base = (np.sin(0.0) + np.sin(0.5)) / 2
    np.testing.assert_allclose(e.values[:, 0], np.sin([1.0, 2.0]) - base, atol=1e-15)


def test_output_selection_and_shapes():
    rng = np.random.default_rng(4)
    model = mlp(rng, 3, (4,), 3, "tanh")
    x, b = rng.normal(size=(5, 3)), rng.normal(size=(4, 3))
    full = shapley_values(model, x, b)
    assert full.values.shape == (5, 3, 3) and full.base_values.shape == (5, 3)
    one = shapley_values(model, x, b, output=-1)
    assert one.values.shape == (5, 3) and one.base_values.shape == (5,)
    np.testing.assert_allclose(one.values, full.values[:, :, 2], atol=1e-15)
    np.testing.assert_allclose(full[:, 2].values, one.values, atol=1e-15)
    single = shapley_values(mlp(rng, 3, (4,), 1), x, b)
    assert single.values.shape == (5, 3) and single.n_outputs is None
    flat = shapley_values(lambda z: z.sum(axis=1), x, b)  # (n,) output
    assert flat.values.shape == (5, 3)


def test_chunking_does_not_change_the_result():
    rng = np.random.default_rng(5)
    model = mlp(rng, 4, (5,), 2, "sigmoid")
    x, b = rng.normal(size=(3, 4)), rng.normal(size=(5, 4))
    big = shapley_values(model, x, b)
    tiny = shapley_values(model, x, b, batch_size=1)
    np.testing.assert_allclose(tiny.values, big.values, rtol=0, atol=1e-13)


def test_dropout_is_off_while_explaining_and_the_mode_is_restored():
    rng = np.random.default_rng(6)
    model = am.Sequential([am.Dense(6, input_dim=3, activation="tanh"), am.Dropout(0.5), am.Dense(1)])
    model.set_weights([rng.normal(size=w.shape) for w in model.get_weights()])
    x, b = rng.normal(size=(2, 3)), rng.normal(size=(4, 3))
    first, second = shapley_values(model, x, b), shapley_values(model, x, b)
    np.testing.assert_array_equal(first.values, second.values)
    assert model.training and model.layers[1].training
    model.eval()
    np.testing.assert_allclose(first.base_values + first.values.sum(axis=1), predict(model, x)[:, 0], atol=1e-10)


def test_too_many_features_points_to_the_sampled_estimator():
    m = MAX_EXACT_FEATURES + 1
    with pytest.raises(ValueError, match=r"at most 12.*got 13.*permutation_shapley"):
        shapley_values(lambda z: z.sum(axis=1), np.zeros((1, m)), np.zeros((2, m)))


@pytest.mark.parametrize("call, error, message", [
    (lambda f: shapley_values(f, np.zeros((2, 3)), np.zeros((4, 2))), ValueError, r"3 features.*\(4, 2\)"),
    (lambda f: shapley_values(f, np.zeros((2, 3)), np.zeros((0, 3))), ValueError, r"background.*at least one row"),
    (lambda f: shapley_values(f, np.zeros(3), np.zeros((4, 3))), ValueError, r"\(rows, features\).*reshape"),
    (lambda f: shapley_values(f, np.array([["a", "b", "c"]]), np.zeros((4, 3))), TypeError, r"numeric.*<U1"),
    (lambda f: shapley_values(f, "abc", np.zeros((4, 3))), TypeError, r"str"),
    (lambda f: shapley_values(f, np.full((1, 3), np.nan), np.zeros((4, 3))), ValueError, r"without NaN or infinity"),
    (lambda f: shapley_values(f, np.zeros((2, 3)), np.zeros((4, 3)), output=3), ValueError, r"\[-3, 2\].*got 3"),
    (lambda f: shapley_values(f, np.zeros((2, 3)), np.zeros((4, 3)), output=1.0), TypeError, r"float"),
    (lambda f: shapley_values(f, np.zeros((2, 3)), np.zeros((4, 3)), feature_names=["a"]), ValueError, r"3 feature names, got 1"),
    (lambda f: shapley_values(f, np.zeros((2, 3)), np.zeros((4, 3)), batch_size=0), ValueError, r"batch_size.*got 0"),
    (lambda f: shapley_values(3.0, np.zeros((2, 3)), np.zeros((4, 3))), TypeError, r"callable.*float"),
    (lambda f: shapley_values(lambda z: z[:, :, None], np.zeros((2, 3)), np.zeros((4, 3))), ValueError, r"\(2, outputs\).*\(2, 3, 1\)"),
    (lambda f: shapley_values(lambda z: "no", np.zeros((2, 3)), np.zeros((4, 3))), TypeError, r"numeric array, got str"),
    (lambda f: shapley_values(lambda z: z[:1, 0], np.zeros((2, 3)), np.zeros((4, 3))), ValueError, r"shape \(2,\)"),
    (lambda f: permutation_shapley(f, np.zeros((2, 3)), np.zeros((4, 3)), n_permutations=1), ValueError, r"n_permutations as a whole number ≥ 2; got 1"),
    (lambda f: permutation_shapley(f, np.zeros((2, 3)), np.zeros((4, 3)), seed="x"), TypeError, r"seed.*str"),
])
def test_bad_input_is_refused_with_a_message(call, error, message):
    three_outputs = lambda z: z * 2.0  # noqa: E731  (n, 3) -> (n, 3)
    with pytest.raises(error, match=message):
        call(three_outputs)


def test_model_with_another_input_width_is_refused():
    model = am.Sequential([am.Dense(2, input_dim=4)])
    with pytest.raises(ValueError, match=r"expects 4 input features, got data with 3"):
        shapley_values(model, np.zeros((1, 3)), np.zeros((2, 3)))


def test_exact_shapley_is_fast_enough_for_ten_features():
    """10 features: 1024 coalitions × 20 background rows per input row, batched."""
    rng = np.random.default_rng(7)
    model = mlp(rng, 10, (8,), 1, "tanh", "sigmoid")
    e = shapley_values(model, rng.normal(size=(5, 10)), rng.normal(size=(20, 10)))
    np.testing.assert_allclose(e.completeness_gap(), 0.0, atol=1e-10)


# ----------------------------------------------------------- permutation
@settings(max_examples=15)
@given(problems(max_features=6), st.booleans())
def test_permutation_estimate_is_efficient_exactly(problem, antithetic):
    model, x, background = problem
    e = permutation_shapley(model, x, background, n_permutations=3, antithetic=antithetic, seed=0)
    total = e.base_values + e.values.sum(axis=1)
    np.testing.assert_allclose(total, predict(model, x).reshape(total.shape), rtol=0, atol=1e-10)
    assert e.std_errors.shape == e.values.shape and np.all(e.std_errors >= 0)


@pytest.mark.parametrize("antithetic", [True, False])
def test_permutation_estimate_converges_to_exact_within_its_error(antithetic):
    rng = np.random.default_rng(8)
    model = mlp(rng, 6, (8, 4), 1, "tanh", "sigmoid")
    x, b = rng.normal(size=(3, 6)), rng.normal(size=(10, 6))
    exact = shapley_values(model, x, b).values
    few = permutation_shapley(model, x, b, n_permutations=60, antithetic=antithetic, seed=1)
    many = permutation_shapley(model, x, b, n_permutations=960, antithetic=antithetic, seed=2)
    for est in (few, many):
        z = np.abs(est.values - exact) / est.std_errors
        assert z.max() < 4.5, z.max()
        assert np.mean(z < 2) > 0.75  # roughly the 95 % of a normal error
    # 16 times the samples: a standard error about 4 times smaller.
    ratio = few.std_errors / many.std_errors
    assert 2.5 < np.median(ratio) < 6.0
    assert np.abs(many.values - exact).max() < np.abs(few.values - exact).max()


def test_permutation_is_exact_for_a_linear_model_and_for_two_features():
    rng = np.random.default_rng(9)
    layer = am.Dense(1, input_dim=5)
    layer.set_weights([rng.normal(size=(5, 1)), rng.normal(size=1)])
    x, b = rng.normal(size=(4, 5)), rng.normal(size=(6, 5))
    e = permutation_shapley(layer, x, b, n_permutations=2, seed=0)
    np.testing.assert_allclose(e.values, (x - b.mean(axis=0)) * layer.weight.data[:, 0], atol=1e-12)
    np.testing.assert_allclose(e.std_errors, 0.0, atol=1e-12)
    # Two features: an order and its reverse are all the orders there are.
    model = mlp(rng, 2, (5,), 1, "tanh")
    x2, b2 = rng.normal(size=(3, 2)), rng.normal(size=(5, 2))
    pair = permutation_shapley(model, x2, b2, n_permutations=2, antithetic=True, seed=3)
    np.testing.assert_allclose(pair.values, shapley_values(model, x2, b2).values, atol=1e-12)


def test_permutation_seed_reproduces_and_alias():
    rng = np.random.default_rng(10)
    model = mlp(rng, 4, (5,), 2, "relu")
    x, b = rng.normal(size=(2, 4)), rng.normal(size=(3, 4))
    a = permutation_shapley(model, x, b, n_permutations=5, seed=11)
    c = sampled_shapley(model, x, b, n_permutations=5, seed=11)
    np.testing.assert_array_equal(a.values, c.values)
    assert a.method == "permutation_shapley" and a.extra["n_permutations"] == 5
    d = permutation_shapley(model, x, b, n_permutations=5, seed=12)
    assert not np.array_equal(a.values, d.values)
    small = permutation_shapley(model, x, b, n_permutations=5, seed=11, batch_size=1)
    np.testing.assert_allclose(small.values, a.values, atol=1e-13)


def test_permutation_handles_many_features():
    rng = np.random.default_rng(11)
    model = mlp(rng, 30, (6,), 1, "tanh")
    e = permutation_shapley(model, rng.normal(size=(2, 30)), rng.normal(size=(5, 30)), n_permutations=4, seed=0)
    assert e.values.shape == (2, 30)
    np.testing.assert_allclose(e.completeness_gap(), 0.0, atol=1e-10)


# ---------------------------------------------------------------- shap
def test_against_shap_exact_explainer():
    shap = pytest.importorskip("shap")
    rng = np.random.default_rng(12)
    model = mlp(rng, 4, (5,), 1, "tanh", "sigmoid")
    x, b = rng.normal(size=(3, 4)), rng.normal(size=(6, 4))
    f = lambda z: predict(model, z)[:, 0]  # noqa: E731
    theirs = shap.explainers.Exact(f, shap.maskers.Independent(b, max_samples=len(b)))(x)
    ours = shapley_values(model, x, b)
    np.testing.assert_allclose(ours.values, theirs.values, atol=1e-8)
    np.testing.assert_allclose(ours.base_values, theirs.base_values, atol=1e-8)


def test_weights_sum_to_one_over_coalition_sizes():
    """The Shapley weights: Σ_s C(M−1, s) s!(M−s−1)!/M! = 1, what efficiency rests on."""
    for m in range(1, 13):
        assert math.isclose(sum(math.comb(m - 1, s) / (m * math.comb(m - 1, s)) for s in range(m)), 1.0)


# ------------------------------------------------------------------ workers
def test_workers_give_the_values_of_one_worker():
    pytest.importorskip("joblib")
    rng = np.random.default_rng(12)
    model = mlp(rng, 4, (6,), 2, "tanh", "sigmoid")
    x, b = rng.normal(size=(7, 4)), rng.normal(size=(5, 4))
    exact = shapley_values(model, x, b, n_jobs=1)
    sampled = permutation_shapley(model, x, b, n_permutations=6, seed=4, n_jobs=1)
    for n_jobs in (2, 3):
        other = shapley_values(model, x, b, n_jobs=n_jobs)
        np.testing.assert_allclose(other.values, exact.values, rtol=0, atol=1e-12)
        np.testing.assert_allclose(other.base_values, exact.base_values, rtol=0, atol=1e-12)
        again = permutation_shapley(model, x, b, n_permutations=6, seed=4, n_jobs=n_jobs)
        np.testing.assert_allclose(again.values, sampled.values, rtol=0, atol=1e-12)
        np.testing.assert_allclose(again.std_errors, sampled.std_errors, rtol=0, atol=1e-12)
    with pytest.raises(ValueError, match="n_jobs"):
        shapley_values(model, x, b, n_jobs=0)


def test_a_rows_sampled_orders_depend_only_on_the_seed_and_its_index():
    rng = np.random.default_rng(13)
    model = mlp(rng, 5, (6,), 1, "relu")
    x, b = rng.normal(size=(6, 5)), rng.normal(size=(4, 5))
    whole = permutation_shapley(model, x, b, n_permutations=5, antithetic=False, seed=9)
    first_rows = permutation_shapley(model, x[:2], b, n_permutations=5, antithetic=False, seed=9, batch_size=3)
    np.testing.assert_allclose(first_rows.values, whole.values[:2], rtol=0, atol=1e-12)
    # Row 4 with its own stream, found by hand: the ranks of uniforms from SeedSequence(9, spawn_key=(4,)).
    orders = np.random.default_rng(np.random.SeedSequence(9, spawn_key=(4,))).random((5, 5)).argsort(axis=1)
    row = x[4]
    samples = []
    for order in orders:
        mask, previous, sample = np.zeros(5, dtype=bool), predict(model, b).mean(), np.zeros(5)
        for feature in order:
            mask[feature] = True
            value = predict(model, np.where(mask, row, b)).mean()
            sample[feature], previous = value - previous, value
        samples.append(sample)
    np.testing.assert_allclose(whole.values[4], np.mean(samples, axis=0), rtol=0, atol=1e-12)
    # A generator as the seed: its state decides, and it advances.
    gen = np.random.default_rng(1)
    a = permutation_shapley(model, x, b, n_permutations=3, seed=gen)
    assert not np.array_equal(a.values, permutation_shapley(model, x, b, n_permutations=3, seed=gen).values)
    np.testing.assert_array_equal(a.values, permutation_shapley(model, x, b, n_permutations=3,
                                                                seed=np.random.default_rng(1)).values)
