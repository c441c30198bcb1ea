"""autograd_mlp.parallel: n_jobs, per-task random streams, what workers receive (pickles), and a real Dask cluster."""

import pickle
import sys
import warnings

import numpy as np
import pytest

import autograd_mlp as am
from autograd_mlp import explain, optim
from autograd_mlp.nn import init
from autograd_mlp.parallel import (check_n_jobs, effective_n_jobs, map_rows, parallel_map, seed_sequence,
                                   task_generator)

try:
    import joblib
except ImportError:  # n_jobs=1 and pickling need no joblib; the tests of workers do
    joblib = None

needs_joblib = pytest.mark.skipif(joblib is None, reason="n_jobs other than 1 needs joblib (pip install joblib)")


def square(v):
    return v * v


def fail_on_three(v):
    if v == 3:
        raise KeyError("three")
    return v


def starts_and_rows(start, x, y):
    """Each row's index in the whole input, and its values (to see the blocks put back in order)."""
    return start + np.arange(len(x)), x + y


# ------------------------------------------------------------------ n_jobs
@pytest.mark.parametrize("bad, error", [(0, ValueError), (1.5, TypeError), (True, TypeError), ("2", TypeError)])
def test_bad_n_jobs_is_refused(bad, error):
    with pytest.raises(error, match="n_jobs"):
        check_n_jobs(bad)


@needs_joblib
def test_effective_n_jobs_follows_scikit_learn():
    assert effective_n_jobs(1) == 1 and effective_n_jobs(None) == 1 and effective_n_jobs(2) == 2
    assert effective_n_jobs(-1) == joblib.cpu_count()
    with joblib.parallel_backend("threading", n_jobs=3):
        assert effective_n_jobs(None) == 3  # None: whatever the backend block says
        assert effective_n_jobs(1) == 1


def test_one_worker_needs_no_joblib(monkeypatch):
    monkeypatch.setitem(sys.modules, "joblib", None)  # `import joblib` now raises ImportError
    assert parallel_map(square, [1, 2, 3], n_jobs=1) == [1, 4, 9]
    assert parallel_map(square, [1, 2, 3]) == [1, 4, 9]  # None means one worker when joblib is missing
    rng = np.random.default_rng(0)
    e = explain.shapley_values(am.Dense(1, input_dim=2), rng.normal(size=(3, 2)), rng.normal(size=(4, 2)), n_jobs=1)
    assert e.values.shape == (3, 2)
    with pytest.raises(ImportError, match="pip install joblib"):
        parallel_map(square, [1, 2, 3], n_jobs=2)


@needs_joblib
def test_parallel_map_keeps_the_order_and_the_exception_type():
    with joblib.parallel_backend("threading"):
        assert parallel_map(square, range(7), n_jobs=3) == [v * v for v in range(7)]
        with pytest.raises(KeyError, match="three"):
            parallel_map(fail_on_three, range(5), n_jobs=2)
    assert parallel_map(square, [], n_jobs=2) == []


@needs_joblib
@pytest.mark.parametrize("n_jobs", [1, 2, 3, 7])
def test_map_rows_gives_every_block_its_start_and_stacks_them_back(n_jobs):
    x, y = np.arange(7.0)[:, None] * [1, 10], np.ones((7, 2))
    with joblib.parallel_backend("threading"):
        starts, values = map_rows(starts_and_rows, (x, y), n_jobs=n_jobs)
    np.testing.assert_array_equal(starts, np.arange(7))
    np.testing.assert_array_equal(values, x + y)


# ----------------------------------------------------------------- streams
def test_task_streams_are_the_children_of_the_seed():
    children = np.random.SeedSequence(42).spawn(5)
    for i, child in enumerate(children):
        np.testing.assert_array_equal(task_generator(seed_sequence(42), i).random(4),
                                      np.random.default_rng(child).random(4))
    draws = {tuple(task_generator(seed_sequence(42), i).integers(1 << 30, size=3)) for i in range(50)}
    assert len(draws) == 50  # independent streams


def test_seed_forms():
    assert seed_sequence(np.random.SeedSequence(3)).entropy == 3
    assert seed_sequence(None).entropy != seed_sequence(None).entropy
    gen = np.random.default_rng(1)
    first, second = seed_sequence(gen).entropy, seed_sequence(gen).entropy
    assert first != second  # a generator advances, as its draws do
    assert seed_sequence(np.random.default_rng(1)).entropy == first
    for bad, error in [(-1, ValueError), (1.5, TypeError), (True, TypeError), ("7", TypeError)]:
        with pytest.raises(error, match="seed"):
            seed_sequence(bad)


