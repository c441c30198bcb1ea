"""Tests for autograd_mlp.sklearn: scikit-learn's estimator checks, the loss and first update
against numpy, trajectories equal to scikit-learn's own MLP, the stopping rule, partial_fit,
warm starts, pickling, bad arguments, and the Pipeline example."""

import copy
import pickle
import runpy
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("sklearn")

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra.numpy import arrays  # noqa: E402
from sklearn import neural_network  # noqa: E402
from sklearn.base import clone  # noqa: E402
from sklearn.datasets import load_iris  # noqa: E402
from sklearn.exceptions import ConvergenceWarning, NotFittedError  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

from autograd_mlp import Sequential  # noqa: E402
from autograd_mlp.sklearn import MLPClassifier, MLPRegressor  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def quiet(estimator, X, y, method="fit", **kwargs):
    """Fit without the ConvergenceWarning that short test runs are expected to raise."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return getattr(estimator, method)(X, y, **kwargs)


def all_weights(est):
    return [np.array(w) for w in est.coefs_ + est.intercepts_]


def assert_same_weights(a, b, atol):
    for p, q in zip(all_weights(a), all_weights(b), strict=True):
        np.testing.assert_allclose(p, q, rtol=0, atol=atol)


# --------------------------------------------------------- scikit-learn's checks
# Small networks and few epochs keep the checks fast; learning_rate_init=0.05 lets
# 30 epochs reach the accuracy (> 0.83) and R² (> 0.5) the training checks ask for.
@parametrize_with_checks([
    MLPClassifier(hidden_layer_sizes=(8,), max_iter=30, learning_rate_init=0.05),
    MLPRegressor(hidden_layer_sizes=(8,), max_iter=30, learning_rate_init=0.05),
])
def test_scikit_learn_estimator_checks(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        check(estimator)


# ------------------------------------------------------------- optional extra
def run_python(code):
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_package_does_not_import_scikit_learn():
    out = run_python("import sys, autograd_mlp; print('sklearn' in sys.modules, 'autograd_mlp.sklearn' in sys.modules)")
    assert out.split() == ["False", "False"]


def test_without_scikit_learn_the_estimators_raise_a_clear_import_error():
    out = run_python(
        "import sys\n"
        "sys.modules['sklearn'] = None  # as if scikit-learn were not installed\n"
        "import autograd_mlp\n"
        "try:\n"
        "    import autograd_mlp.sklearn\n"
        "except ImportError as error:\n"
        "    print(error)\n"
    )
    assert "pip install autograd_mlp[sklearn]" in out


# --------------------------------------------------- the loss and the first step
def numpy_loss(params, X, Y, hidden, output):
    """The documented loss of one batch, written out in numpy."""
    (W1, b1), (W2, b2), alpha = params
    h = hidden(X @ W1 + b1)
    z = h @ W2 + b2
    n = X.shape[0]
    if output == "softmax":
        z = z - z.max(axis=1, keepdims=True)
        log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        data = -(Y * log_p).sum() / n
    elif output == "sigmoid":
        p = 1.0 / (1.0 + np.exp(-z))
        data = -(Y * np.log(p) + (1 - Y) * np.log(1 - p)).sum() / n
    else:
        data = ((z - Y) ** 2).sum() / (2 * n)
    return data + alpha / (2 * n) * ((W1 ** 2).sum() + (W2 ** 2).sum())


def glorot_draws(units, seed, factor):
    """scikit-learn's initial weights: U(-b, b), b = sqrt(factor / (fan_in + fan_out)), weights then biases."""
    rng = np.random.RandomState(seed)
    layers = []
    for fan_in, fan_out in zip(units[:-1], units[1:]):
        bound = np.sqrt(factor / (fan_in + fan_out))
        layers.append((rng.uniform(-bound, bound, (fan_in, fan_out)), rng.uniform(-bound, bound, fan_out)))
    return layers


def finite_difference_gradient(f, arrays_, h=1e-6):
    grads = []
    for arr in arrays_:
        g = np.zeros_like(arr)
        for i in np.ndindex(arr.shape):
            old = arr[i]
            arr[i] = old + h
            up = f()
            arr[i] = old - h
            down = f()
            arr[i] = old
            g[i] = (up - down) / (2 * h)
        grads.append(g)
    return grads


