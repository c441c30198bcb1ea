"""Tests for autograd_mlp.callbacks: hook order, History, EarlyStopping, LearningRateScheduler,
ModelCheckpoint, CSVLogger, TerminateOnNaN and the progress formatting."""

import csv
import math

import numpy as np
import pytest

from autograd_mlp import SGD, Dense, Sequential, load_model
from autograd_mlp import callbacks as cb


def course_data(n=40, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3))
    y = (x[:, :1] + x[:, 1:2] > 0).astype(float)
    return x, y


def small_network(lr=0.1):
    net = Sequential([Dense(4, input_dim=3, activation="tanh"), Dense(1, activation="sigmoid")])
    net.compile(loss="binary_crossentropy", optimizer=SGD(lr, 0.9), metrics=["binary_accuracy"])
    return net


class Script(cb.Callback):
    """Overwrite a log key with scripted values (runs before the callback under test)."""

    def __init__(self, key, values):
        super().__init__()
        self.key, self.values = key, list(values)

    def on_epoch_end(self, epoch, logs=None):
        logs[self.key] = self.values[epoch]


class WeightsAtEpochEnd(cb.Callback):
    def __init__(self):
        super().__init__()
        self.weights = []

    def on_epoch_end(self, epoch, logs=None):
        self.weights.append(self.model.get_weights())


def same_weights(a, b):
    return all(np.array_equal(u, v) for u, v in zip(a, b))


# ---------------------------------------------------------------- hooks
def test_hooks_run_in_keras_order_with_their_logs():
    events = []

    class Recorder(cb.Callback):
        def on_train_begin(self, logs=None):
            events.append("train_begin")

        def on_epoch_begin(self, epoch, logs=None):
            events.append(("epoch_begin", epoch))

        def on_train_batch_begin(self, batch, logs=None):
            events.append(("batch_begin", batch))
            super().on_train_batch_begin(batch, logs)

        def on_batch_end(self, batch, logs=None):  # the older name is called too
            events.append(("batch_end", batch, sorted(logs)))

        def on_epoch_end(self, epoch, logs=None):
            events.append(("epoch_end", epoch, list(logs)))

        def on_train_end(self, logs=None):
            events.append("train_end")

    x, y = course_data(12)
    net = small_network()
    recorder = Recorder()
    net.fit(x, y, batch_size=8, epochs=2, verbose=0, callbacks=[recorder])
    epoch_keys = ["loss", "binary_accuracy"]
    batch_keys = ["binary_accuracy", "loss"]
    one_epoch = lambda e: [("epoch_begin", e), ("batch_begin", 0), ("batch_end", 0, batch_keys),
                           ("batch_begin", 1), ("batch_end", 1, batch_keys), ("epoch_end", e, epoch_keys)]
    assert events == ["train_begin", *one_epoch(0), *one_epoch(1), "train_end"]
    assert recorder.model is net
    assert recorder.params["epochs"] == 2 and recorder.params["steps"] == 2 and recorder.params["samples"] == 12


def test_batch_logs_are_running_means():
    seen = []

    class Batches(cb.Callback):
        def on_train_batch_end(self, batch, logs=None):
            seen.append(logs["loss"])

    x, y = course_data(30)
    net = small_network()
    history = net.fit(x, y, batch_size=10, epochs=1, verbose=0, callbacks=[Batches()], shuffle=False)
    assert len(seen) == 3
    assert seen[-1] == pytest.approx(history.history["loss"][0], rel=1e-12)


