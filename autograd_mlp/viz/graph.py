"""``draw_graph``: the computational graph that ends in a Value, node by node.

Every Value is a box with its name (when it has one), its data and its
gradient; every operation is a small oval between its inputs and its output;
edges follow the forward pass.  Boxes are coloured by kind:

==============  =====================  ==========================================
kind            fill                   what it is
==============  =====================  ==========================================
parameter       blue, bold border      a leaf that requires gradients (a weight)
constant        grey, dashed border    a leaf that does not (data, a number)
intermediate    white                  the result of an operation
output          yellow, bold border    the Value the graph was drawn from
operation       orange oval            ``+``, ``*``, ``@``, ``tanh``, ``affine`` ...
==============  =====================  ==========================================

``draw_graph(..., legend=True)`` adds this key to the drawing.
"""

from __future__ import annotations

import numbers

import graphviz

from ..engine import Value
from ._format import array_summary, check_precision, escape, number

__all__ = ["draw_graph", "count_values", "forward_order", "NODE_STYLES", "RANKDIRS"]

RANKDIRS = ("auto", "LR", "TB", "RL", "BT")

#: Table fill colour and border per kind of Value (see the module docstring).
NODE_STYLES = {
    "parameter": {"fill": "#cfe2f3", "border": 2, "style": ""},
    "constant": {"fill": "#eeeeee", "border": 1, "style": "dashed"},
    "intermediate": {"fill": "#ffffff", "border": 1, "style": ""},
    "output": {"fill": "#fff2cc", "border": 2, "style": ""},
}
OP_FILL = "#fce5cd"

# Counting stops here: past a quarter of a million nodes the exact number does not matter,
# and counting further would make the refusal itself slow.
_COUNT_CAP = 250_000


def count_values(root, limit=_COUNT_CAP):
    """The number of Values in the graph ending in ``root``, or ``limit + 1`` once it exceeds ``limit``.

    An iterative walk (no recursion limit) that stops as soon as the count
    passes ``limit``, so an enormous graph is measured in bounded time.
    """
    seen = {id(root)}
    stack = [root]
    while stack:
        node = stack.pop()
        for parent in node.parents:
            key = id(parent)
            if key not in seen:
                seen.add(key)
                if len(seen) > limit:
                    return len(seen)
                stack.append(parent)
    return len(seen)


def forward_order(root):
    """The Values of the graph ending in ``root``, each after its parents, inputs in argument order.

    The engine's own order visits the last argument first; for a drawing the
    first argument first reads better (``x0`` above ``x1``) and gives it the
    smaller node id.  Iterative, so a chain of any length works.
    """
    order = []
    visited = set()
    # A node is marked when it is expanded, not when it is pushed: a node
    # pushed early may be reached again through a deeper path, and must then
    # be expanded (and emitted) before the node that pushed it first.
    stack = [(root, False)]
    while stack:
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
            continue
        if id(node) in visited:
            continue
        visited.add(id(node))
        stack.append((node, True))
        for parent in reversed(node.parents):
            if id(parent) not in visited:
                stack.append((parent, False))
    return order


def _kind(value, root):
    if value is root and not value.is_leaf:
        return "output"
    if not value.is_leaf:
        return "intermediate"
    return "parameter" if value.requires_grad else "constant"


def _data_text(data, precision):
    if isinstance(data, Value):  # a gradient built with create_graph=True
        data = data.data
    if isinstance(data, numbers.Real) or getattr(data, "ndim", None) == 0:
        return number(data, precision)
    return array_summary(data, precision)


def _lines(text):
    """Escaped text whose line breaks (the rows of a small matrix) stay line breaks."""
    return "<BR/>".join(escape(line.strip()) for line in text.splitlines())


def _is_scalar(value):
    return isinstance(value.data, float) or value.ndim == 0


def _value_label(value, kind, show_grad, precision):
    """An HTML table: a scalar's name, data and gradient side by side; an array's on short lines.

    An array's label reads, one line each: name, shape and dtype; data (its
    values when there are few, else min / mean / max); gradient likewise.
    Side by side, these would make nodes several inches wide, and a graph of
    them a strip no page could hold.
    """
    style = NODE_STYLES[kind]
    cells = []
    if _is_scalar(value):
        if value.name:
            cells.append(f"<B>{escape(value.name)}</B>")
        cells.append(f"data {_data_text(value.data, precision)}")
        if show_grad:
            grad = "None" if value.grad is None else _data_text(value.grad, precision)
            cells.append(f"grad {grad}")
        # One outline (whose weight and dashes tell the kind) and thin rules
        # between the fields; cell borders would double the outline.
        rows = "<TR>" + "<VR/>".join(f"<TD>{cell}</TD>" for cell in cells) + "</TR>"
    else:
        head = f"<B>{escape(value.name)}</B> " if value.name else ""
        cells.append(f"{head}{escape(value.shape)} {escape(value.dtype)}")
        cells.append(f"data {_lines(_data_text(value.data, precision))}")
        if show_grad:
            grad = "None" if value.grad is None else _lines(_data_text(value.grad, precision))
            cells.append(f"grad {grad}")
        rows = "<HR/>".join(f"<TR><TD>{cell}</TD></TR>" for cell in cells)
    table_style = f' STYLE="{style["style"]}"' if style["style"] else ""
    return (f'<<TABLE BORDER="{style["border"]}" CELLBORDER="0" CELLSPACING="0" CELLPADDING="4" '
            f'BGCOLOR="{style["fill"]}"{table_style}>{rows}</TABLE>>')