HIDDEN = {"tanh": (np.tanh, 6.0), "logistic": (lambda z: 1 / (1 + np.exp(-z)), 2.0), "identity": (lambda z: z, 6.0)}


@pytest.mark.parametrize("activation", sorted(HIDDEN))
@pytest.mark.parametrize("task", ["multiclass", "binary", "multilabel", "regression", "two-output regression"])
def test_first_epoch_loss_and_update_against_numpy(activation, task):
    """One full-batch plain-SGD epoch: loss_ is L(θ₀) and the weights become θ₀ - λ ∇L(θ₀)."""
    rng = np.random.default_rng(5)
    X = rng.normal(size=(13, 3))
    if task == "multiclass":
        labels = np.arange(13) % 3
        Y, n_out, output, cls = np.eye(3)[labels], 3, "softmax", MLPClassifier
    elif task == "binary":
        labels = np.arange(13) % 2
        Y, n_out, output, cls = labels[:, None].astype(float), 1, "sigmoid", MLPClassifier
    elif task == "multilabel":
        labels = (rng.random((13, 2)) > 0.5).astype(int)
        labels[0], labels[1] = (0, 1), (1, 0)
        Y, n_out, output, cls = labels.astype(float), 2, "sigmoid", MLPClassifier
    else:
        width = 1 if task == "regression" else 2
        labels = rng.normal(size=(13, width)).squeeze()
        Y, n_out, output, cls = labels.reshape(13, width), width, "linear", MLPRegressor
    hidden, factor = HIDDEN[activation]
    alpha, lr = 0.3, 0.05
    (W1, b1), (W2, b2) = glorot_draws([3, 4, n_out], seed=7, factor=factor)
    params = [(W1, b1), (W2, b2), alpha]

    est = cls(hidden_layer_sizes=(4,), activation=activation, solver="sgd", momentum=0.0, alpha=alpha,
              learning_rate_init=lr, batch_size=13, shuffle=False, max_iter=1, random_state=7)
    quiet(est, X, labels)

    def loss():
        return numpy_loss(params, X, Y, hidden, output)

    expected_loss = loss()
    grads = finite_difference_gradient(loss, [W1, b1, W2, b2])
    assert est.loss_ == pytest.approx(expected_loss, rel=1e-12)
    assert est.loss_curve_ == [est.loss_]
    for got, start, g in zip(all_weights(est), [W1, W2, b1, b2], [grads[0], grads[2], grads[1], grads[3]]):
        np.testing.assert_allclose(got, start - lr * g, rtol=0, atol=1e-8)


# --------------------------------------------------- the same path as scikit-learn
def both(kwargs, X, y, classifier=True):
    ours = (MLPClassifier if classifier else MLPRegressor)(**kwargs)
    theirs = (neural_network.MLPClassifier if classifier else neural_network.MLPRegressor)(**kwargs)
    return quiet(ours, X, y), quiet(theirs, X, y)


@pytest.mark.parametrize("target", ["multiclass", "binary", "strings", "multilabel", "regression", "two outputs"])
def test_sgd_follows_scikit_learns_weights(iris, target):
    """Same initial draws, shuffles, batches, loss and momentum rule: the same weights to rounding."""
    X, y = iris
    targets = {
        "multiclass": y, "binary": y == 1, "strings": np.array(["setosa", "versicolor", "virginica"])[y],
        "multilabel": np.column_stack([y == 0, y == 2]).astype(int),
        "regression": X[:, 3], "two outputs": X[:, 2:],
    }
    classifier = target not in ("regression", "two outputs")
    inputs = X if classifier else X[:, :2]
    kwargs = dict(hidden_layer_sizes=(6, 5), solver="sgd", learning_rate_init=0.02, batch_size=32,
                  alpha=0.01, max_iter=15, random_state=3)
    ours, theirs = both(kwargs, inputs, targets[target], classifier)
    assert_same_weights(ours, theirs, atol=1e-12)
    assert ours.n_iter_ == theirs.n_iter_ == 15
    if classifier:
        np.testing.assert_array_equal(ours.predict(inputs), theirs.predict(inputs))
    else:
        np.testing.assert_allclose(ours.predict(inputs), theirs.predict(inputs), rtol=1e-12)
    if target != "two outputs":  # scikit-learn reports the mean over outputs, see the module doc
        np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-12)
    if classifier:
        np.testing.assert_array_equal(ours.classes_, theirs.classes_)
        np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), rtol=0, atol=1e-12)


