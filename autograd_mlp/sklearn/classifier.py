"""``MLPClassifier``: binary, multi-class and multilabel targets (sigmoid or softmax output)."""

from __future__ import annotations

import numpy as np

from .. import losses
from ._api import (ClassifierMixin, LabelBinarizer, accuracy_score, check_classification_targets, type_of_target,
                   unique_labels)
from .base import BaseMLP

__all__ = ["MLPClassifier"]


class MLPClassifier(ClassifierMixin, BaseMLP):
    """A multi-layer perceptron classifier with scikit-learn's ``MLPClassifier`` interface.

    Binary targets get one sigmoid output (``predict_proba`` returns the two
    columns 1 - p and p), more classes a softmax output, multilabel indicator
    matrices one sigmoid output per label.  Labels may be any values
    scikit-learn accepts (strings, ints ...); ``classes_`` lists them in order.
    See the module docstring for the loss, the training loop and the stopping
    rule.

    Parameters
    ----------
    (scikit-learn's names and defaults; stored as given, checked by ``fit``)

    hidden_layer_sizes : tuple of int, default (100,)
        Units of each hidden layer (an int is one layer, ``()`` none).
    activation : {"relu", "tanh", "logistic", "identity"}, default "relu"
        The hidden layers' activation.
    solver : {"adam", "sgd", "rmsprop"}, default "adam"
    alpha : float >= 0, default 1e-4
        L2 penalty α of the loss α/(2 n_B) Σ ||W||².
    batch_size : int or "auto", default "auto" (min(200, rows))
    learning_rate : {"constant", "invscaling", "adaptive"}, default "constant" (sgd only)
    learning_rate_init : float > 0, default 0.001
    power_t : float >= 0, default 0.5 (invscaling's exponent)
    max_iter : int >= 1, default 200
        Epochs at most (one for ``partial_fit``).
    shuffle : bool, default True
    random_state : None, int or numpy RandomState
        Initial weights, shuffling and the validation split.
    tol : float >= 0, default 1e-4; n_iter_no_change : int >= 1 or inf, default 10
        The stopping rule.
    verbose : bool, default False
        Print the loss of each epoch.
    warm_start : bool, default False
        Continue from the current weights on the next ``fit``.
    momentum : float in [0, 1), default 0.9; nesterovs_momentum : bool, default True (sgd)
    early_stopping : bool, default False; validation_fraction : float in [0, 1), default 0.1
    beta_1, beta_2 : float in [0, 1), default 0.9, 0.999 (adam); epsilon : float > 0, default 1e-8
    dtype : numpy.float64 (default) or numpy.float32
        The type of the weights and of the computation.

    Attributes
    ----------
    classes_ : array of the class labels
    model_ : Sequential, the trained network (its output layer is ``sigmoid`` or ``softmax``)
    coefs_, intercepts_ : lists of the weight matrices and bias vectors
    loss_, loss_curve_, best_loss_, n_iter_, t_ : the training record
    validation_scores_, best_validation_score_ : accuracies with ``early_stopping=True``, else None
    n_features_in_, feature_names_in_ : the input's width (and column names when it has them)
    n_outputs_, n_layers_, out_activation_ : as in scikit-learn
    """

    _is_classifier = True

    def partial_fit(self, X, y, classes=None):
        """One epoch over ``(X, y)``, continuing from the current weights.

        ``classes`` (every label that will ever be seen) is required on the
        first call, unless ``y`` is a multilabel indicator matrix.
        """
        if not hasattr(self, "model_") and classes is None and not _is_multilabel(y):
            raise ValueError("classes must be passed on the first call to partial_fit (all the labels, e.g. np.unique(y_all))")
        return self._fit(X, y, incremental=True, classes=classes)

    def _validate_targets(self, y, reset, classes):
        check_classification_targets(y)
        if reset:
            binarizer = LabelBinarizer()
            if classes is not None and not _is_multilabel(y):
                classes = np.asarray(classes)
                check_classification_targets(classes)
                binarizer.fit(classes)
            else:
                binarizer.fit(y)
            if binarizer.classes_.shape[0] < 2:
                raise ValueError(
                    f"MLPClassifier needs samples of at least 2 classes, got only one class: {binarizer.classes_}"
                )
            known = binarizer.classes_
        else:
            binarizer, known = self._binarizer, self.classes_
        if binarizer.y_type_ != "multilabel-indicator":
            seen = unique_labels(y)
            if len(np.setdiff1d(seen, known, assume_unique=True)):
                raise ValueError(f"y has classes not in the model's classes {known}: y has {seen}")
        Y = binarizer.transform(y)
        if reset:
            self._binarizer = binarizer
            self.classes_ = binarizer.classes_
        return Y

    def _output_activation(self):
        return "softmax" if self._binarizer.y_type_ == "multiclass" else "sigmoid"

    def _data_loss(self, y, out):
        if out.shape[1] > 1 and self.out_activation_ == "softmax":
            return losses.categorical_crossentropy(y, out)
        # binary_crossentropy averages over rows × labels; scikit-learn sums over labels.
        return losses.binary_crossentropy(y, out) * float(out.shape[1])

    def _split_labels(self, labels):
        return labels if self._binarizer.y_type_ in ("binary", "multiclass") else None

    def _score_rows(self, X, labels):
        return accuracy_score(labels, self._labels(self.model_.predict(X)))

    def _labels(self, out):
        return self._binarizer.inverse_transform(out.ravel() if out.shape[1] == 1 else out)

    def predict(self, X):
        """The predicted labels: threshold 0.5 for sigmoid outputs, the most probable class for softmax."""
        return self._labels(self._forward(X))

    def predict_proba(self, X):
        """Class probabilities, columns in the order of ``classes_`` (two columns for a binary problem)."""
        out = self._forward(X)
        if out.shape[1] == 1:
            return np.hstack([1.0 - out, out])
        return out

    def predict_log_proba(self, X):
        """log of :meth:`predict_proba`."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags

    def _more_tags(self):  # scikit-learn < 1.6
        return {"multilabel": True}


def _is_multilabel(y):
    return type_of_target(y).startswith("multilabel")
