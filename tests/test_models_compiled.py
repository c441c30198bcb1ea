"""Compiled model steps (autograd_mlp.models.compiled): fit, train_on_batch, evaluate and predict
give the eager results bit for bit, and fall back to the eager step where a replay would not.

Each comparison builds the same model twice from one seed, runs it once with
``run_eagerly=True`` and once compiled (the default), and asserts equal bits in
the History, the evaluation, the predictions, the weights and the optimizer state.
"""

from __future__ import annotations

import copy
import pickle
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_mlp as am
from autograd_mlp import Dense, Dropout, Sequential, losses
from autograd_mlp.jit import ReplayWarning
from autograd_mlp.models import arguments
from autograd_mlp.models.compiled import CompiledSteps, steps_for, uses_compiled_steps


def make_model(seed, widths=(8,), activation="tanh", out=1, out_activation="sigmoid", dropout=0.0,
               dtype=np.float64, inputs=3):
    am.set_seed(seed)
    layers = []
    for i, width in enumerate(widths):
        layers.append(Dense(width, input_dim=inputs if i == 0 else None, activation=activation, dtype=dtype))
        if dropout:
            layers.append(Dropout(dropout, seed=seed))
    layers.append(Dense(out, activation=out_activation, dtype=dtype))
    return Sequential(layers)


def twins(compile_args, **model_args):
    """The same model twice: one running eagerly, one compiled."""
    eager, compiled = make_model(**model_args), make_model(**model_args)
    eager.compile(**compile_args, run_eagerly=True)
    compiled.compile(**compile_args)
    assert not uses_compiled_steps(eager) and uses_compiled_steps(compiled)
    return eager, compiled


def same(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True)


def assert_same_models(a, b):
    for p, q in zip(a.get_weights(), b.get_weights()):
        assert same(p, q)
    assert a.optimizer.iterations == b.optimizer.iterations
    sa, sb = a.optimizer.get_state()["slots"], b.optimizer.get_state()["slots"]
    assert sa.keys() == sb.keys()
    for k in sa:
        assert same(sa[k], sb[k])


def programs(compiled_fn):
    """The kinds of recording a compiled step keeps ('_Program' replays, '_Dynamic' runs as written)."""
    return [type(p).__name__ for ps in compiled_fn._cache().values() for p in ps]


def data(n, inputs=3, out=1, seed=0, x_dtype=np.float64, kind="binary"):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, inputs)) * 2
    if kind == "binary":
        y = (x[:, :out] + 0.5 * x[:, -out:] > 0).astype(np.float64)
    elif kind == "onehot":
        y = np.eye(out)[rng.integers(0, out, n)]
    else:
        y = np.sin(x[:, :out])
    return x.astype(x_dtype), y


