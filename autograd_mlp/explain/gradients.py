"""Attributions from the model's gradients with respect to its inputs.

All four methods ask the engine for ∂f_k/∂x on a batch of points: one
forward pass over all points and one backward pass per output k (rows are
independent, so seeding the backward pass with the indicator of column k gives
every row's gradient at once).

* saliency               |∂f/∂x_i| at x: how sensitive the output is to feature i.
* gradient × input       x_i ∂f/∂x_i at x: a first-order share of f(x) − f(0).
* integrated gradients   (x_i − x'_i) ∫₀¹ ∂f/∂x_i(x' + α (x − x')) dα from a baseline x'.
* expected gradients     E_{b, α} [(x_i − b_i) ∂f/∂x_i(b + α (x − b))], b from the
                         background and α ~ U(0, 1): integrated gradients averaged
                         over baselines (the idea of SHAP's GradientExplainer).

Integrated gradients are *complete*: by the fundamental theorem of calculus
along the path, Σ_i IG_i = f(x) − f(x'); the sum over a quadrature grid
approaches it as the number of steps grows.  Expected gradients are complete
in expectation: E[Σ_i φ_i] = f(x) − E_b f(b).  For a linear model
f(x) = w·x + c both give w_i (x_i − reference_i), the Shapley values.

The model must be differentiable by the engine: it takes a Value and
returns a Value computed from it (any ``Sequential`` of ``Dense`` layers does).

Rows are explained independently, so ``n_jobs`` splits them across workers
(see :mod:`autograd_mlp.parallel`; 1 here, -1 every CPU, None 1 unless a
``joblib.parallel_backend`` block says otherwise); the values equal one
worker's up to rounding (within 1e-12).
"""

from __future__ import annotations

import numpy as np

from .._checks import finite_array, numeric_array, one_of, positive_int
from ..parallel import check_n_jobs, map_rows, seed_sequence, task_generator
from ._model import ModelFunction, as_matrix, feature_names_for
from .explanation import Explanation

__all__ = ["integrated_gradients", "expected_gradients", "gradient_x_input", "saliency"]

# Default points per forward/backward pass.  A few thousand rows keep the arrays in cache; on a 2-core machine
# calls of 8,192 rows and more ran several times slower per row (measured with a
# 10-16-8-1 network), so bigger is not better here.
DEFAULT_BATCH_SIZE = 2048


def _input_gradients(f, points, columns, batch_size):
    """f(points) (P, K) and ∂f_k/∂points for k in ``columns``: (len(columns), P, M), in chunks of ``batch_size`` rows."""
    outputs, grads = [], []
    for start in range(0, len(points), batch_size):
        out, g = f.gradients(points[start:start + batch_size], columns)
        outputs.append(out)
        grads.append(g)
    return np.concatenate(outputs), np.concatenate(grads, axis=1)


def _prepare(model, x, feature_names, batch_size):
    data, x = x, as_matrix("x", x)
    names = feature_names_for(feature_names, x.shape[1], data)
    batch_size = positive_int("batch_size", batch_size)
    return ModelFunction(model, x.shape[1]), x, names, batch_size


def _result(f, output, columns, values, per_row, errors=None):
    """values/errors (n, M, C) for the chosen columns; per_row arrays (n, K) are cut to those columns."""
    squeeze = f.squeeze(output)
    cut = lambda arr: None if arr is None else (arr[..., 0] if squeeze else arr)  # noqa: E731
    per_row = tuple(None if a is None else cut(a[:, columns]) for a in per_row)
    return cut(values), per_row, cut(errors)


def _baseline(baseline, x):
    n, m = x.shape
    if baseline is None:
        return np.zeros_like(x)
    arr = numeric_array("baseline", baseline)
    if arr.shape == (m,):
        arr = np.broadcast_to(arr, (n, m))
    elif arr.shape != (n, m):
        raise ValueError(f"expected baseline of shape ({m},) or ({n}, {m}) for x of shape {x.shape}; got {arr.shape}")
    arr = finite_array("baseline", arr)
    return arr.astype(np.float64)


_RULES = ("trapezoid", "midpoint")


