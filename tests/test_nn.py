"""Modules and layers: discovery of parameters, modes, state, Dense, Dropout, Sequential, initializers.

Dense is checked against its formula a = g(x @ W + b) computed in numpy; the
initializers against the variances their names promise; Dropout against the
expectation it must preserve.
"""

import re
import threading
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_mlp import Dense, Dropout, Module, Sequential, Value, losses, no_grad, set_seed
from autograd_mlp.nn import init

from strategies import arrays

FEW = settings(max_examples=30)


def numpy_activation(name, z):
    """The activations written directly in numpy, independent of the library's ops."""
    if name == "linear":
        return z
    if name == "relu":
        return np.maximum(z, 0.0)
    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-z))
    if name == "tanh":
        return np.tanh(z)
    if name == "softmax":
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)
    raise AssertionError(name)


class TwoLayer(Module):
    """A hand-written module: sub-modules as attributes, a list of them, a private attribute."""

    def __init__(self):
        super().__init__()
        self.hidden = Dense(3, input_dim=2, activation="tanh", name="hidden")
        self.blocks = [Dense(3, input_dim=3, name="b0"), Dense(1, input_dim=3, name="b1")]
        self.scale = Value(np.array(2.0))
        self._cache = Dense(5, input_dim=5, name="private")  # private: not a sub-module
        self.not_a_param = np.ones(3)

    def forward(self, x):
        h = self.hidden(x)
        for block in self.blocks:
            h = block(h)
        return h * self.scale


# ---------------------------------------------------------------- Module
def test_module_finds_parameters_and_submodules_by_attribute():
    m = TwoLayer()
    names = [name for name, _ in m.named_parameters()]
    assert names == [
        "scale",
        "hidden.weight", "hidden.bias",
        "blocks.0.weight", "blocks.0.bias",
        "blocks.1.weight", "blocks.1.bias",
    ]
    assert [id(p) for p in m.parameters()] == [id(p) for _, p in m.named_parameters()]
    assert m.parameters()[1] is m.hidden.weight
    assert [name for name, _ in m.named_children()] == ["hidden", "blocks.0", "blocks.1"]
    assert m.modules() == [m, m.hidden, m.blocks[0], m.blocks[1]]
    assert m.count_params() == 1 + (2 * 3 + 3) + (3 * 3 + 3) + (3 * 1 + 1)


def test_a_shared_parameter_is_listed_once():
    m = TwoLayer()
    m.alias = m.hidden.weight  # the same Value under a second name
    params = m.parameters()
    assert len(params) == len({id(p) for p in params}) == 7


def test_sequential_parameter_names_follow_the_layer_list():
    model = Sequential([Dense(4, input_dim=3), Dense(2)])
    assert [name for name, _ in model.named_parameters()] == [
        "layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias",
    ]


def test_calling_a_module_runs_forward():
    m = TwoLayer()
    x = np.array([[0.5, -1.0], [2.0, 0.25]])
    np.testing.assert_array_equal(m(x).data, m.forward(x).data)
    h = np.tanh(x @ m.hidden.weight.data + m.hidden.bias.data)
    for block in m.blocks:
        h = h @ block.weight.data + block.bias.data
    np.testing.assert_allclose(m(x).data, 2.0 * h, rtol=1e-14)


def test_module_without_forward_says_so():
    with pytest.raises(NotImplementedError, match="Module must define forward"):
        Module()(1.0)


def test_zero_grad_resets_every_parameter_gradient():
    m = TwoLayer()
    m(np.ones((2, 2))).sum().backward()
    assert all(p.grad is not None for p in m.parameters())
    m.zero_grad()
    assert all(p.grad is None for p in m.parameters())


def test_train_and_eval_reach_every_submodule():
    model = Sequential([Dense(2, input_dim=2), Dropout(0.5), Sequential([Dropout(0.2), Dense(1)])])
    assert model.eval() is model
    assert [m.training for m in model.modules()] == [False] * 6
    assert model.train() is model
    assert all(m.training for m in model.modules())
    model.train(False)
    assert not any(m.training for m in model.modules())


