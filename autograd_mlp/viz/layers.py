"""``plot_model``: a Keras-style diagram, one box per layer, whatever the layers' widths.

Each box gives the layer's name and class, its activation (Dense) or rate
(Dropout), and with ``show_shapes=True`` its input and output shapes in
Keras' notation, ``(None, 10)`` -> ``(None, 20)``, where ``None`` is the batch
size.  An input box sits on top.  Widths that are not known yet (a model
never called, without ``input_dim``) show as ``?``; drawing never builds a
layer.
"""

from __future__ import annotations

import graphviz

from ..nn.layers import Dense, Dropout, Layer, Sequential
from ._format import escape
from .rendering import RENDER_FORMATS, file_format, render

__all__ = ["plot_model", "layer_shapes"]

_FILL = {"Input": "#fff2cc", "Dense": "#cfe2f3", "Dropout": "#eeeeee"}
_DEFAULT_FILL = "#e6e6e6"


def _output_width(layer, width):
    """The output width of ``layer`` for ``width`` inputs (None when unknown), without building anything."""
    if isinstance(layer, Dense):
        return layer.units
    if isinstance(layer, Sequential):
        for inner in layer.layers:
            width = _output_width(inner, width)
        return width
    return width  # Dropout and other shape-preserving layers


def _layers_of(model):
    if isinstance(model, Sequential):
        return list(model.layers)
    if isinstance(model, Layer):
        return [model]
    raise TypeError(f"plot_model expects a Sequential model or a layer, got {type(model).__name__}")


def _shape_text(width):
    return f"(None, {'?' if width is None else width})"


def layer_shapes(model):
    """[(layer, input shape text, output shape text)] in Keras' notation, e.g. ``(None, 10)``."""
    layers = _layers_of(model)
    width = model.input_dim if isinstance(model, (Sequential, Dense)) else None
    shapes = []
    for layer in layers:
        out = _output_width(layer, width)
        shapes.append((layer, _shape_text(width), _shape_text(out)))
        width = out
    return shapes


def _details(layer, show_activations):
    if isinstance(layer, Dense):
        lines = []
        if show_activations:
            lines.append(f"activation: {layer.activation_name}")
        if not layer.use_bias:
            lines.append("no bias")
        return lines
    if isinstance(layer, Dropout):
        return [f"rate: {layer.rate:g}"]
    if isinstance(layer, Sequential):
        return [f"{len(layer.layers)} layers"]
    return []


def _box(title, details, shapes, fill):
    """An HTML table: title row, detail rows, then an input/output shape row."""
    rows = [f'<TR><TD COLSPAN="2" BGCOLOR="{fill}"><B>{escape(title)}</B></TD></TR>']
    for line in details:
        rows.append(f'<TR><TD COLSPAN="2">{escape(line)}</TD></TR>')
    if shapes is not None:
        inp, out = shapes
        rows.append('<TR><TD><FONT POINT-SIZE="9">Input shape</FONT></TD>'
                    '<TD><FONT POINT-SIZE="9">Output shape</FONT></TD></TR>')
        rows.append(f"<TR><TD>{escape(inp)}</TD><TD>{escape(out)}</TD></TR>")
    return ('<<TABLE BORDER="1" CELLBORDER="1" CELLSPACING="0" CELLPADDING="5" BGCOLOR="white">'
            + "".join(rows) + "</TABLE>>")


def plot_model(model, to_file="model.png", show_shapes=False, show_layer_names=True,
               show_activations=True, rankdir="TB", dpi=96):
    """Draw ``model`` layer by layer, like ``keras.utils.plot_model``; returns the ``graphviz.Digraph``.

    Parameters
    ----------
    model : Sequential or a layer
    to_file : str, path or None
        Written as PNG, SVG or PDF according to its extension (atomically);
        ``None`` writes nothing.  Writing needs Graphviz's ``dot``.
    show_shapes : bool
        Add each layer's input and output shape, ``(None, features)``.
    show_layer_names : bool
        Title boxes ``name: Class`` rather than ``Class``.
    show_activations : bool
        Add each Dense layer's activation.
    rankdir : {"TB", "LR"}
        Top to bottom (default) or left to right.
    dpi : int
        Resolution of PNG output.
    """
    if to_file is not None:
        file_format(to_file, RENDER_FORMATS)  # refuse a bad extension before any work
    if rankdir not in ("TB", "LR"):
        raise ValueError(f"rankdir must be 'TB' or 'LR', got {rankdir!r}")
    if isinstance(dpi, bool) or not isinstance(dpi, int) or dpi < 1:
        raise ValueError(f"dpi must be a positive int, got {dpi!r}")
    shapes = layer_shapes(model)

    graph = graphviz.Digraph(
        name=getattr(model, "name", "model"),
        graph_attr={"rankdir": rankdir, "nodesep": "0.3", "ranksep": "0.35", "fontname": "Helvetica"},
        node_attr={"shape": "plain", "fontname": "Helvetica", "fontsize": "11"},
        edge_attr={"arrowsize": "0.8"},
    )
    first_in = shapes[0][1] if shapes else _shape_text(None)
    graph.node("input", label=_box("input: InputLayer" if show_layer_names else "InputLayer", [],
                                   (first_in, first_in) if show_shapes else None, _FILL["Input"]))
    previous = "input"
    for index, (layer, inp, out) in enumerate(shapes):
        cls = type(layer).__name__
        name = getattr(layer, "name", None)
        title = f"{name}: {cls}" if show_layer_names and name else cls
        node_id = f"layer{index}"
        graph.node(node_id, label=_box(title, _details(layer, show_activations),
                                       (inp, out) if show_shapes else None, _FILL.get(cls, _DEFAULT_FILL)))
        graph.edge(previous, node_id)
        previous = node_id
    if to_file is not None:
        render(graph, to_file, dpi=dpi)
    return graph
