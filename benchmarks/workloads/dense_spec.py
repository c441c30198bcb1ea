"""The dense-network workloads W1-W3: architecture, data and initial parameters, all seeded.

Every peer of a dense workload receives the same :class:`DenseSpec`, the same
data ``(X, Y)`` and copies of the same initial parameters
``[W1, b1, W2, b2, ...]`` with ``W`` of shape (inputs, units) (the library's
and Keras' layout; PyTorch peers transpose).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Output activations each loss is paired with in these workloads.
LOSSES = {"mse": "sigmoid", "bce": "sigmoid", "cce": "softmax"}
HIDDEN_ACTIVATIONS = ("tanh", "relu", "sigmoid")


@dataclass(frozen=True)
class DenseSpec:
    """A multi-layer perceptron step: layer widths, activations, loss, batch, dtype, learning rate."""

    sizes: tuple  # (inputs, hidden..., outputs)
    activations: tuple  # one per layer, the last one the output activation
    loss: str  # "mse", "bce" (binary cross-entropy) or "cce" (categorical cross-entropy)
    batch: int
    dtype: type = np.float64
    lr: float = 0.1
    seed: int = 0

    def __post_init__(self):
        if len(self.activations) != len(self.sizes) - 1:
            raise ValueError(f"need one activation per layer: {len(self.sizes) - 1}, got {len(self.activations)}")
        if self.loss not in LOSSES:
            raise ValueError(f"loss must be one of {sorted(LOSSES)}, got {self.loss!r}")
        if self.activations[-1] != LOSSES[self.loss]:
            raise ValueError(f"loss {self.loss!r} is paired with a {LOSSES[self.loss]} output, got {self.activations[-1]!r}")
        for act in self.activations[:-1]:
            if act not in HIDDEN_ACTIVATIONS:
                raise ValueError(f"hidden activation must be one of {HIDDEN_ACTIVATIONS}, got {act!r}")

    @property
    def layers(self):
        return len(self.sizes) - 1

    def describe(self):
        widths = "-".join(str(n) for n in self.sizes)
        return f"MLP {widths} {'/'.join(self.activations)}, {self.loss}, batch {self.batch}, {np.dtype(self.dtype).name}"


def make_data(spec):
    """Inputs X (batch, inputs) and targets Y (batch, outputs) for the spec's loss, seeded."""
    rng = np.random.default_rng(spec.seed + 1)
    n, d, k = spec.batch, spec.sizes[0], spec.sizes[-1]
    if spec.loss == "cce":
        X = rng.random((n, d))
        Y = np.eye(k)[rng.integers(0, k, size=n)]
    else:
        X = rng.standard_normal((n, d))
        # A noisy linear rule, so the targets are learnable but not trivial.
        w = rng.standard_normal((d, k))
        Y = ((X @ w + 0.5 * rng.standard_normal((n, k))) > 0).astype(np.float64)
    return X.astype(spec.dtype), Y.astype(spec.dtype)


def make_params(spec):
    """``[W1, b1, W2, b2, ...]``: He-uniform weights for relu layers, Glorot-uniform otherwise; small random biases."""
    rng = np.random.default_rng(spec.seed)
    params = []
    for fan_in, fan_out, act in zip(spec.sizes[:-1], spec.sizes[1:], spec.activations):
        limit = np.sqrt(6.0 / fan_in) if act == "relu" else np.sqrt(6.0 / (fan_in + fan_out))
        params.append(rng.uniform(-limit, limit, size=(fan_in, fan_out)).astype(spec.dtype))
        params.append(rng.uniform(-0.1, 0.1, size=fan_out).astype(spec.dtype))
    return params


def tolerance(spec):
    """Accepted norm-wise relative gradient difference: 1e-12 in float64, 1e-4 in float32."""
    return 1e-12 if np.dtype(spec.dtype) == np.float64 else 1e-4
