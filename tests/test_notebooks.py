"""The course's exercises as notebooks (examples/notebooks/): stored without outputs, and each one runs.

Each notebook is executed by nbclient in a ``python3`` kernel (ipykernel, the
interpreter running the tests) started in an empty temporary working
directory, with a private temporary directory of the system's, so that a
notebook that writes into the repository or leaves files behind fails.  The
kernel's PYTHONPATH puts this checkout first, so the notebook imports the
``autograd_mlp`` under test (checked by a cell added before the notebook's own).
The run is skipped when nbclient, nbformat or ipykernel is missing, or when
matplotlib or Graphviz's ``dot`` (which the notebooks draw with) is.
"""

from __future__ import annotations

import importlib
import json
import os
import pathlib

import pytest

import autograd_mlp

NOTEBOOKS = pathlib.Path(__file__).resolve().parent.parent / "examples" / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))
# The layers each notebook builds, whose weights it must print.
LAYERS = {
    "perceptron_linear": ["neuron"],
    "perceptron_circle": ["neuron"],
    "mlp_circle": ["hidden_1", "hidden_2", "output"],
}
PACKAGE_ROOT = pathlib.Path(autograd_mlp.__file__).resolve().parent.parent
WHERE = "import autograd_mlp; print('autograd_mlp imported from', autograd_mlp.__file__)"


def _missing_for_execution():
    for module in ("nbformat", "nbclient", "ipykernel", "matplotlib"):
        try:
            importlib.import_module(module)
        except ImportError:
            return f"{module} is not installed (pip install autograd_mlp[test])"
    from autograd_mlp.viz import dot_available

    if not dot_available():
        return "Graphviz's dot program is not installed"
    return None


def test_the_course_exercises_are_all_there():
    assert sorted(p.stem for p in PATHS) == sorted(LAYERS)


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_stored_without_outputs(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    assert notebook["metadata"]["kernelspec"]["name"] == "python3"
    for number, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], f"{path.name}, cell {number}: outputs stored (clear them before committing)"
            assert cell["execution_count"] is None, f"{path.name}, cell {number}: execution count stored"


def _execute(path, folder):
    """Run the notebook at ``path`` in ``folder``/work with ``folder``/temp as TMPDIR; returns its outputs by cell."""
    import nbformat
    from nbclient import NotebookClient

    work, temp = folder / "work", folder / "temp"
    work.mkdir()
    temp.mkdir()
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.insert(0, nbformat.v4.new_code_cell(WHERE))
    path_list = [str(PACKAGE_ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(path_list), "TMPDIR": str(temp)}
    client = NotebookClient(notebook, timeout=120, startup_timeout=60, kernel_name="python3",
                            resources={"metadata": {"path": str(work)}})
    client.execute(env=env)  # raises CellExecutionError, with the cell and its traceback, on any error
    return notebook, sorted(os.listdir(work)), sorted(os.listdir(temp))


def _outputs(notebook):
    """(all printed text, the set of MIME types shown) over every cell."""
    text, kinds = [], set()
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output["output_type"] == "stream":
                text.append(output["text"])
            kinds.update(output.get("data", {}))
    return "".join(text), kinds


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_notebook_runs_and_shows_each_step(path, tmp_path):
    missing = _missing_for_execution()
    if missing:
        pytest.skip(missing)
    notebook, left_in_work, left_in_temp = _execute(path, tmp_path)
    text, kinds = _outputs(notebook)

    assert f"autograd_mlp imported from {autograd_mlp.__file__}" in text, text.splitlines()[:1]
    assert "Total params" in text, "the summary is printed"
    for name in LAYERS[path.stem]:
        assert f"layer {name!r}: kernel" in text, f"the weights of layer {name!r} are printed"
    assert "neuron  0  weights w(j→0)" in text
    assert "predicts the same outputs: True" in text, "the saved and reloaded model predicts the same"
    assert "image/svg+xml" in kinds, "plot_model / draw_network are shown inline"
    assert "image/png" in kinds, "the matplotlib figures are shown inline"
    assert left_in_work == [], f"the notebook left {left_in_work} in its working directory"
    assert left_in_temp == [], f"the notebook left {left_in_temp} in the temporary directory"
