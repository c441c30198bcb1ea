"""Tests for the Keras surface of the layers: weights as Variables, kernel/bias, trainable, shapes,
configs, pop, Input / Flatten / Activation, Keras' initializer names and classes, set_weights' checks."""

import numpy as np
import pytest

from autograd_mlp import set_seed
from autograd_mlp.nn import Activation, Dense, Dropout, Flatten, Input, InputLayer, Sequential, Variable, init


def small():
    return Sequential([Dense(3, input_dim=2, activation="tanh", name="hidden"),
                       Dense(1, activation="sigmoid", name="out")], name="net")


# ---------------------------------------------------------------- weights
def test_weights_are_live_variables_with_keras_names_and_paths():
    net = small()
    w = net.weights
    assert [v.name for v in w] == ["kernel", "bias", "kernel", "bias"]
    assert [v.path for v in w] == ["hidden/kernel", "hidden/bias", "out/kernel", "out/bias"]
    assert all(isinstance(v, Variable) for v in w)
    assert w[0].shape == (2, 3) and w[1].shape == (3,) and w[0].dtype == "float64"
    np.testing.assert_array_equal(np.asarray(w[0]), net.layers[0].weight.data)
    np.testing.assert_array_equal(w[2].numpy(), net.layers[1].kernel.data)
    # numpy() is a copy, np.asarray a view of the current numbers
    copy = w[0].numpy()
    net.layers[0].weight.data[0, 0] += 1.0
    assert np.asarray(w[0])[0, 0] == copy[0, 0] + 1.0
    assert net.layers[0].weights[0] is net.weights[0]  # the same view object each time
    assert np.allclose(w[0] * 2, 2 * np.asarray(w[0])) and np.allclose(1 + w[1], np.asarray(w[1]) + 1)


def test_kernel_and_bias_are_the_parameters():
    layer = Dense(4, input_dim=3)
    assert layer.kernel is layer.weight and layer.kernel.shape == (3, 4)
    assert layer.bias.shape == (4,)
    assert Dense(2).kernel is None  # not built yet


def test_assign_checks_then_writes_through():
    net = small()
    kernel = net.weights[0]
    kernel.assign(np.ones((2, 3)))
    np.testing.assert_array_equal(net.layers[0].weight.data, np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"hidden/kernel: assign expects shape \(2, 3\)"):
        kernel.assign(np.ones((3, 2)))
    with pytest.raises(ValueError, match="finite"):
        kernel.assign(np.full((2, 3), np.nan))
    np.testing.assert_array_equal(net.layers[0].weight.data, np.ones((2, 3)))


def test_count_params_and_trainable_weights():
    net = small()
    assert net.count_params() == 2 * 3 + 3 + 3 + 1
    net.layers[0].trainable = False
    assert [v.path for v in net.trainable_weights] == ["out/kernel", "out/bias"]
    assert [v.path for v in net.non_trainable_weights] == ["hidden/kernel", "hidden/bias"]
    assert not net.layers[0].weight.requires_grad and net.layers[1].weight.requires_grad
    net.trainable = False
    assert net.trainable_weights == [] and len(net.non_trainable_weights) == 4
    net.trainable = True
    assert len(net.trainable_weights) == 4


def test_a_layer_frozen_before_it_is_built_builds_frozen():
    layer = Dense(2, trainable=False)
    layer(np.ones((1, 3)))
    assert not layer.weight.requires_grad and not layer.bias.requires_grad
    assert layer.get_config()["trainable"] is False


@pytest.mark.parametrize("flag", [1, 0, "no", None, np.array([True])])
def test_trainable_must_be_a_bool(flag):
    layer = Dense(2, input_dim=3)
    with pytest.raises(TypeError, match="trainable must be True or False"):
        layer.trainable = flag
    assert layer.trainable is True and layer.weight.requires_grad
    with pytest.raises(TypeError, match="trainable must be True or False"):
        Dense(2, trainable=flag)


def test_numpy_bools_are_accepted_as_trainable():
    layer = Dense(2, input_dim=3)
    layer.trainable = np.bool_(False)
    assert layer.trainable is False


# ----------------------------------------------------------------- shapes
def test_input_and_output_shapes():
    net = small()
    assert net.input_shape == (None, 2) and net.output_shape == (None, 1)
    assert net.layers[0].input_shape == (None, 2) and net.layers[0].output_shape == (None, 3)
    unbuilt = Sequential([Dense(3)])
    with pytest.raises(AttributeError, match="no input shape yet"):
        unbuilt.input_shape


