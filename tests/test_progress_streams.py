"""progress.streams: terminal, notebook or log, and a terminal's width."""

import io
import sys
import types

import pytest

from autograd_mlp.progress import streams
from progress_support import FakeTerminal


def test_a_file_or_a_string_buffer_is_a_log_with_no_width():
    buffer = io.StringIO()
    assert streams.kind_of(buffer) == "log"
    assert streams.terminal_width(buffer) is None
    assert not streams.supports_ansi(buffer)
    assert not streams.is_dynamic(buffer)
    assert streams.is_terminal(object()) is False


def test_a_closed_file_is_not_a_terminal(tmp_path):
    handle = open(tmp_path / "log.txt", "w")
    handle.close()
    assert streams.kind_of(handle) == "log"


def test_a_terminal_width_comes_from_columns_first(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("TERM", "xterm-256color")
    terminal = FakeTerminal()
    assert streams.kind_of(terminal) == "terminal"
    assert streams.terminal_width(terminal) == 80
    if sys.platform != "win32":
        assert streams.supports_ansi(terminal)
    monkeypatch.setenv("TERM", "dumb")
    assert not streams.supports_ansi(terminal)


def test_a_terminal_without_columns_asks_its_own_size_or_falls_back(monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    assert streams.terminal_width(FakeTerminal()) >= 1  # no file descriptor: shutil's answer


class ZMQInteractiveShell:
    """Named as ipykernel's shell; the detection reads names, never imports ipykernel."""


class ColabShell(ZMQInteractiveShell):
    pass


class TerminalInteractiveShell:
    pass


def fake_ipython(monkeypatch, shell):
    module = types.ModuleType("IPython")
    module.get_ipython = lambda: shell
    monkeypatch.setitem(sys.modules, "IPython", module)


def kernel_stream():
    stream = type("OutStream", (io.StringIO,), {"__module__": "ipykernel.iostream"})()
    return stream


@pytest.mark.parametrize("shell", [ZMQInteractiveShell(), ColabShell()])
def test_a_jupyter_kernel_is_a_notebook(monkeypatch, shell):
    fake_ipython(monkeypatch, shell)
    assert streams.in_notebook()
    assert streams.kind_of(kernel_stream()) == "notebook"
    # output redirected inside the notebook is plain text
    assert streams.kind_of(io.StringIO()) == "log"


@pytest.mark.parametrize("shell", [None, TerminalInteractiveShell()])
def test_ipython_in_a_terminal_or_imported_as_a_library_is_not_a_notebook(monkeypatch, shell):
    fake_ipython(monkeypatch, shell)
    assert not streams.in_notebook()
    assert streams.kind_of(kernel_stream()) == "log"


def test_without_ipython_nothing_is_imported(monkeypatch):
    monkeypatch.delitem(sys.modules, "IPython", raising=False)
    assert not streams.in_notebook(io.StringIO())
    assert "IPython" not in sys.modules
