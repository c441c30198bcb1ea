"""The course's first exercise: a perceptron that separates points by a straight line.

250 training points (x, y) are drawn uniformly from [0, 100]²; a point is
class 1 when x + y ≥ 100 and class 0 otherwise.  One sigmoid neuron,

    z = w₁ x₁ + w₂ x₂ + b,   ŷ = σ(z) = 1 / (1 + e^(-z)),

learns the boundary twice:

(a) from scratch, numpy only, with the update rule of the course's
    "Tips and real cases" (squared error, sigmoid, one case at a time):

        w_i ← w_i − λ · (ŷ − y) · g'(z) · x_i,    b ← b − λ · (ŷ − y) · g'(z) · 1,

    the inputs normalized with the training set's numpy mean and std, and
    training stopped when the mean squared error falls below a threshold or
    after a maximum number of epochs;
(b) with the library: ``Sequential([Dense(1, input_dim=2, activation="sigmoid")])``,
    ``compile(optimizer=SGD(λ/2), loss="mse")`` and ``fit(..., batch_size=1)``
    (stochastic updates), stopped by the same rule through a callback.
    Keras' mse of one case, (ŷ − y)², has twice the gradient of ½ (ŷ − y)²,
    hence λ/2.  Started from the initial weights of (a) and shown the cases
    in the same order, (b) is the same computation: the final weights of the
    two agree to round-off.

Both print the loss as training goes, the learnt weights, the boundary they
draw in the original units (close to x + y = 100) and the accuracy on 1,000
new random points of the same square.

Run:  python examples/perceptron_linear.py [--quick] [--plots DIR | --no-plots] [--seed N]
The error curves and the decision boundaries are written as PNG files to
examples/output/perceptron_linear/ (needs matplotlib), or to ``--plots DIR``;
``--quick`` is a shorter run for the test suite.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys

import numpy as np

import autograd_mlp as am
from autograd_mlp.callbacks import Callback
from autograd_mlp.data import linear_boundary

N_TRAIN = 250
N_TEST = 1000
LEARNING_RATE = 0.5     # λ of the hand-written rule
LOSS_THRESHOLD = 0.02   # stop when the training MSE is below this ...
MAX_EPOCHS = 200        # ... or after this many epochs
QUICK_MAX_EPOCHS = 12
OUTPUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "output", "perceptron_linear")


# ---------------------------------------------------------------- (a) numpy only
def course_points(n, seed):
    """n points uniform in [0, 100]²; label 1.0 when x + y ≥ 100, else 0.0 (shape (n,))."""
    points = np.random.default_rng(seed).uniform(0.0, 100.0, size=(n, 2))
    labels = (points[:, 0] + points[:, 1] >= 100.0).astype(np.float64)
    return points, labels


def sigmoid(z):
    """σ(z) = 1 / (1 + e^(-z))."""
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_prime(z):
    """g'(z) = σ(z) (1 − σ(z))."""
    s = sigmoid(z)
    return s * (1.0 - s)


def forward(x, w, b):
    """z = x · w + b and ŷ = σ(z), for one case (x of shape (2,)) or a batch (n, 2)."""
    z = x @ w + b
    return z, sigmoid(z)


def update(x, y, w, b, learning_rate):
    """One stochastic step of the course's rule for the case (x, y); returns the new (w, b).

    w_i ← w_i − λ (ŷ − y) g'(z) x_i  and  b ← b − λ (ŷ − y) g'(z), which is
    gradient descent on ½ (ŷ − y)² for this one case.
    """
    z, y_hat = forward(x, w, b)
    step = learning_rate * (y_hat - y) * sigmoid_prime(z)
    return w - step * x, b - step


def initial_parameters(seed):
    """Random initial weights and bias, uniform in [-1, 1]."""
    rng = np.random.default_rng(seed)
    return rng.uniform(-1.0, 1.0, size=2), float(rng.uniform(-1.0, 1.0))


def train_scratch(x, y, w, b, seed, learning_rate=LEARNING_RATE, threshold=LOSS_THRESHOLD, max_epochs=MAX_EPOCHS):
    """Epochs of stochastic updates from (w, b) until the epoch's loss < threshold or max_epochs.

    Each epoch visits the cases in a new random order drawn from ``seed``.
    Returns w, b, the loss of each epoch and the squared error of every
    single update (the "error at each step" the course asks to plot).  An
    epoch's loss is the mean of its updates' squared errors, each measured just
    before its update, which is what Keras' ``fit`` reports as ``loss``.
    """
    order = np.random.default_rng(seed)
    epoch_losses, step_errors = [], []
    for _ in range(max_epochs):
        for i in order.permutation(len(x)):
            step_errors.append(float((forward(x[i], w, b)[1] - y[i]) ** 2))
            w, b = update(x[i], y[i], w, b, learning_rate)
        epoch_losses.append(float(np.mean(step_errors[-len(x):])))
        if epoch_losses[-1] < threshold:
            break
    return w, b, epoch_losses, step_errors


