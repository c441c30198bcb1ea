"""The explanation plots: what they draw, how they save, and what they refuse."""

import os
import sys

import numpy as np
import pytest

import autograd_mlp as am
from autograd_mlp.explain import Explanation, plot_importance, plot_summary, plot_waterfall

pytest.importorskip("matplotlib")
from matplotlib.figure import Figure  # noqa: E402

PLOTS = [plot_importance, plot_summary, plot_waterfall]


def labels_top_down(ax):
    """The y tick labels from the top of the axes to the bottom."""
    pairs = zip(ax.get_yticks(), [t.get_text() for t in ax.get_yticklabels()])
    return [label for _, label in sorted(pairs, key=lambda pair: -pair[0])]


def explanation(outputs=None, n=30, m=4, method="exact_shapley", seed=0):
    rng = np.random.default_rng(seed)
    shape = (n, m) if outputs is None else (n, m, outputs)
    scale = np.arange(1, m + 1)[::-1].astype(float)  # feature 0 the most important
    values = rng.normal(size=shape) * (scale[:, None] if outputs else scale)
    per_row = (n,) if outputs is None else (n, outputs)
    base = np.full(per_row, 0.5)
    return Explanation(values, base, rng.normal(size=(n, m)), [f"f{i}" for i in range(m)], method,
                       output_values=base + values.sum(axis=1))


def test_importance_bars_are_mean_abs_sorted_from_the_top():
    e = explanation(m=5)
    fig = plot_importance(e)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert labels_top_down(ax) == e.ranking()
    bars = sorted(ax.patches, key=lambda p: -p.get_y())
    np.testing.assert_allclose([b.get_width() for b in bars], np.sort(e.mean_abs())[::-1])


def test_importance_stacks_outputs_and_folds_the_rest():
    e = explanation(outputs=3, m=6)
    ax = plot_importance(e, max_display=4).axes[0]
    labels = labels_top_down(ax)
    assert labels[-1] == "sum of 3 other features" and len(labels) == 4
    assert labels[:3] == e.ranking()[:3]
    assert len(ax.patches) == 4 * 3
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["output 0", "output 1", "output 2"]


def test_summary_places_each_row_at_its_value_and_has_a_colour_bar():
    e = explanation(m=3)
    fig = plot_summary(e)
    ax, bar = fig.axes[0], fig.axes[1]
    positions = [c.get_offsets()[:, 0] for c in ax.collections]
    order = [int(name[1:]) for name in e.ranking()]
    for points, i in zip(positions, order):
        np.testing.assert_allclose(points, e.values[:, i])
    ys = np.concatenate([c.get_offsets()[:, 1] for c in ax.collections])
    assert np.ptp(ys) > 2  # rows spread apart and jittered within
    assert [t.get_text() for t in bar.get_yticklabels()] == ["Low", "High"]


def test_summary_needs_one_output():
    e = explanation(outputs=2)
    with pytest.raises(ValueError, match=r"2.*expl\[:, k\]"):
        plot_summary(e)
    assert isinstance(plot_summary(e[:, 1]), Figure)
    assert isinstance(plot_summary(explanation(outputs=1)), Figure)


def test_waterfall_climbs_from_base_to_output():
    e = explanation(m=6)
    ax = plot_waterfall(e, index=2, max_display=4).axes[0]
    bars = sorted(ax.patches, key=lambda p: p.get_y())  # bottom first
    starts, steps = np.array([b.get_x() for b in bars]), np.array([b.get_width() for b in bars])
    assert len(bars) == 4
    # Each bar starts where the previous one ended: from the base value up to f(x).
    np.testing.assert_allclose(starts[0], e.base_values[2])
    np.testing.assert_allclose(starts[1:], starts[:-1] + steps[:-1])
    np.testing.assert_allclose(starts[-1] + steps[-1], e.output_values[2])
    assert abs(steps[-1]) == pytest.approx(np.abs(e.values[2]).max())
    assert labels_top_down(ax)[-1] == "3 other features"
    assert labels_top_down(ax)[0].startswith(e.feature_names[int(np.argmax(np.abs(e.values[2])))] + " = ")