def integrated_gradients(model, x, baseline=None, steps=50, output=None, rule="trapezoid",
                         feature_names=None, batch_size=DEFAULT_BATCH_SIZE, n_jobs=None):
    """Integrated gradients along the straight path from ``baseline`` x' to x.

        IG_i(x) = (x_i − x'_i) ∫₀¹ ∂f/∂x_i(x' + α (x − x')) dα

    The integral is a ``steps``-interval quadrature: ``rule="trapezoid"``
    evaluates α = 0, 1/S, ..., 1 (S + 1 points, half weight at the ends);
    ``"midpoint"`` evaluates α = (j + ½)/S.  Both err by O(1/S²) on smooth
    models; with ReLU kinks the error is O(1/S).  All n · (S + 1) points go
    through one forward pass and one backward pass per output (in chunks of
    ``batch_size`` rows).

    Completeness: Σ_i IG_i = f(x) − f(x') up to the quadrature error, which
    ``Explanation.completeness_gap()`` reports.

    Parameters
    ----------
    baseline : array (M,) or (n, M), optional
        The reference input x' (default all zeros, which for standardized
        data is the mean input).
    steps : int ≥ 1
    output : int or None
        One output column, or None for all of them.

    Returns an Explanation with ``base_values`` = f(x').
    """
    f, x, names, batch_size = _prepare(model, x, feature_names, batch_size)
    base_point = _baseline(baseline, x)
    steps = positive_int("steps", steps)
    rule = one_of("rule", rule, _RULES)
    if rule == "trapezoid":
        alphas = np.linspace(0.0, 1.0, steps + 1)
        weights = np.full(steps + 1, 1.0 / steps)
        weights[[0, -1]] *= 0.5
    else:
        alphas = (np.arange(steps) + 0.5) / steps
        weights = np.full(steps, 1.0 / steps)
    n_jobs = check_n_jobs(n_jobs)
    fx = f(x)
    columns = f.check_output(output)
    (values,) = map_rows(_integrated_rows, (x, base_point), (model, alphas, weights, columns, batch_size), n_jobs)
    values, (base, fx), _ = _result(f, output, columns, values, (f(base_point), fx))
    return Explanation(values, base, x, names, "integrated_gradients", output_values=fx,
                       extra={"steps": steps, "rule": rule})


def _integrated_rows(start, x, base_point, model, alphas, weights, columns, batch_size):
    """Integrated gradients (n, M, C) for the rows of ``x``, as a 1-tuple."""
    n, m = x.shape
    f = ModelFunction(model, m)
    delta = x - base_point
    points = (base_point[:, None, :] + alphas[None, :, None] * delta[:, None, :]).reshape(-1, m)
    _, grads = _input_gradients(f, points, columns, batch_size)
    average = np.einsum("s,cnsm->nmc", weights, grads.reshape(len(columns), n, len(alphas), m))
    return (delta[:, :, None] * average,)


def expected_gradients(model, x, background, samples=200, seed=None, output=None,
                       feature_names=None, batch_size=DEFAULT_BATCH_SIZE, n_jobs=None):
    """Expected gradients: integrated gradients averaged over baselines from the background.

        φ_i(x) = E_{b ~ background, α ~ U(0,1)} [(x_i − b_i) ∂f/∂x_i(b + α (x − b))]

    estimated from ``samples`` draws of (b, α) per row (b uniform over the
    background rows).  Since E_α of the gradient term is IG with baseline b,
    the values add up to f(x) − E_b f(b) in expectation; ``base_values`` is
    E_b f(b) over the whole background, as for Shapley values.  For a linear
    model the expectation is w_i (x_i − mean_b b_i), its Shapley value.

    ``std_errors``: the sample standard deviation (ddof = 1) of the per-draw
    terms divided by √samples (None when samples = 1).

    Row i (its index in x) draws its background rows, then its α, from its
    own stream ``np.random.default_rng(SeedSequence(seed, spawn_key=(i,)))``
    (:func:`autograd_mlp.parallel.task_generator`; ``seed`` None, a
    non-negative int, a SeedSequence or a Generator), so a seed gives the
    same values whatever ``n_jobs`` and ``batch_size``.  (This rule replaced
    one generator drawing for all rows at once: a seed now gives other,
    equally valid, estimates than before it.)
    """
    f, x, names, batch_size = _prepare(model, x, feature_names, batch_size)
    background = as_matrix("background", background, features=x.shape[1])
    samples = positive_int("samples", samples)
    root = seed_sequence(seed)
    n_jobs = check_n_jobs(n_jobs)
    fx = f(x)
    columns = f.check_output(output)
    values, errors = map_rows(_expected_rows, (x,), (model, background, root, samples, columns, batch_size),
                              n_jobs)
    base = np.broadcast_to(f(background).mean(axis=0), fx.shape)
    values, (base, fx), errors = _result(f, output, columns, values, (base, fx), errors)
    return Explanation(values, base, x, names, "expected_gradients", std_errors=errors, output_values=fx,
                       extra={"samples": samples, "background_rows": len(background)})