def test_stop_training_from_a_batch_hook_ends_the_epoch_and_the_fit():
    class StopAtBatch(cb.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch == 1:
                self.model.stop_training = True

    x, y = course_data(40)
    net = small_network()
    history = net.fit(x, y, batch_size=10, epochs=5, verbose=0, callbacks=[StopAtBatch()])
    assert history.epoch == [0]
    assert net.optimizer.iterations == 2


def test_history_records_each_epoch_and_is_left_on_the_model():
    x, y = course_data()
    net = small_network()
    history = net.fit(x, y, epochs=3, verbose=0, validation_split=0.25)
    assert isinstance(history, cb.History)
    assert net.history is history
    assert history.epoch == [0, 1, 2]
    assert list(history.history) == ["loss", "binary_accuracy", "val_loss", "val_binary_accuracy"]
    assert all(isinstance(v, float) for values in history.history.values() for v in values)
    # a second fit gets a fresh History
    again = net.fit(x, y, epochs=1, verbose=0)
    assert again is not history and len(again.history["loss"]) == 1


# ---------------------------------------------------------------- EarlyStopping
def test_early_stopping_waits_patience_epochs_then_restores_the_best_weights():
    x, y = course_data()
    net = small_network()
    snapshots = WeightsAtEpochEnd()
    losses = [1.0, 0.5, 0.6, 0.55, 0.7, 0.1, 0.1]
    stopper = cb.EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)
    history = net.fit(x, y, epochs=7, verbose=0, validation_split=0.25,
                      callbacks=[Script("val_loss", losses), snapshots, stopper])
    # best at epoch 1; epochs 2, 3, 4 do not improve: stop at epoch 4
    assert history.epoch == [0, 1, 2, 3, 4]
    assert stopper.stopped_epoch == 4
    assert stopper.best == 0.5 and stopper.best_epoch == 1
    assert net.stop_training is True
    assert same_weights(net.get_weights(), snapshots.weights[1])
    assert not same_weights(net.get_weights(), snapshots.weights[4])


def test_early_stopping_without_restore_keeps_the_last_weights():
    x, y = course_data()
    net = small_network()
    snapshots = WeightsAtEpochEnd()
    stopper = cb.EarlyStopping(monitor="loss", patience=0)
    net.fit(x, y, epochs=5, verbose=0, callbacks=[Script("loss", [3, 2, 2, 1, 0]), snapshots, stopper])
    assert stopper.stopped_epoch == 2
    assert same_weights(net.get_weights(), snapshots.weights[2])


class FakeModel:
    def __init__(self):
        self.stop_training = False
        self.weights = [np.zeros(2)]

    def get_weights(self):
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        self.weights = [w.copy() for w in weights]


def run(stopper, values):
    """Feed values to on_epoch_end until the callback stops; returns the number of epochs run."""
    model = FakeModel()
    stopper.set_model(model)
    stopper.on_train_begin()
    for epoch, value in enumerate(values):
        model.weights = [np.full(2, float(epoch))]
        stopper.on_epoch_end(epoch, {stopper.monitor: value})
        if model.stop_training:
            return epoch + 1, model
    return len(values), model


def test_early_stopping_mode_auto_maximises_accuracies():
    stopper = cb.EarlyStopping(monitor="val_accuracy", patience=1)
    assert stopper.mode == "max"
    epochs, _ = run(stopper, [0.5, 0.6, 0.7, 0.65, 0.64, 0.9])
    assert epochs == 4
    assert cb.EarlyStopping(monitor="val_loss").mode == "min"
    assert cb.EarlyStopping(monitor="val_binary_accuracy", mode="min").mode == "min"


def test_early_stopping_min_delta():
    # improvements of 0.05 do not count with min_delta=0.1
    epochs, _ = run(cb.EarlyStopping(monitor="loss", min_delta=0.1, patience=2), [1.0, 0.95, 0.9, 0.85, 0.5])
    assert epochs == 3
    epochs, _ = run(cb.EarlyStopping(monitor="loss", min_delta=0.01, patience=2), [1.0, 0.95, 0.9, 0.85, 0.5])
    assert epochs == 5


def test_early_stopping_baseline_and_start_from_epoch():
    # improving, but never below the baseline: the wait is not reset, so the
    # first epoch without improvement already exceeds the patience
    values = [1.0, 0.9, 0.8, 0.85, 0.9, 0.95]
    epochs, _ = run(cb.EarlyStopping(monitor="loss", baseline=0.5, patience=2), values)
    assert epochs == 4
    epochs, _ = run(cb.EarlyStopping(monitor="loss", patience=2), values)
    assert epochs == 5
    # the first two epochs are not watched
    epochs, _ = run(cb.EarlyStopping(monitor="loss", patience=0, start_from_epoch=2), [1, 2, 3, 4, 5])
    assert epochs == 4


def test_early_stopping_restores_first_weights_when_nothing_improves():
    stopper = cb.EarlyStopping(monitor="loss", patience=1, restore_best_weights=True)
    epochs, model = run(stopper, [1.0, 2.0, 3.0])
    assert epochs == 2
    assert np.array_equal(model.weights[0], np.zeros(2))


