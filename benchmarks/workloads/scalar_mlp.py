"""W4, micrograd's own demo: a scalar MLP 2-16-16-1 (relu, relu, linear) with the SVM max-margin loss.

    score = MLP(x),   L = mean_i relu(1 - y_i score_i) + α Σ_p p²,   α = 1e-4,   p ← p - λ ∂L/∂p

on 100 two-moons points with labels ±1.  Three implementations: this library
with scalar ``Value``s written micrograd-style (lists of Values,
``sum(w*x for ...)``), micrograd itself, and the same step batched in numpy.
Parameters are ``[W1 (2,16), b1 (16,), W2 (16,16), b2, W3 (16,1), b3 (1,)]``;
neuron j of layer l holds ``w[k] = W[k, j]`` and ``b = b[j]``.
"""

from __future__ import annotations

import numpy as np

from .base import Peer, Unavailable

SIZES = (2, 16, 16, 1)
ALPHA = 1e-4
LR = 0.1


def make_moons(n=100, noise=0.1, seed=0):
    """Two interleaving half circles (scikit-learn's make_moons, rewritten), labels ±1."""
    rng = np.random.default_rng(seed)
    n_out = n // 2
    n_in = n - n_out
    t_out = np.linspace(0, np.pi, n_out)
    t_in = np.linspace(0, np.pi, n_in)
    X = np.concatenate([
        np.stack([np.cos(t_out), np.sin(t_out)], axis=1),
        np.stack([1 - np.cos(t_in), 1 - np.sin(t_in) - 0.5], axis=1),
    ])
    X += noise * rng.standard_normal(X.shape)
    y = np.concatenate([-np.ones(n_out), np.ones(n_in)])
    return X, y


def make_params(seed=0):
    """Weights uniform in [-1, 1] as micrograd draws them; small random biases so none start equal."""
    rng = np.random.default_rng(seed)
    params = []
    for fan_in, fan_out in zip(SIZES[:-1], SIZES[1:]):
        params.append(rng.uniform(-1, 1, size=(fan_in, fan_out)))
        params.append(rng.uniform(-0.1, 0.1, size=fan_out))
    return params


# ------------------------------------------------------------ hand numpy
class HandScalarMLP(Peer):
    """The same step on whole arrays: the floor for what the scalar graphs compute."""

    name = "hand-numpy"

    def __init__(self, X, y, params):
        self.X = X
        self.y = y.reshape(-1, 1)
        self.params = [p.copy() for p in params]
        self.loss = None

    def _grads(self):
        X, y = self.X, self.y
        W1, b1, W2, b2, W3, b3 = self.params
        z1 = X @ W1 + b1
        h1 = np.maximum(z1, 0)
        z2 = h1 @ W2 + b2
        h2 = np.maximum(z2, 0)
        s = h2 @ W3 + b3
        margin = 1 - y * s
        n = len(y)
        self.loss = float(np.maximum(margin, 0).mean() + ALPHA * sum(float(np.vdot(p, p)) for p in self.params))
        ds = -(y * (margin > 0)) / n
        dW3, db3 = h2.T @ ds, ds.sum(0)
        dz2 = (ds @ W3.T) * (z2 > 0)
        dW2, db2 = h1.T @ dz2, dz2.sum(0)
        dz1 = (dz2 @ W2.T) * (z1 > 0)
        dW1, db1 = X.T @ dz1, dz1.sum(0)
        grads = [dW1, db1, dW2, db2, dW3, db3]
        return [g + 2 * ALPHA * p for g, p in zip(grads, self.params)]

    def step(self):
        for p, g in zip(self.params, self._grads()):
            p -= LR * g

    def gradients(self):
        grads = self._grads()
        return self.loss, grads

    def parameters(self):
        return [p.copy() for p in self.params]


# ------------------------------------------------- micrograd-style scalar code
def _neurons_from(params, value_cls):
    """Per layer, per neuron: (list of weight Values, bias Value) built from the arrays."""
    layers = []
    for W, b in zip(params[0::2], params[1::2]):
        layers.append([([value_cls(float(W[k, j])) for k in range(W.shape[0])], value_cls(float(b[j])))
                       for j in range(W.shape[1])])
    return layers


def _arrays_from(layers, attr):
    """The inverse of :func:`_neurons_from`, reading ``attr`` ('data' or 'grad') of every Value."""
    arrays = []
    for neurons in layers:
        W = np.array([[getattr(w, attr) for w in ws] for ws, _ in neurons]).T
        b = np.array([getattr(bias, attr) for _, bias in neurons])
        arrays += [W, b]
    return arrays


class _ScalarMLP:
    """micrograd's MLP shape written against any Value class: relu on hidden layers, linear output."""

    def __init__(self, layers):
        self.layers = layers

    def __call__(self, x):
        last = len(self.layers) - 1
        for l, neurons in enumerate(self.layers):
            out = []
            for ws, b in neurons:
                act = sum((wi * xi for wi, xi in zip(ws, x)), b)
                out.append(act.relu() if l < last else act)
            x = out
        return x[0]

    def parameters(self):
        return [p for neurons in self.layers for ws, b in neurons for p in ws + [b]]


