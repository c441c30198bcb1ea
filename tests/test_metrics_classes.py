"""The metric classes on their own: accumulation over batches, weights, AUC, names, configs, bad input."""

import numpy as np
import pytest

from autograd_mlp import metrics
from autograd_mlp.keras import metrics as keras_metrics
from autograd_mlp.metrics import classes

RNG = np.random.default_rng(8)
Y = RNG.integers(0, 2, (12, 1)).astype(float)
P = RNG.uniform(0.02, 0.98, (12, 1))
W = RNG.uniform(0, 2, 12)
LABELS = RNG.integers(0, 3, 12)
SCORES = RNG.uniform(size=(12, 3))


def feed(metric, y, p, w=None, cuts=(0, 5, 12)):
    for start, stop in zip(cuts[:-1], cuts[1:]):
        metric.update_state(y[start:stop], p[start:stop], sample_weight=None if w is None else w[start:stop])
    return metric.result()


def test_binary_accuracy_is_the_weighted_mean_over_every_case_seen():
    correct = (Y == (P > 0.4)).ravel()
    assert feed(metrics.BinaryAccuracy(threshold=0.4), Y, P) == pytest.approx(correct.mean(), rel=1e-14)
    assert feed(metrics.BinaryAccuracy(threshold=0.4), Y, P, W) == pytest.approx(W @ correct / W.sum(), rel=1e-14)


def test_a_prediction_at_the_threshold_counts_as_zero():
    assert metrics.BinaryAccuracy()(np.array([0.0, 1.0]), np.array([0.5, 0.5])) == 0.5


def test_categorical_and_sparse_accuracy():
    right = LABELS == SCORES.argmax(axis=1)
    assert feed(metrics.SparseCategoricalAccuracy(), LABELS, SCORES, W) == pytest.approx(W @ right / W.sum())
    assert feed(metrics.CategoricalAccuracy(), np.eye(3)[LABELS], SCORES) == pytest.approx(right.mean())
    assert feed(metrics.Accuracy(), LABELS, SCORES.argmax(axis=1)) == pytest.approx(right.mean())


def test_mean_errors_average_each_case_over_its_outputs_first():
    y, p = RNG.normal(size=(12, 2)), RNG.normal(size=(12, 2))
    per_case = np.mean((p - y) ** 2, axis=1)
    assert feed(metrics.MeanSquaredError(), y, p, W) == pytest.approx(W @ per_case / W.sum(), rel=1e-13)
    assert feed(metrics.MeanAbsoluteError(), y, p) == pytest.approx(np.mean(np.abs(p - y)), rel=1e-13)


def test_precision_and_recall_accumulate_counts_not_batch_ratios():
    positive, predicted = Y.ravel() == 1, P.ravel() > 0.5
    tp = W @ (positive & predicted)
    assert feed(metrics.Precision(), Y, P, W) == pytest.approx(tp / (W @ predicted), rel=1e-13)
    assert feed(metrics.Recall(), Y, P, W) == pytest.approx(tp / (W @ positive), rel=1e-13)
    several = feed(metrics.Recall(thresholds=[0.3, 0.7]), Y, P)
    assert several == pytest.approx([np.mean(P.ravel()[positive] > t) for t in (0.3, 0.7)])


def test_nothing_predicted_positive_gives_zero_precision():
    assert metrics.Precision()(np.array([1.0, 0.0]), np.array([0.1, 0.2])) == 0.0


def test_auc_at_every_midpoint_is_the_exact_roc_area():
    p = P.ravel()
    cuts = np.sort(np.unique(p))
    midpoints = (cuts[:-1] + cuts[1:]) / 2
    auc = feed(metrics.AUC(thresholds=list(midpoints)), Y, P)
    positives, negatives = p[Y.ravel() == 1], p[Y.ravel() == 0]
    exact = np.mean(positives[:, None] > negatives[None, :])  # the probability a positive ranks above a negative
    assert auc == pytest.approx(exact, rel=1e-12)


def test_auc_of_a_perfect_ranking_is_one_and_of_a_reversed_one_zero():
    y = np.array([0.0, 0.0, 1.0, 1.0])
    assert metrics.AUC()(y, np.array([0.1, 0.2, 0.8, 0.9])) == pytest.approx(1.0)
    assert metrics.AUC()(y, np.array([0.9, 0.8, 0.2, 0.1])) == pytest.approx(0.0)


def test_auc_uses_keras_default_thresholds():
    auc = metrics.AUC()
    assert auc.num_thresholds == 200
    assert auc._thresholds[0] == -1e-7 and auc._thresholds[-1] == 1 + 1e-7
    assert auc._thresholds[1] == pytest.approx(1 / 199)


def test_reset_state_starts_again():
    metric = metrics.AUC()
    feed(metric, Y, P)
    metric.reset_state()
    metric.update_state(Y[:4], P[:4])
    assert metric.result() == metrics.AUC()(Y[:4], P[:4])


