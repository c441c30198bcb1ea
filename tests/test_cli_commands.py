"""train, evaluate, predict, summary and draw end to end, through ``main`` in-process.

The checks go past "it ran": the standardization saved next to the model is
the training rows' own, predictions equal the network's outputs on the
standardized columns (in whatever order the file lists them), evaluate's
loss is the model's, and a seeded run is reproducible to the byte.
"""

import json
import os

import numpy as np
import pytest

from autograd_mlp import Dense, Sequential
from autograd_mlp.cli.csvdata import read_table
from autograd_mlp.models import load_model, save_model
from autograd_mlp.viz.rendering import dot_available
from cli_support import binary_rows, run, write_csv

needs_dot = pytest.mark.skipif(not dot_available(), reason="Graphviz's dot program is not installed")


def _train(capsys, data, out, *options):
    status, stdout, err = run(capsys, "train", data, "--out", out, "--epochs", "3", "--verbose", "0",
                              "--seed", "1", *options)
    assert status == 0, err
    assert err == ""
    return stdout


@pytest.fixture(scope="module")
def binary(tmp_path_factory):
    folder = tmp_path_factory.mktemp("binary")
    rows = binary_rows(60)
    data = write_csv(folder / "data.csv", ["a", "b", "y"], rows, bom=True, trailing_blank_lines=2)
    return folder, data, rows


def test_train_standardized_binary(binary, tmp_path, capsys):
    _, data, rows = binary
    out = tmp_path / "m.keras"
    stdout = _train(capsys, data, out, "--target", "y", "--standardize", "--validation-split", "0", "--layers", "5")
    assert "60 rows, 2 features; target 'y': binary with classes [0, 1]" in stdout
    assert "2 inputs -> 5 relu -> 1 sigmoid; loss binary_crossentropy; optimizer adam; inputs standardized" in stdout
    assert "after 3 epochs: loss" in stdout and "accuracy" in stdout
    assert sorted(os.listdir(tmp_path)) == ["m.keras", "m.keras.json"]
    info = json.loads((tmp_path / "m.keras.json").read_text())
    assert info["features"] == ["a", "b"] and info["target"] == "y"
    assert info["task"] == "binary" and info["classes"] == [0, 1]
    np.testing.assert_allclose(info["standardizer"]["mean"], rows[:, :2].mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(info["standardizer"]["std"], rows[:, :2].std(axis=0), rtol=1e-12)
    model = load_model(str(out))
    assert [layer.units for layer in model.layers] == [5, 1]
    assert model.get_compile_config()["metrics"] == ["accuracy"]


def test_progress_bar_by_default(binary, tmp_path, capsys):
    _, data, _ = binary
    status, stdout, _ = run(capsys, "train", data, "--target", "y", "--out", tmp_path / "m", "--epochs", "2")
    assert status == 0
    assert "Epoch 1/2" in stdout and "Epoch 2/2" in stdout


def test_same_seed_same_model_bytes(binary, tmp_path, capsys):
    _, data, _ = binary
    for name in ("one", "two"):
        _train(capsys, data, tmp_path / name, "--target", "y", "--standardize")
    assert (tmp_path / "one").read_bytes() == (tmp_path / "two").read_bytes()


def test_predict_applies_the_saved_standardization(binary, tmp_path, capsys):
    _, data, rows = binary
    out = tmp_path / "m.keras"
    _train(capsys, data, out, "--target", "y", "--standardize", "--layers", "4")
    model = load_model(str(out))
    info = json.loads((tmp_path / "m.keras.json").read_text())
    x = rows[:, :2]
    expected = model.predict((x - info["standardizer"]["mean"]) / np.array(info["standardizer"]["std"]))

    # Columns in another order, without the target: the same predictions.
    shuffled = write_csv(tmp_path / "new.csv", ["b", "a"], x[:, ::-1])
    status, stdout, _ = run(capsys, "predict", out, shuffled)
    assert status == 0
    lines = stdout.splitlines()
    # The input columns as the file has them, then the predictions.
    assert lines[0] == "b,a,probability_1,y"
    got = np.array([[float(v) for v in line.split(",")] for line in lines[1:]])
    np.testing.assert_array_equal(got[:, :2], x[:, ::-1])
    np.testing.assert_array_equal(got[:, 2], expected[:, 0])
    np.testing.assert_array_equal(got[:, 3], (expected[:, 0] > 0.5).astype(float))

    # --out writes the same predictions atomically; the target column of the file is not an input.
    status, stdout, _ = run(capsys, "predict", out, data, "--out", tmp_path / "p.csv")
    assert status == 0 and "wrote 60 predictions" in stdout
    written = read_table(tmp_path / "p.csv")
    assert written.columns == ["a", "b", "probability_1", "y"]
    np.testing.assert_array_equal(written.values[:, 2:], got[:, 2:])

    # --predictions-only leaves the inputs out.
    status, stdout, _ = run(capsys, "predict", out, shuffled, "--predictions-only")
    assert stdout.splitlines()[0] == "probability_1,y"
    np.testing.assert_array_equal(np.array([[float(v) for v in line.split(",")] for line in stdout.splitlines()[1:]]),
                                  got[:, 2:])


def test_evaluate_reports_the_models_own_loss(binary, tmp_path, capsys):
    _, data, rows = binary
    out = tmp_path / "m.keras"
    _train(capsys, data, out, "--target", "y", "--standardize", "--layers", "4")
    model = load_model(str(out))
    info = json.loads((tmp_path / "m.keras.json").read_text())
    x = (rows[:, :2] - info["standardizer"]["mean"]) / np.array(info["standardizer"]["std"])
    loss, accuracy = model.evaluate(x, rows[:, 2:])
    status, stdout, _ = run(capsys, "evaluate", out, data)
    assert status == 0
    assert f"loss: {loss:.4f}" in stdout and f"accuracy: {accuracy:.4f}" in stdout
    counts = [int(v) for line in stdout.splitlines() if line.startswith("true ") for v in line.split()[2:]]
    assert sum(counts) == 60
    assert counts[0] + counts[3] == round(accuracy * 60)


def test_multiclass_labels_keep_their_values(tmp_path, capsys):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(45, 2))
    labels = np.array([3, 5, 9])[(x[:, 0] > -0.4).astype(int) + (x[:, 0] > 0.4).astype(int)]
    data = write_csv(tmp_path / "d.csv", ["u", "v", "kind"], np.column_stack([x, labels]))
    stdout = _train(capsys, data, tmp_path / "m", "--target", "kind", "--layers", "6")
    assert "multiclass with classes [3, 5, 9]" in stdout and "3 softmax" in stdout
    assert "sparse_categorical_crossentropy" in stdout
    status, stdout, _ = run(capsys, "predict", tmp_path / "m", data)
    lines = stdout.splitlines()
    assert lines[0] == "u,v,probability_3,probability_5,probability_9,kind"
    predicted = {int(line.split(",")[-1]) for line in lines[1:]}
    assert predicted <= {3, 5, 9}
    probabilities = np.array([[float(v) for v in line.split(",")[2:5]] for line in lines[1:]])
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
    status, stdout, _ = run(capsys, "evaluate", tmp_path / "m", data)
    assert status == 0 and "pred 9" in stdout and "true 3" in stdout