# ------------------------------------------------- what the workers receive
def compiled_and_trained():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(48, 3))
    y = (x[:, 0] - x[:, 2] > 0).astype(float)
    with init.using_generator(np.random.default_rng(1)):
        model = am.Sequential([am.Dense(6, input_dim=3, activation="tanh"), am.Dropout(0.2),
                               am.Dense(1, activation="sigmoid")])
        model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
        model.fit(x, y, epochs=3, batch_size=16, verbose=0)
    return model, x, y


def continue_training(model, x, y):
    with init.using_generator(np.random.default_rng(5)):
        model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    return model.get_weights()


def test_a_compiled_trained_model_round_trips_through_pickle():
    model, x, y = compiled_and_trained()
    copy = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(copy.predict(x, verbose=0), model.predict(x, verbose=0))
    # The optimizer's moments and step count came along, still tied to the copy's own weights.
    assert copy.optimizer.params[0] is copy.parameters()[0]
    assert copy.optimizer.iterations == model.optimizer.iterations > 0
    for a, b in zip(continue_training(copy, x, y), continue_training(model, x, y)):
        np.testing.assert_array_equal(a, b)


def test_an_optimizer_with_state_round_trips_through_pickle():
    rng = np.random.default_rng(2)
    params = [am.Value(rng.normal(size=(3, 2))), am.Value(rng.normal(size=2))]
    opt = optim.Adam(params, learning_rate=0.05)

    def step(opt, params, k):
        opt.zero_grad()
        loss = sum(((p * (k + 1.0)) ** 2).sum() for p in params)
        loss.backward()
        opt.step()

    for k in range(3):
        step(opt, params, k)
    params2, opt2 = pickle.loads(pickle.dumps((params, opt)))
    assert opt2.get_state()["iterations"] == 3
    for k in range(3, 6):
        step(opt, params, k)
        step(opt2, params2, k)
    for a, b in zip(params, params2):
        np.testing.assert_array_equal(a.data, b.data)


def test_the_scikit_learn_estimators_round_trip_through_pickle():
    pytest.importorskip("sklearn")
    from autograd_mlp.sklearn import MLPClassifier, MLPRegressor

    rng = np.random.default_rng(3)
    x = rng.normal(size=(40, 3))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # stopped by max_iter: not what this test is about
        clf = MLPClassifier(hidden_layer_sizes=(5,), max_iter=15, random_state=0).fit(x, x[:, 0] > 0)
        reg = MLPRegressor(hidden_layer_sizes=(5,), max_iter=15, random_state=0).fit(x, x.sum(axis=1))
    for estimator, method in ((clf, "predict_proba"), (reg, "predict")):
        copy = pickle.loads(pickle.dumps(estimator))
        np.testing.assert_array_equal(getattr(copy, method)(x), getattr(estimator, method)(x))
        assert copy.get_params() == estimator.get_params()


# ----------------------------------------------------------- threads
def grid_search(backend=None, n_jobs=None, rows=60, max_iter=20, **settings):
    """GridSearchCV over the library's MLPClassifier: the best parameters and the test scores (folds, candidates)."""
    from sklearn.model_selection import GridSearchCV

    from autograd_mlp.sklearn import MLPClassifier

    rng = np.random.default_rng(4)
    x = rng.normal(size=(rows, 2))
    y = (x[:, 0] * x[:, 1] > 0).astype(int)
    estimator = MLPClassifier(hidden_layer_sizes=(6,), max_iter=max_iter, random_state=0, **settings)
    search = GridSearchCV(estimator, {"learning_rate_init": [0.01, 0.1], "alpha": [1e-4, 1e-2]}, cv=3,
                          n_jobs=n_jobs)  # a failed fit scores NaN (error_score), as in a user's search
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # stopped by max_iter
        if backend is None:
            search.fit(x, y)
        else:
            with backend:
                search.fit(x, y)
    scores = np.array([search.cv_results_[f"split{i}_test_score"] for i in range(3)])
    return search.best_params_, scores