def _expected_rows(start, x, model, background, root, samples, columns, batch_size):
    """Expected gradients and their errors (n, M, C) (errors None for one sample) for rows start, start + 1, ..."""
    n, m = x.shape
    f = ModelFunction(model, m)
    picks, alphas = np.empty((n, samples), dtype=np.intp), np.empty((n, samples, 1))
    for r in range(n):
        stream = task_generator(root, start + r)
        picks[r] = stream.integers(len(background), size=samples)
        alphas[r, :, 0] = stream.uniform(0.0, 1.0, size=samples)
    chosen = background[picks]  # (n, S, M)
    delta = x[:, None, :] - chosen
    points = (chosen + alphas * delta).reshape(-1, m)
    _, grads = _input_gradients(f, points, columns, batch_size)
    terms = delta[None] * grads.reshape(len(columns), n, samples, m)  # (C, n, S, M)
    values = np.moveaxis(terms.mean(axis=2), 0, -1)
    errors = None
    if samples > 1:
        errors = np.moveaxis(terms.std(axis=2, ddof=1) / np.sqrt(samples), 0, -1)
    return values, errors


def _local(model, x, output, feature_names, batch_size, n_jobs):
    f, x, names, batch_size = _prepare(model, x, feature_names, batch_size)
    n_jobs = check_n_jobs(n_jobs)
    f(x[:1])
    columns = f.check_output(output)
    fx, grads = map_rows(_local_rows, (x,), (model, columns, batch_size), n_jobs)
    return f, x, names, columns, fx, grads


def _local_rows(start, x, model, columns, batch_size):
    """f(x) (n, K) and the input gradients (n, M, C) of the rows of ``x``."""
    fx, grads = _input_gradients(ModelFunction(model, x.shape[1]), x, columns, batch_size)
    return fx, np.moveaxis(grads, 0, -1)


def gradient_x_input(model, x, output=None, feature_names=None, batch_size=DEFAULT_BATCH_SIZE, n_jobs=None):
    """x_i · ∂f/∂x_i at x.

    A first-order (Taylor) share of f(x) − f(0): exact for a linear model,
    where Σ_i x_i w_i = f(x) − f(0), and for a ReLU network without biases.
    ``base_values`` is f(0).
    """
    f, x, names, columns, fx, grads = _local(model, x, output, feature_names, batch_size, n_jobs)
    values, (base, fx), _ = _result(f, output, columns, x[:, :, None] * grads, (f(np.zeros_like(x)), fx))
    return Explanation(values, base, x, names, "gradient_x_input", output_values=fx)


def saliency(model, x, output=None, feature_names=None, batch_size=DEFAULT_BATCH_SIZE, n_jobs=None):
    """|∂f/∂x_i| at x: the output's local sensitivity to each feature (no sign, no base value).

    A saliency map says which inputs a small change would move the output
    most, not how much each input contributed; its values do not add up to
    anything, so ``base_values`` is None.
    """
    f, x, names, columns, fx, grads = _local(model, x, output, feature_names, batch_size, n_jobs)
    values, (fx,), _ = _result(f, output, columns, np.abs(grads), (fx,))
    return Explanation(values, None, x, names, "saliency", output_values=fx)