def test_multiclass_with_categorical_crossentropy_uses_one_hot_targets(tmp_path, capsys):
    data = write_csv(tmp_path / "d.csv", ["u", "k"], [[0.1, 0], [0.9, 1], [2.0, 2]] * 4)
    stdout = _train(capsys, data, tmp_path / "m", "--target", "k", "--loss", "categorical_crossentropy")
    assert "loss categorical_crossentropy" in stdout
    status, stdout, err = run(capsys, "evaluate", tmp_path / "m", data)
    assert status == 0, err


def test_regression_with_a_perceptron(tmp_path, capsys):
    rng = np.random.default_rng(4)
    x = rng.normal(size=(30, 2))
    data = write_csv(tmp_path / "d.csv", ["p", "q", "price"], np.column_stack([x, 2 * x[:, 0] + 0.25]))
    stdout = _train(capsys, data, tmp_path / "m", "--target", "price", "--layers", "none", "--optimizer", "sgd",
                    "--learning-rate", "0.05")
    assert "target 'price': regression" in stdout and "2 inputs -> 1 linear" in stdout and "mae" in stdout
    status, stdout, _ = run(capsys, "predict", tmp_path / "m", data)
    assert stdout.splitlines()[0] == "p,q,price" and len(stdout.splitlines()) == 31
    status, stdout, _ = run(capsys, "evaluate", tmp_path / "m", data)
    assert "mae:" in stdout and "confusion" not in stdout


