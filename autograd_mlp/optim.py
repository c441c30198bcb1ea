"""Optimizers (SGD with momentum, Adam, RMSprop) and learning-rate schedules.

Two ways to make one, both supported:

* Keras, as the course writes it: ``SGD(0.1, 0.9)`` (learning rate, momentum);
  ``compile`` binds it to the model's parameters later.
* PyTorch: ``SGD(model.parameters(), lr=0.1, momentum=0.9)``, then
  ``zero_grad()``, ``loss.backward()``, ``step()`` in a loop.  As in
  ``torch.optim``, the argument after the parameters is the learning rate
  (``SGD(params, 0.1)``); the other hyper-parameters go by keyword.

The update rules are PyTorch's, so trajectories equal ``torch.optim``'s for
the same hyper-parameters (with a constant learning rate Keras' momentum
form is the same sequence of weights).  For a parameter θ with gradient g and
learning rate λ at step t (from 1):

* SGD:       v ← μ v + g;   θ ← θ − λ v            (Nesterov: θ ← θ − λ (g + μ v))
* Adam:      m ← β₁ m + (1−β₁) g;  s ← β₂ s + (1−β₂) g²;
             θ ← θ − λ m̂ / (√ŝ + ε),  m̂ = m / (1−β₁ᵗ),  ŝ = s / (1−β₂ᵗ)
* RMSprop:   s ← ρ s + (1−ρ) g²;   θ ← θ − λ g / (√s + ε)

A learning rate may be a number or a schedule: any callable ``schedule(step)``
of the 0-based update count, such as :class:`ExponentialDecay` or
:class:`StepDecay` (the course recommends decreasing it as training converges).
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from .engine import Value

__all__ = [
    "Optimizer",
    "SGD",
    "Adam",
    "RMSprop",
    "ExponentialDecay",
    "StepDecay",
    "InverseTimeDecay",
    "get",
]


# ------------------------------------------------------------ schedules
class LearningRateSchedule:
    """A learning rate as a function of the number of updates done so far."""

    def __call__(self, step):
        raise NotImplementedError

    def get_config(self):
        return {"class": type(self).__name__, **vars(self)}


class ExponentialDecay(LearningRateSchedule):
    """λ(t) = λ₀ · rate^(t / steps), or rate^⌊t / steps⌋ with ``staircase=True`` (Keras' ExponentialDecay)."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False):
        self.initial_learning_rate = _positive(initial_learning_rate, "initial_learning_rate")
        self.decay_steps = _positive(decay_steps, "decay_steps")
        self.decay_rate = _positive(decay_rate, "decay_rate")
        self.staircase = bool(staircase)

    def __call__(self, step):
        exponent = step / self.decay_steps
        if self.staircase:
            exponent = math.floor(exponent)
        return self.initial_learning_rate * self.decay_rate**exponent


class StepDecay(LearningRateSchedule):
    """λ(t) = λ₀ · drop^⌊t / every⌋: the rate is multiplied by ``drop`` every ``every`` updates."""

    def __init__(self, initial_learning_rate, drop=0.5, every=100):
        self.initial_learning_rate = _positive(initial_learning_rate, "initial_learning_rate")
        self.drop = _positive(drop, "drop")
        self.every = _whole_positive(every, "every")

    def __call__(self, step):
        return self.initial_learning_rate * self.drop ** (step // self.every)


class InverseTimeDecay(LearningRateSchedule):
    """λ(t) = λ₀ / (1 + rate · t / steps) (Keras' InverseTimeDecay, without staircase)."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate):
        self.initial_learning_rate = _positive(initial_learning_rate, "initial_learning_rate")
        self.decay_steps = _positive(decay_steps, "decay_steps")
        self.decay_rate = _non_negative(decay_rate, "decay_rate")

    def __call__(self, step):
        return self.initial_learning_rate / (1.0 + self.decay_rate * step / self.decay_steps)


def _number(value, what):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number, got {value!r}")
    return float(value)


def _whole_positive(value, what):
    # A count of updates: 0.5 would divide by zero after truncation and 2.7
    # would silently mean 2, so only whole numbers (3 or 3.0) are accepted.
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) \
            or value < 1 or value != math.floor(value):
        raise ValueError(f"{what} must be a positive whole number, got {value!r}")
    return int(value)


def _positive(value, what):
    value = _number(value, what)
    if value <= 0:
        raise ValueError(f"{what} must be positive, got {value!r}")
    return value


def _non_negative(value, what):
    value = _number(value, what)
    if value < 0:
        raise ValueError(f"{what} must be >= 0, got {value!r}")
    return value


def _fraction(value, what):
    value = _number(value, what)
    if not 0.0 <= value < 1.0:
        raise ValueError(f"{what} must be in [0, 1), got {value!r}")
    return value


def _sort_positional(owner, params, args, hyper, learning_rate, lr):
    """Give the positional arguments after the first their meaning in either call style.

    Keras, ``Cls(learning_rate, *args)``: ``args`` follow the order of ``hyper``
    (a dict of keyword values, None where not given), Keras' order.  PyTorch,
    ``Cls(params, lr)``: as in torch.optim the one argument after the
    parameters is the learning rate.  Returns ``(lr, hyper)`` with ``hyper``
    filled in; the same argument given twice is a TypeError.
    """
    if not args:
        return lr, hyper
    if isinstance(params, numbers.Real) or callable(params):
        names = list(hyper)
        if len(args) > len(names):
            raise TypeError(
                f"{owner}(learning_rate, {', '.join(names)}) takes at most {len(names) + 1} positional "
                f"arguments, got {len(args) + 1}; pass the others by keyword"
            )
        for name, value in zip(names, args):
            if hyper[name] is not None:
                raise TypeError(f"{owner}: {name} given twice (positionally and by keyword)")
            hyper[name] = value
        return lr, hyper
    if len(args) > 1:
        raise TypeError(
            f"{owner}(params, lr) takes the learning rate after the parameters and nothing more "
            f"positionally, got {len(args) + 1} positional arguments; pass the others by keyword"
        )
    if learning_rate is not None or lr is not None:
        raise TypeError(f"{owner}: learning rate given twice (positionally and by keyword)")
    return args[0], hyper


def _default(value, default):
    return default if value is None else value


# ------------------------------------------------------------- optimizers
class Optimizer:
    """Base class: holds the parameters, the learning rate (or schedule) and per-parameter state.

    Subclasses implement :meth:`_update` for one parameter; ``step()`` applies it
    to every parameter that has a gradient.
    """

    #: Keras' default learning rate for this optimizer.
    default_learning_rate = 0.01

    def __init__(self, params=None, learning_rate=None, lr=None):
        if params is not None and (isinstance(params, numbers.Real) or callable(params)):
            # Keras form: the first positional argument is the learning rate.
            if learning_rate is not None or lr is not None:
                raise TypeError("learning rate given twice (positionally and by keyword)")
            learning_rate, params = params, None
        if learning_rate is not None and lr is not None:
            raise TypeError("pass either learning_rate or its alias lr, not both")
        rate = learning_rate if learning_rate is not None else lr
        if rate is None:
            rate = self.default_learning_rate
        if callable(rate):
            self.learning_rate = rate
        else:
            self.learning_rate = _positive(rate, "learning_rate")
        self.iterations = 0
        self.params = []
        self.state = {}
        if params is not None:
            self.bind(params)

    def bind(self, params):
        """Attach the parameters to update (``compile`` does this for a model)."""
        if isinstance(params, Value):
            params = [params]
        try:
            params = list(params)
        except TypeError:
            raise TypeError(f"params must be an iterable of Values, got {type(params).__name__}") from None
        for i, p in enumerate(params):
            if not isinstance(p, Value):
                raise TypeError(f"params[{i}] must be a Value, got {type(p).__name__}")
        if not params:
            raise ValueError("the optimizer got an empty parameter list")
        self.params = params
        self.state = {}
        self.iterations = 0
        return self

    @property
    def current_learning_rate(self):
        """λ for the next update (a schedule evaluated at the current step)."""
        rate = self.learning_rate
        return float(rate(self.iterations)) if callable(rate) else rate

    def zero_grad(self):
        """Reset every parameter's gradient to None."""
        for p in self.params:
            p.grad = None

    def step(self):
        """Update every parameter that has a gradient, in place."""
        if not self.params:
            raise RuntimeError(
                f"{type(self).__name__} has no parameters: pass model.parameters() or compile a model with it"
            )
        lr = self.current_learning_rate
        self.iterations += 1
        for i, p in enumerate(self.params):
            g = p.grad
            if g is None:
                continue
            if isinstance(g, Value):
                g = g.data
            if type(p.data) is float:
                p.data = float(self._update(i, np.float64(p.data), np.float64(g), lr))
            else:
                self._update(i, p.data, g, lr)

    def _update(self, i, data, g, lr):
        """Update ``data``, the array of parameter ``i`` (in place for arrays), and return it."""
        raise NotImplementedError

    def _scratch(self, i, like):
        """A work array shaped like parameter ``i``, reused across steps (not part of the saved state)."""
        buffers = self.__dict__.setdefault("_scratch_buffers", {})
        buffer = buffers.get(i)
        if buffer is None or buffer.shape != like.shape or buffer.dtype != like.dtype:
            buffer = buffers[i] = np.empty_like(like)
        return buffer

    def _slot(self, i, name, like):
        # State is keyed by the parameter's position, not its id(), so that a
        # copied or unpickled model and optimizer keep their moments together.
        slots = self.state.setdefault(i, {})
        if name not in slots:
            slots[name] = np.zeros_like(like, dtype=np.result_type(like))
        return slots[name]

    # ---------------------------------------------------------- saving
    def get_config(self):
        rate = self.learning_rate
        config = {"class": type(self).__name__}
        config["learning_rate"] = rate.get_config() if isinstance(rate, LearningRateSchedule) else rate
        config.update(self._hyper_parameters())
        return config

    def _hyper_parameters(self):
        return {}

    def get_state(self):
        """Per-parameter slot arrays keyed ``"index/name"``, plus the iteration count."""
        arrays = {}
        for i, p in enumerate(self.params):
            for name, arr in self.state.get(i, {}).items():
                arrays[f"{i}/{name}"] = np.array(arr, copy=True)
        return {"iterations": self.iterations, "slots": arrays}

    def set_state(self, state):
        """Restore what :meth:`get_state` returned (after :meth:`bind`), checking everything first."""
        try:
            iterations, entries = state["iterations"], state["slots"]
        except (TypeError, KeyError):
            raise ValueError("optimizer state must be a mapping with 'iterations' and 'slots'") from None
        count = np.asarray(iterations)  # an int, or a 0-d integer array as read back from a file
        if isinstance(iterations, bool) or count.shape != () or count.dtype.kind not in "iu" or count < 0:
            raise ValueError(f"optimizer state 'iterations' must be a count >= 0, got {iterations!r}")
        slots = {}
        for key, arr in entries.items():
            index, _, name = str(key).partition("/")
            if not index.isdigit() or not name:
                raise ValueError(f"optimizer state keys look like '0/velocity', got {key!r}")
            index = int(index)
            if not 0 <= index < len(self.params):
                raise ValueError(f"optimizer state refers to parameter {index}, but there are {len(self.params)}")
            p = self.params[index]
            arr = np.asarray(arr)
            if arr.shape != p.shape:
                raise ValueError(f"optimizer state {key!r} has shape {arr.shape}, parameter has {p.shape}")
            slots.setdefault(index, {})[name] = arr.astype(p.dtype, copy=True)
        self.state = slots
        self.iterations = int(iterations)

    def __repr__(self):
        params = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items() if k != "class")
        return f"{type(self).__name__}({params})"


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with (Nesterov) momentum: ``SGD(learning_rate=0.01, momentum=0.0, nesterov=False)``.

    Positionally ``SGD(0.1, 0.9)`` (Keras: learning rate, momentum) or ``SGD(params, 0.1)`` (PyTorch).
    """

    def __init__(self, params=None, *args, momentum=None, nesterov=None, learning_rate=None, lr=None):
        lr, hyper = _sort_positional(
            "SGD", params, args, {"momentum": momentum, "nesterov": nesterov}, learning_rate, lr
        )
        super().__init__(params, learning_rate=learning_rate, lr=lr)
        self.momentum = _fraction(_default(hyper["momentum"], 0.0), "momentum")
        self.nesterov = bool(_default(hyper["nesterov"], False))
        if self.nesterov and self.momentum == 0.0:
            raise ValueError("nesterov=True needs a momentum > 0")

    def _update(self, i, data, g, lr):
        if type(data) is not np.ndarray:  # a scalar parameter
            if self.momentum == 0.0:
                return data - lr * g
            velocity = self._slot(i, "velocity", data)
            velocity *= self.momentum
            velocity += g
            return data - lr * (g + self.momentum * velocity if self.nesterov else velocity)
        # λ·step goes through a scratch buffer kept per parameter: for large
        # layers a fresh temporary per step costs page faults (W3 in benchmarks/)
        step = self._scratch(i, data)
        if self.momentum == 0.0:
            np.multiply(g, lr, out=step)
        else:
            velocity = self._slot(i, "velocity", data)
            velocity *= self.momentum
            velocity += g
            if self.nesterov:
                np.multiply(velocity, self.momentum, out=step)
                step += g
                step *= lr
            else:
                np.multiply(velocity, lr, out=step)
        data -= step
        return data

    def _hyper_parameters(self):
        return {"momentum": self.momentum, "nesterov": self.nesterov}


class Adam(Optimizer):
    """Adam: ``Adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7)`` (Keras' defaults)."""

    default_learning_rate = 0.001

    def __init__(self, params=None, *args, beta_1=None, beta_2=None, epsilon=None, learning_rate=None, lr=None):
        lr, hyper = _sort_positional(
            "Adam", params, args, {"beta_1": beta_1, "beta_2": beta_2, "epsilon": epsilon}, learning_rate, lr
        )
        super().__init__(params, learning_rate=learning_rate, lr=lr)
        self.beta_1 = _fraction(_default(hyper["beta_1"], 0.9), "beta_1")
        self.beta_2 = _fraction(_default(hyper["beta_2"], 0.999), "beta_2")
        self.epsilon = _positive(_default(hyper["epsilon"], 1e-7), "epsilon")

    def _update(self, i, data, g, lr):
        t = self.iterations  # already counts this update
        m = self._slot(i, "m", data)
        s = self._slot(i, "v", data)
        m *= self.beta_1
        m += (1 - self.beta_1) * g
        s *= self.beta_2
        s += (1 - self.beta_2) * (g * g)
        m_hat = m / (1 - self.beta_1**t)
        s_hat = s / (1 - self.beta_2**t)
        data -= lr * m_hat / (np.sqrt(s_hat) + self.epsilon)
        return data

    def _hyper_parameters(self):
        return {"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}


class RMSprop(Optimizer):
    """RMSprop: ``RMSprop(learning_rate=0.001, rho=0.9, epsilon=1e-7)`` (Keras' defaults; ``alpha`` is PyTorch's name for rho).

    Positionally only ``RMSprop(learning_rate, rho)``: Keras' third positional
    argument is a momentum this optimizer does not have, so epsilon goes by keyword.
    """

    default_learning_rate = 0.001

    def __init__(self, params=None, *args, rho=None, epsilon=None, learning_rate=None, lr=None, alpha=None):
        lr, hyper = _sort_positional("RMSprop", params, args, {"rho": rho}, learning_rate, lr)
        if alpha is not None and hyper["rho"] is not None:
            raise TypeError("RMSprop: pass rho or its alias alpha, not both")
        super().__init__(params, learning_rate=learning_rate, lr=lr)
        self.rho = _fraction(_default(_default(hyper["rho"], alpha), 0.9), "rho")
        self.epsilon = _positive(_default(epsilon, 1e-7), "epsilon")

    def _update(self, i, data, g, lr):
        s = self._slot(i, "mean_square", data)
        s *= self.rho
        s += (1 - self.rho) * (g * g)
        data -= lr * g / (np.sqrt(s) + self.epsilon)
        return data

    def _hyper_parameters(self):
        return {"rho": self.rho, "epsilon": self.epsilon}


_BY_NAME = {"sgd": SGD, "adam": Adam, "rmsprop": RMSprop}
_SCHEDULES = {cls.__name__: cls for cls in (ExponentialDecay, StepDecay, InverseTimeDecay)}


def get(identifier):
    """A fresh optimizer with Keras' defaults for a name (``"sgd"``, ``"adam"``, ``"rmsprop"``), or the optimizer given."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str):
        try:
            return _BY_NAME[identifier.lower()]()
        except KeyError:
            raise ValueError(f"unknown optimizer {identifier!r}; expected one of {sorted(_BY_NAME)}") from None
    raise TypeError(f"optimizer must be a name or an Optimizer, got {type(identifier).__name__}")


def from_config(config):
    """Rebuild an optimizer from :meth:`Optimizer.get_config` (used when loading a saved model)."""
    config = dict(config)
    cls = _BY_NAME.get(str(config.pop("class", "")).lower())
    if cls is None:
        raise ValueError(f"unknown optimizer class in config; expected one of {sorted(_BY_NAME)}")
    if "learning_rate" not in config:
        raise ValueError(f"optimizer config for {cls.__name__} has no learning_rate")
    rate = config.pop("learning_rate")
    if isinstance(rate, dict):
        rate = dict(rate)
        schedule = _SCHEDULES.get(rate.pop("class", None))
        if schedule is None:
            raise ValueError(f"unknown learning-rate schedule; expected one of {sorted(_SCHEDULES)}")
        rate = schedule(**rate)
    return cls(learning_rate=rate, **config)
