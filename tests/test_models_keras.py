"""Tests for the Keras workflow additions: frozen layers in fit, sample and class weights, regularization
penalties, train/test/predict_on_batch, image-shaped input, and saving the new layers."""

import sys
import types

import numpy as np
import pytest

from autograd_mlp import SGD, set_seed
from autograd_mlp.engine import Value
from autograd_mlp.models import Sequential, load_model
from autograd_mlp.nn import Activation, Dense, Dropout, Flatten, Input, init


# ------------------------------------------------------ regularizer stand-in
def _standin_module():
    """A minimal module with the interface of autograd_mlp.regularizers: reg(value) -> scalar Value."""
    module = types.ModuleType("autograd_mlp.regularizers")

    class L1L2:
        def __init__(self, l1=0.0, l2=0.0):
            self.l1, self.l2 = float(l1), float(l2)

        def __call__(self, x):
            penalty = Value(0.0)
            if self.l1:
                penalty = penalty + self.l1 * x.abs().sum()
            if self.l2:
                penalty = penalty + self.l2 * (x * x).sum()
            return penalty

        def get_config(self):
            return {"l1": self.l1, "l2": self.l2}

        @classmethod
        def from_config(cls, config):
            return cls(**config)

    class L1(L1L2):
        def __init__(self, l1=0.01):
            super().__init__(l1=l1)

        def get_config(self):
            return {"l1": self.l1}

    class L2(L1L2):
        def __init__(self, l2=0.01):
            super().__init__(l2=l2)

        def get_config(self):
            return {"l2": self.l2}

    def get(name):
        table = {"l1": L1, "l2": L2, "l1_l2": L1L2}
        if name not in table:
            raise ValueError(f"unknown regularizer {name!r}; expected one of {sorted(table)}")
        return table[name]()

    module.L1, module.L2, module.L1L2, module.get = L1, L2, L1L2, get
    module.l1, module.l2, module.l1_l2 = L1, L2, L1L2
    return module


@pytest.fixture
def regularizers(monkeypatch):
    """The library's regularizers, or a stand-in with their interface while the module is absent."""
    try:
        import autograd_mlp.regularizers as real
        return real
    except ModuleNotFoundError:
        module = _standin_module()
        monkeypatch.setitem(sys.modules, "autograd_mlp.regularizers", module)
        return module


def data(n=24, seed=0, features=3):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, features))
    return x, (x[:, :1] - 0.5 * x[:, 1:2] > 0).astype(float)


def net(loss="binary_crossentropy", metrics=None, lr=0.1, **dense):
    set_seed(0)
    model = Sequential([Dense(4, input_dim=3, activation="tanh", name="hidden", **dense),
                        Dense(1, activation="sigmoid", name="out")])
    model.compile(optimizer=SGD(lr), loss=loss, metrics=metrics)
    return model


def same(a, b):
    return all(np.array_equal(u, v) for u, v in zip(a, b))


# ------------------------------------------------------------------ frozen
def test_a_frozen_layer_is_not_updated_nor_given_to_the_optimizer():
    x, y = data()
    model = net()
    model.layers[0].trainable = False
    frozen = model.layers[0].get_weights()
    before_out = model.layers[1].get_weights()
    model.fit(x, y, epochs=3, batch_size=8, verbose=0)
    assert same(model.layers[0].get_weights(), frozen)
    assert not same(model.layers[1].get_weights(), before_out)
    assert [p.name for p in model.optimizer.params] == ["out.weight", "out.bias"]
    # unfreezing and fitting again rebinds the optimizer to every parameter
    model.layers[0].trainable = True
    model.fit(x, y, epochs=1, verbose=0)
    assert len(model.optimizer.params) == 4 and not same(model.layers[0].get_weights(), frozen)


def test_a_fully_frozen_model_still_reports_its_loss():
    x, y = data()
    model = net()
    model.trainable = False
    before = model.get_weights()
    history = model.fit(x, y, epochs=2, verbose=0)
    assert same(model.get_weights(), before)
    assert history.history["loss"][0] == pytest.approx(model.evaluate(x, y))


def test_summary_counts_frozen_parameters_as_non_trainable():
    model = net()
    model.layers[0].trainable = False
    lines = []
    model.summary(print_fn=lines.append)
    assert "Trainable params: 5" in lines and "Non-trainable params: 16" in lines