def test_state_dict_is_a_copy_and_round_trips():
    model = Sequential([Dense(3, input_dim=2), Dense(1)])
    state = model.state_dict()
    assert list(state) == ["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias"]
    state["layers.0.weight"][...] = 7.0  # a copy: the model must not change
    assert not np.any(model.layers[0].weight.data == 7.0)

    other = Sequential([Dense(3, input_dim=2), Dense(1)])
    other.load_state_dict(model.state_dict())
    for a, b in zip(model.get_weights(), other.get_weights()):
        np.testing.assert_array_equal(a, b)
    x = np.random.default_rng(0).normal(size=(5, 2))
    np.testing.assert_array_equal(model(x).data, other(x).data)
    # loading copies as well: changing the source later leaves the model alone
    source = model.state_dict()
    other.load_state_dict(source)
    source["layers.1.bias"][...] = 5.0
    assert other.layers[1].bias.data[0] != 5.0


def _snapshot(module):
    return [np.array(p.data, copy=True) for p in module.parameters()]


def _unchanged(module, snapshot):
    return all(np.array_equal(p.data, s) for p, s in zip(module.parameters(), snapshot))


def test_load_state_dict_with_a_wrong_name_raises_before_any_change():
    model = Sequential([Dense(3, input_dim=2), Dense(1)])
    before = _snapshot(model)
    state = {name: np.zeros_like(arr) for name, arr in model.state_dict().items()}
    state["layers.1.kernel"] = state.pop("layers.1.weight")
    with pytest.raises(ValueError, match=r"missing \['layers\.1\.weight'\].*unexpected \['layers\.1\.kernel'\]"):
        model.load_state_dict(state)
    assert _unchanged(model, before)


def test_load_state_dict_with_a_wrong_shape_raises_before_any_change():
    model = Sequential([Dense(3, input_dim=2), Dense(1)])
    before = _snapshot(model)
    state = {name: np.zeros_like(arr) for name, arr in model.state_dict().items()}
    state["layers.1.weight"] = np.zeros((1, 3))  # transposed; earlier entries are valid
    with pytest.raises(ValueError, match=r"layers\.1\.weight.*\(1, 3\).*\(3, 1\)"):
        model.load_state_dict(state)
    assert _unchanged(model, before)


def test_load_state_dict_non_strict_loads_what_matches():
    model = Sequential([Dense(3, input_dim=2), Dense(1)])
    before = _snapshot(model)
    model.load_state_dict({"layers.1.bias": np.array([4.0]), "extra": np.zeros(2)}, strict=False)
    assert model.layers[1].bias.data[0] == 4.0
    np.testing.assert_array_equal(model.layers[0].weight.data, before[0])


# ----------------------------------------------------------------- Dense
@FEW
@given(
    st.integers(1, 4), st.integers(1, 5), st.integers(1, 4),
    st.sampled_from(["linear", "relu", "sigmoid", "tanh", "softmax"]), st.integers(0, 2**32 - 1),
)
def test_dense_computes_activation_of_x_at_w_plus_b(batch, inputs, units, activation, seed):
    rng = np.random.default_rng(seed)
    layer = Dense(units, input_dim=inputs, activation=activation)
    assert layer.weight.shape == (inputs, units) and layer.bias.shape == (units,)
    w, b = rng.normal(size=(inputs, units)), rng.normal(size=units)
    layer.set_weights([w, b])
    x = rng.normal(size=(batch, inputs))
    out = layer(x)
    assert out.shape == (batch, units)
    np.testing.assert_allclose(out.data, numpy_activation(activation, x @ w + b), rtol=1e-12, atol=1e-15)


def test_dense_gradients_are_the_affine_map_s():
    rng = np.random.default_rng(1)
    layer = Dense(3, input_dim=4)
    x = rng.normal(size=(5, 4))
    c = rng.normal(size=(5, 3))
    (layer(x) * c).sum().backward()
    np.testing.assert_allclose(layer.weight.grad, x.T @ c, rtol=1e-13)
    np.testing.assert_allclose(layer.bias.grad, c.sum(axis=0), rtol=1e-13)


def test_dense_builds_lazily_on_its_first_call():
    layer = Dense(4, activation="relu")
    assert not layer.built and layer.parameters() == []
    out = layer(np.ones((2, 3)))
    assert layer.built and out.shape == (2, 4)
    assert layer.weight.shape == (3, 4) and layer.bias.shape == (4,)
    assert layer.input_dim == 3
    with pytest.raises(ValueError):
        layer(np.ones((2, 5)))  # once built, the width is fixed


def test_dense_input_shape_is_the_keras_spelling_of_input_dim():
    assert Dense(2, input_shape=(7,)).weight.shape == (7, 2)
    with pytest.raises(ValueError, match="input_shape"):
        Dense(2, input_shape=(3, 4))


