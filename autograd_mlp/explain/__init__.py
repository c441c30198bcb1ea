"""Which inputs drive a trained network: Shapley values and gradient attributions, with plots.

::

    from autograd_mlp import explain
    e = explain.shapley_values(model, x_test[:100], background=x_train[:50],
                               feature_names=headers)
    print(e.ranking())
    explain.plot_summary(e, to_file="summary.png")

* :func:`shapley_values` — exact Shapley values (all 2^M coalitions, M ≤ 12);
* :func:`permutation_shapley` (alias :func:`sampled_shapley`) — estimated by
  sampling feature orders, with standard errors, for any M;
* :func:`integrated_gradients`, :func:`expected_gradients`,
  :func:`gradient_x_input`, :func:`saliency` — from the engine's gradients;
* :func:`plot_importance`, :func:`plot_summary`, :func:`plot_waterfall` —
  matplotlib figures (``pip install autograd_mlp[plot]``).

Every function returns an :class:`Explanation`, and takes ``n_jobs`` to
split the rows across workers through joblib (a Dask or Ray cluster inside
``joblib.parallel_backend(...)``; see :mod:`autograd_mlp.parallel`): exact
methods give one worker's values up to rounding, sampled ones the same
values for a seed, since row i draws from its own stream
``SeedSequence(seed, spawn_key=(i,))``.
"""

from .explanation import Explanation
from .gradients import expected_gradients, gradient_x_input, integrated_gradients, saliency
from .plots import plot_importance, plot_summary, plot_waterfall
from .shapley import MAX_EXACT_FEATURES, permutation_shapley, sampled_shapley, shapley_values

__all__ = [
    "Explanation",
    "shapley_values", "permutation_shapley", "sampled_shapley", "MAX_EXACT_FEATURES",
    "integrated_gradients", "expected_gradients", "gradient_x_input", "saliency",
    "plot_importance", "plot_summary", "plot_waterfall",
]