def _check_args(root, rankdir, max_nodes):
    if not isinstance(root, Value):
        raise TypeError(f"draw_graph expects a Value, got {type(root).__name__}")
    if rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be one of {RANKDIRS}, got {rankdir!r}")
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, numbers.Integral) or max_nodes < 1:
        raise ValueError(f"max_nodes must be a positive int, got {max_nodes!r}")


def _legend(graph):
    """One small node: a sample of each style in a row."""
    cells = ['<TD BORDER="0"><FONT POINT-SIZE="9">legend</FONT></TD>']
    for kind in ("parameter", "constant", "intermediate", "output"):
        style = NODE_STYLES[kind]
        dashed = f' STYLE="{style["style"]}"' if style["style"] else ""
        cells.append(f'<TD BORDER="{style["border"]}" BGCOLOR="{style["fill"]}"{dashed}>{kind}</TD>')
    cells.append(f'<TD BORDER="1" BGCOLOR="{OP_FILL}">operation</TD>')
    graph.node("legend", shape="plain", fontsize="9", label=(
        '<<TABLE BORDER="0" CELLSPACING="4" CELLPADDING="3"><TR>' + "".join(cells) + "</TR></TABLE>>"))


def draw_graph(root, show_grad=True, rankdir="auto", max_nodes=500, precision=4, legend=False):
    """Draw the computational graph that ends in ``root`` as a ``graphviz.Digraph``.

    Parameters
    ----------
    root : Value
        The last node (usually a loss, or the output of a neuron).
    show_grad : bool
        Show each Value's ``.grad`` (``None`` before a backward pass).
    rankdir : {"auto", "LR", "TB", "RL", "BT"}
        Direction of the forward pass.  ``"auto"``: left to right when every
        Value is a scalar (the course's small graphs, read like its
        equations), top to bottom otherwise: a training step is a chain of a
        dozen operations, and with their array labels on several lines each
        node is taller than wide, so the chain runs down a page instead of
        along a strip many times wider than high.
    max_nodes : int
        Refuse graphs with more Values than this, with a ValueError that
        gives the graph's size; Graphviz takes minutes on tens of thousands
        of nodes, and such a drawing is unreadable anyway.
    precision : int
        Decimals for data and gradients.
    legend : bool
        Add a key to the node styles (see the module docstring).

    Scalars show their number; arrays show, on short lines, name, shape and
    dtype, then their values when there are at most six, else min / mean / max.  Node ids follow the
    topological order (``v0``, ``v1`` ... and ``op3`` for the operation that
    made ``v3``), so the DOT source of a graph is the same on every run.
    """
    _check_args(root, rankdir, max_nodes)
    precision = check_precision(precision)
    limit = max(max_nodes, _COUNT_CAP)
    size = count_values(root, limit=limit)
    if size > max_nodes:
        how_many = f"more than {limit:,}" if size > limit else f"{size:,}"
        raise ValueError(
            f"draw_graph: this graph has {how_many} Value nodes, more than max_nodes={max_nodes}; "
            f"raise max_nodes (Graphviz gets slow past a few thousand nodes) or draw a smaller piece "
            f"of the graph (pass an intermediate Value as root, or compute on fewer elements)"
        )
    order = forward_order(root)
    position = {id(v): i for i, v in enumerate(order)}
    if rankdir == "auto":
        rankdir = "LR" if all(_is_scalar(v) for v in order) else "TB"
    graph = graphviz.Digraph(
        name="computational_graph",
        graph_attr={"rankdir": rankdir, "nodesep": "0.25", "ranksep": "0.35", "fontname": "Helvetica"},
        node_attr={"fontname": "Helvetica", "fontsize": "11"},
        edge_attr={"arrowsize": "0.7"},
    )
    for i, value in enumerate(order):
        kind = _kind(value, root)
        graph.node(f"v{i}", label=_value_label(value, kind, show_grad, precision), shape="plain")
        if value.is_leaf:
            continue
        graph.node(f"op{i}", label=value.op, shape="ellipse", style="filled",
                   fillcolor=OP_FILL, fontsize="10", margin="0.04,0.02", height="0.3")
        for parent in value.parents:
            graph.edge(f"v{position[id(parent)]}", f"op{i}")
        graph.edge(f"op{i}", f"v{i}")
    if legend:
        _legend(graph)
    return graph
