"""Regenerate the figures in docs/images/ (SVG and PNG of each).

    python scripts/make_figures.py [--out docs/images]

* neuron_graph: the course's single neuron a = sigmoid(x0*w0 + x1*w1 + b),
  with x = (1, 0), w = (0.5, 0), b = 1 (the first hidden neuron of the
  worked example), drawn node by node with data and gradients (da/dnode).
* worked_example_backward: the course's 2-2-2 network for x = (1, 0),
  y = (0.7, 0) after the forward and backward pass: weights and dL/dw on the
  edges, biases, dL/db and activations in the neurons.
* worked_example_after_step: the same network after one SGD step (λ = 0.1),
  with its new weights and activations.
* network_2-16-1, network_2-16-16-1, network_10-20-4, network_8-32-32-1:
  draw_network of untrained networks of real widths (seed 0): neurons in
  index order, weights as edge colour and width, numbers where legible.
* training_step_2-16-1, training_step_2-16-16-1: draw_graph of one
  training step's loss (a batch of 8 cases, mean squared error) after the
  backward pass.
* model_plot: the course's Keras example, Dense(20, input_dim=10, relu) then
  Dense(4, sigmoid), as plot_model(show_shapes=True) draws it.
* learning_rates: the course's "loss function evolutions" picture: one
  regression trained with four learning rates, from too low to too high.
* decision_boundary: the course's perceptron exercise (points in [0, 100]²,
  class 1 when x + y >= 100), red and green, with the learned boundary.
* course_importance, course_summary, course_waterfall: which inputs drive a
  network trained on that exercise with a useless noise input added (PNG
  only), as examples/explain_course_data.py draws them.

Needs Graphviz's ``dot`` and matplotlib.  Every file is written atomically;
the output is deterministic (fixed seeds, no dates in the files).
"""

from __future__ import annotations

import argparse
import os
import runpy
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from autograd_mlp import SGD, Dense, Sequential, Value, losses, set_seed  # noqa: E402
from autograd_mlp.viz import (  # noqa: E402
    compare_learning_rates,
    draw_graph,
    draw_network,
    plot_decision_boundary,
    plot_model,
    render,
    save_figure,
)

DEFAULT_OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "docs", "images")
EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples")


def _both(graph, out, name, dpi=110):
    for ext in ("svg", "png"):
        path = os.path.join(out, f"{name}.{ext}")
        render(graph, path, dpi=dpi)
        print("wrote", os.path.relpath(path))


def _save(fig, out, name):
    for ext in ("svg", "png"):
        path = os.path.join(out, f"{name}.{ext}")
        save_figure(fig, path)
        print("wrote", os.path.relpath(path))


def neuron_graph(out):
    x0 = Value(1.0, requires_grad=False, name="x0")
    x1 = Value(0.0, requires_grad=False, name="x1")
    w0, w1, b = Value(0.5, name="w0"), Value(0.0, name="w1"), Value(1.0, name="b")
    z = x0 * w0 + x1 * w1 + b
    z.name = "z"
    a = z.sigmoid()
    a.name = "a"
    a.backward()
    _both(draw_graph(a, legend=True), out, "neuron_graph")


def worked_example_figures(out):
    # Drawn by the worked example itself, so that its pictures and the README's are one drawing.
    example = runpy.run_path(os.path.join(EXAMPLES, "backprop_worked_example.py"))
    for path in example["draw_pictures"](out, formats=("svg", "png")):
        print("wrote", os.path.relpath(path))


def _untrained(widths):
    set_seed(0)
    layers = [Dense(widths[1], input_dim=widths[0], activation="tanh")]
    layers += [Dense(width, activation="tanh") for width in widths[2:-1]]
    if len(widths) > 2:
        layers.append(Dense(widths[-1], activation="sigmoid"))
    return Sequential(layers)


def network_figures(out):
    for widths in ((2, 16, 1), (2, 16, 16, 1), (10, 20, 4), (8, 32, 32, 1)):
        _both(draw_network(_untrained(widths)), out, "network_" + "-".join(map(str, widths)), dpi=90)


def training_step_figures(out):
    rng = np.random.default_rng(0)
    for widths in ((2, 16, 1), (2, 16, 16, 1)):
        model = _untrained(widths)
        x = rng.normal(size=(8, widths[0]))
        y = rng.uniform(size=(8, widths[-1]))
        loss = losses.mean_squared_error(y, model(x))
        loss.name = "loss"
        loss.backward()
        _both(draw_graph(loss), out, "training_step_" + "-".join(map(str, widths)))


def model_plot(out):
    # Named as Keras names them by default, whatever other layers this script made before.
    model = Sequential([Dense(20, input_dim=10, activation="relu", name="dense"),
                        Dense(4, activation="sigmoid", name="dense_1")])
    for ext in ("svg", "png"):
        path = os.path.join(out, f"model_plot.{ext}")
        plot_model(model, to_file=path, show_shapes=True)
        print("wrote", os.path.relpath(path))


def learning_rates(out):
    rng = np.random.default_rng(0)
    x = rng.uniform(-2.0, 2.0, size=(64, 1))
    y = np.sin(1.5 * x) + 0.05 * rng.normal(size=x.shape)

    def make_model():
        return Sequential([Dense(16, input_dim=1, activation="tanh"), Dense(1)])

    _, fig = compare_learning_rates(make_model, x, y, [0.005, 0.05, 0.2, 0.6], loss="mse", epochs=150,
                                    optimizer="sgd", seed=0)
    _save(fig, out, "learning_rates")


def decision_boundary(out):
    rng = np.random.default_rng(1)
    points = rng.uniform(0.0, 100.0, size=(250, 2))
    labels = (points.sum(axis=1) >= 100).astype(float)
    mean, std = points.mean(axis=0), points.std(axis=0)
    set_seed(0)
    model = Sequential([Dense(1, input_dim=2, activation="sigmoid")])
    opt = SGD(model.parameters(), lr=1.0)
    x = (points - mean) / std
    for _ in range(300):
        opt.zero_grad()
        losses.binary_crossentropy(labels.reshape(-1, 1), model(x)).backward()
        opt.step()

    def in_original_units(p):  # the model was trained on standardized points
        return model((np.asarray(p) - mean) / std)

    fig = plot_decision_boundary(in_original_units, points, labels, resolution=150)
    _save(fig, out, "decision_boundary")


def explanation(out):
    example = runpy.run_path(os.path.join(EXAMPLES, "explain_course_data.py"))
    example["main"]([out])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=DEFAULT_OUT, help="directory for the images (default: docs/images)")
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    neuron_graph(args.out)
    worked_example_figures(args.out)
    network_figures(args.out)
    training_step_figures(args.out)
    model_plot(args.out)
    learning_rates(args.out)
    decision_boundary(args.out)
    explanation(args.out)


if __name__ == "__main__":
    main()
