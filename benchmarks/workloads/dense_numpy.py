"""Hand-written numpy for the dense workloads: the physical limit a framework is measured against.

Every buffer is allocated once, every numpy call writes with ``out=``, and the
math is the framework's: the output activation is fused with its loss, so the
output adjoint is ``(σ(z) - y)/N`` for binary cross-entropy and
``(softmax(z) - y)/n`` for categorical cross-entropy.  For one layer with
input a, weight W, bias b and activation g:

    forward   z = a W + b,  a' = g(z)
    backward  dW = aᵀ dz,   db = Σ_rows dz,   da = dz Wᵀ,   dz_prev = da ⊙ g'(z_prev)
    update    W ← W - λ dW,  b ← b - λ db
"""

from __future__ import annotations

import numpy as np

from .base import Peer


class HandDense(Peer):
    """One SGD step of a :class:`DenseSpec` network in preallocated numpy buffers."""

    name = "hand-numpy"

    def __init__(self, spec, X, Y, params):
        self.spec = spec
        self.X, self.Y = X, Y
        dt = spec.dtype
        n = spec.batch
        self.W = [np.array(p, dtype=dt) for p in params[0::2]]
        self.b = [np.array(p, dtype=dt) for p in params[1::2]]
        widths = spec.sizes[1:]
        self.z = [np.empty((n, k), dtype=dt) for k in widths]
        # a[0] is the input; a[l] for 1 <= l < L the hidden activations.
        self.a = [X] + [np.empty((n, k), dtype=dt) for k in widths[:-1]]
        self.dz = [np.empty((n, k), dtype=dt) for k in widths]
        self.tmp = [np.empty((n, k), dtype=dt) for k in widths]
        self.mask = [np.empty((n, k), dtype=bool) for k in widths]
        self.dW = [np.empty_like(w) for w in self.W]
        self.db = [np.empty_like(b) for b in self.b]
        self.p = np.empty((n, widths[-1]), dtype=dt)
        self.row = np.empty((n, 1), dtype=dt)
        self.row_max = np.empty((n, 1), dtype=dt)
        self.y_rows = Y.sum(axis=1, keepdims=True).astype(dt)
        self.loss = None

    # ------------------------------------------------------------ pieces
    def _activate(self, act, z, out):
        if act == "tanh":
            np.tanh(z, out=out)
        elif act == "relu":
            np.maximum(z, 0, out=out)
        else:  # sigmoid(z) = (1 + tanh(z/2)) / 2, which never overflows
            np.multiply(z, 0.5, out=out)
            np.tanh(out, out=out)
            out *= 0.5
            out += 0.5

    def _derivative_into(self, act, l, dz):
        """dz ⊙= g'(z_l), from the stored activation a = g(z_l)."""
        a = self.a[l + 1]
        if act == "relu":
            np.greater(self.z[l], 0, out=self.mask[l])
            np.multiply(dz, self.mask[l], out=dz)
            return
        tmp = self.tmp[l]
        if act == "tanh":  # 1 - a²
            np.multiply(a, a, out=tmp)
            np.subtract(1.0, tmp, out=tmp)
        else:  # sigmoid: a (1 - a)
            np.subtract(1.0, a, out=tmp)
            tmp *= a
        np.multiply(dz, tmp, out=dz)

    def _output_and_loss(self):
        """Loss value, and the output adjoint in dz[-1]."""
        spec, z, p, dz, Y = self.spec, self.z[-1], self.p, self.dz[-1], self.Y
        N = z.size
        if spec.loss == "mse":
            # L = mean (σ(z) - y)²,  dL/dz = 2/N (p - y) p (1 - p)
            self._activate("sigmoid", z, p)
            np.subtract(p, Y, out=dz)
            flat = dz.reshape(-1)
            loss = float(np.dot(flat, flat)) / N
            tmp = self.tmp[-1]
            np.subtract(1.0, p, out=tmp)
            tmp *= p
            dz *= tmp
            dz *= 2.0 / N
        elif spec.loss == "bce":
            # L = mean softplus(z) - y z,  dL/dz = (σ(z) - y) / N
            tmp = self.tmp[-1]
            np.logaddexp(0.0, z, out=tmp)
            loss = (float(tmp.sum()) - float(np.vdot(Y, z))) / N
            self._activate("sigmoid", z, p)
            np.subtract(p, Y, out=dz)
            dz *= 1.0 / N
        else:
            # L = 1/n Σ_rows [Σy · logsumexp(z) - Σ y z],  dL/dz = (softmax(z) Σy - y) / n
            n = z.shape[0]
            np.max(z, axis=1, keepdims=True, out=self.row_max)
            np.subtract(z, self.row_max, out=p)
            np.exp(p, out=p)
            np.sum(p, axis=1, keepdims=True, out=self.row)
            p /= self.row
            np.log(self.row, out=self.row)
            self.row += self.row_max
            loss = (float(np.vdot(self.y_rows, self.row)) - float(np.vdot(Y, z))) / n
            np.multiply(p, self.y_rows, out=dz)
            dz -= Y
            dz *= 1.0 / n
        return loss

    def _forward_backward(self):
        spec, L = self.spec, self.spec.layers
        for l in range(L):
            np.matmul(self.a[l], self.W[l], out=self.z[l])
            self.z[l] += self.b[l]
            if l < L - 1:
                self._activate(spec.activations[l], self.z[l], self.a[l + 1])
        self.loss = self._output_and_loss()
        for l in range(L - 1, -1, -1):
            np.matmul(self.a[l].T, self.dz[l], out=self.dW[l])
            np.sum(self.dz[l], axis=0, out=self.db[l])
            if l > 0:
                np.matmul(self.dz[l], self.W[l].T, out=self.dz[l - 1])
                self._derivative_into(spec.activations[l - 1], l - 1, self.dz[l - 1])

    # ------------------------------------------------------------- peer
    def step(self):
        self._forward_backward()
        lr = self.spec.lr
        for W, dW, b, db in zip(self.W, self.dW, self.b, self.db):
            dW *= lr
            W -= dW
            db *= lr
            b -= db

    def gradients(self):
        self._forward_backward()
        grads = []
        for dW, db in zip(self.dW, self.db):
            grads += [dW.copy(), db.copy()]
        return self.loss, grads

    def parameters(self):
        params = []
        for W, b in zip(self.W, self.b):
            params += [W.copy(), b.copy()]
        return params
