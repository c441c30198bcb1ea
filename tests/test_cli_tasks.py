"""The task a target column asks for, its classes, and the coding of targets and predictions."""

import numpy as np
import pytest

from autograd_mlp.cli.csvdata import Table
from autograd_mlp.cli.errors import DataError
from autograd_mlp.cli.tasks import (MAX_CLASSES, classes_of, decode_predictions, encode_target, infer_task,
                                    predicted_labels, prediction_columns, settings_for)


@pytest.mark.parametrize("y, task", [
    ([0, 1, 1, 0], "binary"),
    ([1, 1, 1], "binary"),
    ([0.0, 0.0], "binary"),
    ([0, 1, 2], "multiclass"),
    ([3, 7, 5, 3], "multiclass"),
    ([-1, 1], "multiclass"),
    (list(range(MAX_CLASSES)), "multiclass"),
    (list(range(MAX_CLASSES + 1)), "regression"),
    ([0, 0.5, 1], "regression"),
    ([2.5, 3.5], "regression"),
])
def test_infer_task(y, task):
    assert infer_task(np.array(y, dtype=float)) == task


def test_settings_per_task():
    binary, multi, regression = settings_for("binary", 2), settings_for("multiclass", 4), settings_for("regression", 1)
    assert (binary.units, binary.output_activation, binary.loss) == (1, "sigmoid", "binary_crossentropy")
    assert (multi.units, multi.output_activation, multi.loss) == (4, "softmax", "sparse_categorical_crossentropy")
    assert (regression.units, regression.output_activation, regression.loss) == (1, "linear", "mean_squared_error")
    assert regression.metrics == ("mae",) and binary.metrics == ("accuracy",)


def test_classes_are_the_sorted_labels():
    assert classes_of("multiclass", np.array([7.0, 3, 5, 3]), "y", "f.csv") == [3, 5, 7]
    assert classes_of("binary", np.array([4.0, 9.0]), "y", "f.csv") == [4, 9]
    assert classes_of("regression", np.array([0.5]), "y", "f.csv") is None


@pytest.mark.parametrize("task, y, message", [
    ("binary", [0, 1, 2], "at most 2 classes, column 'y' has 3 distinct values"),
    ("multiclass", [0, 0.5], "fractions such as 0.5"),
    ("multiclass", [4, 4], "at least 2 classes, column 'y' holds only 4"),
    ("binary", [4, 4], "at least 2 classes"),
    ("binary", [1, 1], "a binary target needs at least 2 classes, column 'y' holds only 1"),
    ("binary", [0, 0, 0], "holds only 0"),
])
def test_classes_refused(task, y, message):
    with pytest.raises(DataError, match=message):
        classes_of(task, np.array(y, dtype=float), "y", "f.csv")


def _table(values):
    values = np.array(values, dtype=float).reshape(-1, 1)
    return Table("f.csv", ["y"], values, [i + 2 for i in range(len(values))])


def test_encode_target_maps_labels_to_indices():
    table = _table([7, 3, 5])
    np.testing.assert_array_equal(encode_target(table.column("y"), [3, 5, 7], table, "y"), [[2], [0], [1]])
    np.testing.assert_array_equal(encode_target(np.array([0.5, 2.0]), None, table, "y"), [[0.5], [2.0]])


def test_encode_target_names_the_line_of_an_unknown_label():
    table = _table([3, 5, 6, 9])
    with pytest.raises(DataError, match=r"f.csv, line 4, column 'y': label 6 is not one of the model's classes \[3, 5, 9\]"):
        encode_target(table.column("y"), [3, 5, 9], table, "y")


def test_predictions_binary_multiclass_regression():
    assert prediction_columns("binary", "y", [0, 1], 1) == ["probability_1", "y"]
    assert decode_predictions("binary", [4, 9], np.array([[0.2], [0.7]])) == [[0.2, 4], [0.7, 9]]
    assert prediction_columns("multiclass", "y", [3, 5], 2) == ["probability_3", "probability_5", "y"]
    assert decode_predictions("multiclass", [3, 5], np.array([[0.9, 0.1], [0.4, 0.6]])) == [[0.9, 0.1, 3], [0.4, 0.6, 5]]
    np.testing.assert_array_equal(predicted_labels("multiclass", [3, 5], np.array([[0.9, 0.1], [0.4, 0.6]])), [3, 5])
    assert prediction_columns("regression", "v", None, 1) == ["v"]
    assert prediction_columns("regression", "v", None, 2) == ["v_0", "v_1"]
    assert decode_predictions("regression", None, np.array([[1.5], [-2.0]])) == [[1.5], [-2.0]]
