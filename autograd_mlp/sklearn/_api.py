"""The parts of scikit-learn the estimators use, imported once, with an install hint when it is missing."""

from __future__ import annotations

try:
    from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.metrics import accuracy_score, r2_score
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import LabelBinarizer
    from sklearn.utils import check_random_state, column_or_1d, gen_batches, shuffle
    from sklearn.utils.multiclass import check_classification_targets, type_of_target, unique_labels
    from sklearn.utils.validation import check_array, check_is_fitted
except ImportError as error:  # pragma: no cover - exercised in a subprocess without scikit-learn
    raise ImportError(
        "autograd_mlp.sklearn needs scikit-learn; install it with: pip install autograd_mlp[sklearn]"
    ) from error

try:
    from sklearn.utils.validation import validate_data
except ImportError:  # scikit-learn < 1.6: the same checks are a method of BaseEstimator
    def validate_data(estimator, X="no_validation", y="no_validation", **kwargs):
        return estimator._validate_data(X, y, **kwargs)

__all__ = ["BaseEstimator", "ClassifierMixin", "RegressorMixin", "ConvergenceWarning", "accuracy_score", "r2_score",
           "train_test_split", "LabelBinarizer", "check_random_state", "column_or_1d", "gen_batches", "shuffle",
           "check_classification_targets", "type_of_target", "unique_labels", "check_array", "check_is_fitted",
           "validate_data"]
