"""Finite-difference gradients and a gradient checker for functions of Values.

The central difference

    ∂f/∂x_i ≈ (f(x + ε e_i) - f(x - ε e_i)) / (2ε)

has an error of order ε² (truncation) plus order δ/ε (rounding, δ the
precision of f): in float64 ε = 1e-6 balances the two at about 1e-10 relative.
In float32 rounding dominates, so checks should run in float64 (the inputs
are promoted by default).
"""

from __future__ import annotations

import numpy as np

from .engine import Value, gradients

__all__ = ["GradcheckError", "numerical_grad", "gradcheck"]


class GradcheckError(AssertionError):
    """The autodiff gradient of an input differs from its finite-difference estimate."""


def _scalar_output(f, values):
    out = f(*values)
    data = out.data if isinstance(out, Value) else out
    if np.size(data) != 1:
        raise ValueError(
            f"gradcheck needs f to return a single number, got shape {np.shape(data)}; "
            "reduce the output (e.g. .sum()) first"
        )
    return float(np.asarray(data).reshape(())), out


def _as_float64_arrays(inputs):
    arrays = []
    for i, x in enumerate(inputs):
        data = x.data if isinstance(x, Value) else x
        try:
            arr = np.array(data, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(f"input {i} must be a number, array or Value, got {type(x).__name__}") from None
        arrays.append(arr)
    return arrays


def numerical_grad(f, *inputs, eps=1e-6):
    """Central finite-difference gradient of scalar ``f(*inputs)`` for every input, in float64.

    Returns a list with one array per input, shaped like the input.
    """
    arrays = _as_float64_arrays(inputs)
    result = []
    for k, base in enumerate(arrays):
        grad = np.zeros_like(base)
        flat = base.reshape(-1)
        for i in range(flat.size):
            original = flat[i]
            flat[i] = original + eps
            plus, _ = _scalar_output(f, [Value(a, requires_grad=False) for a in arrays])
            flat[i] = original - eps
            minus, _ = _scalar_output(f, [Value(a, requires_grad=False) for a in arrays])
            flat[i] = original
            grad.reshape(-1)[i] = (plus - minus) / (2 * eps)
        result.append(grad)
    return result


def gradcheck(f, *inputs, eps=1e-6, atol=1e-5, rtol=1e-3):
    """Check autodiff gradients of scalar ``f(*inputs)`` against central finite differences.

    Every input is promoted to float64.  An element passes when
    ``|autodiff - numerical| <= atol + rtol * |numerical|`` (PyTorch's gradcheck
    defaults).  Returns True, or raises :class:`GradcheckError` naming the input,
    the worst element's index, both values and the error.
    """
    arrays = _as_float64_arrays(inputs)
    leaves = [Value(a) for a in arrays]
    _, out = _scalar_output(f, leaves)
    if not isinstance(out, Value) or not out.requires_grad:
        raise TypeError("gradcheck needs f to return a Value computed from its inputs")
    analytic = gradients(out, leaves)
    numeric = numerical_grad(f, *arrays, eps=eps)
    for k, (a, n) in enumerate(zip(analytic, numeric)):
        a = np.asarray(a, dtype=np.float64).reshape(n.shape)
        # A NaN or infinity on either side fails (a NaN compares false with
        # every tolerance, so it would otherwise pass unseen), unless both
        # sides hold the same infinity.
        same_inf = np.isinf(a) & (a == n)
        broken = ~(np.isfinite(a) & np.isfinite(n)) & ~same_inf
        with np.errstate(invalid="ignore"):
            excess = np.abs(a - n) - (atol + rtol * np.abs(n))
        excess = np.where(broken, np.inf, np.where(same_inf, -np.inf, excess))
        if excess.size and np.max(excess) > 0:
            # plain ints: numpy 2 would print the index as (np.int64(1), np.int64(0))
            worst = tuple(int(i) for i in np.unravel_index(int(np.argmax(excess)), n.shape))
            if broken[worst]:
                why = "a non-finite gradient matches nothing"
            else:
                why = f"error {abs(a[worst] - n[worst]):.3g} > tolerance {atol + rtol * abs(n[worst]):.3g}"
            raise GradcheckError(
                f"gradient of input {k} (shape {n.shape}) differs at index {worst}: "
                f"autodiff {a[worst]:.10g}, numerical {n[worst]:.10g}, "
                f"{why} (atol={atol}, rtol={rtol}, eps={eps})"
            )
    return True