# ---------------------------------------------------------- sample weights
def test_sample_weights_weigh_each_rows_loss_over_the_batch_size():
    x, y = data()
    w = np.random.default_rng(1).uniform(0, 3, size=len(x))
    model = net(loss="mse")
    p = model.predict(x)
    per_row = ((p - y) ** 2).mean(axis=1)
    assert model.evaluate(x, y, sample_weight=w) == pytest.approx((w * per_row).sum() / len(x), rel=1e-12)
    assert model.evaluate(x, y, sample_weight=w, batch_size=5) == pytest.approx((w * per_row).sum() / len(x), rel=1e-12)
    assert model.evaluate(x, y, sample_weight=np.ones(len(x))) == pytest.approx(model.evaluate(x, y), rel=1e-14)


def test_weighted_cross_entropy_reads_the_logits():
    # Saturated outputs: a probability path would clip at 1e-7, the logits give the exact loss.
    x = np.array([[30.0], [-30.0], [1.0]])
    y = np.array([[0.0], [1.0], [1.0]])
    model = Sequential([Dense(1, input_dim=1, activation="sigmoid", kernel_initializer="ones")])
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    z = x[:, 0]
    per_row = np.logaddexp(0, z) - y[:, 0] * z
    w = np.array([2.0, 0.5, 1.0])
    assert model.evaluate(x, y, sample_weight=w) == pytest.approx((w * per_row).sum() / 3, rel=1e-13)


def test_one_weighted_step_follows_the_weighted_gradient():
    # A linear unit with mse: dL/dW = 2/n Σ w_i (ŷ_i - y_i) x_i, dL/db = 2/n Σ w_i (ŷ_i - y_i)
    x, y = data(n=10)
    w = np.arange(10, dtype=float) / 3
    set_seed(2)
    model = Sequential([Dense(1, input_dim=3)])
    model.compile(optimizer=SGD(0.1), loss="mse")
    W, b = model.get_weights()
    r = (x @ W + b - y)[:, 0]
    model.fit(x, y, sample_weight=w, batch_size=10, epochs=1, shuffle=False, verbose=0)
    W1, b1 = model.get_weights()
    np.testing.assert_allclose(W1, W - 0.1 * 2 / 10 * (x.T @ (w * r))[:, None], rtol=1e-12)
    np.testing.assert_allclose(b1, b - 0.1 * 2 / 10 * (w * r).sum(), rtol=1e-12)


def test_class_weight_is_the_sample_weight_of_each_rows_class():
    x, y = data()
    a, b = net(), net()
    a.fit(x, y, class_weight={0: 0.5, 1: 3.0}, epochs=2, batch_size=8, shuffle=False, verbose=0)
    b.fit(x, y, sample_weight=np.where(y[:, 0] == 1, 3.0, 0.5), epochs=2, batch_size=8, shuffle=False, verbose=0)
    assert same(a.get_weights(), b.get_weights())
    c = net()
    c.fit(x, y, class_weight={1: 1.0}, epochs=2, batch_size=8, shuffle=False, verbose=0)  # unnamed classes weigh 1
    d = net()
    d.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    np.testing.assert_allclose(np.concatenate([w.ravel() for w in c.get_weights()]),
                               np.concatenate([w.ravel() for w in d.get_weights()]), rtol=1e-13)


def test_class_weight_with_one_hot_targets():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(30, 3))
    labels = rng.integers(0, 3, size=30)
    y = np.eye(3)[labels]
    set_seed(0)
    a = Sequential([Dense(3, input_dim=3, activation="softmax")])
    a.compile(optimizer=SGD(0.1), loss="categorical_crossentropy")
    b = Sequential([Dense(3, input_dim=3, activation="softmax")])
    b.compile(optimizer=SGD(0.1), loss="categorical_crossentropy")
    b.set_weights(a.get_weights())
    a.fit(x, y, class_weight={0: 1.0, 1: 2.0, 2: 0.0}, batch_size=30, shuffle=False, verbose=0)
    b.fit(x, y, sample_weight=np.array([1.0, 2.0, 0.0])[labels], batch_size=30, shuffle=False, verbose=0)
    assert same(a.get_weights(), b.get_weights())


