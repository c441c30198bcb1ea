"""Numerically stable forwards on plain numbers and arrays (no Values, no graph).

These are the computations behind ``sigmoid``, ``softplus``, ``logsumexp`` and
``softmax``, public so that code working on raw data (losses computing from
logits, metrics, plots) uses the same stable formulas as the graph does.
A Python float in gives a Python float out; arrays keep their dtype.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["sigmoid", "softplus", "logsumexp", "softmax", "log"]

# Silencing overflow for the few ufunc calls of a sigmoid.  ``np.errstate`` is a
# Python context manager that rebuilds numpy's error state from keywords on
# every use (about 1.5 µs, a measurable part of a small network's step);
# numpy 2 keeps that state in a context variable, which is set here directly
# to the current state with overflow ignored.  That state is built once per
# distinct current state (the last one is remembered), so a caller's own
# ``np.errstate`` settings for other errors keep applying.  Older numpy
# layouts fall back to ``np.errstate``.
try:
    from numpy._core._ufunc_config import _extobj_contextvar as _errstate_var
    from numpy._core.umath import _make_extobj
except ImportError:  # numpy 1.x
    _errstate_var = None
_quiet = (None, None)  # (a state, the same state with overflow ignored)


def overflow_ignored():
    """Enter numpy's current error state with overflow ignored; pass the result to :func:`restore_errstate`."""
    global _quiet
    if _errstate_var is None:
        state = np.errstate(over="ignore")
        state.__enter__()
        return state
    current = _errstate_var.get()
    seen, quiet = _quiet
    if seen is not current:
        quiet = _make_extobj(over="ignore")  # from the current state: every other setting kept
        _quiet = (current, quiet)
    return _errstate_var.set(quiet)


def restore_errstate(token):
    """Leave the state :func:`overflow_ignored` entered."""
    if _errstate_var is None:
        token.__exit__(None, None, None)
    else:
        _errstate_var.reset(token)


def sigmoid(x):
    """σ(x) = 1 / (1 + e^-x), computed without overflow: e^-|x| never exceeds 1."""
    if type(x) is float:
        if x >= 0:
            return 1.0 / (1.0 + math.exp(-x))
        e = math.exp(x)
        return e / (1.0 + e)
    if type(x) is not np.ndarray or x.ndim == 0:  # a numpy scalar or 0-d array
        return np.asarray(sigmoid(float(x)), dtype=np.result_type(x))
    # 1 / (1 + e^-x): where e^-x overflows to inf the result is exactly 0, which
    # is σ(x) to float precision, so the overflow is expected and silenced.
    # Four passes over one buffer, faster than branching on the sign.
    token = overflow_ignored()
    try:
        out = np.negative(x)
        np.exp(out, out=out)
        out += 1.0
        np.reciprocal(out, out=out)
    finally:
        restore_errstate(token)
    return out


def softplus(x):
    """softplus(x) = log(1 + e^x) = max(x, 0) + log1p(e^-|x|), stable for any x."""
    if type(x) is float:
        return max(x, 0.0) + math.log1p(math.exp(-abs(x)))
    return np.logaddexp(0.0, x)


def logsumexp(x, axis=None, keepdims=False):
    """log Σ e^x computed as m + log Σ e^(x - m), m the maximum, so nothing overflows."""
    x = np.asarray(x)
    m = np.max(x, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    out = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis=axis)


def softmax(x, axis=-1):
    """softmax(x)_i = e^(x_i - m) / Σ_j e^(x_j - m), m = max(x): no overflow for any input."""
    x = np.asarray(x)
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def log(x):
    """Natural logarithm; a Python float stays one, and log(0) = -inf, log(-1) = nan as in numpy."""
    if type(x) is float:
        # np.log would give float64 and widen a float32 gradient; math.log
        # refuses x <= 0, where numpy's -inf/nan (and its warning) apply
        return math.log(x) if x > 0 else float(np.log(np.float64(x)))
    return np.log(x)
