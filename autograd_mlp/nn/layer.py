"""``Layer``: what every layer of a stack shares — a Keras name, weights as Keras shows them, ``trainable``.

A layer owns parameters (engine Values) and exposes them two ways: as
``parameters()`` (PyTorch's view, what optimizers update) and as ``weights``
(Keras' view: :class:`~autograd_mlp.nn.variables.Variable` objects named
``kernel`` / ``bias`` with a path ``"dense/kernel"``).  ``trainable = False``
freezes a layer: its parameters stop requiring gradients, so ``fit`` neither
computes their gradients nor gives them to the optimizer (and no weight
regularizer applies to them, as in Keras).

Shapes here are *feature* shapes, without the batch axis: a layer maps
an input of feature shape ``s`` to ``compute_output_shape(s)``; Keras'
``input_shape`` / ``output_shape`` put ``None`` in front for the batch.
"""

from __future__ import annotations

import itertools
import threading
from collections import defaultdict

import numpy as np

from .. import _tracing
from .._checks import numeric_array
from ..engine import Value
from .module import Module
from .variables import Variable

__all__ = ["Layer", "as_input", "unique_name", "assign_weights", "positive_int", "check_bool"]

_name_counters = defaultdict(itertools.count)
_name_lock = threading.Lock()


def unique_name(prefix):
    """Keras-style default names: dense, dense_1, dense_2, ...

    One counter per prefix for the whole process, as in Keras; the lock keeps
    two threads building layers at once from getting the same name (creating
    a prefix's counter and drawing from it is not one atomic step).
    """
    with _name_lock:
        n = next(_name_counters[prefix])
    return prefix if n == 0 else f"{prefix}_{n}"


def as_input(x, dtype, who):
    """A batch as a constant Value of ``dtype``: arrays and lists are checked and converted, Values pass."""
    if isinstance(x, Value):
        return x
    array = numeric_array(f"{who}: the input", x)
    if _tracing.active and type(x) is np.ndarray and array.dtype != dtype:
        # a compiled step binds the argument's array, so the conversion must be an operation it replays
        return Value._wrap_constant(array).astype(dtype)
    return Value._wrap_constant(array.astype(dtype, copy=False))


def positive_int(value, what):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{what} must be a positive integer, got {value!r}")
    return int(value)


