"""``keras.losses``: the loss functions and loss classes of :mod:`autograd_mlp.losses`, by Keras' names."""

from ..losses import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    Hinge,
    Loss,
    MeanAbsoluteError,
    MeanSquaredError,
    SparseCategoricalCrossentropy,
    binary_crossentropy,
    categorical_crossentropy,
    deserialize,
    get,
    hinge,
    mae,
    mean_absolute_error,
    mean_squared_error,
    mse,
    serialize,
    sparse_categorical_crossentropy,
)

__all__ = [
    "mean_squared_error", "mean_absolute_error", "binary_crossentropy", "categorical_crossentropy",
    "sparse_categorical_crossentropy", "hinge", "mse", "mae", "get", "serialize", "deserialize",
    "Loss", "MeanSquaredError", "MeanAbsoluteError", "BinaryCrossentropy", "CategoricalCrossentropy",
    "SparseCategoricalCrossentropy", "Hinge",
]