def test_input_first_declares_the_shape_and_is_not_one_of_the_layers():
    net = Sequential([Input(shape=(4,)), Dense(3), Dense(1)])
    assert net.built and net.input_shape == (None, 4) and net.output_shape == (None, 1)
    assert [type(l).__name__ for l in net.layers] == ["Dense", "Dense"]
    assert isinstance(net.input_layer, InputLayer) and net.input_layer.shape == (None, 4)
    assert net.layers[0].kernel.shape == (4, 3)
    with pytest.raises(ValueError, match=r"expects input of shape \(batch, 4\)"):
        net(np.ones((2, 3)))
    with pytest.raises(ValueError, match="Input layer can only come first"):
        net.add(InputLayer(shape=(4,)))


def test_dense_input_shape_keyword():
    assert Dense(3, input_shape=(5,)).kernel.shape == (5, 3)
    with pytest.raises(ValueError, match="input_shape"):
        Dense(3, input_shape=(5, 2))


def test_flatten_of_image_shaped_cases():
    x = np.arange(2 * 8 * 8, dtype=float).reshape(2, 8, 8)
    net = Sequential([Input(shape=(8, 8)), Flatten(), Dense(3, kernel_initializer="ones")])
    assert net.output_shape == (None, 3) and net.layers[0].output_shape == (None, 64)
    np.testing.assert_allclose(net(x).data, np.repeat(x.reshape(2, 64).sum(axis=1, keepdims=True), 3, axis=1))
    lazy = Sequential([Flatten(), Dense(2)])
    lazy(x)
    assert lazy.input_shape == (None, 8, 8) and lazy.layers[1].kernel.shape == (64, 2)


def test_flatten_refuses_1d_input_and_a_changed_shape():
    with pytest.raises(ValueError, match=r"Flatten\) expects input of shape \(batch, d1, \.\.\.\).*got shape \(5,\)"):
        Flatten()(np.ones(5))
    layer = Flatten(input_shape=(2, 3))
    with pytest.raises(ValueError, match=r"expects input of shape \(batch, 2, 3\)"):
        layer(np.ones((4, 3, 2)))


def test_activation_layer_equals_the_activation_argument():
    set_seed(0)
    a = Sequential([Dense(3, input_dim=2, name="d"), Activation("softmax")])
    b = Sequential([Dense(3, input_dim=2, activation="softmax", name="d")])
    b.set_weights(a.get_weights())
    x = np.random.default_rng(0).normal(size=(5, 2))
    np.testing.assert_array_equal(a(x).data, b(x).data)
    with pytest.raises(ValueError, match=r"unknown activation 'softmx'.*'softmax'"):
        Activation("softmx")


def test_pop_removes_the_last_layer():
    net = small()
    last = net.pop()
    assert last.name == "out" and [l.name for l in net.layers] == ["hidden"]
    assert net.output_shape == (None, 3)
    net.pop()
    with pytest.raises(ValueError, match="no layers to pop"):
        net.pop()


# ----------------------------------------------------------------- configs
def test_from_config_rebuilds_the_architecture_with_new_weights():
    net = Sequential([Input(shape=(8, 8)), Flatten(), Dense(4, kernel_initializer=init.RandomNormal(stddev=0.1)),
                      Dropout(0.5, seed=1), Activation("relu"), Dense(2, trainable=False)], name="img")
    config = net.get_config()
    assert config["layers"][0] == {"class": "InputLayer", "config": {"name": net.input_layer.name, "shape": [8, 8]}}
    again = Sequential.from_config(config)
    assert again.get_config() == config
    assert [w.shape for w in again.weights] == [w.shape for w in net.weights]
    assert not again.layers[-1].trainable
    dense = Dense.from_config(net.layers[1].get_config())
    assert isinstance(dense._kernel_initializer, init.RandomNormal) and dense._kernel_initializer.stddev == 0.1


def test_from_config_names_the_known_layer_classes():
    with pytest.raises(ValueError, match=r"unknown class 'Conv2D'; expected one of \['Activation', 'Dense'"):
        Sequential.from_config({"layers": [{"class": "Conv2D", "config": {}}]})