def test_validation_split_keeps_the_sample_weights_of_its_rows():
    x, y = data(n=20)
    w = np.linspace(0.1, 2, 20)
    model = net(loss="mse")
    history = model.fit(x, y, sample_weight=w, validation_split=0.25, epochs=1, verbose=0)
    assert history.history["val_loss"][0] == pytest.approx(model.evaluate(x[15:], y[15:], sample_weight=w[15:]))
    history = model.fit(x, y, validation_data=(x[:5], y[:5], w[:5]), epochs=1, verbose=0)
    assert history.history["val_loss"][0] == pytest.approx(model.evaluate(x[:5], y[:5], sample_weight=w[:5]))


BAD_WEIGHTS = {
    "wrong length": (dict(sample_weight=np.ones(5)), ValueError, r"one weight per row, shape \(24,\), got shape \(5,\)"),
    "negative": (dict(sample_weight=-np.ones(24)), ValueError, "must be >= 0"),
    "nan": (dict(sample_weight=np.full(24, np.nan)), ValueError, "finite"),
    "strings": (dict(sample_weight=["a"] * 24), TypeError, "numbers"),
    "both": (dict(sample_weight=np.ones(24), class_weight={0: 1.0}), ValueError, "not both"),
    "class 2 of a binary output": (dict(class_weight={0: 1.0, 2: 5.0}), ValueError,
                                   r"class_weight names class 2.*expected keys among \[0, 1\]"),
    "class as a name": (dict(class_weight={"cat": 1.0}), ValueError, "class_weight names class 'cat'"),
    "negative class weight": (dict(class_weight={1: -1.0}), ValueError, r"class_weight\[1\] must be a finite number >= 0"),
    "class weights as a list": (dict(class_weight=[1.0, 2.0]), TypeError, "must be a dict"),
}


@pytest.mark.parametrize("case", sorted(BAD_WEIGHTS))
def test_bad_weights_are_refused_before_any_update(case):
    kwargs, error, message = BAD_WEIGHTS[case]
    x, y = data()
    model = net()
    before = model.get_weights()
    with pytest.raises(error, match=message):
        model.fit(x, y, epochs=1, verbose=0, **kwargs)
    assert same(model.get_weights(), before) and model.optimizer.iterations == 0
    if "sample_weight" in kwargs and "class_weight" not in kwargs:
        with pytest.raises(error, match=message):
            model.evaluate(x, y, sample_weight=kwargs["sample_weight"])


# ------------------------------------------------------------ regularizers
def test_l2_kernel_penalty_is_in_the_loss_and_its_gradient(regularizers):
    x, y = data()
    plain = net(loss="mse")
    reg = net(loss="mse", kernel_regularizer=regularizers.l2(0.01))
    reg.set_weights(plain.get_weights())
    W = plain.layers[0].kernel.data.copy()
    assert reg.evaluate(x, y) == pytest.approx(plain.evaluate(x, y) + 0.01 * (W ** 2).sum(), rel=1e-13)
    history = reg.fit(x, y, batch_size=24, epochs=1, shuffle=False, verbose=0)
    plain.fit(x, y, batch_size=24, epochs=1, shuffle=False, verbose=0)
    assert history.history["loss"][0] == pytest.approx(plain.history.history["loss"][0] + 0.01 * (W ** 2).sum())
    # SGD: the penalty adds 0.1 · 0.02 W to the step of the kernel only
    np.testing.assert_allclose(reg.layers[0].kernel.data, plain.layers[0].kernel.data - 0.1 * 0.02 * W, rtol=1e-12)
    np.testing.assert_allclose(reg.layers[0].bias.data, plain.layers[0].bias.data, rtol=1e-12)


def test_a_frozen_layer_adds_no_weight_penalty(regularizers):
    x, y = data()
    plain = net(loss="mse")
    reg = net(loss="mse", kernel_regularizer=regularizers.l2(0.5), bias_regularizer=regularizers.l1(0.5))
    reg.layers[0].trainable = False
    plain.layers[0].trainable = False
    assert reg.evaluate(x, y) == pytest.approx(plain.evaluate(x, y), rel=1e-14)