def check_bool(value, what):
    """``value`` as a bool: True, False (or numpy's); anything else is a TypeError (1, "no", None ...)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{what} must be True or False, got {type(value).__name__} {value!r}")
    return bool(value)


def feature_shape(shape, what):
    """A feature shape (no batch axis) as a tuple of positive ints."""
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        shape = (shape,)
    try:
        shape = tuple(shape)
    except TypeError:
        raise TypeError(f"{what} must be a tuple of positive integers, got {shape!r}") from None
    if not shape:
        raise ValueError(f"{what} must have at least one dimension, got ()")
    return tuple(positive_int(n, what) for n in shape)


def assign_weights(params, weights, owner, allow_non_finite=False):
    """Check that every array matches its parameter (shape, numbers, finite), then assign them all (or none)."""
    weights = list(weights)
    if len(weights) != len(params):
        raise ValueError(f"{owner}: expected {len(params)} weight arrays, got {len(weights)}")
    arrays = []
    for i, (param, w) in enumerate(zip(params, weights)):
        arr = numeric_array(f"{owner}: weight {i}", w)
        if arr.shape != param.shape:
            raise ValueError(
                f"{owner}: weight {i} ({param.name}) must have shape {param.shape}, got {arr.shape}"
            )
        if not allow_non_finite and not np.all(np.isfinite(arr)):
            raise ValueError(
                f"{owner}: weight {i} ({param.name}) holds {int(np.sum(~np.isfinite(arr)))} NaN or infinite "
                f"values; weights must be finite (pass allow_non_finite=True to set them anyway)"
            )
        arrays.append(arr)
    for param, arr in zip(params, arrays):
        param.data = arr.astype(param.dtype, copy=True)


class Layer(Module):
    """A module of a Sequential stack, with a Keras name, Keras' weights and a ``trainable`` flag."""

    #: True for layers whose output has their input's shape and that hold no weights
    #: (Dropout, Activation): a model's input shape is read past them.
    keeps_shape = False
    #: Keras' names of the parameters, by attribute (Dense: weight -> kernel).
    weight_names = {}

    # ----------------------------------------------------------- shapes
    def known_input_shape(self):
        """The feature shape this layer takes, when it is known (declared, or learnt when built); else None."""
        return getattr(self, "_input_shape", None)

    def compute_output_shape(self, input_shape):
        """The feature shape this layer outputs for ``input_shape`` (building it if needed)."""
        self._input_shape = tuple(input_shape)
        return tuple(input_shape)

    def output_dim(self, input_dim):
        """The number of features this layer outputs for ``input_dim`` inputs (building it if needed)."""
        return self.compute_output_shape((input_dim,))[-1]

    @property
    def input_shape(self):
        """Keras' ``(None, *features)``; AttributeError while the layer has not learnt it."""
        shape = self.known_input_shape()
        if shape is None:
            raise AttributeError(f"layer {self.name!r} has no input shape yet: it has never been built or called")
        return (None, *shape)

    @property
    def output_shape(self):
        """Keras' ``(None, *features)`` of the output; AttributeError while unknown."""
        shape = self.known_input_shape()
        if shape is None:
            raise AttributeError(f"layer {self.name!r} has no output shape yet: it has never been built or called")
        return (None, *self.compute_output_shape(shape))

    # ---------------------------------------------------------- trainable
    @property
    def trainable(self):
        """Whether ``fit`` and the optimizers update this layer's weights (Keras' flag; True by default)."""
        return self.__dict__.get("_trainable", True)

    @trainable.setter
    def trainable(self, value):
        value = check_bool(value, f"layer {getattr(self, 'name', '')!r} trainable")
        self._trainable = value
        for child in self.children():
            if isinstance(child, Layer):
                child.trainable = value
        for param in self.parameters():
            param.requires_grad = value

    # ------------------------------------------------------------ weights
    def _own_weights(self):
        """(Keras name, parameter) for this layer's own parameters (not its sub-layers')."""
        found = []
        for attribute, value in self._public_items():
            if isinstance(value, Value):
                found.append((self.weight_names.get(attribute, attribute), value))
        return found

    def _variable(self, keras_name, param):
        views = self.__dict__.setdefault("_variables", {})
        view = views.get(keras_name)
        if view is None or view.value is not param or view.path != f"{self.name}/{keras_name}":
            view = views[keras_name] = Variable(param, keras_name, f"{self.name}/{keras_name}", self)
        return view

    @property
    def weights(self):
        """Every weight as a :class:`Variable` (``kernel``, ``bias`` ...), sub-layers' in order (Keras' ``weights``)."""
        views = [self._variable(name, param) for name, param in self._own_weights()]
        for child in self.children():
            if isinstance(child, Layer):
                views.extend(child.weights)
        return views

    @property
    def trainable_weights(self):
        return [w for w in self.weights if w.trainable]

    @property
    def non_trainable_weights(self):
        return [w for w in self.weights if not w.trainable]

    @property
    def variables(self):
        return self.weights

    @property
    def losses(self):
        """Scalar Values added to the training loss: regularization penalties (none by default)."""
        found = []
        for child in self.children():
            if isinstance(child, Layer):
                found.extend(child.losses)
        return found

    def get_weights(self):
        return [np.array(p.data, copy=True) for p in self.parameters()]

    def set_weights(self, weights, allow_non_finite=False):
        """Set every parameter from ``weights`` (``get_weights()`` order), checked first: all change or none.

        NaN or infinite values are refused unless ``allow_non_finite=True``.
        """
        assign_weights(self.parameters(), weights, self.name, allow_non_finite)

    def get_config(self):
        config = {"name": self.name}
        if not self.trainable:
            config["trainable"] = False
        return config

    @classmethod
    def from_config(cls, config):
        """A new layer from :meth:`get_config`'s dict (Keras' ``from_config``)."""
        if not isinstance(config, dict):
            raise TypeError(f"{cls.__name__}.from_config expects a dict, got {type(config).__name__}")
        return cls(**config)

    def _finish_init(self, trainable):
        """Apply the ``trainable`` argument of a constructor (after the parameters exist)."""
        if trainable is not True:
            self.trainable = trainable