def test_plain_momentum_and_relu_follow_scikit_learn(iris):
    X, y = iris
    kwargs = dict(hidden_layer_sizes=(10,), solver="sgd", nesterovs_momentum=False, momentum=0.5,
                  learning_rate_init=0.05, max_iter=10, random_state=0)
    assert_same_weights(*both(kwargs, X, y), atol=1e-12)


def test_adam_follows_scikit_learn_when_epsilon_is_negligible(iris):
    """The two Adams differ only in where ε enters; with ε → 0 they coincide."""
    X, y = iris
    kwargs = dict(hidden_layer_sizes=(7,), activation="tanh", learning_rate_init=0.01, batch_size=32,
                  max_iter=20, epsilon=1e-30, random_state=3)
    assert_same_weights(*both(kwargs, X, y), atol=1e-12)


def test_binary_early_stopping_follows_scikit_learn(iris):
    """Same stratified validation split, scores, stopping epoch and restored best weights."""
    X, y = iris
    kwargs = dict(hidden_layer_sizes=(5,), solver="sgd", learning_rate_init=0.01, early_stopping=True,
                  validation_fraction=0.2, n_iter_no_change=3, max_iter=200, random_state=1)
    ours, theirs = both(kwargs, X, y == 2)
    assert ours.n_iter_ == theirs.n_iter_ < 200
    np.testing.assert_allclose(ours.validation_scores_, theirs.validation_scores_)
    assert ours.best_validation_score_ == theirs.best_validation_score_ == max(ours.validation_scores_)
    assert ours.best_loss_ is None
    assert_same_weights(ours, theirs, atol=1e-12)


def test_warm_start_follows_scikit_learn(iris):
    X, y = iris
    kwargs = dict(hidden_layer_sizes=(5,), solver="sgd", learning_rate_init=0.02, max_iter=4, random_state=2)
    ours, theirs = both(kwargs, X, y)
    for est in (ours, theirs):
        est.set_params(warm_start=True)
        quiet(est, X, y)
    assert len(ours.loss_curve_) == 8
    assert_same_weights(ours, theirs, atol=1e-12)


