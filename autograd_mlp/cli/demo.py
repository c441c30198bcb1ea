"""``autograd-mlp demo``: the course in about a minute (a few seconds with ``--quick``).

1. The worked example ("Back propagation - Example"): one training step of
   the 2-2-2 sigmoid network by the course's hand-derived formulas
   (:func:`autograd_mlp.reference.trace`), then the same step by the
   library's automatic differentiation, and the largest difference between
   the two sets of gradients and updated weights.
2. The perceptron exercise: one sigmoid neuron on standardized inputs,
   trained on points of [0, 100]² whose class is x + y ≥ 100 (a straight
   boundary), then on points inside or outside a circle (a boundary no
   straight line can follow), and a multi-layer perceptron on the circle.
   Each prints its accuracy on test points it never saw.
3. Pictures in the ``--out`` folder, when matplotlib and Graphviz's ``dot``
   are installed: training curves, decision boundaries, the worked example
   drawn neuron by neuron, and the MLP's layer diagram.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

import numpy as np

from .. import data, losses, reference
from ..models import Sequential
from ..nn import Dense
from ..nn.init import set_seed
from ..optim import SGD, Adam
from ..viz import draw_network, plot_decision_boundary, plot_history, plot_model, render
from ..viz.rendering import dot_available
from .loading import matplotlib_available, prepare_output_dir

__all__ = ["run", "Settings", "FULL", "QUICK", "worked_example_step", "Experiment", "run_experiment"]

#: The largest difference between hand-derived and autodiff numbers still called "the same".
AGREEMENT = 1e-12


@dataclass(frozen=True)
class Settings:
    """How much work the demo does: points per data set, epochs per network, plot resolution."""

    points: int
    perceptron_epochs: int
    mlp_epochs: int
    resolution: int


FULL = Settings(points=1250, perceptron_epochs=150, mlp_epochs=300, resolution=200)
QUICK = Settings(points=300, perceptron_epochs=40, mlp_epochs=80, resolution=60)


def _section(title):
    print()
    print(title)
    print("-" * len(title))


# ------------------------------------------------------------ worked example
def _worked_example_model():
    """The worked example's network as a compiled Sequential, with the course's weights (SGD, λ = 0.1)."""
    ex = reference.worked_example()
    model = Sequential([Dense(2, input_dim=2, activation=ex.activations[0], name="hidden"),
                        Dense(2, activation=ex.activations[1], name="output")], name="worked_example")
    model.set_weights([ex.weights[0], ex.biases[0], ex.weights[1], ex.biases[1]])
    model.compile(loss=ex.loss, optimizer=SGD(ex.learning_rate))
    return model


def _backward(model):
    """Forward and backward pass of the worked example's case; returns the loss (gradients left on the weights)."""
    ex = reference.worked_example()
    model.optimizer.zero_grad()
    loss = losses.get(ex.loss)(ex.y, model(ex.x))
    loss.backward()
    return float(loss.data)


def worked_example_step():
    """One SGD step of the course's worked example by autodiff; returns (largest difference, loss).

    The difference is the largest absolute one between the engine's
    gradients and updated weights and those of the hand-derived
    :func:`autograd_mlp.reference.gradients` and :func:`~autograd_mlp.reference.sgd_step`.
    """
    ex = reference.worked_example()
    by_hand = reference.gradients(ex.x, ex.y, ex.weights, ex.biases, ex.activations, ex.loss)
    new_w, new_b = reference.sgd_step(ex.weights, ex.biases, by_hand.dW, by_hand.db, ex.learning_rate)

    model = _worked_example_model()
    loss = _backward(model)
    grads = [np.asarray(p.grad) for p in model.parameters()]
    model.optimizer.step()
    expected_grads = [by_hand.dW[0], by_hand.db[0], by_hand.dW[1], by_hand.db[1]]
    expected_weights = [new_w[0], new_b[0], new_w[1], new_b[1]]
    difference = max(
        max(float(np.max(np.abs(a - b))) for a, b in zip(grads, expected_grads)),
        max(float(np.max(np.abs(a - b))) for a, b in zip(model.get_weights(), expected_weights)),
    )
    return difference, loss


def _worked_example():
    _section("1. Backpropagation by hand: the course's worked example")
    ex = reference.worked_example()
    print(reference.trace(ex.x, ex.y, ex.weights, ex.biases, ex.activations, ex.loss, ex.learning_rate))
    difference, loss = worked_example_step()
    print()
    same = difference <= AGREEMENT
    print(f"The same step by the library's autodiff (Value graph, backward(), SGD): loss {loss:.4f}; "
          f"gradients and new weights {'agree with' if same else 'DIFFER from'} the hand-derived ones "
          f"(largest difference {difference:.1e}).")
    return same


# ------------------------------------------------------------- experiments
@dataclass
class Experiment:
    """A trained network with its data: test accuracy, history, and what is needed to plot it."""

    name: str
    title: str
    model: Sequential
    standardizer: data.Standardizer
    history: object
    accuracy: float
    majority: float
    x: np.ndarray
    y: np.ndarray

    def predict_raw(self, points):
        """The network's output for points in the data's own units (it was trained on standardized ones)."""
        return self.model.predict(self.standardizer.transform(np.asarray(points, dtype=np.float64)))


