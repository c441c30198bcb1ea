"""``keras.metrics``: the metric functions and metric classes of :mod:`autograd_mlp.metrics`, by Keras' names."""

from ..metrics import (
    AUC,
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
    accuracy,
    binary_accuracy,
    categorical_accuracy,
    get,
    mae,
    mean_absolute_error,
    mean_squared_error,
    mse,
    sparse_categorical_accuracy,
)

__all__ = [
    "accuracy", "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
    "mean_absolute_error", "mean_squared_error", "mae", "mse", "get",
    "Metric", "Mean", "Accuracy", "BinaryAccuracy", "CategoricalAccuracy", "SparseCategoricalAccuracy",
    "MeanSquaredError", "MeanAbsoluteError", "Precision", "Recall", "AUC",
]
