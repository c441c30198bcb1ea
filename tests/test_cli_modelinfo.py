"""The column description saved next to a model: round trip, damaged files, and the guess without one."""

import json
import os

import numpy as np
import pytest

from autograd_mlp import Dense, Sequential
from autograd_mlp.cli.errors import DataError
from autograd_mlp.cli.modelinfo import ModelInfo, guess_info, load, output_width, save, sidecar_path
from autograd_mlp.data import Standardizer
from autograd_mlp.models import save_model


def _model(outputs=1, activation="sigmoid", loss="binary_crossentropy", inputs=2):
    model = Sequential([Dense(3, input_dim=inputs, activation="relu"), Dense(outputs, activation=activation)])
    if loss is not None:
        model.compile(loss=loss, optimizer="sgd")
    return model


def test_round_trip_keeps_everything(tmp_path):
    model = _model(outputs=3, activation="softmax", loss="sparse_categorical_crossentropy")
    scaler = Standardizer().fit(np.array([[0.0, 10.0], [2.0, 30.0]]))
    info = ModelInfo(["u", "v"], "label", "multiclass", [2, 5, 9], scaler)
    path = str(tmp_path / "m.keras")
    save(model, info, path)
    assert sorted(os.listdir(tmp_path)) == ["m.keras", "m.keras.json"]
    loaded, back = load(path)
    assert (back.features, back.target, back.task, back.classes) == (["u", "v"], "label", "multiclass", [2, 5, 9])
    np.testing.assert_array_equal(back.standardizer.mean, [1.0, 20.0])
    np.testing.assert_array_equal(back.standardizer.std, [1.0, 10.0])
    np.testing.assert_array_equal(back.inputs(np.array([[1.0, 40.0]])), [[0.0, 2.0]])
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert output_width(loaded) == 3


def test_without_description_load_gives_none(tmp_path):
    path = str(tmp_path / "m.keras")
    save_model(_model(), path)
    assert load(path)[1] is None


def test_missing_and_damaged_model_files(tmp_path):
    with pytest.raises(DataError, match="no such model file"):
        load(str(tmp_path / "absent.keras"))
    bad = tmp_path / "bad.keras"
    bad.write_text("a,b\n1,2\n")
    with pytest.raises(DataError, match="bad.keras"):
        load(str(bad))


def _saved(tmp_path, **changes):
    path = str(tmp_path / "m.keras")
    info = ModelInfo(["u", "v"], "y", "binary", [0, 1], None)
    save(_model(), info, path)
    data = json.loads(open(sidecar_path(path)).read())
    data.update(changes)
    with open(sidecar_path(path), "w") as handle:
        json.dump(data, handle)
    return path


@pytest.mark.parametrize("changes, message", [
    ({"format": "something else"}, "not a column description"),
    ({"format_version": 99}, "format_version 99"),
    ({"features": ["u"]}, "lists 1 features, but the model takes 2 inputs"),
    ({"features": ["u", "u"]}, "distinct column names"),
    ({"task": "ranking"}, "'task' must be one of"),
    ({"classes": [0, 1, 2]}, "needs 1 output"),
    ({"classes": None}, "at least 2 distinct whole-number labels"),
    ({"task": "regression"}, "'classes' must be null"),
    ({"standardizer": {"mean": [0.0], "std": [1.0]}}, "1 columns for 2 features"),
    ({"standardizer": {"mean": [0.0, 1.0], "std": [-1.0, 1.0]}}, "'standardizer' is damaged"),
    ({"target": 3}, "'target' must be a column name"),
])
def test_damaged_descriptions_are_refused_with_the_file_name(tmp_path, changes, message):
    path = _saved(tmp_path, **changes)
    with pytest.raises(DataError, match=message) as info:
        load(path)
    assert str(info.value).startswith(sidecar_path(path))


def test_description_that_is_not_json(tmp_path):
    path = _saved(tmp_path)
    with open(sidecar_path(path), "w") as handle:
        handle.write("{not json")
    with pytest.raises(DataError, match="not a JSON column description"):
        load(path)


@pytest.mark.parametrize("outputs, activation, loss, task, classes", [
    (1, "sigmoid", "binary_crossentropy", "binary", [0, 1]),
    (3, "softmax", "sparse_categorical_crossentropy", "multiclass", [0, 1, 2]),
    (1, "linear", "mse", "regression", None),
    (1, "sigmoid", None, "binary", [0, 1]),
    (4, "softmax", None, "multiclass", [0, 1, 2, 3]),
    (2, "linear", None, "regression", None),
    (3, "softmax", "categorical_crossentropy", "multiclass", [0, 1, 2]),
    (3, "softmax", "mse", "multiclass", [0, 1, 2]),
    (1, "sigmoid", "mse", "regression", None),
    (2, "linear", "categorical_crossentropy", "multiclass", [0, 1]),
])
def test_guess_reads_the_task_from_the_model(outputs, activation, loss, task, classes):
    info = guess_info(_model(outputs, activation, loss), ["a", "y", "b"], "y")
    assert (info.features, info.target, info.task, info.classes) == (["a", "b"], "y", task, classes)
    assert info.standardizer is None
