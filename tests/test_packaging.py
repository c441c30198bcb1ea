"""The wheel as users get it: built from the source tree, holding every module, working in a fresh venv.

An editable install reads the source folder, so a subpackage that the
packaging configuration leaves out would go unnoticed by every other test.
Here the wheel is built with ``python -m build`` from a copy of the sources,
compared file by file with the source tree, installed with its dependencies
into a new virtual environment (without the system's packages), and the
``autograd-mlp`` command it installs runs the quick demo from there.

About half a minute: a build in an isolated environment, a venv, and a
pip install of numpy and graphviz from the package index.
"""

import os
import shutil
import subprocess
import sys
import zipfile

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = "autograd_mlp"

pytest.importorskip("build", reason="python -m build is needed (pip install autograd_mlp[test])")


def _clean_env():
    """The environment without the test run's PYTHONPATH, which would point the venv back at the sources."""
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env.pop("PYTHONHOME", None)
    env.pop("VIRTUAL_ENV", None)
    return env


def _run(argv, cwd, timeout=300):
    done = subprocess.run([str(a) for a in argv], cwd=cwd, env=_clean_env(), capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == 0, f"{argv} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def _source_modules():
    """Every module file of the package in the source tree, as a path inside the wheel ('autograd_mlp/x/y.py')."""
    found = set()
    for folder, dirs, files in os.walk(os.path.join(ROOT, PACKAGE)):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in files:
            if name.endswith(".py"):
                found.add(os.path.relpath(os.path.join(folder, name), ROOT).replace(os.sep, "/"))
    return found


def _source_packages():
    return {path.rsplit("/", 1)[0] for path in _source_modules() if path.endswith("/__init__.py")}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """A wheel built from a copy of the sources (the build leaves build/ and egg-info folders where it runs)."""
    work = tmp_path_factory.mktemp("packaging")
    source = work / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(os.path.join(ROOT, name), source / name)
    shutil.copytree(os.path.join(ROOT, PACKAGE), source / PACKAGE,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    dist = work / "dist"
    _run([sys.executable, "-m", "build", "--wheel", "--outdir", dist, source], cwd=work)
    wheels = sorted(dist.glob("*.whl"))
    assert len(wheels) == 1, wheels
    return work, wheels[0]


def test_every_package_folder_is_a_package():
    folders = set()
    for folder, dirs, _ in os.walk(os.path.join(ROOT, PACKAGE)):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        folders.add(os.path.relpath(folder, ROOT).replace(os.sep, "/"))
    assert folders == _source_packages(), "a folder without __init__.py would be left out of the wheel"


def test_the_wheel_holds_every_subpackage_and_module(wheel):
    _, path = wheel
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
        meta = archive.read(metadata).decode("utf-8")
        entry_points = archive.read(metadata.replace("METADATA", "entry_points.txt")).decode("utf-8")
    in_wheel = {n for n in names if n.startswith(PACKAGE + "/") and n.endswith(".py")}
    packages = {n.rsplit("/", 1)[0] for n in in_wheel if n.endswith("/__init__.py")}
    assert len(_source_packages()) > 5
    assert packages == _source_packages()
    assert in_wheel == _source_modules()
    # The licence as an SPDX expression (the table form is deprecated by setuptools).
    assert "License-Expression: MIT" in meta
    assert "autograd-mlp = autograd_mlp.cli:main" in entry_points


def test_the_wheel_installs_and_runs_in_a_fresh_venv(wheel):
    work, path = wheel
    venv = work / "venv"
    _run([sys.executable, "-m", "venv", venv], cwd=work)
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bin_dir / "python"
    _run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", path], cwd=work)
    where = _run([python, "-c", f"import {PACKAGE}; print({PACKAGE}.__file__)"], cwd=work).strip()
    assert where.startswith(str(venv)), f"imported from {where}, not from the venv"
    command = bin_dir / "autograd-mlp"
    assert _run([command, "demo", "--help"], cwd=work).startswith("usage: autograd-mlp demo")
    out = _run([command, "demo", "--quick", "--out", work / "demo"], cwd=work)
    assert "autodiff" in out and "agree with" in out
    assert "test accuracy" in out
