"""Running the programs of examples/ inside the test suite without writing into the repository.

Every example that draws writes by default to ``examples/output/<example>/``,
the folder named by its module constant ``OUTPUT``.  :func:`run_default`
loads an example, points that constant at a folder of the test's own, runs
its ``main`` with a private, empty temporary directory in place of the
system's, and checks that the example left nothing there.
"""

from __future__ import annotations

import contextlib
import io
import os
import pathlib
import runpy
import tempfile

EXAMPLES = pathlib.Path(__file__).resolve().parent.parent / "examples"
PNG = b"\x89PNG\r\n\x1a\n"


def load(name, run_name=None):
    """The example's globals (functions and constants), without running its main."""
    return runpy.run_path(str(EXAMPLES / f"{name}.py"), run_name=run_name or f"example_{name}")


def is_png(path):
    with open(path, "rb") as handle:
        return handle.read(8) == PNG


@contextlib.contextmanager
def private_tempdir(folder):
    """Make ``folder`` (created empty) what ``tempfile.gettempdir()`` returns, for the block."""
    folder = pathlib.Path(folder)
    folder.mkdir(parents=True, exist_ok=False)
    saved = tempfile.tempdir
    tempfile.tempdir = str(folder)
    try:
        yield folder
    finally:
        tempfile.tempdir = saved


def run_default(module, root, *args):
    """Run ``module["main"]([*args])`` with its default folder moved under ``root``; nothing may go to temp.

    ``module`` is what :func:`load` returned (its ``main`` reads ``OUTPUT``
    from the globals it was defined in, which are patched here).  Returns
    (result, printed output, the default folder).
    """
    root = pathlib.Path(root)
    folder = root / "output" / pathlib.Path(module["OUTPUT"]).name
    module["main"].__globals__["OUTPUT"] = str(folder)
    out = io.StringIO()
    with private_tempdir(root / "tempdir") as temp, contextlib.redirect_stdout(out):
        result = module["main"]([*map(str, args)])
    left = sorted(os.listdir(temp))
    assert left == [], f"the example left {left} in the temporary directory"
    return result, out.getvalue(), folder