def test_calling_a_metric_scores_the_batch_and_leaves_its_state_alone():
    metric = metrics.Precision()
    metric.update_state(Y[:6], P[:6])
    before = metric.result()
    assert metric(Y[6:], P[6:]) == metrics.Precision()(Y[6:], P[6:])
    assert metric.result() == before


@pytest.mark.parametrize("cls, name", [
    ("Accuracy", "accuracy"), ("BinaryAccuracy", "binary_accuracy"), ("CategoricalAccuracy", "categorical_accuracy"),
    ("SparseCategoricalAccuracy", "sparse_categorical_accuracy"), ("MeanSquaredError", "mean_squared_error"),
    ("MeanAbsoluteError", "mean_absolute_error"), ("Precision", "precision"), ("Recall", "recall"), ("AUC", "auc"),
])
def test_names_configs_and_lookups(cls, name):
    metric = getattr(metrics, cls)()
    assert metric.name == metric.__name__ == name
    copy = type(metric).from_config(metric.get_config())
    assert copy.get_config() == metric.get_config()
    assert getattr(keras_metrics, cls) is type(metric)
    assert metrics.get(metric) is metric
    if cls != "Accuracy":  # "Accuracy" in any letter case stays the function accuracy
        assert type(metrics.get(cls)) is type(metric)


def test_get_makes_a_new_object_for_stateful_names_and_lists_the_valid_ones():
    first, second = metrics.get("auc"), metrics.get("AUC")
    assert isinstance(first, metrics.AUC) and first is not second
    assert metrics.get("accuracy") is metrics.accuracy
    with pytest.raises(ValueError, match="auc.*precision.*recall"):
        metrics.get("roc_auc")


def test_configs_carry_the_options():
    assert metrics.BinaryAccuracy(threshold=0.3, name="acc3").get_config() == {
        "name": "acc3", "dtype": "float64", "threshold": 0.3}
    auc = metrics.AUC(num_thresholds=50, curve="PR", summation_method="minoring", from_logits=True)
    assert metrics.AUC.from_config(auc.get_config()).get_config() == auc.get_config()


@pytest.mark.parametrize("make, error, match", [
    (lambda: metrics.BinaryAccuracy(threshold="high"), TypeError, "threshold"),
    (lambda: metrics.AUC(num_thresholds=1), ValueError, "num_thresholds"),
    (lambda: metrics.AUC(curve="XY"), ValueError, "curve"),
    (lambda: metrics.AUC(summation_method="simpson"), ValueError, "summation_method"),
    (lambda: metrics.AUC(multi_label=True), ValueError, "multi_label"),
    (lambda: metrics.AUC(thresholds=[0.5, 2.0]), ValueError, "thresholds"),
    (lambda: metrics.Precision(top_k=2), ValueError, "top_k"),
    (lambda: metrics.Recall(class_id=-1), ValueError, "class_id"),
])
def test_bad_options_are_refused(make, error, match):
    with pytest.raises(error, match=match):
        make()


@pytest.mark.parametrize("args, error, match", [
    ((Y, P[:5]), ValueError, "same number of rows"),
    ((Y, P, W[:5]), ValueError, "one weight per case"),
    ((Y, P, -W), ValueError, "negative"),
    ((Y, np.full((12, 1), np.nan)), ValueError, "NaN"),
    ((Y, np.full((12, 1), "x")), TypeError, "y_pred"),
    ((Y, np.ones((12, 2))), ValueError, "one shape"),
])
@pytest.mark.parametrize("cls", ["BinaryAccuracy", "Precision", "AUC", "MeanSquaredError"])
def test_bad_input_raises_before_the_state_changes(cls, args, error, match):
    metric = getattr(metrics, cls)()
    metric.update_state(Y[:4], P[:4])
    before = metric.result()
    with pytest.raises(error, match=match):
        metric.update_state(*args)
    assert metric.result() == before


def test_compile_names_history_keys_after_the_metric_objects():
    from autograd_mlp.keras import layers, losses, models

    x = RNG.normal(size=(24, 2))
    y = (x[:, :1] + x[:, 1:] > 0).astype(float)
    model = models.Sequential([layers.Dense(1, activation="sigmoid", input_dim=2)])
    model.compile(optimizer="sgd", loss=losses.BinaryCrossentropy(),
                  metrics=[metrics.BinaryAccuracy(threshold=0.4), metrics.Precision(), metrics.Recall(),
                           metrics.AUC(), "mae"])
    history = model.fit(x, y, epochs=2, batch_size=24, verbose=0)
    assert list(history.history) == ["loss", "binary_accuracy", "precision", "recall", "auc", "mae"]
    # one batch per epoch: the epoch's values are the metrics of the predictions made for the update
    scores = model.evaluate(x, y, verbose=0, return_dict=True)
    p = model.predict(x, verbose=0)
    assert scores["auc"] == pytest.approx(metrics.AUC()(y, p), rel=1e-12)
    assert scores["precision"] == pytest.approx(metrics.Precision()(y, p), rel=1e-12)


def test_all_metric_classes_are_listed():
    assert set(classes.CLASSES) <= set(metrics.__all__)
