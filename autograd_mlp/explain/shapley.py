"""Shapley values of the input features, exact (every coalition) or sampled (random feature orders).

The game: the players are the M features of an input x; a coalition S ⊆ N =
{1..M} is worth what the model predicts when the features in S take x's
values and the others come from the background data, averaged over the
background rows b (the *interventional* value function, as SHAP's
Exact, Permutation and Kernel explainers use it)::

    v(S) = (1/B) Σ_b f(x_S, b_{N∖S})

The Shapley value of feature i is its marginal contribution averaged over
coalitions, weighted so that every *order* of adding the features counts
equally::

    φ_i = Σ_{S ⊆ N∖{i}} |S|! (M − |S| − 1)! / M! · (v(S ∪ {i}) − v(S))

It is the only attribution that is efficient (Σ_i φ_i = v(N) − v(∅) =
f(x) − E_b f(b)), symmetric (features that contribute alike get equal
values), gives 0 to a dummy feature and is linear in the model.  For a linear
model f(x) = w·x + c it is φ_i = w_i (x_i − mean_b b_i).
"""

from __future__ import annotations

import math

import numpy as np

from .._checks import positive_int, whole_number
from ..parallel import check_n_jobs, map_rows, seed_sequence, task_generator
from ._model import ModelFunction, as_matrix, feature_names_for
from .explanation import Explanation

__all__ = ["MAX_EXACT_FEATURES", "shapley_values", "permutation_shapley", "sampled_shapley"]

#: Above this many features the 2^M coalitions are too many: use permutation_shapley.
MAX_EXACT_FEATURES = 12

# Default model rows per call.  A few thousand rows keep the arrays in cache; on a 2-core machine
# calls of 8,192 rows and more ran several times slower per row (measured with a
# 10-16-8-1 network), so bigger is not better here.
DEFAULT_BATCH_SIZE = 2048


def _prepare(model, x, background, feature_names, batch_size):
    data, x = x, as_matrix("x", x)
    m = x.shape[1]
    background = as_matrix("background", background, features=m)
    names = feature_names_for(feature_names, m, data)
    batch_size = positive_int("batch_size", batch_size)
    return ModelFunction(model, m), x, background, names, batch_size


