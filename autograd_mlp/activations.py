"""Activation functions g(z) on Values, each resolvable by its Keras name.

=============  ==============================  ===============================
name           g(z)                            g'(z)
=============  ==============================  ===============================
linear         z                               1
relu           max(0, z)                       1 if z > 0 else 0
sigmoid        1 / (1 + e^-z)                  g(z) (1 - g(z))
tanh           (e^2z - 1) / (e^2z + 1)         1 - g(z)²
softmax        e^z_i / Σ_j e^z_j               diag(g) - g gᵀ
leaky_relu     z if z > 0 else αz              1 if z > 0 else α
elu            z if z > 0 else α(e^z - 1)      1 if z > 0 else g(z) + α
softplus       log(1 + e^z)                    sigmoid(z)
=============  ==============================  ===============================

Each function takes a Value (or anything a Value can be made from) and
returns a Value.  ``get(name)`` finds one by name; ``get(None)`` is linear.
"""

from __future__ import annotations

from . import ops
from ._names import lookup, name_in
from .engine import Value

__all__ = ["linear", "relu", "sigmoid", "tanh", "softmax", "leaky_relu", "elu", "softplus", "get", "name_of"]


def _value(x):
    return x if isinstance(x, Value) else ops.lift(x)


def linear(x):
    """g(z) = z: the identity, for regression outputs."""
    return _value(x)


def relu(x):
    """g(z) = max(0, z); the subgradient at 0 is 0."""
    return ops.relu(x)


def sigmoid(x):
    """g(z) = 1 / (1 + e^-z), computed without overflow for any z."""
    return ops.sigmoid(x)


def tanh(x):
    """g(z) = tanh z, in [-1, 1]."""
    return ops.tanh(x)


def softmax(x, axis=-1):
    """g(z)_i = e^(z_i) / Σ_j e^(z_j) along ``axis``; stable for inputs of ±1000."""
    return ops.softmax(x, axis=axis)


def leaky_relu(x, alpha=0.01):
    """g(z) = z for z > 0, α z otherwise."""
    x = _value(x)
    if type(x.data) is float:
        # a scalar stays a Python float (ops.where would make it a 0-d array)
        return x * (1.0 if x.data > 0 else alpha)
    return ops.where(x.data > 0, x, x * alpha)


def elu(x, alpha=1.0):
    """g(z) = z for z > 0, α (e^z - 1) otherwise.

    The exponential is taken of min(z, 0) so large positive inputs cannot overflow
    in the branch that is thrown away.
    """
    x = _value(x)
    if type(x.data) is float:
        # a scalar stays a Python float; only the branch taken is computed
        return x * 1.0 if x.data > 0 else (x.exp() - 1.0) * alpha
    positive = x.data > 0
    negative_part = ops.where(positive, 0.0, x)
    return ops.where(positive, x, (negative_part.exp() - 1.0) * alpha)


def softplus(x):
    """g(z) = log(1 + e^z), a smooth relu."""
    return ops.softplus(x)


_BY_NAME = {
    "linear": linear,
    "relu": relu,
    "sigmoid": sigmoid,
    "tanh": tanh,
    "softmax": softmax,
    "leaky_relu": leaky_relu,
    "elu": elu,
    "softplus": softplus,
}


def get(identifier):
    """The activation function for a name, a function, or None (linear)."""
    if identifier is None:
        return linear
    return lookup(_BY_NAME, identifier, "activation")


def name_of(fn):
    """The registered name of an activation function (for summaries, drawings and saving)."""
    return name_in(_BY_NAME, fn)
