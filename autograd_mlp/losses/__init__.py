"""Losses with Keras names and argument order ``loss(y_true, y_pred)``: functions and Keras 3's loss objects.

* :mod:`~autograd_mlp.losses.functions`: ``mean_squared_error``,
  ``mean_absolute_error``, ``binary_crossentropy``, ``categorical_crossentropy``,
  ``sparse_categorical_crossentropy``, ``hinge`` (each returns the scalar
  mean as a Value; the formulas, the logits path and the label checks are there);
* :mod:`~autograd_mlp.losses.classes`: ``MeanSquaredError``,
  ``MeanAbsoluteError``, ``BinaryCrossentropy(from_logits=, label_smoothing=)``,
  ``CategoricalCrossentropy``, ``SparseCategoricalCrossentropy``, ``Hinge``,
  called as ``loss(y_true, y_pred, sample_weight=None)`` with Keras 3's reductions.

:func:`get` finds either by name (``"binary_crossentropy"``, ``"bce"``,
``"BinaryCrossentropy"``) or from a ``{"class_name": ..., "config": ...}``
dict; a callable (function or loss object) is returned as it is.
"""

from __future__ import annotations

from .._names import lookup, name_in
from .classes import (
    CLASSES,
    BinaryCrossentropy,
    CategoricalCrossentropy,
    Hinge,
    Loss,
    MeanAbsoluteError,
    MeanSquaredError,
    SparseCategoricalCrossentropy,
)
from .functions import (
    EPSILON,
    binary_crossentropy,
    categorical_crossentropy,
    hinge,
    mae,
    mean_absolute_error,
    mean_squared_error,
    mse,
    sparse_categorical_crossentropy,
)

__all__ = [
    "mean_squared_error",
    "mean_absolute_error",
    "binary_crossentropy",
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
    "hinge",
    "mse",
    "mae",
    "Loss",
    "MeanSquaredError",
    "MeanAbsoluteError",
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "SparseCategoricalCrossentropy",
    "Hinge",
    "get",
    "name_of",
    "serialize",
    "deserialize",
]

_BY_NAME = {
    "mean_squared_error": mean_squared_error,
    "mse": mean_squared_error,
    "mean_absolute_error": mean_absolute_error,
    "mae": mean_absolute_error,
    "binary_crossentropy": binary_crossentropy,
    "bce": binary_crossentropy,
    "categorical_crossentropy": categorical_crossentropy,
    "sparse_categorical_crossentropy": sparse_categorical_crossentropy,
    "hinge": hinge,
}


def get(identifier):
    """The loss for a Keras name or alias, a class name (a new default object), a config dict, or a callable itself."""
    if isinstance(identifier, str) and identifier in CLASSES:
        return CLASSES[identifier]()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, type) and issubclass(identifier, Loss):
        return identifier()
    try:
        return lookup(_BY_NAME, identifier, "loss")
    except ValueError:
        raise ValueError(
            f"unknown loss {identifier!r}; expected one of {sorted(_BY_NAME)} or a class name of {sorted(CLASSES)}"
        ) from None


def name_of(fn):
    """The canonical Keras name of a loss function (for saving and summaries), not its short alias.

    For a loss object, the name of the function it computes (``BinaryCrossentropy()`` →
    ``"binary_crossentropy"``), so that code keyed on the loss (label checks, ``"accuracy"``)
    treats both alike; a loss subclass of one's own gives its ``name``.
    """
    if isinstance(fn, Loss):
        return fn.function_name or fn.name
    return name_in(_BY_NAME, fn, shortest=4)


def serialize(loss):
    """``{"class_name": ..., "config": ...}`` for a loss object, the canonical name for a loss function."""
    if isinstance(loss, Loss):
        return {"class_name": type(loss).__name__, "config": loss.get_config()}
    return name_of(loss)


def deserialize(config):
    """The loss described by :func:`serialize`'s output."""
    if isinstance(config, str):
        return get(config)
    if not isinstance(config, dict) or "class_name" not in config:
        raise TypeError(f"expected a loss name or a dict with 'class_name' and 'config'; got {config!r}")
    name = config["class_name"]
    if name not in CLASSES:
        raise ValueError(f"unknown loss class {name!r}; expected one of {sorted(CLASSES)}")
    return CLASSES[name].from_config(dict(config.get("config") or {}))