# -------------------------------------------------------------- stopping rule
@pytest.mark.parametrize("patience", [1, 4])
def test_training_stops_once_more_than_n_iter_no_change_epochs_fail_to_improve(iris, patience):
    X, y = iris
    kwargs = dict(hidden_layer_sizes=(4,), tol=1e9, n_iter_no_change=patience, max_iter=100, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        est = MLPClassifier(**kwargs).fit(X, y)
    # The first epoch always improves on an infinite best loss; then patience + 1 more epochs.
    assert est.n_iter_ == patience + 2 == neural_network.MLPClassifier(**kwargs).fit(X, y).n_iter_
    assert est.best_loss_ == min(est.loss_curve_)


def test_running_out_of_epochs_warns(iris):
    X, y = iris
    with pytest.warns(ConvergenceWarning, match=r"Maximum iterations \(3\)"):
        est = MLPRegressor(hidden_layer_sizes=(4,), max_iter=3, random_state=0).fit(X[:, :3], X[:, 3])
    assert est.n_iter_ == 3 and len(est.loss_curve_) == 3
    assert est.validation_scores_ is None and est.best_validation_score_ is None


def test_adaptive_sgd_divides_the_rate_by_five_until_it_is_tiny(iris):
    X, y = iris
    kwargs = dict(hidden_layer_sizes=(4,), solver="sgd", learning_rate="adaptive", learning_rate_init=0.1,
                  tol=1e9, n_iter_no_change=1, max_iter=500, random_state=0)
    est = MLPClassifier(**kwargs).fit(X, y)
    theirs = neural_network.MLPClassifier(**kwargs).fit(X, y)
    # 0.1 / 5^k first falls to 1e-6 or below at k = 8.
    assert est._optimizer.learning_rate == pytest.approx(0.1 / 5 ** 8)
    assert est.n_iter_ == theirs.n_iter_ < 500


def test_invscaling_sets_the_rate_from_the_rows_seen(iris):
    X, y = iris
    est = quiet(MLPClassifier(hidden_layer_sizes=(4,), solver="sgd", learning_rate="invscaling", power_t=0.25,
                              learning_rate_init=0.1, max_iter=3, random_state=0), X, y)
    assert est.t_ == 3 * 150
    assert est._optimizer.learning_rate == pytest.approx(0.1 / (450 + 1) ** 0.25)


def test_multiclass_early_stopping_keeps_the_best_weights(iris):
    X, y = iris
    est = quiet(MLPClassifier(hidden_layer_sizes=(6,), early_stopping=True, n_iter_no_change=2,
                              learning_rate_init=0.05, random_state=0), X, y)
    assert len(est.validation_scores_) == est.n_iter_ == len(est.loss_curve_)
    assert est.best_validation_score_ == max(est.validation_scores_)
    assert est.best_loss_ is None


def test_early_stopping_with_a_class_of_one_row_splits_without_strata():
    X = np.arange(40, dtype=float).reshape(20, 2) / 20
    y = np.array([0] * 10 + [1] * 9 + [2])
    est = quiet(MLPClassifier(hidden_layer_sizes=(3,), early_stopping=True, max_iter=5, random_state=0), X, y)
    assert est.n_iter_ >= 1


def test_early_stopping_refuses_a_validation_set_of_fewer_than_two_rows():
    X, y = np.arange(10.0).reshape(5, 2), np.array([0, 1, 0, 1, 0])
    with pytest.raises(ValueError, match="at least 2 validation rows"):
        MLPClassifier(early_stopping=True).fit(X, y)
    with pytest.raises(ValueError, match="validation_fraction must be > 0"):
        MLPClassifier(early_stopping=True, validation_fraction=0.0).fit(X, y)


# ----------------------------------------------------------------- predictions
@settings(max_examples=20, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 6), st.just(4)),
              elements=st.floats(-4, 4, allow_nan=False)))
def test_probabilities_and_labels_agree(binary_and_multiclass, X):
    for est in binary_and_multiclass:
        proba = est.predict_proba(X)
        assert proba.shape == (X.shape[0], len(est.classes_))
        assert np.all((proba >= 0) & (proba <= 1))
        np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-12)
        np.testing.assert_array_equal(est.predict(X), est.classes_[np.argmax(proba, axis=1)])
        np.testing.assert_allclose(est.predict_log_proba(X), np.log(proba))


@pytest.fixture(scope="module")
def binary_and_multiclass(iris):
    X, y = iris
    names = np.array(["setosa", "versicolor", "virginica"])
    binary = quiet(MLPClassifier(hidden_layer_sizes=(5,), max_iter=20, random_state=0), X, names[y] == "virginica")
    multiclass = quiet(MLPClassifier(hidden_layer_sizes=(5,), max_iter=20, random_state=0), X, names[y])
    return binary, multiclass


def test_binary_probabilities_are_the_sigmoid_output_and_its_complement(binary_and_multiclass, iris):
    binary, multiclass = binary_and_multiclass
    X, _ = iris
    p = binary.model_.predict(X)
    np.testing.assert_array_equal(binary.predict_proba(X), np.hstack([1 - p, p]))
    assert binary.out_activation_ == "logistic" and binary.n_outputs_ == 1
    assert multiclass.out_activation_ == "softmax" and multiclass.n_outputs_ == 3
    np.testing.assert_array_equal(multiclass.classes_, ["setosa", "versicolor", "virginica"])
    assert set(multiclass.predict(X)) <= set(multiclass.classes_)


