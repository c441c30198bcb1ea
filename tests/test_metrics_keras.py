"""The metric classes against real Keras 3 (JAX backend, float64): results to 1e-9 over several batches.

Each metric is fed the same three batches (one with ``sample_weight``) with
``update_state`` on both sides; its ``result()`` after each batch, and after
``reset_state`` and one more batch, must agree.  Keras runs in a subprocess
(its float64 setting is process-wide).  Skipped without keras and jax.
"""

import importlib.util
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from autograd_mlp import metrics

if importlib.util.find_spec("keras") is None or importlib.util.find_spec("jax") is None:
    pytest.skip("needs keras and jax (the compat extra)", allow_module_level=True)

TOLERANCE = 1e-9

# (case id, class, keyword arguments, which targets, which predictions)
CASES = [
    ("accuracy", "Accuracy", {}, "binary", "thresholded"),
    ("binary-accuracy", "BinaryAccuracy", {}, "binary", "probabilities"),
    ("binary-accuracy-threshold", "BinaryAccuracy", {"threshold": 0.3}, "binary", "probabilities"),
    ("binary-accuracy-column", "BinaryAccuracy", {}, "binary_column", "probability_column"),
    ("categorical-accuracy", "CategoricalAccuracy", {}, "one_hot", "probabilities"),
    ("sparse-categorical-accuracy", "SparseCategoricalAccuracy", {}, "labels", "probabilities"),
    ("sparse-categorical-accuracy-column", "SparseCategoricalAccuracy", {}, "label_column", "logits"),
    ("mse", "MeanSquaredError", {}, "soft", "logits"),
    ("mae", "MeanAbsoluteError", {}, "soft", "logits"),
    ("precision", "Precision", {}, "binary", "probabilities"),
    ("precision-threshold", "Precision", {"thresholds": 0.7}, "binary", "probabilities"),
    ("precision-thresholds", "Precision", {"thresholds": [0.2, 0.5, 0.8]}, "binary", "probabilities"),
    ("precision-class", "Precision", {"class_id": 1}, "one_hot", "probabilities"),
    ("recall", "Recall", {}, "binary", "probabilities"),
    ("recall-thresholds", "Recall", {"thresholds": [0.3, 0.6]}, "binary_column", "probability_column"),
    ("auc", "AUC", {}, "binary", "probabilities"),
    ("auc-column", "AUC", {}, "binary_column", "probability_column"),
    ("auc-few", "AUC", {"num_thresholds": 9}, "binary", "probabilities"),
    ("auc-minoring", "AUC", {"summation_method": "minoring"}, "binary", "probabilities"),
    ("auc-majoring", "AUC", {"num_thresholds": 13, "summation_method": "majoring"}, "binary", "probabilities"),
    ("auc-pr", "AUC", {"curve": "PR"}, "binary", "probabilities"),
    ("auc-pr-few", "AUC", {"curve": "PR", "num_thresholds": 11}, "binary", "probabilities"),
    ("auc-pr-minoring", "AUC", {"curve": "PR", "summation_method": "minoring"}, "binary", "probabilities"),
    ("auc-thresholds", "AUC", {"thresholds": [0.1, 0.35, 0.5, 0.9]}, "binary", "probabilities"),
    ("auc-logits", "AUC", {"from_logits": True}, "binary", "logits"),
]

#: Rows of each batch, and whether it has sample weights.
BATCHES = [(0, 6, False), (6, 16, True), (16, 20, False)]


def data():
    rng = np.random.default_rng(11)
    n, k = 20, 3
    labels = rng.integers(0, k, n)
    probabilities = rng.uniform(0.02, 0.98, (n, k))
    column = rng.uniform(0.02, 0.98, (n, 1))
    return {
        "binary": rng.integers(0, 2, (n, k)).astype(float),
        "binary_column": rng.integers(0, 2, (n, 1)).astype(float),
        "soft": rng.uniform(0, 1, (n, k)),
        "one_hot": np.eye(k)[labels],
        "labels": labels.astype(float),
        "label_column": labels[:, None].astype(float),
        "probabilities": probabilities,
        "probability_column": column,
        "thresholded": (probabilities > 0.5).astype(float),
        "logits": rng.normal(0, 2, (n, k)),
        "weights": rng.uniform(0, 2, n),
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
    metric = getattr(keras.metrics, cls)(**kwargs)
    results = []
    for start, stop, weighted in spec["batches"]:
        w = d["weights"][start:stop] if weighted else None
        metric.update_state(d[targets][start:stop], d[predictions][start:stop], sample_weight=w)
        results.append(np.asarray(metric.result(), dtype=np.float64).ravel())
    metric.reset_state()
    metric.update_state(d[targets][:5], d[predictions][:5])
    results.append(np.asarray(metric.result(), dtype=np.float64).ravel())
    out[case_id] = np.array(results)
    out[case_id + "|name"] = np.array(getattr(keras.metrics, cls)(**kwargs).name)
np.savez(sys.argv[2], **out)
'''


@pytest.fixture(scope="module")
def keras_results(tmp_path_factory):
    folder = tmp_path_factory.mktemp("keras_metrics")
    spec = {"data": {key: value.tolist() for key, value in data().items()}, "cases": CASES, "batches": BATCHES}
    (folder / "spec.json").write_text(json.dumps(spec))
    env = dict(os.environ, KERAS_BACKEND="jax")
    done = subprocess.run([sys.executable, "-c", KERAS_SCRIPT, str(folder / "spec.json"), str(folder / "out.npz")],
                          capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    with np.load(folder / "out.npz") as results:
        return {key: results[key] for key in results.files}


@pytest.mark.parametrize("case_id, cls, kwargs, targets, predictions", CASES, ids=[case[0] for case in CASES])
def test_results_over_batches_as_in_keras(keras_results, case_id, cls, kwargs, targets, predictions):
    d = data()
    metric = getattr(metrics, cls)(**kwargs)
    results = []
    for start, stop, weighted in BATCHES:
        w = d["weights"][start:stop] if weighted else None
        metric.update_state(d[targets][start:stop], d[predictions][start:stop], sample_weight=w)
        results.append(np.ravel(metric.result()))
    metric.reset_state()
    metric.update_state(d[targets][:5], d[predictions][:5])
    results.append(np.ravel(metric.result()))
    np.testing.assert_allclose(np.array(results), keras_results[case_id], rtol=0, atol=TOLERANCE)


@pytest.mark.parametrize("case_id, cls, kwargs", [case[:3] for case in CASES if "thresholds" not in case[2]],
                         ids=[case[0] for case in CASES if "thresholds" not in case[2]])
def test_names_as_keras_gives_them(keras_results, case_id, cls, kwargs):
    theirs = str(keras_results[case_id + "|name"])
    # Keras numbers repeated names (auc_1, auc_2 ...) within a process; the stem is the name
    stem = theirs.rsplit("_", 1)[0] if theirs[-1].isdigit() else theirs
    assert getattr(metrics, cls)(**kwargs).name == stem