def test_dense_without_bias():
    layer = Dense(2, input_dim=3, use_bias=False, activation="tanh")
    assert layer.bias is None
    assert [name for name, _ in layer.named_parameters()] == ["weight"]
    assert len(layer.get_weights()) == 1
    x = np.arange(6.0).reshape(2, 3) / 6
    np.testing.assert_allclose(layer(x).data, np.tanh(x @ layer.weight.data), rtol=1e-14)


def test_dense_accepts_a_value_or_a_plain_array_or_a_list():
    layer = Dense(2, input_dim=3, activation="sigmoid")
    x = np.array([[0.1, -0.2, 0.3]])
    a = layer(x).data
    np.testing.assert_array_equal(layer(Value(x)).data, a)
    np.testing.assert_array_equal(layer(x.tolist()).data, a)
    np.testing.assert_array_equal(layer(np.array([[1, 0, 2]])).data, layer(np.array([[1.0, 0.0, 2.0]])).data)
    x_value = Value(x)
    layer(x_value).sum().backward()
    assert x_value.grad is not None and x_value.grad.shape == (1, 3)


def test_dense_refuses_non_numeric_input():
    with pytest.raises(TypeError, match="numeric"):
        Dense(1, input_dim=1)(np.array([["a"]]))


def test_wrong_number_of_features_names_expected_received_and_the_layer():
    layer = Dense(2, input_dim=3, name="hidden_1")
    with pytest.raises(ValueError) as err:
        layer(np.ones((4, 5)))
    message = str(err.value)
    assert "hidden_1" in message
    assert "3" in message and "(4, 5)" in message

    model = Sequential([Dense(4, input_dim=3, name="first"), Dense(1, name="second")])
    with pytest.raises(ValueError, match=r"'first'.*3.*\(2, 2\)"):
        model(np.ones((2, 2)))


@pytest.mark.parametrize("units", [0, -1, 2.5, True, "3"])
def test_dense_rejects_bad_units(units):
    with pytest.raises(ValueError, match="units"):
        Dense(units)


def test_unknown_names_list_the_valid_ones():
    with pytest.raises(ValueError, match=r"unknown activation 'rleu'.*'relu'.*'sigmoid'"):
        Dense(2, activation="rleu")
    with pytest.raises(ValueError, match=r"unknown initializer 'glorot'.*'glorot_normal'.*'he_normal'"):
        Dense(2, kernel_initializer="glorot")
    with pytest.raises(ValueError, match=r"unknown initializer 'onez'.*'ones'.*'zeros'"):
        Dense(2, bias_initializer="onez")


def test_dense_dtype_float32():
    layer = Dense(3, input_dim=2, dtype=np.float32)
    assert layer.weight.dtype == np.float32
    assert layer(np.ones((1, 2))).dtype == np.float32
    with pytest.raises(TypeError, match="float"):
        Dense(3, dtype=np.int64)


def test_get_weights_returns_copies_and_set_weights_assigns():
    layer = Dense(2, input_dim=3)
    w, b = layer.get_weights()
    w[...] = 9.0
    assert not np.any(layer.weight.data == 9.0)
    new_w, new_b = np.arange(6.0).reshape(3, 2), np.array([1.0, -1.0])
    layer.set_weights([new_w, new_b])
    np.testing.assert_array_equal(layer.weight.data, new_w)
    new_w[0, 0] = 100.0  # set_weights copied
    assert layer.weight.data[0, 0] == 0.0
    np.testing.assert_array_equal(layer.get_weights()[1], [1.0, -1.0])


def test_set_weights_with_a_wrong_shape_names_it_and_changes_nothing():
    layer = Dense(2, input_dim=3, name="d")
    before = layer.get_weights()
    with pytest.raises(ValueError, match=r"weight 1 \(d\.bias\) must have shape \(2,\), got \(3,\)"):
        layer.set_weights([np.zeros((3, 2)), np.zeros(3)])  # the weight is fine, the bias is not
    for old, now in zip(before, layer.get_weights()):
        np.testing.assert_array_equal(old, now)
    with pytest.raises(ValueError, match="expected 2 weight arrays, got 1"):
        layer.set_weights([np.zeros((3, 2))])
    with pytest.raises(TypeError, match="numeric"):
        layer.set_weights([np.zeros((3, 2)), np.array(["a", "b"])])


