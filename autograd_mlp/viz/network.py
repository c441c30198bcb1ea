"""``draw_network``: the course's picture of a network, one circle per neuron, one edge per weight.

Inputs x0, x1 ... on the left; each Dense layer is a box of circles, titled
underneath with the layer's name and activation; the edge from input (or neuron) j to
neuron i carries the weight w(j→i) = ``weight[j, i]`` and, after a backward
pass, its gradient dL/dw(j→i).  Each neuron shows its bias b_i (and dL/db_i),
and, when an input case ``x`` is given, its activation a_i = g(z_i).

Edge colour gives the weight's sign (blue positive, red negative, grey zero)
and its width the magnitude relative to the largest weight of the layer.
Numbers are written where they stay legible (see :func:`labelled_edges`):
every weight of a layer pair with at most ``ALL_NUMBERS_MAX`` edges; a note
under the drawing names the pairs drawn with colour and width only.

Layout: Graphviz's ``dot`` would reorder the neurons of a wide layer to
reduce edge crossings, so a layer would read h8 ... h15, h0 ... h7 (and
chains of invisible edges, the usual remedy, are not kept inside the layer
boxes, which are Graphviz clusters).  Here every node is declared in index
order, edges leave each node in index order (``ordering=out``), and the
crossing minimisation passes that would reorder them are switched off
(``mclimit``, ``remincross``), so each column reads 0, 1, 2 ... from the top;
with ``rankdir="TB"`` nodes are declared backwards, so that rows read from
the left.  Layer titles are plain text nodes in a row under the columns,
outside the boxes, where no edge reaches.
"""

from __future__ import annotations

import math
import numbers
import re

import graphviz
import numpy as np

from ..engine import Value, no_grad
from ..nn.layers import Dense, Dropout, Sequential
from ._format import check_precision, escape, number

__all__ = ["draw_network", "labelled_edges", "MAX_WIDTH", "ALL_NUMBERS_MAX"]

_POSITIVE, _NEGATIVE, _ZERO = "#1f5fa8", "#c0392b", "#999999"
_GRAD_COLOUR = "#b45f06"
_RANKSEP = 2.8  # inches between layers: room for the numbers on the edges
_NODESEP = 0.35  # inches between neurons of a layer

#: The widest layer drawn neuron by neuron; wider models are for plot_model.
MAX_WIDTH = 32
#: A layer pair with at most this many edges shows every weight as a number.
ALL_NUMBERS_MAX = 36


def _ranksep(widest):
    """Inches between columns: wider layers have steeper edges, which need more room between columns."""
    return max(_RANKSEP, 0.12 * widest)


def _diameter(lines):
    """Roughly the inches Graphviz gives a circle around ``lines`` of 10-point text (at least its 0.5 minimum)."""
    chars = max(len(re.sub(r"<[^>]*>", "", line)) for line in lines)
    return max(0.5, 0.1 + math.hypot(0.075 * chars, 0.16 * len(lines)))


class _Column:
    """Where one column's neurons roughly sit: centred on 0, one ``pitch`` apart, index 0 on top."""

    def __init__(self, count, diameter, nodesep):
        self.count, self.radius, self.pitch = count, diameter / 2, diameter + nodesep

    def y(self, index):
        return ((self.count - 1) / 2 - index) * self.pitch


def _label_distance(tail_col, j, head_col, i, at_tail, fraction, ranksep):
    """Graphviz's ``labeldistance`` (units of 10 points from the node's edge) that puts an edge label
    ``fraction`` of the gap between the columns away from one end, measured across the columns.

    Distances along a steep edge would put its label far down the column, on
    another neuron; measured across, labels of edges that leave one neuron at
    different ``fraction`` never meet, whatever the slopes.
    """
    across = ranksep + tail_col.radius + head_col.radius
    along = math.hypot(across, tail_col.y(j) - head_col.y(i)) / across
    radius = tail_col.radius if at_tail else head_col.radius
    return max(1.0, ((radius + fraction * ranksep) * along - radius) * 72 / 10)


def _fraction(index, count):
    """Labels sharing a neuron are staggered across 22 % to 40 % of the gap between the columns."""
    nearest, farthest = 0.22, 0.4
    return nearest if count == 1 else nearest + (farthest - nearest) * index / (count - 1)


def labelled_edges(weight, show_weights="auto"):
    """Which weights of one layer pair are written as numbers: a boolean mask shaped like ``weight``.

    ``show_weights`` is ``True`` (all), ``False`` (none) or ``"auto"``: all
    when the pair has at most :data:`ALL_NUMBERS_MAX` edges, else none.
    Between two wide layers the edges cross everywhere and every spot on an
    edge is struck through by later ones (Graphviz draws edges tail by tail,
    whatever order they are declared in), so a number there cannot be read;
    colour and width still show every weight.
    """
    weight = np.asarray(weight)
    if show_weights is True:
        return np.ones(weight.shape, dtype=bool)
    if show_weights is False or weight.size == 0:
        return np.zeros(weight.shape, dtype=bool)
    return np.full(weight.shape, weight.size <= ALL_NUMBERS_MAX, dtype=bool)