def test_activity_penalty_is_divided_by_the_batch_size(regularizers):
    x, y = data()
    plain = net(loss="mse")
    reg = net(loss="mse", activity_regularizer=regularizers.l1(0.1))
    hidden = np.tanh(x @ plain.layers[0].kernel.data + plain.layers[0].bias.data)
    expected = plain.evaluate(x, y) + 0.1 * np.abs(hidden).sum() / len(x)
    assert reg.evaluate(x, y) == pytest.approx(expected, rel=1e-13)
    assert reg.evaluate(x, y, batch_size=7) == pytest.approx(expected, rel=1e-13)
    w = np.linspace(0.5, 1.5, len(x))
    expected_w = plain.evaluate(x, y, sample_weight=w) + 0.1 * np.abs(hidden).sum() / len(x)
    assert reg.evaluate(x, y, sample_weight=w) == pytest.approx(expected_w, rel=1e-13)
    assert reg.predict(x).shape == (24, 1)  # predicting records no penalty


def test_regularizers_by_name_and_saved(tmp_path, regularizers):
    x, y = data()
    model = net(loss="mse", kernel_regularizer="l2", bias_regularizer=regularizers.l1_l2(l1=0.1, l2=0.2))
    model.fit(x, y, epochs=1, verbose=0)
    path = tmp_path / "reg.keras"
    model.save(path)
    again = load_model(path)
    assert again.evaluate(x, y) == model.evaluate(x, y)
    assert again.get_config() == model.get_config()
    with pytest.raises(ValueError, match=r"unknown regularizer class 'Orthogonal'; expected one of \['L1', 'L2', 'L1L2'\]"):
        Dense(2, kernel_regularizer={"class_name": "Orthogonal", "config": {}})


def test_a_custom_regularizer_trains_but_is_not_saved(tmp_path):
    x, y = data()
    model = net(loss="mse", kernel_regularizer=lambda w: 0.1 * (w * w).sum())
    model.fit(x, y, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="kernel_regularizer.*cannot be saved"):
        model.save(tmp_path / "custom.keras")
    assert not (tmp_path / "custom.keras").exists()


# ------------------------------------------------------------ on_batch
def test_train_on_batch_is_one_update_reporting_the_loss_before_it():
    x, y = data()
    a, b = net(metrics=["accuracy"]), net(metrics=["accuracy"])
    loss_before, acc = a.evaluate(x, y)
    result = a.train_on_batch(x, y)
    assert result[0] == pytest.approx(loss_before, rel=1e-13) and result[1] == acc
    b.fit(x, y, batch_size=len(x), epochs=1, shuffle=False, verbose=0)
    assert same(a.get_weights(), b.get_weights())
    assert a.train_on_batch(x, y, return_dict=True).keys() == {"loss", "accuracy"}
    assert a.test_on_batch(x, y) == a.evaluate(x, y)
    np.testing.assert_array_equal(a.predict_on_batch(x), a.predict(x))


def test_a_train_on_batch_loop_reading_model_weights():
    x, y = data()
    model = net(loss="mse")
    seen = []
    for step in range(3):
        loss = model.train_on_batch(x[step * 8:(step + 1) * 8], y[step * 8:(step + 1) * 8])
        seen.append(np.asarray(model.weights[0]).copy())
        assert isinstance(loss, float)
    assert not np.array_equal(seen[0], seen[1]) and model.optimizer.iterations == 3


def test_train_on_batch_refuses_bad_input_before_updating():
    x, y = data()
    model = net()
    before = model.get_weights()
    with pytest.raises(ValueError, match="same number of rows"):
        model.train_on_batch(x, y[:3])
    with pytest.raises(ValueError, match="must be >= 0"):
        model.train_on_batch(x, y, sample_weight=-np.ones(24))
    assert same(model.get_weights(), before)


