"""The estimators' hyper-parameters, checked once at the start of a fit (scikit-learn's names and defaults)."""

from __future__ import annotations

import numbers

import numpy as np

from .._checks import flag, one_of, positive_int, real_number
from ..optim import SGD, Adam, RMSprop

__all__ = ["Settings", "ParameterTypeError", "AUTO_BATCH", "MIN_ADAPTIVE_RATE"]

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
class ParameterTypeError(TypeError, ValueError):
    """A hyper-parameter of the wrong kind (text for a number, a float for a count ...).

    A TypeError, as everywhere in the library, and a ValueError too, as every
    invalid hyper-parameter is in scikit-learn (its own parameter errors are both).
    """


def _param(check, name, value, *args, **kwargs):
    """``check(name, value, ...)`` from :mod:`autograd_mlp._checks`, its TypeError raised as ParameterTypeError."""
    try:
        return check(name, value, *args, **kwargs)
    except ParameterTypeError:
        raise
    except TypeError as error:
        raise ParameterTypeError(str(error)) from None


def _real(value, name, low, high=None, low_open=False, high_open=False):
    return _param(real_number, name, value, low, high, low_open=low_open, high_open=high_open)


def _flag(value, name):
    return _param(flag, name, value)


def _choice(value, name, options):
    return _param(one_of, name, value, options)


def _hidden_sizes(value):
    """``hidden_layer_sizes`` as a tuple of positive ints (an int means one hidden layer)."""
    if isinstance(value, (str, bytes)) or not (_is_int(value) or hasattr(value, "__iter__")):
        raise ParameterTypeError(f"expected hidden_layer_sizes as a positive int or a sequence of them; "
                                 f"got {type(value).__name__} {value!r}")
    sizes = (value,) if _is_int(value) else tuple(value)
    return tuple(_param(positive_int, "each of hidden_layer_sizes", size) for size in sizes)


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


class Settings:
    """The hyper-parameters, checked once at the start of a fit (an estimator's own stay as given)."""

    def __init__(self, est):
        self.hidden = _hidden_sizes(est.hidden_layer_sizes)
        self.activation = _ACTIVATIONS[_choice(est.activation, "activation", tuple(_ACTIVATIONS))]
        if est.solver == "lbfgs":
            raise ValueError("solver='lbfgs' is not available here; use 'adam', 'sgd' or 'rmsprop'")
        self.solver = _choice(est.solver, "solver", _SOLVERS)
        self.alpha = _real(est.alpha, "alpha", 0)
        if isinstance(est.batch_size, str):
            self.batch_size = _choice(est.batch_size, "batch_size ('auto' or a positive int)", ("auto",))
        else:
            self.batch_size = _param(positive_int, "batch_size ('auto' or a positive int)", est.batch_size)
        self.schedule = _choice(est.learning_rate, "learning_rate", _SCHEDULES)
        self.learning_rate = _real(est.learning_rate_init, "learning_rate_init", 0, low_open=True)
        self.power_t = _real(est.power_t, "power_t", 0)
        self.max_iter = _param(positive_int, "max_iter (epochs)", est.max_iter)
        self.shuffle = _flag(est.shuffle, "shuffle")
        self.tol = _real(est.tol, "tol", 0)
        if not isinstance(est.verbose, (bool, np.bool_)):
            _param(real_number, "verbose (True, False or a number)", est.verbose)
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
        if not (isinstance(patience, float) and patience == np.inf):
            patience = _param(positive_int, "n_iter_no_change (a positive int or numpy.inf)", patience)
        self.patience = patience
        try:
            dtype = np.dtype(est.dtype)  # None is numpy's default, float64
        except TypeError:
            raise ParameterTypeError(f"expected dtype as numpy.float64 or numpy.float32; got {est.dtype!r}") from None
        if dtype not in _DTYPES:
            raise ValueError(f"expected dtype as numpy.float64 or numpy.float32; got {est.dtype!r}")
        self.dtype = dtype

    def optimizer(self):
        if self.solver == "sgd":
            return SGD(learning_rate=self.learning_rate, momentum=self.momentum,
                       nesterov=self.nesterov and self.momentum > 0)
        if self.solver == "adam":
            return Adam(learning_rate=self.learning_rate, beta_1=self.beta_1, beta_2=self.beta_2,
                        epsilon=self.epsilon)
        return RMSprop(learning_rate=self.learning_rate, epsilon=self.epsilon)
