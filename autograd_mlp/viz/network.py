"""``draw_network``: the course's picture of a network, one circle per neuron, one edge per weight.

Inputs x0, x1 ... on the left; each Dense layer is a box of circles labelled
with the layer's name and activation; the edge from input (or neuron) j to
neuron i carries the weight w(j→i) = ``weight[j, i]`` and, after a backward
pass, its gradient dL/dw(j→i).  Each neuron shows its bias b_i (and dL/db_i),
and, when an input case ``x`` is given, its activation a_i = g(z_i).

Edge colour gives the weight's sign (blue positive, red negative, grey zero)
and its width the magnitude relative to the largest weight of the layer.
"""

from __future__ import annotations

import numbers

import graphviz
import numpy as np

from ..engine import Value, no_grad
from ..nn.layers import Dense, Dropout, Sequential
from ._format import check_precision, escape, number

__all__ = ["draw_network"]

_POSITIVE, _NEGATIVE, _ZERO = "#1f5fa8", "#c0392b", "#999999"
_GRAD_COLOUR = "#b45f06"
_RANKSEP = 2.8  # inches between layers: room for the numbers on the edges


def _label_distance(head, n_heads):
    """Where the label of the edge to the ``head``-th neuron sits, in Graphviz's units of 10 points from the tail."""
    nearest, farthest = 4.5, 0.4 * _RANKSEP * 72 / 10
    if n_heads == 1:
        return nearest
    return nearest + (farthest - nearest) * head / (n_heads - 1)
_NEURON_FILL = {"input": "#eeeeee", "hidden": "#cfe2f3", "output": "#fff2cc"}


def _stages(model):
    """[(dense, [dropout rates that follow it])], plus the rates of Dropouts before the first Dense."""
    if isinstance(model, Dense):
        layers = [model]
    elif isinstance(model, Sequential):
        layers = list(model.layers)
    else:
        raise TypeError(f"draw_network expects a Sequential of Dense layers or a Dense, got {type(model).__name__}")
    stages, leading = [], []
    for layer in layers:
        if isinstance(layer, Dense):
            stages.append((layer, []))
        elif isinstance(layer, Dropout):
            (stages[-1][1] if stages else leading).append(layer.rate)
        else:
            raise TypeError(
                f"draw_network draws Dense and Dropout layers only, got {type(layer).__name__} "
                f"({getattr(layer, 'name', '?')!r}); plot_model(model) draws any Sequential"
            )
    if not stages:
        raise ValueError("draw_network needs at least one Dense layer, the model has none")
    if stages[0][0].input_dim is None:
        raise ValueError(
            f"draw_network needs the input width: layer {stages[0][0].name!r} does not know it yet; "
            f"give it input_dim=..., or call the model once on data"
        )
    return stages, leading


def _check_widths(stages, max_width):
    if isinstance(max_width, bool) or not isinstance(max_width, numbers.Integral) or max_width < 1:
        raise ValueError(f"max_width must be a positive int, got {max_width!r}")
    widths = [("the input", stages[0][0].input_dim)] + [(f"layer {d.name!r}", d.units) for d, _ in stages]
    for what, width in widths:
        if width > max_width:
            raise ValueError(
                f"draw_network draws one circle per neuron, and {what} has {width}, more than "
                f"max_width={max_width}; use plot_model(model) for a layer-by-layer diagram, "
                f"or raise max_width"
            )


def _activations(stages, x):
    """Each layer's activations for one input case (Dropout is the identity at inference)."""
    try:
        case = np.asarray(x.data if isinstance(x, Value) else x, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"draw_network: x must be a numeric array, got {type(x).__name__}") from None
    n_in = stages[0][0].input_dim
    if case.size != n_in or case.ndim > 2 or (case.ndim == 2 and case.shape[0] != 1):
        raise ValueError(f"draw_network: x must be one case of {n_in} features, shape ({n_in},) or (1, {n_in}), "
                         f"got shape {case.shape}")
    a = case.reshape(1, n_in)
    values = [a[0]]
    with no_grad():
        for dense, _ in stages:
            a = np.asarray(dense(a).data)
            values.append(a[0])
    return values


def _grad_array(param):
    g = param.grad
    if g is None:
        return None
    return np.asarray(g.data if isinstance(g, Value) else g)


def _neuron_label(title, lines):
    body = "".join(f"<BR/>{line}" for line in lines)
    return f"<<B>{escape(title)}</B>{body}>"


def _neuron_names(n_layers, index):
    """Course names: h0, h1 ... for one hidden layer, h1.0, h2.0 ... for several, o0, o1 ... at the output."""
    if index == n_layers:
        return lambda i: f"o{i}"
    if n_layers == 2:
        return lambda i: f"h{i}"
    return lambda i: f"h{index}.{i}"


