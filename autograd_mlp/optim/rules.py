"""The optimizers' update rules, each under Keras's rule and under PyTorch's.

For a parameter θ with gradient g (after clipping and weight decay, see
:mod:`.base`), learning rate λ and step t (from 1).  Where the two libraries
agree, one line is given.

SGD, momentum μ (velocity v, 0 at first)
    Keras:    v ← μ v − λ g;   θ ← θ + v          Nesterov: θ ← θ + μ v − λ g
    PyTorch:  v ← μ v + g;     θ ← θ − λ v        Nesterov: θ ← θ − λ (g + μ v)
    With a constant λ both give the same weights; when λ changes (a schedule,
    ``ReduceLROnPlateau``) they part: Keras's v carries the old λ, PyTorch's does not.
RMSprop, ρ, ε, momentum μ, centered (s and a start at 0)
    both:     s ← ρ s + (1−ρ) g²;   centered: a ← ρ a + (1−ρ) g, and s − a² replaces s below
    Keras:    Δ = λ g / √(s + ε);             momentum: v ← μ v + Δ, θ ← θ − v; else θ ← θ − Δ
    PyTorch:  Δ = g / (√s + ε);               momentum: v ← μ v + Δ, θ ← θ − λ v; else θ ← θ − λ Δ
Adagrad, initial accumulator value a₀, ε
    both:     s ← s + g² (s starts at a₀)
    Keras:    θ ← θ − λ g / √(s + ε)
    PyTorch:  θ ← θ − λ g / (√s + ε)
Adam (and AdamW, which only adds weight decay), β₁, β₂, ε (m, s start at 0; amsgrad: s ← max so far)
    both:     m ← β₁ m + (1−β₁) g;   s ← β₂ s + (1−β₂) g²
    Keras:    θ ← θ − λ √(1−β₂ᵗ)/(1−β₁ᵗ) · m / (√s + ε)     (ε added to the uncorrected √s)
    PyTorch:  θ ← θ − λ m̂ / (√ŝ + ε),  m̂ = m/(1−β₁ᵗ), ŝ = s/(1−β₂ᵗ)
Nadam, β₁, β₂, ε; μₜ = β₁ (1 − ½ · 0.96^(t·ψ)), Πₜ = μ₁ ⋯ μₜ
    both:     m, s as Adam;  θ ← θ − λ (μₜ₊₁ m / (1 − Πₜ₊₁) + (1−μₜ) g / (1 − Πₜ)) / (√ŝ + ε)
    Keras's schedule has ψ = 1; PyTorch's ``momentum_decay`` ψ defaults to 0.004.

Defaults are Keras's in both forms (ε = 1e-7, Adagrad's a₀ = 0.1, AdamW's
weight decay 0.004), where PyTorch's differ (ε = 1e-8 for Adam, 1e-10 for
Adagrad, a₀ = 0, AdamW 0.01): pass them to reproduce ``torch.optim`` exactly.
"""

from __future__ import annotations

import numpy as np

from ._args import _default, _fraction, _non_negative, _positive, _sort_positional
from .base import Optimizer