@needs_joblib
def test_grid_search_on_threads_equals_the_sequential_search():
    pytest.importorskip("sklearn")
    # Early stopping scores the validation rows under no_grad() after every epoch, so while one
    # thread scores, others train: the threads interleave inside every fit.  Grad mode is per
    # thread, so a thread scoring under no_grad() leaves the others recording.
    search = dict(rows=300, max_iter=6, batch_size=50, early_stopping=True, n_iter_no_change=1000,
                  validation_fraction=0.5)
    best, scores = grid_search(**search)
    threaded_best, threaded_scores = grid_search(joblib.parallel_backend("threading", n_jobs=4), n_jobs=4, **search)
    assert am.is_grad_enabled()
    assert threaded_best == best
    np.testing.assert_array_equal(threaded_scores, scores)


# ------------------------------------------------------------ a Dask cluster
@pytest.fixture(scope="module")
def dask_client():
    pytest.importorskip("joblib", reason="the Dask tests need pip install autograd_mlp[distributed]")
    distributed = pytest.importorskip("distributed", reason="the Dask tests need pip install autograd_mlp[distributed]")
    cluster = distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None)
    client = distributed.Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


def on_cluster(client):
    assert len(client.scheduler_info()["workers"]) == 2
    return joblib.parallel_backend("dask")


def test_explanations_on_a_dask_cluster_equal_the_sequential_ones(dask_client):
    rng = np.random.default_rng(6)
    model = am.Sequential([am.Dense(5, input_dim=4, activation="tanh"), am.Dense(2, activation="sigmoid")])
    model.set_weights([rng.normal(size=w.shape) for w in model.get_weights()])
    x, background = rng.normal(size=(9, 4)), rng.normal(size=(6, 4))
    calls = {
        "exact": lambda **kw: explain.shapley_values(model, x, background, **kw),
        "permutation": lambda **kw: explain.permutation_shapley(model, x, background, n_permutations=8, seed=3, **kw),
        "integrated": lambda **kw: explain.integrated_gradients(model, x, steps=8, **kw),
        "expected": lambda **kw: explain.expected_gradients(model, x, background, samples=16, seed=3, **kw),
        "saliency": lambda **kw: explain.saliency(model, x, **kw),
    }
    alone = {name: call(n_jobs=1) for name, call in calls.items()}
    with on_cluster(dask_client):
        clustered = {name: call(n_jobs=-1) for name, call in calls.items()}
    for name in calls:
        np.testing.assert_allclose(clustered[name].values, alone[name].values, rtol=0, atol=1e-12, err_msg=name)
        np.testing.assert_allclose(clustered[name].output_values, alone[name].output_values, rtol=0, atol=1e-12)


def test_sweep_and_learning_rates_on_a_dask_cluster_equal_the_sequential_ones(dask_client):
    from autograd_mlp.sweep import sweep

    rng = np.random.default_rng(7)
    x = rng.uniform(-2, 2, size=(32, 1))
    y = np.sin(1.5 * x)

    def train(width, learning_rate):
        model = am.Sequential([am.Dense(width, input_dim=1, activation="tanh"), am.Dense(1)])
        model.compile(optimizer=optim.SGD(learning_rate), loss="mse")
        return model.fit(x, y, epochs=4, batch_size=8, verbose=0)

    grid = {"width": [3, 6], "learning_rate": [0.05, 0.2]}
    alone = sweep(train, grid, seeds=[0, 1], n_jobs=1)
    with on_cluster(dask_client):
        clustered = sweep(train, grid, seeds=[0, 1])  # n_jobs=None: the backend block decides
    assert [(r.params, r.seed, r.history) for r in clustered] == [(r.params, r.seed, r.history) for r in alone]

    pytest.importorskip("matplotlib")
    from autograd_mlp.viz import compare_learning_rates

    def make_model():
        return am.Sequential([am.Dense(6, input_dim=1, activation="tanh"), am.Dense(1)])

    curves, _ = compare_learning_rates(make_model, x, y, [0.01, 0.2], epochs=5, batch_size=8, n_jobs=1)
    with on_cluster(dask_client):
        clustered_curves, _ = compare_learning_rates(make_model, x, y, [0.01, 0.2], epochs=5, batch_size=8, n_jobs=-1)
    assert clustered_curves == curves


def test_grid_search_on_a_dask_cluster_equals_the_sequential_search(dask_client):
    pytest.importorskip("sklearn")
    best, scores = grid_search()
    cluster_best, cluster_scores = grid_search(on_cluster(dask_client), n_jobs=-1)
    assert cluster_best == best
    np.testing.assert_array_equal(cluster_scores, scores)
