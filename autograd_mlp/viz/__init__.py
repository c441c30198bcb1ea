"""Drawings and plots: computational graphs, networks neuron by neuron, Keras-style layer diagrams, training curves.

* :func:`draw_graph` — the graph that ends in a Value, with data and gradients.
* :func:`draw_network` — the course's picture: circles, weights on the edges.
* :func:`plot_model` — one box per layer, like ``keras.utils.plot_model``.
* :func:`render`, :func:`save_source` — write a drawing (PNG, SVG, PDF, DOT).
* :func:`plot_history`, :func:`plot_decision_boundary`,
  :func:`compare_learning_rates`, :func:`plot_sweep` — matplotlib figures (``pip install autograd_mlp[plot]``).

The Graphviz drawings are ``graphviz.Digraph`` objects: building them needs
only the Python package, turning them into images needs the ``dot`` program
(:class:`GraphvizNotFoundError` says how to install it).  In Jupyter, a
Value or a model displays as its drawing (see :func:`value_svg`, :func:`module_svg`): importing
this package registers them with :mod:`autograd_mlp._display`, which the engine and the
modules ask, so that nothing below imports the drawings.
"""

from __future__ import annotations

from .graph import count_values, draw_graph
from .layers import plot_model
from .network import draw_network
from .plots import compare_learning_rates, plot_decision_boundary, plot_history, plot_sweep, save_figure
from .. import _display
from . import rendering
from .rendering import GraphvizNotFoundError, dot_available, render, save_source, to_svg

__all__ = [
    "draw_graph",
    "draw_network",
    "plot_model",
    "render",
    "save_source",
    "to_svg",
    "GraphvizNotFoundError",
    "dot_available",
    "count_values",
    "plot_history",
    "plot_decision_boundary",
    "compare_learning_rates",
    "plot_sweep",
    "save_figure",
    "value_svg",
    "module_svg",
]

# Rich display draws whatever a notebook shows; past these sizes it falls back
# (to the text repr, or to the layer diagram) rather than spend seconds on an
# unreadable picture.
DISPLAY_MAX_NODES = 200
DISPLAY_MAX_WIDTH = 10


def value_svg(value):
    """SVG of ``draw_graph(value)`` for Jupyter, or None (no ``dot``, or a graph too large to show)."""
    if not rendering.dot_available():
        return None
    try:
        graph = draw_graph(value, max_nodes=DISPLAY_MAX_NODES)
    except ValueError:
        return None
    return _svg_or_none(graph)


def module_svg(module):
    """SVG of a model for Jupyter: ``draw_network`` when it fits, else ``plot_model``; None if neither can."""
    if not rendering.dot_available():
        return None
    try:
        graph = draw_network(module, max_width=DISPLAY_MAX_WIDTH)
    except (TypeError, ValueError):
        try:
            graph = plot_model(module, to_file=None, show_shapes=True)
        except (TypeError, ValueError):
            return None
    return _svg_or_none(graph)


def _svg_or_none(graph):
    try:
        return to_svg(graph)
    except GraphvizNotFoundError:
        return None


_display.register_svg_renderer("value", value_svg)
_display.register_svg_renderer("module", module_svg)
