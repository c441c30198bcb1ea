"""The package's shape: no module too long to read without a stated reason, and no import of the package root.

Which module may import which is checked by import-linter (the contracts in
``pyproject.toml``, run by ``scripts/test.sh``); these are the rules it does not cover.
"""

from __future__ import annotations

import ast
import pathlib
import re

import pytest

import autograd_mlp

PACKAGE = pathlib.Path(autograd_mlp.__file__).parent
MODULES = sorted(PACKAGE.rglob("*.py"))
MAX_LINES = 600
# A module longer than MAX_LINES says why in its docstring, in a sentence such as
# "Why this module is longer than 600 lines: ..." followed by a reason of some words.
REASON = re.compile(r"longer than 600 lines\W+(\w+\W+){8,}", re.IGNORECASE)


def _name(path):
    return path.relative_to(PACKAGE.parent).as_posix()


def too_long(path):
    """A message when the module at ``path`` is over MAX_LINES lines without a stated reason, else None."""
    text = path.read_text(encoding="utf-8")
    lines = text.count("\n")
    if lines <= MAX_LINES:
        return None
    if REASON.search(ast.get_docstring(ast.parse(text)) or ""):
        return None
    return (
        f"{path.name} has {lines} lines (more than {MAX_LINES}): split it, or say in its "
        f"docstring why it is longer than 600 lines"
    )


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_no_module_is_over_600_lines_without_a_reason(path):
    message = too_long(path)
    assert message is None, message


def test_the_length_rule_accepts_only_a_stated_reason(tmp_path):
    body = "x = 1\n" * MAX_LINES
    cases = {
        "short.py": ('"""A module."""\n' + "x = 1\n" * (MAX_LINES - 1), True),
        "long.py": ('"""A module."""\n' + body, False),
        "named.py": ('"""A module longer than 600 lines."""\n' + body, False),  # naming it is no reason
        "reasoned.py": ('"""A module.\n\nWhy this module is longer than 600 lines: its tables are read '
                        'as one piece, and splitting them would hide the pattern.\n"""\n' + body, True),
    }
    for name, (text, accepted) in cases.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        assert (too_long(tmp_path / name) is None) is accepted, name


def _submodules(package_dir):
    return {p.stem for p in package_dir.glob("*.py")} | {p.name for p in package_dir.iterdir() if (p / "__init__.py").exists()}


def root_imports(source, depth):
    """``(line, text)`` of each import of the package's ``__init__`` itself (not of a module in it).

    ``source`` is a module's text, ``depth`` the number of folders between the
    package root and the module (0 for ``autograd_mlp/io.py``, 1 for ``autograd_mlp/cli/parser.py``).
    """
    submodules = _submodules(PACKAGE)
    found = []
    for node in ast.walk(ast.parse(source)):  # every import, at the top or inside a function
        if isinstance(node, ast.Import):
            found += [(node.lineno, f"import {a.name}") for a in node.names if a.name == "autograd_mlp"]
        elif isinstance(node, ast.ImportFrom):
            absolute_root = node.level == 0 and node.module == "autograd_mlp"
            relative_root = node.level == depth + 1 and node.module is None
            if absolute_root or relative_root:
                found += [(node.lineno, f"from {'.' * node.level}{node.module or ''} import {a.name}")
                          for a in node.names if a.name not in submodules]
    return found


@pytest.mark.parametrize("path", [p for p in MODULES if p != PACKAGE / "__init__.py"], ids=_name)
def test_no_module_imports_the_package_root(path):
    # The root imports every module, so a module importing it back (for __version__, say)
    # closes a cycle that the layers contract cannot see: the root is not one of its layers.
    depth = len(path.relative_to(PACKAGE).parts) - 1
    found = root_imports(path.read_text(encoding="utf-8"), depth)
    assert found == [], f"{_name(path)} imports the package root: {found}"


def test_the_root_import_rule_can_fail():
    deferred = "def version():\n    from .. import __version__\n    return __version__\n"
    assert root_imports(deferred, depth=1) == [(2, "from .. import __version__")]
    assert root_imports("from . import __version__\n", depth=0) == [(1, "from . import __version__")]
    assert root_imports("import autograd_mlp\n", depth=0) == [(1, "import autograd_mlp")]
    # modules of the package, and the version from its own module, are fine
    assert root_imports("from .. import losses, optim\nfrom .._version import __version__\n", depth=1) == []
