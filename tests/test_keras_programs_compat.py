"""Keras programs of ten kinds, each written once and run on real Keras 3 and on ``autograd_mlp.keras``
with only its import line changed: History, final weights and predictions agree to 1e-9.

Each program's ``build()`` makes the model and ``train(model, x, y)`` trains it (``shuffle=False``).
Keras (JAX backend, float64) runs every program in one subprocess and saves its initial weights;
the library's run starts from those weights, so an initializer only needs to be accepted here.
Outputs stay away from saturation: Keras on JAX clips probabilities to [1e-7, 1 - 1e-7] before a
cross-entropy, where this library (like Keras on TensorFlow) reads the logits.
Skipped without keras and jax (``pip install autograd-mlp[compat]``).
"""

import importlib.util
import json
import os
import subprocess
import sys

import numpy as np
import pytest

if importlib.util.find_spec("keras") is None or importlib.util.find_spec("jax") is None:
    pytest.skip("needs keras and jax (the compat extra)", allow_module_level=True)

TOLERANCE = 1e-9
IMPORTS = "from {package} import Input, callbacks, layers, models, optimizers, regularizers\n"

PROGRAMS = {
    "course": '''
def build():
    model = models.Sequential()
    model.add(layers.Dense(6, input_shape=(4,), activation="relu"))
    model.add(layers.Dense(1, activation="sigmoid"))
    model.compile(optimizer=optimizers.SGD(0.1, 0.9), loss="binary_crossentropy", metrics=["binary_accuracy"])
    return model
def train(model, x, y):
    return model.fit(x, y, epochs=6, batch_size=10, shuffle=False, verbose=0).history
''',
    "adam": '''
def build():
    model = models.Sequential([layers.Dense(5, input_shape=(4,), activation="relu"),
                               layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model
def train(model, x, y):
    return model.fit(x, y, epochs=6, batch_size=8, shuffle=False, verbose=0).history
''',
    "softmax-nesterov": '''
def build():
    model = models.Sequential([Input(shape=(4,)), layers.Dense(6), layers.Activation("relu"),
                               layers.Dense(3), layers.Activation("softmax")])
    model.compile(optimizer=optimizers.SGD(learning_rate=0.05, momentum=0.8, nesterov=True),
                  loss="categorical_crossentropy", metrics=["accuracy"])
    return model
def train(model, x, y):
    return model.fit(x, y3, epochs=6, batch_size=10, shuffle=False, verbose=0).history
''',
    "regression-normal": '''
def build():
    model = models.Sequential([layers.Dense(6, input_shape=(4,), kernel_initializer="normal", activation="relu"),
                               layers.Dense(1, kernel_initializer="normal")])
    model.compile(optimizer=optimizers.SGD(learning_rate=0.01), loss="mean_absolute_error")
    return model
def train(model, x, y):
    return model.fit(x, t, epochs=6, batch_size=10, shuffle=False, verbose=0).history
''',
    "input-rmsprop-validation": '''
def build():
    model = models.Sequential([Input(shape=(4,)), layers.Dense(5, activation="relu"),
                               layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
    return model
def train(model, x, y):
    return model.fit(x[:30], y[:30], validation_data=(x[30:], y[30:]), epochs=5, batch_size=10,
                     shuffle=False, verbose=0).history
''',
    "flatten": '''
def build():
    model = models.Sequential([Input(shape=(2, 2)), layers.Flatten(), layers.Dense(4, activation="relu"),
                               layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=optimizers.SGD(0.1), loss="binary_crossentropy", metrics=["accuracy"])
    return model
def train(model, x, y):
    return model.fit(x.reshape(-1, 2, 2), y, epochs=5, batch_size=10, shuffle=False, verbose=0).history
def inputs(x):
    return x.reshape(-1, 2, 2)
''',
    "l2": '''
def build():
    model = models.Sequential([layers.Dense(5, input_shape=(4,), activation="relu",
                                            kernel_regularizer=regularizers.l2(0.01)),
                               layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=optimizers.SGD(0.1), loss="binary_crossentropy", metrics=["accuracy"])
    return model
def train(model, x, y):
    return model.fit(x, y, epochs=5, batch_size=10, shuffle=False, verbose=0).history
''',
    "class-weight": '''
def build():
    model = models.Sequential([layers.Dense(5, input_shape=(4,), activation="relu"),
                               layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=optimizers.SGD(0.1), loss="binary_crossentropy")
    return model
def train(model, x, y):
    return model.fit(x, y, class_weight={0: 1.0, 1: 2.5}, epochs=5, batch_size=10, shuffle=False,
                     verbose=0).history
''',
    "train-on-batch": '''
def build():
    model = models.Sequential([layers.Dense(5, input_shape=(4,), activation="relu"),
                               layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=optimizers.SGD(0.1, 0.5), loss="binary_crossentropy")
    return model
def train(model, x, y):
    losses, norms = [], []
    for step in range(8):
        start = 10 * (step % 4)
        losses.append(float(np.asarray(model.train_on_batch(x[start:start + 10], y[start:start + 10])).ravel()[0]))
        norms.append(sum(float(np.sum(np.asarray(w) ** 2)) for w in model.weights))
    return {"loss": losses, "norm": norms}
''',
    "early-stopping-reduce-lr": '''
def build():
    model = models.Sequential([layers.Dense(5, input_shape=(4,), activation="relu"),
                               layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=optimizers.SGD(0.05, 0.9), loss="binary_crossentropy")
    return model
def train(model, x, y):
    stop = callbacks.EarlyStopping(monitor="val_loss", patience=3, min_delta=1e-3)
    slow = callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=1, min_delta=1e-3)
    history = model.fit(x[:30], y[:30], validation_data=(x[30:], y[30:]), epochs=25, batch_size=10,
                        shuffle=False, verbose=0, callbacks=[stop, slow])
    return {key: value for key, value in history.history.items() if key != "learning_rate" and key != "lr"}
''',
}

