"""Argument checks shared by the optimizers and the schedules (each names the argument it refuses)."""

from __future__ import annotations

import math
import numbers


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


def _fraction(value, what):
    value = _number(value, what)
    if not 0.0 <= value < 1.0:
        raise ValueError(f"{what} must be in [0, 1), got {value!r}")
    return value


def _optional_positive(value, what):
    return None if value is None else _positive(value, what)


def _default(value, default):
    return default if value is None else value


#: The two sets of update rules, by the name ``rule=`` takes.
RULES = ("keras", "torch")


def _is_keras_form(params):
    """Whether the first positional argument is a learning rate (Keras) rather than parameters (PyTorch)."""
    return params is None or isinstance(params, numbers.Real) or callable(params)


def _rule(rule, params):
    """The rule an optimizer follows: the one named, else Keras's for the Keras form and PyTorch's for the other."""
    if rule is None:
        return "keras" if _is_keras_form(params) else "torch"
    if rule not in RULES:
        raise ValueError(f"rule must be one of {list(RULES)}, got {rule!r}")
    return rule