def test_stop_training_set_from_a_callback_ends_the_fit():
    from autograd_mlp.callbacks import Callback

    class Stop(Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch == 1:
                self.model.stop_training = True

    x, y = data()
    model = net()
    model.fit(x, y, epochs=5, batch_size=4, verbose=0, callbacks=[Stop()])
    assert model.optimizer.iterations == 2


# ------------------------------------------------------ image-shaped input
def digits(n=40, seed=0):
    rng = np.random.default_rng(seed)
    images = rng.uniform(0, 16, size=(n, 8, 8))
    labels = (images[:, :4].mean(axis=(1, 2)) > images[:, 4:].mean(axis=(1, 2))).astype(int)
    return images, np.eye(2)[labels]


def test_fit_predict_evaluate_take_image_shaped_input_with_flatten_first():
    x, y = digits()
    set_seed(1)
    model = Sequential([Input(shape=(8, 8)), Flatten(), Dense(5, activation="relu"), Dense(2), Activation("softmax")])
    model.compile(optimizer=SGD(0.01), loss="categorical_crossentropy", metrics=["accuracy"])
    flat = Sequential([Dense(5, input_dim=64, activation="relu"), Dense(2, activation="softmax")])
    flat.compile(optimizer=SGD(0.01), loss="categorical_crossentropy", metrics=["accuracy"])
    flat.set_weights(model.get_weights())
    h1 = model.fit(x, y, epochs=2, batch_size=10, shuffle=False, verbose=0)
    h2 = flat.fit(x.reshape(40, 64), y, epochs=2, batch_size=10, shuffle=False, verbose=0)
    assert h1.history == h2.history
    np.testing.assert_array_equal(model.predict(x), flat.predict(x.reshape(40, 64)))
    assert model.evaluate(x, y) == flat.evaluate(x.reshape(40, 64), y)
    lazy = Sequential([Flatten(), Dense(2, activation="softmax")])
    lazy.compile(optimizer="sgd", loss="categorical_crossentropy")
    lazy.fit(x, y, epochs=1, verbose=0)
    assert lazy.input_shape == (None, 8, 8)


def test_image_shaped_input_of_the_wrong_shape_is_refused_first():
    x, y = digits()
    model = Sequential([Input(shape=(8, 8)), Flatten(), Dense(2, activation="softmax")])
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    before = model.get_weights()
    with pytest.raises(ValueError, match=r"expects cases of shape \(8, 8\).*got x of shape \(40, 4, 16\)"):
        model.fit(x.reshape(40, 4, 16), y, verbose=0)
    with pytest.raises(ValueError, match=r"a batch axis and at least one feature axis, got shape \(64,\)"):
        model.predict(x[0].ravel())
    assert same(model.get_weights(), before)
    # a model of rows still refuses images
    rows = Sequential([Dense(2, input_dim=64)])
    with pytest.raises(ValueError, match=r"must have shape \(rows, columns\)"):
        rows.predict(x)


def test_input_shape_that_does_not_match_the_data():
    x, y = data()
    model = Sequential([Input(shape=(4,)), Dense(1, activation="sigmoid")])
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    before = model.get_weights()
    with pytest.raises(ValueError, match=r"expects 4 input features.*got x of shape \(24, 3\)"):
        model.fit(x, y, verbose=0)
    assert same(model.get_weights(), before)


# ------------------------------------------------------------------ saving
def test_the_new_layers_initializers_and_frozen_flags_save_and_load(tmp_path):
    x, y = digits()
    set_seed(4)
    model = Sequential([Input(shape=(8, 8)), Flatten(),
                        Dense(6, activation="relu", kernel_initializer=init.TruncatedNormal(stddev=0.1, seed=3),
                              bias_initializer="normal"),
                        Dropout(0.25, seed=2), Dense(2, kernel_initializer="uniform", trainable=False),
                        Activation("softmax")], name="digits")
    model.compile(optimizer=SGD(0.01, 0.9), loss="categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=2, batch_size=10, verbose=0)
    path = tmp_path / "digits.keras"
    model.save(path)
    again = load_model(path)
    assert again.get_config() == model.get_config()
    assert same(again.get_weights(), model.get_weights())
    np.testing.assert_array_equal(again.predict(x), model.predict(x))
    assert not again.layers[3].trainable and again.layers[3].get_config()["trainable"] is False
    assert [p.name for p in again.optimizer.params] == [p.name for p in model.optimizer.params]
    for key in again.optimizer.state:
        for slot, arr in again.optimizer.state[key].items():
            np.testing.assert_array_equal(arr, model.optimizer.state[key][slot])


def test_a_lazy_flatten_model_saves_its_learnt_shape(tmp_path):
    x, y = digits()
    model = Sequential([Flatten(), Dense(2, activation="softmax")])
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    model.fit(x, y, epochs=1, verbose=0)
    model.save(tmp_path / "lazy.keras")
    again = load_model(tmp_path / "lazy.keras")
    assert again.input_shape == (None, 8, 8)
    np.testing.assert_array_equal(again.predict(x), model.predict(x))


def test_a_custom_initializer_is_refused_on_saving(tmp_path):
    model = Sequential([Dense(2, input_dim=3, kernel_initializer=lambda shape, dtype: np.ones(shape, dtype))])
    with pytest.raises(ValueError, match="kernel_initializer.*not one of the library's named initializers"):
        model.save(tmp_path / "x.keras")
