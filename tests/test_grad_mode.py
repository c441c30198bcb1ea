"""Grad mode per thread and the collector pause counted across threads (autograd_mlp.grad_mode)."""

import gc
import threading

import numpy as np
import pytest

from autograd_mlp import Value, enable_grad, is_grad_enabled, no_grad
from autograd_mlp.grad_mode import gc_paused


# ----------------------------------------------------------------- no_grad
def test_no_grad_records_nothing():
    x = Value(np.array([1.0, 2.0]))
    assert is_grad_enabled()
    with no_grad():
        assert not is_grad_enabled()
        y = (x * 3.0).exp().sum()
        with enable_grad():
            z = x * 2.0
        assert not is_grad_enabled()
    assert is_grad_enabled()
    assert not y.requires_grad and y.parents == () and y.is_leaf
    assert z.requires_grad and z.parents[0] is x
    with pytest.raises(RuntimeError):
        y.backward()
    assert x.grad is None


def test_no_grad_restores_the_mode_after_an_exception():
    with pytest.raises(ZeroDivisionError):
        with no_grad():
            raise ZeroDivisionError
    assert is_grad_enabled()


# ------------------------------------------------------------------ threads
def _train_dense(seed_weights, steps=40):
    """A small Dense net trained by the Python API (backward + SGD); its final weights."""
    from autograd_mlp import SGD, Dense, Sequential, losses, set_seed

    set_seed(0)
    model = Sequential([Dense(8, activation="tanh", input_shape=(2,)), Dense(1, activation="sigmoid")])
    model.set_weights(seed_weights)
    rng = np.random.default_rng(1)
    x = rng.normal(size=(32, 2))
    y = (x[:, :1] * x[:, 1:] > 0).astype(np.float64)
    optimizer = SGD(model.parameters(), lr=0.5)
    for _ in range(steps):
        optimizer.zero_grad()
        loss = losses.binary_crossentropy(y, model(Value(x, requires_grad=False)))
        loss.backward()
        optimizer.step()
    return [w.copy() for w in model.get_weights()], model


def test_training_beside_threads_predicting_under_no_grad_gives_the_same_weights():
    from autograd_mlp import Dense, Sequential, set_seed

    set_seed(3)
    start = Sequential([Dense(8, activation="tanh", input_shape=(2,)), Dense(1, activation="sigmoid")])
    weights = [w.copy() for w in start.get_weights()]
    alone, _ = _train_dense(weights)

    stop = threading.Event()
    errors = []

    def predict_forever():
        predictor = Sequential([Dense(8, activation="tanh", input_shape=(2,)), Dense(1, activation="sigmoid")])
        x = Value(np.ones((16, 2)), requires_grad=False)
        try:
            while not stop.is_set():
                with no_grad():
                    assert not is_grad_enabled()
                    predictor(x)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    others = [threading.Thread(target=predict_forever) for _ in range(2)]
    for t in others:
        t.start()
    try:
        beside, _ = _train_dense(weights)
    finally:
        stop.set()
        for t in others:
            t.join()
    assert not errors
    assert is_grad_enabled()
    for a, b in zip(alone, beside):
        np.testing.assert_array_equal(a, b)


def test_grad_mode_is_per_thread():
    seen = []
    inside, leave = threading.Event(), threading.Event()

    def other():
        with no_grad():
            inside.set()
            leave.wait(5)
            seen.append(is_grad_enabled())

    t = threading.Thread(target=other)
    t.start()
    inside.wait(5)
    x = Value(2.0)
    y = x * x  # recorded here although another thread is inside no_grad()
    leave.set()
    t.join()
    assert seen == [False] and y.requires_grad
    y.backward()
    assert x.grad == 4.0


def test_gc_pause_is_counted_across_threads():
    assert gc.isenabled()
    entered, release = threading.Event(), threading.Event()

    def hold():
        with gc_paused():
            entered.set()
            release.wait(5)

    t = threading.Thread(target=hold)
    t.start()
    entered.wait(5)
    with gc_paused():
        assert not gc.isenabled()
    assert not gc.isenabled(), "the other thread is still inside a paused region"
    release.set()
    t.join()
    assert gc.isenabled()


def test_no_grad_is_also_a_decorator_and_nests():
    @no_grad()
    def f():
        return is_grad_enabled()

    assert f() is False and is_grad_enabled()
    ctx = no_grad()
    with ctx:
        with enable_grad():
            assert is_grad_enabled()
        assert not is_grad_enabled()
    assert is_grad_enabled()