def test_summary_shows_layers_settings_and_columns(binary, tmp_path, capsys):
    _, data, _ = binary
    _train(capsys, data, tmp_path / "m", "--target", "y", "--standardize", "--layers", "3",
           "--optimizer", "sgd", "--learning-rate", "0.2")
    status, stdout, _ = run(capsys, "summary", tmp_path / "m")
    assert status == 0
    assert "hidden_1 (Dense)" in stdout and "Total params: 13" in stdout
    assert "loss: binary_crossentropy; optimizer: SGD (learning rate 0.2); metrics: accuracy" in stdout
    assert "features (2): a, b" in stdout and "target: 'y' (binary, classes [0, 1])" in stdout
    assert "standardized with the training rows' mean ± std: a " in stdout


def test_a_model_saved_without_description(tmp_path, capsys):
    model = Sequential([Dense(1, input_dim=2, activation="sigmoid")])
    model.compile(loss="binary_crossentropy", optimizer="sgd", metrics=["accuracy"])
    path = str(tmp_path / "plain.keras")
    save_model(model, path)
    data = write_csv(tmp_path / "d.csv", ["a", "b", "y"], [[0.0, 1.0, 1], [1.0, -1.0, 0]])
    status, stdout, _ = run(capsys, "summary", path)
    assert status == 0 and "no column description" in stdout
    status, stdout, err = run(capsys, "evaluate", path, data, "--target", "y")
    assert status == 0, err
    assert f"loss: {model.evaluate([[0.0, 1.0], [1.0, -1.0]], [[1], [0]])[0]:.4f}" in stdout
    status, _, err = run(capsys, "evaluate", path, data)
    assert status == 2 and "--target" in err
    status, stdout, _ = run(capsys, "predict", path, data, "--target", "y")
    assert status == 0 and stdout.splitlines()[0] == "a,b,probability_1,y"


@needs_dot
@pytest.mark.parametrize("options, marker", [([], "hidden_1: Dense"), (["--neurons"], "x0")])
def test_draw_svg(binary, tmp_path, capsys, options, marker):
    _, data, _ = binary
    _train(capsys, data, tmp_path / "m", "--target", "y", "--layers", "3")
    status, stdout, err = run(capsys, "draw", tmp_path / "m", "--out", tmp_path / "m.svg", *options)
    assert status == 0, err
    svg = (tmp_path / "m.svg").read_text()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg and marker in svg
    assert stdout.strip() == f"wrote {tmp_path / 'm.svg'}"


def test_draw_dot_source_needs_no_graphviz(binary, tmp_path, capsys, monkeypatch):
    _, data, _ = binary
    _train(capsys, data, tmp_path / "m", "--target", "y", "--layers", "3")
    monkeypatch.setattr("autograd_mlp.cli.commands.dot_available", lambda: False)
    status, _, err = run(capsys, "draw", tmp_path / "m", "--out", tmp_path / "m.gv")
    assert status == 0, err
    assert (tmp_path / "m.gv").read_text().startswith("digraph")
    status, _, err = run(capsys, "draw", tmp_path / "m", "--out", tmp_path / "m.png")
    assert status == 1 and "dot program is not installed" in err and err.count("\n") == 1
    assert not (tmp_path / "m.png").exists()


def test_draw_neurons_of_a_wide_model_suggests_the_layer_view(tmp_path, capsys):
    model = Sequential([Dense(40, input_dim=2), Dense(1)])
    save_model(model, str(tmp_path / "wide"))
    status, _, err = run(capsys, "draw", tmp_path / "wide", "--out", tmp_path / "w.gv", "--neurons")
    assert status == 1 and "plot_model" in err and err.count("\n") == 1
    assert not (tmp_path / "w.gv").exists()


