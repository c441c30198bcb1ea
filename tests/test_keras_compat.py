"""Against real Keras 3 (JAX backend, float64): the same programs from the same initial weights give
the same History, weights and predictions to 1e-9.  Skipped without keras and jax.

What is compared stays where Keras on JAX computes in float64: in this Keras release ``tanh``
returns float32 and the mean squared error is off by about 5e-9, so the programs use relu, softmax
and cross-entropy (Keras on JAX also adds 1e-7 inside the logs of its binary cross-entropy, where
this library reads the logits); and l1 penalties act on kernels only, since at a bias of exactly 0
JAX differentiates |b| as 1 and this library as 0.

Keras runs in a subprocess (its backend and float settings are global), writes its initial weights and
results to a file, and the library then runs the same program from those weights with ``shuffle=False``.
"""

import importlib.util
import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from autograd_mlp.keras import Input, layers, models, optimizers

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("keras") is None or importlib.util.find_spec("jax") is None,
    reason="needs keras and jax (pip install keras jax jaxlib)",
)

PRELUDE = """
import os, json, sys
os.environ["KERAS_BACKEND"] = "jax"
import jax
jax.config.update("jax_enable_x64", True)   # without it JAX computes float64 arrays in float32
import numpy as np
import keras
keras.config.set_floatx("float64")
out = {}
def dump(path):
    np.savez(path, **{k: np.asarray(v) for k, v in out.items() if not isinstance(v, dict)})
    with open(path + ".json", "w") as f:
        json.dump({k: v for k, v in out.items() if isinstance(v, dict)}, f)
"""


def run_keras(tmp_path, body, data):
    np.savez(tmp_path / "data.npz", **data)
    script = PRELUDE + textwrap.dedent(f"""
        data = np.load({str(tmp_path / 'data.npz')!r})
    """) + textwrap.dedent(body) + f"\ndump({str(tmp_path / 'keras.npz')!r})\n"
    env = dict(os.environ, KERAS_BACKEND="jax")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=600)
    if result.returncode != 0:
        pytest.fail(f"the Keras side failed:\n{result.stderr[-3000:]}")
    arrays = dict(np.load(tmp_path / "keras.npz"))
    with open(str(tmp_path / "keras.npz") + ".json") as f:
        arrays.update(json.load(f))
    return arrays


def weights_of(arrays, n):
    return [arrays[f"w{i}"] for i in range(n)]


def assert_history(ours, theirs):
    assert sorted(ours) == sorted(theirs)
    for key in ours:
        np.testing.assert_allclose(ours[key], theirs[key], rtol=1e-9, atol=1e-12, err_msg=key)


