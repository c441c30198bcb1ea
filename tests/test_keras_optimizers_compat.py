"""The Keras-form optimizers against real Keras 3 (JAX backend, float64): the same weights to 1e-9.

Both sides start from the same weights and at every step take the gradient
of the same function at their own current point, so any difference in an
update rule would grow along the path.  Every optimizer is run with its
defaults and with each of its options, with ``weight_decay``, ``clipnorm``,
``clipvalue`` and ``global_clipnorm``, with a learning-rate schedule, and
with the learning rate changed mid-way (where Keras's momentum, which carries
the learning rate, parts from PyTorch's).  A small Dense model compiled with
each optimizer's name then trains on both.

Keras runs in a subprocess (Keras's float64 setting, JAX's x64 flag and the
type-promotion table patched there are process-wide), once for all cases.  Skipped when keras or jax is not
installed (``pip install autograd-mlp[compat]``).
"""

import importlib.util
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from autograd_mlp import Value, optim

if importlib.util.find_spec("keras") is None or importlib.util.find_spec("jax") is None:
    pytest.skip("needs keras and jax (the compat extra)", allow_module_level=True)

STEPS = 30
CHANGE_AT = 12
TOLERANCE = 1e-9

# (case id, optimizer class, keyword arguments, new learning rate at step CHANGE_AT or None)
CASES = [
    ("sgd-defaults", "SGD", {}, None),
    ("sgd", "SGD", {"learning_rate": 0.02}, None),
    ("sgd-momentum", "SGD", {"learning_rate": 0.02, "momentum": 0.9}, None),
    ("sgd-nesterov", "SGD", {"learning_rate": 0.02, "momentum": 0.8, "nesterov": True}, None),
    ("sgd-momentum-lr-change", "SGD", {"learning_rate": 0.02, "momentum": 0.9}, 0.005),
    ("sgd-nesterov-lr-change", "SGD", {"learning_rate": 0.02, "momentum": 0.9, "nesterov": True}, 0.05),
    ("sgd-weight-decay", "SGD", {"learning_rate": 0.02, "momentum": 0.5, "weight_decay": 0.3}, None),
    ("sgd-clipnorm", "SGD", {"learning_rate": 0.02, "momentum": 0.9, "clipnorm": 0.5}, None),
    ("sgd-clipvalue", "SGD", {"learning_rate": 0.02, "clipvalue": 0.3}, None),
    ("sgd-global-clipnorm", "SGD", {"learning_rate": 0.02, "global_clipnorm": 0.7}, None),
    ("sgd-schedule", "SGD", {"learning_rate": ["ExponentialDecay", 0.03, 5, 0.7], "momentum": 0.9}, None),
    ("adam-defaults", "Adam", {}, None),
    ("adam", "Adam", {"learning_rate": 0.02, "beta_1": 0.8, "beta_2": 0.95}, None),
    ("adam-epsilon", "Adam", {"learning_rate": 0.02, "epsilon": 0.1}, None),
    ("adam-weight-decay", "Adam", {"learning_rate": 0.02, "weight_decay": 0.2}, None),
    ("adam-clipnorm", "Adam", {"learning_rate": 0.02, "clipnorm": 0.4}, None),
    ("adam-lr-change", "Adam", {"learning_rate": 0.02}, 0.002),
    ("adam-amsgrad", "Adam", {"learning_rate": 0.02, "beta_2": 0.9, "amsgrad": True}, None),
    ("adam-schedule", "Adam", {"learning_rate": ["ExponentialDecay", 0.05, 4, 0.5, True]}, None),
    ("rmsprop-defaults", "RMSprop", {}, None),
    ("rmsprop", "RMSprop", {"learning_rate": 0.01, "rho": 0.8}, None),
    ("rmsprop-epsilon", "RMSprop", {"learning_rate": 0.01, "epsilon": 0.5}, None),
    ("rmsprop-momentum", "RMSprop", {"learning_rate": 0.005, "momentum": 0.7}, None),
    ("rmsprop-centered", "RMSprop", {"learning_rate": 0.005, "centered": True}, None),
    ("rmsprop-centered-momentum-lr-change", "RMSprop",
     {"learning_rate": 0.005, "momentum": 0.6, "centered": True}, 0.001),
    ("rmsprop-weight-decay-clipvalue", "RMSprop", {"learning_rate": 0.01, "weight_decay": 0.1, "clipvalue": 0.5},
     None),
    ("adagrad-defaults", "Adagrad", {}, None),
    ("adagrad", "Adagrad", {"learning_rate": 0.1, "initial_accumulator_value": 0.0, "epsilon": 0.01}, None),
    ("adagrad-global-clipnorm", "Adagrad", {"learning_rate": 0.1, "global_clipnorm": 1.0}, None),
    ("adamw-defaults", "AdamW", {}, None),
    ("adamw", "AdamW", {"learning_rate": 0.02, "weight_decay": 0.3, "beta_1": 0.7}, None),
    ("adamw-lr-change", "AdamW", {"learning_rate": 0.02, "weight_decay": 0.1}, 0.005),
    ("adamw-amsgrad", "AdamW", {"learning_rate": 0.02, "beta_2": 0.9, "amsgrad": True}, None),
    ("nadam-defaults", "Nadam", {}, None),
    ("nadam", "Nadam", {"learning_rate": 0.02, "beta_1": 0.85, "beta_2": 0.99, "epsilon": 1e-3}, None),
    ("nadam-weight-decay-clipnorm", "Nadam", {"learning_rate": 0.02, "weight_decay": 0.1, "clipnorm": 0.5}, None),
]

