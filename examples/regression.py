"""Regression: a network that learns a function from noisy samples.

The course's losses for regression are ``mean_squared_error`` and
``mean_absolute_error``, and ``predict`` is how a regression network is used.
Here the function is

    f(x) = sin(2x) on [-π, π],   observed as y = f(x) + ε,  ε ~ N(0, 0.1²),

two full periods that no straight line follows.  A network of two hidden
layers of 32 tanh neurons and one linear output neuron is trained with the
mean squared error and Adam on 60 % of the samples (20 % validate, 20 %
test), the inputs normalized with the training set's mean and std.

The noise sets a floor: even f itself has a test mse of about 0.1² = 0.01 on
the noisy targets.  The program prints the test mse and mae next to that
floor, the error against the noise-free f, and a few predictions next to the
truth.

Run:  python examples/regression.py [--quick] [--plots DIR | --no-plots] [--seed N]
The fitted curve and the training curves are written to
examples/output/regression/ (needs matplotlib), or to ``--plots DIR``.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys

import numpy as np

import autograd_mlp as am
from autograd_mlp.data import Standardizer, train_val_test_split

NOISE = 0.1
N_SAMPLES, EPOCHS = 1000, 300
QUICK_N_SAMPLES, QUICK_EPOCHS = 800, 100
OUTPUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "output", "regression")


def f(x):
    """The function to learn."""
    return np.sin(2.0 * x)


def make_data(n, seed):
    """x uniform in [-π, π], shape (n, 1); y = f(x) + N(0, NOISE²), shape (n, 1)."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-np.pi, np.pi, size=(n, 1))
    return x, f(x) + rng.normal(0.0, NOISE, size=(n, 1))


def build_model():
    return am.Sequential([
        am.Dense(32, input_dim=1, activation="tanh"),
        am.Dense(32, activation="tanh"),
        am.Dense(1, activation="linear"),  # a regression output: any real number
    ], name="regression")


def save_plots(folder, model, scaler, history, x_test, y_test):
    from matplotlib.figure import Figure

    os.makedirs(folder, exist_ok=True)
    grid = np.linspace(-np.pi, np.pi, 400).reshape(-1, 1)
    fig = Figure(figsize=(6.4, 4.0), layout="constrained")
    ax = fig.subplots()
    ax.scatter(x_test[:, 0], y_test[:, 0], s=8, color="grey", label="test samples")
    ax.plot(grid[:, 0], f(grid)[:, 0], color="black", lw=1, label="f(x) = sin(2x)")
    ax.plot(grid[:, 0], model.predict(scaler.transform(grid))[:, 0], color="tab:red", lw=2, label="network")
    ax.set_xlabel("x")
    ax.legend()
    paths = {"fit": am.viz.save_figure(fig, os.path.join(folder, "regression_fit.png")),
             "history": os.path.join(folder, "regression_history.png")}
    am.viz.plot_history(history, to_file=paths["history"])
    return paths


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer samples and epochs (for the test suite)")
    parser.add_argument("--plots", metavar="DIR", default=OUTPUT,
                        help="folder for the pictures (default: examples/output/regression; needs matplotlib)")
    parser.add_argument("--no-plots", dest="plots", action="store_const", const=None, help="draw no pictures")
    parser.add_argument("--seed", type=int, default=0, help="seed of the data, the initial weights and the shuffling")
    args = parser.parse_args(argv)
    n, epochs = (QUICK_N_SAMPLES, QUICK_EPOCHS) if args.quick else (N_SAMPLES, EPOCHS)

    x, y = make_data(n, args.seed)
    (x_train, y_train), (x_val, y_val), (x_test, y_test) = train_val_test_split(x, y, seed=args.seed)
    scaler = Standardizer().fit(x_train)

    am.set_seed(args.seed)
    model = build_model()
    model.summary()
    model.compile(optimizer=am.Adam(0.01), loss="mean_squared_error", metrics=["mae"])
    history = model.fit(scaler.transform(x_train), y_train, epochs=epochs, batch_size=32, verbose=0,
                        validation_data=(scaler.transform(x_val), y_val), seed=args.seed)
    for epoch in sorted({0, epochs // 10, epochs // 2, epochs - 1}):
        print(f"epoch {epoch + 1:3d}  loss (mse) {history.history['loss'][epoch]:.4f}  "
              f"val_loss {history.history['val_loss'][epoch]:.4f}  val_mae {history.history['val_mae'][epoch]:.4f}")

    test_mse, test_mae = model.evaluate(scaler.transform(x_test), y_test)
    floor = float(np.mean((y_test - f(x_test)) ** 2))
    grid = np.linspace(-np.pi, np.pi, 1001).reshape(-1, 1)
    function_mse = float(np.mean((model.predict(scaler.transform(grid)) - f(grid)) ** 2))
    print(f"test set: mse {test_mse:.4f}, mae {test_mae:.4f}  (f itself: mse {floor:.4f}, the noise floor)")
    print(f"mse against the noise-free f on a grid of [-π, π]: {function_mse:.5f}")

    print("      x      f(x)   predicted")
    points = np.linspace(-3.0, 3.0, 7).reshape(-1, 1)
    predicted = model.predict(scaler.transform(points))
    for xi, truth, guess in zip(points[:, 0], f(points)[:, 0], predicted[:, 0]):
        print(f"  {xi:5.2f}   {truth:7.4f}   {guess:7.4f}")

    paths = {}
    if args.plots:
        if importlib.util.find_spec("matplotlib") is None:
            print("no pictures: matplotlib is not installed (pip install autograd_mlp[plot])")
        else:
            paths = save_plots(args.plots, model, scaler, history, x_test, y_test)
            print(f"pictures written to {args.plots}")
    return {"model": model, "history": history, "test_mse": float(test_mse), "test_mae": float(test_mae),
            "noise_floor": floor, "function_mse": function_mse, "points": points[:, 0],
            "predicted": predicted[:, 0], "plots": paths}


if __name__ == "__main__":
    main(sys.argv[1:])
