"""Metric objects as Keras 3 has them: state accumulated over batches by ``update_state``, read by ``result``.

>>> m = BinaryAccuracy(threshold=0.5)
>>> m.update_state(y1, p1); m.update_state(y2, p2, sample_weight=w2)
>>> m.result()          # over both batches;  m.reset_state() starts again

Means (Keras's ``MeanMetricWrapper``): each case i gets a value v_i (the mean
over its elements), and ``result() = Σ w_i v_i / Σ w_i`` over every case seen
(w_i = 1 without ``sample_weight``):

* ``Accuracy``                   [y == ŷ]
* ``BinaryAccuracy(threshold)``  [y == (ŷ > threshold)]
* ``CategoricalAccuracy``        [argmax y == argmax ŷ]
* ``SparseCategoricalAccuracy``  [y == argmax ŷ]   (y: class indices)
* ``MeanSquaredError``, ``MeanAbsoluteError``  (ŷ - y)², |ŷ - y|

Confusion counts, summed over batches with weights, every element a case
(y counts as positive when it is not 0, ŷ when it is above a threshold):

* ``Precision`` TP / (TP + FP), ``Recall`` TP / (TP + FN) at ``thresholds``
  (default 0.5; a list gives one result per threshold);
* ``AUC``: the area under the ROC curve (or ``curve="PR"``) from counts at
  ``num_thresholds`` thresholds (default 200: -1e-7, 1/199, ..., 198/199,
  1 + 1e-7), summed by the trapezoidal rule ("interpolation", Keras's
  default), or "minoring" / "majoring" rectangles; for PR with "interpolation"
  Keras's interpolation of precision between thresholds (Davis and Goadrich).

A ratio whose denominator is 0 is 0.0, as Keras divides.  Each object has the
name Keras gives it (``"binary_accuracy"``, ``"precision"``, ``"auc"`` ...),
which ``compile(metrics=[...])`` uses for History keys (Keras adds ``_1``,
``_2`` to repeated names; here a second metric of one name needs ``name=``).

Called directly, ``metric(y_true, y_pred)`` returns the value on that batch
alone and leaves the state untouched (``compile`` averages such batch values
over an epoch, weighted by rows: exact for the means; for precision, recall
and AUC an epoch's value from accumulated counts needs ``update_state``).
Bad input raises before the state changes.
"""

from __future__ import annotations

import numpy as np

from .._checks import finite_array, flag, one_of, real_number, whole_number
from .functions import _label_column

__all__ = [
    "Metric",
    "Mean",
    "Accuracy",
    "BinaryAccuracy",
    "CategoricalAccuracy",
    "SparseCategoricalAccuracy",
    "MeanSquaredError",
    "MeanAbsoluteError",
    "Precision",
    "Recall",
    "AUC",
    "CLASSES",
]

EPSILON = 1e-7


def _arrays(y_true, y_pred):
    t = finite_array("y_true", getattr(y_true, "data", y_true)).astype(np.float64)
    p = finite_array("y_pred", getattr(y_pred, "data", y_pred)).astype(np.float64)
    if p.ndim == 0 or p.shape[0] == 0:
        raise ValueError(f"expected y_pred with one row per case, at least one; got shape {p.shape}")
    if t.ndim == 0 or t.shape[0] != p.shape[0]:
        raise ValueError(
            f"expected y_true and y_pred with the same number of rows; got shapes {t.shape} and {p.shape}"
        )
    return t, p


def _same_rank(t, p):
    """(n,) against (n, 1) made alike, as Keras squeezes or expands; any other mismatch is an error."""
    if t.ndim == p.ndim + 1 and t.shape[-1] == 1:
        t = t.reshape(t.shape[:-1])
    elif p.ndim == t.ndim + 1 and p.shape[-1] == 1:
        p = p.reshape(p.shape[:-1])
    if t.shape != p.shape:
        raise ValueError(f"expected y_true and y_pred of one shape; got shapes {t.shape} and {p.shape}")
    return t, p


