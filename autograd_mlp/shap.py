"""The ``shap`` calls the course uses, computed by the library's own :mod:`autograd_mlp.explain`.

The course's cell runs with only its import changed::

    import autograd_mlp.shap as sh
    explainer = sh.DeepExplainer(network, shap_data)
    shap_values = explainer.shap_values(other_input_data)
    sh.initjs()
    sh.summary_plot(shap_values, headers)

What the explainers compute
---------------------------
Both :class:`DeepExplainer` and :class:`KernelExplainer` return the
*interventional Shapley values* of the model's output with the background
rows standing in for unknown features: with M features, for a coalition S
of them, v(S) = (1/B) Σ_b f(x_S, b_{N∖S}) over the B background rows b, and

    φ_i = Σ_{S ⊆ N∖{i}} |S|! (M − |S| − 1)! / M! · (v(S ∪ {i}) − v(S)).

Up to ``MAX_EXACT_FEATURES`` (12) features they are exact, from all 2^M
coalitions (:func:`autograd_mlp.explain.shapley_values`); above, they are
estimated from ``n_permutations`` random feature orders with antithetic pairs
(:func:`autograd_mlp.explain.permutation_shapley`, seeded by ``seed``).
``expected_value`` is (1/B) Σ_b f(b), and additivity holds:
``expected_value + shap_values.sum(axis=1) == model(x)`` (up to rounding;
exact for sampled values too, since every sampled order telescopes).

How this relates to the ``shap`` package
----------------------------------------
* ``shap.DeepExplainer`` runs DeepLIFT's rescale rule from each background
  row and averages: one backward pass per background row, fast, additive,
  and equal to these Shapley values for a linear model, but for a network
  with hidden non-linearities an *approximation* of them that can differ by
  a sizeable fraction of a value.  Here ``DeepExplainer`` computes the exact
  values that DeepLIFT approximates (so it costs 2^M · B model rows per
  explained row: keep the background to a few dozen rows).
* ``shap.KernelExplainer`` estimates the same interventional values by a
  weighted regression over sampled coalitions; with every coalition it is
  exact, and so equal to what is computed here.  ``shap``'s exact explainer
  (``shap.explainers.Exact``) with an independent masker over the same
  background computes these values exactly as well.
* Return shapes follow the current ``shap`` release: one output gives an
  array (rows, features); K outputs give one array (rows, features, K), the
  outputs on the last axis (older ``shap`` returned a list of K arrays).
  ``expected_value`` is a float for one output, an array (K,) for K.
"""

from __future__ import annotations

import numbers

import numpy as np

from .engine import Value
from .explain import MAX_EXACT_FEATURES, Explanation, permutation_shapley, plot_importance, plot_summary, shapley_values
from ._checks import whole_number
from .explain._model import ModelFunction, as_matrix

__all__ = ["DeepExplainer", "KernelExplainer", "initjs", "summary_plot", "MAX_EXACT_FEATURES"]

# base + Σφ must give f(x) to this, relative to the outputs' scale (the exact
# values do so to rounding; a model that is not a function of its input does not).
_ADDITIVITY_TOLERANCE = 1e-6


class _ShapleyExplainer:
    """What both explainers share: the background, ``expected_value`` and ``shap_values``."""

    def __init__(self, model, data, n_permutations=64, seed=0):
        self.model = model
        self.data = as_matrix("background data", data)
        self.n_permutations = whole_number("n_permutations", n_permutations, minimum=2)
        self.seed = seed
        f = ModelFunction(self._function(model), self.data.shape[1])
        outputs = f(self.data)
        self._single = f.single
        mean = outputs.mean(axis=0)
        self.expected_value = float(mean[0]) if self._single else mean
        #: The :class:`~autograd_mlp.explain.Explanation` of the last ``shap_values`` call.
        self.explanation = None

    @staticmethod
    def _function(model):
        return model

    def shap_values(self, X, check_additivity=True):
        """Shapley values of each row of X: (rows, features), or (rows, features, outputs) for several outputs.

        A single row given as a 1-d array gives (features,) or (features, outputs).
        """
        x = X.data if isinstance(X, Value) else X
        one_row = not isinstance(x, (str, bytes)) and np.ndim(x) == 1
        x = as_matrix("X", np.reshape(x, (1, -1)) if one_row else x, features=self.data.shape[1])
        model = self._function(self.model)
        if x.shape[1] <= MAX_EXACT_FEATURES:
            explanation = shapley_values(model, x, self.data)
        else:
            explanation = permutation_shapley(model, x, self.data, n_permutations=self.n_permutations, seed=self.seed)
        self.explanation = explanation
        if check_additivity:
            _check_additivity(explanation)
        values = explanation.values
        return values[0] if one_row else values


def _check_additivity(explanation):
    total = explanation.base_values + explanation.values.sum(axis=1)
    scale = max(1.0, float(np.abs(explanation.output_values).max()))
    gap = float(np.abs(total - explanation.output_values).max())
    if gap > _ADDITIVITY_TOLERANCE * scale:
        raise ValueError(f"the Shapley values plus the expected value miss the model's output by {gap:.3g}: "
                         f"is the model a deterministic function of its input? (check_additivity=False skips this)")