def test_standardize_fits_the_scaler_on_the_training_rows_only(binary, tmp_path, capsys):
    from autograd_mlp.cli.holdout import ValidationRows

    _, data, rows = binary
    out = tmp_path / "m.keras"
    stdout = _train(capsys, data, out, "--target", "y", "--standardize", "--validation-split", "0.4", "--layers", "3",
                    "--chunk-rows", "7")
    assert "36 training and 24 validation rows" in stdout
    info = json.loads((tmp_path / "m.keras.json").read_text())
    # The command's own rule: the same seed and fraction.
    validation = ValidationRows(0.4, seed=1).mask(0, 60)
    x_train = rows[~validation, :2]
    np.testing.assert_allclose(info["standardizer"]["mean"], x_train.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(info["standardizer"]["std"], x_train.std(axis=0), rtol=1e-12)
    # All 60 rows would give other statistics, so the check above can tell them apart.
    assert not np.allclose(info["standardizer"]["mean"], rows[:, :2].mean(axis=0), rtol=1e-6)


# --------------------------------------------------- reading the file in chunks
# A chunk of 7 rows cuts the 60-row file into 9 chunks (the last one short): the results must not tell.
def test_train_in_chunks_equals_one_chunk(binary, tmp_path, capsys):
    _, data, _ = binary
    outputs = {}
    for chunk in ("7", "100000"):
        stdout = _train(capsys, data, tmp_path / chunk, "--target", "y", "--standardize", "--chunk-rows", chunk,
                        "--layers", "4")
        outputs[chunk] = (stdout, json.loads((tmp_path / f"{chunk}.json").read_text()))
    (text_7, info_7), (text_all, info_all) = outputs["7"], outputs["100000"]
    assert "48 training and 12 validation rows" in text_7 and "48 training and 12 validation rows" in text_all
    np.testing.assert_allclose(info_7["standardizer"]["mean"], info_all["standardizer"]["mean"], rtol=1e-12)
    np.testing.assert_allclose(info_7["standardizer"]["std"], info_all["standardizer"]["std"], rtol=1e-12)
    weights_7 = load_model(str(tmp_path / "7")).get_weights()
    weights_all = load_model(str(tmp_path / "100000")).get_weights()
    for a, b in zip(weights_7, weights_all):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


def test_evaluate_and_predict_in_chunks_equal_one_chunk(binary, tmp_path, capsys):
    _, data, rows = binary
    out = tmp_path / "m.keras"
    _train(capsys, data, out, "--target", "y", "--standardize", "--layers", "4")
    texts = {}
    for chunk in ("7", "100000"):
        status, evaluated, err = run(capsys, "evaluate", out, data, "--chunk-rows", chunk)
        assert status == 0, err
        status, _, err = run(capsys, "predict", out, data, "--chunk-rows", chunk, "--out", tmp_path / f"p{chunk}.csv")
        assert status == 0, err
        texts[chunk] = evaluated
    assert texts["7"] == texts["100000"]
    assert f"{data}: 60 rows" in texts["7"]
    chunked, whole = read_table(tmp_path / "p7.csv"), read_table(tmp_path / "p100000.csv")
    assert chunked.columns == whole.columns == ["a", "b", "probability_1", "y"]
    assert chunked.lines == whole.lines == list(range(2, 62))
    np.testing.assert_array_equal(chunked.values[:, :2], rows[:, :2])
    np.testing.assert_allclose(chunked.values, whole.values, rtol=1e-12, atol=1e-15)


def test_a_bad_line_after_some_chunks_leaves_the_old_output(binary, tmp_path, capsys):
    _, data, rows = binary
    out = tmp_path / "m.keras"
    _train(capsys, data, out, "--target", "y", "--layers", "2")
    lines = open(data, encoding="utf-8-sig").read().splitlines()
    lines[40] += ",7"  # line 41 of the file, in the sixth chunk
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(lines) + "\n")
    target = tmp_path / "p.csv"
    target.write_text("old\n")
    status, stdout, err = run(capsys, "predict", out, bad, "--chunk-rows", "7", "--out", target)
    assert status == 1 and "line 41: expected 3 fields like the header, got 4" in err
    assert target.read_text() == "old\n"
    assert sorted(os.listdir(tmp_path)) == ["bad.csv", "m.keras", "m.keras.json", "p.csv"]


def test_evaluate_and_predict_memory_does_not_grow_with_the_file(binary, tmp_path, capsys):
    import tracemalloc

    _, data, _ = binary
    out = tmp_path / "m.keras"
    _train(capsys, data, out, "--target", "y", "--layers", "4")
    peaks = {}
    for n in (2000, 20000):
        path = write_csv(tmp_path / f"d{n}.csv", ["a", "b", "y"], binary_rows(n, seed=n))
        for command in ("evaluate", "predict"):
            extra = ["--out", tmp_path / f"p{n}.csv"] if command == "predict" else []
            tracemalloc.start()
            try:
                status, _, err = run(capsys, command, out, path, "--chunk-rows", "200", *extra)
                peaks[command, n] = tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()
            assert status == 0, err
    for command in ("evaluate", "predict"):
        # Ten times the rows, about the same peak (one chunk's parsing and outputs).
        assert peaks[command, 20000] < 1.3 * peaks[command, 2000], peaks
