"""Metrics: how good are the predictions?  numpy in, a Python float (or counts) out.

Every function takes ``(y_true, y_pred)`` in this order (Keras and
scikit-learn order), as numpy arrays or anything ``np.asarray`` accepts, and
scores the whole batch at once.

Training metrics (Keras names, found by :func:`autograd_mlp.metrics.get`):

* binary_accuracy              mean over all elements of [y == (ŷ > threshold)]
* categorical_accuracy         mean over rows of [argmax y == argmax ŷ]
* sparse_categorical_accuracy  mean over rows of [y == argmax ŷ]   (y: class indices)
* accuracy                     one of the above, chosen from the shapes (see :func:`accuracy`)
* mean_absolute_error          1/N Σ |ŷ - y|      (N = all elements)
* mean_squared_error           1/N Σ (ŷ - y)²

Classification reports (scikit-learn names): :func:`confusion_matrix`,
:func:`precision`, :func:`recall`, :func:`f1_score`, :func:`classification_report`.
A ratio whose denominator is zero (no predicted positives for precision, no true
positives for recall) is reported as 0.0, scikit-learn's default, and without a
warning.

Bad input raises before anything is computed: TypeError for what is not
numbers (or, for class labels, numbers or strings), ValueError for NaN, an
empty batch, more than two dimensions or shapes that do not pair up, with the
expected and the received shapes in the message.
"""

from __future__ import annotations

import numbers

import numpy as np

from .._checks import numeric_array, real_number, whole_number

__all__ = [
    "accuracy",
    "binary_accuracy",
    "categorical_accuracy",
    "sparse_categorical_accuracy",
    "mean_absolute_error",
    "mean_squared_error",
    "mae",
    "mse",
    "confusion_matrix",
    "precision",
    "recall",
    "f1_score",
    "classification_report",
]


# ---------------------------------------------------------------- validation


def _as_array(name, values):
    """``values`` as a numeric array of shape (n,) or (n, k), n ≥ 1, k ≥ 1, without NaN."""
    array = numeric_array(name, values)
    if array.ndim not in (1, 2):
        raise ValueError(f"expected {name} of shape (n,) or (n, k); got shape {array.shape}")
    if array.shape[0] == 0 or array.size == 0:
        raise ValueError(f"expected {name} with at least one row and one column; got shape {array.shape}")
    if array.dtype.kind == "f" and np.isnan(array).any():
        count = int(np.isnan(array).sum())
        raise ValueError(f"expected {name} without NaN; got {count} NaN in an array of shape {array.shape}")
    return array


def _pair(y_true, y_pred):
    """Both arrays, checked to hold the same number of rows (cases)."""
    t = _as_array("y_true", y_true)
    p = _as_array("y_pred", y_pred)
    if t.shape[0] != p.shape[0]:
        raise ValueError(
            f"expected y_true and y_pred with the same number of rows; got shapes {t.shape} and {p.shape}"
        )
    return t, p


def _as_matrix(array):
    """A column (n,) as (n, 1); (n, k) unchanged."""
    return array.reshape(-1, 1) if array.ndim == 1 else array


def _same_shape(t, p):
    """Both as (n, k) arrays of one shape; (n,) and (n, 1) count as the same column."""
    t, p = _as_matrix(t), _as_matrix(p)
    if t.shape != p.shape:
        raise ValueError(
            f"expected y_pred of the shape of y_true {t.shape} (or its flat form); got y_pred of shape {p.shape}"
        )
    return t, p


def _is_whole(array):
    """True when every element is a whole number (any integer or bool dtype is)."""
    return array.dtype.kind != "f" or bool(np.all(np.isfinite(array) & (array == np.round(array))))


# ---------------------------------------------------------------- training metrics


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """Fraction of elements with y == [ŷ > threshold].

    ``y_true`` holds 0/1 labels, ``y_pred`` probabilities (a sigmoid output),
    both of the same shape ((n,) and (n, 1) are interchangeable).  As in Keras,
    a prediction exactly at the threshold counts as class 0.
    """
    threshold = real_number("threshold", threshold)
    t, p = _same_shape(*_pair(y_true, y_pred))
    return float(np.mean(t == (p > threshold)))


