"""Tests for autograd_mlp.metrics: hand-computed values, the accuracy rule, errors, and scikit-learn as a witness."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_mlp import metrics


# ---------------------------------------------------------------- training metrics


def test_binary_accuracy_thresholds_predictions():
    y_true = np.array([[0], [1], [1], [0]])
    y_pred = np.array([[0.2], [0.7], [0.4], [0.9]])
    # thresholded: 0 1 0 1 -> right, right, wrong, wrong
    assert metrics.binary_accuracy(y_true, y_pred) == 0.5
    # a lower threshold turns 0.4 into 1: only 0.9 stays wrong
    assert metrics.binary_accuracy(y_true, y_pred, threshold=0.3) == 0.75
    assert metrics.binary_accuracy([0, 1, 1, 0], [0.2, 0.7, 0.4, 0.1], threshold=0.3) == 1.0


def test_binary_accuracy_prediction_at_threshold_is_class_zero():
    assert metrics.binary_accuracy([0, 1], [0.5, 0.5]) == 0.5
    assert metrics.binary_accuracy([0], [0.5]) == 1.0


def test_binary_accuracy_pairs_flat_and_column_shapes():
    assert metrics.binary_accuracy([0, 1, 1], [[0.1], [0.9], [0.2]]) == pytest.approx(2 / 3)
    assert metrics.binary_accuracy([[0], [1], [1]], [0.1, 0.9, 0.2]) == pytest.approx(2 / 3)


def test_binary_accuracy_over_several_outputs_averages_all_elements():
    y_true = [[1, 0], [0, 0]]
    y_pred = [[0.9, 0.8], [0.1, 0.2]]
    assert metrics.binary_accuracy(y_true, y_pred) == 0.75


def test_binary_accuracy_returns_python_float():
    assert type(metrics.binary_accuracy([1], [0.9])) is float


@pytest.mark.parametrize("threshold", ["0.5", None, True])
def test_binary_accuracy_rejects_a_non_number_threshold(threshold):
    with pytest.raises(TypeError, match="threshold"):
        metrics.binary_accuracy([1], [0.9], threshold=threshold)


def test_binary_accuracy_rejects_a_nan_threshold():
    with pytest.raises(ValueError, match="threshold"):
        metrics.binary_accuracy([1], [0.9], threshold=float("nan"))


def test_categorical_accuracy_compares_argmax():
    y_true = np.eye(3)[[0, 1, 2, 1]]
    y_pred = np.array([[0.8, 0.1, 0.1], [0.3, 0.4, 0.3], [0.5, 0.2, 0.3], [0.1, 0.1, 0.8]])
    assert metrics.categorical_accuracy(y_true, y_pred) == 0.5


def test_categorical_accuracy_ties_pick_the_first_column():
    assert metrics.categorical_accuracy([[1, 0]], [[0.5, 0.5]]) == 1.0
    assert metrics.categorical_accuracy([[0, 1]], [[0.5, 0.5]]) == 0.0


def test_categorical_accuracy_rejects_single_column_and_mismatched_shapes():
    with pytest.raises(ValueError, match="binary_accuracy"):
        metrics.categorical_accuracy([[1], [0]], [[0.3], [0.6]])
    with pytest.raises(ValueError, match=r"\(2, 3\)"):
        metrics.categorical_accuracy([[1, 0], [0, 1]], [[0.1, 0.2, 0.7], [0.3, 0.3, 0.4]])


def test_sparse_categorical_accuracy_compares_index_with_argmax():
    y_pred = np.array([[0.8, 0.1, 0.1], [0.3, 0.4, 0.3], [0.5, 0.2, 0.3]])
    assert metrics.sparse_categorical_accuracy([0, 1, 2], y_pred) == pytest.approx(2 / 3)
    assert metrics.sparse_categorical_accuracy([[0], [1], [2]], y_pred) == pytest.approx(2 / 3)
    assert metrics.sparse_categorical_accuracy(np.array([0.0, 1.0, 0.0]), y_pred) == 1.0


def test_sparse_categorical_accuracy_rejects_bad_labels():
    y_pred = np.array([[0.8, 0.2], [0.3, 0.7]])
    with pytest.raises(ValueError, match="class indices"):
        metrics.sparse_categorical_accuracy([0.5, 1.0], y_pred)
    with pytest.raises(ValueError, match=r"\(2, 2\)"):
        metrics.sparse_categorical_accuracy([[1, 0], [0, 1]], y_pred[:, 0])


def test_accuracy_with_class_labels_compares_for_equality():
    assert metrics.accuracy([0, 1, 2, 2], [0, 2, 2, 2]) == 0.75
    assert metrics.accuracy([[1], [0]], [[1], [1]]) == 0.5


def test_accuracy_with_probabilities_thresholds_at_one_half():
    assert metrics.accuracy([0, 1, 1], [0.2, 0.7, 0.4]) == pytest.approx(2 / 3)
    assert metrics.accuracy([[0], [1]], [[0.6], [0.51]]) == 0.5


def test_accuracy_with_one_hot_targets_is_categorical():
    y_true = np.eye(3)[[0, 1, 2]]
    y_pred = np.array([[0.6, 0.3, 0.1], [0.6, 0.3, 0.1], [0.1, 0.2, 0.7]])
    assert metrics.accuracy(y_true, y_pred) == pytest.approx(2 / 3)
    assert metrics.accuracy(y_true, y_pred) == metrics.categorical_accuracy(y_true, y_pred)


def test_accuracy_with_index_targets_and_score_rows_is_sparse():
    y_pred = np.array([[0.6, 0.3, 0.1], [0.6, 0.3, 0.1], [0.1, 0.2, 0.7]])
    assert metrics.accuracy([0, 1, 2], y_pred) == pytest.approx(2 / 3)
    assert metrics.accuracy([[0], [1], [2]], y_pred) == pytest.approx(2 / 3)


def test_accuracy_with_multilabel_targets_is_elementwise():
    y_true = np.array([[1, 1, 0], [0, 0, 0]])  # not one-hot rows
    y_pred = np.array([[0.9, 0.2, 0.1], [0.6, 0.1, 0.3]])
    assert metrics.accuracy(y_true, y_pred) == pytest.approx(4 / 6)


@given(st.lists(st.booleans(), min_size=1, max_size=30), st.data())
@settings(max_examples=40, deadline=None)
def test_accuracy_agrees_with_binary_accuracy_on_0_1_labels(labels, data):
    y_true = np.array(labels, dtype=float)
    y_pred = np.array(data.draw(st.lists(st.sampled_from([0.0, 0.2, 0.7, 1.0]), min_size=len(labels), max_size=len(labels))))
    assert metrics.accuracy(y_true, y_pred) == metrics.binary_accuracy(y_true, y_pred)


def test_mean_absolute_and_squared_error_by_hand():
    y_true = [[1.0, 2.0], [3.0, 4.0]]
    y_pred = [[2.0, 2.0], [1.0, 5.0]]
    # differences 1, 0, -2, 1 over 4 elements
    assert metrics.mean_absolute_error(y_true, y_pred) == 1.0
    assert metrics.mean_squared_error(y_true, y_pred) == 1.5
    assert metrics.mae is metrics.mean_absolute_error
    assert metrics.mse is metrics.mean_squared_error


def test_errors_of_integer_arrays_do_not_wrap_around():
    y_true = np.array([0], dtype=np.uint8)
    y_pred = np.array([3], dtype=np.uint8)
    assert metrics.mean_absolute_error(y_pred, y_true) == 3.0
    assert metrics.mean_squared_error(y_true, y_pred) == 9.0


@given(st.lists(st.floats(-100, 100), min_size=1, max_size=20), st.data())
@settings(max_examples=40, deadline=None)
def test_regression_metrics_match_numpy(values, data):
    y_true = np.array(values)
    y_pred = np.array(data.draw(st.lists(st.floats(-100, 100), min_size=len(values), max_size=len(values))))
    assert metrics.mean_absolute_error(y_true, y_pred) == pytest.approx(np.mean(np.abs(y_true - y_pred)))
    assert metrics.mean_squared_error(y_true, y_pred.reshape(-1, 1)) == pytest.approx(np.mean((y_true - y_pred) ** 2))


# ---------------------------------------------------------------- bad input

ALL_TRAINING_METRICS = [
    metrics.accuracy,
    metrics.binary_accuracy,
    metrics.mean_absolute_error,
    metrics.mean_squared_error,
]


@pytest.mark.parametrize("metric", ALL_TRAINING_METRICS)
def test_mismatched_lengths_name_both_shapes(metric):
    with pytest.raises(ValueError, match=r"\(3,\) and \(2,\)"):
        metric([0, 1, 1], [0, 1])


@pytest.mark.parametrize("metric", ALL_TRAINING_METRICS + [metrics.sparse_categorical_accuracy])
def test_nan_is_rejected(metric):
    with pytest.raises(ValueError, match="NaN"):
        metric([[0.0], [1.0]], [[np.nan, 0.5], [0.5, 0.5]] if metric is metrics.sparse_categorical_accuracy else [[np.nan], [0.5]])
    with pytest.raises(ValueError, match="NaN"):
        metric([np.nan, 1.0], [[0.5, 0.5], [0.5, 0.5]] if metric is metrics.sparse_categorical_accuracy else [0.5, 0.5])


@pytest.mark.parametrize("metric", ALL_TRAINING_METRICS + [metrics.categorical_accuracy])
def test_three_dimensions_are_rejected(metric):
    with pytest.raises(ValueError, match=r"\(1, 1, 2\)"):
        metric(np.zeros((1, 1, 2)), np.zeros((1, 1, 2)))


@pytest.mark.parametrize("metric", ALL_TRAINING_METRICS)
def test_scalars_and_empty_batches_are_rejected(metric):
    with pytest.raises(ValueError, match=r"\(\)"):
        metric(1.0, 1.0)
    with pytest.raises(ValueError, match=r"\(0,\)"):
        metric([], [])


@pytest.mark.parametrize("metric", ALL_TRAINING_METRICS)
def test_non_numbers_are_a_type_error(metric):
    with pytest.raises(TypeError, match="numbers"):
        metric(["a", "b"], [0.1, 0.2])
    with pytest.raises(TypeError, match="numbers"):
        metric("ab", [0.1, 0.2])
    with pytest.raises(TypeError, match="numbers"):
        metric([0, 1], [1 + 1j, 0j])


def test_ragged_input_is_a_value_error():
    with pytest.raises(ValueError, match="rectangular"):
        metrics.mean_squared_error([[1, 2], [3]], [[1, 2], [3, 4]])


def test_elementwise_metrics_reject_different_column_counts():
    with pytest.raises(ValueError, match=r"\(2, 1\).*\(2, 2\)"):
        metrics.mean_squared_error([1, 2], [[1, 2], [3, 4]])


# ---------------------------------------------------------------- lookup by name


@pytest.mark.parametrize(
    "name, function",
    [
        ("accuracy", metrics.accuracy),
        ("acc", metrics.accuracy),
        ("binary_accuracy", metrics.binary_accuracy),
        ("categorical_accuracy", metrics.categorical_accuracy),
        ("sparse_categorical_accuracy", metrics.sparse_categorical_accuracy),
        ("mae", metrics.mean_absolute_error),
        ("mean_absolute_error", metrics.mean_absolute_error),
        ("mse", metrics.mean_squared_error),
        ("mean_squared_error", metrics.mean_squared_error),
        ("MSE", metrics.mean_squared_error),
        ("Accuracy", metrics.accuracy),
    ],
)
def test_get_finds_keras_names(name, function):
    assert metrics.get(name) is function


def test_get_result_is_called_with_true_then_predicted():
    assert metrics.get("binary_accuracy")(np.array([[1.0], [0.0]]), np.array([[0.9], [0.8]])) == 0.5


def test_get_returns_a_callable_unchanged():
    def custom(y_true, y_pred):
        return 0.0

    assert metrics.get(custom) is custom


def test_get_unknown_name_lists_the_valid_ones():
    with pytest.raises(ValueError) as info:
        metrics.get("precision_at_k")
    message = str(info.value)
    assert "precision_at_k" in message
    for name in metrics.names():
        assert name in message


def test_get_rejects_non_names():
    with pytest.raises(TypeError):
        metrics.get(3)


def test_get_speaks_like_the_other_lookups():
    from autograd_mlp import _names

    for bad in ("precision_at_k", 3):
        with pytest.raises((ValueError, TypeError)) as ours:
            metrics.get(bad)
        with pytest.raises(type(ours.value)) as shared:
            _names.lookup(dict(metrics._BY_NAME), bad, "metric")
        assert str(ours.value) == str(shared.value)
    assert str(ours.value).startswith("metric must be a name or a function")


def test_names_are_sorted_and_all_resolve():
    names = metrics.names()
    assert names == sorted(names)
    assert {"accuracy", "acc", "mae", "mse", "binary_accuracy"} <= set(names)
    for name in names:
        assert callable(metrics.get(name))


# ---------------------------------------------------------------- confusion matrix


def test_confusion_matrix_by_hand():
    y_true = [0, 1, 2, 2, 1, 0, 2]
    y_pred = [0, 2, 2, 1, 1, 0, 2]
    expected = np.array([[2, 0, 0], [0, 1, 1], [0, 1, 2]])
    result = metrics.confusion_matrix(y_true, y_pred)
    np.testing.assert_array_equal(result, expected)
    assert result.dtype == np.int64
    assert result.sum() == len(y_true)


def test_confusion_matrix_alpha_and_beta_errors_sit_off_the_diagonal():
    # one true case predicted False (alpha, a false negative), two false cases predicted True (beta, false positives)
    y_true = [1, 1, 0, 0, 0]
    y_pred = [0, 1, 1, 1, 0]
    (tn, fp), (fn, tp) = metrics.confusion_matrix(y_true, y_pred)
    assert (tn, fp, fn, tp) == (1, 2, 1, 1)
    doc = metrics.confusion_matrix.__doc__
    assert "alpha" in doc and "C[1, 0]" in doc and "beta" in doc and "C[0, 1]" in doc


def test_confusion_matrix_with_bools_matches_zero_one():
    y_true = np.array([True, True, False])
    y_pred = np.array([False, True, True])
    np.testing.assert_array_equal(metrics.confusion_matrix(y_true, y_pred), metrics.confusion_matrix([1, 1, 0], [0, 1, 1]))


def test_confusion_matrix_labels_order_and_select():
    y_true = [0, 1, 2, 2]
    y_pred = [0, 2, 2, 1]
    np.testing.assert_array_equal(metrics.confusion_matrix(y_true, y_pred, labels=[2, 0]), [[1, 0], [0, 1]])
    # a label nobody used adds an empty row and column
    np.testing.assert_array_equal(metrics.confusion_matrix([0, 1], [0, 1], labels=[0, 1, 5]), [[1, 0, 0], [0, 1, 0], [0, 0, 0]])


def test_confusion_matrix_counts_labels_seen_only_in_predictions():
    np.testing.assert_array_equal(metrics.confusion_matrix([0, 0], [0, 3]), [[1, 1], [0, 0]])


def test_confusion_matrix_accepts_strings_columns_and_integer_valued_floats():
    result = metrics.confusion_matrix(["cat", "dog", "cat"], ["dog", "dog", "cat"])
    np.testing.assert_array_equal(result, [[1, 1], [0, 1]])
    result = metrics.confusion_matrix(np.array([[1.0], [0.0]]), np.array([[1], [1]]))
    np.testing.assert_array_equal(result, [[0, 1], [0, 1]])


def test_confusion_matrix_rejects_probabilities_and_one_hot_rows():
    with pytest.raises(ValueError, match="threshold"):
        metrics.confusion_matrix([0, 1], [0.2, 0.9])
    with pytest.raises(ValueError, match=r"\(2, 2\).*argmax"):
        metrics.confusion_matrix([0, 1], [[0.8, 0.2], [0.1, 0.9]])


def test_confusion_matrix_rejects_bad_input():
    with pytest.raises(ValueError, match=r"\(3,\) and \(2,\)"):
        metrics.confusion_matrix([0, 1, 1], [0, 1])
    with pytest.raises(ValueError, match="NaN"):
        metrics.confusion_matrix([0, np.nan], [0, 1])
    with pytest.raises(ValueError, match=r"\(0,\)"):
        metrics.confusion_matrix([], [])
    with pytest.raises(TypeError, match="one kind"):
        metrics.confusion_matrix([0, 1], ["a", "b"])
    with pytest.raises(TypeError, match="kind"):
        metrics.confusion_matrix([0, 1], [0, 1], labels=["a", "b"])
    with pytest.raises(ValueError, match="distinct"):
        metrics.confusion_matrix([0, 1], [0, 1], labels=[0, 1, 0])
    with pytest.raises(TypeError):
        metrics.confusion_matrix([None, 1], [0, 1])


# ---------------------------------------------------------------- precision, recall, F1


def test_binary_precision_recall_f1_by_hand():
    y_true = [1, 1, 1, 0, 0, 0, 0]
    y_pred = [1, 1, 0, 1, 0, 0, 0]
    # TP = 2, FN = 1, FP = 1
    assert metrics.precision(y_true, y_pred) == pytest.approx(2 / 3)
    assert metrics.recall(y_true, y_pred) == pytest.approx(2 / 3)
    assert metrics.f1_score(y_true, y_pred) == pytest.approx(2 / 3)
    # pos_label=0: TP = 3, FP = 1, FN = 1
    assert metrics.precision(y_true, y_pred, pos_label=0) == pytest.approx(3 / 4)
    assert metrics.recall(y_true, y_pred, pos_label=0) == pytest.approx(3 / 4)


def test_binary_scores_with_unequal_precision_and_recall():
    y_true = [1, 1, 1, 1, 0]
    y_pred = [1, 0, 0, 0, 0]
    # TP = 1, FN = 3, FP = 0
    assert metrics.precision(y_true, y_pred) == 1.0
    assert metrics.recall(y_true, y_pred) == 0.25
    assert metrics.f1_score(y_true, y_pred) == pytest.approx(2 * 1.0 * 0.25 / 1.25)


def test_zero_division_gives_zero():
    # never predicted positive: precision 0/0; no true positive: recall 0/0
    assert metrics.precision([1, 0], [0, 0]) == 0.0
    assert metrics.recall([0, 0], [1, 0]) == 0.0
    assert metrics.f1_score([0, 0], [0, 0]) == 0.0
    per_class = metrics.precision([0, 1, 2], [0, 0, 0], average=None)
    np.testing.assert_allclose(per_class, [1 / 3, 0.0, 0.0])


def test_string_labels_with_a_string_pos_label():
    assert metrics.recall(["spam", "ham", "spam"], ["spam", "spam", "ham"], pos_label="spam") == 0.5
    with pytest.raises(TypeError, match="pos_label"):
        metrics.recall(["spam", "ham"], ["spam", "spam"])


def test_multiclass_averages_by_hand():
    y_true = [0, 0, 1, 1, 1, 2]
    y_pred = [0, 1, 1, 1, 2, 2]
    # class 0: TP 1 FP 0 FN 1; class 1: TP 2 FP 1 FN 1; class 2: TP 1 FP 1 FN 0
    p = np.array([1.0, 2 / 3, 1 / 2])
    r = np.array([1 / 2, 2 / 3, 1.0])
    f = 2 * p * r / (p + r)
    support = np.array([2, 3, 1])
    np.testing.assert_allclose(metrics.precision(y_true, y_pred, average=None), p)
    np.testing.assert_allclose(metrics.recall(y_true, y_pred, average=None), r)
    np.testing.assert_allclose(metrics.f1_score(y_true, y_pred, average=None), f)
    assert metrics.precision(y_true, y_pred, average="macro") == pytest.approx(p.mean())
    assert metrics.f1_score(y_true, y_pred, average="macro") == pytest.approx(f.mean())
    assert metrics.recall(y_true, y_pred, average="weighted") == pytest.approx(r @ support / 6)
    accuracy = 4 / 6
    for score in (metrics.precision, metrics.recall, metrics.f1_score):
        assert score(y_true, y_pred, average="micro") == pytest.approx(accuracy)
        assert type(score(y_true, y_pred, average="macro")) is float


def test_labels_choose_the_order_of_per_class_scores():
    y_true = [0, 0, 1, 1, 1, 2]
    y_pred = [0, 1, 1, 1, 2, 2]
    np.testing.assert_allclose(metrics.recall(y_true, y_pred, average=None, labels=[2, 0]), [1.0, 0.5])


def test_binary_average_refuses_more_than_two_classes():
    with pytest.raises(ValueError, match="macro"):
        metrics.f1_score([0, 1, 2], [0, 1, 1])


def test_binary_average_refuses_a_missing_pos_label():
    with pytest.raises(ValueError, match="pos_label"):
        metrics.precision([0, 2], [2, 2])


def test_unknown_average_is_rejected():
    with pytest.raises(ValueError, match="average"):
        metrics.recall([0, 1], [0, 1], average="mean")


# ---------------------------------------------------------------- scikit-learn as a witness


@st.composite
def label_pairs(draw, max_classes=5):
    classes = draw(st.integers(1, max_classes))
    n = draw(st.integers(1, 40))
    labels = st.lists(st.integers(0, classes - 1), min_size=n, max_size=n)
    return np.array(draw(labels)), np.array(draw(labels))


def _sklearn(function, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args, **kwargs)


@given(label_pairs())
@settings(max_examples=40, deadline=None)
def test_confusion_matrix_matches_sklearn(pair):
    sk = pytest.importorskip("sklearn.metrics")
    y_true, y_pred = pair
    np.testing.assert_array_equal(metrics.confusion_matrix(y_true, y_pred), _sklearn(sk.confusion_matrix, y_true, y_pred))
    labels = [3, 0, 1]
    ours = metrics.confusion_matrix(y_true, y_pred, labels=labels)
    if np.isin(labels, y_true).any():
        np.testing.assert_array_equal(ours, _sklearn(sk.confusion_matrix, y_true, y_pred, labels=labels))
    else:  # scikit-learn refuses; here every row (a true class) is simply empty
        np.testing.assert_array_equal(ours, np.zeros((3, 3)))


@given(label_pairs(), st.sampled_from([None, "micro", "macro", "weighted"]), st.booleans())
@settings(max_examples=50, deadline=None)
def test_precision_recall_f1_match_sklearn(pair, average, subset):
    sk = pytest.importorskip("sklearn.metrics")
    y_true, y_pred = pair
    options = {"average": average, "labels": [1, 0] if subset else None}
    for ours, theirs in (
        (metrics.precision, sk.precision_score),
        (metrics.recall, sk.recall_score),
        (metrics.f1_score, sk.f1_score),
    ):
        expected = _sklearn(theirs, y_true, y_pred, zero_division=0, **options)
        np.testing.assert_allclose(ours(y_true, y_pred, **options), expected, atol=1e-12)


@given(label_pairs(max_classes=2), st.sampled_from([0, 1]))
@settings(max_examples=40, deadline=None)
def test_binary_scores_match_sklearn(pair, pos_label):
    sk = pytest.importorskip("sklearn.metrics")
    y_true, y_pred = pair
    if pos_label not in np.union1d(y_true, y_pred) and np.union1d(y_true, y_pred).size == 2:
        return  # both refuse; covered by test_binary_average_refuses_a_missing_pos_label
    for ours, theirs in (
        (metrics.precision, sk.precision_score),
        (metrics.recall, sk.recall_score),
        (metrics.f1_score, sk.f1_score),
    ):
        expected = _sklearn(theirs, y_true, y_pred, pos_label=pos_label, zero_division=0)
        assert ours(y_true, y_pred, pos_label=pos_label) == pytest.approx(expected)


# ---------------------------------------------------------------- report


def test_classification_report_lists_each_class_and_the_averages():
    y_true = [0, 1, 1, 2, 2, 2]
    y_pred = [0, 1, 2, 2, 2, 1]
    report = metrics.classification_report(y_true, y_pred, target_names=["red", "green", "blue"])
    lines = report.splitlines()
    assert lines[0].split() == ["precision", "recall", "f1-score", "support"]
    rows = {line.split()[0]: line.split()[1:] for line in lines[1:] if line.strip()}
    assert rows["red"] == ["1.00", "1.00", "1.00", "1"]
    assert rows["green"] == ["0.50", "0.50", "0.50", "2"]
    assert rows["blue"] == ["0.67", "0.67", "0.67", "3"]
    assert rows["accuracy"] == ["0.67", "6"]
    macro = [line for line in lines if line.strip().startswith("macro avg")][0]
    assert macro.split()[2:] == ["0.72", "0.72", "0.72", "6"]


def test_classification_report_with_a_label_subset_shows_micro_average():
    report = metrics.classification_report([0, 1, 2], [0, 2, 2], labels=[0, 1], digits=3)
    assert "micro avg" in report and "accuracy" not in report
    assert "1.000" in report


def test_classification_report_checks_its_arguments():
    with pytest.raises(ValueError, match="target_names"):
        metrics.classification_report([0, 1], [0, 1], target_names=["only one"])
    with pytest.raises(ValueError, match="digits"):
        metrics.classification_report([0, 1], [0, 1], digits=-1)
    with pytest.raises(TypeError, match="digits"):
        metrics.classification_report([0, 1], [0, 1], digits=2.0)