def test_early_stopping_warns_when_the_key_is_missing():
    x, y = course_data()
    net = small_network()
    stopper = cb.EarlyStopping(monitor="val_loss", patience=0)
    with pytest.warns(RuntimeWarning, match="val_loss"):
        history = net.fit(x, y, epochs=3, verbose=0, callbacks=[stopper])
    assert len(history.epoch) == 3
    assert stopper.stopped_epoch == 0


@pytest.mark.parametrize(
    "kwargs, error",
    [
        (dict(mode="biggest"), ValueError),
        (dict(patience=-1), ValueError),
        (dict(patience=1.5), ValueError),
        (dict(min_delta=float("nan")), ValueError),
        (dict(baseline="low"), ValueError),
        (dict(monitor=3), TypeError),
    ],
)
def test_early_stopping_rejects_bad_arguments(kwargs, error):
    with pytest.raises(error):
        cb.EarlyStopping(**kwargs)


# ---------------------------------------------------------------- LearningRateScheduler
def test_learning_rate_scheduler_sets_and_records_the_rate():
    rates_in_batches = []

    class Probe(cb.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            rates_in_batches.append(self.model.optimizer.current_learning_rate)

    x, y = course_data(20)
    net = small_network(lr=0.2)
    scheduler = cb.LearningRateScheduler(lambda epoch, lr: lr * 0.5)
    history = net.fit(x, y, epochs=3, batch_size=20, verbose=0, callbacks=[scheduler, Probe()])
    assert history.history["learning_rate"] == [0.1, 0.05, 0.025]
    assert rates_in_batches == [0.1, 0.05, 0.025]
    assert net.optimizer.learning_rate == 0.025


def test_learning_rate_scheduler_changes_the_update():
    x, y = course_data(20)
    base = small_network()
    start = base.get_weights()
    moved = {}
    for rate in (0.1, 0.001):
        net = small_network()
        net.set_weights(start)
        net.fit(x, y, epochs=1, batch_size=20, verbose=0, shuffle=False,
                callbacks=[cb.LearningRateScheduler(lambda epoch, lr, r=rate: r)])
        moved[rate] = sum(float(np.abs(a - b).sum()) for a, b in zip(net.get_weights(), start))
    # one update from the same start: the step is proportional to the rate
    assert moved[0.1] == pytest.approx(100 * moved[0.001], rel=1e-9)

    def one_argument(epoch):
        return 0.01

    net = small_network()
    net.fit(x, y, epochs=1, verbose=0, callbacks=[cb.LearningRateScheduler(one_argument)])
    assert net.optimizer.learning_rate == 0.01


def test_learning_rate_scheduler_rejects_bad_rates():
    x, y = course_data(20)
    net = small_network()
    with pytest.raises(ValueError, match="positive finite"):
        net.fit(x, y, epochs=1, verbose=0, callbacks=[cb.LearningRateScheduler(lambda epoch, lr: -1.0)])
    with pytest.raises(TypeError):
        cb.LearningRateScheduler(0.1)


# ---------------------------------------------------------------- ModelCheckpoint
def test_model_checkpoint_saves_the_best_model(tmp_path):
    x, y = course_data()
    net = small_network()
    snapshots = WeightsAtEpochEnd()
    path = tmp_path / "best.keras"
    checkpoint = cb.ModelCheckpoint(str(path), monitor="val_loss")
    net.fit(x, y, epochs=4, verbose=0, validation_split=0.25,
            callbacks=[Script("val_loss", [0.9, 0.4, 0.6, 0.5]), snapshots, checkpoint])
    assert path.exists()
    assert checkpoint.best == 0.4
    best = load_model(str(path))
    assert same_weights(best.get_weights(), snapshots.weights[1])


def test_model_checkpoint_every_epoch_with_formatted_names_and_weights_only(tmp_path):
    x, y = course_data()
    net = small_network()
    pattern = str(tmp_path / "w-{epoch:02d}-{loss:.2f}.weights")
    checkpoint = cb.ModelCheckpoint(pattern, monitor="loss", save_best_only=False, save_weights_only=True)
    net.fit(x, y, epochs=3, verbose=0, callbacks=[checkpoint])
    files = sorted(p.name for p in tmp_path.iterdir())
    assert [name[:5] for name in files] == ["w-01-", "w-02-", "w-03-"]
    other = small_network()
    other.load_weights(checkpoint.last_saved)
    assert same_weights(other.get_weights(), net.get_weights())
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_model_checkpoint_warns_on_a_missing_key_and_saves_nothing(tmp_path):
    x, y = course_data()
    net = small_network()
    with pytest.warns(RuntimeWarning, match="val_loss"):
        net.fit(x, y, epochs=1, verbose=0, callbacks=[cb.ModelCheckpoint(str(tmp_path / "m.keras"))])
    assert not list(tmp_path.iterdir())


def test_model_checkpoint_names_an_unknown_format_field(tmp_path):
    x, y = course_data()
    net = small_network()
    checkpoint = cb.ModelCheckpoint(str(tmp_path / "{val_acc}.keras"), monitor="loss")
    with pytest.raises(ValueError, match="val_acc"):
        net.fit(x, y, epochs=1, verbose=0, callbacks=[checkpoint])


# ---------------------------------------------------------------- CSVLogger
def test_csv_logger_writes_one_row_per_epoch(tmp_path):
    x, y = course_data()
    net = small_network()
    path = tmp_path / "log.csv"
    net.fit(x, y, epochs=3, verbose=0, validation_split=0.25, callbacks=[cb.CSVLogger(str(path))])
    with open(path, newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["epoch", "binary_accuracy", "loss", "val_binary_accuracy", "val_loss"]
    assert [row[0] for row in rows[1:]] == ["0", "1", "2"]
    assert float(rows[3][2]) == pytest.approx(net.history.history["loss"][2], rel=1e-12)

    # append: more rows, no second header; without append the file starts over
    net.fit(x, y, epochs=2, verbose=0, validation_split=0.25, callbacks=[cb.CSVLogger(str(path), append=True)])
    with open(path, newline="") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) == 1 + 3 + 2 and rows.count(rows[0]) == 1
    net.fit(x, y, epochs=1, verbose=0, callbacks=[cb.CSVLogger(str(path), separator=";")])
    lines = path.read_text().splitlines()
    assert lines == [lines[0], lines[1]] and lines[0] == "epoch;binary_accuracy;loss"


def test_csv_logger_rejects_bad_separator(tmp_path):
    with pytest.raises(ValueError):
        cb.CSVLogger(str(tmp_path / "x.csv"), separator=";;")


# ---------------------------------------------------------------- TerminateOnNaN
def test_terminate_on_nan_sets_stop_training_only_for_bad_losses(capsys):
    model = FakeModel()
    callback = cb.TerminateOnNaN()
    callback.set_model(model)
    callback.on_train_batch_end(0, {"loss": 0.3})
    assert model.stop_training is False
    callback.on_train_batch_end(1, {"loss": math.inf})
    assert model.stop_training is True
    assert "Batch 1" in capsys.readouterr().out


def test_terminate_on_nan_ends_a_diverging_fit():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(20, 3)) * 1e3
    y = rng.normal(size=(20, 1)) * 1e3
    net = Sequential([Dense(4, input_dim=3), Dense(1)])
    net.compile(loss="mse", optimizer=SGD(learning_rate=10.0))
    with np.errstate(over="ignore", invalid="ignore"):
        history = net.fit(x, y, epochs=50, batch_size=5, verbose=0, callbacks=[cb.TerminateOnNaN()])
    assert len(history.epoch) < 50
    assert not math.isfinite(history.history["loss"][-1])


# ---------------------------------------------------------------- progress formatting
def test_number_and_duration_formats():
    assert cb._format_number(0.123456) == "0.1235"
    assert cb._format_number(1.5e-5) == "1.5000e-05"
    assert cb._format_number(0) == "0.0000"
    assert cb._format_duration(3.21) == "3.2s"
    assert cb._format_duration(125) == "2:05"
    assert cb._format_duration(3725) == "1:02:05"


def test_a_type_error_inside_a_schedule_is_not_swallowed():
    def broken(epoch, lr):
        raise TypeError("a mistake inside the schedule")

    model = Sequential([Dense(1, input_dim=1)])
    model.compile(optimizer=SGD(0.1), loss="mse")
    with pytest.raises(TypeError, match="a mistake inside the schedule"):
        model.fit(np.ones((4, 1)), np.ones((4, 1)), epochs=1, verbose=0,
                  callbacks=[cb.LearningRateScheduler(broken)])
    one_argument = cb.LearningRateScheduler(lambda epoch: 0.05)
    model.fit(np.ones((4, 1)), np.ones((4, 1)), epochs=1, verbose=0, callbacks=[one_argument])
    assert model.optimizer.learning_rate == 0.05
