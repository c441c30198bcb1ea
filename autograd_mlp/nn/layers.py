"""Layers with Keras' names and layout: ``Dense``, ``Dropout``, and ``Sequential`` to stack them.

A ``Dense`` layer computes ``a = g(x @ W + b)`` on a batch of row vectors, with
``W`` of shape (inputs, units) as Keras stores a kernel: the course's weight
w(j→i), from input j to neuron i, is ``weight[j, i]`` (Keras' ``layer.kernel``).
The layers without weights that declare or change shapes (``InputLayer``,
``Flatten``, ``Activation``) are :mod:`autograd_mlp.nn.shaping`'s; what every
layer shares (``weights``, ``trainable``, shapes) is
:class:`~autograd_mlp.nn.layer.Layer`'s.
"""

from __future__ import annotations

import numpy as np

from .. import _tracing, activations, ops
from ..engine import Value, is_grad_enabled
from . import init
from .layer import Layer, as_input, assign_weights, check_bool, feature_shape, positive_int, unique_name
from .module import Module
from .regularization import get_regularizer, serialize_regularizer
from .shaping import Activation, Flatten, Input, InputLayer

__all__ = ["Layer", "Dense", "Dropout", "Sequential", "as_input", "InputLayer", "Input", "Flatten", "Activation"]

# Former private names, kept for code that imported them.
_unique_name = unique_name
_positive_int = positive_int
_assign_weights = assign_weights


