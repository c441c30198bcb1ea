"""render / save_source / to_svg: formats by extension, atomic writes, and the missing-Graphviz error."""

from __future__ import annotations

import os
import stat
import xml.etree.ElementTree as ET

import graphviz
import pytest

from autograd_mlp import Value
from autograd_mlp.viz import draw_graph
from autograd_mlp.viz import rendering
from autograd_mlp.viz.rendering import (
    GraphvizNotFoundError,
    atomic_write,
    file_format,
    render,
    save_source,
    to_svg,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def small_graph():
    x = Value(2.0, name="x")
    y = (x * x).tanh()
    y.backward()
    return draw_graph(y)


def test_svg_parses_as_xml(tmp_path):
    path = tmp_path / "graph.svg"
    assert render(small_graph(), path) == str(path)
    root = ET.parse(path).getroot()
    assert root.tag.endswith("svg")
    assert "tanh" in path.read_text()


def test_png_and_pdf_signatures(tmp_path):
    render(small_graph(), tmp_path / "graph.png")
    render(small_graph(), tmp_path / "graph.PDF")  # the extension's case does not matter
    assert (tmp_path / "graph.png").read_bytes().startswith(PNG_SIGNATURE)
    assert (tmp_path / "graph.PDF").read_bytes().startswith(b"%PDF")


def test_dot_source_needs_no_graphviz(tmp_path, monkeypatch):
    monkeypatch.setattr(rendering, "dot_available", lambda engine="dot": False)
    graph = small_graph()
    save_source(graph, tmp_path / "graph.gv")
    render(graph, tmp_path / "graph.dot")  # render hands DOT files to save_source
    assert (tmp_path / "graph.gv").read_text() == graph.source == (tmp_path / "graph.dot").read_text()


def test_unknown_extension_lists_the_valid_ones(tmp_path):
    with pytest.raises(ValueError, match=r"'\.jpg'.*\.png, \.svg, \.pdf"):
        render(small_graph(), tmp_path / "graph.jpg")
    with pytest.raises(ValueError, match=r"\(none\)"):
        render(small_graph(), tmp_path / "graph")
    with pytest.raises(ValueError, match=r"\.gv, \.dot"):
        save_source(small_graph(), tmp_path / "graph.png")
    assert list(tmp_path.iterdir()) == []
    assert file_format("a/b.SVG") == "svg"


def test_missing_dot_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setattr(rendering, "dot_available", lambda engine="dot": False)
    graph = small_graph()  # building the drawing still works
    with pytest.raises(GraphvizNotFoundError) as info:
        render(graph, tmp_path / "graph.png")
    message = str(info.value)
    assert isinstance(info.value, RuntimeError)
    for hint in ("apt-get install graphviz", "brew install graphviz", "conda install graphviz", "save_source"):
        assert hint in message
    with pytest.raises(GraphvizNotFoundError):
        to_svg(graph)
    assert list(tmp_path.iterdir()) == []


def test_executable_not_found_from_graphviz_is_translated(tmp_path, monkeypatch):
    # dot on the PATH but failing to start: graphviz raises its own ExecutableNotFound.
    def missing(self, *args, **kwargs):
        raise graphviz.ExecutableNotFound(["dot"])

    monkeypatch.setattr(graphviz.Digraph, "pipe", missing)
    with pytest.raises(GraphvizNotFoundError, match="apt-get"):
        render(small_graph(), tmp_path / "graph.svg")


def test_to_svg_returns_text():
    svg = to_svg(small_graph())
    assert isinstance(svg, str) and ET.fromstring(svg.encode()).tag.endswith("svg")


def test_not_a_graph():
    with pytest.raises(TypeError, match="graphviz.Digraph"):
        render("digraph {}", "graph.svg")


def test_atomic_write_replaces_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "out.bin"
    path.write_bytes(b"old")
    atomic_write(path, b"new")
    assert path.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["out.bin"]


def test_atomic_write_failure_keeps_the_old_file(tmp_path):
    path = tmp_path / "out.bin"
    path.write_bytes(b"old")
    with pytest.raises(TypeError):
        atomic_write(path, "not bytes")
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.bin"]


def test_written_files_get_ordinary_permissions(tmp_path):
    reference = tmp_path / "plain.txt"
    reference.write_bytes(b"")  # what open() gives under the current umask
    atomic_write(tmp_path / "atomic.txt", b"")
    mode = lambda p: stat.S_IMODE(os.stat(p).st_mode)  # noqa: E731
    assert mode(tmp_path / "atomic.txt") == mode(reference)