def test_multilabel_targets_get_one_sigmoid_output_per_label(iris):
    X, y = iris
    Y = np.column_stack([y == 0, y == 2, X[:, 0] > 0]).astype(int)
    est = quiet(MLPClassifier(hidden_layer_sizes=(8,), learning_rate_init=0.05, max_iter=50, random_state=0), X, Y)
    np.testing.assert_array_equal(est.classes_, [0, 1, 2])
    assert est.predict(X).shape == Y.shape and set(np.unique(est.predict(X))) <= {0, 1}
    np.testing.assert_array_equal(est.predict_proba(X), est.model_.predict(X))
    assert est.score(X, Y) > 0.8  # exact-match accuracy over the three labels


def test_fitted_attributes_describe_the_network(iris):
    X, y = iris
    est = quiet(MLPClassifier(hidden_layer_sizes=(6, 5), max_iter=3, random_state=0), X, y)
    assert isinstance(est.model_, Sequential)
    assert [w.shape for w in est.coefs_] == [(4, 6), (6, 5), (5, 3)]
    assert [b.shape for b in est.intercepts_] == [(6,), (5,), (3,)]
    assert est.coefs_[0] is est.model_.layers[0].weight.data
    assert est.n_layers_ == 4 and est.n_features_in_ == 4 and est.t_ == 3 * 150
    assert not hasattr(est, "feature_names_in_")
    one_layer = quiet(MLPRegressor(hidden_layer_sizes=3, max_iter=2), X, y)
    assert [w.shape for w in one_layer.coefs_] == [(4, 3), (3, 1)] and one_layer.predict(X).shape == (150,)
    linear = quiet(MLPRegressor(hidden_layer_sizes=(), max_iter=2), X, X[:, :2])
    assert [w.shape for w in linear.coefs_] == [(4, 2)] and linear.predict(X).shape == (150, 2)


def test_float32_networks_compute_in_float32(iris):
    X, y = iris
    est = quiet(MLPClassifier(hidden_layer_sizes=(8,), dtype=np.float32, learning_rate_init=0.05,
                              max_iter=30, random_state=0), X, y)
    assert all(w.dtype == np.float32 for w in all_weights(est))
    assert est.predict_proba(X).dtype == np.float32
    assert est.score(X, y) > 0.9


def test_column_names_are_remembered():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"a": [0.0, 1.0, 2.0, 3.0], "b": [1.0, 0.0, 1.0, 0.0]})
    est = quiet(MLPRegressor(hidden_layer_sizes=(2,), max_iter=2), frame, [0.0, 1.0, 2.0, 3.0])
    np.testing.assert_array_equal(est.feature_names_in_, ["a", "b"])


# ----------------------------------------------------------------- partial_fit
def test_partial_fit_is_one_epoch_that_keeps_the_optimizer(iris):
    X, y = iris
    kwargs = dict(hidden_layer_sizes=(5,), shuffle=False, random_state=0, learning_rate_init=0.01)
    stepwise = MLPClassifier(**kwargs)
    for _ in range(3):
        stepwise.partial_fit(X, y, classes=[0, 1, 2])
    assert stepwise.n_iter_ == 1 and stepwise.t_ == 3 * 150 and len(stepwise.loss_curve_) == 3
    at_once = quiet(MLPClassifier(max_iter=3, **kwargs), X, y)
    assert_same_weights(stepwise, at_once, atol=1e-12)


def test_partial_fit_needs_the_classes_first_and_keeps_them(iris):
    X, y = iris
    est = MLPClassifier(hidden_layer_sizes=(3,), random_state=0)
    with pytest.raises(ValueError, match="classes must be passed"):
        est.partial_fit(X, y)
    est.partial_fit(X[y < 2], y[y < 2], classes=[0, 1, 2, 3])
    np.testing.assert_array_equal(est.classes_, [0, 1, 2, 3])
    assert est.predict_proba(X).shape == (150, 4)
    before = all_weights(est)
    with pytest.raises(ValueError, match="classes not in"):
        est.partial_fit(X, np.where(y == 2, 7, y))
    for old, new in zip(before, all_weights(est)):
        np.testing.assert_array_equal(old, new)
    with pytest.raises(ValueError, match="classes not in"):
        MLPClassifier().partial_fit(X, y, classes=[0, 1])