class Dense(Layer):
    """A fully connected layer: ``activation(x @ weight + bias)``.

    Parameters
    ----------
    units : int
        Number of neurons.
    input_dim : int, optional
        Number of input features (or ``input_shape=(features,)``).  Without it
        the layer builds its weights on its first call (or when a Sequential
        model learns its input width).
    activation : str, function or None
        ``"relu"``, ``"sigmoid"``, ``"tanh"``, ``"softmax"``, ``"linear"`` ... (None is linear).
    use_bias : bool
    kernel_initializer, bias_initializer : str, initializer object or function
        Keras names (``"glorot_uniform"``, ``"he_normal"``, ``"normal"``, ``"zeros"`` ...)
        or objects such as ``RandomNormal(stddev=0.1)`` (see :mod:`autograd_mlp.nn.init`).
    kernel_regularizer, bias_regularizer : regularizer, name or None
        A penalty of the weight (``l2(0.01)`` → 0.01·Σw²) added to the training
        loss, and to the loss ``fit`` and ``evaluate`` report, as Keras does.
        Frozen layers (``trainable=False``) add none.
    activity_regularizer : regularizer, name or None
        A penalty of the layer's output, divided by the batch size (Keras 3's rule).
    trainable : bool
        False freezes the weights (``fit`` leaves them unchanged).
    name : str, optional
        Defaults to ``dense``, ``dense_1`` ...
    dtype : numpy dtype
        float64 (exact, the default) or float32 (faster).

    The weight is ``layer.weight`` (PyTorch's name) and ``layer.kernel`` (Keras'),
    the bias ``layer.bias``; both are engine Values.
    """

    weight_names = {"weight": "kernel", "bias": "bias"}

    def __init__(self, units, input_dim=None, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 name=None, dtype=np.float64, input_shape=None, kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, trainable=True):
        super().__init__()
        self.units = positive_int(units, "Dense units")
        if input_shape is not None:
            shape = feature_shape(input_shape, "Dense input_shape")
            if input_dim is not None or len(shape) != 1:
                raise ValueError(f"Dense accepts input_shape=(features,) or input_dim, got input_shape={input_shape!r}")
            input_dim = shape[0]
        self.input_dim = None if input_dim is None else positive_int(input_dim, "Dense input_dim")
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self._kernel_initializer = init.get(kernel_initializer)
        self._bias_initializer = init.get(bias_initializer)
        self.kernel_regularizer = get_regularizer(kernel_regularizer, "kernel_regularizer")
        self.bias_regularizer = get_regularizer(bias_regularizer, "bias_regularizer")
        self.activity_regularizer = get_regularizer(activity_regularizer, "activity_regularizer")
        self.dtype = np.dtype(dtype)
        if self.dtype.kind != "f":
            raise TypeError(f"Dense dtype must be a float type, got {self.dtype}")
        trainable = check_bool(trainable, "Dense trainable")
        self.name = name or unique_name("dense")
        self.weight = None
        self.bias = None
        self._activity_loss = None
        if not trainable:
            self.trainable = False
        if self.input_dim is not None:
            self.build(self.input_dim)

    @property
    def built(self):
        return self.weight is not None

    @property
    def kernel(self):
        """The weight matrix (inputs, units), Keras' name for :attr:`weight` (None until built)."""
        return self.weight

    def build(self, input_dim):
        """Create the weight (input_dim, units) and bias (units,) from the initializers."""
        input_dim = positive_int(input_dim, f"{self.name} input_dim")
        self.input_dim = input_dim
        trainable = self.trainable
        self.weight = Value(self._kernel_initializer((input_dim, self.units), self.dtype),
                            requires_grad=trainable, name=f"{self.name}.weight")
        if self.use_bias:
            self.bias = Value(self._bias_initializer((self.units,), self.dtype),
                              requires_grad=trainable, name=f"{self.name}.bias")

    def known_input_shape(self):
        return None if self.input_dim is None else (self.input_dim,)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if not self.built:
            self.build(input_shape[-1])
        elif input_shape[-1] != self.input_dim:
            raise ValueError(f"layer {self.name!r} expects {self.input_dim} input features, got {input_shape[-1]}")
        return (*input_shape[:-1], self.units)

    def forward(self, x):
        # The common case, an array (or the Value of one) that fits the built
        # layer, skips the checks: the data's attributes once, no properties.
        data = x.data if type(x) is Value else x
        shape = data.shape if type(data) is np.ndarray else ()
        if shape and shape[-1] == self.input_dim and data.dtype == self.dtype and self.weight is not None:
            if x is data:
                x = Value._wrap_constant(x)
        else:
            x = self._checked_input(x)
        if self.use_bias:
            z = ops.affine(x, self.weight, self.bias)
        else:
            z = x @ self.weight
        out = self.activation(z)
        if self.activity_regularizer is not None:
            # Keras 3: the penalty of the output, divided by the batch size.
            self._activity_loss = self.activity_regularizer(out) / out.shape[0] if is_grad_enabled() else None
        return out

    def _checked_input(self, x):
        """``x`` as a Value of the layer's dtype and width, building the layer on its first input."""
        x = as_input(x, self.dtype, f"layer {self.name!r}")
        if x.dtype != self.dtype:
            x = x.astype(self.dtype)  # a Value of another float type, e.g. from a Dropout before
        if x.ndim == 0:
            raise ValueError(f"layer {self.name!r} expects input of shape (batch, features), got a 0-d value")
        if not self.built:
            self.build(x.shape[-1])
        if x.shape[-1] != self.input_dim:
            raise ValueError(
                f"layer {self.name!r} expects input of shape (batch, {self.input_dim}), got {x.shape}"
            )
        return x

    def weight_penalties(self):
        """The weight regularizers' penalties (scalar Values); none while frozen, as in Keras."""
        found = []
        if self.built and self.trainable:
            if self.kernel_regularizer is not None:
                found.append(self.kernel_regularizer(self.weight))
            if self.bias_regularizer is not None and self.bias is not None:
                found.append(self.bias_regularizer(self.bias))
        return found

    @property
    def losses(self):
        """The penalties this layer adds to the loss: its weights' (when trainable), then its last output's."""
        found = self.weight_penalties()
        if self._activity_loss is not None:
            found.append(self._activity_loss)
        return found

    @property
    def activation_name(self):
        return activations.name_of(self.activation)

    def get_config(self):
        config = {
            "name": self.name,
            "units": self.units,
            "input_dim": self.input_dim,
            "activation": self.activation_name,
            "use_bias": self.use_bias,
            "kernel_initializer": _initializer_config(self._kernel_initializer),
            "bias_initializer": _initializer_config(self._bias_initializer),
            "dtype": self.dtype.name,
        }
        for key in ("kernel_regularizer", "bias_regularizer", "activity_regularizer"):
            regularizer = getattr(self, key)
            if regularizer is not None:
                try:
                    config[key] = serialize_regularizer(regularizer)
                except ValueError:  # a custom function: named only (saving refuses it)
                    config[key] = getattr(regularizer, "__name__", repr(regularizer))
        if not self.trainable:
            config["trainable"] = False
        return config

    def __repr__(self):
        return f"Dense({self.units}, input_dim={self.input_dim}, activation={self.activation_name!r}, name={self.name!r})"


