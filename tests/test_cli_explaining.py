"""``explain``: the ranking, the CSV of mean |value| per feature, and the plots.

A linear model has known attributions: for f(z) = w·z + c on inputs
z = (x − m) / s, every method here gives φ_i = w_i (z_i − z̄_i) with z̄ the
background mean, so with every row as background mean |φ_i| =
|w_i| / s_i · mean |x_i − x̄_i|, whichever input scaling the model used.
"""

import os

import numpy as np
import pytest

from autograd_mlp import Dense, Sequential
from autograd_mlp.cli import explaining
from autograd_mlp.cli.modelinfo import ModelInfo, save
from autograd_mlp.data import Standardizer
from cli_support import run, write_csv

WEIGHTS = np.array([0.5, -3.0, 1.0])


@pytest.fixture(scope="module")
def linear(tmp_path_factory):
    folder = tmp_path_factory.mktemp("explain")
    rng = np.random.default_rng(5)
    x = rng.normal(loc=[1.0, -2.0, 10.0], scale=[1.0, 0.5, 4.0], size=(30, 3))
    model = Sequential([Dense(1, input_dim=3, activation="linear")])
    model.set_weights([WEIGHTS.reshape(3, 1), np.array([0.7])])
    model.compile(loss="mse", optimizer="sgd")
    scaler = Standardizer().fit(x)
    save(model, ModelInfo(["p", "q", "r"], "t", "regression", None, scaler), str(folder / "lin.keras"))
    data = write_csv(folder / "d.csv", ["r", "p", "q", "t"], np.column_stack([x[:, [2, 0, 1]], np.zeros(30)]))
    expected = np.abs(WEIGHTS) / scaler.std * np.abs(x - x.mean(axis=0)).mean(axis=0)
    return folder, data, expected