def _check_show_weights(show_weights):
    if show_weights is True or show_weights is False or show_weights == "auto":
        return show_weights
    raise ValueError(f"show_weights must be True (every weight), False (none) or 'auto', got {show_weights!r}")


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
    if isinstance(max_width, bool) or not isinstance(max_width, numbers.Integral) or not 1 <= max_width <= MAX_WIDTH:
        raise ValueError(f"max_width must be an int from 1 to {MAX_WIDTH} (past {MAX_WIDTH} neurons a layer no "
                         f"drawing of every neuron is legible: use plot_model(model)), got {max_width!r}")
    widths = [("the input", stages[0][0].input_dim)] + [(f"layer {d.name!r}", d.units) for d, _ in stages]
    for what, width in widths:
        if width > max_width:
            raise ValueError(
                f"draw_network draws one circle per neuron, and {what} has {width}, more than "
                f"max_width={max_width}; use plot_model(model) for a layer-by-layer diagram"
                + (f", or raise max_width (up to {MAX_WIDTH})" if max_width < MAX_WIDTH and width <= MAX_WIDTH else "")
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


def _drawing_order(ids, reverse):
    """``enumerate(ids)``, backwards when ``reverse``."""
    pairs = list(enumerate(ids))
    return pairs[::-1] if reverse else pairs


def _edge_label(parts):
    """A number (and its gradient) on a white patch, so edges behind it do not strike it through."""
    text = "<BR/>".join(parts)
    return (f'<<TABLE BORDER="0" CELLBORDER="0" CELLPADDING="1" CELLSPACING="0" '
            f'BGCOLOR="white"><TR><TD>{text}</TD></TR></TABLE>>')


def draw_network(model, show_weights="auto", show_grads=False, show_bias=True, precision=4,
                 x=None, max_width=MAX_WIDTH, rankdir="LR"):
    """Draw a Sequential of Dense layers neuron by neuron, as a ``graphviz.Digraph``.

    Neurons are drawn in index order in every layer (top to bottom, or left
    to right with ``rankdir="TB"``); each edge's colour gives its weight's
    sign and its width the magnitude.

    Parameters
    ----------
    model : Sequential or Dense
        Dense layers (Dropout layers are noted on the layer they follow);
        the first one must know its input width.
    show_weights : bool or "auto"
        Which weights are written as numbers on their edges: ``True`` all of
        them, ``False`` none, ``"auto"`` (default) those that stay legible:
        those of a layer pair with at most :data:`ALL_NUMBERS_MAX` edges
        (see :func:`labelled_edges`); a note names the other pairs.
    show_grads : bool
        Also write dL/dw(j→i) next to each written weight (on the edges
        ``"auto"`` picks when ``show_weights`` is False) and dL/db_i in each
        neuron, from the last backward pass.  Parameters without a gradient
        yet are flagged in a note under the drawing.
    show_bias : bool
        Write each neuron's bias b_i.
    precision : int
        Decimals of every number.
    x : array-like, optional
        One input case; each neuron then shows its activation a_i.
    max_width : int
        Refuse layers with more neurons than this, at most :data:`MAX_WIDTH`
        (ValueError suggesting :func:`plot_model`): past a few dozen circles
        a layer is no longer legible.
    rankdir : {"LR", "TB"}
        Inputs on the left (default) or on top.
    """
    precision = check_precision(precision)
    show_weights = _check_show_weights(show_weights)
    if rankdir not in ("LR", "TB"):
        raise ValueError(f"rankdir must be 'LR' or 'TB', got {rankdir!r}")
    stages, leading = _stages(model)
    _check_widths(stages, max_width)
    activations = _activations(stages, x) if x is not None else None
    fmt = lambda v: number(v, precision)  # noqa: E731 - a short local alias keeps labels readable

    # dot lays out a column from the last declared node to the first: with inputs on the left
    # that reads top to bottom, with inputs on top right to left, so there they are declared backwards.
    reverse = rankdir == "TB"
    n_in = stages[0][0].input_dim
    widths = [n_in] + [dense.units for dense, _ in stages]
    ranksep = _ranksep(max(widths))
    graph = graphviz.Digraph(
        name="network",
        graph_attr={"rankdir": rankdir, "nodesep": f"{_NODESEP:g}", "ranksep": f"{ranksep:.2f}",
                    "fontname": "Helvetica",
                    "splines": "line", "labelloc": "b", "fontsize": "11",
                    # Index order: edges leave every node in the order they are declared,
                    # and no crossing minimisation pass reorders the columns (see the module docstring).
                    "ordering": "out", "mclimit": "0.01", "remincross": "false",
                    # Neurons over the edges: where dozens of arrows meet, the names stay legible.
                    "outputorder": "edgesfirst"},
        node_attr={"fontname": "Helvetica", "fontsize": "10", "shape": "circle", "style": "filled",
                   "margin": "0.02"},
        edge_attr={"fontname": "Helvetica", "fontsize": "9", "arrowsize": "0.6"},
    )

    columns = [[f"x{j}" for j in range(n_in)]]
    titles = ["input" + "".join(f"\nthen dropout {rate:g}" for rate in leading)]
    diameter = 0.5
    with graph.subgraph(name="cluster_input") as cluster:
        cluster.attr(label="", style="rounded", color="#999999")
        for j, node_id in _drawing_order(columns[0], reverse):
            lines = [fmt(activations[0][j])] if activations is not None else []
            cluster.node(node_id, label=_neuron_label(node_id, lines), fillcolor=_NEURON_FILL["input"])
            diameter = max(diameter, _diameter([node_id] + lines))
    geometry = [_Column(n_in, diameter, _NODESEP)]

    missing, unlabelled = [], []
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
        titles.append(f"{dense.name} ({dense.activation_name})" + "".join(f"\nthen dropout {rate:g}" for rate in rates))
        with graph.subgraph(name=f"cluster_{index}") as cluster:
            cluster.attr(label="", style="rounded", color="#999999")
            diameter = 0.5
            for i, node_id in _drawing_order(ids, reverse):
                lines = []
                if show_bias and bias is not None:
                    lines.append(f"b {fmt(bias[i])}")
                    if b_grad is not None:
                        lines.append(f'<FONT COLOR="{_GRAD_COLOUR}">∂b {fmt(b_grad[i])}</FONT>')
                if activations is not None:
                    lines.append(f"a {fmt(activations[index][i])}")
                cluster.node(node_id, label=_neuron_label(name_of(i), lines), fillcolor=_NEURON_FILL[kind])
                diameter = max(diameter, _diameter([name_of(i)] + lines))
        geometry.append(_Column(len(ids), diameter, _NODESEP))
        if not _layer_edges(graph, (columns[-1], geometry[-2]), (ids, geometry[-1]), weight, w_grad,
                            show_weights, ranksep, fmt, reverse) and show_weights == "auto":
            unlabelled.append(f"{'input' if index == 1 else stages[index - 2][0].name} → {dense.name}")
        columns.append(ids)

    _layer_titles(graph, columns, titles, reverse)
    notes = []
    if missing:
        notes.append(f"no gradient yet for {', '.join(missing)}: compute a loss and call loss.backward() first")
    if show_grads and not missing:
        notes.append("∂ = dL/dw on edges, ∂b = dL/db in neurons")
    if unlabelled:
        notes.append(f"{', '.join(unlabelled)}: too many edges for numbers:\ncolour gives each weight's sign "
                     f"(blue +, red −), width its size; show_weights=True writes them all")
    if notes:
        graph.attr(label="\n".join(notes))
    return graph


def _layer_edges(graph, tail_column, head_column, weight, w_grad, show_weights, ranksep, fmt, reverse):
    """The edges from one column to the next, tail by tail and head by head (the order ``ordering=out`` keeps)."""
    (tails, tail_col), (heads, head_col) = tail_column, head_column
    largest = float(np.max(np.abs(weight))) if weight.size else 0.0
    mask = labelled_edges(weight, show_weights if show_weights is not False or w_grad is None else "auto")
    # Edges crowd at the end where a neuron has the most of them: the numbers go to the other end,
    # staggered along the edges that share a neuron there.
    at_tail = len(heads) <= len(tails)
    for j, tail in _drawing_order(tails, reverse):
        for i, head in _drawing_order(heads, reverse):
            w = float(weight[j, i])
            colour = _POSITIVE if w > 0 else _NEGATIVE if w < 0 else _ZERO
            attrs = {"color": colour,
                     "penwidth": f"{0.6 + 2.4 * abs(w) / largest:.2f}" if largest > 0 else "0.6"}
            parts = []
            if mask[j, i] and show_weights is not False:
                parts.append(fmt(w))
            if mask[j, i] and w_grad is not None:
                parts.append(f'<FONT COLOR="{_GRAD_COLOUR}">∂ {fmt(w_grad[j, i])}</FONT>')
            if parts:
                # Mid-edge labels (Graphviz's default) meet where edges cross and can no
                # longer be told apart; near one end, on the edge itself, they cannot.
                fraction = _fraction(i, len(heads)) if at_tail else _fraction(j, len(tails))
                attrs["taillabel" if at_tail else "headlabel"] = _edge_label(parts)
                distance = _label_distance(tail_col, j, head_col, i, at_tail, fraction, ranksep)
                attrs["labeldistance"] = f"{distance:.2f}"
                attrs["labelangle"] = "0"
            graph.edge(tail, head, **attrs)
    return bool(mask.any()) or not weight.size


def _layer_titles(graph, columns, titles, reverse):
    """Each column's title as a text node in a row under the columns, clear of every neuron and edge.

    The title of column k sits in column k's rank, after its last neuron
    (an invisible edge from the previous column's last neuron gives it that
    place), and a chain of invisible edges between the titles holds them on
    one line.
    """
    for k, (ids, title) in enumerate(zip(columns, titles)):
        graph.node(f"title{k}", label=title, shape="plaintext", style="", fontsize="11", height="0.2", margin="0.02")
        if k:
            last = columns[k - 1][0 if reverse else -1]
            graph.edge(last, f"title{k}", style="invis", weight="0")
            graph.edge(f"title{k - 1}", f"title{k}", style="invis", weight="10")