def _initializer_config(fn):
    """The name (or class config) of a known initializer; a custom function's own name otherwise."""
    try:
        return init.serialize(fn)
    except ValueError:
        return init.name_of(fn)


class Dropout(Layer):
    """Randomly zero a fraction ``rate`` of the inputs while training, scaling the rest by 1/(1-rate).

    The scaling ("inverted dropout") keeps each unit's expected value, so the
    layer is the identity in evaluation mode.
    """

    keeps_shape = True

    def __init__(self, rate, name=None, seed=None, trainable=True):
        super().__init__()
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0.0 <= rate < 1.0:
            raise ValueError(f"Dropout rate must be a number in [0, 1), got {rate!r}")
        self.rate = float(rate)
        self.name = name or unique_name("dropout")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0):
            raise ValueError(f"Dropout seed must be None or an integer >= 0, got {seed!r}")
        self.seed = None if seed is None else int(seed)
        self._rng = np.random.default_rng(self.seed) if self.seed is not None else None
        check_bool(trainable, "Dropout trainable")

    def forward(self, x):
        if not isinstance(x, Value):
            # Keep a float batch's precision (a float32 model stays float32);
            # only integers and booleans become float64.
            kind = getattr(x, "dtype", None)
            dtype = x.dtype if kind is not None and np.dtype(kind).kind == "f" else np.float64
            x = as_input(x, dtype, f"layer {self.name!r}")
        if not self.training or self.rate == 0.0:
            return x
        scale = self._draw_scale(x.shape, x.dtype)
        if _tracing.active:  # a compiled step draws a new mask on every replay
            _tracing.notify("random", scale, self._draw_scale, (x.shape, x.dtype))
        return x * scale

    def _draw_scale(self, shape, dtype):
        """Each unit's factor: 0 with probability ``rate``, else 1/(1-rate)."""
        rng = self._rng if self._rng is not None else init.generator()
        keep = rng.random(shape) >= self.rate
        return (keep / (1.0 - self.rate)).astype(dtype)

    def get_config(self):
        return {"name": self.name, "rate": self.rate, "seed": self.seed}

    def __repr__(self):
        return f"Dropout({self.rate}, name={self.name!r})"


