"""Matplotlib plots, headless: training history, decision boundary, learning rates compared."""

from __future__ import annotations

import math
import sys
import xml.etree.ElementTree as ET

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from matplotlib.colors import to_hex  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from autograd_mlp import Dense, Dropout, Sequential  # noqa: E402
from autograd_mlp.viz.plots import compare_learning_rates, plot_decision_boundary, plot_history  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

HISTORY = {
    "loss": [0.9, 0.6, 0.4, 0.3],
    "val_loss": [1.0, 0.7, 0.5, 0.45],
    "binary_accuracy": [0.5, 0.7, 0.8, 0.9],
    "val_binary_accuracy": [0.5, 0.6, 0.75, 0.8],
}


class FakeHistory:
    """What fit() returns, as far as plotting is concerned: an object with a .history dict."""

    def __init__(self, history):
        self.history = history


def lines_of(ax):
    return {line.get_label(): list(line.get_ydata()) for line in ax.get_lines()}


# ------------------------------------------------------------------ history
def test_history_one_subplot_per_quantity_training_and_validation_together(tmp_path):
    path = tmp_path / "history.png"
    fig = plot_history(FakeHistory(HISTORY), to_file=str(path))
    assert isinstance(fig, Figure)
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in axes] == ["loss", "binary_accuracy"]
    assert lines_of(axes[0]) == {"training": HISTORY["loss"], "validation": HISTORY["val_loss"]}
    assert list(axes[0].get_lines()[0].get_xdata()) == [1, 2, 3, 4]  # epochs count from 1
    assert path.read_bytes().startswith(PNG_SIGNATURE)


def test_history_returned_by_fit():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 2))
    y = (x.sum(axis=1) > 0).astype(float)
    model = Sequential([Dense(3, input_dim=2, activation="tanh"), Dense(1, activation="sigmoid")])
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["binary_accuracy"])
    history = model.fit(x, y, epochs=3, validation_split=0.25, verbose=0)
    fig = plot_history(history)
    assert [ax.get_title() for ax in fig.axes] == ["loss", "binary_accuracy"]
    assert lines_of(fig.axes[0])["validation"] == history.history["val_loss"]


def test_history_epoch_numbers_are_used_when_known():
    history = FakeHistory({"loss": [0.5, 0.4]})
    history.epoch = [5, 6]  # training resumed at initial_epoch=5
    fig = plot_history(history)
    assert list(fig.axes[0].get_lines()[0].get_xdata()) == [6, 7]


def test_history_from_a_dict_and_chosen_keys(tmp_path):
    path = tmp_path / "loss.svg"
    fig = plot_history(HISTORY, keys=["val_loss"], to_file=str(path))
    assert [ax.get_title() for ax in fig.axes] == ["loss"]
    assert ET.parse(path).getroot().tag.endswith("svg")
    fig = plot_history({"loss": [3.0, 2.0]})
    assert lines_of(fig.axes[0]) == {"training": [3.0, 2.0]}


def test_history_bad_input():
    with pytest.raises(ValueError, match="no 'accuracy'.*binary_accuracy"):
        plot_history(HISTORY, keys="accuracy")
    with pytest.raises(ValueError, match="empty"):
        plot_history({})
    with pytest.raises(TypeError, match="History or a dict"):
        plot_history([0.5, 0.4])
    with pytest.raises(TypeError, match="list of numbers"):
        plot_history({"loss": ["a", "b"]})
    with pytest.raises(ValueError, match=r"\.png, \.svg, \.pdf"):
        plot_history(HISTORY, to_file="history.bmp")


def test_missing_matplotlib_says_which_extra_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)  # makes the import fail
    with pytest.raises(ImportError, match=r"pip install autograd_mlp\[plot\]"):
        plot_history(HISTORY)


def test_no_pyplot_and_no_window():
    if "matplotlib.pyplot" in sys.modules:
        pytest.skip("another test imported pyplot already")
    plot_history(HISTORY)
    plot_decision_boundary(true_rule, *course_points(10), resolution=5)
    assert "matplotlib.pyplot" not in sys.modules  # figures made without pyplot never open a window


# -------------------------------------------------------- decision boundary
def course_points(n=80, seed=0):
    """The course's perceptron data: points in [0, 100]², class 1 when x + y >= 100."""
    rng = np.random.default_rng(seed)
    points = rng.uniform(0, 100, size=(n, 2))
    return points, (points.sum(axis=1) >= 100).astype(float)


def true_rule(p):
    """A perfect 'model' of the course's rule: a steep sigmoid of x + y - 100."""
    return 1.0 / (1.0 + np.exp(-(np.asarray(p).sum(axis=1) - 100.0) / 5.0))


def test_decision_boundary_red_and_green_points_and_the_boundary(tmp_path):
    points, labels = course_points()
    path = tmp_path / "boundary.png"
    fig = plot_decision_boundary(true_rule, points, labels, to_file=str(path), resolution=40)
    ax = fig.axes[0]
    scatters = {c.get_label(): c for c in ax.collections if c.get_label().startswith("class")}
    assert to_hex(scatters["class 0"].get_facecolor()[0]) == "#d62728"  # red
    assert to_hex(scatters["class 1"].get_facecolor()[0]) == "#2ca02c"  # green
    assert len(scatters["class 0"].get_offsets()) == int((labels == 0).sum())
    # the 0.5 contour of the rule is the line x + y = 100
    boundary = [c for c in ax.collections if not c.get_label().startswith("class")][-1]
    vertices = np.concatenate([p.vertices for p in boundary.get_paths()])
    assert np.allclose(vertices.sum(axis=1), 100.0, atol=2.0)
    assert path.read_bytes().startswith(PNG_SIGNATURE)


