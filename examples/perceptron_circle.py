"""The course's second exercise: the same perceptron on a circular boundary, and why it fails.

Points (x, y) are uniform in [-1, 1]²; a point is class 1 when
x² + y² < r².  Two radii:

* r = √(2/π) ≈ 0.80, where the disc holds half the square, so the classes
  are balanced and "always say the same class" scores about 0.5;
* r = 1, the course's x² + y² < 1, where about 79 % of the points are inside.

The perceptron of ``perceptron_linear.py`` (numpy only, the course's update
rule, 250 training points, normalized inputs) is trained on each, and so is a
one-neuron library model with a better loss and optimizer
(binary cross-entropy, Adam, mini-batches), to show that the training is not
to blame.  Both score close to the majority-class rate: a single neuron
σ(w₁ x + w₂ y + b) changes its class only across the straight line
w₁ x + w₂ y + b = 0, and no straight line separates the inside of a circle
from the outside.  ``mlp_circle.py`` adds the hidden layers that fix it.

Run:  python examples/perceptron_circle.py [--quick] [--plots DIR | --no-plots] [--seed N]
The decision boundaries are written as PNG files to
examples/output/perceptron_circle/ (needs matplotlib), or to ``--plots DIR``.
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import os
import sys

import numpy as np

import autograd_mlp as am
from autograd_mlp.data import Standardizer, circle

N_TRAIN = 250
N_TEST = 1000
RADII = {"balanced": math.sqrt(2.0 / math.pi), "course": 1.0}
EPOCHS = {"scratch": 40, "library": 100}
QUICK_EPOCHS = {"scratch": 8, "library": 30}
LABEL = 52  # width of the row names in the printed table
OUTPUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "output", "perceptron_circle")

REASON = """\
Why it fails: a single neuron outputs σ(w₁ x + w₂ y + b), which is above 0.5
on one side of the straight line w₁ x + w₂ y + b = 0 and below it on the
other.  The inside of a circle is not one side of any line, so the best the
neuron can do is put most of the square on the side of the larger class:
its accuracy stays near the rate of always predicting that class.
Hidden layers bend the boundary: see examples/mlp_circle.py."""


def load_linear_perceptron():
    """The from-scratch perceptron of ``perceptron_linear.py``, the file next to this one."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "perceptron_linear.py")
    spec = importlib.util.spec_from_file_location("perceptron_linear", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def accuracy(predicted, labels):
    return float(np.mean(predicted == (labels > 0.5)))


def scratch_perceptron(linear, x_train, y_train, x_test, y_test, seed, epochs):
    """The exercise's perceptron, unchanged; returns its test predictions (True = class 1) and parameters."""
    w0, b0 = linear.initial_parameters(seed + 2)
    w, b, losses, _ = linear.train_scratch(x_train, y_train, w0, b0, seed, max_epochs=epochs)
    predicted = linear.forward(x_test, w, b)[1] > 0.5
    return predicted, w, b, losses


def library_perceptron(x_train, y_train, x_test, seed, epochs):
    """One sigmoid neuron trained with binary cross-entropy and Adam on mini-batches."""
    am.set_seed(seed)
    model = am.Sequential([am.Dense(1, input_dim=2, activation="sigmoid")])
    model.compile(optimizer=am.Adam(0.05), loss="binary_crossentropy", metrics=["binary_accuracy"])
    history = model.fit(x_train, y_train, epochs=epochs, batch_size=32, verbose=0, seed=seed)
    predicted = model.predict_classes(x_test).ravel() == 1
    return predicted, model, history


def run_radius(name, radius, linear, seed, epochs):
    x_train, y_train = circle(N_TRAIN, radius=radius, seed=seed)
    x_test, y_test = circle(N_TEST, radius=radius, seed=seed + 1)
    scaler = Standardizer().fit(x_train)  # the course's normalization, training statistics
    x_train, x_test = scaler.transform(x_train), scaler.transform(x_test)
    inside = float(y_test.mean())
    majority = max(inside, 1.0 - inside)
    print(f"--- r = {radius:.3f} ({name}): {inside:.0%} of the test points inside the circle")
    print(f"  {'':<{LABEL}} test accuracy")
    print(f"  {'always predicting the larger class':<{LABEL}} {majority:.3f}")

    predicted, w, b, losses = scratch_perceptron(linear, x_train, y_train.ravel(), x_test, y_test.ravel(),
                                                 seed, epochs["scratch"])
    scratch_accuracy = accuracy(predicted, y_test.ravel())
    label = f"perceptron from scratch (mse, SGD, {len(losses)} epochs)"
    print(f"  {label:<{LABEL}} {scratch_accuracy:.3f}   class 1 for {predicted.mean():4.0%} of the points,"
          f" w = [{w[0]:.3f}, {w[1]:.3f}], b = {b:.3f}")

    predicted, model, history = library_perceptron(x_train, y_train, x_test, seed, epochs["library"])
    library_accuracy = accuracy(predicted, y_test.ravel())
    weight, bias = model.get_weights()
    label = f"one Dense neuron (cross-entropy, Adam, {len(history.epoch)} epochs)"
    print(f"  {label:<{LABEL}} {library_accuracy:.3f}   class 1 for {predicted.mean():4.0%} of the points,"
          f" w = [{weight[0, 0]:.3f}, {weight[1, 0]:.3f}], b = {bias[0]:.3f}")
    return {"radius": radius, "majority_rate": majority, "scratch_accuracy": scratch_accuracy,
            "library_accuracy": library_accuracy, "model": model, "scaler": scaler,
            "x_test": scaler.inverse_transform(x_test), "y_test": y_test}


def neuron_line(model, scaler):
    """The neuron's boundary z = 0 in the plot's units, as (a₁, a₂, a₀) of a₁ x + a₂ y + a₀ = 0.

    The neuron sees standardized inputs (x − m) / s, so z = Σ wᵢ (xᵢ − mᵢ) / sᵢ + b:
    aᵢ = wᵢ / sᵢ and a₀ = b − Σ wᵢ mᵢ / sᵢ.
    """
    weight, bias = model.get_weights()
    a = weight[:, 0] / scaler.std
    return float(a[0]), float(a[1]), float(bias[0] - np.sum(a * scaler.mean))


def boundary_caption(model, scaler, x, result):
    """A note for the picture when the line σ(z) = 0.5 falls outside it (and so is not drawn), else None."""
    lo, hi = x.min(axis=0), x.max(axis=0)
    margin = 0.08 * (hi - lo)  # the view of plot_decision_boundary
    corners = np.array([[px, py] for px in (lo[0] - margin[0], hi[0] + margin[0])
                        for py in (lo[1] - margin[1], hi[1] + margin[1])])
    a1, a2, a0 = neuron_line(model, scaler)
    z = corners @ np.array([a1, a2]) + a0
    if z.min() < 0.0 < z.max():
        return None  # a straight line crosses the square when the corners are on both sides of it
    side = int(z[0] > 0)
    distance = abs(a0) / max(np.hypot(a1, a2), 1e-300)
    line = f"{a1:.3f}·x {'−' if a2 < 0 else '+'} {abs(a2):.3f}·y {'−' if a0 < 0 else '+'} {abs(a0):.3f} = 0"
    return (f"No boundary in view: the neuron's line σ(z) = 0.5, {line}, lies "
            f"{distance:.3g} from the centre,\noutside the square; the neuron predicts class {side} "
            f"everywhere here, which is right for {result['majority_rate']:.0%} of the points.")


def save_plots(folder, results):
    from matplotlib.lines import Line2D
    from matplotlib.patches import Circle

    os.makedirs(folder, exist_ok=True)
    paths = {}
    for name, result in results.items():
        model, scaler = result["model"], result["scaler"]
        fig = am.viz.plot_decision_boundary(lambda points: model.predict(scaler.transform(points)),
                                            result["x_test"], result["y_test"])
        ax = fig.axes[0]
        ax.add_patch(Circle((0.0, 0.0), result["radius"], fill=False, ls="--", lw=1.2, color="black",
                            label="true boundary"))
        caption = boundary_caption(model, scaler, result["x_test"], result)
        handles = ax.get_legend_handles_labels()[0]
        if caption is None:  # plot_decision_boundary drew the line σ = 0.5 in black
            handles.append(Line2D([], [], color="black", lw=1.5, label="the neuron's boundary"))
        ax.legend(handles=handles, loc="upper right", framealpha=0.9)
        ax.set(aspect="equal", xlabel="x", ylabel="y")
        ax.set_title(f"one sigmoid neuron, class 1 inside x² + y² < {result['radius']:.2f}²\n"
                     f"test accuracy {result['library_accuracy']:.3f}, "
                     f"always the larger class {result['majority_rate']:.3f}", fontsize=10)
        if caption:
            fig.supxlabel(caption, fontsize=8, ha="center")
        paths[name] = am.viz.save_figure(fig, os.path.join(folder, f"perceptron_circle_{name}.png"))
    return paths


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer epochs (for the test suite)")
    parser.add_argument("--plots", metavar="DIR", default=OUTPUT,
                        help="folder for the pictures (default: examples/output/perceptron_circle; needs matplotlib)")
    parser.add_argument("--no-plots", dest="plots", action="store_const", const=None, help="draw no pictures")
    parser.add_argument("--seed", type=int, default=0, help="seed of the data and the initial weights")
    args = parser.parse_args(argv)
    epochs = QUICK_EPOCHS if args.quick else EPOCHS

    linear = load_linear_perceptron()
    print(f"{N_TRAIN} training points and {N_TEST} test points uniform in [-1, 1]², class 1 when x² + y² < r²")
    results = {name: run_radius(name, radius, linear, args.seed, epochs) for name, radius in RADII.items()}
    print()
    print(REASON)

    paths = {}
    if args.plots:
        if importlib.util.find_spec("matplotlib") is None:
            print("no pictures: matplotlib is not installed (pip install autograd_mlp[plot])")
        else:
            paths = save_plots(args.plots, results)
            print(f"pictures written to {args.plots}")
    return {**results, "plots": paths}


if __name__ == "__main__":
    main(sys.argv[1:])