class Sequential(Layer):
    """A stack of layers applied in order; ``Sequential([Dense(...), ...])`` or ``add()`` one by one.

    This is the container alone, like PyTorch's ``nn.Sequential``: calling it
    runs the layers, and it has parameters, weights and a config.  The Keras
    model, with ``compile``, ``fit``, ``evaluate``, ``predict``, ``summary``
    and ``save``, is :class:`autograd_mlp.models.Sequential` (also
    ``autograd_mlp.Sequential``), a subclass of this one that lives above the
    layers since it uses the optimizers, callbacks and files.

    An ``Input(shape=...)`` (or ``InputLayer``) may come first: it declares
    the shape of one case, and the layers after it are built at once.  As in
    Keras 3 it is not one of ``layers`` (``model.layers[0]`` is the first
    layer with a job); ``input_layer`` holds it, and the config lists it first.
    """

    def __init__(self, layers=None, name=None, trainable=True):
        super().__init__()
        self.name = name or unique_name("sequential")
        self._input_layer = None
        self.layers = []
        for layer in layers or []:
            self.add(layer)
        if check_bool(trainable, "Sequential trainable") is False:
            self.trainable = False

    def add(self, layer):
        """Append a layer; once the input shape is known, later layers are built right away."""
        if not isinstance(layer, Module):
            raise TypeError(f"Sequential.add expects a layer (Module), got {type(layer).__name__}")
        if isinstance(layer, InputLayer):
            if self.layers or self._input_layer is not None:
                raise ValueError(
                    f"an Input layer can only come first in a Sequential model, once; "
                    f"{self.name!r} already has {len(self.layers) + (self._input_layer is not None)} layers"
                )
            self._input_layer = layer
            return
        names = {getattr(existing, "name", None) for existing in self.layers}
        if getattr(layer, "name", None) in names:
            raise ValueError(f"a layer named {layer.name!r} is already in this model")
        self.layers.append(layer)
        self._build_known_shapes()

    @property
    def input_layer(self):
        """The ``InputLayer`` given first, or None."""
        return self._input_layer

    def pop(self):
        """Remove the last layer and return it (Keras' ``pop``); the model's other layers keep their weights."""
        if not self.layers:
            raise ValueError(f"model {self.name!r} has no layers to pop")
        return self.layers.pop()

    def _build_known_shapes(self):
        shape = self.known_input_shape()
        if shape is None:
            return
        for layer in self.layers:
            if not isinstance(layer, Layer):
                return
            shape = layer.compute_output_shape(shape)

    def known_input_shape(self):
        """The feature shape of one case, once the first layer knows it (declared or built)."""
        if self._input_layer is not None:
            return self._input_layer.known_input_shape()
        for layer in self.layers:
            if not isinstance(layer, Layer):
                return None
            shape = layer.known_input_shape()
            if shape is not None:
                return tuple(shape)
            if not layer.keeps_shape:
                return None
        return None

    @property
    def input_dim(self):
        """The number of input features, once known, for rows of features (None for image-shaped input)."""
        shape = self.known_input_shape()
        return shape[0] if shape is not None and len(shape) == 1 else None

    @property
    def built(self):
        return all(getattr(layer, "built", True) for layer in self.layers)

    def compute_output_shape(self, input_shape):
        shape = tuple(input_shape)
        for layer in self.layers:
            shape = layer.compute_output_shape(shape) if isinstance(layer, Layer) else layer.output_dim(shape)
        return shape

    def output_dim(self, input_dim):
        width = input_dim
        for layer in self.layers:
            width = layer.output_dim(width)
        return width

    def _declared_output_width(self):
        """The last Dense's units when only shape-keeping layers follow it (None otherwise)."""
        for layer in reversed(self.layers):
            if type(layer) is Dense:
                return layer.units
            if not getattr(layer, "keeps_shape", False):
                return None
        return None

    def forward(self, x):
        if not self.layers:
            raise ValueError(f"model {self.name!r} has no layers; add() some first")
        if self._input_layer is not None:
            x = self._input_layer(x)
        for layer in self.layers:
            x = layer(x)
        return x

    def get_weights(self):
        """Every layer's arrays, in order (weight, bias, weight, bias, ...)."""
        return [w for layer in self.layers for w in layer.get_weights()]

    def set_weights(self, weights, allow_non_finite=False):
        """Set every layer's arrays (``get_weights()`` order), all checked first; non-finite ones refused by default."""
        assign_weights(self.parameters(), weights, f"model {self.name!r}", allow_non_finite)

    def __getitem__(self, index):
        return self.layers[index]

    def __len__(self):
        return len(self.layers)

    def __iter__(self):
        return iter(self.layers)

    def get_config(self):
        layers = ([self._input_layer] if self._input_layer is not None else []) + list(self.layers)
        config = {"name": self.name, "layers": [{"class": type(l).__name__, "config": l.get_config()} for l in layers]}
        if not self.trainable:
            config["trainable"] = False
        return config

    @classmethod
    def from_config(cls, config, layer_classes=None):
        """A new model from :meth:`get_config`'s dict, its layers built from ``layer_classes`` (by class name).

        ``layer_classes`` defaults to the layers of :mod:`autograd_mlp.nn`; the
        result has new weights (drawn by the initializers), as Keras' ``from_config``.
        """
        if not isinstance(config, dict) or not isinstance(config.get("layers"), list):
            raise TypeError("Sequential.from_config expects a dict with a 'layers' list (from get_config())")
        classes = layer_classes or LAYER_CLASSES
        layers = []
        for i, entry in enumerate(config["layers"]):
            kind = entry.get("class") if isinstance(entry, dict) else None
            if kind not in classes:
                raise ValueError(f"layer {i} has unknown class {kind!r}; expected one of {sorted(classes)}")
            layers.append(classes[kind].from_config(entry.get("config", {})))
        return cls(layers, name=config.get("name"), trainable=config.get("trainable", True))


#: The layer classes a config names (what ``from_config`` and loading a model may build).
LAYER_CLASSES = {cls.__name__: cls for cls in (Dense, Dropout, InputLayer, Flatten, Activation)}