def _weights(sample_weight, n):
    """One finite, non-negative weight per case, shape (n,); a scalar is spread over the cases."""
    w = finite_array("sample_weight", sample_weight).astype(np.float64)
    if np.any(w < 0):
        raise ValueError(f"expected sample_weight without negative entries; got a minimum of {w.min()}")
    if w.ndim == 0:
        return np.full(n, float(w))
    if w.ndim == 2 and w.shape[1] == 1:
        w = w.reshape(-1)
    if w.shape != (n,):
        raise ValueError(f"expected sample_weight with one weight per case, shape ({n},); got shape {w.shape}")
    return w


class Metric:
    """Base class: ``update_state`` / ``result`` / ``reset_state``, a ``name`` and ``get_config``."""

    default_name = None

    def __init__(self, name=None, dtype=None):
        if name is not None and not isinstance(name, str):
            raise TypeError(f"expected name as a string; got {type(name).__name__} {name!r}")
        self.name = name or self.default_name
        self.dtype = dtype or "float64"
        self.reset_state()

    @property
    def __name__(self):
        # compile(metrics=[...]) names a metric by its __name__: a metric object answers with its name
        return self.name

    def update_state(self, y_true, y_pred, sample_weight=None):
        raise NotImplementedError

    def result(self):
        raise NotImplementedError

    def reset_state(self):
        raise NotImplementedError

    def __call__(self, y_true, y_pred, sample_weight=None):
        """The metric on this batch alone; the object's own state is left as it was."""
        fresh = type(self).from_config(self.get_config())
        fresh.update_state(y_true, y_pred, sample_weight)
        return fresh.result()

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        if not isinstance(config, dict):
            raise TypeError(f"expected a config dict; got {type(config).__name__}")
        return cls(**config)

    def __repr__(self):
        return f"{type(self).__name__}(name={self.name!r})"


class Mean(Metric):
    """The weighted mean of per-case values: Σ w_i v_i / Σ w_i over every case seen."""

    default_name = "mean"

    def reset_state(self):
        self.total = 0.0
        self.count = 0.0

    def values(self, y_true, y_pred):
        """One value per case, shape (n,) (subclasses); here ``y_true`` itself, the values to average."""
        return np.asarray(y_true, dtype=np.float64).reshape(len(y_true), -1).mean(axis=1)

    def update_state(self, y_true, y_pred=None, sample_weight=None):
        v = self.values(y_true, y_pred)
        if sample_weight is None:
            total, count = float(np.sum(v)), float(v.shape[0])
        else:
            w = _weights(sample_weight, v.shape[0])
            total, count = float(w @ v), float(w.sum())
        self.total += total
        self.count += count

    def result(self):
        return self.total / self.count if self.count else 0.0


def _per_case(values):
    return values.reshape(values.shape[0], -1).mean(axis=1) if values.ndim > 1 else values


class Accuracy(Mean):
    """[y == ŷ] element by element (predictions that are labels)."""

    default_name = "accuracy"

    def values(self, y_true, y_pred):
        t, p = _same_rank(*_arrays(y_true, y_pred))
        return _per_case((t == p).astype(np.float64))


class BinaryAccuracy(Mean):
    """[y == (ŷ > threshold)] element by element; a prediction at the threshold counts as 0."""

    default_name = "binary_accuracy"

    def __init__(self, name=None, dtype=None, threshold=0.5):
        self.threshold = real_number("threshold", threshold)
        super().__init__(name, dtype)

    def values(self, y_true, y_pred):
        t, p = _same_rank(*_arrays(y_true, y_pred))
        return _per_case((t == (p > self.threshold)).astype(np.float64))

    def get_config(self):
        return {**super().get_config(), "threshold": self.threshold}


class CategoricalAccuracy(Mean):
    """[argmax y == argmax ŷ] per row (one-hot targets; a tie takes the first column)."""

    default_name = "categorical_accuracy"

    def values(self, y_true, y_pred):
        t, p = _arrays(y_true, y_pred)
        if t.shape != p.shape:
            raise ValueError(f"expected one-hot y_true of y_pred's shape {p.shape}; got shape {t.shape}")
        return _per_case((np.argmax(t, axis=-1) == np.argmax(p, axis=-1)).astype(np.float64))