# ---------------------------------------------------------- initializers
N_IN, N_OUT = 200, 300  # 60,000 draws: sample std within about 0.5% of the true one


@pytest.mark.parametrize(
    "name, kind, scale",
    [
        ("glorot_uniform", "uniform", np.sqrt(6.0 / (N_IN + N_OUT))),
        ("glorot_normal", "truncated", np.sqrt(2.0 / (N_IN + N_OUT))),
        ("he_uniform", "uniform", np.sqrt(6.0 / N_IN)),
        ("he_normal", "truncated", np.sqrt(2.0 / N_IN)),
        ("lecun_uniform", "uniform", np.sqrt(3.0 / N_IN)),
        ("lecun_normal", "truncated", np.sqrt(1.0 / N_IN)),
        ("random_uniform", "uniform", 0.05),
        ("random_normal", "normal", 0.05),
        ("normal", "normal", 0.05),
        ("uniform", "uniform", 0.05),
        ("truncated_normal", "truncated", 0.05 * 0.87962566103423978),
        ("variance_scaling", "truncated", np.sqrt(1.0 / N_IN)),
        ("GlorotNormal", "truncated", np.sqrt(2.0 / (N_IN + N_OUT))),
    ],
)
def test_initializer_statistics(name, kind, scale):
    set_seed(1234)
    w = Dense(N_OUT, input_dim=N_IN, kernel_initializer=name).weight.data
    std = scale / np.sqrt(3.0) if kind == "uniform" else scale  # U(-l, l) has variance l²/3
    assert abs(w.mean()) < 0.02 * std
    assert w.std() == pytest.approx(std, rel=0.02)
    if kind == "uniform":
        assert -scale <= w.min() < -0.99 * scale and 0.99 * scale < w.max() <= scale
    elif kind == "truncated":
        # Keras' truncated normal: drawn at σ / 0.8796..., nothing beyond two of those
        limit = 2 * std / 0.87962566103423978
        assert np.abs(w).max() <= limit and np.abs(w).max() > 0.99 * limit
    else:
        # about 0.27% of normal draws lie beyond 3σ
        assert 0.001 < np.mean(np.abs(w) > 3 * std) < 0.005


def test_initializers_are_reproducible_with_a_seed_and_differ_without():
    set_seed(7)
    a = Dense(4, input_dim=3).weight.data
    set_seed(7)
    b = Dense(4, input_dim=3).weight.data
    c = Dense(4, input_dim=3).weight.data
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_zeros_ones_and_callable_initializers():
    layer = Dense(2, input_dim=3, kernel_initializer="ones", bias_initializer="zeros")
    np.testing.assert_array_equal(layer.weight.data, np.ones((3, 2)))
    np.testing.assert_array_equal(layer.bias.data, np.zeros(2))
    layer = Dense(2, input_dim=3, kernel_initializer=lambda shape, dtype: np.full(shape, 0.5, dtype))
    np.testing.assert_array_equal(layer.weight.data, np.full((3, 2), 0.5))
    assert init.get("He_Normal") is init.he_normal
    with pytest.raises(TypeError):
        init.get(3)


# --------------------------------------------------------------- Dropout
def test_dropout_is_the_identity_in_eval_mode():
    layer = Dropout(0.5).eval()
    x = Value(np.arange(12.0).reshape(3, 4))
    assert layer(x) is x
    np.testing.assert_array_equal(layer(np.ones((2, 2))).data, np.ones((2, 2)))


@pytest.mark.parametrize("rate", [0.1, 0.5, 0.8])
def test_dropout_drops_a_fraction_rate_and_scales_the_rest(rate):
    layer = Dropout(rate, seed=3)
    x = np.full((400, 250), 2.0)
    out = layer(x).data
    dropped = out == 0.0
    assert np.mean(dropped) == pytest.approx(rate, abs=0.01)
    np.testing.assert_allclose(out[~dropped], 2.0 / (1.0 - rate), rtol=1e-15)
    # inverted scaling keeps the expectation: the mean of 100,000 units stays 2
    assert out.mean() == pytest.approx(2.0, rel=0.02)


def test_dropout_gradient_goes_through_the_kept_units_only():
    layer = Dropout(0.5, seed=0)
    x = Value(np.ones((20, 10)))
    out = layer(x)
    out.sum().backward()
    kept = out.data != 0
    np.testing.assert_array_equal(x.grad, np.where(kept, 2.0, 0.0))


