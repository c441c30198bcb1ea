"""Where the examples put what they write: ``examples/output/<example>/`` by default, never the temp directory.

Every program of examples/ answers ``--help``; every one that draws names
its default folder there; run as a student runs it (a subprocess, from
another working directory) an example writes its pictures next to itself and
leaves nothing in the temporary directory or the working directory.
"""

import importlib.util
import os
import shutil
import subprocess
import sys

import pytest
from examples_support import EXAMPLES, is_png, load, run_default

import autograd_mlp as am

ALL = sorted(path.stem for path in EXAMPLES.glob("*.py"))
# The examples that draw, each writing to examples/output/<name>/ unless told otherwise.
DRAWING = ["backprop_worked_example", "demo", "explain_breast_cancer", "explain_course_data", "iris_classification",
           "keras_workflow", "mlp_circle", "perceptron_circle", "perceptron_linear", "regression"]


def run_script(script, cwd, tmp, *args):
    """``python script args`` from ``cwd`` with ``tmp`` as its temporary directory."""
    env = {**os.environ, "TMPDIR": str(tmp), "TEMP": str(tmp), "TMP": str(tmp)}
    return subprocess.run([sys.executable, str(script), *map(str, args)], cwd=str(cwd), env=env,
                          capture_output=True, text=True, timeout=300)


def test_the_lists_cover_every_example():
    assert set(DRAWING) <= set(ALL) and len(ALL) >= 12
    for name in sorted(set(ALL) - set(DRAWING)):
        assert "OUTPUT" not in load(name), f"{name} has a default folder: add it to DRAWING"


@pytest.mark.parametrize("name", DRAWING)
def test_default_folder_is_examples_output_example(name):
    assert load(name)["OUTPUT"] == str(EXAMPLES / "output" / name)


@pytest.mark.parametrize("name", ALL)
def test_help_exits_0_and_writes_nothing(name, tmp_path):
    cwd, tmp = tmp_path / "cwd", tmp_path / "tmp"
    cwd.mkdir(), tmp.mkdir()
    done = run_script(EXAMPLES / f"{name}.py", cwd, tmp, "--help")
    assert done.returncode == 0, done.stderr
    assert "usage:" in done.stdout and done.stderr == ""
    if name in DRAWING:
        assert f"examples/output/{name}" in done.stdout.replace("\n", " ").replace("  ", "")
    assert os.listdir(cwd) == [] and os.listdir(tmp) == []


def test_a_script_writes_its_pictures_next_to_itself(tmp_path):
    """A copy of examples/ run from elsewhere: the pictures go to <copy>/output/<example>/, nothing else is written."""
    pytest.importorskip("matplotlib")
    copy, cwd, tmp = tmp_path / "examples", tmp_path / "cwd", tmp_path / "tmp"
    for folder in (copy, cwd, tmp):
        folder.mkdir()
    for name in ("perceptron_circle", "perceptron_linear"):  # the first loads the second
        shutil.copy(EXAMPLES / f"{name}.py", copy)
    done = run_script(copy / "perceptron_circle.py", cwd, tmp, "--quick")
    assert done.returncode == 0, done.stderr
    assert "Why it fails" in done.stdout and done.stderr == ""
    folder = copy / "output" / "perceptron_circle"
    assert f"pictures written to {folder}" in done.stdout
    assert sorted(os.listdir(folder)) == ["perceptron_circle_balanced.png", "perceptron_circle_course.png"]
    assert all(is_png(path) for path in folder.iterdir())
    assert os.listdir(cwd) == [] and os.listdir(tmp) == []
    assert sorted(os.listdir(copy)) == ["output", "perceptron_circle.py", "perceptron_linear.py"]


def test_demo_writes_to_its_default_folder_unless_given_out(tmp_path):
    module = load("demo")
    result, out, folder = run_default(module, tmp_path / "default", "--quick")
    assert result == 0 and "by hand" in out.lower()
    written = sorted(os.listdir(folder))
    if am.viz.dot_available():
        assert "worked_example_network.svg" in written and "mlp_model.svg" in written
    if importlib.util.find_spec("matplotlib") is not None:
        assert "mlp_circle_boundary.png" in written
    assert f"wrote {folder}" in out

    chosen = tmp_path / "chosen"
    result, out, folder = run_default(module, tmp_path / "given", "--quick", "--out", chosen)
    assert result == 0 and not folder.exists() and sorted(os.listdir(chosen)) == written


def test_output_folder_is_ignored_by_git():
    root = EXAMPLES.parent
    if shutil.which("git") is None or not (root / ".git").exists():
        pytest.skip("not a git checkout")
    done = subprocess.run(["git", "check-ignore", "-q", "examples/output/perceptron_linear/picture.png"],
                          cwd=str(root), capture_output=True, timeout=30)
    assert done.returncode == 0, "examples/output/ is not in .gitignore"

