"""The course's exercises in examples/ run (in their --quick form) and reach the course's results.

Each example is loaded from its file and its ``main(["--quick", ...])`` runs
once per module (the fixtures below), writing its pictures to its default
folder (moved under the test's temporary folder, see ``examples_support``);
the tests check the numbers it returns, what it prints and the pictures.
"""

import contextlib
import importlib.util
import io
import os
import re
import sys

import numpy as np
import pytest
from examples_support import is_png, load, run_default

import autograd_mlp as am
from autograd_mlp import reference
from autograd_mlp.data import linear_boundary

HAS_MATPLOTLIB = importlib.util.find_spec("matplotlib") is not None


def run_main(module, *args):
    """main(["--quick", *args]) with its printed output captured; returns (result, output)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        result = module["main"](["--quick", *map(str, args)])
    return result, out.getvalue()


def check_default_pictures(result, out, folder, names):
    """The run wrote exactly ``names`` (PNG) into its default folder and said where, or said why not."""
    if not HAS_MATPLOTLIB:
        assert result["plots"] == {} and "no pictures: matplotlib is not installed" in out
        return
    assert sorted(os.path.basename(path) for path in result["plots"].values()) == sorted(names)
    assert all(os.path.dirname(path) == str(folder) and is_png(path) for path in result["plots"].values())
    assert f"pictures written to {folder}" in out


@pytest.fixture(scope="module")
def linear(tmp_path_factory):
    module = load("perceptron_linear")
    return (module, *run_default(module, tmp_path_factory.mktemp("linear"), "--quick"))


@pytest.fixture(scope="module")
def circle_perceptron(tmp_path_factory):
    module = load("perceptron_circle")
    return (module, *run_default(module, tmp_path_factory.mktemp("circle"), "--quick"))


@pytest.fixture(scope="module")
def mlp(tmp_path_factory):
    """mlp_circle with its defaults: the saved model and the pictures both in its default folder."""
    module = load("mlp_circle")
    return (module, *run_default(module, tmp_path_factory.mktemp("mlp_circle"), "--quick"))


@pytest.fixture(scope="module")
def workflow(tmp_path_factory):
    """keras_workflow with --output: the network there, the pictures in the default folder."""
    module = load("keras_workflow")
    root = tmp_path_factory.mktemp("keras_workflow")
    result, out, folder = run_default(module, root, "--quick", "--output", root / "network")
    return module, result, out, folder, root / "network"


# ---------------------------------------------------------------- perceptron_linear
def test_linear_perceptron_both_ways_reach_97_percent(linear):
    _, result, out, _ = linear
    scratch, library = result["scratch"], result["library"]
    assert scratch["test_accuracy"] >= 0.97 and library["test_accuracy"] >= 0.97
    found = re.search(r"test accuracy: from scratch (\d\.\d{3}), library (\d\.\d{3})", out)
    assert found and float(found.group(1)) == pytest.approx(scratch["test_accuracy"], abs=5e-4)
    assert float(found.group(2)) == pytest.approx(library["test_accuracy"], abs=5e-4)


def test_linear_perceptron_scratch_and_library_are_one_computation(linear):
    _, result, out, _ = linear
    assert result["weight_gap"] < 1e-10
    np.testing.assert_allclose(result["scratch"]["losses"], result["library"]["losses"], rtol=1e-10)
    assert "largest difference between the final weights of (a) and (b)" in out


def test_linear_perceptron_learns_the_line_x_plus_y_equals_100(linear):
    _, result, _, _ = linear
    for part in ("scratch", "library"):
        k, c = result[part]["boundary"]
        assert k == pytest.approx(1.0, abs=0.1) and c == pytest.approx(100.0, abs=5.0), part


def test_linear_perceptron_prints_a_few_falling_losses(linear):
    module, result, out, _ = linear
    printed = [float(v) for v in re.findall(r"epoch +\d+ +mse (\d\.\d+)", out)]
    epochs = len(result["scratch"]["losses"])
    assert epochs == module["QUICK_MAX_EPOCHS"]  # the threshold is not reached in the quick run
    assert len(printed) == 2 * len(module["epochs_to_print"](epochs)) <= 20
    assert printed[len(printed) // 2 - 1] < 0.5 * printed[0]
    assert len(result["scratch"]["step_errors"]) == epochs * module["N_TRAIN"]


def test_linear_perceptron_update_is_the_course_rule():
    module = load("perceptron_linear")
    rng = np.random.default_rng(3)
    for _ in range(5):
        x, w = rng.normal(size=2), rng.normal(size=2)
        y, b = float(rng.integers(0, 2)), float(rng.normal())
        new_w, new_b = module["update"](x, y, w, b, 0.3)
        ref_w, ref_b = reference.perceptron_update(x, y, w, b, 0.3)
        np.testing.assert_allclose(new_w, ref_w, rtol=1e-14, atol=1e-15)
        assert new_b == pytest.approx(float(ref_b), rel=1e-14, abs=1e-15)
        assert not np.allclose(new_w, w)  # a step was taken


def test_linear_perceptron_stops_below_the_threshold():
    module = load("perceptron_linear")
    x, y = module["course_points"](250, 0)
    x = (x - x.mean(axis=0)) / x.std(axis=0)
    w0, b0 = module["initial_parameters"](2)
    *_, losses, _ = module["train_scratch"](x, y, w0, b0, 0, threshold=0.05, max_epochs=100)
    assert losses[-1] < 0.05 and all(loss >= 0.05 for loss in losses[:-1])
    assert len(losses) < 100


def test_linear_perceptron_data_and_helpers():
    module = load("perceptron_linear")
    x, y = module["course_points"](250, 7)
    x_lib, y_lib = linear_boundary(250, seed=7)  # (b) reads the library's copy of the same data set
    np.testing.assert_array_equal(x, x_lib)
    np.testing.assert_array_equal(y, y_lib.ravel())
    assert module["epochs_to_print"](27) == [1, 2, 5, 10, 20, 27]
    assert module["epochs_to_print"](1) == [1]
    assert module["epochs_to_print"](200) == [1, 2, 5, 10, 20, 50, 100, 200]
    # w = (1, 1), b = 0 on inputs normalized with mean 50 and std 10 is the line x + y = 100
    k, c = module["boundary_in_original_units"](np.array([1.0, 1.0]), 0.0, [50.0, 50.0], [10.0, 10.0])
    assert (k, c) == pytest.approx((1.0, 100.0))
    k, c = module["boundary_in_original_units"](np.array([2.0, 1.0]), 1.0, [0.0, 0.0], [1.0, 2.0])
    assert (k, c) == pytest.approx((0.25, -0.5))


def test_linear_perceptron_writes_its_pictures_to_its_default_folder(linear):
    _, result, out, folder = linear
    check_default_pictures(result, out, folder, ["perceptron_library_boundary.png", "perceptron_library_history.png",
                                                 "perceptron_scratch_boundary.png", "perceptron_scratch_error.png"])
    if HAS_MATPLOTLIB:
        assert sorted(result["plots"]) == ["library_boundary", "library_history", "scratch_boundary", "scratch_error"]


def test_plots_option_chooses_the_folder_and_no_plots_skips_them(tmp_path):
    pytest.importorskip("matplotlib")
    module = load("perceptron_circle")
    result, out, default = run_default(module, tmp_path / "a", "--quick", "--plots", tmp_path / "chosen")
    assert sorted(os.listdir(tmp_path / "chosen")) == ["perceptron_circle_balanced.png", "perceptron_circle_course.png"]
    assert not default.exists() and f"pictures written to {tmp_path / 'chosen'}" in out
    result, out, default = run_default(module, tmp_path / "b", "--quick", "--no-plots")
    assert result["plots"] == {} and not default.exists() and "pictures" not in out


def test_missing_matplotlib_gives_a_note_not_an_error(tmp_path, monkeypatch):
    find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *args: None if name == "matplotlib" else find_spec(name, *args))
    module = load("perceptron_circle")
    result, out, default = run_default(module, tmp_path, "--quick")
    assert result["plots"] == {} and not default.exists()
    assert "no pictures: matplotlib is not installed" in out


# ---------------------------------------------------------------- perceptron_circle
def test_circle_perceptron_stays_near_the_majority_rate(circle_perceptron):
    _, result, out, _ = circle_perceptron
    for name in ("balanced", "course"):
        run = result[name]
        for key in ("scratch_accuracy", "library_accuracy"):
            assert abs(run[key] - run["majority_rate"]) <= 0.15, (name, key, run[key], run["majority_rate"])
    assert result["balanced"]["majority_rate"] < 0.56 and result["course"]["majority_rate"] > 0.72
    assert max(result["balanced"]["scratch_accuracy"], result["balanced"]["library_accuracy"]) < 0.7
    assert "straight line" in out and "Hidden layers" in out
    assert out.count("always predicting the larger class") == 2


def test_circle_perceptron_pictures_show_the_circle_and_say_where_the_line_went(circle_perceptron):
    module, result, out, folder = circle_perceptron
    check_default_pictures(result, out, folder, ["perceptron_circle_balanced.png", "perceptron_circle_course.png"])
    # On the course's circle (79 % inside) the neuron says "inside" everywhere: its line is off the picture.
    course = result["course"]
    caption = module["boundary_caption"](course["model"], course["scaler"], course["x_test"], course)
    assert caption.startswith("No boundary in view") and "predicts class 1 everywhere" in caption


def test_circle_perceptron_caption_only_when_the_line_misses_the_square():
    module = load("perceptron_circle")

    class Neuron:  # z = w·(x − m)/s + b with m = 0, s = 1
        def __init__(self, w, b):
            self.w, self.b = np.array(w, dtype=float).reshape(2, 1), np.array([float(b)])

        def get_weights(self):
            return [self.w, self.b]

    scaler = am.data.Standardizer().fit(np.array([[-1.0, -1.0], [1.0, 1.0]]))  # mean 0, std 1
    square = np.array([[-1.0, -1.0], [1.0, 1.0]])
    run = {"majority_rate": 0.79}
    assert module["neuron_line"](Neuron([2.0, 0.0], 1.0), scaler) == pytest.approx((2.0, 0.0, 1.0))
    assert module["boundary_caption"](Neuron([1.0, 1.0], 0.0), scaler, square, run) is None  # x + y = 0 crosses
    caption = module["boundary_caption"](Neuron([1.0, 0.0], 3.0), scaler, square, run)  # x = −3: off to the left
    assert "1.000·x + 0.000·y + 3.000 = 0" in caption and "lies 3 from the centre" in caption
    assert "predicts class 1 everywhere" in caption and "79%" in caption
    assert "predicts class 0 everywhere" in module["boundary_caption"](Neuron([-1.0, 0.0], -3.0), scaler, square, run)


# ---------------------------------------------------------------- mlp_circle
def test_mlp_classifies_the_circle(mlp, circle_perceptron):
    _, result, out, _ = mlp
    assert result["test_accuracy"] >= 0.95
    single_neuron = circle_perceptron[1]["balanced"]
    assert result["test_accuracy"] > max(single_neuron["scratch_accuracy"], single_neuron["library_accuracy"]) + 0.3
    assert re.search(r"test accuracy on 1000 new points: 0\.9[5-9]\d", out)


def test_mlp_prints_structure_and_every_weight(mlp):
    _, result, out, _ = mlp
    model = result["model"]
    assert out.count('Model: "mlp_circle"') == 2  # summary() before training and after reloading
    assert "Total params: 337" in out
    assert len(re.findall(r"^  neuron +\d+: \[", out, flags=re.M)) == 16 + 16 + 1
    output_layer = model.layers[-1]
    assert f"bias {output_layer.bias.data[0]:+.3f}" in out
    first = " ".join(f"{w:.3f}" for w in model.layers[0].weight.data[:, 0])
    assert re.search(r"neuron  0: \[ *" + re.escape(first).replace(r"\ ", " +") + r"\]", out)


def test_mlp_saved_file_reloads_with_identical_predictions(mlp):
    _, result, out, folder = mlp
    assert result["same_predictions"] is True
    # by default the model goes to the example's folder, not to a new temporary folder
    assert result["path"] == os.path.join(str(folder), "mlp_circle.keras") and os.path.isfile(result["path"])
    reloaded = am.load_model(result["path"])
    points = np.random.default_rng(5).uniform(-1.0, 1.0, size=(50, 2))
    np.testing.assert_array_equal(reloaded.predict(points), result["model"].predict(points))
    assert "the reloaded model predicts the same outputs: True" in out


# ---------------------------------------------------------------- keras_workflow
def test_keras_workflow_history_split_and_accuracy(workflow):
    _, result, out, _, _ = workflow
    assert result["history_keys"] == ["loss", "binary_accuracy", "val_loss", "val_binary_accuracy"]
    assert "dict_keys(['loss', 'binary_accuracy', 'val_loss', 'val_binary_accuracy'])" in out
    assert result["split_sizes"] == (600, 200, 200)
    assert result["test_accuracy"] >= 0.9
    assert min(result["output_accuracy"]) >= 0.85
    history = result["history"].history
    assert history["val_loss"][-1] < 0.5 * history["val_loss"][0]


def test_keras_workflow_early_stopping_restores_the_best_weights(workflow):
    module, result, out, _, _ = workflow
    history = result["history"].history
    assert result["stopped_epoch"] > 0 and result["epochs_run"] == result["stopped_epoch"] + 1
    best = result["best_epoch"]
    assert history["val_loss"][best] == min(history["val_loss"])
    assert result["epochs_run"] - 1 - best >= module["QUICK_PATIENCE"]
    # the weights left in the network are those of the best epoch, not of the last one
    assert result["val_loss"] == pytest.approx(history["val_loss"][best], rel=1e-9)
    assert result["val_loss"] < history["val_loss"][-1]
    assert "early stopping after epoch" in out


def test_keras_workflow_confusion_matrices_name_alpha_and_beta(workflow):
    _, result, out, _, _ = workflow
    assert len(result["confusion"]) == 4
    for k, matrix in enumerate(result["confusion"]):
        assert matrix.shape == (2, 2) and matrix.sum() == 200
        assert np.trace(matrix) / 200 == pytest.approx(result["output_accuracy"][k])
        assert f"beta: {matrix[0, 1]} false cases predicted true" in out
        assert f"alpha: {matrix[1, 0]} true cases predicted false" in out


def test_keras_workflow_saves_my_network_and_loads_it(workflow):
    _, result, out, _, folder = workflow
    path = os.path.join(str(folder), "My_network.keras")
    assert result["path"] == path and os.path.isfile(path)
    assert result["same_predictions"] is True
    loaded = am.load_model(path)
    x = np.random.default_rng(1).normal(size=(20, 10))
    np.testing.assert_array_equal(loaded.predict(x), result["network"].predict(x))
    assert loaded.get_compile_config()["loss"] == "binary_crossentropy"
    assert out.count('Model: "my_network"') == 2


def test_keras_workflow_data_answers_are_balanced_functions_of_the_inputs():
    module = load("keras_workflow")
    x, y = module["make_data"](4000, 3)
    assert x.shape == (4000, 10) and y.shape == (4000, 4)
    assert set(np.unique(y)) == {0.0, 1.0}
    np.testing.assert_allclose(y.mean(axis=0), 0.5, atol=0.04)
    z = (x - module["MEANS"]) / module["SPREADS"]
    np.testing.assert_array_equal(y[:, 1], z[:, 2] > z[:, 3])


# ---------------------------------------------------------------- regression
def test_regression_fits_the_function(tmp_path):
    module = load("regression")
    result, out, folder = run_default(module, tmp_path, "--quick")
    check_default_pictures(result, out, folder, ["regression_fit.png", "regression_history.png"])
    assert result["function_mse"] < 0.03
    assert result["test_mse"] < result["noise_floor"] + 0.03
    assert result["test_mae"] < 0.2
    np.testing.assert_allclose(result["predicted"], module["f"](result["points"]), atol=0.35)
    assert len(re.findall(r"^ +-?\d\.\d\d +-?\d\.\d{4} +-?\d\.\d{4}$", out, flags=re.M)) == 7
    assert re.search(r"test set: mse \d\.\d{4}, mae \d\.\d{4}", out)


# ---------------------------------------------------------------- iris
def test_iris_softmax_classifier(tmp_path):
    pytest.importorskip("sklearn")
    result, out, folder = run_default(load("iris_classification"), tmp_path, "--quick")
    check_default_pictures(result, out, folder, ["iris_history.png"])
    assert result["test_accuracy"] >= 0.9
    matrix = result["confusion"]
    assert matrix.shape == (3, 3) and matrix.sum() == 30
    np.testing.assert_array_equal(matrix.sum(axis=1), [10, 10, 10])  # stratified: 10 flowers per species
    assert np.trace(matrix) / 30 == pytest.approx(result["test_accuracy"])
    np.testing.assert_allclose(result["probabilities"].sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_array_equal(result["predicted"], result["probabilities"].argmax(axis=1))
    assert "confusion matrix (rows: true species, columns: predicted)" in out
    assert re.search(r"^ +virginica +\d+ +\d+ +\d+$", out, flags=re.M)


def test_iris_without_scikit_learn_says_so(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)  # makes the import fail
    result, out = run_main(load("iris_classification"))
    assert result == {"skipped": "scikit-learn is not installed"}
    assert "needs scikit-learn" in out


# ---------------------------------------------------------------- the pictures of mlp_circle and keras_workflow
def test_mlp_pictures_and_model_share_the_default_folder(mlp):
    _, result, out, folder = mlp
    names = ["mlp_circle_boundary.png", "mlp_circle_history.png"] + (["mlp_circle_model.png"]
                                                                     if am.viz.dot_available() else [])
    check_default_pictures(result, out, folder, names)
    assert sorted(os.listdir(folder)) == sorted(["mlp_circle.keras"] + (names if HAS_MATPLOTLIB else []))


def test_workflow_pictures_in_the_default_folder_network_in_output(workflow):
    _, result, out, folder, network = workflow
    names = ["keras_workflow_history.png"] + (["model_plot.png"] if am.viz.dot_available() else [])
    check_default_pictures(result, out, folder, names)
    assert os.listdir(network) == ["My_network.keras"]


@pytest.fixture
def figures(monkeypatch):
    """{file name: Figure} of every figure the examples save through autograd_mlp.viz.save_figure."""
    pytest.importorskip("matplotlib")
    saved, real_save = {}, am.viz.save_figure

    def keep(fig, path, *args, **kwargs):
        saved[os.path.basename(path)] = fig
        return real_save(fig, path, *args, **kwargs)

    monkeypatch.setattr(am.viz, "save_figure", keep)
    return saved


def test_workflow_history_has_a_labelled_panel_for_loss_and_one_for_accuracy(workflow, figures, tmp_path):
    module, result, _, _, _ = workflow
    with contextlib.redirect_stdout(io.StringIO()):
        module["save_plots"](str(tmp_path), result["history"], result["network"], result["best_epoch"])
    panels = figures["keras_workflow_history.png"].axes
    assert len(panels) == 2
    assert [ax.get_ylabel() for ax in panels] == ["binary cross-entropy", "share of right answers (binary accuracy)"]
    loss_lines = [line.get_label() for line in panels[0].get_lines()]
    accuracy_lines = [line.get_label() for line in panels[1].get_lines()]
    assert "training (loss)" in loss_lines and "validation (val_loss)" in loss_lines
    assert "training (binary_accuracy)" in accuracy_lines and "validation (val_binary_accuracy)" in accuracy_lines
    marker = f"best epoch ({result['best_epoch'] + 1}), restored"
    assert marker in loss_lines and marker in accuracy_lines


def test_linear_perceptron_error_panel_shows_the_trend_of_the_updates(linear, figures, tmp_path):
    module, result, _, _ = linear
    x_test, y_test = module["course_points"](50, 9)
    module["save_plots"](str(tmp_path), result["scratch"], result["library"], x_test, y_test)
    left, right = figures["perceptron_scratch_error.png"].axes
    errors = np.asarray(result["scratch"]["step_errors"])
    window = module["N_TRAIN"]
    assert left.get_yscale() == "log" and left.get_ylabel() and right.get_ylabel()
    lines = {line.get_label(): line.get_ydata() for line in left.get_lines()}
    mean = lines[f"mean of the last {window} (the mse)"]
    median = lines[f"median of the last {window}"]
    assert len(mean) == len(median) == len(errors) - window + 1
    # the mean over the last epoch's updates is the epoch's mse (the right panel's last point)
    assert mean[-1] == pytest.approx(result["scratch"]["losses"][-1], rel=1e-12)
    assert median[-1] == pytest.approx(np.median(errors[-window:]), rel=1e-12)
    (dots,) = left.collections  # every update, one faint dot each
    assert len(dots.get_offsets()) == len(errors) and dots.get_alpha() < 0.5