# ------------------------------------------------------------ set_weights
def test_set_weights_refuses_non_finite_arrays_unless_asked():
    net = small()
    before = net.get_weights()
    bad = [w.copy() for w in before]
    bad[2][0, 0] = np.inf
    with pytest.raises(ValueError, match=r"weight 2 \(out.weight\) holds 1 NaN or infinite values.*allow_non_finite"):
        net.set_weights(bad)
    for a, b in zip(net.get_weights(), before):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="NaN or infinite"):
        net.layers[0].set_weights([np.full((2, 3), np.nan), np.zeros(3)])
    net.set_weights(bad, allow_non_finite=True)
    assert np.isinf(net.get_weights()[2][0, 0])


# ------------------------------------------------------------ initializers
TN = 0.87962566103423978


@pytest.mark.parametrize("name, cls", [
    ("normal", init.RandomNormal), ("uniform", init.RandomUniform), ("random_normal", init.RandomNormal),
    ("truncated_normal", init.TruncatedNormal), ("glorot_normal", init.GlorotNormal), ("GlorotUniform", init.GlorotUniform),
    ("he_normal", init.HeNormal), ("HeUniform", init.HeUniform), ("lecun_normal", init.LecunNormal),
    ("variance_scaling", init.VarianceScaling), ("orthogonal", init.Orthogonal),
])
def test_each_keras_name_draws_what_its_class_draws(name, cls):
    set_seed(3)
    by_name = init.get(name)((20, 30))
    set_seed(3)
    by_class = cls()((20, 30))
    np.testing.assert_array_equal(by_name, by_class)


def test_keras_2_names_and_aliases():
    assert init.get("normal") is init.random_normal and init.get("uniform") is init.random_uniform
    assert init.get("zero") is init.zeros and init.get("one") is init.ones
    assert init.get("GlorotUniform") is init.glorot_uniform and init.get("He_Normal") is init.he_normal
    np.testing.assert_array_equal(init.get("identity")((3, 3)), np.eye(3))
    np.testing.assert_array_equal(init.get("constant")((2,)), np.zeros(2))


def test_truncated_normals_stop_at_two_standard_deviations_of_the_draw():
    rng_std = 0.05
    w = init.TruncatedNormal(stddev=rng_std, seed=1)((300, 300))
    assert np.abs(w).max() <= 2 * rng_std and np.abs(w).max() > 0.999 * 2 * rng_std
    assert w.std() == pytest.approx(rng_std * TN, rel=0.01)
    # he_normal: σ after truncation is √(2 / fan_in)
    w = init.HeNormal(seed=2)((400, 300))
    assert w.std() == pytest.approx(np.sqrt(2 / 400), rel=0.01)
    assert np.abs(w).max() <= 2 * np.sqrt(2 / 400) / TN
    # random_normal is not truncated (as in Keras)
    w = init.RandomNormal(seed=3)((300, 300))
    assert np.abs(w).max() > 3 * 0.05


def test_orthogonal_columns_are_orthonormal():
    q = init.Orthogonal(seed=0)((6, 4))
    np.testing.assert_allclose(q.T @ q, np.eye(4), atol=1e-12)
    q = init.Orthogonal(gain=2.0, seed=0)((3, 5))
    np.testing.assert_allclose(q @ q.T, 4 * np.eye(3), atol=1e-12)


def test_seeded_initializer_objects_repeat_and_round_trip_their_config():
    a = init.GlorotNormal(seed=5)
    np.testing.assert_array_equal(a((3, 4)), a((3, 4)))
    for obj in (init.RandomNormal(mean=1.0, stddev=0.2, seed=1), init.RandomUniform(-1, 2), init.Constant(3.0),
                init.VarianceScaling(2.0, "fan_avg", "uniform", seed=4), init.Orthogonal(gain=0.5), init.HeUniform(seed=9)):
        spec = init.serialize(obj)
        again = init.get(spec)
        assert type(again) is type(obj) and again.get_config() == obj.get_config()
    assert init.serialize(init.glorot_uniform) == "glorot_uniform"


def test_bad_initializer_arguments_and_names():
    with pytest.raises(ValueError, match=r"unknown initializer class 'Foo'; expected one of \['Constant'"):
        init.get({"class_name": "Foo", "config": {}})
    with pytest.raises(ValueError, match="mode must be one of"):
        init.VarianceScaling(mode="fan")
    with pytest.raises(ValueError, match="stddev must be a positive"):
        init.RandomNormal(stddev=0)
    with pytest.raises(ValueError, match="minval < maxval"):
        init.RandomUniform(1, 1)
    with pytest.raises(ValueError, match=r"unknown initializer 'gaussian'.*'glorot_normal'.*'normal'.*'truncated_normal'"):
        init.get("gaussian")