class DeepExplainer(_ShapleyExplainer):
    """``DeepExplainer(model, background)``: exact interventional Shapley values of a model's outputs.

    ``model`` is a library model (``Sequential`` ...) or any callable from an
    (n, M) array to (n,) or (n, K) outputs; ``background`` (B, M) rows stand
    in for unknown features.  Not DeepLIFT: see the module docstring for
    what is computed and how it relates to ``shap.DeepExplainer``.  Above 12
    features the values are estimated from ``n_permutations`` random feature
    orders drawn from ``seed``.
    """


class KernelExplainer(_ShapleyExplainer):
    """``KernelExplainer(f, background)``: the same Shapley values for any function f of (n, M) numpy arrays.

    ``link`` must be ``"identity"`` (the values explain f's output itself).
    ``shap_values(X, nsamples=...)`` accepts and ignores ``nsamples`` and
    ``shap``'s other sampling options: the values are exact up to 12
    features, sampled from ``n_permutations`` orders above.
    """

    def __init__(self, model, data, link="identity", n_permutations=64, seed=0):
        if link != "identity":
            raise ValueError(f"only link='identity' is supported, got {link!r}")
        if not callable(model):
            raise TypeError(f"KernelExplainer needs a function f(x) of a numpy array, got {type(model).__name__}")
        super().__init__(model, data, n_permutations=n_permutations, seed=seed)

    @staticmethod
    def _function(model):
        # The function sees plain numpy arrays, as shap gives it.
        return lambda x: np.asarray(model(np.asarray(x)), dtype=np.float64)

    def shap_values(self, X, nsamples="auto", check_additivity=True, **sampling_options):
        return super().shap_values(X, check_additivity=check_additivity)


def initjs():
    """Does nothing: ``shap.initjs()`` loads the JavaScript of shap's interactive plots into a notebook.

    This module draws with matplotlib only (no JavaScript), in a browser or
    not, so there is nothing to load.  Kept so that the course's cell runs.
    """
    return None


def summary_plot(shap_values, features=None, feature_names=None, max_display=None, plot_type=None, title=None,
                 show=True, to_file=None):
    """A summary of Shapley values, accepting ``shap.summary_plot``'s common calls.

    * (rows, features) values: one row of points per feature (beeswarm), the
      most important on top, coloured by the feature's value when
      ``features`` (the explained data, rows × features) is given;
      ``plot_type="bar"`` draws mean |value| bars instead.
    * (rows, features, K) values, or a list of K (rows, features) arrays
      (older ``shap``'s multi-output form): mean |value| bars stacked by output.

    As in ``shap``, a list of names (or a 1-d array or pandas Index of them)
    as the second argument is taken as the feature names:
    ``summary_plot(shap_values, headers)``; a DataFrame of features gives its
    column names.

    Returns the matplotlib Figure; with ``to_file`` it is also written there.
    With ``show=True`` inside IPython/Jupyter the figure is displayed and
    None returned (as ``shap`` does); elsewhere the figure is returned.
    """
    if isinstance(shap_values, (list, tuple)):
        if not shap_values:
            raise ValueError("summary_plot got an empty list of shap values")
        values = np.stack([np.asarray(v, dtype=np.float64) for v in shap_values], axis=-1)
    else:
        values = np.asarray(shap_values, dtype=np.float64)
    if values.ndim not in (2, 3):
        raise ValueError(f"summary_plot needs shap values of shape (rows, features) or (rows, features, outputs), "
                         f"got shape {values.shape}")
    n, m = values.shape[:2]
    if features is not None and np.ndim(features) == 1:  # names (a list, an array, a pandas Index)
        if feature_names is None:
            feature_names = list(features)
        features = None
    elif feature_names is None and hasattr(features, "columns"):  # a pandas DataFrame names its columns
        feature_names = list(features.columns)
    if features is None:
        data = np.zeros((n, m))
    else:
        data = np.asarray(features, dtype=np.float64)
        if data.shape != (n, m):
            raise ValueError(f"features must have the shape of the shap values' rows and features {(n, m)}, "
                             f"got {data.shape}")
    if feature_names is None:
        feature_names = [f"Feature {i}" for i in range(m)]
    feature_names = list(feature_names)
    if len(feature_names) != m:
        raise ValueError(f"expected {m} feature names (one per column of the shap values), got {len(feature_names)}")
    if plot_type not in (None, "dot", "bar"):
        raise ValueError(f"plot_type must be 'dot' or 'bar', got {plot_type!r}")
    if max_display is None:
        max_display = 20
    if isinstance(max_display, bool) or not isinstance(max_display, numbers.Integral):
        raise TypeError(f"max_display must be an integer, got {type(max_display).__name__}")
    explanation = Explanation(values, None, data, feature_names, "exact_shapley")
    if values.ndim == 3 or plot_type == "bar":
        fig = plot_importance(explanation, to_file=to_file, max_display=max_display,
                              title=title or f"SHAP values ({n} rows)")
    else:
        fig = plot_summary(explanation, to_file=to_file, max_display=max_display,
                           title=title or f"SHAP values ({n} rows)")
    if show and _display(fig):
        return None
    return fig


def _display(fig):
    """Show ``fig`` in a running IPython shell or notebook; False outside one."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        return False
    if get_ipython() is None:
        return False
    display(fig)
    return True
