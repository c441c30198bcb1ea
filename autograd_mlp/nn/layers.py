"""Layers with Keras' names and layout: ``Dense``, ``Dropout``, and ``Sequential`` to stack them.

A ``Dense`` layer computes ``a = g(x @ W + b)`` on a batch of row vectors, with
``W`` of shape (inputs, units) as Keras stores a kernel: the course's weight
w(j→i), from input j to neuron i, is ``weight[j, i]``.
"""

from __future__ import annotations

import itertools
import threading
from collections import defaultdict

import numpy as np

from .. import activations, ops
from ..engine import Value
from . import init
from .module import Module

__all__ = ["Dense", "Dropout", "Sequential", "as_input"]

_name_counters = defaultdict(itertools.count)
_name_lock = threading.Lock()


def _unique_name(prefix):
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
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError):
        raise TypeError(f"{who}: expected a numeric array, got {type(x).__name__}") from None
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{who}: expected numeric input, got dtype {arr.dtype}")
    return Value._wrap_constant(arr.astype(dtype, copy=False))


def _positive_int(value, what):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{what} must be a positive integer, got {value!r}")
    return int(value)


class Layer(Module):
    """A module of a Sequential stack, with a Keras name and an output width."""

    def output_dim(self, input_dim):
        """The number of features this layer outputs for ``input_dim`` inputs (building it if needed)."""
        return input_dim

    def get_weights(self):
        return [np.array(p.data, copy=True) for p in self.parameters()]

    def set_weights(self, weights):
        _assign_weights(self.parameters(), weights, self.name)

    def get_config(self):
        return {"name": self.name}


def _assign_weights(params, weights, owner):
    """Check that every array matches its parameter's shape, then assign them all (or none)."""
    weights = list(weights)
    if len(weights) != len(params):
        raise ValueError(f"{owner}: expected {len(params)} weight arrays, got {len(weights)}")
    arrays = []
    for i, (param, w) in enumerate(zip(params, weights)):
        arr = np.asarray(w)
        if arr.shape != param.shape:
            raise ValueError(
                f"{owner}: weight {i} ({param.name}) must have shape {param.shape}, got {arr.shape}"
            )
        if arr.dtype.kind not in "biuf":
            raise TypeError(f"{owner}: weight {i} must be numeric, got dtype {arr.dtype}")
        arrays.append(arr)
    for param, arr in zip(params, arrays):
        param.data = arr.astype(param.dtype, copy=True)


class Dense(Layer):
    """A fully connected layer: ``activation(x @ weight + bias)``.

    Parameters
    ----------
    units : int
        Number of neurons.
    input_dim : int, optional
        Number of input features.  Without it the layer builds its weights on
        its first call (or when a Sequential model learns its input width).
    activation : str, function or None
        ``"relu"``, ``"sigmoid"``, ``"tanh"``, ``"softmax"``, ``"linear"`` ... (None is linear).
    use_bias : bool
    kernel_initializer, bias_initializer : str or function
        Keras names (``"glorot_uniform"``, ``"he_normal"``, ``"zeros"`` ...).
    name : str, optional
        Defaults to ``dense``, ``dense_1`` ...
    dtype : numpy dtype
        float64 (exact, the default) or float32 (faster).
    """

    def __init__(self, units, input_dim=None, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 name=None, dtype=np.float64, input_shape=None):
        super().__init__()
        self.units = _positive_int(units, "Dense units")
        if input_shape is not None:
            if input_dim is not None or len(tuple(input_shape)) != 1:
                raise ValueError(f"Dense accepts input_shape=(features,) or input_dim, got input_shape={input_shape!r}")
            input_dim = tuple(input_shape)[0]
        self.input_dim = None if input_dim is None else _positive_int(input_dim, "Dense input_dim")
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self._kernel_initializer = init.get(kernel_initializer)
        self._bias_initializer = init.get(bias_initializer)
        self.dtype = np.dtype(dtype)
        if self.dtype.kind != "f":
            raise TypeError(f"Dense dtype must be a float type, got {self.dtype}")
        self.name = name or _unique_name("dense")
        self.weight = None
        self.bias = None
        if self.input_dim is not None:
            self.build(self.input_dim)

    @property
    def built(self):
        return self.weight is not None

    def build(self, input_dim):
        """Create the weight (input_dim, units) and bias (units,) from the initializers."""
        input_dim = _positive_int(input_dim, f"{self.name} input_dim")
        self.input_dim = input_dim
        self.weight = Value(self._kernel_initializer((input_dim, self.units), self.dtype), name=f"{self.name}.weight")
        if self.use_bias:
            self.bias = Value(self._bias_initializer((self.units,), self.dtype), name=f"{self.name}.bias")

    def output_dim(self, input_dim):
        if not self.built:
            self.build(input_dim)
        elif input_dim != self.input_dim:
            raise ValueError(f"layer {self.name!r} expects {self.input_dim} input features, got {input_dim}")
        return self.units

    def forward(self, x):
        if type(x) is np.ndarray and x.dtype == self.dtype:
            x = Value._wrap_constant(x)  # the common case, without as_input's checks
        else:
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
        if self.use_bias:
            z = ops.affine(x, self.weight, self.bias)
        else:
            z = x @ self.weight
        return self.activation(z)

    @property
    def activation_name(self):
        return activations.name_of(self.activation)

    def get_config(self):
        return {
            "name": self.name,
            "units": self.units,
            "input_dim": self.input_dim,
            "activation": self.activation_name,
            "use_bias": self.use_bias,
            "kernel_initializer": init.name_of(self._kernel_initializer),
            "bias_initializer": init.name_of(self._bias_initializer),
            "dtype": self.dtype.name,
        }

    def __repr__(self):
        return f"Dense({self.units}, input_dim={self.input_dim}, activation={self.activation_name!r}, name={self.name!r})"


