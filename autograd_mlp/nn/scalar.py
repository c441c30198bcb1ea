"""Networks of scalar Values, neuron by neuron, as the course draws them.

Every weight is its own ``Value`` holding a Python float, so a student can
print, draw and differentiate a network one number at a time (the API follows
micrograd's ``Neuron`` / ``Layer`` / ``MLP``).  A neuron computes

    a = g(Σ_j w_j x_j + b)

with the weighted sum as one node of the graph (:func:`autograd_mlp.ops.weighted_sum`),
which keeps the graph small and training fast.  For real data use
:class:`autograd_mlp.nn.Dense`, which does the same on whole arrays.
"""

from __future__ import annotations

from .. import activations, ops
from ..engine import Value
from . import init
from .module import Module

__all__ = ["Neuron", "NeuronLayer", "ScalarMLP"]


class Neuron(Module):
    """One neuron with ``n_inputs`` scalar weights and a bias: ``g(Σ w_j x_j + b)``.

    ``activation`` is a name (``"relu"``, ``"tanh"``, ``"sigmoid"``, ``"linear"``) or a function.
    Weights start uniform in [-1, 1) from the library's seeded generator, the bias at 0.
    """

    def __init__(self, n_inputs, activation="relu"):
        super().__init__()
        if isinstance(n_inputs, bool) or not isinstance(n_inputs, int) or n_inputs < 1:
            raise ValueError(f"n_inputs must be a positive integer, got {n_inputs!r}")
        rng = init.generator()
        self.w = [Value(float(rng.uniform(-1.0, 1.0))) for _ in range(n_inputs)]
        self.b = Value(0.0)
        self.activation = activations.get(activation)

    def forward(self, x):
        if len(x) != len(self.w):
            raise ValueError(f"this neuron has {len(self.w)} inputs, got {len(x)} values")
        return self.activation(ops.weighted_sum(self.w, x, self.b))

    def __repr__(self):
        return f"Neuron({len(self.w)}, activation={activations.name_of(self.activation)!r})"


class NeuronLayer(Module):
    """``n_outputs`` neurons reading the same ``n_inputs`` values; returns a list of Values."""

    def __init__(self, n_inputs, n_outputs, activation="relu"):
        super().__init__()
        if isinstance(n_outputs, bool) or not isinstance(n_outputs, int) or n_outputs < 1:
            raise ValueError(f"n_outputs must be a positive integer, got {n_outputs!r}")
        self.neurons = [Neuron(n_inputs, activation) for _ in range(n_outputs)]

    def forward(self, x):
        return [neuron(x) for neuron in self.neurons]


class ScalarMLP(Module):
    """A multi-layer perceptron of scalar neurons: ``ScalarMLP(2, [16, 16, 1])``.

    Hidden layers use ``activation``; the last layer uses ``output_activation``
    (linear by default, as in micrograd).  Calling it on a list of numbers or
    Values returns a list of output Values (a single Value when there is one output).
    """

    def __init__(self, n_inputs, layer_sizes, activation="relu", output_activation="linear"):
        super().__init__()
        sizes = [n_inputs, *layer_sizes]
        self.layers = [
            NeuronLayer(sizes[i], sizes[i + 1], activation if i < len(layer_sizes) - 1 else output_activation)
            for i in range(len(layer_sizes))
        ]

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x[0] if len(x) == 1 else x