CASES = {
    "sgd bce": (dict(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"]), {}, {}),
    "momentum mse": (dict(optimizer=am.optim.SGD(lr=0.05, momentum=0.9), loss="mse", metrics=["mae"]),
                     dict(out_activation=None, out=2), dict(kind="regression", out=2)),
    "adam softmax": (dict(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"]),
                     dict(out=3, out_activation="softmax", widths=(6, 5), activation="relu"),
                     dict(kind="onehot", out=3)),
    "rmsprop dropout": (dict(optimizer="rmsprop", loss="binary_crossentropy"), dict(dropout=0.25), {}),
    "float32 model": (dict(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"]),
                      dict(dtype=np.float32), {}),
    "float32 inputs": (dict(optimizer="sgd", loss="mse"), {}, dict(x_dtype=np.float32)),
    "integer inputs": (dict(optimizer="sgd", loss="binary_crossentropy"), {}, dict(x_dtype=np.int64)),
}


def fit_all(model, x, y, **fit_args):
    am.set_seed(11)  # the same shuffles for both twins
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = model.fit(x, y, verbose=0, **fit_args).history
        result = history, model.evaluate(x, y, verbose=0), model.predict(x, verbose=0)
    assert not caught, [str(w.message) for w in caught]  # no ReplayWarning, nothing else either
    return result


def assert_same_runs(a, b):
    """Two ``fit_all`` results: equal History, evaluation and predictions."""
    (h_a, e_a, p_a), (h_b, e_b, p_b) = a, b
    assert h_a == h_b
    assert same(e_a, e_b) and same(p_a, p_b)


@pytest.mark.parametrize("case", list(CASES))
def test_fit_evaluate_predict_equal_the_eager_run_bit_for_bit(case):
    compile_args, model_args, data_args = CASES[case]
    eager, compiled = twins(copy.deepcopy(compile_args), seed=4, **model_args)
    x, y = data(103, **data_args)  # 103 rows: the last batch of 16 is smaller, and records again
    assert_same_runs(fit_all(eager, x, y, epochs=3, batch_size=16, validation_split=0.2),
                     fit_all(compiled, x, y, epochs=3, batch_size=16, validation_split=0.2))
    assert_same_models(eager, compiled)
    steps = compiled._compiled_steps
    # the steps were replayed, not run as written
    assert set(programs(steps._train[bool(compile_args.get("metrics"))])) == {"_Program"}
    assert set(programs(steps._predict)) == {"_Program"}
    assert eager._compiled_steps is None or not any(
        programs(f) for f in eager._compiled_steps._train.values())


@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    widths=st.lists(st.integers(1, 9), min_size=1, max_size=3),
    activation=st.sampled_from(["tanh", "relu", "sigmoid", "linear"]),
    optimizer=st.sampled_from(["sgd", "adam", "rmsprop"]),
    batch_size=st.integers(1, 40),
    dropout=st.sampled_from([0.0, 0.3]),
)
def test_random_networks_train_as_the_eager_run(seed, widths, activation, optimizer, batch_size, dropout):
    compile_args = dict(optimizer=optimizer, loss="binary_crossentropy", metrics=["accuracy"])
    eager, compiled = twins(compile_args, seed=seed, widths=tuple(widths), activation=activation, dropout=dropout)
    x, y = data(50, seed=seed)
    assert_same_runs(fit_all(eager, x, y, epochs=2, batch_size=batch_size),
                     fit_all(compiled, x, y, epochs=2, batch_size=batch_size))
    assert_same_models(eager, compiled)


# ------------------------------------------------------------ run as written
def test_row_weights_and_sparse_labels_run_as_the_eager_step():
    """sample_weight groups rows by weight (another program per batch); sparse labels are converted by the loss."""
    eager, compiled = twins(dict(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"]), seed=2)
    x, y = data(60)
    w = np.random.default_rng(3).choice([0.5, 1.0, 2.0], size=60)
    assert_same_runs(fit_all(eager, x, y, epochs=2, batch_size=8, sample_weight=w),
                     fit_all(compiled, x, y, epochs=2, batch_size=8, sample_weight=w))
    assert not compiled._compiled_steps._train  # never recorded: weighted batches run as written
    assert_same_models(eager, compiled)

    eager, compiled = twins(dict(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"]),
                            seed=5, out=3, out_activation="softmax")
    labels = np.random.default_rng(4).integers(0, 3, 60)
    assert_same_runs(fit_all(eager, x, labels, epochs=2, batch_size=8),
                     fit_all(compiled, x, labels, epochs=2, batch_size=8))
    assert_same_models(eager, compiled)
    assert set(programs(compiled._compiled_steps._train[True])) == {"_Dynamic"}


def test_a_custom_loss_branching_on_a_number_runs_as_written_without_warning():
    """A replay would freeze the branch: the compiled step notices and runs the step as written."""
    def clipped_mse(y_true, y_pred):
        loss = losses.mean_squared_error(y_true, y_pred)
        if float(y_pred.sum()) > 0:  # decided per batch in Python
            return loss * 0.5
        return loss * 2.0

    eager, compiled = twins(dict(optimizer="sgd", loss=clipped_mse), seed=6, out_activation=None)
    x, y = data(80, kind="regression")
    assert_same_runs(fit_all(eager, x, y, epochs=3, batch_size=10),
                     fit_all(compiled, x, y, epochs=3, batch_size=10))  # fit_all turns warnings into errors
    assert_same_models(eager, compiled)
    assert set(programs(compiled._compiled_steps._train[False])) == {"_Dynamic"}


def test_a_non_finite_loss_stops_fit_as_the_eager_step_does():
    eager, compiled = twins(dict(optimizer=am.optim.SGD(lr=1e200), loss="mse"), seed=7, out_activation=None)
    x, y = data(40, kind="regression")
    errors, weights = [], []
    for model in (eager, compiled):
        with pytest.raises(FloatingPointError, match=r"epoch \d+, batch \d+") as caught, np.errstate(over="ignore"):
            model.fit(x, y, epochs=50, batch_size=8, verbose=0, shuffle=False)
        errors.append(str(caught.value))
        weights.append(model.get_weights())
        assert all(np.all(np.isfinite(w)) for w in model.get_weights())  # the update was not applied
    assert errors[0] == errors[1]
    assert all(same(a, b) for a, b in zip(*weights))
    assert eager.optimizer.iterations == compiled.optimizer.iterations


def test_train_on_batch_and_test_on_batch_are_compiled_and_equal_the_eager_ones():
    eager, compiled = twins(dict(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"]), seed=8)
    rng = np.random.default_rng(9)
    for rows in (16, 16, 5, 16):
        x, y = data(rows, seed=int(rng.integers(1000)))
        assert eager.train_on_batch(x, y) == compiled.train_on_batch(x, y)
        assert eager.test_on_batch(x, y) == compiled.test_on_batch(x, y)
        assert same(eager.predict_on_batch(x), compiled.predict_on_batch(x))
    assert_same_models(eager, compiled)
    train = compiled._compiled_steps._train[True]
    assert train.recordings == 2 and set(programs(train)) == {"_Program"}  # 16 rows, then 5


def test_changes_between_fits_record_again():
    """A frozen layer, a new optimizer or a new compile() give a new program, as eagerly."""
    eager, compiled = twins(dict(optimizer="sgd", loss="binary_crossentropy"), seed=10, widths=(5, 4))
    x, y = data(48)
    for change in (lambda m: None,
                   lambda m: setattr(m.layers[0], "trainable", False),
                   lambda m: m.compile(optimizer="adam", loss="binary_crossentropy", run_eagerly=m.run_eagerly),
                   lambda m: setattr(m.layers[0], "trainable", True)):
        for model in (eager, compiled):
            change(model)
        assert_same_runs(fit_all(eager, x, y, epochs=2, batch_size=16),
                         fit_all(compiled, x, y, epochs=2, batch_size=16))
        assert_same_models(eager, compiled)


def test_streams_train_through_the_compiled_step():
    eager, compiled = twins(dict(optimizer="sgd", loss="binary_crossentropy"), seed=12)
    x, y = data(64)

    def batches():
        while True:
            for i in range(0, 64, 16):
                yield x[i:i + 16], y[i:i + 16]

    h_e = eager.fit(batches(), epochs=3, steps_per_epoch=4, verbose=0).history
    h_c = compiled.fit(batches(), epochs=3, steps_per_epoch=4, verbose=0).history
    assert h_e == h_c
    assert_same_models(eager, compiled)
    assert compiled._compiled_steps._train[False].recordings == 1


def test_a_copied_model_compiles_its_own_steps():
    _, model = twins(dict(optimizer="sgd", loss="binary_crossentropy"), seed=13)
    x, y = data(32)
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    twin = copy.deepcopy(model)
    assert twin._compiled_steps is None  # recordings hold the original's buffers
    before = [w.copy() for w in model.get_weights()]
    twin.fit(x, y, epochs=1, batch_size=8, verbose=0)
    assert twin._compiled_steps is not None and twin._compiled_steps.model is twin
    assert all(same(a, b) for a, b in zip(before, model.get_weights()))  # the original did not move


def test_a_pickled_model_leaves_its_recordings_behind_and_trains_on():
    _, model = twins(dict(optimizer="adam", loss="binary_crossentropy"), seed=14)
    x, y = data(32)
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    twin = pickle.loads(pickle.dumps(model))
    assert twin._compiled_steps is None
    assert_same_runs(fit_all(model, x, y, epochs=2, batch_size=8), fit_all(twin, x, y, epochs=2, batch_size=8))
    assert_same_models(model, twin)


# ------------------------------------------------------------ the switches
def test_run_eagerly_and_jit_compile_follow_keras():
    model = make_model(0)
    model.compile(optimizer="sgd", loss="mse")
    assert (model.run_eagerly, model.jit_compile) == (False, True) and uses_compiled_steps(model)
    model.compile(optimizer="sgd", loss="mse", jit_compile=False)
    assert (model.run_eagerly, model.jit_compile) == (False, False) and not uses_compiled_steps(model)
    model.compile(optimizer="sgd", loss="mse", run_eagerly=True)
    assert (model.run_eagerly, model.jit_compile) == (True, False)
    with pytest.warns(UserWarning, match="run_eagerly.*jit_compile"):
        model.compile(optimizer="sgd", loss="mse", run_eagerly=True, jit_compile=True)
    assert (model.run_eagerly, model.jit_compile) == (True, False)
    model.run_eagerly = False  # an attribute, as in Keras
    model.jit_compile = True
    assert uses_compiled_steps(model)
    x, y = data(20, kind="regression")
    model.fit(x, y, epochs=1, verbose=0)
    assert model._compiled_steps._train[False].recordings == 1
    model.run_eagerly = True
    model.fit(x, y, epochs=1, verbose=0)
    assert model._compiled_steps._train[False].recordings == 1  # untouched


@pytest.mark.parametrize("args, error", [
    (dict(run_eagerly=1), "run_eagerly must be True or False, got int 1"),
    (dict(run_eagerly=None), "run_eagerly must be True or False, got NoneType"),
    (dict(jit_compile="yes"), "jit_compile must be True, False or 'auto', got str 'yes'"),
    (dict(jit_compile=0), "jit_compile must be True, False or 'auto', got int 0"),
])
def test_bad_switches_are_refused_before_compile_changes_anything(args, error):
    model = make_model(0)
    model.compile(optimizer="sgd", loss="mse")
    optimizer, steps = model.optimizer, model._compiled_steps
    with pytest.raises(TypeError, match=error):
        model.compile(optimizer="adam", loss="mae", **args)
    assert model.optimizer is optimizer and model._compiled_steps is steps
    with pytest.raises(TypeError):
        arguments.check_run_modes(**{"run_eagerly": False, "jit_compile": "auto", **args})


def test_compiled_steps_are_not_used_for_weighted_batches_or_frozen_models():
    model = make_model(0)
    model.compile(optimizer="sgd", loss="mse")
    assert isinstance(steps_for(model), CompiledSteps)
    assert steps_for(model, weights=np.ones(3)) is None
    for layer in model.layers:
        layer.trainable = False
    assert steps_for(model, training=True) is None and steps_for(model) is not None


def test_python_side_effects_of_a_loss_run_once_per_recording():
    """As under Keras' jit_compile: the loss function runs when a step is recorded, not at each replay."""
    calls = []

    def counted_mse(y_true, y_pred):
        calls.append(y_pred.shape)
        return losses.mean_squared_error(y_true, y_pred)

    x, y = data(50, kind="regression")
    for run_eagerly, expected in ((True, 2 * 5), (False, 2)):  # 5 batches (4 of 12, one of 2) per epoch
        calls.clear()
        model = make_model(0, out_activation=None)
        model.compile(optimizer="sgd", loss=counted_mse, run_eagerly=run_eagerly)
        model.fit(x, y, epochs=2, batch_size=12, verbose=0)
        assert len(calls) == expected