def boundary_in_original_units(w, b, mean, std):
    """The line σ(z) = ½, i.e. z = 0, written as x + k·y = c in the unnormalized coordinates.

    With x' = (x − m) / s per column, w₁ x' + w₂ y' + b = 0 is
    (w₁/s₁) x + (w₂/s₂) y = w₁ m₁/s₁ + w₂ m₂/s₂ − b; dividing by w₁/s₁ gives
    k = (w₂ s₁) / (w₁ s₂) and c.  The true boundary has k = 1, c = 100.
    """
    a1, a2 = w[0] / std[0], w[1] / std[1]
    const = a1 * mean[0] + a2 * mean[1] - b
    return float(a2 / a1), float(const / a1)


def epochs_to_print(count):
    """A few epoch numbers (1, 2, 5, 10, 20, 50, ...) and the last one, not hundreds of lines."""
    marks = {1, count}
    step = 1
    while step <= count:
        marks.update(m for m in (step, 2 * step, 5 * step) if m <= count)
        step *= 10
    return sorted(marks)


def print_losses(losses):
    for epoch in epochs_to_print(len(losses)):
        print(f"  epoch {epoch:4d}   mse {losses[epoch - 1]:.4f}")


def part_a(x_train, y_train, x_test, y_test, w0, b0, seed, max_epochs):
    print("=" * 20, "(a) from scratch, numpy only", "=" * 20)
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)  # training statistics, reused for the test points
    w, b, losses, step_errors = train_scratch((x_train - mean) / std, y_train, w0, b0, seed, max_epochs=max_epochs)
    print_losses(losses)
    reason = f"loss below {LOSS_THRESHOLD}" if losses[-1] < LOSS_THRESHOLD else f"maximum of {max_epochs} epochs"
    print(f"  stopped after {len(losses)} epochs ({reason}), {len(step_errors)} updates")
    print(f"  weights w = [{w[0]:.6f}, {w[1]:.6f}], bias b = {b:.6f}")
    k, c = boundary_in_original_units(w, b, mean, std)
    print(f"  boundary: x + {k:.3f}·y = {c:.2f}   (true: x + y = 100)")
    predicted = forward((x_test - mean) / std, w, b)[1] > 0.5
    accuracy = float(np.mean(predicted == (y_test > 0.5)))
    print(f"  test accuracy on {len(x_test)} new points: {accuracy:.3f}")
    return {"w": w, "b": b, "losses": losses, "step_errors": step_errors, "boundary": (k, c),
            "mean": mean, "std": std, "test_accuracy": accuracy}


# ---------------------------------------------------------------- (b) the library
class StopBelow(Callback):
    """Stop ``fit`` at the end of the first epoch whose training loss is below ``threshold``."""

    def __init__(self, threshold):
        super().__init__()
        self.threshold = threshold

    def on_epoch_end(self, epoch, logs=None):
        if logs["loss"] < self.threshold:
            self.model.stop_training = True


def part_b(x_test, y_test, w0, b0, seed, max_epochs):
    print("=" * 20, "(b) the library: Sequential + Dense + SGD", "=" * 20)
    x_train, y_train = linear_boundary(N_TRAIN, seed=seed)  # the same points as (a)
    scaler = am.data.Standardizer().fit(x_train)             # the same numpy mean and std
    model = am.Sequential([am.Dense(1, input_dim=2, activation="sigmoid")])
    model.summary()
    # The initial weights of (a), and fit(seed=...) shuffles the cases in the order (a) used:
    # the two runs are then one computation, and their weights agree to round-off.
    model.set_weights([w0.reshape(2, 1), np.array([b0])])
    # Keras' mse of one case is (ŷ − y)², with twice the gradient of ½ (ŷ − y)²: λ/2 makes the same steps.
    model.compile(optimizer=am.SGD(LEARNING_RATE / 2), loss="mse", metrics=["binary_accuracy"])
    history = model.fit(scaler.transform(x_train), y_train, epochs=max_epochs, batch_size=1, verbose=0,
                        seed=seed, callbacks=[StopBelow(LOSS_THRESHOLD)])
    losses = history.history["loss"]
    print_losses(losses)
    print(f"  stopped after {len(losses)} epochs, {len(losses) * N_TRAIN} updates")
    weight, bias = model.get_weights()
    w, b = weight[:, 0], float(bias[0])
    print(f"  weights w = [{w[0]:.6f}, {w[1]:.6f}], bias b = {b:.6f}")
    k, c = boundary_in_original_units(w, b, scaler.mean, scaler.std)
    print(f"  boundary: x + {k:.3f}·y = {c:.2f}   (true: x + y = 100)")
    loss, accuracy = model.evaluate(scaler.transform(x_test), y_test.reshape(-1, 1))
    print(f"  test accuracy on {len(x_test)} new points: {accuracy:.3f}")
    return {"model": model, "scaler": scaler, "history": history, "losses": losses, "w": w, "b": b,
            "boundary": (k, c), "test_accuracy": float(accuracy)}


