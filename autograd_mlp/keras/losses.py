"""``tensorflow.keras.losses``: the loss functions of :mod:`autograd_mlp.losses`, by Keras' names."""

from ..losses import (
    binary_crossentropy,
    categorical_crossentropy,
    get,
    hinge,
    mae,
    mean_absolute_error,
    mean_squared_error,
    mse,
    sparse_categorical_crossentropy,
)

__all__ = [
    "mean_squared_error", "mean_absolute_error", "binary_crossentropy", "categorical_crossentropy",
    "sparse_categorical_crossentropy", "hinge", "mse", "mae", "get",
]