def categorical_accuracy(y_true, y_pred):
    """Fraction of rows with argmax y == argmax ŷ.

    ``y_true`` holds one-hot rows, ``y_pred`` one score per class (a softmax
    output), both of shape (n, k) with k ≥ 2.  A tie picks the first of the tied
    columns, as ``np.argmax`` does.
    """
    t, p = _pair(y_true, y_pred)
    t, p = _same_shape(t, p)
    if t.shape[1] < 2:
        raise ValueError(
            f"expected one column per class (k ≥ 2) in y_true and y_pred; got shape {t.shape}; "
            "for a single sigmoid column use binary_accuracy"
        )
    return float(np.mean(np.argmax(t, axis=1) == np.argmax(p, axis=1)))


def _label_column(name, array):
    """Class indices of shape (n,) or (n, 1) as a flat (n,) array of whole numbers."""
    if array.ndim == 2 and array.shape[1] != 1:
        raise ValueError(f"expected {name} as class indices of shape (n,) or (n, 1); got shape {array.shape}")
    if not _is_whole(array):
        raise ValueError(f"expected {name} as whole-number class indices; got non-integer values")
    return array.reshape(-1)


def sparse_categorical_accuracy(y_true, y_pred):
    """Fraction of rows with y == argmax ŷ.

    ``y_true`` holds class indices of shape (n,) or (n, 1); ``y_pred`` one
    score per class, shape (n, k).
    """
    t, p = _pair(y_true, y_pred)
    t = _label_column("y_true", t)
    if p.ndim != 2:
        raise ValueError(f"expected y_pred with one column per class, shape (n, k); got shape {p.shape}")
    return float(np.mean(t == np.argmax(p, axis=1)))


def _is_one_hot(array):
    return bool(np.all((array == 0) | (array == 1)) and np.all(array.sum(axis=1) == 1))


def accuracy(y_true, y_pred):
    """Fraction of correct predictions, with the comparison chosen from the data.

    Keras turns ``metrics=["accuracy"]`` into the binary, categorical or
    sparse variant by looking at the loss; here only the arrays are known, so
    the rule reads their shapes and values:

    1. ``y_pred`` has k ≥ 2 columns and ``y_true`` is one column of class
       indices ((n,) or (n, 1)): :func:`sparse_categorical_accuracy`.
    2. ``y_pred`` has k ≥ 2 columns and ``y_true`` has the same shape with
       one-hot rows: :func:`categorical_accuracy`.
    3. Otherwise element by element (shapes must match): if every prediction
       is a whole number the predictions are class labels and are compared for
       equality; else they are probabilities and :func:`binary_accuracy` with
       threshold 0.5 applies.  For 0/1 labels both give the same answer.
    """
    t, p = _pair(y_true, y_pred)
    if p.ndim == 2 and p.shape[1] >= 2:
        if t.ndim == 1 or t.shape[1] == 1:
            return sparse_categorical_accuracy(t, p)
        if t.shape == p.shape and _is_one_hot(t):
            return categorical_accuracy(t, p)
    t, p = _same_shape(t, p)
    if _is_whole(p):
        return float(np.mean(t == p))
    return binary_accuracy(t, p)


def mean_absolute_error(y_true, y_pred):
    """MAE = 1/N Σ |ŷ - y| over all N elements (shapes must match; (n,) pairs with (n, 1))."""
    t, p = _same_shape(*_pair(y_true, y_pred))
    return float(np.mean(np.abs(p.astype(np.float64) - t)))


def mean_squared_error(y_true, y_pred):
    """MSE = 1/N Σ (ŷ - y)² over all N elements (shapes must match; (n,) pairs with (n, 1))."""
    t, p = _same_shape(*_pair(y_true, y_pred))
    return float(np.mean(np.square(p.astype(np.float64) - t)))


