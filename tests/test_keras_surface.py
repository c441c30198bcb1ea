"""Tests for autograd_mlp.keras's newer names: Input, the shaping layers, initializers, regularizers,
callbacks, utils.set_random_seed / normalize, and the course's "use the method weights"."""

import importlib
import random

import numpy as np
import pytest

from autograd_mlp import callbacks, nn
from autograd_mlp.nn import init


def test_the_course_looks_at_the_parameters_with_weights():
    from autograd_mlp.keras.layers import Dense
    from autograd_mlp.keras.models import Sequential
    from autograd_mlp.keras.optimizers import SGD

    my_network = Sequential()
    my_network.add(Dense(2, input_dim=2, activation="sigmoid"))
    my_network.add(Dense(1, activation="sigmoid"))
    my_network.compile(loss="binary_crossentropy", optimizer=SGD(0.1, 0.9), metrics=["binary_accuracy"])
    shapes = [np.asarray(w).shape for w in my_network.weights]
    assert shapes == [(2, 2), (2,), (2, 1), (1,)]
    assert [w.path for w in my_network.weights] == [f"{l.name}/{n}" for l in my_network.layers for n in ("kernel", "bias")]
    np.testing.assert_array_equal(my_network.weights[0].numpy(), my_network.get_weights()[0])
    np.testing.assert_array_equal(my_network.layers[0].kernel.numpy(), my_network.get_weights()[0])


def test_faces_re_export_the_library_objects():
    from autograd_mlp import keras

    assert keras.Input is nn.Input and keras.layers.Input is nn.Input and keras.InputLayer is nn.InputLayer
    assert keras.layers.Flatten is nn.Flatten and keras.layers.Activation is nn.Activation
    assert keras.initializers.RandomNormal is init.RandomNormal and keras.initializers.get is init.get
    assert keras.callbacks.LambdaCallback is callbacks.LambdaCallback
    assert keras.callbacks.ReduceLROnPlateau is callbacks.ReduceLROnPlateau
    for module in (keras.layers, keras.initializers, keras.callbacks, keras.utils):
        for name in module.__all__:
            assert hasattr(module, name), f"{module.__name__} lists {name} but lacks it"


def test_keras_regularizers_re_export_the_library_module():
    try:
        library = importlib.import_module("autograd_mlp.regularizers")
    except ModuleNotFoundError:
        pytest.skip("autograd_mlp.regularizers is not in this checkout yet; keras.regularizers only re-exports it")
    from autograd_mlp import keras

    assert keras.regularizers.l2 is library.l2 and keras.regularizers.L1L2 is library.L1L2


def test_set_random_seed_seeds_python_numpy_and_the_library():
    from autograd_mlp.keras.utils import set_random_seed

    set_random_seed(42)
    a = (random.random(), np.random.rand(), nn.Dense(3, input_dim=2).get_weights()[0])
    set_random_seed(42)
    b = (random.random(), np.random.rand(), nn.Dense(3, input_dim=2).get_weights()[0])
    assert a[0] == b[0] and a[1] == b[1] and np.array_equal(a[2], b[2])
    for bad in (1.5, -1, True, "1"):
        with pytest.raises(ValueError, match="integer >= 0"):
            set_random_seed(bad)


def test_normalize_scales_to_unit_norm_as_keras():
    from autograd_mlp.keras.utils import normalize

    x = np.array([[3.0, 4.0], [0.0, 0.0], [1.0, 0.0]])
    np.testing.assert_allclose(normalize(x), [[0.6, 0.8], [0.0, 0.0], [1.0, 0.0]])
    np.testing.assert_allclose(normalize(x, axis=0), x / np.linalg.norm(x, axis=0))
    np.testing.assert_allclose(normalize(np.array([[3, 4]]), order=1), [[3 / 7, 4 / 7]])
    with pytest.raises(TypeError, match="numbers"):
        normalize(np.array(["a"]))
