"""Layers without weights that declare or change shapes: ``InputLayer`` (and ``Input``), ``Flatten``, ``Activation``.

* ``Input(shape=(8, 8))`` (or ``InputLayer``) first in a ``Sequential`` declares
  the feature shape of the data, so the model builds at once and refuses data
  of another shape;
* ``Flatten()`` turns each case of feature shape (d1, d2, ...) into a row of
  d1·d2·... features, C order (``x.reshape(len(x), -1)``), as Keras does;
* ``Activation("relu")`` applies a named activation, as Keras' layer of that name.
"""

from __future__ import annotations

import numpy as np

from .. import activations
from ..engine import Value
from .layer import Layer, as_input, check_bool, feature_shape, unique_name

__all__ = ["InputLayer", "Input", "Flatten", "Activation"]


def _float_input(x, layer):
    """A batch as a Value, keeping a float batch's precision (integers and booleans become float64)."""
    if isinstance(x, Value):
        return x
    kind = getattr(x, "dtype", None)
    dtype = x.dtype if kind is not None and np.dtype(kind).kind == "f" else np.float64
    return as_input(x, dtype, f"layer {layer.name!r}")


class InputLayer(Layer):
    """The model's input: declares the feature shape of each case (Keras' ``InputLayer`` / ``Input``).

    ``shape`` leaves out the batch axis: ``Input(shape=(4,))`` for rows of 4
    features, ``Input(shape=(8, 8))`` for 8×8 images.  Calling it checks the
    shape and passes the batch on unchanged.
    """

    keeps_shape = True

    def __init__(self, shape=None, batch_size=None, name=None, dtype=None, input_shape=None, **kwargs):
        super().__init__()
        unknown = sorted(set(kwargs) - {"batch_shape", "sparse", "ragged", "trainable"})
        if unknown:
            raise TypeError(f"InputLayer got unexpected arguments {unknown}")
        if shape is None:
            shape = input_shape
        if shape is None and kwargs.get("batch_shape") is not None:
            shape = tuple(kwargs["batch_shape"])[1:]
        if shape is None:
            raise ValueError("InputLayer needs shape=(features,) (the shape of one case, without the batch axis)")
        self._input_shape = feature_shape(shape, "Input shape")
        self.name = name or unique_name("input_layer")
        self.dtype = None if dtype is None else np.dtype(dtype).name
        if "trainable" in kwargs:
            check_bool(kwargs["trainable"], "InputLayer trainable")

    @property
    def shape(self):
        """Keras' ``(None, *features)``."""
        return (None, *self._input_shape)

    def compute_output_shape(self, input_shape):
        if tuple(input_shape) != self._input_shape:
            raise ValueError(
                f"input layer {self.name!r} expects cases of shape {self._input_shape}, got {tuple(input_shape)}"
            )
        return self._input_shape

    def forward(self, x):
        x = _float_input(x, self)
        if tuple(x.shape[1:]) != self._input_shape:
            raise ValueError(
                f"input layer {self.name!r} expects input of shape (batch, {', '.join(map(str, self._input_shape))}), "
                f"got {x.shape}"
            )
        return x

    def get_config(self):
        return {"name": self.name, "shape": list(self._input_shape)}

    def __repr__(self):
        return f"InputLayer(shape={self._input_shape}, name={self.name!r})"


def Input(shape=None, batch_size=None, name=None, dtype=None, **kwargs):  # noqa: N802 - Keras' name
    """Keras' ``Input(shape=...)``: here the :class:`InputLayer` itself, to put first in a ``Sequential``.

    (In Keras it is a symbolic tensor for the functional API; in a
    ``Sequential([...])`` both forms mean the same, which is what is supported.)
    """
    return InputLayer(shape=shape, batch_size=batch_size, name=name, dtype=dtype, **kwargs)


class Flatten(Layer):
    """Each case of feature shape (d1, d2, ...) becomes d1·d2·... features (C order), as Keras' ``Flatten``.

    ``input_shape=(8, 8)`` may declare the shape when it is the first layer
    (Keras 2's form).  The input must have a batch axis and at least one
    feature axis: a 1-D array is refused, since its cases would be scalars.
    """

    def __init__(self, data_format=None, name=None, input_shape=None, trainable=True):
        super().__init__()
        if data_format not in (None, "channels_last", "channels_first"):
            raise ValueError(f"Flatten data_format must be 'channels_last' or 'channels_first', got {data_format!r}")
        if data_format == "channels_first":
            raise ValueError("Flatten supports data_format='channels_last' (the default) only")
        self.name = name or unique_name("flatten")
        if input_shape is not None:
            self._input_shape = feature_shape(input_shape, "Flatten input_shape")
        check_bool(trainable, "Flatten trainable")

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        known = self.known_input_shape()
        if known is not None and known != input_shape:
            raise ValueError(f"layer {self.name!r} expects cases of shape {known}, got {input_shape}")
        self._input_shape = input_shape
        return (int(np.prod(input_shape)),)

    def forward(self, x):
        x = _float_input(x, self)
        if x.ndim < 2:
            raise ValueError(
                f"layer {self.name!r} (Flatten) expects input of shape (batch, d1, ...), with a batch axis "
                f"and at least one feature axis, got shape {x.shape}"
            )
        known = self.known_input_shape()
        if known is not None and tuple(x.shape[1:]) != known:
            raise ValueError(f"layer {self.name!r} expects input of shape (batch, {', '.join(map(str, known))}), got {x.shape}")
        if known is None:
            self._input_shape = tuple(x.shape[1:])
        return x.reshape(x.shape[0], -1) if x.ndim != 2 else x

    def get_config(self):
        config = {"name": self.name}
        if self.known_input_shape() is not None:
            config["input_shape"] = list(self.known_input_shape())
        return config

    def __repr__(self):
        return f"Flatten(name={self.name!r})"


class Activation(Layer):
    """Apply a named activation (``"relu"``, ``"softmax"`` ...) to the previous layer's output (Keras' ``Activation``).

    ``Dense(3) + Activation("softmax")`` computes what ``Dense(3, activation="softmax")`` does.
    """

    keeps_shape = True

    def __init__(self, activation, name=None, trainable=True):
        super().__init__()
        self.activation = activations.get(activation)
        self.name = name or unique_name("activation")
        check_bool(trainable, "Activation trainable")

    @property
    def activation_name(self):
        return activations.name_of(self.activation)

    def forward(self, x):
        return self.activation(_float_input(x, self))

    def get_config(self):
        return {"name": self.name, "activation": self.activation_name}

    def __repr__(self):
        return f"Activation({self.activation_name!r}, name={self.name!r})"