mae = mean_absolute_error
mse = mean_squared_error

# ---------------------------------------------------------------- class labels


def _as_labels(name, values):
    """Class labels as a flat array: whole numbers (or bools) or strings, shape (n,) or (n, 1)."""
    try:
        array = np.asarray(values)
    except ValueError as error:
        raise ValueError(f"expected {name} as a flat array of class labels; got ragged input ({error})") from None
    if array.dtype.kind == "O" and all(isinstance(v, str) for v in array.reshape(-1)):
        array = array.astype(str)
    if array.dtype.kind not in "biufU":
        raise TypeError(f"expected {name} to hold class labels (whole numbers or strings); got dtype {array.dtype}")
    if array.ndim == 2 and array.shape[1] == 1:
        array = array.reshape(-1)
    if array.ndim != 1:
        raise ValueError(
            f"expected {name} as class labels of shape (n,) or (n, 1); got shape {array.shape}; "
            "for one-hot or probability rows pass y.argmax(axis=1)"
        )
    if array.size == 0:
        raise ValueError(f"expected at least one label in {name}; got shape {array.shape}")
    if array.dtype.kind == "f":
        if np.isnan(array).any():
            raise ValueError(f"expected {name} without NaN; got {int(np.isnan(array).sum())} NaN")
        if not _is_whole(array):
            bad = array[array != np.round(array)][0]
            raise ValueError(
                f"expected {name} as class labels (whole numbers); got {float(bad)!r}; "
                "threshold probabilities first, e.g. (y_pred > 0.5).astype(int)"
            )
    return array


def _kind(array):
    return "text" if array.dtype.kind == "U" else "number"


def _label_pair(y_true, y_pred):
    t = _as_labels("y_true", y_true)
    p = _as_labels("y_pred", y_pred)
    if t.shape != p.shape:
        raise ValueError(f"expected y_true and y_pred with the same number of labels; got shapes {t.shape} and {p.shape}")
    if _kind(t) != _kind(p):
        raise TypeError(f"expected y_true and y_pred to hold labels of one kind; got dtypes {t.dtype} and {p.dtype}")
    return t, p


def _given_labels(labels, t):
    """The user's ``labels`` argument, checked: a non-empty list of distinct labels of the data's kind."""
    given = _as_labels("labels", labels)
    if _kind(given) != _kind(t):
        raise TypeError(f"expected labels of the kind of y_true ({t.dtype}); got dtype {given.dtype}")
    if np.unique(given).size != given.size:
        raise ValueError(f"expected distinct labels; got {given.tolist()}")
    return given


def _count(t, p, labels):
    """k × k counts, k = len(labels): C[i, j] = #{y = labels[i] and ŷ = labels[j]}; other rows skipped."""
    k = labels.size
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]

    def positions(values):
        # searchsorted finds where each value would sit; it is a match only if the label there equals it
        where = np.minimum(np.searchsorted(sorted_labels, values), k - 1)
        return order[where], sorted_labels[where] == values

    ti, t_known = positions(t)
    pi, p_known = positions(p)
    keep = t_known & p_known
    counts = np.bincount(ti[keep] * k + pi[keep], minlength=k * k)
    return counts.reshape(k, k).astype(np.int64)


