"""``autograd_mlp.shap``: the course's SHAP cell, shap's return shapes, additivity, and shap's own exact explainer."""

import numpy as np
import pytest

import autograd_mlp.shap as sh
from autograd_mlp import Dense, Sequential, Value, set_seed
from autograd_mlp.explain import MAX_EXACT_FEATURES


def network(n_in=4, hidden=6, n_out=3, out_activation="sigmoid", seed=0):
    set_seed(seed)
    return Sequential([Dense(hidden, input_dim=n_in, activation="tanh"), Dense(n_out, activation=out_activation)])


def data(rows, features, seed):
    return np.random.default_rng(seed).normal(size=(rows, features))


def outputs(model, x):
    return np.asarray(model(x).data)


# ------------------------------------------------------------------ shapes
def test_multi_output_values_have_the_outputs_on_the_last_axis():
    model, background, x = network(), data(8, 4, 1), data(5, 4, 2)
    explainer = sh.DeepExplainer(model, background)
    values = explainer.shap_values(x)
    assert values.shape == (5, 4, 3)
    assert isinstance(explainer.expected_value, np.ndarray) and explainer.expected_value.shape == (3,)
    np.testing.assert_allclose(explainer.expected_value, outputs(model, background).mean(axis=0), rtol=1e-14)
    assert explainer.shap_values(x[0]).shape == (4, 3)


def test_single_output_values_are_rows_by_features_and_the_expected_value_a_float():
    model, background, x = network(n_out=1, out_activation=None), data(8, 4, 1), data(5, 4, 2)
    explainer = sh.DeepExplainer(model, background)
    values = explainer.shap_values(x)
    assert values.shape == (5, 4)
    assert type(explainer.expected_value) is float
    assert explainer.shap_values(x[0]).shape == (4,)
    np.testing.assert_allclose(explainer.shap_values(x[0]), values[0], rtol=1e-14)


# -------------------------------------------------------------- additivity
@pytest.mark.parametrize("n_out", [1, 3])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_values_plus_expected_value_give_the_output(n_out, seed):
    model = network(n_out=n_out, seed=seed)
    background, x = data(7, 4, seed + 10), data(6, 4, seed + 20)
    explainer = sh.DeepExplainer(model, background)
    values = explainer.shap_values(x)
    total = explainer.expected_value + values.sum(axis=1)
    np.testing.assert_allclose(total, outputs(model, x).reshape(total.shape), rtol=0, atol=1e-12)


def test_above_the_exact_limit_values_are_sampled_and_still_additive():
    m = MAX_EXACT_FEATURES + 2
    model, background, x = network(n_in=m, n_out=2), data(4, m, 3), data(2, m, 4)
    explainer = sh.DeepExplainer(model, background, n_permutations=8, seed=5)
    values = explainer.shap_values(x)
    assert values.shape == (2, m, 2)
    assert explainer.explanation.method == "permutation_shapley"
    np.testing.assert_allclose(explainer.expected_value + values.sum(axis=1), outputs(model, x), atol=1e-12)
    again = sh.DeepExplainer(model, background, n_permutations=8, seed=5).shap_values(x)
    np.testing.assert_array_equal(values, again)


def test_a_linear_model_gets_weight_times_distance_from_the_background_mean():
    """φ_i = w_i (x_i − mean_b b_i): here shap's DeepLIFT-based explainer gives the same values."""
    model = Sequential([Dense(1, input_dim=3)])
    w = model.get_weights()[0][:, 0]
    background, x = data(9, 3, 6), data(4, 3, 7)
    values = sh.DeepExplainer(model, background).shap_values(x)
    np.testing.assert_allclose(values, w * (x - background.mean(axis=0)), rtol=1e-12, atol=1e-14)


def test_check_additivity_catches_a_model_that_is_not_a_function_of_its_input():
    rng = np.random.default_rng(0)
    noisy = sh.KernelExplainer(lambda x: x.sum(axis=1) + rng.normal(size=len(x)), data(5, 3, 1))
    with pytest.raises(ValueError, match="additivity|expected value"):
        noisy.shap_values(data(2, 3, 2))
    assert noisy.shap_values(data(2, 3, 2), check_additivity=False).shape == (2, 3)


# ---------------------------------------------------------- KernelExplainer
def test_kernel_explainer_on_a_numpy_function_equals_the_deep_explainer_on_the_model():
    model, background, x = network(), data(6, 4, 8), data(3, 4, 9)
    seen = []

    def f(a):
        seen.append(type(a))
        return np.asarray(model(a).data)

    kernel = sh.KernelExplainer(f, background)
    np.testing.assert_allclose(kernel.expected_value, sh.DeepExplainer(model, background).expected_value)
    np.testing.assert_allclose(kernel.shap_values(x, nsamples=500), sh.DeepExplainer(model, background).shap_values(x),
                               rtol=1e-13, atol=1e-15)
    assert set(seen) == {np.ndarray}


def test_explainers_refuse_bad_arguments():
    with pytest.raises(ValueError, match="identity"):
        sh.KernelExplainer(lambda x: x.sum(axis=1), data(3, 2, 0), link="logit")
    with pytest.raises(TypeError):
        sh.KernelExplainer("model", data(3, 2, 0))
    explainer = sh.DeepExplainer(network(), data(3, 4, 0))
    with pytest.raises(ValueError, match="4 features"):
        explainer.shap_values(data(2, 5, 0))
    with pytest.raises(ValueError, match="NaN or infinity"):
        explainer.shap_values(np.full((1, 4), np.nan))
    with pytest.raises(ValueError):
        sh.DeepExplainer(network(), np.ones(4))


