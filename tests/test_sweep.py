"""autograd_mlp.sweep: the grid, the seeds, each run's own generator, the table, n_jobs, and the plot."""

import math

import numpy as np
import pytest

import autograd_mlp as am
from autograd_mlp import optim
from autograd_mlp.nn import init
from autograd_mlp.sweep import Run, SweepResult, sweep


def data():
    rng = np.random.default_rng(0)
    x = rng.uniform(-2, 2, size=(32, 1))
    return x, np.sin(1.5 * x)


X, Y = data()


def train(width=4, learning_rate=0.1, epochs=3):
    """A fresh model trained in mini-batches, with Dropout: initial weights, masks and shuffling all draw."""
    model = am.Sequential([am.Dense(width, input_dim=1, activation="tanh"), am.Dropout(0.1), am.Dense(1)])
    model.compile(optimizer=optim.SGD(learning_rate), loss="mse")
    return model.fit(X, Y, epochs=epochs, batch_size=8, verbose=0)


def test_every_point_of_the_grid_with_every_seed_in_order():
    seen = []

    def record(a, b):
        seen.append((a, b))
        return {"loss": [a + b]}

    result = sweep(record, {"a": [1, 2], "b": [10, 20, 30]}, seeds=[5, 6])
    points = [{"a": a, "b": b} for a in (1, 2) for b in (10, 20, 30)]  # the last name varies fastest
    assert result.points == points and result.seeds == [5, 6] and len(result) == 12
    assert [(run.params, run.seed) for run in result] == [(p, s) for p in points for s in (5, 6)]
    assert seen == [(p["a"], p["b"]) for p in points for _ in (5, 6)]
    assert isinstance(result[0], Run) and result[0].history == {"loss": [11.0]}
    listed = sweep(record, [{"a": 1, "b": 2}, {"a": 0, "b": 0}], seeds=3)
    assert listed.points == [{"a": 1, "b": 2}, {"a": 0, "b": 0}] and listed.seeds == [3]


def test_a_run_equals_seeding_then_training_and_leaves_the_global_generator_alone():
    init.set_seed(123)
    expected_next = np.random.default_rng(123).random()
    result = sweep(train, {"learning_rate": [0.05, 0.2]}, seeds=[0, 1])
    assert init.generator().random() == expected_next  # nothing reseeded or drew from the process's generator
    for run in result:
        init.set_seed(run.seed)
        assert run.history == {k: [float(v) for v in vals] for k, vals in train(**run.params).history.items()}
    # Another seed, other draws.
    assert result.runs_at({"learning_rate": 0.05})[0].history != result.runs_at({"learning_rate": 0.05})[1].history


def test_workers_give_the_same_table():
    pytest.importorskip("joblib")
    grid = {"width": [3, 5], "learning_rate": [0.05, 0.2]}
    alone = sweep(train, grid, seeds=[0, 1], n_jobs=1)
    spread = sweep(train, grid, seeds=[0, 1], n_jobs=2)
    assert [(r.params, r.seed, r.history) for r in spread] == [(r.params, r.seed, r.history) for r in alone]


def test_the_table():
    def fake(rate):
        # A made-up loss per epoch: lower for rate 0.1; rate 9 diverges.
        return {"loss": [1.0, 0.5 / (1 + 10 * rate)] if rate < 1 else [1.0, math.inf], "acc": [0.5, rate]}

    result = sweep(fake, {"rate": [0.01, 0.1, 9]}, seeds=[0, 1])
    assert result.keys() == ["loss", "acc"]
    final = result.final("loss")
    assert final.shape == (3, 2) and final[0, 0] == pytest.approx(0.5 / 1.1) and math.isinf(final[2, 0])
    assert result.best("loss") == {"rate": 0.1}  # the diverged point is passed over
    assert result.best("acc", mode="max") == {"rate": 9}
    records = result.to_records()
    assert records[0] == {"rate": 0.01, "seed": 0, "epochs": 2, "loss": pytest.approx(0.5 / 1.1), "acc": 0.01}
    text = str(result)
    assert "3 grid points x 2 seeds; final loss" in text and "rate=0.1: 0.25" in text
    assert repr(result) == "<SweepResult: 3 grid points x 2 seeds, 6 runs>"
    with pytest.raises(ValueError, match="no 'val_loss'.*'loss', 'acc'"):
        result.final("val_loss")
    with pytest.raises(ValueError, match="mode"):
        result.best("loss", mode="lowest")
    with pytest.raises(ValueError, match="every one diverged"):
        SweepResult([Run({}, 0, {"loss": [math.nan]})]).best()


@pytest.mark.parametrize("args, error, message", [
    (("not callable", {"a": [1]}), TypeError, "train must be a function"),
    ((train, {"width": 4}), TypeError, r"grid\['width'\] must be a list"),
    ((train, {"width": "48"}), TypeError, r"grid\['width'\] must be a list"),
    ((train, {"width": []}), ValueError, "is empty"),
    ((train, {1: [2]}), TypeError, "keyword argument names"),
    ((train, []), TypeError, "dict of value lists"),
    ((train, {"width": [4]}, []), ValueError, "seeds is empty"),
    ((train, {"width": [4]}, [0, 0]), ValueError, "repeated"),
    ((train, {"width": [4]}, [-1]), ValueError, "non-negative"),
    ((train, {"width": [4]}, [0], 0), ValueError, "n_jobs"),
])
def test_bad_arguments_are_refused_before_any_run(args, error, message):
    calls = []

    def counted(**params):
        calls.append(params)
        return train(**params)

    fn = counted if callable(args[0]) else args[0]
    with pytest.raises(error, match=message):
        sweep(fn, *args[1:])
    assert calls == []


def test_train_must_return_a_history():
    with pytest.raises(TypeError, match="must return a History"):
        sweep(lambda: None, {}, seeds=[0])
    with pytest.raises(TypeError, match="list of numbers"):
        sweep(lambda: {"loss": ["a"]}, {}, seeds=[0])


def test_plot_sweep(tmp_path):
    pytest.importorskip("matplotlib")
    from autograd_mlp.viz import plot_sweep

    def fake(rate):
        return {"loss": [1.0, 1.0 - rate] if rate < 0.5 else [1.0, 0.2, 0.1]}

    result = sweep(fake, {"rate": [0.1, 0.3, 0.9]}, seeds=[0, 1])
    path = tmp_path / "sweep.png"
    fig = plot_sweep(result, "loss", to_file=str(path))
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.get_lines()] == ["rate=0.1", "rate=0.3", "rate=0.9"]
    np.testing.assert_array_equal(ax.get_lines()[2].get_ydata(), [1.0, 0.2, 0.1])  # runs of other lengths
    assert path.read_bytes().startswith(b"\x89PNG")
    with pytest.raises(ValueError, match="no 'val_loss'"):
        plot_sweep(result, "val_loss")
    with pytest.raises(TypeError, match="result of sweep"):
        plot_sweep({"loss": [1.0]})