def test_dropout_rate_zero_and_draws_differ_between_calls():
    x = np.ones((10, 10))
    np.testing.assert_array_equal(Dropout(0.0)(x).data, x)
    layer = Dropout(0.5, seed=11)
    assert not np.array_equal(layer(x).data, layer(x).data)
    np.testing.assert_array_equal(Dropout(0.5, seed=11)(x).data, Dropout(0.5, seed=11)(x).data)


@pytest.mark.parametrize("rate", [-0.1, 1.0, 1.5, "0.5", True])
def test_dropout_rejects_a_bad_rate(rate):
    with pytest.raises(ValueError, match="rate"):
        Dropout(rate)


# ------------------------------------------------------------ Sequential
def test_sequential_from_constructor_and_from_add_are_the_same_model():
    set_seed(5)
    a = Sequential([Dense(3, input_dim=2, activation="relu"), Dense(1, activation="sigmoid")])
    set_seed(5)
    b = Sequential()
    b.add(Dense(3, input_dim=2, activation="relu"))
    b.add(Dense(1, activation="sigmoid"))
    assert len(a.layers) == len(b.layers) == len(a) == 2
    assert a[0] is a.layers[0] and list(a) == a.layers
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(wa, wb)
    x = np.array([[0.3, -0.7]])
    np.testing.assert_array_equal(a(x).data, b(x).data)


def test_sequential_builds_later_layers_once_the_input_width_is_known():
    model = Sequential([Dense(4, input_dim=3), Dropout(0.1), Dense(2)])
    assert model.built and model.layers[2].weight.shape == (4, 2)
    lazy = Sequential([Dense(4), Dense(2)])
    assert not lazy.built and lazy.parameters() == []
    assert lazy(np.ones((1, 5))).shape == (1, 2)
    assert lazy.built and lazy.layers[0].weight.shape == (5, 4)


def test_sequential_get_and_set_weights_span_the_layers():
    model = Sequential([Dense(3, input_dim=2), Dense(1)])
    shapes = [w.shape for w in model.get_weights()]
    assert shapes == [(2, 3), (3,), (3, 1), (1,)]
    new = [np.full(s, float(i)) for i, s in enumerate(shapes)]
    model.set_weights(new)
    for i, w in enumerate(model.get_weights()):
        np.testing.assert_array_equal(w, np.full(shapes[i], float(i)))
    np.testing.assert_allclose(model(np.array([[1.0, 1.0]])).data, [[(0 * 2 + 1) * 3 * 2 + 3]])


def test_sequential_set_weights_is_all_or_nothing():
    model = Sequential([Dense(3, input_dim=2), Dense(1)], name="net")
    before = model.get_weights()
    bad = [np.zeros((2, 3)), np.zeros(3), np.zeros((1, 3)), np.zeros(1)]
    with pytest.raises(ValueError, match=r"'net'.*weight 2.*\(3, 1\).*\(1, 3\)"):
        model.set_weights(bad)
    for old, now in zip(before, model.get_weights()):
        np.testing.assert_array_equal(old, now)
    with pytest.raises(ValueError, match="expected 4 weight arrays, got 3"):
        model.set_weights(bad[:3])


def test_sequential_accepts_a_value_or_a_plain_array():
    model = Sequential([Dense(3, input_dim=2, activation="tanh"), Dense(2, activation="softmax")])
    x = np.array([[0.2, 0.4], [-1.0, 3.0]])
    np.testing.assert_array_equal(model(Value(x)).data, model(x).data)
    np.testing.assert_allclose(model(x).data.sum(axis=1), 1.0, rtol=1e-14)


def test_sequential_rejects_non_layers_duplicates_and_empty_calls():
    model = Sequential()
    with pytest.raises(ValueError, match="no layers"):
        model(np.ones((1, 1)))
    with pytest.raises(TypeError, match="expects a layer"):
        model.add("dense")
    model.add(Dense(1, input_dim=1, name="same"))
    with pytest.raises(ValueError, match="'same' is already"):
        model.add(Dense(1, name="same"))
    assert len(model) == 1


def test_dropout_inside_sequential_follows_the_model_mode():
    model = Sequential([Dense(50, input_dim=4, activation="relu", bias_initializer="ones"), Dropout(0.5)])
    x = np.ones((8, 4))
    model.eval()
    first, second = model(x).data, model(x).data
    np.testing.assert_array_equal(first, second)
    model.train()
    assert np.any(model(x).data == 0.0)