def test_partial_fit_of_a_regressor_lowers_the_loss(iris):
    X, _ = iris
    est = MLPRegressor(hidden_layer_sizes=(8,), learning_rate_init=0.01, random_state=0)
    for _ in range(30):
        est.partial_fit(X[:, :3], X[:, 3])
    assert est.loss_curve_[-1] < 0.5 * est.loss_curve_[0]
    with pytest.raises(ValueError, match="early_stopping"):
        MLPRegressor(early_stopping=True).partial_fit(X[:, :3], X[:, 3])


@pytest.mark.parametrize("duplicate", [pickle.loads, copy.deepcopy], ids=["pickle", "deepcopy"])
def test_a_copy_continues_training_exactly_like_the_original(iris, duplicate):
    """Adam's moments survive the copy, although they are keyed by the parameters' identities."""
    X, y = iris
    est = MLPClassifier(hidden_layer_sizes=(5,), random_state=0, learning_rate_init=0.01)
    est.partial_fit(X, y, classes=[0, 1, 2])
    twin = duplicate(pickle.dumps(est)) if duplicate is pickle.loads else duplicate(est)
    np.testing.assert_array_equal(twin.predict_proba(X), est.predict_proba(X))
    for model in (est, twin):
        model.partial_fit(X, y)
    assert_same_weights(est, twin, atol=0)


# ------------------------------------------------------------ bad arguments
BAD = [
    ("hidden_layer_sizes", 0), ("hidden_layer_sizes", (3, 0)), ("hidden_layer_sizes", "10"),
    ("activation", "sigmoid"), ("solver", "lbfgs"), ("solver", "newton"), ("alpha", -1.0),
    ("batch_size", 0), ("batch_size", "all"), ("learning_rate", "fast"), ("learning_rate_init", 0.0),
    ("power_t", -0.5), ("max_iter", 0), ("max_iter", 2.5), ("shuffle", "yes"), ("tol", -1e-3),
    ("verbose", "loud"), ("warm_start", None), ("momentum", 1.0), ("nesterovs_momentum", 1),
    ("early_stopping", 0), ("validation_fraction", 1.0), ("beta_1", 1.0), ("beta_2", -0.1),
    ("epsilon", 0.0), ("n_iter_no_change", 0), ("dtype", np.int32), ("dtype", "float16"),
    ("dtype", "no such type"), ("random_state", "seed"),
]


@pytest.mark.parametrize("name, value", BAD, ids=[f"{n}={v!r}" for n, v in BAD])
def test_bad_arguments_are_stored_then_refused_by_fit_without_touching_the_model(iris, name, value):
    X, y = iris
    est = quiet(MLPClassifier(hidden_layer_sizes=(3,), max_iter=2, random_state=0), X, y)
    model, before = est.model_, all_weights(est)
    est.set_params(**{name: value})  # storing is not checking
    assert est.get_params()[name] is value
    with pytest.raises(ValueError, match=name if name != "random_state" else "seed"):
        est.fit(X, y)
    assert est.model_ is model
    for old, new in zip(before, all_weights(est)):
        np.testing.assert_array_equal(old, new)


@pytest.mark.parametrize("name, value, error", [
    ("max_iter", 2.5, TypeError), ("shuffle", "yes", TypeError), ("alpha", "0.1", TypeError),
    ("hidden_layer_sizes", (3, 1.5), TypeError), ("batch_size", 0, None), ("alpha", -1.0, None),
    ("learning_rate", "fast", None),
])
def test_a_parameter_of_the_wrong_kind_is_a_type_error_and_a_value_error(iris, name, value, error):
    X, y = iris
    with pytest.raises(ValueError, match=name) as info:
        MLPClassifier(**{"max_iter": 1, name: value}).fit(X, y)
    # A wrong kind is both (as scikit-learn's own parameter errors are); a wrong value only a ValueError.
    assert isinstance(info.value, TypeError) == (error is TypeError)


def test_bad_data_leave_a_fitted_estimator_as_it_was(iris):
    X, y = iris
    est = quiet(MLPRegressor(hidden_layer_sizes=(3,), max_iter=2, random_state=0), X, y)
    wide = np.hstack([X, X])
    with pytest.raises(ValueError):
        est.fit(wide, np.where(np.arange(150) == 4, np.nan, y))
    assert est.n_features_in_ == 4
    assert est.predict(X).shape == (150,)
    with pytest.raises(ValueError, match="4 features"):
        est.predict(wide)


