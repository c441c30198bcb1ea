"""Tests for autograd_mlp.keras: the course's program with only its import lines changed, and the re-exports."""

import sys
import types

import numpy as np
import pytest

import autograd_mlp
from autograd_mlp import callbacks, data, losses, metrics, models, optim
from autograd_mlp.nn import layers as nn_layers


def test_course_program_with_keras_import_lines(tmp_path, capsys, monkeypatch):
    from autograd_mlp.keras.layers import Dense
    from autograd_mlp.keras.models import Sequential, load_model
    from autograd_mlp.keras.optimizers import SGD

    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(0)
    Inputs = rng.normal(size=(100, 10))
    Outputs = (Inputs[:, :4] > 0).astype(float)
    Inputs_to_test = rng.normal(size=(5, 10))

    my_network = Sequential()
    my_network.add(Dense(20, input_dim=10, activation="relu"))
    my_network.add(Dense(4, activation="sigmoid"))
    my_network.summary()
    op_params = SGD(0.1, 0.9)
    my_network.compile(loss="binary_crossentropy", optimizer=op_params, metrics=["binary_accuracy"])
    my_history = my_network.fit(Inputs, Outputs, epochs=3, batch_size=250, validation_split=0.2, verbose=2)
    print(my_history.history.keys())
    my_network.predict(Inputs_to_test)
    my_network.predict_classes(Inputs_to_test)
    my_network.save("My_network.keras")
    my_new_network = load_model("My_network.keras")
    my_new_network.summary()

    out = capsys.readouterr().out
    assert "dict_keys(['loss', 'binary_accuracy', 'val_loss', 'val_binary_accuracy'])" in out
    assert out.count("Total params: 304") == 2
    assert (tmp_path / "My_network.keras").exists()
    np.testing.assert_array_equal(my_new_network.predict(Inputs_to_test), my_network.predict(Inputs_to_test))


def test_modules_re_export_the_library_objects():
    from autograd_mlp import keras

    assert keras.models.Sequential is models.Sequential is autograd_mlp.Sequential
    assert issubclass(models.Sequential, nn_layers.Sequential)
    assert keras.models.Model is models.Model
    assert keras.Sequential is models.Sequential
    assert keras.models.load_model is models.load_model is autograd_mlp.load_model
    assert keras.layers.Dense is nn_layers.Dense and keras.layers.Dropout is nn_layers.Dropout
    assert keras.optimizers.SGD is optim.SGD and keras.optimizers.Adam is optim.Adam
    assert keras.optimizers.RMSprop is optim.RMSprop
    assert keras.callbacks.EarlyStopping is callbacks.EarlyStopping
    assert keras.callbacks.History is callbacks.History is autograd_mlp.History
    assert keras.losses.binary_crossentropy is losses.binary_crossentropy
    assert keras.metrics.binary_accuracy is metrics.binary_accuracy
    for module in (keras.models, keras.layers, keras.optimizers, keras.utils, keras.callbacks,
                   keras.losses, keras.metrics):
        for name in module.__all__:
            assert hasattr(module, name), f"{module.__name__} lists {name} but lacks it"


def test_schedules_both_as_attribute_and_by_import():
    from autograd_mlp.keras import optimizers
    from autograd_mlp.keras.optimizers.schedules import ExponentialDecay

    assert ExponentialDecay is optim.ExponentialDecay
    assert optimizers.schedules.InverseTimeDecay is optim.InverseTimeDecay
    schedule = ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    opt = optimizers.SGD(learning_rate=schedule)
    assert opt.current_learning_rate == pytest.approx(0.1)


def test_to_categorical_is_one_hot():
    from autograd_mlp.keras.utils import to_categorical

    y = to_categorical([0, 2, 1, 2])
    np.testing.assert_array_equal(y, np.eye(3)[[0, 2, 1, 2]])
    assert y.dtype == np.float64
    assert to_categorical([1], num_classes=4, dtype="float32").dtype == np.float32
    np.testing.assert_array_equal(to_categorical([1], num_classes=4), data.one_hot([1], 4))
    with pytest.raises(ValueError):
        to_categorical([-1, 0])


def test_plot_model_calls_the_drawing_module_on_call(monkeypatch):
    from autograd_mlp.keras.utils import plot_model

    calls = []
    fake = types.ModuleType("autograd_mlp.viz")
    fake.plot_model = lambda *args, **kwargs: calls.append((args, kwargs)) or "drawing"
    monkeypatch.setitem(sys.modules, "autograd_mlp.viz", fake)
    monkeypatch.setattr(autograd_mlp, "viz", fake, raising=False)
    model = object()
    assert plot_model(model, to_file="model_plot.png", show_shapes=True) == "drawing"
    assert calls == [((model,), {"to_file": "model_plot.png", "show_shapes": True})]


def test_save_model_and_load_model_round_trip(tmp_path):
    from autograd_mlp.keras.layers import Dense
    from autograd_mlp.keras.models import Sequential, load_model, save_model

    model = Sequential([Dense(3, input_dim=2, activation="tanh"), Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    save_model(model, tmp_path / "m.keras", include_optimizer=False)
    again = load_model(tmp_path / "m.keras")
    assert type(again) is Sequential and again.compiled
    x = np.linspace(-1, 1, 10).reshape(5, 2)
    np.testing.assert_array_equal(again.predict(x), model.predict(x))