class SparseCategoricalAccuracy(Mean):
    """[y == argmax ŷ] per row, y class indices of shape (n,) or (n, 1)."""

    default_name = "sparse_categorical_accuracy"

    def values(self, y_true, y_pred):
        t, p = _arrays(y_true, y_pred)
        if p.ndim != 2:
            raise ValueError(f"expected y_pred with one column per class, shape (n, k); got shape {p.shape}")
        t = _label_column("y_true", t)
        return (t == np.argmax(p, axis=-1)).astype(np.float64)


class MeanSquaredError(Mean):
    """Mean over cases of mean_k (ŷ - y)²."""

    default_name = "mean_squared_error"

    def values(self, y_true, y_pred):
        t, p = _same_rank(*_arrays(y_true, y_pred))
        return _per_case(np.square(p - t))


class MeanAbsoluteError(Mean):
    """Mean over cases of mean_k |ŷ - y|."""

    default_name = "mean_absolute_error"

    def values(self, y_true, y_pred):
        t, p = _same_rank(*_arrays(y_true, y_pred))
        return _per_case(np.abs(p - t))


def _ratio(a, b):
    return np.divide(a, b, out=np.zeros_like(a), where=b > 0)


class _Confusion(Metric):
    """Weighted TP, FP, TN, FN counts at each threshold, every element of y_true / y_pred a case."""

    def _set_thresholds(self, thresholds):
        if thresholds is None:
            thresholds = 0.5
        self._single = np.ndim(thresholds) == 0
        values = [real_number("thresholds", t) for t in np.atleast_1d(np.asarray(thresholds, dtype=object))]
        self._thresholds = np.asarray(values, dtype=np.float64)

    def reset_state(self):
        k = len(self._thresholds)
        self.true_positives, self.false_positives = np.zeros(k), np.zeros(k)
        self.true_negatives, self.false_negatives = np.zeros(k), np.zeros(k)

    def _cases(self, y_true, y_pred, sample_weight):
        t, p = _same_rank(*_arrays(y_true, y_pred))
        w = None if sample_weight is None else _weights(sample_weight, t.shape[0])
        if getattr(self, "class_id", None) is not None:
            if p.ndim != 2 or not self.class_id < p.shape[1]:
                raise ValueError(f"expected y_pred with a column {self.class_id} (class_id); got shape {p.shape}")
            t, p = t[:, self.class_id], p[:, self.class_id]
        w = np.ones(t.shape) if w is None else np.broadcast_to(w.reshape((-1,) + (1,) * (t.ndim - 1)), t.shape)
        return (t != 0).ravel(), p.ravel(), w.ravel()

    def update_state(self, y_true, y_pred, sample_weight=None):
        positive, p, w = self._cases(y_true, y_pred, sample_weight)
        above = p[None, :] > self._thresholds[:, None]  # (thresholds, cases)
        pos_w, neg_w = w * positive, w * ~positive
        self.true_positives = self.true_positives + above @ pos_w
        self.false_positives = self.false_positives + above @ neg_w
        self.false_negatives = self.false_negatives + (~above) @ pos_w
        self.true_negatives = self.true_negatives + (~above) @ neg_w

    def _answer(self, values):
        return float(values[0]) if self._single else [float(v) for v in values]


class Precision(_Confusion):
    """TP / (TP + FP): of the cases predicted positive (ŷ > threshold), the share that is."""

    default_name = "precision"

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        if top_k is not None:
            raise ValueError(f"expected top_k=None (top_k is not supported here); got {top_k!r}")
        self.init_thresholds = thresholds
        self.class_id = None if class_id is None else whole_number("class_id", class_id, minimum=0)
        self._set_thresholds(thresholds)
        super().__init__(name, dtype)

    def result(self):
        return self._answer(_ratio(self.true_positives, self.true_positives + self.false_positives))

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds, "top_k": None, "class_id": self.class_id}