#: Optimizer names given to compile for the Dense-model comparison.
NAMES = ["sgd", "adam", "rmsprop", "adagrad", "adamw", "nadam"]


def problem():
    """Two parameters (a 3x2 matrix and a vector), inputs and targets."""
    rng = np.random.default_rng(2024)
    return {"w": rng.normal(size=(3, 2)), "c": rng.normal(size=2),
            "x": rng.normal(size=(5, 3)), "y": rng.normal(size=(5, 2))}


GRADIENT_SOURCE = '''
def gradients(w, c, x, y):
    """∇ of ½‖x w + c − y‖² + ¼ Σ w⁴ + ¼ Σ c⁴: curved enough that momentum and adaptivity matter."""
    r = x @ w + c - y
    return x.T @ r + w**3, r.sum(axis=0) + c**3
'''
exec(GRADIENT_SOURCE)  # the same function on both sides

KERAS_SCRIPT = GRADIENT_SOURCE + '''
import json, os, sys
os.environ["KERAS_BACKEND"] = "jax"
import jax
jax.config.update("jax_enable_x64", True)
import numpy as np
import keras
keras.config.set_floatx("float64")
# Keras's type promotion maps float64 to float32 on every backend but
# TensorFlow (to match JAX's default), so ops.mean of a float64 array, and with
# it every loss, would be computed in float32.  Keep 64-bit types 64-bit:
from keras.src.backend.common import dtypes as _dtypes
_dtypes.BIT64_TO_BIT32_DTYPE.update(float64="float64", int64="int64")
assert _dtypes.result_type("float64", "float32") == "float64"

spec = json.load(open(sys.argv[1]))
x, y = np.array(spec["x"]), np.array(spec["y"])
out = {}


def rate(value):
    if isinstance(value, list):
        return getattr(keras.optimizers.schedules, value[0])(*value[1:])
    return value


for case_id, cls, kwargs, new_lr in spec["cases"]:
    kwargs = dict(kwargs)
    if "learning_rate" in kwargs:
        kwargs["learning_rate"] = rate(kwargs["learning_rate"])
    w = keras.Variable(np.array(spec["w"]), dtype="float64")
    c = keras.Variable(np.array(spec["c"]), dtype="float64")
    opt = getattr(keras.optimizers, cls)(**kwargs)
    path = []
    for step in range(spec["steps"]):
        if new_lr is not None and step == spec["change_at"]:
            opt.learning_rate = new_lr
        gw, gc = gradients(np.asarray(w.value), np.asarray(c.value), x, y)
        opt.apply_gradients([(gw, w), (gc, c)])
        path.append(np.concatenate([np.asarray(w.value).ravel(), np.asarray(c.value).ravel()]))
    assert np.asarray(w.value).dtype == np.float64
    out[case_id] = np.array(path)

# A Dense model compiled with each optimizer's name, fit with shuffle=False.
for name in spec["names"]:
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="sigmoid"), keras.layers.Dense(2)])
    model.set_weights([np.array(a) for a in spec["model_weights"]])
    model.compile(optimizer=name, loss="mse")
    history = model.fit(x, y, batch_size=2, epochs=8, shuffle=False, verbose=0)
    out["model-" + name] = np.concatenate([np.ravel(a) for a in model.get_weights()])
    out["loss-" + name] = np.array(history.history["loss"])
np.savez(sys.argv[2], **out)
'''


