"""The dense workloads in PyTorch, written as a PyTorch user would: nn.Sequential, a loss module, torch.optim.SGD.

The softmax output with categorical cross-entropy is PyTorch's
``CrossEntropyLoss`` on the logits (the same function); sigmoid outputs keep
their ``nn.Sigmoid`` layer followed by ``MSELoss`` or ``BCELoss``.
"""

from __future__ import annotations

import numpy as np

from .base import Peer, Unavailable


def import_torch():
    try:
        import torch
    except ImportError:
        raise Unavailable("torch is not installed (pip install torch)") from None
    return torch


class TorchDense(Peer):
    name = "torch"

    def __init__(self, spec, X, Y, params, threads):
        torch = import_torch()
        torch.set_num_threads(threads)
        nn = torch.nn
        self.torch = torch
        dtype = torch.float64 if np.dtype(spec.dtype) == np.float64 else torch.float32
        acts = {"tanh": nn.Tanh, "relu": nn.ReLU, "sigmoid": nn.Sigmoid}
        modules = []
        self.linears = []
        for i, (fan_in, units, act) in enumerate(zip(spec.sizes[:-1], spec.sizes[1:], spec.activations)):
            linear = nn.Linear(fan_in, units, dtype=dtype)
            with torch.no_grad():
                # nn.Linear stores its weight as (units, inputs): the transpose of ours.
                linear.weight.copy_(torch.from_numpy(np.ascontiguousarray(params[2 * i].T)))
                linear.bias.copy_(torch.from_numpy(params[2 * i + 1]))
            self.linears.append(linear)
            modules.append(linear)
            if act != "softmax":
                modules.append(acts[act]())
        self.model = nn.Sequential(*modules)
        self.X = torch.from_numpy(X)
        if spec.loss == "cce":
            self.loss_fn = nn.CrossEntropyLoss()
            self.Y = torch.from_numpy(np.argmax(Y, axis=1))
        else:
            self.loss_fn = nn.MSELoss() if spec.loss == "mse" else nn.BCELoss()
            self.Y = torch.from_numpy(Y)
        self.optimizer = torch.optim.SGD(self.model.parameters(), lr=spec.lr)

    def step(self):
        self.optimizer.zero_grad()
        loss = self.loss_fn(self.model(self.X), self.Y)
        loss.backward()
        self.optimizer.step()

    def _ours(self, tensors):
        """Tensors of the linears ([weight, bias] each) in our layout ([W (in, out), b])."""
        arrays = []
        for weight, bias in zip(tensors[0::2], tensors[1::2]):
            arrays += [weight.detach().numpy().T.copy(), bias.detach().numpy().copy()]
        return arrays

    def gradients(self):
        self.optimizer.zero_grad()
        loss = self.loss_fn(self.model(self.X), self.Y)
        loss.backward()
        grads = self._ours([t for lin in self.linears for t in (lin.weight.grad, lin.bias.grad)])
        self.optimizer.zero_grad()
        return float(loss.detach()), grads

    def parameters(self):
        return self._ours([t for lin in self.linears for t in (lin.weight, lin.bias)])
