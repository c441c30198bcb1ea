"""Tests for LambdaCallback, ReduceLROnPlateau and subclassing Callback with ``self.model`` (Keras' semantics)."""

import numpy as np
import pytest

from autograd_mlp import SGD, Dense, Sequential
from autograd_mlp import callbacks as cb


def data(n=40, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3))
    return x, (x[:, :1] + x[:, 1:2] > 0).astype(float)


def network(lr=0.1):
    net = Sequential([Dense(4, input_dim=3, activation="tanh"), Dense(1, activation="sigmoid")])
    net.compile(loss="binary_crossentropy", optimizer=SGD(lr), metrics=["binary_accuracy"])
    return net


class Script(cb.Callback):
    def __init__(self, key, values):
        super().__init__()
        self.key, self.values = key, list(values)

    def on_epoch_end(self, epoch, logs=None):
        logs[self.key] = self.values[epoch]


def test_lambda_callback_calls_the_given_functions():
    x, y = data()
    seen = []
    lam = cb.LambdaCallback(
        on_train_begin=lambda logs: seen.append("begin"),
        on_epoch_end=lambda epoch, logs: seen.append((epoch, round(logs["loss"], 12))),
        on_batch_end=lambda batch, logs: seen.append(("b", batch)),
        on_train_end=lambda logs: seen.append("end"),
    )
    history = network().fit(x, y, epochs=2, batch_size=20, verbose=0, shuffle=False, callbacks=[lam])
    assert seen == ["begin", ("b", 0), ("b", 1), (0, round(history.history["loss"][0], 12)),
                    ("b", 0), ("b", 1), (1, round(history.history["loss"][1], 12)), "end"]


def test_lambda_callback_without_batch_hooks_is_not_called_per_batch():
    lam = cb.LambdaCallback(on_epoch_end=lambda epoch, logs: None)
    assert not cb.CallbackList([lam], None, {}).wants_batch_logs
    assert cb.CallbackList([cb.LambdaCallback(on_train_batch_end=print)], None, {}).wants_batch_logs


def test_lambda_callback_refuses_unknown_hooks_and_non_functions():
    with pytest.raises(TypeError, match=r"unknown hooks \['on_epoch_finish'\].*on_epoch_end"):
        cb.LambdaCallback(on_epoch_finish=print)
    with pytest.raises(TypeError, match="on_epoch_end must be a function"):
        cb.LambdaCallback(on_epoch_end=3)


def test_subclassed_callback_stops_training_through_self_model():
    class StopAtTwo(cb.Callback):
        def on_epoch_end(self, epoch, logs=None):
            assert self.model is net and self.model.optimizer is net.optimizer
            if epoch == 1:
                self.model.stop_training = True

    x, y = data()
    net = network()
    history = net.fit(x, y, epochs=10, verbose=0, callbacks=[StopAtTwo()])
    assert history.epoch == [0, 1]


def reduce_run(values, **options):
    x, y = data()
    net = network(lr=1.0)
    reducer = cb.ReduceLROnPlateau(monitor="score", **options)
    history = net.fit(x, y, epochs=len(values), verbose=0, callbacks=[Script("score", values), reducer])
    return history.history["learning_rate"], net.optimizer.learning_rate


def test_reduce_lr_on_plateau_follows_keras_counting():
    # best 1.0 at epoch 0; epochs 1, 2 do not improve -> patience 2 reached after epoch 2
    rates, final = reduce_run([1.0, 1.0, 1.0, 1.0, 1.0], factor=0.5, patience=2, min_delta=0.0)
    assert rates == [1.0, 1.0, 1.0, 0.5, 0.5]
    assert final == 0.25


def test_reduce_lr_on_plateau_cooldown_and_min_lr():
    # reduce after epoch 1; the counter then goes 2 -> 1 (epoch 2, no waiting) -> 0 (epoch 3,
    # which waits again and reduces), so every second epoch reduces, down to min_lr
    rates, final = reduce_run([1.0] * 7, factor=0.1, patience=1, cooldown=2, min_delta=0.0, min_lr=0.005)
    assert rates == pytest.approx([1.0, 1.0, 0.1, 0.1, 0.01, 0.01, 0.005])
    assert final == pytest.approx(0.005)  # max(0.01 * 0.1, min_lr)


def test_reduce_lr_on_plateau_min_delta_and_improvement_resets():
    # 0.99 is not an improvement over 1.0 with min_delta 0.05; 0.5 is.
    rates, _ = reduce_run([1.0, 0.99, 0.5, 0.49, 0.48], factor=0.5, patience=2, min_delta=0.05)
    assert rates == [1.0, 1.0, 1.0, 1.0, 1.0]
    rates, _ = reduce_run([1.0, 0.99, 0.98, 0.97], factor=0.5, patience=2, min_delta=0.05)
    assert rates == [1.0, 1.0, 1.0, 0.5]


def test_reduce_lr_on_plateau_max_mode_for_accuracy_names():
    assert cb.ReduceLROnPlateau(monitor="val_binary_accuracy").mode == "max"
    assert cb.ReduceLROnPlateau().mode == "min"


@pytest.mark.parametrize("kwargs, match", [
    ({"factor": 1.0}, "factor must be a number in"),
    ({"factor": 0}, "factor must be a number in"),
    ({"patience": -1}, "patience must be an integer"),
    ({"cooldown": 1.5}, "cooldown must be an integer"),
    ({"min_lr": -1.0}, "min_lr must be"),
    ({"mode": "up"}, "mode must be"),
])
def test_reduce_lr_on_plateau_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        cb.ReduceLROnPlateau(**kwargs)


def test_reduce_lr_on_plateau_warns_on_a_missing_key():
    x, y = data()
    net = network()
    with pytest.warns(RuntimeWarning, match="val_loss"):
        net.fit(x, y, epochs=1, verbose=0, callbacks=[cb.ReduceLROnPlateau()])


def test_every_callback_name_is_still_reachable():
    for name in cb.__all__:
        assert getattr(cb, name).__module__.startswith("autograd_mlp.callbacks")
    assert cb.ProgbarLogger.__module__ == "autograd_mlp.callbacks.progbar"