def confusion_matrix(y_true, y_pred, labels=None):
    """Counts of (true class, predicted class) pairs: C[i, j] = #{y = labels[i] and ŷ = labels[j]}.

    Rows are the true classes, columns the predicted ones, as in scikit-learn,
    so the diagonal holds the correct predictions and ``C.sum() == n``.
    ``labels`` (default: the sorted union of the labels in ``y_true`` and
    ``y_pred``) orders the rows and columns or selects a subset of classes; a
    case whose true or predicted label is not among them is not counted.
    Labels are whole numbers (or bools, or integer-valued floats) or strings,
    of shape (n,) or (n, 1); threshold probabilities before calling.

    For two classes with labels [0, 1] (False, True)::

                      predicted 0    predicted 1
        true 0        TN  C[0, 0]    FP  C[0, 1]   <- beta error
        true 1        FN  C[1, 0]    TP  C[1, 1]
                      ^ alpha error

    The course names the two risks of a classifier:

    * alpha error: predicting False something that is True, a false
      negative, FN = C[1, 0] (below the diagonal);
    * beta error: predicting True something that is False, a false
      positive, FP = C[0, 1] (above the diagonal).

    (These are the type I / type II errors of a test whose null hypothesis is
    "the case is True"; statistics texts that take "the case is negative" as
    the null hypothesis use the two names the other way round.)
    """
    t, p = _label_pair(y_true, y_pred)
    if labels is None:
        labels = np.union1d(t, p)
    else:
        labels = _given_labels(labels, t)
    return _count(t, p, labels)


# ---------------------------------------------------------------- precision, recall, F1

_AVERAGES = ("binary", "micro", "macro", "weighted", None)


def _divide(numerator, denominator):
    """numerator / denominator elementwise, 0.0 where the denominator is 0."""
    numerator = np.asarray(numerator, dtype=np.float64)
    denominator = np.asarray(denominator, dtype=np.float64)
    return np.divide(numerator, denominator, out=np.zeros_like(numerator), where=denominator > 0)


def _check_pos_label(pos_label, t):
    if _kind(t) == "text":
        if not isinstance(pos_label, str):
            raise TypeError(f"expected pos_label as a string like the labels; got {type(pos_label).__name__} {pos_label!r}")
    elif isinstance(pos_label, str) or not isinstance(pos_label, numbers.Real):
        raise TypeError(f"expected pos_label as a number like the labels; got {type(pos_label).__name__} {pos_label!r}")


def _counts_per_class(y_true, y_pred, labels, pos_label, average):
    """(tp, fp, fn, support) per scored class, as int arrays."""
    if average not in _AVERAGES:
        raise ValueError(f"expected average in {_AVERAGES}; got {average!r}")
    t, p = _label_pair(y_true, y_pred)
    present = np.union1d(t, p)
    if labels is not None:
        given = _given_labels(labels, t)
        present = np.union1d(present, given)
    if average == "binary":
        _check_pos_label(pos_label, t)
        if present.size > 2:
            raise ValueError(
                f"average='binary' needs at most two classes; got {present.size} ({present.tolist()}); "
                "choose average='macro', 'micro', 'weighted' or None"
            )
        if pos_label not in present and present.size == 2:
            raise ValueError(f"pos_label={pos_label!r} is not one of the labels {present.tolist()}")
        scored = np.asarray([pos_label])
    else:
        scored = present if labels is None else given
    everything = np.union1d(present, scored)
    # Counting over every label (not only the scored ones) makes a prediction
    # of a scored class count as a false positive whatever the true label was.
    matrix = _count(t, p, everything)
    index = np.searchsorted(everything, scored)
    tp = np.diag(matrix)[index]
    fp = matrix.sum(axis=0)[index] - tp
    fn = matrix.sum(axis=1)[index] - tp
    return tp, fp, fn, tp + fn


def _average(per_class, support, average, micro):
    if average is None:
        return per_class
    if average == "micro":
        return float(micro)
    if average == "weighted":
        total = support.sum()
        return float(per_class @ support / total) if total > 0 else 0.0
    return float(per_class.mean())  # "macro", and "binary" (one class)


def _scores(tp, fp, fn, support, average):
    """(precision, recall, F1) from the per-class counts, averaged as asked."""
    TP, FP, FN = tp.sum(), fp.sum(), fn.sum()
    return (
        _average(_divide(tp, tp + fp), support, average, _divide(TP, TP + FP)),
        _average(_divide(tp, tp + fn), support, average, _divide(TP, TP + FN)),
        _average(_divide(2 * tp, 2 * tp + fp + fn), support, average, _divide(2 * TP, 2 * TP + FP + FN)),
    )