def model_weights():
    rng = np.random.default_rng(7)
    return [rng.normal(size=(3, 4)) * 0.5, rng.normal(size=4) * 0.1, rng.normal(size=(4, 2)) * 0.5,
            rng.normal(size=2) * 0.1]


@pytest.fixture(scope="module")
def keras_results(tmp_path_factory):
    folder = tmp_path_factory.mktemp("keras")
    spec = {key: value.tolist() for key, value in problem().items()}
    spec.update(cases=CASES, steps=STEPS, change_at=CHANGE_AT, names=NAMES,
                model_weights=[a.tolist() for a in model_weights()])
    (folder / "spec.json").write_text(json.dumps(spec))
    env = dict(os.environ, KERAS_BACKEND="jax")
    done = subprocess.run([sys.executable, "-c", KERAS_SCRIPT, str(folder / "spec.json"), str(folder / "out.npz")],
                          capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    with np.load(folder / "out.npz") as data:
        return {key: data[key] for key in data.files}


def library_rate(value):
    if isinstance(value, list):
        return getattr(optim, value[0])(*value[1:])
    return value


def library_path(cls, kwargs, new_lr):
    data = problem()
    kwargs = dict(kwargs)
    if "learning_rate" in kwargs:
        kwargs["learning_rate"] = library_rate(kwargs["learning_rate"])
    w, c = Value(data["w"].copy()), Value(data["c"].copy())
    opt = getattr(optim, cls)(**kwargs)  # the Keras form: no parameters, bound afterwards as compile does
    assert opt.rule == "keras"
    opt.bind([w, c])
    path = []
    for step in range(STEPS):
        if new_lr is not None and step == CHANGE_AT:
            opt.learning_rate = new_lr
        w.grad, c.grad = gradients(w.data, c.data, data["x"], data["y"])  # noqa: F821 (defined by exec)
        opt.step()
        path.append(np.concatenate([w.data.ravel(), c.data.ravel()]))
    return np.array(path)


@pytest.mark.parametrize("case_id, cls, kwargs, new_lr", CASES, ids=[case[0] for case in CASES])
def test_the_same_weights_as_keras_at_every_step(keras_results, case_id, cls, kwargs, new_lr):
    ours, theirs = library_path(cls, kwargs, new_lr), keras_results[case_id]
    assert ours.shape == theirs.shape
    moved = np.abs(theirs[-1] - theirs[0]).max()
    assert moved > 1e-4, "the case should move the weights noticeably"
    difference = np.abs(ours - theirs).max()
    assert difference <= TOLERANCE, f"{case_id}: largest difference {difference:.3g}"


def test_a_learning_rate_change_parts_the_two_momentum_rules(keras_results):
    """PyTorch's rule (its velocity excludes λ) does not give Keras's weights once λ changes."""
    _, cls, kwargs, new_lr = next(case for case in CASES if case[0] == "sgd-momentum-lr-change")
    data = problem()
    w, c = Value(data["w"].copy()), Value(data["c"].copy())
    opt = optim.SGD([w, c], **kwargs)
    assert opt.rule == "torch"
    for step in range(STEPS):
        if step == CHANGE_AT:
            opt.learning_rate = new_lr
        w.grad, c.grad = gradients(w.data, c.data, data["x"], data["y"])  # noqa: F821
        opt.step()
    theirs = keras_results["sgd-momentum-lr-change"][-1]
    assert np.abs(np.concatenate([w.data.ravel(), c.data.ravel()]) - theirs).max() > 1e-4


@pytest.mark.parametrize("name", NAMES)
def test_a_model_compiled_with_an_optimizer_name_trains_as_in_keras(keras_results, name):
    from autograd_mlp import Dense, Sequential

    data = problem()
    # sigmoid, not tanh: inside a compiled Keras model on JAX, tanh in float64
    # differs from numpy's by up to 3e-8 (XLA's own approximation), which the
    # comparison would measure instead of the optimizers.
    model = Sequential([Dense(4, input_dim=3, activation="sigmoid"), Dense(2)])
    model.set_weights(model_weights())
    model.compile(optimizer=name, loss="mse")
    assert model.optimizer.rule == "keras"
    history = model.fit(data["x"], data["y"], batch_size=2, epochs=8, shuffle=False, verbose=0)
    weights = np.concatenate([np.ravel(a) for a in model.get_weights()])
    assert np.abs(weights - keras_results["model-" + name]).max() <= TOLERANCE
    assert np.abs(np.array(history.history["loss"]) - keras_results["loss-" + name]).max() <= TOLERANCE