def _svm_loss(model, inputs, labels, params):
    scores = [model(x) for x in inputs]
    losses = [(1 + -yi * si).relu() for yi, si in zip(labels, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = ALPHA * sum(p * p for p in params)
    return data_loss + reg_loss


class LibraryScalarMLP(Peer):
    """This library's scalar ``Value``s in micrograd's own code (two nodes per weight), for comparison."""

    def __init__(self, X, y, params, gc_off=False, compiled=False):
        from autograd_mlp import SGD, Value, jit

        self.Value = Value
        self.name = "autograd_mlp, micrograd-style code (gc off)" if gc_off else "autograd_mlp, micrograd-style code"
        if compiled:
            self.name = "autograd_mlp jit, micrograd-style code"
        self.gc_off = gc_off
        # Python floats: a numpy float64 would become a 0-d array Value (the array path).
        self.rows = X.tolist()
        self.labels = y.tolist()
        self.model = _ScalarMLP(_neurons_from(params, Value))
        self.params = self.model.parameters()
        self.optimizer = SGD(self.params, lr=LR)
        if compiled:
            self.step = jit(self.step)  # the data is fixed: everything but the parameters is a constant

    def _loss(self):
        Value = self.Value
        inputs = [[Value(v) for v in row] for row in self.rows]
        return _svm_loss(self.model, inputs, self.labels, self.params)

    def step(self):
        self.optimizer.zero_grad()
        self._loss().backward()
        self.optimizer.step()

    def gradients(self):
        self.optimizer.zero_grad()
        loss = self._loss()
        loss.backward()
        grads = _arrays_from(self.model.layers, "grad")
        self.optimizer.zero_grad()
        return float(loss.data), grads

    def parameters(self):
        return _arrays_from(self.model.layers, "data")


class LibraryNeuronMLP(Peer):
    """This library's scalar network, ``autograd_mlp.nn.scalar.ScalarMLP`` (one graph node per
    neuron's weighted sum), with micrograd's loss and ``SGD(params, lr=...)``."""

    def __init__(self, X, y, params, gc_off=False, compiled=False):
        from autograd_mlp import SGD, jit
        from autograd_mlp.nn.scalar import ScalarMLP

        self.name = "autograd_mlp (gc off)" if gc_off else "autograd_mlp"
        if compiled:
            self.name = "autograd_mlp jit"
        self.gc_off = gc_off
        self.rows = X.tolist()
        self.labels = y.tolist()
        sizes = [W.shape[1] for W in params[0::2]]
        self.model = ScalarMLP(params[0].shape[0], sizes, activation="relu", output_activation="linear")
        for layer, W, b in zip(self.model.layers, params[0::2], params[1::2]):
            for j, neuron in enumerate(layer.neurons):
                for k, w in enumerate(neuron.w):
                    w.data = float(W[k, j])
                neuron.b.data = float(b[j])
        self.params = self.model.parameters()
        self.optimizer = SGD(self.params, lr=LR)
        if compiled:
            self.step = jit(self.step)

    def _loss(self):
        return _svm_loss(self.model, self.rows, self.labels, self.params)

    def step(self):
        self.optimizer.zero_grad()
        self._loss().backward()
        self.optimizer.step()

    def _arrays(self, attr):
        arrays = []
        for layer in self.model.layers:
            W = np.array([[getattr(w, attr) for w in neuron.w] for neuron in layer.neurons]).T
            b = np.array([getattr(neuron.b, attr) for neuron in layer.neurons])
            arrays += [W, b]
        return arrays

    def gradients(self):
        self.optimizer.zero_grad()
        loss = self._loss()
        loss.backward()
        grads = self._arrays("grad")
        self.optimizer.zero_grad()
        return float(loss.data), grads

    def parameters(self):
        return self._arrays("data")


def import_micrograd():
    try:
        from micrograd.engine import Value
    except ImportError:
        raise Unavailable("micrograd is not installed (pip install micrograd)") from None
    return Value


class MicrogradMLP(Peer):
    """micrograd's own ``MLP(2, [16, 16, 1])`` with the demo's loss and update loop."""

    def __init__(self, X, y, params, gc_off=False):
        Value = import_micrograd()
        from micrograd.nn import MLP

        self.Value = Value
        self.name = "micrograd (gc off)" if gc_off else "micrograd (gc on)"
        self.gc_off = gc_off
        self.rows = X.tolist()
        self.labels = y.tolist()
        self.model = MLP(SIZES[0], list(SIZES[1:]))
        layers = _neurons_from(params, float)
        for mlayer, neurons in zip(self.model.layers, layers):
            for mneuron, (ws, b) in zip(mlayer.neurons, neurons):
                for mw, w in zip(mneuron.w, ws):
                    mw.data = w
                mneuron.b.data = b
        self.params = self.model.parameters()

    def _loss(self):
        Value = self.Value
        inputs = [list(map(Value, row)) for row in self.rows]
        return _svm_loss(self.model, inputs, self.labels, self.params)

    def step(self):
        loss = self._loss()
        self.model.zero_grad()
        loss.backward()
        for p in self.params:
            p.data -= LR * p.grad

    def _layers(self):
        return [[(n.w, n.b) for n in layer.neurons] for layer in self.model.layers]

    def gradients(self):
        loss = self._loss()
        self.model.zero_grad()
        loss.backward()
        return float(loss.data), _arrays_from(self._layers(), "grad")

    def parameters(self):
        return _arrays_from(self._layers(), "data")
