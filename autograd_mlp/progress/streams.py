"""What a stream can show: a terminal (its width, whether it understands cursor moves), a notebook, or plain text.

IPython is never imported here: a notebook's kernel has always imported it
already, so when ``sys.modules`` does not hold it we are not in a notebook.
"""

from __future__ import annotations

import os
import shutil
import sys

__all__ = ["is_terminal", "terminal_width", "supports_ansi", "in_notebook", "is_dynamic", "kind_of"]


def is_terminal(stream):
    """True when ``stream`` is connected to a terminal."""
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or a closed file
        return False


def terminal_width(stream):
    """The width in columns of the terminal ``stream`` writes to, else None (no limit).

    ``COLUMNS`` overrides it, as for :func:`shutil.get_terminal_size`; unlike
    that function, the size asked is that of ``stream`` itself rather than of
    the process's original standard output.
    """
    if not is_terminal(stream):
        return None
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        size = os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, ValueError, OSError):
        size = 0
    if size > 0:
        return size
    return shutil.get_terminal_size(fallback=(80, 24)).columns


def supports_ansi(stream):
    """True when ``stream`` is a terminal that understands cursor moves (``ESC[1A``) and line erasing (``ESC[K``).

    Every Unix terminal does except ``TERM=dumb`` (Emacs' shell buffer, some
    CI consoles); on Windows, terminals that announce themselves do (Windows
    Terminal, VS Code, ConEmu, ANSICON, and MSYS/Cygwin which set ``TERM``).
    """
    if not is_terminal(stream):
        return False
    term = os.environ.get("TERM", "")
    if term == "dumb":
        return False
    if os.name != "nt":
        return True
    return bool(term or os.environ.get("WT_SESSION") or os.environ.get("ANSICON")
                or os.environ.get("ConEmuANSI") == "ON" or os.environ.get("TERM_PROGRAM") == "vscode")


def in_notebook(stream=None):
    """True inside a Jupyter kernel (JupyterLab, Notebook, VS Code, Colab) whose output goes to the notebook.

    The shell is a ``ZMQInteractiveShell`` (or a subclass, as Colab's) and,
    when ``stream`` is given, it is still the kernel's own output stream: text
    redirected to a file or a ``StringIO`` inside a notebook is plain text.
    """
    ipython = sys.modules.get("IPython")
    get_ipython = getattr(ipython, "get_ipython", None)
    if get_ipython is None:
        return False
    try:
        shell = get_ipython()
    except Exception:  # an IPython half torn down at exit
        return False
    if shell is None or not any(cls.__name__ == "ZMQInteractiveShell" for cls in type(shell).__mro__):
        return False
    return stream is None or type(stream).__module__.split(".")[0] == "ipykernel"


def is_dynamic(stream):
    """True when the display can be redrawn in place: a terminal or a notebook."""
    return is_terminal(stream) or in_notebook(stream)


def kind_of(stream):
    """``"notebook"``, ``"terminal"`` or ``"log"`` (a file, a pipe, a CI log: anything else)."""
    if in_notebook(stream):
        return "notebook"
    if is_terminal(stream):
        return "terminal"
    return "log"