class Dropout(Layer):
    """Randomly zero a fraction ``rate`` of the inputs while training, scaling the rest by 1/(1-rate).

    The scaling ("inverted dropout") keeps each unit's expected value, so the
    layer is the identity in evaluation mode.
    """

    def __init__(self, rate, name=None, seed=None):
        super().__init__()
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0.0 <= rate < 1.0:
            raise ValueError(f"Dropout rate must be a number in [0, 1), got {rate!r}")
        self.rate = float(rate)
        self.name = name or _unique_name("dropout")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0):
            raise ValueError(f"Dropout seed must be None or an integer >= 0, got {seed!r}")
        self.seed = None if seed is None else int(seed)
        self._rng = np.random.default_rng(self.seed) if self.seed is not None else None

    def forward(self, x):
        if not isinstance(x, Value):
            # Keep a float batch's precision (a float32 model stays float32);
            # only integers and booleans become float64.
            kind = getattr(x, "dtype", None)
            dtype = x.dtype if kind is not None and np.dtype(kind).kind == "f" else np.float64
            x = as_input(x, dtype, f"layer {self.name!r}")
        if not self.training or self.rate == 0.0:
            return x
        rng = self._rng if self._rng is not None else init.generator()
        keep = rng.random(x.shape) >= self.rate
        return x * (keep / (1.0 - self.rate)).astype(x.dtype)

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
    """

    def __init__(self, layers=None, name=None):
        super().__init__()
        self.name = name or _unique_name("sequential")
        self.layers = []
        for layer in layers or []:
            self.add(layer)

    def add(self, layer):
        """Append a layer; once the input width is known, later layers are built right away."""
        if not isinstance(layer, Module):
            raise TypeError(f"Sequential.add expects a layer (Module), got {type(layer).__name__}")
        names = {getattr(existing, "name", None) for existing in self.layers}
        if getattr(layer, "name", None) in names:
            raise ValueError(f"a layer named {layer.name!r} is already in this model")
        self.layers.append(layer)
        self._build_known_widths()

    def _build_known_widths(self):
        width = self.input_dim
        if width is None:
            return
        for layer in self.layers:
            if not isinstance(layer, Layer):
                return
            width = layer.output_dim(width)

    @property
    def input_dim(self):
        """The number of input features, once the first layer knows it."""
        for layer in self.layers:
            if isinstance(layer, Dense):
                return layer.input_dim
            if not isinstance(layer, Dropout):
                return None
        return None

    @property
    def built(self):
        return all(getattr(layer, "built", True) for layer in self.layers)

    def output_dim(self, input_dim):
        width = input_dim
        for layer in self.layers:
            width = layer.output_dim(width)
        return width

    def _declared_output_width(self):
        """The last Dense's units when only Dense and Dropout layers follow it (None otherwise)."""
        for layer in reversed(self.layers):
            if type(layer) is Dense:
                return layer.units
            if type(layer) is not Dropout:
                return None
        return None

    def forward(self, x):
        if not self.layers:
            raise ValueError(f"model {self.name!r} has no layers; add() some first")
        for layer in self.layers:
            x = layer(x)
        return x

    def get_weights(self):
        """Every layer's arrays, in order (weight, bias, weight, bias, ...)."""
        return [w for layer in self.layers for w in layer.get_weights()]

    def set_weights(self, weights):
        _assign_weights(self.parameters(), weights, f"model {self.name!r}")

    def __getitem__(self, index):
        return self.layers[index]

    def __len__(self):
        return len(self.layers)

    def __iter__(self):
        return iter(self.layers)

    def get_config(self):
        return {"name": self.name, "layers": [{"class": type(l).__name__, "config": l.get_config()} for l in self.layers]}
