"""The estimators' hyper-parameters, checked once at the start of a fit (scikit-learn's names and defaults)."""

from __future__ import annotations

import numbers

import numpy as np

from ..optim import SGD, Adam, RMSprop

__all__ = ["Settings", "AUTO_BATCH", "MIN_ADAPTIVE_RATE"]

#: scikit-learn's activation names and the library's.
_ACTIVATIONS = {"identity": "linear", "logistic": "sigmoid", "tanh": "tanh", "relu": "relu"}
_SOLVERS = ("sgd", "adam", "rmsprop")
_SCHEDULES = ("constant", "invscaling", "adaptive")
_DTYPES = (np.dtype(np.float64), np.dtype(np.float32))
#: scikit-learn's "auto" batch size: min(AUTO_BATCH, rows).
AUTO_BATCH = 200
#: The adaptive schedule stops once the learning rate falls to this (scikit-learn's value).
MIN_ADAPTIVE_RATE = 1e-6


# --------------------------------------------------------------- checks
def _is_real(value):
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def _real(value, name, low, high=None, low_open=False, high_open=False):
    """``value`` as a float in the interval, or ValueError naming the interval and the value."""
    lower = "(" if low_open else "["
    upper = ")" if high_open else "]"
    interval = f"{lower}{low}, {'inf' if high is None else high}{upper}"
    if not _is_real(value) or not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number in {interval}, got {value!r}")
    ok = (value > low if low_open else value >= low)
    if high is not None:
        ok = ok and (value < high if high_open else value <= high)
    if not ok:
        raise ValueError(f"{name} must be in {interval}, got {value!r}")
    return float(value)


def _flag(value, name):
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def _choice(value, name, options):
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"{name} must be one of {', '.join(repr(o) for o in options)}, got {value!r}")
    return value


def _hidden_sizes(value):
    """``hidden_layer_sizes`` as a tuple of positive ints (an int means one hidden layer)."""
    sizes = (value,) if _is_int(value) else value
    try:
        sizes = tuple(sizes)
    except TypeError:
        raise ValueError(
            f"hidden_layer_sizes must be a positive int or a sequence of them, got {value!r}"
        ) from None
    if isinstance(value, str) or not all(_is_int(s) and s >= 1 for s in sizes):
        raise ValueError(f"hidden_layer_sizes must be a positive int or a sequence of them, got {value!r}")
    return tuple(int(s) for s in sizes)


class Settings:
    """The hyper-parameters, checked once at the start of a fit (an estimator's own stay as given)."""

    def __init__(self, est):
        self.hidden = _hidden_sizes(est.hidden_layer_sizes)
        self.activation = _ACTIVATIONS[_choice(est.activation, "activation", tuple(_ACTIVATIONS))]
        if est.solver == "lbfgs":
            raise ValueError("solver='lbfgs' is not available here; use 'adam', 'sgd' or 'rmsprop'")
        self.solver = _choice(est.solver, "solver", _SOLVERS)
        self.alpha = _real(est.alpha, "alpha", 0)
        auto = isinstance(est.batch_size, str) and est.batch_size == "auto"
        if not auto and not (_is_int(est.batch_size) and est.batch_size >= 1):
            raise ValueError(f"batch_size must be 'auto' or a positive int, got {est.batch_size!r}")
        self.batch_size = est.batch_size
        self.schedule = _choice(est.learning_rate, "learning_rate", _SCHEDULES)
        self.learning_rate = _real(est.learning_rate_init, "learning_rate_init", 0, low_open=True)
        self.power_t = _real(est.power_t, "power_t", 0)
        if not _is_int(est.max_iter) or est.max_iter < 1:
            raise ValueError(f"max_iter must be a positive int (epochs), got {est.max_iter!r}")
        self.max_iter = int(est.max_iter)
        self.shuffle = _flag(est.shuffle, "shuffle")
        self.tol = _real(est.tol, "tol", 0)
        if not (_is_real(est.verbose) or isinstance(est.verbose, (bool, np.bool_))):
            raise ValueError(f"verbose must be True, False or an int, got {est.verbose!r}")
        self.verbose = bool(est.verbose)
        self.warm_start = _flag(est.warm_start, "warm_start")
        # The library's momentum lives in [0, 1): at 1 the velocity never decays.
        self.momentum = _real(est.momentum, "momentum", 0, 1, high_open=True)
        self.nesterov = _flag(est.nesterovs_momentum, "nesterovs_momentum")
        self.early_stopping = _flag(est.early_stopping, "early_stopping")
        self.validation_fraction = _real(est.validation_fraction, "validation_fraction", 0, 1, high_open=True)
        if self.early_stopping and self.validation_fraction == 0:
            raise ValueError("validation_fraction must be > 0 with early_stopping=True (the rows it holds out), got 0")
        self.beta_1 = _real(est.beta_1, "beta_1", 0, 1, high_open=True)
        self.beta_2 = _real(est.beta_2, "beta_2", 0, 1, high_open=True)
        self.epsilon = _real(est.epsilon, "epsilon", 0, low_open=True)
        patience = est.n_iter_no_change
        if not ((_is_int(patience) and patience >= 1) or (_is_real(patience) and patience == np.inf)):
            raise ValueError(f"n_iter_no_change must be a positive int or numpy.inf, got {patience!r}")
        self.patience = patience
        try:
            dtype = np.dtype(est.dtype)  # None is numpy's default, float64
        except TypeError:
            raise ValueError(f"dtype must be numpy.float64 or numpy.float32, got {est.dtype!r}") from None
        if dtype not in _DTYPES:
            raise ValueError(f"dtype must be numpy.float64 or numpy.float32, got {est.dtype!r}")
        self.dtype = dtype

    def optimizer(self):
        if self.solver == "sgd":
            return SGD(learning_rate=self.learning_rate, momentum=self.momentum,
                       nesterov=self.nesterov and self.momentum > 0)
        if self.solver == "adam":
            return Adam(learning_rate=self.learning_rate, beta_1=self.beta_1, beta_2=self.beta_2,
                        epsilon=self.epsilon)
        return RMSprop(learning_rate=self.learning_rate, epsilon=self.epsilon)