def draw_network(model, show_weights=True, show_grads=False, show_bias=True, precision=4,
                 x=None, max_width=32, rankdir="LR"):
    """Draw a Sequential of Dense layers neuron by neuron, as a ``graphviz.Digraph``.

    Parameters
    ----------
    model : Sequential or Dense
        Dense layers (Dropout layers are noted on the layer they follow);
        the first one must know its input width.
    show_weights : bool
        Write w(j→i) on each edge.
    show_grads : bool
        Also write dL/dw(j→i) on each edge and dL/db_i in each neuron, from
        the last backward pass.  Parameters without a gradient yet are
        flagged in a note under the drawing.
    show_bias : bool
        Write each neuron's bias b_i.
    precision : int
        Decimals of every number.
    x : array-like, optional
        One input case; each neuron then shows its activation a_i.
    max_width : int
        Refuse layers with more neurons than this (ValueError suggesting
        :func:`plot_model`): past a few dozen circles nothing is legible.
    rankdir : {"LR", "TB"}
        Inputs on the left (default) or on top.
    """
    precision = check_precision(precision)
    if rankdir not in ("LR", "TB"):
        raise ValueError(f"rankdir must be 'LR' or 'TB', got {rankdir!r}")
    stages, leading = _stages(model)
    _check_widths(stages, max_width)
    activations = _activations(stages, x) if x is not None else None
    fmt = lambda v: number(v, precision)  # noqa: E731 - a short local alias keeps labels readable

    graph = graphviz.Digraph(
        name="network",
        graph_attr={"rankdir": rankdir, "nodesep": "0.35", "ranksep": str(_RANKSEP), "fontname": "Helvetica",
                    "splines": "line", "labelloc": "b", "fontsize": "11"},
        node_attr={"fontname": "Helvetica", "fontsize": "10", "shape": "circle", "style": "filled",
                   "margin": "0.02"},
        edge_attr={"fontname": "Helvetica", "fontsize": "9", "arrowsize": "0.6"},
    )

    n_in = stages[0][0].input_dim
    with graph.subgraph(name="cluster_input") as cluster:
        note = "".join(f"\nthen dropout {rate:g}" for rate in leading)
        cluster.attr(label="input" + note, style="rounded", color="#999999")
        for j in range(n_in):
            lines = [fmt(activations[0][j])] if activations is not None else []
            cluster.node(f"x{j}", label=_neuron_label(f"x{j}", lines), fillcolor=_NEURON_FILL["input"])

    missing = []
    previous = [f"x{j}" for j in range(n_in)]
    n_layers = len(stages)
    for index, (dense, rates) in enumerate(stages, start=1):
        weight = np.asarray(dense.weight.data)
        bias = np.asarray(dense.bias.data) if dense.bias is not None else None
        w_grad = _grad_array(dense.weight) if show_grads else None
        b_grad = _grad_array(dense.bias) if show_grads and bias is not None else None
        if show_grads and w_grad is None:
            missing.append(dense.weight.name or f"{dense.name}.weight")
        if show_grads and bias is not None and b_grad is None:
            missing.append(dense.bias.name or f"{dense.name}.bias")
        name_of = _neuron_names(n_layers, index)
        kind = "output" if index == n_layers else "hidden"
        ids = [f"n{index}_{i}" for i in range(dense.units)]
        with graph.subgraph(name=f"cluster_{index}") as cluster:
            note = "".join(f"\nthen dropout {rate:g}" for rate in rates)
            cluster.attr(label=f"{dense.name} ({dense.activation_name}){note}", style="rounded", color="#999999")
            for i, node_id in enumerate(ids):
                lines = []
                if show_bias and bias is not None:
                    lines.append(f"b {fmt(bias[i])}")
                    if b_grad is not None:
                        lines.append(f'<FONT COLOR="{_GRAD_COLOUR}">∂b {fmt(b_grad[i])}</FONT>')
                if activations is not None:
                    lines.append(f"a {fmt(activations[index][i])}")
                cluster.node(node_id, label=_neuron_label(name_of(i), lines), fillcolor=_NEURON_FILL[kind])
        largest = float(np.max(np.abs(weight))) if weight.size else 0.0
        for j, tail in enumerate(previous):
            for i, head in enumerate(ids):
                w = float(weight[j, i])
                attrs = {
                    "color": _POSITIVE if w > 0 else _NEGATIVE if w < 0 else _ZERO,
                    "penwidth": f"{0.6 + 2.4 * abs(w) / largest:.2f}" if largest > 0 else "0.6",
                }
                parts = []
                if show_weights:
                    parts.append(fmt(w))
                if w_grad is not None:
                    parts.append(f'<FONT COLOR="{_GRAD_COLOUR}">∂ {fmt(w_grad[j, i])}</FONT>')
                if parts:
                    # The number sits on its own edge, on a white patch, in the half
                    # nearer the tail; edges leaving one neuron put theirs at staggered
                    # distances.  Mid-edge labels (Graphviz's default) meet where edges
                    # cross and can no longer be told apart.
                    attrs["taillabel"] = (f'<<TABLE BORDER="0" CELLBORDER="0" CELLPADDING="1" CELLSPACING="0" '
                                          f'BGCOLOR="white"><TR><TD>{"<BR/>".join(parts)}</TD></TR></TABLE>>')
                    attrs["labeldistance"] = f"{_label_distance(i, len(ids)):.2f}"
                    attrs["labelangle"] = "0"
                graph.edge(tail, head, **attrs)
        previous = ids

    notes = []
    if missing:
        notes.append(f"no gradient yet for {', '.join(missing)}: compute a loss and call loss.backward() first")
    if show_grads and not missing:
        notes.append("∂ = dL/dw on edges, ∂b = dL/db in neurons")
    if notes:
        graph.attr(label="\n".join(notes))
    return graph