def test_classification_targets_are_checked(iris):
    X, y = iris
    with pytest.raises(ValueError, match="one class"):
        MLPClassifier().fit(X, np.zeros(150))
    with pytest.raises(ValueError, match="Unknown label type"):
        MLPClassifier().fit(X, X[:, 0])
    with pytest.raises(NotFittedError):
        MLPClassifier().predict(X)


@pytest.mark.parametrize("Estimator, bad", [(MLPClassifier, "X"), (MLPRegressor, "X"), (MLPRegressor, "y")])
@pytest.mark.parametrize("container", [np.array, list, lambda v: np.array(v, dtype=object)])
def test_a_value_that_does_not_convert_is_named_as_x_or_y(iris, Estimator, bad, container):
    X, y = iris
    if bad == "X":
        X = container([["a", "b", "c", "d"]] * len(y))
    else:  # (string labels are valid classes for the classifier)
        y = container(["tall"] * len(y))
    with pytest.raises(ValueError, match=rf"^{bad}: could not convert string to float"):
        Estimator(max_iter=1).fit(X, y)


def test_the_estimators_are_reached_from_the_package():
    import autograd_mlp.sklearn as package
    from autograd_mlp.sklearn import classifier, regressor

    assert package.__all__ == ["MLPClassifier", "MLPRegressor"]
    assert package.MLPClassifier is classifier.MLPClassifier and package.MLPRegressor is regressor.MLPRegressor


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
def test_a_diverging_loss_stops_the_fit_with_a_hint():
    X = np.full((6, 2), 1e200)
    with pytest.raises(ValueError, match="loss became inf.*StandardScaler"):
        MLPRegressor(hidden_layer_sizes=(2,), random_state=0).fit(X, np.arange(6.0))


def test_a_batch_larger_than_the_data_is_clipped_with_a_warning(iris):
    X, y = iris
    with pytest.warns(UserWarning, match="batch_size=500"):
        quiet(MLPClassifier(hidden_layer_sizes=(3,), batch_size=500, max_iter=1), X, y)


def test_verbose_prints_each_epoch(iris, capsys):
    X, y = iris
    quiet(MLPClassifier(hidden_layer_sizes=(3,), max_iter=2, verbose=True, random_state=0), X, y)
    out = capsys.readouterr().out
    assert "Iteration 1, loss = " in out and "Iteration 2, loss = " in out


def test_clone_copies_the_arguments_not_the_fit(iris):
    X, y = iris
    est = quiet(MLPClassifier(hidden_layer_sizes=(3,), alpha=0.5, max_iter=2), X, y)
    twin = clone(est)
    assert twin.get_params() == est.get_params()
    assert not hasattr(twin, "model_")


# ----------------------------------------------------------------- the example
def test_the_pipeline_example_runs_and_classifies_well():
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # the example's settings converge
        example = runpy.run_path(str(ROOT / "examples" / "sklearn_pipeline.py"))
        results = example["main"](verbose=False)
    assert results["cv_scores"].shape == (5,)
    assert results["cv_scores"].mean() > 0.95
    assert results["test_accuracy"] > 0.93
    assert set(results["best_params"]) == {"mlp__alpha", "mlp__hidden_layer_sizes"}


# ---------------------------------------------------------------- the benchmark
def test_the_comparison_script_writes_its_table(tmp_path):
    target = tmp_path / "results.md"
    done = subprocess.run(
        [sys.executable, "benchmarks/sklearn_compare.py", "--quick", "--datasets", "iris", "--seeds", "0",
         "--markdown", str(target)],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stderr
    text = target.read_text()
    rows = [line for line in text.splitlines() if line.startswith("| iris")]
    assert [row.split("|")[2].strip() for row in rows] == ["autograd_mlp", "scikit-learn"]
    for row in rows:
        accuracy = float(row.split("|")[3].split("±")[0])
        assert 0.0 <= accuracy <= 1.0
    assert "--datasets iris --seeds 0" in text and "## Machine" in text and "scikit-learn 1." in text
