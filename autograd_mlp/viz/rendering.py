"""Writing drawings to files: the format comes from the file's extension, and every write is atomic.

Graphviz drawings (``graphviz.Digraph``) need the ``dot`` program to become
PNG, SVG or PDF; their DOT source is plain text and needs nothing.  When
``dot`` is missing, :func:`render` raises :class:`GraphvizNotFoundError`,
which says how to install it, while building a Digraph and
:func:`save_source` keep working.

Atomic: bytes are written to a temporary file in the destination's
directory, which then replaces the destination (``os.replace``), so a reader
never sees half a file, and a failed render leaves an older file intact.
"""

from __future__ import annotations

import os
import shutil

import graphviz

from .._files import atomic_write

__all__ = [
    "GraphvizNotFoundError",
    "RENDER_FORMATS",
    "SOURCE_FORMATS",
    "render",
    "save_source",
    "to_svg",
    "dot_available",
    "file_format",
    "atomic_write",
]

#: Image formats that :func:`render` (and the matplotlib plots) write, by extension.
RENDER_FORMATS = ("png", "svg", "pdf")
#: Extensions :func:`save_source` writes (the DOT text itself).
SOURCE_FORMATS = ("gv", "dot")

_INSTALL_HINT = (
    "Install Graphviz: `apt-get install graphviz` (Debian/Ubuntu), `brew install graphviz` (macOS), "
    "`conda install graphviz` (conda), or see https://graphviz.org/download/. "
    "The drawing itself was built: save its DOT source with save_source(graph, 'graph.gv')."
)


class GraphvizNotFoundError(RuntimeError):
    """The Graphviz ``dot`` program, which turns a drawing into an image, is not installed."""


def dot_available(engine="dot"):
    """True when the Graphviz layout program ``engine`` is on the PATH."""
    return shutil.which(engine) is not None


def _not_found(engine):
    return GraphvizNotFoundError(f"the Graphviz program {engine!r} was not found on the PATH. {_INSTALL_HINT}")


def file_format(path, formats=RENDER_FORMATS):
    """The format named by ``path``'s extension (lower case); ValueError unless it is one of ``formats``."""
    path = os.fspath(path)
    ext = os.path.splitext(path)[1].lower().lstrip(".")
    if ext not in formats:
        valid = ", ".join("." + f for f in formats)
        got = repr("." + ext) if ext else "(none)"
        raise ValueError(f"cannot tell the format of {path!r} from its extension {got}; expected one of {valid}")
    return ext


def _check_graph(graph):
    if not isinstance(graph, (graphviz.Digraph, graphviz.Graph)):
        raise TypeError(f"expected a graphviz.Digraph, got {type(graph).__name__}")


def _pipe(graph, fmt, dpi=None):
    """The drawing as bytes in ``fmt``, rendered by Graphviz without touching the file system."""
    _check_graph(graph)
    if not dot_available(graph.engine):
        raise _not_found(graph.engine)
    if dpi is not None and fmt == "png":
        # Resolution only matters for raster output; on SVG and PDF Graphviz
        # would scale the coordinates instead, so it is set on a copy for PNG only.
        graph = graph.copy()
        graph.attr(dpi=str(dpi))
    try:
        return graph.pipe(format=fmt)
    except graphviz.ExecutableNotFound:
        raise _not_found(graph.engine) from None


def render(graph, path, dpi=None):
    """Render ``graph`` to ``path`` as PNG, SVG or PDF (from the extension); returns the path.

    ``.gv``/``.dot`` paths get the DOT source instead (see :func:`save_source`).
    ``dpi`` sets the resolution of PNG output.  Raises ValueError for another
    extension and :class:`GraphvizNotFoundError` when ``dot`` is missing.
    """
    _check_graph(graph)
    fmt = file_format(path, RENDER_FORMATS + SOURCE_FORMATS)
    if fmt in SOURCE_FORMATS:
        return save_source(graph, path)
    atomic_write(path, _pipe(graph, fmt, dpi))
    return os.fspath(path)


def save_source(graph, path):
    """Write ``graph``'s DOT source to ``path`` (``.gv`` or ``.dot``); needs no Graphviz program."""
    _check_graph(graph)
    file_format(path, SOURCE_FORMATS)
    atomic_write(path, graph.source.encode("utf-8"))
    return os.fspath(path)


def to_svg(graph):
    """The drawing as an SVG string (raises :class:`GraphvizNotFoundError` without ``dot``)."""
    return _pipe(graph, "svg").decode("utf-8")