class Recall(Precision):
    """TP / (TP + FN): of the positive cases, the share predicted positive (ŷ > threshold)."""

    default_name = "recall"

    def result(self):
        return self._answer(_ratio(self.true_positives, self.true_positives + self.false_negatives))


class AUC(_Confusion):
    """The area under the ROC (or PR) curve, from counts at fixed thresholds (see the module docstring)."""

    default_name = "auc"

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation", name=None, dtype=None,
                 thresholds=None, multi_label=False, num_labels=None, label_weights=None, from_logits=False):
        if flag("multi_label", multi_label) or num_labels is not None or label_weights is not None:
            raise ValueError("expected multi_label=False, num_labels=None, label_weights=None (one pooled curve)")
        self.curve = one_of("curve", str(curve).upper() if isinstance(curve, str) else curve, ("ROC", "PR"))
        self.summation_method = one_of("summation_method", summation_method,
                                       ("interpolation", "minoring", "majoring"))
        self.from_logits = flag("from_logits", from_logits)
        if thresholds is not None:
            inner = sorted(real_number("thresholds", t, 0, 1) for t in thresholds)
            self.num_thresholds = len(inner) + 2
            self._evenly = False
        else:
            n = whole_number("num_thresholds", num_thresholds, minimum=2)
            self.num_thresholds = n
            inner = [(i + 1) / (n - 1) for i in range(n - 2)]
            self._evenly = True
        self._inner = None if thresholds is None else inner
        self._single = False
        self._thresholds = np.asarray([0.0 - EPSILON, *inner, 1.0 + EPSILON])
        super().__init__(name, dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        p = finite_array("y_pred", getattr(y_pred, "data", y_pred)).astype(np.float64)
        if self.from_logits:
            p = 1.0 / (1.0 + np.exp(-p))
        if self._evenly:
            p = np.clip(p, 0.0, 1.0)  # Keras clips before counting at evenly spaced thresholds
        super().update_state(y_true, p, sample_weight)

    def result(self):
        tp, fp, tn, fn = self.true_positives, self.false_positives, self.true_negatives, self.false_negatives
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self._interpolated_pr()
        recall = _ratio(tp, tp + fn)
        if self.curve == "ROC":
            x, y = _ratio(fp, fp + tn), recall
        else:
            x, y = recall, _ratio(tp, tp + fp)
        if self.summation_method == "interpolation":
            heights = (y[:-1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = np.minimum(y[:-1], y[1:])
        else:
            heights = np.maximum(y[:-1], y[1:])
        return float(np.sum((x[:-1] - x[1:]) * heights))

    def _interpolated_pr(self):
        """Precision interpolated between thresholds as TP changes linearly with the predicted positives P."""
        tp, fp, fn = self.true_positives, self.false_positives, self.false_negatives
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        dp = p[:-1] - p[1:]
        slope = _ratio(dtp, np.maximum(dp, 0))
        intercept = tp[1:] - slope * p[1:]
        both = (p[:-1] > 0) & (p[1:] > 0)
        ratio = np.where(both, _ratio(p[:-1], np.maximum(p[1:], 0)), 1.0)
        with np.errstate(divide="ignore"):
            log_ratio = np.where(ratio > 0, np.log(np.where(ratio > 0, ratio, 1.0)), 0.0)
        increments = _ratio(slope * (dtp + intercept * log_ratio), np.maximum(tp[1:] + fn[1:], 0))
        return float(np.sum(increments))

    def get_config(self):
        return {**super().get_config(), "num_thresholds": self.num_thresholds, "curve": self.curve,
                "summation_method": self.summation_method, "thresholds": self._inner, "multi_label": False,
                "num_labels": None, "label_weights": None, "from_logits": self.from_logits}


#: The metric classes by their Keras class names.
CLASSES = {cls.__name__: cls for cls in (Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy,
                                          MeanSquaredError, MeanAbsoluteError, Precision, Recall, AUC)}
