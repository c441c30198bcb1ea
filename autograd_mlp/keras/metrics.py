"""``tensorflow.keras.metrics``: the metric functions of :mod:`autograd_mlp.metrics`, by Keras' names."""

from ..metrics import (
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
]
