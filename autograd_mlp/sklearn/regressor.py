"""``MLPRegressor``: one or several real targets (linear output)."""

from __future__ import annotations

import numpy as np

from .. import losses
from ._api import RegressorMixin, r2_score
from .base import BaseMLP

__all__ = ["MLPRegressor"]


class MLPRegressor(RegressorMixin, BaseMLP):
    """A multi-layer perceptron regressor (linear output) with scikit-learn's ``MLPRegressor`` interface.

    ``y`` may have one column (``predict`` returns shape (rows,)) or several.
    See the module docstring for the loss, the training loop and the stopping
    rule; the parameters and attributes are those of :class:`MLPClassifier`
    (without ``classes_``), and ``validation_scores_`` holds R² scores.
    """

    _is_classifier = False

    def partial_fit(self, X, y):
        """One epoch over ``(X, y)``, continuing from the current weights."""
        return self._fit(X, y, incremental=True, classes=None)

    def _validate_targets(self, y, reset, classes):
        y = np.asarray(y)
        if y.dtype.kind not in "biuf":
            # scikit-learn converts only object arrays; a string array would fail later without naming y.
            try:
                y = y.astype(np.float64)
            except (TypeError, ValueError) as error:
                raise ValueError(f"y: {error}") from None
        return y.reshape(-1, 1) if y.ndim == 1 else y

    def _output_activation(self):
        return "linear"

    def _data_loss(self, y, out):
        # mean_squared_error averages over rows × outputs; scikit-learn's half squared
        # error is differentiated as a sum over outputs, halved.
        return losses.mean_squared_error(y, out) * (0.5 * out.shape[1])

    def _split_labels(self, labels):
        return None

    def _score_rows(self, X, y):
        return r2_score(y, self._values(self.model_.predict(X)))

    @staticmethod
    def _values(out):
        return out.ravel() if out.shape[1] == 1 else out

    def predict(self, X):
        """The network's outputs: shape (rows,) for one target, (rows, outputs) for several."""
        return self._values(self._forward(X))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def _more_tags(self):  # scikit-learn < 1.6
        return {"multioutput": True}
