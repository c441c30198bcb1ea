"""W5: a long chain of scalar operations, then backward; the cost per graph node.

    x₀ = 1,   x_{i+1} = c · x_i + d   (two nodes: a product and a sum),   dx_N/dx₀ = c^(N/2)

With c = 1 + 1/ops the derivative stays near e^(1/2) whatever the length, so
the gradient is a meaningful number to compare and nothing over- or underflows.
A "step" builds the whole chain and differentiates it; times are per node.
"""

from __future__ import annotations

import math

from .base import Peer, Unavailable


def constants(ops):
    return 1.0 + 1.0 / ops, 1e-3


class HandChain(Peer):
    """Python floats: the forward loop, then the backward product, with nothing recorded."""

    name = "hand (Python floats)"

    def __init__(self, ops):
        self.ops = self.units = ops
        self.c, self.d = constants(ops)

    def _run(self):
        c, d = self.c, self.d
        x = 1.0
        for _ in range(self.ops // 2):
            x = x * c + d
        g = 1.0
        for _ in range(self.ops // 2):
            g = g * 1.0  # adjoint of + d
            g = g * c  # adjoint of · c
        return x, g

    def step(self):
        self._run()

    def gradients(self):
        x, g = self._run()
        return x, [g]


class LibraryChain(Peer):
    """The chain on this library's scalar ``Value``; subclasses run the same loop on another Value class."""

    name = "autograd_mlp"

    def __init__(self, ops):
        from autograd_mlp import Value

        self.Value = Value
        self.ops = self.units = ops
        self.c, self.d = constants(ops)

    def _run(self):
        c, d = self.c, self.d
        x0 = self.Value(1.0)
        x = x0
        for _ in range(self.ops // 2):
            x = x * c + d
        x.backward()
        return x, x0

    def step(self):
        self._run()

    def gradients(self):
        x, x0 = self._run()
        return float(x.data), [float(x0.grad)]


class TorchChain(Peer):
    def __init__(self, ops, threads):
        try:
            import torch
        except ImportError:
            raise Unavailable("torch is not installed (pip install torch)") from None
        torch.set_num_threads(threads)
        self.torch = torch
        self.name = "torch"
        self.ops = self.units = ops
        self.c, self.d = constants(ops)

    def _run(self):
        c, d = self.c, self.d
        x0 = self.torch.tensor(1.0, dtype=self.torch.float64, requires_grad=True)
        x = x0
        for _ in range(self.ops // 2):
            x = x * c + d
        x.backward()
        return x, x0

    def step(self):
        self._run()

    def gradients(self):
        x, x0 = self._run()
        return float(x.detach()), [float(x0.grad)]


class HipsChain(Peer):
    def __init__(self, ops):
        try:
            import autograd
        except ImportError:
            raise Unavailable("HIPS autograd is not installed (pip install autograd)") from None
        self.name = "hips-autograd"
        self.ops = self.units = ops
        c, d = constants(ops)

        def chain(x):
            for _ in range(ops // 2):
                x = x * c + d
            return x

        self._value_and_grad = autograd.value_and_grad(chain)

    def step(self):
        self._value_and_grad(1.0)

    def gradients(self):
        x, g = self._value_and_grad(1.0)
        return float(x), [float(g)]


class MicrogradChain(LibraryChain):
    """micrograd's recursive topological sort is expected to stop at Python's recursion limit."""

    def __init__(self, ops):
        try:
            from micrograd.engine import Value
        except ImportError:
            raise Unavailable("micrograd is not installed (pip install micrograd)") from None
        self.Value = Value
        self.name = "micrograd"
        self.ops = self.units = ops
        self.c, self.d = constants(ops)


def expected(ops):
    """The exact derivative c^(ops/2), for a sanity check of the hand peer."""
    c, _ = constants(ops)
    return math.pow(c, ops // 2)
