"""The dense workloads as pure functions of the parameters, for JAX (jit) and HIPS autograd.

Both take the loss as a function ``loss(params, X, Y)`` built from a
numpy-like module, and differentiate it; the output activation is fused with
its loss exactly as in the library and the hand-written step.
"""

from __future__ import annotations

import numpy as np

from .base import Peer, Unavailable


def make_loss(spec, xp, logsumexp):
    """``loss(params, X, Y)`` for the spec, written with the array module ``xp``."""

    def sigmoid(z):
        return 0.5 * xp.tanh(0.5 * z) + 0.5

    hidden = {"tanh": xp.tanh, "relu": lambda z: xp.maximum(z, 0.0), "sigmoid": sigmoid}

    def loss(params, X, Y):
        a = X
        L = spec.layers
        for l in range(L):
            z = a @ params[2 * l] + params[2 * l + 1]
            if l < L - 1:
                a = hidden[spec.activations[l]](z)
        if spec.loss == "mse":
            diff = sigmoid(z) - Y
            return xp.mean(diff * diff)
        if spec.loss == "bce":
            return xp.mean(xp.logaddexp(0.0, z) - Y * z)
        lse = logsumexp(z, axis=1, keepdims=True)
        return xp.mean(xp.sum(Y * (lse - z), axis=1))

    return loss


class JaxDense(Peer):
    """The whole step (value_and_grad and the SGD update) compiled by ``jax.jit``; parameters donated."""

    name = "jax.jit"

    def __init__(self, spec, X, Y, params):
        try:
            import jax
        except ImportError:
            raise Unavailable("jax is not installed (pip install jax jaxlib)") from None
        # float64 arrays need x64 mode; float32 arrays stay float32 under it.
        jax.config.update("jax_enable_x64", True)
        import jax.numpy as jnp
        from jax.scipy.special import logsumexp

        self.jax = jax
        self.spec = spec
        loss = make_loss(spec, jnp, logsumexp)
        self._value_and_grad = jax.jit(jax.value_and_grad(loss))
        lr = spec.lr

        def step(params, X, Y):
            value, grads = jax.value_and_grad(loss)(params, X, Y)
            return [p - lr * g for p, g in zip(params, grads)], value

        self._step = jax.jit(step, donate_argnums=0)
        self.params = [jnp.asarray(p) for p in params]
        self.X, self.Y = jnp.asarray(X), jnp.asarray(Y)
        self.loss = None

    def step(self):
        self.params, self.loss = self._step(self.params, self.X, self.Y)

    def sync(self):
        self.jax.block_until_ready(self.params)

    def gradients(self):
        value, grads = self._value_and_grad(self.params, self.X, self.Y)
        return float(value), [np.asarray(g) for g in grads]

    def parameters(self):
        return [np.asarray(p).copy() for p in self.params]


class HipsDense(Peer):
    """HIPS autograd's ``value_and_grad`` of the loss, then an in-place SGD update."""

    name = "hips-autograd"

    def __init__(self, spec, X, Y, params):
        try:
            import autograd
            import autograd.numpy as anp
            from autograd.scipy.special import logsumexp
        except ImportError:
            raise Unavailable("HIPS autograd is not installed (pip install autograd)") from None
        self.spec = spec
        self._value_and_grad = autograd.value_and_grad(make_loss(spec, anp, logsumexp))
        self.params = [np.array(p) for p in params]
        self.X, self.Y = X, Y

    def step(self):
        _, grads = self._value_and_grad(self.params, self.X, self.Y)
        lr = self.spec.lr
        for p, g in zip(self.params, grads):
            p -= lr * g

    def gradients(self):
        value, grads = self._value_and_grad(self.params, self.X, self.Y)
        return float(value), [np.array(g) for g in grads]

    def parameters(self):
        return [p.copy() for p in self.params]