def test_values_of_a_value_input():
    model, background, x = network(), data(4, 4, 0), data(2, 4, 1)
    explainer = sh.DeepExplainer(model, background)
    np.testing.assert_array_equal(explainer.shap_values(Value(x)), explainer.shap_values(x))


def test_initjs_does_nothing():
    assert sh.initjs() is None


# ------------------------------------------------------------ summary_plot
def labels_top_down(ax):
    pairs = zip(ax.get_yticks(), [t.get_text() for t in ax.get_yticklabels()])
    return [label for _, label in sorted(pairs, key=lambda pair: -pair[0])]


def test_summary_plot_takes_the_names_as_second_argument_and_stacks_outputs():
    pytest.importorskip("matplotlib")
    values = np.zeros((5, 3, 2))
    values[:, 1, :] = 2.0  # the most important feature
    values[:, 0, 0] = 1.0
    fig = sh.summary_plot(values, ["age", "income", "height"])
    ax = fig.axes[0]
    assert labels_top_down(ax) == ["income", "age", "height"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["output 0", "output 1"]
    # older shap's list of per-output arrays draws the same bars
    listed = sh.summary_plot([values[:, :, 0], values[:, :, 1]], feature_names=["age", "income", "height"])
    assert labels_top_down(listed.axes[0]) == ["income", "age", "height"]


def test_summary_plot_of_one_output_is_a_beeswarm_coloured_by_the_features(tmp_path):
    pytest.importorskip("matplotlib")
    rng = np.random.default_rng(0)
    values, features = rng.normal(size=(20, 3)) * [1.0, 3.0, 0.1], rng.normal(size=(20, 3))
    fig = sh.summary_plot(values, features, ["a", "b", "c"], to_file=tmp_path / "summary.png")
    assert labels_top_down(fig.axes[0]) == ["b", "a", "c"]
    assert len(fig.axes) == 2  # the plot and its colour bar
    assert (tmp_path / "summary.png").read_bytes().startswith(b"\x89PNG")
    named = sh.summary_plot(values, np.array(["a", "b", "c"]))
    assert labels_top_down(named.axes[0]) == ["b", "a", "c"]
    bars = sh.summary_plot(values, plot_type="bar")
    assert labels_top_down(bars.axes[0]) == ["Feature 1", "Feature 0", "Feature 2"]
    pandas = pytest.importorskip("pandas")
    frame = sh.summary_plot(values, pandas.DataFrame(features, columns=["x", "y", "z"]))
    assert labels_top_down(frame.axes[0]) == ["y", "x", "z"]
    assert labels_top_down(sh.summary_plot(values, pandas.Index(["p", "q", "r"])).axes[0]) == ["q", "p", "r"]


@pytest.mark.parametrize("call, error", [
    (lambda: sh.summary_plot(np.zeros(4)), ValueError),
    (lambda: sh.summary_plot(np.zeros((3, 2)), ["only one name"]), ValueError),
    (lambda: sh.summary_plot(np.zeros((3, 2)), np.zeros((4, 2))), ValueError),
    (lambda: sh.summary_plot(np.zeros((3, 2)), plot_type="violin"), ValueError),
    (lambda: sh.summary_plot([]), ValueError),
    (lambda: sh.summary_plot(np.zeros((3, 2)), max_display="5"), TypeError),
])
def test_summary_plot_refuses_bad_input(call, error):
    pytest.importorskip("matplotlib")
    with pytest.raises(error):
        call()


# ------------------------------------------------------- the course's cell
COURSE_CELL = """
import autograd_mlp.shap as sh

explainer = sh.DeepExplainer(network, shap_data)

shap_values = explainer.shap_values(other_input_data)

sh.initjs()

sh.summary_plot(shap_values, headers)
"""


def test_the_course_cell_runs_with_only_its_import_changed():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")

    # The course's network: 10 inputs, 20 ReLU, 4 sigmoid outputs.
    set_seed(1)
    rng = np.random.default_rng(1)
    x = rng.uniform(-1, 1, size=(60, 10))
    y = (x[:, :4] > 0).astype(float)
    network_ = Sequential()
    network_.add(Dense(20, input_dim=10, activation="relu"))
    network_.add(Dense(4, activation="sigmoid"))
    network_.compile(loss="binary_crossentropy", optimizer="sgd")
    network_.fit(x, y, epochs=2, batch_size=16, verbose=0)
    namespace = {"network": network_, "shap_data": x[:12], "other_input_data": x[40:50],
                 "headers": [f"input {i}" for i in range(10)]}
    exec(COURSE_CELL, namespace)
    values = namespace["shap_values"]
    assert values.shape == (10, 10, 4)
    explainer = namespace["explainer"]
    np.testing.assert_allclose(explainer.expected_value + values.sum(axis=1), outputs(network_, x[40:50]), atol=1e-12)


# ------------------------------------------------------- against shap itself
@pytest.mark.parametrize("n_out", [1, 3])
def test_the_same_values_as_shaps_exact_explainer(n_out):
    shap = pytest.importorskip("shap")
    model = network(n_out=n_out, out_activation="sigmoid", seed=4)
    background, x = data(10, 4, 11), data(6, 4, 12)
    ours = sh.DeepExplainer(model, background)
    values = ours.shap_values(x)
    theirs = shap.explainers.Exact(lambda a: outputs(model, np.asarray(a)),
                                   shap.maskers.Independent(background, max_samples=len(background)))(x)
    expected = theirs.values[..., 0] if n_out == 1 and theirs.values.ndim == 3 else theirs.values
    assert expected.shape == values.shape
    np.testing.assert_allclose(values, expected, rtol=0, atol=1e-8)
    np.testing.assert_allclose(np.ravel(theirs.base_values[0]), np.ravel(ours.expected_value), rtol=0, atol=1e-12)