def precision(y_true, y_pred, *, labels=None, pos_label=1, average="binary"):
    """Precision TP / (TP + FP): of the cases predicted as a class, the share that is.

    ``average``: ``"binary"`` (default) scores ``pos_label`` alone and needs
    at most two classes; ``None`` gives one score per class (in the order of
    ``labels``, default the sorted union of the labels seen); ``"macro"`` their
    unweighted mean; ``"weighted"`` their mean weighted by support (the number
    of true cases of each class); ``"micro"`` pools the counts of all classes
    first (for single-label data over all classes it equals the accuracy).
    ``labels`` may select a subset of the classes for the averages; cases of
    other classes still count as false positives or negatives of the chosen ones.
    A class never predicted has precision 0.0.
    """
    return _scores(*_counts_per_class(y_true, y_pred, labels, pos_label, average), average)[0]


def recall(y_true, y_pred, *, labels=None, pos_label=1, average="binary"):
    """Recall TP / (TP + FN): of the true cases of a class, the share found.

    ``labels``, ``pos_label`` and ``average`` as in :func:`precision`.  A class
    with no true case has recall 0.0.
    """
    return _scores(*_counts_per_class(y_true, y_pred, labels, pos_label, average), average)[1]


def f1_score(y_true, y_pred, *, labels=None, pos_label=1, average="binary"):
    """F1 = 2 P R / (P + R) = 2 TP / (2 TP + FP + FN), the harmonic mean of precision and recall.

    ``labels``, ``pos_label`` and ``average`` as in :func:`precision` (the
    macro average is the mean of the per-class F1, as in scikit-learn).  A
    class with TP = FP = FN = 0 has F1 0.0.
    """
    return _scores(*_counts_per_class(y_true, y_pred, labels, pos_label, average), average)[2]


def classification_report(y_true, y_pred, *, labels=None, target_names=None, digits=2):
    """A text table: precision, recall, F1 and support for each class, then the averages.

    The last rows are the accuracy (or, when ``labels`` selects some of the
    classes, the micro average over them), the macro and the weighted average.
    ``target_names`` gives a printed name per class, in the order of ``labels``.
    """
    digits = whole_number("digits", digits, minimum=0)
    t, p = _label_pair(y_true, y_pred)
    chosen = np.union1d(t, p) if labels is None else _given_labels(labels, t)
    if target_names is None:
        row_names = [str(label) for label in chosen.tolist()]
    else:
        row_names = [str(name) for name in target_names]
        if len(row_names) != chosen.size:
            raise ValueError(f"expected {chosen.size} target_names, one per label; got {len(row_names)}")
    counts = _counts_per_class(t, p, chosen, 1, None)
    support = counts[3]
    scores = {average: _scores(*counts, average) for average in (None, "micro", "macro", "weighted")}

    width = max(len("weighted avg"), *(len(name) for name in row_names))
    number = max(len("precision"), digits + 2)
    header = f"{'':>{width}}" + "".join(f" {title:>{number}}" for title in ("precision", "recall", "f1-score", "support"))

    def row(name, values, count):
        cells = "".join(f" {'' if v is None else f'{v:.{digits}f}':>{number}}" for v in values)
        return f"{name:>{width}}{cells} {count:>{number}}"

    lines = [header, ""]
    per_class = scores[None]
    for i, name in enumerate(row_names):
        lines.append(row(name, (per_class[0][i], per_class[1][i], per_class[2][i]), int(support[i])))
    lines.append("")
    total = int(support.sum())
    if labels is None:
        lines.append(row("accuracy", (None, None, float(np.mean(t == p))), total))
    else:
        lines.append(row("micro avg", scores["micro"], total))
    lines.append(row("macro avg", scores["macro"], total))
    lines.append(row("weighted avg", scores["weighted"], total))
    return "\n".join(lines) + "\n"
