"""The course's worked example of backpropagation, by hand and by autodiff, side by side.

The network: inputs x = (1, 0), target y = (0.7, 0), two sigmoid hidden units
and two sigmoid outputs, every bias 1, loss ½ Σ (ŷ - y)² (Keras' mean squared
error for one case with two outputs), learning rate λ = 0.1.

First the hand-derived recursion of ``autograd_mlp.reference`` prints its
trace of one training step.  Then the same step runs through the library:
a ``Sequential`` of two ``Dense`` layers, ``loss.backward()`` and ``SGD``.
Every number of the trace (z, a, the errors e = dL/dz, the weight and bias
gradients, the new weights, the loss before and after) is printed next to
the library's and the two must agree to 1e-12.

Last, the network is drawn as the course draws it (needs Graphviz's ``dot``):
after the backward pass, with each weight and its gradient dL/dw on the
edges and each bias, dL/db and activation in the neurons
(worked_example_backward.png), and after the SGD step, with the new weights
(worked_example_after_step.png).  These are the README's pictures
(``scripts/make_figures.py`` draws them with this file).

Run:  python examples/backprop_worked_example.py [--plots DIR | --no-plots]
The pictures go to examples/output/backprop_worked_example/, or to ``--plots DIR``.
"""

import argparse
import os
import sys

import numpy as np

from autograd_mlp import SGD, Dense, Sequential, losses, reference

TOLERANCE = 1e-12
OUTPUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "output", "backprop_worked_example")
PICTURE_DPI = 110


def course_network(ex):
    """The course's 2-2-2 network of sigmoid units with the worked example's weights and biases."""
    model = Sequential([
        Dense(2, input_dim=2, activation="sigmoid", name="hidden"),
        Dense(2, activation="sigmoid", name="output"),
    ])
    model.set_weights([ex.weights[0], ex.biases[0], ex.weights[1], ex.biases[1]])
    return model


def by_hand(ex):
    """Every number of one training step from the course's recursion (numpy only)."""
    result, new_w, new_b = reference.train_step(ex.x, ex.y, ex.weights, ex.biases,
                                                ex.activations, ex.loss, ex.learning_rate)
    _, a_after = reference.forward(ex.x, new_w, new_b, ex.activations)
    numbers = {}
    for i in range(len(ex.weights)):
        numbers.update(_layer_numbers(i, result.z[i], result.a[i], result.e[i],
                                      result.dW[i], result.db[i], new_w[i], new_b[i]))
    numbers["loss before"] = np.array(result.loss)
    numbers["loss after"] = np.array(reference.get_loss(ex.loss).value(ex.y, a_after[-1]))
    return numbers


def by_autodiff(ex):
    """The same numbers from the library: Dense layers, loss.backward() and one SGD step."""
    model = course_network(ex)
    optimizer = SGD(model.parameters(), lr=ex.learning_rate)

    # Run the layers one by one to keep each activation a; its parent in the
    # graph is the pre-activation z, and after backward() every node holds its
    # gradient, so z.grad is the course's error e = dL/dz.
    activations = []
    a = ex.x
    for layer in model.layers:
        a = layer(a)
        activations.append(a)
    loss = losses.mean_squared_error(ex.y, a)
    optimizer.zero_grad()
    loss.backward()
    gradients = [(layer.weight.grad.copy(), layer.bias.grad.copy()) for layer in model.layers]
    optimizer.step()

    numbers = {}
    for i, (layer, a) in enumerate(zip(model.layers, activations)):
        (z,) = a.parents  # sigmoid(z) has one parent: z = a_prev @ W + b
        numbers.update(_layer_numbers(i, z.data, a.data, z.grad, gradients[i][0], gradients[i][1],
                                      layer.weight.data, layer.bias.data))
    numbers["loss before"] = np.array(loss.item())
    numbers["loss after"] = np.array(losses.mean_squared_error(ex.y, model(ex.x)).item())
    return numbers