# ---------------------------------------------------------------- pictures
def save_plots(folder, scratch, library, x_test, y_test):
    from matplotlib.figure import Figure

    os.makedirs(folder, exist_ok=True)
    paths = {}
    fig = Figure(figsize=(9, 3.4), layout="constrained")
    left, right = fig.subplots(1, 2)
    # Thousands of updates whose errors span many decades: drawn as a line they
    # fill a solid band, so each update is a faint dot and the trend a moving mean.
    errors = np.asarray(scratch["step_errors"])
    updates = np.arange(1, len(errors) + 1)
    window = min(N_TRAIN, len(errors))  # one epoch's worth of updates
    recent = np.lib.stride_tricks.sliding_window_view(errors, window)
    left.scatter(updates, np.maximum(errors, 1e-12), s=2, color="tab:blue", alpha=0.25, linewidths=0,
                 rasterized=True, label="each update")
    left.plot(updates[window - 1:], recent.mean(axis=1), color="tab:red", lw=1.8,
              label=f"mean of the last {window} (the mse)")
    left.plot(updates[window - 1:], np.median(recent, axis=1), color="black", lw=1.8,
              label=f"median of the last {window}")
    left.set(title="squared error of each update", xlabel="update", ylabel="(ŷ − y)²  (log scale)",
             yscale="log", ylim=(1e-12, 2.0))
    left.legend(loc="lower left", markerscale=6)
    right.plot(np.arange(1, len(scratch["losses"]) + 1), scratch["losses"], marker="o", ms=3)
    right.axhline(LOSS_THRESHOLD, color="grey", ls="--", label="stopping threshold")
    right.set(title="training mse per epoch", xlabel="epoch", ylabel="mean of (ŷ − y)² over the epoch")
    right.legend()
    paths["scratch_error"] = am.viz.save_figure(fig, os.path.join(folder, "perceptron_scratch_error.png"))

    def scratch_model(points):
        return forward((points - scratch["mean"]) / scratch["std"], scratch["w"], scratch["b"])[1]

    def library_model(points):
        return library["model"].predict(library["scaler"].transform(points))

    paths["scratch_boundary"] = os.path.join(folder, "perceptron_scratch_boundary.png")
    am.viz.plot_decision_boundary(scratch_model, x_test, y_test, to_file=paths["scratch_boundary"])
    paths["library_history"] = os.path.join(folder, "perceptron_library_history.png")
    am.viz.plot_history(library["history"], to_file=paths["library_history"])
    paths["library_boundary"] = os.path.join(folder, "perceptron_library_boundary.png")
    am.viz.plot_decision_boundary(library_model, x_test, y_test, to_file=paths["library_boundary"])
    return paths


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer epochs at most (for the test suite)")
    parser.add_argument("--plots", metavar="DIR", default=OUTPUT,
                        help="folder for the pictures (default: examples/output/perceptron_linear; needs matplotlib)")
    parser.add_argument("--no-plots", dest="plots", action="store_const", const=None, help="draw no pictures")
    parser.add_argument("--seed", type=int, default=0, help="seed of the data and the initial weights")
    args = parser.parse_args(argv)
    max_epochs = QUICK_MAX_EPOCHS if args.quick else MAX_EPOCHS

    x_train, y_train = course_points(N_TRAIN, args.seed)
    x_test, y_test = course_points(N_TEST, args.seed + 1)  # new points, not in the training set
    print(f"{N_TRAIN} training points, {int(y_train.sum())} of class 1; {N_TEST} test points")
    w0, b0 = initial_parameters(args.seed + 2)
    print(f"initial weights w = [{w0[0]:.4f}, {w0[1]:.4f}], bias b = {b0:.4f}")
    scratch = part_a(x_train, y_train, x_test, y_test, w0, b0, args.seed, max_epochs)
    library = part_b(x_test, y_test, w0, b0, args.seed, max_epochs)
    print()
    gap = max(np.max(np.abs(scratch["w"] - library["w"])), abs(scratch["b"] - library["b"]))
    print(f"largest difference between the final weights of (a) and (b): {gap:.1e}")
    print(f"test accuracy: from scratch {scratch['test_accuracy']:.3f}, library {library['test_accuracy']:.3f}")

    paths = {}
    if args.plots:
        if importlib.util.find_spec("matplotlib") is None:
            print("no pictures: matplotlib is not installed (pip install autograd_mlp[plot])")
        else:
            paths = save_plots(args.plots, scratch, library, x_test, y_test)
            print(f"pictures written to {args.plots}")
    return {"scratch": scratch, "library": library, "weight_gap": float(gap), "plots": paths}


if __name__ == "__main__":
    main(sys.argv[1:])
