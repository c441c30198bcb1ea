"""``autograd-mlp demo``: the worked example agrees with the hand derivation, the MLP beats the perceptron
on the circle, and the pictures are written (or skipped with a note)."""

import os
import re
import subprocess
import sys

import numpy as np
import pytest

from autograd_mlp import data, reference
from autograd_mlp.cli import demo
from autograd_mlp.optim import SGD
from cli_support import run

EXAMPLE = os.path.join(os.path.dirname(__file__), os.pardir, "examples", "demo.py")


def test_worked_example_step_matches_the_hand_derivation():
    difference, loss = demo.worked_example_step()
    assert difference <= demo.AGREEMENT
    ex = reference.worked_example()
    assert loss == pytest.approx(reference.gradients(ex.x, ex.y, ex.weights, ex.biases, ex.activations, ex.loss).loss)


def test_perceptron_boundary_is_read_back_in_data_units():
    x, y = data.linear_boundary(200, seed=2)
    exp = demo.run_experiment("p", "p", x, y, [], 60, SGD(0.1, 0.9), seed=2)
    slope, offset = demo._boundary_in_data_units(exp)
    # The data's boundary is x + y = 100.
    assert slope == pytest.approx(1.0, abs=0.15) and offset == pytest.approx(100.0, abs=8.0)
    assert exp.accuracy > 0.9


def _accuracies(stdout):
    return [float(v) for v in re.findall(r"test accuracy (\d\.\d+)", stdout)]


def test_quick_demo_runs_and_writes_pictures(tmp_path, capsys):
    out = tmp_path / "pictures"
    status, stdout, err = run(capsys, "demo", "--quick", "--out", out)
    assert status == 0, err
    assert "Loss before the step: 0.3906" in stdout  # the trace of the worked example
    assert "agree with the hand-derived ones" in stdout
    linear, circle, mlp = _accuracies(stdout)
    assert linear > 0.9 and mlp > 0.9 and mlp > circle + 0.2
    assert "straight line" in stdout
    written = sorted(os.listdir(out))
    assert written == ["mlp_circle_boundary.png", "mlp_circle_history.png", "mlp_model.svg",
                       "perceptron_circle_boundary.png", "worked_example_network.svg"]
    for name in written:
        assert f"wrote {out / name}" in stdout
        assert (out / name).stat().st_size > 1000


def test_without_matplotlib_and_dot_the_pictures_are_skipped(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(demo, "matplotlib_available", lambda: False)
    monkeypatch.setattr(demo, "dot_available", lambda: False)
    monkeypatch.setattr(demo, "QUICK", demo.Settings(points=40, perceptron_epochs=2, mlp_epochs=2, resolution=10))
    status, stdout, err = run(capsys, "demo", "--quick", "--out", tmp_path / "o")
    assert status == 0 and err == ""
    assert "skipped the training curves and decision boundaries: matplotlib is not installed" in stdout
    assert "skipped the network drawings: Graphviz's dot program is not installed" in stdout
    assert os.listdir(tmp_path / "o") == []
    assert len(_accuracies(stdout)) == 3


def test_demo_out_must_be_a_folder(tmp_path, capsys):
    (tmp_path / "f").write_text("")
    status, out, err = run(capsys, "demo", "--quick", "--out", tmp_path / "f")
    assert status == 1 and out == "" and "is a file; expected a folder" in err


def test_the_readme_example_is_the_demo_command():
    done = subprocess.run([sys.executable, EXAMPLE, "--help"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: autograd-mlp demo") and "--quick" in done.stdout


def test_settings_quick_is_smaller():
    assert demo.QUICK.points < demo.FULL.points
    assert demo.QUICK.mlp_epochs < demo.FULL.mlp_epochs
    assert np.all([demo.QUICK.perceptron_epochs >= 1, demo.QUICK.resolution >= 2])


def test_experiment_scaler_is_fitted_on_the_training_rows_only():
    x, y = data.circle(200, seed=4)
    exp = demo.run_experiment("p", "p", x, y, [], 1, SGD(0.1), seed=4)
    (x_train, _), _, _ = data.train_val_test_split(x, y, seed=4, stratify=True)
    assert len(x_train) < len(x)
    np.testing.assert_allclose(exp.standardizer.mean, x_train.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(exp.standardizer.scale, x_train.std(axis=0), rtol=1e-12)
    assert not np.allclose(exp.standardizer.mean, x.mean(axis=0), rtol=1e-6)