def test_flatten_on_image_input_with_class_weight(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(30, 4, 4))
    y = np.eye(3)[rng.integers(0, 3, 30)]
    theirs = run_keras(tmp_path, """
        keras.utils.set_random_seed(1)
        m = keras.Sequential([keras.Input(shape=(4, 4)), keras.layers.Flatten(),
                              keras.layers.Dense(5, activation="relu"), keras.layers.Dense(3),
                              keras.layers.Activation("softmax")])
        m.compile(optimizer=keras.optimizers.SGD(0.1), loss="categorical_crossentropy", metrics=["accuracy"])
        for i, w in enumerate(m.get_weights()):
            out[f"w{i}"] = w
        h = m.fit(data["x"], data["y"], epochs=3, batch_size=8, shuffle=False, verbose=0,
                  class_weight={0: 1.0, 1: 2.0, 2: 0.5})
        out["history"] = {k: [float(v) for v in vs] for k, vs in h.history.items()}
        for i, w in enumerate(m.get_weights()):
            out[f"final{i}"] = w
        out["pred"] = m.predict(data["x"], verbose=0)
        out["eval"] = m.evaluate(data["x"], data["y"], verbose=0)
    """, {"x": x, "y": y})
    m = models.Sequential([Input(shape=(4, 4)), layers.Flatten(), layers.Dense(5, activation="relu"),
                           layers.Dense(3), layers.Activation("softmax")])
    m.compile(optimizer=optimizers.SGD(0.1), loss="categorical_crossentropy", metrics=["accuracy"])
    m.set_weights(weights_of(theirs, 4))
    h = m.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0, class_weight={0: 1.0, 1: 2.0, 2: 0.5})
    assert_history(h.history, theirs["history"])
    for ours, final in zip(m.get_weights(), weights_of({k.replace("final", "w"): v for k, v in theirs.items()}, 4)):
        np.testing.assert_allclose(ours, final, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(m.predict(x), theirs["pred"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(m.evaluate(x, y), theirs["eval"], rtol=1e-9)


def test_train_on_batch_loop_with_sample_weight_reading_model_weights(tmp_path):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(24, 3))
    y = np.eye(2)[(x[:, 0] - x[:, 1] > 0).astype(int)]
    w = rng.uniform(0.2, 2.0, size=24)
    theirs = run_keras(tmp_path, """
        keras.utils.set_random_seed(2)
        m = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(4, activation="relu"),
                              keras.layers.Dense(2, activation="softmax")])
        m.compile(optimizer=keras.optimizers.SGD(0.05, momentum=0.9), loss="categorical_crossentropy")
        for i, v in enumerate(m.get_weights()):
            out[f"w{i}"] = v
        losses, kernels = [], []
        for step in range(3):
            rows = slice(step * 8, (step + 1) * 8)
            losses.append(float(m.train_on_batch(data["x"][rows], data["y"][rows], sample_weight=data["w"][rows])))
            kernels.append(np.asarray(m.weights[0]))
        out["losses"] = np.array(losses)
        out["kernels"] = np.array(kernels)
        out["test"] = m.test_on_batch(data["x"], data["y"], sample_weight=data["w"])
        out["pred"] = m.predict_on_batch(data["x"])
    """, {"x": x, "y": y, "w": w})
    m = models.Sequential([Input(shape=(3,)), layers.Dense(4, activation="relu"), layers.Dense(2, activation="softmax")])
    m.compile(optimizer=optimizers.SGD(0.05, momentum=0.9), loss="categorical_crossentropy")
    m.set_weights(weights_of(theirs, 4))
    losses, kernels = [], []
    for step in range(3):
        rows = slice(step * 8, (step + 1) * 8)
        losses.append(m.train_on_batch(x[rows], y[rows], sample_weight=w[rows]))
        kernels.append(np.asarray(m.weights[0]).copy())
    np.testing.assert_allclose(losses, theirs["losses"], rtol=1e-9)
    np.testing.assert_allclose(kernels, theirs["kernels"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(m.test_on_batch(x, y, sample_weight=w), theirs["test"], rtol=1e-9)
    np.testing.assert_allclose(m.predict_on_batch(x), theirs["pred"], rtol=1e-9, atol=1e-12)


def test_l2_regularization(tmp_path):
    try:
        from autograd_mlp.keras import regularizers
    except ImportError:
        pytest.skip("autograd_mlp.regularizers is not in this checkout yet")
    rng = np.random.default_rng(2)
    x = rng.normal(size=(20, 3))
    y = np.eye(3)[np.argmax(x, axis=1)]
    theirs = run_keras(tmp_path, """
        keras.utils.set_random_seed(3)
        m = keras.Sequential([keras.Input(shape=(3,)),
                              keras.layers.Dense(4, activation="relu", kernel_regularizer=keras.regularizers.l2(0.01),
                                                 kernel_initializer="normal"),
                              keras.layers.Dense(3, activation="softmax", kernel_regularizer=keras.regularizers.l1(0.01))])
        m.compile(optimizer=keras.optimizers.SGD(0.05), loss="categorical_crossentropy", metrics=["accuracy"])
        for i, v in enumerate(m.get_weights()):
            out[f"w{i}"] = v
        h = m.fit(data["x"], data["y"], epochs=3, batch_size=5, shuffle=False, verbose=0, validation_split=0.25)
        out["history"] = {k: [float(v) for v in vs] for k, vs in h.history.items()}
        out["pred"] = m.predict(data["x"], verbose=0)
    """, {"x": x, "y": y})
    m = models.Sequential([Input(shape=(3,)),
                           layers.Dense(4, activation="relu", kernel_regularizer=regularizers.l2(0.01),
                                        kernel_initializer="normal"),
                           layers.Dense(3, activation="softmax", kernel_regularizer=regularizers.l1(0.01))])
    m.compile(optimizer=optimizers.SGD(0.05), loss="categorical_crossentropy", metrics=["accuracy"])
    m.set_weights(weights_of(theirs, 4))
    h = m.fit(x, y, epochs=3, batch_size=5, shuffle=False, verbose=0, validation_split=0.25)
    assert_history(h.history, theirs["history"])
    np.testing.assert_allclose(m.predict(x), theirs["pred"], rtol=1e-9, atol=1e-12)
