"""The loss classes against real Keras 3 (JAX backend, float64): values and gradients to 1e-9.

Every class is called with each reduction, with and without ``sample_weight``,
on probabilities and on logits (``from_logits=True``), with label smoothing;
the gradient with respect to the predictions is compared with ``jax.grad`` of
Keras's loss.  Probabilities stay inside [0.05, 0.95]: Keras on JAX clips
them to [1e-7, 1 - 1e-7], as the library does, but saturated outputs are a
question of the logits path, tested in test_losses.py.

Keras runs in a subprocess (its float64 setting, JAX's x64 flag and the
patched type-promotion table are process-wide).  Skipped without keras and
jax (``pip install autograd-mlp[compat]``).
"""

import importlib.util
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from autograd_mlp import Value, losses

if importlib.util.find_spec("keras") is None or importlib.util.find_spec("jax") is None:
    pytest.skip("needs keras and jax (the compat extra)", allow_module_level=True)

TOLERANCE = 1e-9
REDUCTIONS = ["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none"]

# (case id, class, keyword arguments, which targets, which predictions)
CASES = [
    ("bce", "BinaryCrossentropy", {}, "binary", "probabilities"),
    ("bce-smoothing", "BinaryCrossentropy", {"label_smoothing": 0.2}, "binary", "probabilities"),
    ("bce-logits", "BinaryCrossentropy", {"from_logits": True}, "binary", "logits"),
    ("bce-logits-smoothing", "BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.3}, "binary", "logits"),
    ("bce-soft-targets", "BinaryCrossentropy", {}, "soft", "probabilities"),
    ("cce", "CategoricalCrossentropy", {}, "one_hot", "probabilities"),
    ("cce-unnormalised", "CategoricalCrossentropy", {}, "one_hot", "scores"),
    ("cce-smoothing", "CategoricalCrossentropy", {"label_smoothing": 0.1}, "one_hot", "scores"),
    ("cce-logits", "CategoricalCrossentropy", {"from_logits": True}, "one_hot", "logits"),
    ("cce-logits-smoothing", "CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.25}, "one_hot",
     "logits"),
    ("scce", "SparseCategoricalCrossentropy", {}, "labels", "scores"),
    ("scce-column", "SparseCategoricalCrossentropy", {}, "label_column", "probabilities"),
    ("scce-logits", "SparseCategoricalCrossentropy", {"from_logits": True}, "labels", "logits"),
    ("mse", "MeanSquaredError", {}, "soft", "logits"),
    ("mae", "MeanAbsoluteError", {}, "soft", "logits"),
    ("hinge-binary", "Hinge", {}, "binary", "logits"),
    ("hinge-signed", "Hinge", {}, "signed", "logits"),
]


def data():
    rng = np.random.default_rng(3)
    n, k = 9, 3
    labels = rng.integers(0, k, n)
    scores = rng.uniform(0.1, 1.0, (n, k))
    return {
        "binary": rng.integers(0, 2, (n, k)).astype(float),
        "soft": rng.uniform(0, 1, (n, k)),
        "signed": rng.choice([-1.0, 1.0], (n, k)),
        "one_hot": np.eye(k)[labels],
        "labels": labels.astype(float),
        "label_column": labels[:, None].astype(float),
        "probabilities": rng.uniform(0.05, 0.95, (n, k)),
        "scores": scores,
        "logits": rng.normal(0, 2, (n, k)),
        "weights": rng.uniform(0, 2, n),
        "column_weights": rng.uniform(0, 2, (n, 1)),
    }


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
d = {key: np.array(value) for key, value in spec["data"].items()}
out = {}
for case_id, cls, kwargs, targets, predictions in spec["cases"]:
    for reduction in spec["reductions"]:
        for weights in (None, "weights", "column_weights"):
            loss = getattr(keras.losses, cls)(reduction=reduction, **kwargs)
            w = None if weights is None else d[weights]
            y, p = d[targets], d[predictions]
            key = f"{case_id}|{reduction}|{weights}"
            out[key] = np.asarray(loss(y, p, sample_weight=w))
            out[key + "|grad"] = np.asarray(jax.grad(lambda q: jax.numpy.sum(loss(y, q, sample_weight=w)))(p))
np.savez(sys.argv[2], **out)
'''


@pytest.fixture(scope="module")
def keras_results(tmp_path_factory):
    folder = tmp_path_factory.mktemp("keras_losses")
    spec = {"data": {key: value.tolist() for key, value in data().items()}, "cases": CASES,
            "reductions": REDUCTIONS}
    (folder / "spec.json").write_text(json.dumps(spec))
    env = dict(os.environ, KERAS_BACKEND="jax")
    done = subprocess.run([sys.executable, "-c", KERAS_SCRIPT, str(folder / "spec.json"), str(folder / "out.npz")],
                          capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    with np.load(folder / "out.npz") as results:
        return {key: results[key] for key in results.files}


@pytest.mark.parametrize("weights", [None, "weights", "column_weights"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("case_id, cls, kwargs, targets, predictions", CASES, ids=[case[0] for case in CASES])
def test_value_and_gradient_as_in_keras(keras_results, case_id, cls, kwargs, targets, predictions, reduction,
                                        weights):
    d = data()
    loss = getattr(losses, cls)(reduction=reduction, **kwargs)
    p = Value(d[predictions].copy())
    out = loss(d[targets], p, sample_weight=None if weights is None else d[weights])
    key = f"{case_id}|{reduction}|{weights}"
    theirs = keras_results[key]
    np.testing.assert_allclose(out.data, theirs.reshape(np.shape(out.data)), rtol=0, atol=TOLERANCE)
    out.sum().backward() if np.ndim(out.data) else out.backward()
    np.testing.assert_allclose(p.grad, keras_results[key + "|grad"], rtol=0, atol=TOLERANCE)


def test_the_probability_path_of_a_softmax_output_reads_its_logits_as_keras_reads_probabilities(keras_results):
    # A softmax output sums to 1 per row, so reading its logits and normalising its rows agree.
    d = data()
    z = Value(d["logits"].copy())
    ours = losses.CategoricalCrossentropy()(d["one_hot"], z.softmax(), sample_weight=d["weights"])
    theirs = keras_results["cce-logits|sum_over_batch_size|weights"]
    assert abs(ours.item() - float(theirs)) < TOLERANCE