DRIVER = '''
def run(name, source, data, initial):
    scope = {"np": np}
    exec(source, scope)
    exec(PROGRAMS[name], scope)
    x, y = data["x"], data["y"]
    scope.update(y3=data["y3"], t=data["t"])
    model = scope["build"]()
    if initial is None:
        initial = [np.asarray(w) for w in model.get_weights()]
    else:
        model.set_weights([np.asarray(w) for w in initial])
    history = scope["train"](model, x, y)
    feed = scope["inputs"](x) if "inputs" in scope else x
    return {"initial": [np.asarray(w, dtype=float) for w in initial],
            "history": {k: [float(v) for v in vs] for k, vs in history.items()},
            "weights": [np.asarray(w, dtype=float) for w in model.get_weights()],
            "predictions": np.asarray(model.predict(feed, verbose=0), dtype=float)}
'''

KERAS_SCRIPT = '''
import json, os, sys
os.environ["KERAS_BACKEND"] = "jax"
import jax
jax.config.update("jax_enable_x64", True)
import numpy as np
import keras
keras.config.set_floatx("float64")
from keras.src.backend.common import dtypes as _dtypes
_dtypes.BIT64_TO_BIT32_DTYPE.update(float64="float64", int64="int64")
spec = json.load(open(sys.argv[1]))
PROGRAMS = spec["programs"]
data = {k: np.array(v) for k, v in spec["data"].items()}
''' + DRIVER + '''
out = {}
for name in PROGRAMS:
    keras.utils.set_random_seed(1)
    result = run(name, spec["imports"], data, None)
    out[name] = {"initial": [w.tolist() for w in result["initial"]], "history": result["history"],
                 "weights": [w.tolist() for w in result["weights"]],
                 "predictions": result["predictions"].tolist()}
json.dump(out, open(sys.argv[2], "w"))
'''
exec(DRIVER)  # the same driver on the library's side


def problem():
    rng = np.random.default_rng(11)
    x = rng.normal(size=(40, 4))
    y = (x[:, :1] + 0.5 * x[:, 1:2] + rng.normal(size=(40, 1)) > 0).astype(float)  # noisy: no saturation
    labels = (x[:, 0] > 0).astype(int) + (x[:, 1] > 0.5)
    return {"x": x, "y": y, "y3": np.eye(3)[labels], "t": x @ np.array([[0.5], [-1.0], [0.3], [0.2]]) + 0.1}


@pytest.fixture(scope="module")
def keras_results(tmp_path_factory):
    folder = tmp_path_factory.mktemp("keras_programs")
    spec = {"programs": PROGRAMS, "imports": IMPORTS.format(package="keras"),
            "data": {k: v.tolist() for k, v in problem().items()}}
    (folder / "spec.json").write_text(json.dumps(spec))
    env = dict(os.environ, KERAS_BACKEND="jax")
    done = subprocess.run([sys.executable, "-c", KERAS_SCRIPT, str(folder / "spec.json"), str(folder / "out.json")],
                          capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads((folder / "out.json").read_text())


def largest_difference(ours, theirs):
    gaps = [0.0]
    assert sorted(ours["history"]) == sorted(theirs["history"])
    for key, values in theirs["history"].items():
        assert len(ours["history"][key]) == len(values), key
        gaps.append(float(np.max(np.abs(np.array(ours["history"][key]) - np.array(values)), initial=0.0)))
    for a, b in zip(ours["weights"], theirs["weights"], strict=True):
        gaps.append(float(np.max(np.abs(np.asarray(a) - np.asarray(b)))))
    gaps.append(float(np.max(np.abs(ours["predictions"] - np.array(theirs["predictions"])))))
    return max(gaps)


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_the_program_gives_keras_numbers_with_only_its_imports_changed(keras_results, name):
    theirs = keras_results[name]
    ours = run(name, IMPORTS.format(package="autograd_mlp.keras"), problem(),  # noqa: F821 (defined by exec)
               [np.array(w) for w in theirs["initial"]])
    assert largest_difference(ours, theirs) < TOLERANCE


def test_the_early_stopping_program_stops_early(keras_results):
    """The callbacks act in the comparison: training stops before its 25 epochs."""
    assert len(keras_results["early-stopping-reduce-lr"]["history"]["loss"]) < 25
