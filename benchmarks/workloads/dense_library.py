"""The dense workloads through this library's public API: Sequential, Dense, losses, SGD."""

from __future__ import annotations

import numpy as np

from .base import Peer

_LOSS_NAMES = {"mse": "mean_squared_error", "bce": "binary_crossentropy", "cce": "categorical_crossentropy"}


class LibraryDense(Peer):
    """``Sequential([Dense(...), ...])`` trained with ``SGD(model.parameters(), lr=...)``."""

    name = "autograd_mlp"

    def __init__(self, spec, X, Y, params):
        from autograd_mlp import SGD, Dense, Sequential, losses

        self.spec, self.X, self.Y = spec, X, Y
        layers = [
            Dense(units, input_dim=fan_in, activation=act, dtype=spec.dtype)
            for fan_in, units, act in zip(spec.sizes[:-1], spec.sizes[1:], spec.activations)
        ]
        self.model = Sequential(layers)
        for i, layer in enumerate(layers):
            layer.set_weights([params[2 * i], params[2 * i + 1]])
        self.loss_fn = losses.get(_LOSS_NAMES[spec.loss])
        self.params = self.model.parameters()
        self.optimizer = SGD(self.params, lr=spec.lr)

    def step(self):
        self.optimizer.zero_grad()
        loss = self.loss_fn(self.Y, self.model(self.X))
        loss.backward()
        self.optimizer.step()

    def gradients(self):
        self.optimizer.zero_grad()
        loss = self.loss_fn(self.Y, self.model(self.X))
        loss.backward()
        grads = [np.array(p.grad, copy=True) for p in self.params]
        self.optimizer.zero_grad()
        return float(loss.data), grads

    def parameters(self):
        return [np.array(p.data, copy=True) for p in self.params]


class LibraryDenseJit(LibraryDense):
    """The same PyTorch-style step compiled with ``autograd_mlp.jit``: recorded once, then replayed."""

    name = "autograd_mlp jit"

    def __init__(self, spec, X, Y, params):
        super().__init__(spec, X, Y, params)
        from autograd_mlp import jit

        model, loss_fn, optimizer = self.model, self.loss_fn, self.optimizer

        def train_step(x, y):
            optimizer.zero_grad()
            loss = loss_fn(y, model(x))
            loss.backward()
            optimizer.step()
            return loss

        self.compiled = jit(train_step)

    def step(self):
        self.compiled(self.X, self.Y)


class LibraryDenseTrainOnBatch(LibraryDense):
    """The Keras workflow: ``compile(optimizer=SGD(learning_rate=...), loss=...)`` then
    ``train_on_batch(X, Y)``, which checks its arguments and runs the model's compiled step."""

    name = "autograd_mlp train_on_batch"

    def __init__(self, spec, X, Y, params):
        super().__init__(spec, X, Y, params)
        from autograd_mlp import SGD

        self.model.compile(optimizer=SGD(learning_rate=spec.lr), loss=_LOSS_NAMES[spec.loss])
        self.optimizer = self.model.optimizer
        self.model.train_on_batch(X, Y)  # binds the optimizer to the parameters
        for i, layer in enumerate(self.model.layers):  # and back to the shared initial weights
            layer.set_weights([params[2 * i], params[2 * i + 1]])

    def step(self):
        self.model.train_on_batch(self.X, self.Y)
