"""What a target column asks for: binary or multi-class classification, or regression.

The rule when the task is not given (``auto``):

* every target value is 0 or 1                         -> ``binary``:     1 sigmoid output,
  binary cross-entropy, accuracy;
* whole numbers with at most :data:`MAX_CLASSES` distinct values
                                                       -> ``multiclass``: K softmax outputs
  (one per value), sparse categorical cross-entropy, accuracy;
* anything else                                         -> ``regression``: 1 linear output,
  mean squared error, mean absolute error.

A classifier's labels are kept as the sorted list of the target's distinct
values (``classes``); the network sees class k as the index k, so labels need
not start at 0 or be consecutive.  A multi-class target goes to sparse
categorical cross-entropy as that index and to any other loss (chosen with
``--loss``) as a one-hot row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import DataError

__all__ = ["TASKS", "MAX_CLASSES", "TaskSettings", "infer_task", "settings_for", "classes_of",
           "encode_target", "one_hot_targets", "decode_predictions", "predicted_labels", "prediction_columns"]

TASKS = ("binary", "multiclass", "regression")

#: At most this many distinct whole-number target values make ``auto`` choose multi-class classification.
MAX_CLASSES = 10


@dataclass(frozen=True)
class TaskSettings:
    """The output layer, loss and metrics of a task."""

    units: int
    output_activation: str
    loss: str
    metrics: tuple


def _whole(values):
    return bool(np.all(values == np.round(values)))


def infer_task(y):
    """``binary``, ``multiclass`` or ``regression`` for the target values ``y`` (1-D), by the rule above."""
    distinct = np.unique(y)
    if np.all((distinct == 0) | (distinct == 1)):
        return "binary"
    if _whole(distinct) and distinct.size <= MAX_CLASSES:
        return "multiclass"
    return "regression"


def classes_of(task, y, target, path):
    """The sorted class labels of a classification target (None for regression), checked against the task."""
    if task == "regression":
        return None
    distinct = np.unique(y)
    if not _whole(distinct):
        raise DataError(f"{path}: a {task} target needs whole-number class labels, "
                        f"but column {target!r} holds fractions such as {_fraction_in(distinct)}")
    if task == "binary" and distinct.size > 2:
        raise DataError(f"{path}: a binary target has at most 2 classes, column {target!r} has "
                        f"{distinct.size} distinct values; use --task multiclass")
    labels = [int(v) for v in distinct]
    if len(labels) < 2:
        # A classifier shown one class learns to answer it always (the scikit-learn wrappers refuse it too).
        raise DataError(f"{path}: a {task} target needs at least 2 classes, column {target!r} holds only "
                        f"{labels[0]}")
    return labels


def _fraction_in(values):
    return f"{values[values != np.round(values)][0]:g}"


def settings_for(task, n_classes):
    """The default output layer, loss and metrics of ``task``."""
    if task == "binary":
        return TaskSettings(1, "sigmoid", "binary_crossentropy", ("accuracy",))
    if task == "multiclass":
        return TaskSettings(n_classes, "softmax", "sparse_categorical_crossentropy", ("accuracy",))
    return TaskSettings(1, "linear", "mean_squared_error", ("mae",))


def one_hot_targets(task, loss):
    """Whether a multi-class target is given to the loss as one-hot rows (any loss but the sparse one)."""
    return task == "multiclass" and loss != "sparse_categorical_crossentropy"


def encode_target(y, classes, table, target, one_hot=False):
    """The network's targets: the class index of each label (rows, 1), one-hot rows, or the values themselves.

    A label that is not one of ``classes`` (a value the model never saw) is
    a DataError naming its line in the file.
    """
    y = np.asarray(y, dtype=np.float64)
    if classes is None:
        return y.reshape(-1, 1)
    lookup = np.asarray(classes, dtype=np.float64)
    index = np.searchsorted(lookup, y)
    index = np.clip(index, 0, len(classes) - 1)
    unknown = lookup[index] != y
    if np.any(unknown):
        row = int(np.argmax(unknown))
        raise DataError(f"{table.path}, line {table.lines[row]}, column {target!r}: label {y[row]:g} is not one "
                        f"of the model's classes {classes}")
    if one_hot:
        return np.eye(len(classes))[index]
    return index.astype(np.float64).reshape(-1, 1)


def prediction_columns(task, target, classes, n_outputs):
    """The header of the predictions file for ``task``."""
    if task == "regression" or classes is None:
        return [target] if n_outputs == 1 else [f"{target}_{k}" for k in range(n_outputs)]
    if task == "binary":
        return [f"probability_{classes[1]}", target]
    return [f"probability_{label}" for label in classes] + [target]


def decode_predictions(task, classes, outputs):
    """Rows for the predictions file: the outputs, then (for a classifier) the predicted label."""
    outputs = np.asarray(outputs, dtype=np.float64)
    if task == "regression" or classes is None:
        return outputs.tolist()
    if task == "binary":
        labels = np.where(outputs[:, 0] > 0.5, classes[1], classes[0])
    else:
        labels = np.asarray(classes)[np.argmax(outputs, axis=1)]
    return [list(row) + [int(label)] for row, label in zip(outputs.tolist(), labels)]


def predicted_labels(task, classes, outputs):
    """The predicted class label of each row (classification only)."""
    return np.array([row[-1] for row in decode_predictions(task, classes, outputs)], dtype=np.int64)