def test_decision_boundary_with_a_model_leaves_its_mode_alone():
    points, labels = course_points()
    model = Sequential([Dense(4, input_dim=2, activation="tanh"), Dropout(0.5), Dense(1, activation="sigmoid")])
    model.train()
    plot_decision_boundary(model, (points - 50) / 30, labels, resolution=20)
    assert model.training and all(layer.training for layer in model.layers)
    assert all(p.grad is None for p in model.parameters())


def test_decision_boundary_several_classes_and_one_hot_labels():
    points = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    one_hot = np.eye(3)[[0, 1, 2, 1]]
    scores = lambda p: np.column_stack([-p[:, 0] - p[:, 1], p[:, 0] - p[:, 1], p[:, 1] - p[:, 0]])  # noqa: E731
    fig = plot_decision_boundary(scores, points, one_hot, resolution=10)
    labels = sorted(c.get_label() for c in fig.axes[0].collections if c.get_label().startswith("class"))
    assert labels == ["class 0", "class 1", "class 2"]


@pytest.mark.parametrize("x, y, error, match", [
    (np.zeros((5, 3)), np.zeros(5), ValueError, r"shape \(n, 2\)"),
    (np.zeros((5, 2)), np.zeros(4), ValueError, "one label per point"),
    (np.zeros((5, 2)), np.full(5, 0.5), ValueError, "class labels"),
])
def test_decision_boundary_bad_data(x, y, error, match):
    with pytest.raises(error, match=match):
        plot_decision_boundary(true_rule, x, y)


def test_decision_boundary_bad_arguments():
    points, labels = course_points(10)
    with pytest.raises(TypeError, match="callable"):
        plot_decision_boundary("model", points, labels)
    with pytest.raises(ValueError, match="resolution"):
        plot_decision_boundary(true_rule, points, labels, resolution=1)


# ---------------------------------------------------------- learning rates
def regression_data():
    rng = np.random.default_rng(0)
    x = rng.uniform(-2, 2, size=(32, 1))
    return x, np.sin(1.5 * x)


def small_model():
    return Sequential([Dense(6, input_dim=1, activation="tanh"), Dense(1)])


def test_learning_rates_compared_from_the_same_start(tmp_path):
    x, y = regression_data()
    path = tmp_path / "rates.png"
    curves, fig = compare_learning_rates(small_model, x, y, [0.01, 0.2], epochs=15, to_file=str(path))
    assert list(curves) == [0.01, 0.2] and all(len(c) == 15 for c in curves.values())
    # full batch: epoch 1 reports the loss before any step, identical for every rate (same seed)
    assert curves[0.01][0] == curves[0.2][0]
    assert curves[0.2][-1] < curves[0.01][-1] < curves[0.01][0]  # faster with the larger rate
    assert [line.get_label() for line in fig.axes[0].get_lines()] == ["λ = 0.01", "λ = 0.2"]
    assert path.read_bytes().startswith(PNG_SIGNATURE)


def test_learning_rates_divergence_is_cut_and_labelled():
    x, y = regression_data()
    curves, fig = compare_learning_rates(small_model, x, y, [0.1, 5.0], epochs=30)
    diverged = curves[5.0]
    assert len(diverged) == 30 and math.isnan(diverged[-1])
    assert "λ = 5 (diverged)" in [line.get_label() for line in fig.axes[0].get_lines()]
    assert all(math.isfinite(v) for v in curves[0.1])


def test_learning_rates_in_mini_batches_with_another_optimizer_are_reproducible():
    x, y = regression_data()
    kwargs = dict(epochs=4, batch_size=8, optimizer="adam", seed=3)
    first, _ = compare_learning_rates(small_model, x, y, [0.01], **kwargs)
    second, _ = compare_learning_rates(small_model, x, y, [0.01], **kwargs)
    assert first == second


@pytest.mark.parametrize("kwargs, error", [
    ({"learning_rates": []}, ValueError),
    ({"learning_rates": [0.1, -1.0]}, ValueError),
    ({"learning_rates": [0.1, 0.1]}, ValueError),
    ({"learning_rates": [0.1], "epochs": 0}, ValueError),
    ({"learning_rates": [0.1], "batch_size": 0}, ValueError),
    ({"learning_rates": [0.1], "optimizer": "lbfgs"}, ValueError),
    ({"learning_rates": [0.1], "loss": "nope"}, ValueError),
    ({"learning_rates": [0.1], "to_file": "rates.gif"}, ValueError),
])
def test_learning_rates_bad_arguments(kwargs, error):
    x, y = regression_data()
    calls = []

    def make_model():
        calls.append(1)
        return small_model()

    with pytest.raises(error):
        compare_learning_rates(make_model, x, y, **kwargs)
    assert calls == []  # refused before any training


def test_learning_rates_make_model_must_return_a_module():
    x, y = regression_data()
    with pytest.raises(TypeError, match="Module"):
        compare_learning_rates(lambda: "model", x, y, [0.1], epochs=1)


def test_learning_rates_on_workers_give_the_same_curves_and_leave_the_global_generator_alone():
    pytest.importorskip("joblib")
    from autograd_mlp.nn import init

    x, y = regression_data()
    kwargs = dict(epochs=4, batch_size=8, seed=3)
    init.set_seed(11)
    expected_next = np.random.default_rng(11).random()
    alone, _ = compare_learning_rates(small_model, x, y, [0.01, 0.1, 0.3], n_jobs=1, **kwargs)
    assert init.generator().random() == expected_next  # the runs drew from generators of their own
    spread, _ = compare_learning_rates(small_model, x, y, [0.01, 0.1, 0.3], n_jobs=2, **kwargs)
    assert spread == alone
    with pytest.raises(ValueError, match="n_jobs"):
        compare_learning_rates(small_model, x, y, [0.1], n_jobs=0)
