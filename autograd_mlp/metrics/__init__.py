"""Metrics: how good are the predictions?  Functions on whole arrays, and Keras 3's stateful metric objects.

* :mod:`~autograd_mlp.metrics.functions`: the training metrics by Keras name
  (``binary_accuracy``, ``categorical_accuracy``, ``sparse_categorical_accuracy``,
  ``accuracy``, ``mean_absolute_error``, ``mean_squared_error``) and the
  classification reports (``confusion_matrix``, ``precision``, ``recall``,
  ``f1_score``, ``classification_report``), numpy in, a float out;
* :mod:`~autograd_mlp.metrics.classes`: ``Accuracy``, ``BinaryAccuracy(threshold=)``,
  ``CategoricalAccuracy``, ``SparseCategoricalAccuracy``, ``MeanSquaredError``,
  ``MeanAbsoluteError``, ``Precision``, ``Recall``, ``AUC``, with
  ``update_state`` / ``result`` / ``reset_state`` as in Keras.

:func:`get` finds a metric by its Keras name (``"accuracy"``, ``"mae"``,
``"precision"``, ``"auc"``, or a class name such as ``"BinaryAccuracy"``); a
callable, function or metric object, is returned as it is.
"""

from __future__ import annotations

from .._names import lookup
from .classes import (
    AUC,
    CLASSES,
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    Mean,
    MeanAbsoluteError,
    MeanSquaredError,
    Metric,
    Precision,
    Recall,
    SparseCategoricalAccuracy,
)
from .functions import (
    accuracy,
    binary_accuracy,
    categorical_accuracy,
    classification_report,
    confusion_matrix,
    f1_score,
    mae,
    mean_absolute_error,
    mean_squared_error,
    mse,
    precision,
    recall,
    sparse_categorical_accuracy,
)

__all__ = [
    "accuracy",
    "binary_accuracy",
    "categorical_accuracy",
    "sparse_categorical_accuracy",
    "mean_absolute_error",
    "mean_squared_error",
    "mae",
    "mse",
    "get",
    "names",
    "confusion_matrix",
    "precision",
    "recall",
    "f1_score",
    "classification_report",
    "Metric",
    "Mean",
    "Accuracy",
    "BinaryAccuracy",
    "CategoricalAccuracy",
    "SparseCategoricalAccuracy",
    "MeanSquaredError",
    "MeanAbsoluteError",
    "Precision",
    "Recall",
    "AUC",
]

_BY_NAME = {
    "accuracy": accuracy,
    "acc": accuracy,
    "binary_accuracy": binary_accuracy,
    "categorical_accuracy": categorical_accuracy,
    "sparse_categorical_accuracy": sparse_categorical_accuracy,
    "mean_absolute_error": mean_absolute_error,
    "mae": mean_absolute_error,
    "mean_squared_error": mean_squared_error,
    "mse": mean_squared_error,
    # stateful metrics (counts accumulated over batches) have no function form here
    "precision": Precision,
    "recall": Recall,
    "auc": AUC,
}



def names():
    """The names :func:`get` knows, sorted (class names such as ``"BinaryAccuracy"`` are accepted too)."""
    return sorted(_BY_NAME)


def get(name):
    """The metric called ``name`` (Keras names, any letter case), or a callable itself.

    A name of a function gives the function, called as ``metric(y_true, y_pred)``;
    ``"precision"``, ``"recall"``, ``"auc"`` and class names give a new metric object
    (except ``"Accuracy"``, which, in any letter case, is the function ``accuracy``).
    A callable (a function, a metric object) is returned unchanged, so a list of
    metrics may mix names, functions and objects.
    """
    if isinstance(name, str) and name in CLASSES and name.lower() not in _BY_NAME:
        return CLASSES[name]()
    found = lookup(_BY_NAME, name, "metric")
    if isinstance(found, type) and issubclass(found, Metric):
        return found()  # a name of a stateful metric: a new object each time
    return found