@pytest.mark.parametrize("method", ["shapley", "permutation", "integrated_gradients"])
def test_linear_model_attributions(linear, tmp_path, capsys, monkeypatch, method):
    folder, data, expected = linear
    plots = method == "shapley"  # each figure takes a while; drawing them once is enough
    if not plots:
        monkeypatch.setattr(explaining, "matplotlib_available", lambda: False)
    out = tmp_path / "out"
    status, stdout, err = run(capsys, "explain", folder / "lin.keras", data, "--out", out, "--method", method,
                              "--background", "30", "--rows", "30")
    assert status == 0, err
    # The feature column holds names, which read_table refuses: read the CSV line by line.
    lines = (out / "importance.csv").read_text().splitlines()
    assert lines[0] == "rank,feature,mean_abs_value"
    ranked = [line.split(",") for line in lines[1:]]
    order = np.argsort(-expected)
    assert [row[1] for row in ranked] == [["p", "q", "r"][i] for i in order]
    assert [int(row[0]) for row in ranked] == [1, 2, 3]
    np.testing.assert_allclose([float(row[2]) for row in ranked], expected[order], rtol=1e-9)
    names = [line.split()[1] for line in stdout.splitlines() if line.strip()[:2] in ("1.", "2.", "3.")]
    assert names == [row[1] for row in ranked]
    if plots:
        assert sorted(os.listdir(out)) == ["importance.csv", "importance.png", "summary.png", "waterfall.png"]
        assert (out / "summary.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    else:
        assert os.listdir(out) == ["importance.csv"]


def test_without_matplotlib_only_the_table(linear, tmp_path, capsys, monkeypatch):
    folder, data, _ = linear
    monkeypatch.setattr(explaining, "matplotlib_available", lambda: False)
    status, stdout, _ = run(capsys, "explain", folder / "lin.keras", data, "--out", tmp_path / "o", "--rows", "5")
    assert status == 0
    assert "skipped the plots: matplotlib is not installed" in stdout
    assert os.listdir(tmp_path / "o") == ["importance.csv"]


def test_rows_and_background_are_sampled(linear, tmp_path, capsys, monkeypatch):
    folder, data, _ = linear
    monkeypatch.setattr(explaining, "matplotlib_available", lambda: False)
    status, stdout, _ = run(capsys, "explain", folder / "lin.keras", data, "--out", tmp_path / "o",
                            "--rows", "4", "--background", "7")
    assert status == 0
    assert "exact_shapley for 4 rows of" in stdout and "(background: 7 rows)" in stdout


def test_out_must_not_be_a_file(linear, tmp_path, capsys):
    folder, data, _ = linear
    (tmp_path / "o").write_text("")
    status, _, err = run(capsys, "explain", folder / "lin.keras", data, "--out", tmp_path / "o", "--rows", "3")
    assert status == 1 and "is a file; expected a folder" in err


def test_multiclass_has_a_column_and_a_summary_per_class(tmp_path, capsys):
    model = Sequential([Dense(3, input_dim=2, activation="softmax")])
    model.set_weights([np.array([[2.0, 0.0, -2.0], [0.0, 0.1, 0.0]]), np.zeros(3)])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd")
    save(model, ModelInfo(["u", "v"], "k", "multiclass", [1, 4, 6], None), str(tmp_path / "m"))
    rng = np.random.default_rng(0)
    data = write_csv(tmp_path / "d.csv", ["u", "v"], rng.normal(size=(12, 2)))
    status, stdout, err = run(capsys, "explain", tmp_path / "m", data, "--out", tmp_path / "o")
    assert status == 0, err
    lines = (tmp_path / "o" / "importance.csv").read_text().splitlines()
    assert lines[0] == "rank,feature,mean_abs_value,mean_abs_value_1,mean_abs_value_4,mean_abs_value_6"
    assert lines[1].split(",")[1] == "u"
    row = [float(v) for v in lines[1].split(",")[2:]]
    assert row[0] == pytest.approx(np.mean(row[1:]))
    assert sorted(os.listdir(tmp_path / "o")) == ["importance.csv", "importance.png", "summary_1.png",
                                                   "summary_4.png", "summary_6.png", "waterfall.png"]


def test_many_features_fall_back_to_sampling(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(explaining, "matplotlib_available", lambda: False)
    monkeypatch.setattr(explaining, "PERMUTATIONS", 4)
    m = 13
    model = Sequential([Dense(1, input_dim=m, activation="sigmoid")])
    model.compile(loss="binary_crossentropy", optimizer="sgd")
    names = [f"f{i}" for i in range(m)]
    save(model, ModelInfo(names, "y", "binary", [0, 1], None), str(tmp_path / "m"))
    data = write_csv(tmp_path / "d.csv", names, np.random.default_rng(1).normal(size=(4, m)))
    status, stdout, err = run(capsys, "explain", tmp_path / "m", data, "--out", tmp_path / "o", "--rows", "2",
                              "--background", "3")
    assert status == 0, err
    assert "13 features are too many" in stdout and "permutation_shapley for 2 rows" in stdout
    assert len((tmp_path / "o" / "importance.csv").read_text().splitlines()) == m + 1


def test_waterfall_names_its_line_and_shows_the_files_values(linear, tmp_path, capsys, monkeypatch):
    pytest.importorskip("matplotlib")
    from autograd_mlp import explain
    from autograd_mlp.cli.csvdata import read_table

    folder, data, _ = linear
    drawn = []
    original = explain.plot_waterfall

    def spy(expl, *args, **kwargs):
        figure = original(expl, *args, **kwargs)
        ax = figure.axes[0]
        drawn.append((ax.get_title(), [t.get_text() for t in ax.get_yticklabels()]))
        return figure

    monkeypatch.setattr(explain, "plot_waterfall", spy)
    status, _, err = run(capsys, "explain", folder / "lin.keras", data, "--out", tmp_path / "o", "--rows", "4",
                         "--seed", "3")
    assert status == 0, err
    ((title, labels),) = drawn
    # The row explained first is one of the four drawn at random; its title gives its line in the file.
    assert title.startswith("d.csv, line ") and title.endswith(": exact_shapley")
    line = int(title.split("line ")[1].split(":")[0])
    table = read_table(data)
    row = table.values[table.lines.index(line)]
    assert line != 2  # seed 3 does not draw the first row: "Row 0" would have been wrong
    # The labels show the CSV's values (the model read standardized ones).
    for name in ("p", "q", "r"):
        value = row[table.columns.index(name)]
        assert f"{name} = {value:.4g}" in labels