def test_a_model_trains_a_step_end_to_end():
    """forward, loss, backward and a manual update through the parameter list lower the loss."""
    set_seed(0)
    model = Sequential([Dense(4, input_dim=2, activation="tanh"), Dense(1)])
    x = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([1.0, 1.0, 0.0])  # flat targets against a (3, 1) output
    loss = losses.mean_squared_error(y, model(x))
    loss.backward()
    with no_grad():
        for p in model.parameters():
            p.data = p.data - 0.1 * p.grad
    assert losses.mean_squared_error(y, model(x)).item() < loss.item()


def test_repr_names_the_layers():
    model = Sequential([Dense(2, input_dim=1, name="a"), Dropout(0.3, name="drop")])
    text = repr(model)
    assert "Dense(2" in text and "'a'" in text and "Dropout(0.3" in text
    assert re.search(r"\(layers\.1\): Dropout", text)


def test_a_leading_dropout_keeps_a_float32_model_in_float32():
    model = Sequential([Dropout(0.2), Dense(3, input_dim=2, dtype=np.float32), Dense(1, dtype=np.float32)])
    x = np.ones((4, 2), dtype=np.float32)
    assert model.predict(x).dtype == np.float32
    assert Dropout(0.5, seed=0)(x).dtype == np.float32  # training mode too
    assert Dropout(0.5).eval()(np.ones((2, 2), dtype=np.int64)).dtype == np.float64


def test_a_float32_model_casts_other_float_inputs_to_float32_even_after_dropout():
    model = Sequential([Dropout(0.2), Dense(3, input_dim=2, dtype=np.float32), Dense(1, dtype=np.float32)])
    assert model(np.ones((4, 2))).dtype == np.float32  # float64 input
    model.train()
    out = model(np.ones((4, 2)))
    out.sum().backward()
    assert out.dtype == np.float32 and model.layers[1].weight.grad.dtype == np.float32


# ------------------------------------------------------------------ threads
def _weights_built(seed=None):
    if seed is not None:
        set_seed(seed)
    return Dense(4, input_dim=3).weight.data.copy()


def test_set_seed_in_the_main_thread_seeds_models_built_in_other_threads():
    # One generator for the process, as NumPy's and PyTorch's: a seeded script is
    # reproducible whichever thread builds its model.
    expected = _weights_built(seed=11)
    set_seed(11)
    result = []
    worker = threading.Thread(target=lambda: result.append(_weights_built()))
    worker.start()
    worker.join()
    np.testing.assert_array_equal(result[0], expected)


def test_using_generator_gives_one_thread_its_own_draws_while_others_draw():
    with init.using_generator(np.random.default_rng(7)):
        expected = [_weights_built() for _ in range(20)]
    stop = threading.Event()

    def draw_forever():
        while not stop.is_set():
            Dense(4, input_dim=3)  # draws from the process's generator
            init.generator().random(100)

    others = [threading.Thread(target=draw_forever) for _ in range(2)]
    results = []

    def reproducible():
        with init.using_generator(np.random.default_rng(7)):
            for _ in range(20):
                results.append(_weights_built())
                time.sleep(0.001)  # let the other threads draw in the middle of the block

    for thread in others:
        thread.start()
    try:
        worker = threading.Thread(target=reproducible)
        worker.start()
        worker.join()
    finally:
        stop.set()
        for thread in others:
            thread.join()
    for got, want in zip(results, expected, strict=True):
        np.testing.assert_array_equal(got, want)


def test_using_generator_blocks_nest_and_restore():
    shared = init.generator()
    a, b = np.random.default_rng(1), np.random.default_rng(2)
    with init.using_generator(a):
        with init.using_generator(b):
            assert init.generator() is b
        assert init.generator() is a
    assert init.generator() is shared


def test_using_generator_refuses_what_is_not_a_generator():
    with pytest.raises(TypeError, match="numpy Generator"):
        with init.using_generator(7):
            pass


def test_default_layer_names_stay_unique_across_threads():
    names = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def build():
        start.wait()
        made = [Dense(1, input_dim=1, name=None).name for _ in range(200)]
        made += [Dropout(0.1).name for _ in range(200)]
        with lock:
            names.extend(made)

    threads = [threading.Thread(target=build) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(names) == len(set(names)) == 8 * 400