__all__ = ["SGD", "RMSprop", "Adagrad", "Adam", "AdamW", "Nadam"]


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with (Nesterov) momentum: ``SGD(learning_rate=0.01, momentum=0.0, nesterov=False)``.

    Positionally ``SGD(0.1, 0.9)`` (Keras: learning rate, momentum) or ``SGD(params, 0.1)`` (PyTorch).
    """

    def __init__(self, params=None, *args, momentum=None, nesterov=None, learning_rate=None, lr=None, **common):
        lr, hyper = _sort_positional(
            "SGD", params, args, {"momentum": momentum, "nesterov": nesterov}, learning_rate, lr
        )
        super().__init__(params, learning_rate=learning_rate, lr=lr, **common)
        self.momentum = _fraction(_default(hyper["momentum"], 0.0), "momentum")
        self.nesterov = bool(_default(hyper["nesterov"], False))
        if self.nesterov and self.momentum == 0.0:
            raise ValueError("nesterov=True needs a momentum > 0")

    def _slot_names(self):
        return ("momentum",) if self.rule == "keras" else ("velocity",)

    def _update(self, i, data, g, lr):
        # λ·g goes through a scratch buffer kept per parameter: for large
        # layers a fresh temporary per step costs page faults (W3 in benchmarks/)
        step = self._scratch(i, data)
        np.multiply(g, lr, out=step)
        mu = self.momentum
        if mu == 0.0:
            data -= step
        elif self.rule == "keras":
            v = self._slot(i, "momentum", data)
            v *= mu
            v -= step                       # v ← μ v − λ g
            if self.nesterov:
                data += v * mu - step       # θ ← θ + μ v − λ g
            else:
                data += v
        else:
            v = self._slot(i, "velocity", data)
            v *= mu
            v += g                          # v ← μ v + g
            if self.nesterov:
                np.multiply(v, mu, out=step)
                step += g
                step *= lr
            else:
                np.multiply(v, lr, out=step)
            data -= step

    def _step_source(self, me, datas, grads, buffer):
        """Plain SGD written out: θ ← θ − λ g with λ read at each replay, as step() reads it.

        The same two numpy operations as :meth:`_update` (``λ·g`` into a
        scratch, then ``θ −= scratch``), so the same bits; an array larger
        than one chunk is updated chunk by chunk through its flat view,
        which changes no number (each element is computed alone) but keeps
        the scratch in cache.  Only without momentum, weight decay or
        clipping, and only for SGD's own step(), which the guards check
        again at every replay (a change records again, with step() called).
        """
        cls = type(self)
        if (self.momentum or self.weight_decay or self.clipnorm is not None or self.clipvalue is not None
                or self.global_clipnorm is not None or cls._update is not SGD._update
                or cls.step is not Optimizer.step or cls._clipped is not Optimizer._clipped
                or cls._decayed is not Optimizer._decayed
                or cls.current_learning_rate is not Optimizer.current_learning_rate):
            return None
        # the replay updates through the program's own scratch: the parameter-sized ones that
        # step() kept while the step was recorded would only hold memory (step() makes them again)
        self.__dict__.pop("_scratch_buffers", None)
        guards = [f"{me}.momentum or {me}.weight_decay or {me}.clipnorm is not None "
                  f"or {me}.clipvalue is not None or {me}.global_clipnorm is not None"]
        # λ = current_learning_rate, read before the count grows, as step() reads it
        lines = [f"_lr = {me}.learning_rate",
                 f"if callable(_lr):\n    _lr = _float(_lr({me}.iterations))",
                 f"{me}.iterations += 1"]
        for data, grad in zip(datas, grads):
            if grad is None:  # step() skips a parameter without a gradient
                continue
            scratch, size, chunk = buffer(data)
            if size <= chunk:
                lines.append(f"_np.multiply({grad}, _lr, out={scratch})\n"
                             f"_np.subtract({data}, {scratch}, out={data})")
            else:
                lines.append(f"_f, _h = {data}.reshape(-1), {grad}.reshape(-1)\n"
                             f"for _s in range(0, {size}, {chunk}):\n"
                             f"    _x, _b = _f[_s:_s + {chunk}], {scratch}[:{size} - _s]\n"
                             f"    _np.multiply(_h[_s:_s + {chunk}], _lr, out=_b)\n"
                             f"    _np.subtract(_x, _b, out=_x)")
        return guards, lines

    def _hyper_parameters(self):
        return {"momentum": self.momentum, "nesterov": self.nesterov}


class RMSprop(Optimizer):
    """RMSprop: ``RMSprop(learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False)`` (Keras' defaults).

    ``alpha`` is PyTorch's name for rho.  Positionally ``RMSprop(learning_rate,
    rho, momentum, epsilon, centered)`` in Keras's order.
    """

    default_learning_rate = 0.001

    def __init__(self, params=None, *args, rho=None, momentum=None, epsilon=None, centered=None,
                 learning_rate=None, lr=None, alpha=None, **common):
        lr, hyper = _sort_positional(
            "RMSprop", params, args,
            {"rho": rho, "momentum": momentum, "epsilon": epsilon, "centered": centered}, learning_rate, lr,
        )
        if alpha is not None and hyper["rho"] is not None:
            raise TypeError("RMSprop: pass rho or its alias alpha, not both")
        super().__init__(params, learning_rate=learning_rate, lr=lr, **common)
        self.rho = _fraction(_default(_default(hyper["rho"], alpha), 0.9), "rho")
        self.momentum = _fraction(_default(hyper["momentum"], 0.0), "momentum")
        self.epsilon = _positive(_default(hyper["epsilon"], 1e-7), "epsilon")
        self.centered = bool(_default(hyper["centered"], False))

    def _slot_names(self):
        return ("mean_square", "average_gradient", "momentum" if self.rule == "keras" else "velocity")

    def _update(self, i, data, g, lr):
        rho = self.rho
        s = self._slot(i, "mean_square", data)
        s *= rho
        s += (1 - rho) * (g * g)
        if self.centered:
            a = self._slot(i, "average_gradient", data)
            a *= rho
            a += (1 - rho) * g
            s = s - a * a
        if self.rule == "keras":
            increment = lr * g / np.sqrt(s + self.epsilon)
            if self.momentum > 0:
                v = self._slot(i, "momentum", data)
                v *= self.momentum
                v += increment
                increment = v
            data -= increment
        else:
            increment = g / (np.sqrt(s) + self.epsilon)
            if self.momentum > 0:
                v = self._slot(i, "velocity", data)
                v *= self.momentum
                v += increment
                increment = v
            data -= lr * increment

    def _hyper_parameters(self):
        return {"rho": self.rho, "momentum": self.momentum, "epsilon": self.epsilon, "centered": self.centered}


class Adagrad(Optimizer):
    """Adagrad: ``Adagrad(learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7)`` (Keras' defaults)."""

    default_learning_rate = 0.001

    def __init__(self, params=None, *args, initial_accumulator_value=None, epsilon=None,
                 learning_rate=None, lr=None, **common):
        lr, hyper = _sort_positional(
            "Adagrad", params, args,
            {"initial_accumulator_value": initial_accumulator_value, "epsilon": epsilon}, learning_rate, lr,
        )
        super().__init__(params, learning_rate=learning_rate, lr=lr, **common)
        self.initial_accumulator_value = _non_negative(
            _default(hyper["initial_accumulator_value"], 0.1), "initial_accumulator_value")
        self.epsilon = _positive(_default(hyper["epsilon"], 1e-7), "epsilon")

    def _slot_names(self):
        return ("accumulator",)

    def _update(self, i, data, g, lr):
        s = self._slot(i, "accumulator", data, self.initial_accumulator_value)
        s += g * g
        if self.rule == "keras":
            data -= lr * g / np.sqrt(s + self.epsilon)
        else:
            data -= lr * g / (np.sqrt(s) + self.epsilon)

    def _hyper_parameters(self):
        return {"initial_accumulator_value": self.initial_accumulator_value, "epsilon": self.epsilon}


class Adam(Optimizer):
    """Adam: ``Adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False)`` (Keras' defaults).

    ``amsgrad=True`` divides by the largest second moment so far,
    s_max ← max(s_max, s), instead of s (in both rules, bias correction as above).
    """

    default_learning_rate = 0.001
    _positional = ("beta_1", "beta_2", "epsilon", "amsgrad")

    def __init__(self, params=None, *args, beta_1=None, beta_2=None, epsilon=None, amsgrad=None,
                 learning_rate=None, lr=None, **common):
        given = {"beta_1": beta_1, "beta_2": beta_2, "epsilon": epsilon}
        if "amsgrad" in self._positional:
            given["amsgrad"] = amsgrad
        elif amsgrad is not None:
            raise TypeError(f"{type(self).__name__} has no amsgrad variant")
        if "weight_decay" in self._positional:
            given = {"weight_decay": common.pop("weight_decay", None), **given}
        lr, hyper = _sort_positional(type(self).__name__, params, args, given, learning_rate, lr)
        if "weight_decay" in hyper:
            common["weight_decay"] = hyper["weight_decay"]
        super().__init__(params, learning_rate=learning_rate, lr=lr, **common)
        self.beta_1 = _fraction(_default(hyper["beta_1"], 0.9), "beta_1")
        self.beta_2 = _fraction(_default(hyper["beta_2"], 0.999), "beta_2")
        self.epsilon = _positive(_default(hyper["epsilon"], 1e-7), "epsilon")
        self.amsgrad = bool(_default(hyper.get("amsgrad"), False))

    def _slot_names(self):
        return ("m", "v", "v_max") if self.amsgrad else ("m", "v")

    def _update(self, i, data, g, lr):
        t = self.iterations  # already counts this update
        b1, b2 = self.beta_1, self.beta_2
        m = self._slot(i, "m", data)
        s = self._slot(i, "v", data)
        if self.rule == "keras":
            alpha = lr * np.sqrt(1 - b2**t) / (1 - b1**t)
            m += (g - m) * (1 - b1)
            s += (g * g - s) * (1 - b2)
            if self.amsgrad:  # the largest second moment so far replaces s
                s = np.maximum(self._slot(i, "v_max", data), s, out=self._slot(i, "v_max", data))
            data -= m * alpha / (np.sqrt(s) + self.epsilon)
        else:
            m *= b1
            m += (1 - b1) * g
            s *= b2
            s += (1 - b2) * (g * g)
            if self.amsgrad:
                s = np.maximum(self._slot(i, "v_max", data), s, out=self._slot(i, "v_max", data))
            m_hat = m / (1 - b1**t)
            s_hat = s / (1 - b2**t)
            data -= lr * m_hat / (np.sqrt(s_hat) + self.epsilon)

    def _hyper_parameters(self):
        config = {"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}
        if "amsgrad" in self._positional:
            config["amsgrad"] = self.amsgrad
        return config


class AdamW(Adam):
    """Adam with decoupled weight decay: ``AdamW(learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7)``.

    Positionally in Keras's order (learning rate, weight decay, β₁, β₂, ε).
    Under both rules the decay is θ ← θ − λ δ θ before Adam's step.
    """

    default_weight_decay = 0.004
    torch_decoupled_decay = True
    _positional = ("weight_decay", "beta_1", "beta_2", "epsilon", "amsgrad")


class Nadam(Adam):
    """Nadam (Adam with Nesterov momentum): ``Nadam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7)``.

    ``momentum_decay`` is ψ in the momentum schedule μₜ = β₁ (1 − ½·0.96^(t·ψ)):
    1 under Keras's rule (Keras has no such argument), PyTorch's 0.004 under
    PyTorch's, unless given.
    """

    _positional = ("beta_1", "beta_2", "epsilon")

    def __init__(self, params=None, *args, momentum_decay=None, **kwargs):
        super().__init__(params, *args, **kwargs)
        psi = _default(momentum_decay, 1.0 if self.rule == "keras" else 0.004)
        self.momentum_decay = _positive(psi, "momentum_decay")

    def _products(self, t):
        """(Πₜ, Πₜ₊₁) for step t, kept from the previous step (and rebuilt after set_state or a copy)."""
        cache = self.__dict__.get("_product_cache")
        if cache is None or cache[0] != t - 1:
            product = 1.0
            for k in range(1, t):
                product *= self._mu(k)
        else:
            product = cache[1]
        product_t = product * self._mu(t)
        self._product_cache = (t, product_t)
        return product_t, product_t * self._mu(t + 1)

    def _mu(self, t):
        return self.beta_1 * (1.0 - 0.5 * 0.96 ** (t * self.momentum_decay))

    def step(self):
        self._step_products = self._products(self.iterations + 1)
        super().step()

    def _update(self, i, data, g, lr):
        t = self.iterations
        b1, b2 = self.beta_1, self.beta_2
        mu_t, mu_next = self._mu(t), self._mu(t + 1)
        product_t, product_next = self._step_products
        m = self._slot(i, "m", data)
        s = self._slot(i, "v", data)
        m += (g - m) * (1 - b1)
        s += (g * g - s) * (1 - b2)
        m_hat = mu_next * m / (1 - product_next) + (1 - mu_t) * g / (1 - product_t)
        s_hat = s / (1 - b2**t)
        data -= m_hat * lr / (np.sqrt(s_hat) + self.epsilon)

    def _hyper_parameters(self):
        return {**super()._hyper_parameters(), "momentum_decay": self.momentum_decay}