def _coalition_values(f, x, rows, masks, background, batch_size):
    """v(S) for many (row, coalition) pairs: (1/B) Σ_b f(where(mask, x[row], b)), shape (pairs, K).

    ``rows`` (P,) indexes ``x``; ``masks`` (P, M) is True for the features
    taken from x.  Each pair expands into B hybrid rows; as many pairs as fit
    in ``batch_size`` model rows go through one model call.
    """
    pairs, b = len(rows), len(background)
    per_call = max(1, batch_size // b)
    result = None
    for start in range(0, pairs, per_call):
        stop = min(start + per_call, pairs)
        hybrid = np.where(masks[start:stop, None, :], x[rows[start:stop], None, :], background[None, :, :])
        out = f(hybrid.reshape(-1, x.shape[1]))
        if result is None:
            result = np.empty((pairs, out.shape[1]))
        result[start:stop] = out.reshape(stop - start, b, -1).mean(axis=1)
    return result


def shapley_values(model, x, background, output=None, feature_names=None, batch_size=DEFAULT_BATCH_SIZE,
                   n_jobs=None):
    """Exact interventional Shapley values by enumerating all 2^M feature coalitions.

    Coalition S is the bit mask Σ_{j∈S} 2^j.  For each row of x, the 2^M
    values v(S) = (1/B) Σ_b f(x_S, b_{N∖S}) are computed from 2^M · B hybrid
    inputs, batched into model calls of about ``batch_size`` rows under
    ``no_grad()``; then

        φ_i = Σ_{S ∌ i} w(|S|) (v(S ∪ {i}) − v(S)),   w(s) = s! (M−s−1)! / M! = 1 / (M · C(M−1, s)).

    Efficiency is exact up to rounding: base + Σ_i φ_i = f(x), with base =
    v(∅) = E_b f(b).

    Parameters
    ----------
    model : callable
        ``model(x)`` for an (n, M) array, returning (n,) or (n, K) (Value or array).
    x : array (n, M)
        The inputs to explain.
    background : array (B, M)
        Rows standing in for "feature unknown"; a few dozen representative
        training rows (or k-means centres) are typical.  Cost grows linearly in B.
    output : int or None
        One output column, or None for all (values (n, M, K); (n, M) for a
        single-output model).
    feature_names : sequence of M str, optional
    batch_size : int
        Model rows per call (at least one coalition's B rows).
    n_jobs : int or None
        Workers the rows are split across (:mod:`autograd_mlp.parallel`):
        1 here, -1 every CPU, None 1 unless a ``joblib.parallel_backend``
        block says otherwise.  The values equal one worker's up to rounding
        (a different batching may round differently, within 1e-12).

    Returns
    -------
    Explanation with ``method="exact_shapley"``.

    Raises ValueError for more than ``MAX_EXACT_FEATURES`` (12) features:
    the cost doubles with each feature; :func:`permutation_shapley` estimates
    the same values by sampling.
    """
    f, x, background, names, batch_size = _prepare(model, x, background, feature_names, batch_size)
    n_jobs = check_n_jobs(n_jobs)
    m = x.shape[1]
    if m > MAX_EXACT_FEATURES:
        raise ValueError(
            f"exact Shapley values enumerate 2^M coalitions and accept at most {MAX_EXACT_FEATURES} "
            f"features, got {m}; use permutation_shapley(model, x, background, n_permutations=...) "
            f"to estimate them by sampling"
        )
    fx = f(x)
    f.check_output(output)
    phi, base = map_rows(_exact_rows, (x,), (model, background, batch_size), n_jobs)
    values, (base, fx), _ = f.finish(output, phi, (base, fx))
    return Explanation(values, base, x, names, "exact_shapley", output_values=fx,
                       extra={"background_rows": len(background)})


def _exact_rows(start, x, model, background, batch_size):
    """φ (n, M, K) and v(∅) (n, K) for the rows of ``x``: the work of :func:`shapley_values`."""
    n, m = x.shape
    f = ModelFunction(model, m)
    coalitions = 1 << m
    codes = np.arange(coalitions)
    table = (codes[:, None] >> np.arange(m)) & 1 == 1  # (2^M, M): feature j in coalition code
    rows = np.repeat(np.arange(n), coalitions)
    masks = table[np.tile(codes, n)]
    v = _coalition_values(f, x, rows, masks, background, batch_size).reshape(n, coalitions, -1)

    sizes = table.sum(axis=1)
    weights = np.array([1.0 / (m * math.comb(m - 1, s)) for s in range(m)])
    phi = np.empty((n, m, v.shape[2]))
    for i in range(m):
        without = codes[~table[:, i]]
        with_i = without | (1 << i)
        phi[:, i, :] = np.einsum("c,nck->nk", weights[sizes[without]], v[:, with_i, :] - v[:, without, :])
    return phi, v[:, 0, :]


def permutation_shapley(model, x, background, n_permutations=64, antithetic=True, seed=None, output=None,
                        feature_names=None, batch_size=DEFAULT_BATCH_SIZE, n_jobs=None):
    """Shapley values estimated by sampling feature orders, with a standard error for each.

    For a uniformly random order π of the features, add them one by one to an
    empty coalition; feature i's marginal contribution Δ_i(π) = v(P_i ∪ {i})
    − v(P_i), P_i the features before i in π, has expectation φ_i (every
    order is equally likely, which is exactly the Shapley weighting).  Each
    order costs M − 1 coalition values (v(∅) = E_b f(b) and v(N) = f(x) are
    shared), i.e. (M − 1) · B model rows per input row (twice that with
    antithetic pairs).

    With ``antithetic=True`` each sampled order is also walked backwards and
    the two contributions are averaged into one sample; the reversed order
    tends to err the other way, which lowers the variance (for M = 2 the pair
    is both orders, and the result is exact).

    Orders are drawn independently for each row, from the row's own stream:
    row i (its index in x) uses ``np.random.default_rng(SeedSequence(seed,
    spawn_key=(i,)))`` (:func:`autograd_mlp.parallel.task_generator`) and
    takes each order as the ranks of M uniform numbers.  So a row's values
    depend only on the seed and its index: the same whatever ``n_jobs`` and
    ``batch_size`` (and the same for the first rows of a longer x).  This
    rule replaced one generator drawing for all rows at once: a seed now
    gives other (equally valid) estimates than before it.

    Error: the estimate is the mean of T = ``n_permutations`` independent
    samples, so its standard error is s_i / √T with s_i the sample standard
    deviation (ddof = 1) of feature i's samples; it is returned in
    ``Explanation.std_errors``.  The estimate lies within ±2 standard errors
    of the exact value about 95 % of the time, and the error shrinks as
    1/√T.  Efficiency holds exactly for every sample (the contributions
    along one order telescope to f(x) − E_b f(b)), hence for the estimate.

    Parameters are those of :func:`shapley_values`, plus ``n_permutations``
    (≥ 2, the number of independent samples), ``antithetic`` and ``seed``
    (None, a non-negative int, a numpy SeedSequence or Generator).
    """
    f, x, background, names, batch_size = _prepare(model, x, background, feature_names, batch_size)
    n_permutations = whole_number("n_permutations", n_permutations, minimum=2)
    root = seed_sequence(seed)
    n_jobs = check_n_jobs(n_jobs)
    fx = f(x)
    f.check_output(output)
    base_row = f(background).mean(axis=0)
    mean, errors = map_rows(_permutation_rows, (x, fx),
                                (model, background, base_row, root, n_permutations, bool(antithetic), batch_size),
                                n_jobs)
    base = np.broadcast_to(base_row, fx.shape).copy()
    values, (base, fx), errors = f.finish(output, mean, (base, fx), errors)
    return Explanation(values, base, x, names, "permutation_shapley", std_errors=errors, output_values=fx,
                       extra={"n_permutations": n_permutations, "antithetic": bool(antithetic),
                              "background_rows": len(background)})


def _permutation_rows(start, x, fx, model, background, base_row, root, n_permutations, antithetic, batch_size):
    """Mean and standard error (n, M, K) for the rows of ``x`` (rows start, start + 1, ... of the input), f(x) given."""
    n, m = x.shape
    f = ModelFunction(model, m)
    base = np.broadcast_to(base_row, fx.shape)
    streams = [task_generator(root, start + r) for r in range(n)]
    directions = 2 if antithetic else 1
    evaluations = max(1, n * directions * (m - 1) * len(background))
    group = max(1, min(n_permutations, batch_size // evaluations))

    k = fx.shape[1]
    count, mean, spread = 0, np.zeros((n, m, k)), np.zeros((n, m, k))
    while count < n_permutations:
        g = min(group, n_permutations - count)
        # g independent orders for each row, (g, n, M), then each one reversed.  A row's orders
        # are the ranks of consecutive uniforms of its own stream, so how the draws are grouped
        # (by batch_size, by the rows beside it) does not change them.
        orders = np.stack([stream.random((g, m)) for stream in streams], axis=1).argsort(axis=2)
        orders = np.stack([orders, orders[..., ::-1]], axis=1) if antithetic else orders[:, None]
        ranks = np.empty_like(orders)
        np.put_along_axis(ranks, orders, np.broadcast_to(np.arange(m), orders.shape), axis=-1)
        # Coalition j (j = 1..M-1) along an order holds the features of rank < j.
        masks = ranks[..., None, :] < np.arange(1, m)[:, None]  # (g, D, n, M-1, M)
        rows = np.tile(np.repeat(np.arange(n), m - 1), g * directions)
        mid = _coalition_values(f, x, rows, masks.reshape(-1, m), background, batch_size) if m > 1 else np.empty((0, k))
        path = np.concatenate([
            np.broadcast_to(base[:, None, :], (g, directions, n, 1, k)),
            mid.reshape(g, directions, n, m - 1, k),
            np.broadcast_to(fx[:, None, :], (g, directions, n, 1, k)),
        ], axis=3)
        steps = np.diff(path, axis=3)  # (g, D, n, M, K): what the feature at each position added
        contributions = np.empty_like(steps)
        np.put_along_axis(contributions, orders[..., None], steps, axis=3)
        samples = contributions.mean(axis=1)  # (g, n, M, K), antithetic pairs averaged
        # Merge the group's mean and sum of squared deviations into the running ones
        # (Chan et al.), which avoids the cancellation of Σx² − n·mean².
        group_mean = samples.mean(axis=0)
        group_spread = ((samples - group_mean) ** 2).sum(axis=0)
        delta = group_mean - mean
        mean = mean + delta * (g / (count + g))
        spread = spread + group_spread + delta**2 * (count * g / (count + g))
        count += g

    errors = np.sqrt(spread / (n_permutations - 1) / n_permutations)
    return mean, errors


#: Another name for :func:`permutation_shapley`.
sampled_shapley = permutation_shapley