def run_experiment(name, title, x, y, hidden, epochs, optimizer, seed):
    """Split 60/20/20 (stratified), standardize with the training rows, train, and measure test accuracy."""
    (x_train, y_train), (x_val, y_val), (x_test, y_test) = data.train_val_test_split(
        x, y, seed=seed, stratify=True)
    scaler = data.Standardizer().fit(x_train)
    set_seed(seed)
    layers = [Dense(units, input_dim=2 if i == 0 else None, activation="relu", name=f"hidden_{i + 1}")
              for i, units in enumerate(hidden)]
    layers.append(Dense(1, input_dim=None if hidden else 2, activation="sigmoid", name="output"))
    model = Sequential(layers, name=name)
    model.compile(loss="binary_crossentropy", optimizer=optimizer, metrics=["accuracy"])
    history = model.fit(scaler.transform(x_train), y_train, epochs=epochs, batch_size=32,
                        validation_data=(scaler.transform(x_val), y_val), verbose=0, seed=seed)
    _, accuracy = model.evaluate(scaler.transform(x_test), y_test)
    majority = float(max(y_test.mean(), 1.0 - y_test.mean()))
    return Experiment(name, title, model, scaler, history, float(accuracy), majority, x, y)


def _boundary_in_data_units(exp):
    """The perceptron's boundary w·(x − m)/s + b = 0 written as x0 + c·x1 = d in the data's units."""
    dense = exp.model.layers[-1]
    w = np.asarray(dense.weight.data)[:, 0] / exp.standardizer.scale
    b = float(np.asarray(dense.bias.data)[0]) - float(w @ exp.standardizer.mean)
    return w[1] / w[0], -b / w[0]


def _experiments(settings, seed):
    _section("2. The perceptron exercise, and why hidden layers")
    x_line, y_line = data.linear_boundary(settings.points, seed=seed)
    x_circle, y_circle = data.circle(settings.points, seed=seed + 1)
    n_train = int(round(0.6 * settings.points))
    print(f"{settings.points} points per data set: {n_train} to train, 20 % to validate, 20 % to test; "
          f"inputs standardized with the training points' mean and std.")
    runs = []
    start = time.perf_counter()
    line = run_experiment("perceptron_linear", "the perceptron on the straight boundary", x_line, y_line, [],
                          settings.perceptron_epochs, SGD(0.1, 0.9), seed)
    slope, offset = _boundary_in_data_units(line)
    print(f"perceptron (one sigmoid neuron) on x + y >= 100:  test accuracy {line.accuracy:.3f}; "
          f"learned boundary x + {slope:.3f} y = {offset:.1f}")
    runs.append(line)
    circle = run_experiment("perceptron_circle", "the perceptron on the circle", x_circle, y_circle, [],
                            settings.perceptron_epochs, SGD(0.1, 0.9), seed)
    print(f"perceptron on the circle x² + y² < r²:             test accuracy {circle.accuracy:.3f} "
          f"(always answering the commoner class: {circle.majority:.3f})")
    runs.append(circle)
    mlp = run_experiment("mlp_circle", "the MLP on the circle", x_circle, y_circle, [16, 16], settings.mlp_epochs,
                         Adam(0.01), seed)
    print(f"MLP 2 -> 16 relu -> 16 relu -> 1 sigmoid on the circle: test accuracy {mlp.accuracy:.3f}")
    runs.append(mlp)
    print(f"(trained in {time.perf_counter() - start:.1f} s)")
    print()
    print("Why the perceptron fails on the circle: one neuron computes σ(w·x + b), and its decision "
          "σ(w·x + b) > 0.5 is w·x + b > 0, one side of a straight line. No straight line separates the "
          "inside of a circle from the outside, so it can hardly beat always answering the commoner class. "
          "Hidden layers bend the boundary: each relu neuron adds a straight piece, and together they "
          "enclose the disc.")
    return runs


# -------------------------------------------------------------------- files
def _write_plots(runs, out, settings, quick):
    _section(f"3. Pictures in {out}")
    written, skipped = [], []
    if matplotlib_available():
        # --quick draws the two pictures that make the point; each figure costs about a second.
        for exp in runs[1:] if quick else runs:
            path = os.path.join(out, f"{exp.name}_boundary.png")
            plot_decision_boundary(exp.predict_raw, exp.x, exp.y, to_file=path, resolution=settings.resolution)
            written.append((path, f"decision regions of {exp.title}"))
        for exp in runs[-1:] if quick else runs:
            path = os.path.join(out, f"{exp.name}_history.png")
            plot_history(exp.history, to_file=path)
            written.append((path, f"training curves of {exp.title}"))
    else:
        skipped.append("training curves and decision boundaries: matplotlib is not installed "
                       "(pip install autograd_mlp[plot])")
    if dot_available():
        path = os.path.join(out, "worked_example_network.svg")
        model = _worked_example_model()
        _backward(model)
        render(draw_network(model, show_grads=True, x=reference.worked_example().x[0]), path)
        written.append((path, "the worked example neuron by neuron: weights, activations and gradients"))
        path = os.path.join(out, "mlp_model.svg")
        plot_model(runs[-1].model, to_file=path, show_shapes=True)
        written.append((path, "the MLP's layers (plot_model)"))
    else:
        skipped.append("network drawings: Graphviz's dot program is not installed "
                       "(apt-get install graphviz, brew install graphviz or conda install graphviz)")
    for path, what in written:
        print(f"wrote {path}: {what}")
    for what in skipped:
        print(f"skipped the {what}")
    return written


def run(args):
    """The demo command: returns 0, or 1 if the autodiff step disagreed with the hand-derived one."""
    settings = QUICK if args.quick else FULL
    out = prepare_output_dir(args.out)
    start = time.perf_counter()
    print("autograd_mlp demo" + (" (quick)" if args.quick else "") + f": seed {args.seed}")
    same = _worked_example()
    runs = _experiments(settings, args.seed)
    _write_plots(runs, out, settings, args.quick)
    print(f"\ndone in {time.perf_counter() - start:.1f} s")
    return 0 if same else 1