def test_waterfall_output_and_errors():
    e = explanation(outputs=2)
    assert isinstance(plot_waterfall(e, index=-1, output=1), Figure)
    with pytest.raises(ValueError, match="expl\\[:, k\\]"):
        plot_waterfall(e)
    with pytest.raises(ValueError, match=r"index as a whole number in \[-30, 29\]; got 30"):
        plot_waterfall(e, index=30, output=0)
    with pytest.raises(TypeError, match="index as a whole number"):
        plot_waterfall(e, index=1.0, output=0)
    with pytest.raises(ValueError, match="single output"):
        plot_waterfall(explanation(), output=0)
    saliency_like = Explanation(np.ones((2, 3)), None, np.zeros((2, 3)), ["a", "b", "c"], "saliency")
    with pytest.raises(ValueError, match="no base value"):
        plot_waterfall(saliency_like)


@pytest.mark.parametrize("plot", PLOTS)
def test_to_file_writes_atomically(plot, tmp_path):
    e = explanation(n=10, m=3)
    target = tmp_path / "picture.png"
    target.write_bytes(b"old")
    fig = plot(e, to_file=target)
    assert isinstance(fig, Figure)
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert sorted(os.listdir(tmp_path)) == ["picture.png"]  # no temporary file left


def test_format_follows_the_extension(tmp_path):
    svg = tmp_path / "picture.svg"
    plot_importance(explanation(m=2, n=3), to_file=str(svg))
    assert b"<svg" in svg.read_bytes()[:400]


def test_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "picture.png"
    target.write_bytes(b"old")

    def broken(self, *args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Figure, "savefig", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        plot_importance(explanation(), to_file=target)
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["picture.png"]


@pytest.mark.parametrize("plot", PLOTS)
def test_bad_arguments(plot, tmp_path):
    e = explanation()
    with pytest.raises(ValueError, match=r"\.png.*picture\.xyz"):
        plot(e, to_file=tmp_path / "picture.xyz")
    with pytest.raises(ValueError, match="folder"):
        plot(e, to_file=tmp_path / "missing" / "picture.png")
    with pytest.raises(TypeError, match="expected an Explanation, got ndarray"):
        plot(e.values)
    with pytest.raises(ValueError, match="max_display as a whole number ≥ 1; got 0"):
        plot(e, max_display=0)


def test_missing_matplotlib_says_how_to_install(monkeypatch):
    for name in ["matplotlib", "matplotlib.figure", "matplotlib.colors", "matplotlib.cm"]:
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(ImportError, match=r"pip install autograd_mlp\[plot\]"):
        plot_importance(explanation())


def test_plots_of_a_real_model_explanation():
    rng = np.random.default_rng(1)
    model = am.Sequential([am.Dense(5, input_dim=3, activation="tanh"), am.Dense(1, activation="sigmoid")])
    model.set_weights([rng.normal(size=w.shape) for w in model.get_weights()])
    from autograd_mlp.explain import shapley_values

    e = shapley_values(model, rng.normal(size=(20, 3)), rng.normal(size=(5, 3)), feature_names=["a", "b", "c"])
    for plot in PLOTS:
        assert len(plot(e).axes[0].get_yticklabels()) == 3


def test_waterfall_labels_write_whole_values_in_full():
    e = explanation(n=2, m=3)
    e = Explanation(e.values, e.base_values, np.array([[62490.0, 60.7, 1.33812], [0.0, -3.0, 123456.789]]),
                    ["income", "age", "z"], e.method, output_values=e.output_values)
    labels = set(labels_top_down(plot_waterfall(e, index=0).axes[0]))
    assert labels == {"income = 62490", "age = 60.7", "z = 1.338"}
    labels = set(labels_top_down(plot_waterfall(e, index=1).axes[0]))
    assert labels == {"income = 0", "age = -3", "z = 123457"}