def _layer_numbers(i, z, a, e, dw, db, new_w, new_b):
    """Name every element the way the course does: layer l = i + 1, w(j→k) = W[j, k]."""
    l = i + 1
    out = {}
    for k in range(np.shape(z)[1]):
        out[f"layer {l} unit {k}: z"] = z[0, k]
        out[f"layer {l} unit {k}: a = g(z)"] = a[0, k]
        out[f"layer {l} unit {k}: e = dL/dz"] = e[0, k]
    for j in range(np.shape(dw)[0]):
        for k in range(np.shape(dw)[1]):
            out[f"layer {l} dL/dw({j}→{k})"] = dw[j, k]
            out[f"layer {l} new w({j}→{k})"] = new_w[j, k]
    for k in range(np.shape(db)[0]):
        out[f"layer {l} dL/db_{k}"] = db[k]
        out[f"layer {l} new b_{k}"] = new_b[k]
    return {name: np.asarray(value, dtype=np.float64) for name, value in out.items()}


def compare(hand, auto):
    """Print the two columns side by side; return the largest absolute difference."""
    assert hand.keys() == auto.keys(), sorted(set(hand) ^ set(auto))
    width = max(len(name) for name in hand)
    print(f"{'quantity':<{width}}  {'by hand':>15}  {'autodiff':>15}  {'|difference|':>12}")
    worst = 0.0
    for name in hand:
        diff = float(abs(hand[name] - auto[name]))
        worst = max(worst, diff)
        print(f"{name:<{width}}  {float(hand[name]):15.10f}  {float(auto[name]):15.10f}  {diff:12.1e}")
    return worst


def draw_pictures(folder, formats=("png",)):
    """Draw the network after the backward pass and after the SGD step; returns the paths written.

    Each picture is written once per format (``"png"``, ``"svg"``, ``"pdf"``).
    Needs Graphviz's ``dot`` (GraphvizNotFoundError without it).
    """
    from autograd_mlp.viz import draw_network, render

    ex = reference.worked_example()
    model = course_network(ex)
    loss = losses.mean_squared_error(ex.y, model(ex.x))  # the course's ½ Σ (ŷ - y)² for one case, two outputs
    loss.backward()
    backward = draw_network(model, show_grads=True, x=ex.x)
    backward.attr(label=f"forward and backward pass, x = (1, 0), y = (0.7, 0): L = {float(loss.data):.4f}\n"
                        "∂ = dL/dw on the edges, ∂b = dL/db in the neurons")

    SGD(model.parameters(), lr=ex.learning_rate).step()
    after = float(losses.mean_squared_error(ex.y, model(ex.x)).data)
    after_step = draw_network(model, x=ex.x)
    after_step.attr(label=f"after one SGD step (λ = {ex.learning_rate:g}): L = {after:.4f}")

    os.makedirs(folder, exist_ok=True)
    paths = []
    for name, graph in (("worked_example_backward", backward), ("worked_example_after_step", after_step)):
        for fmt in formats:
            paths.append(render(graph, os.path.join(folder, f"{name}.{fmt}"), dpi=PICTURE_DPI))
    return paths


def save_pictures(folder):
    """draw_pictures(folder) as PNG, or a note saying why there are no pictures; returns the paths."""
    from autograd_mlp.viz import dot_available

    if not dot_available():
        print("no pictures: Graphviz's dot program is not installed (apt-get install graphviz, "
              "brew install graphviz or conda install graphviz)")
        return []
    paths = draw_pictures(folder)
    print(f"pictures written to {folder}: {', '.join(os.path.basename(path) for path in paths)}")
    return paths


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--plots", metavar="DIR", default=OUTPUT,
                        help="folder for the pictures (default: examples/output/backprop_worked_example;"
                             " needs Graphviz's dot)")
    parser.add_argument("--no-plots", dest="plots", action="store_const", const=None, help="draw no pictures")
    args = parser.parse_args(argv)

    ex = reference.worked_example()
    print("=" * 30, "the course's recursion, by hand", "=" * 30)
    print(reference.trace(ex.x, ex.y, ex.weights, ex.biases, ex.activations, ex.loss, ex.learning_rate))
    print()
    print("=" * 30, "the same step by autodiff", "=" * 30)
    worst = compare(by_hand(ex), by_autodiff(ex))
    print()
    print(f"largest difference: {worst:.1e} (tolerance {TOLERANCE:g})")
    assert worst <= TOLERANCE, f"hand and autodiff differ by {worst:.3g}"
    print("by hand and by autodiff agree")
    if args.plots:
        print()
        save_pictures(args.plots)
    return worst


if __name__ == "__main__":
    main(sys.argv[1:])
