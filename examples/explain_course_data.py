"""Which inputs drive the network? The course's first exercise, with one useless input added.

The data: points (x, y) uniform in [0, 100]², class 1 when x + y ≥ 100 (the
course's linear boundary), plus a third column of pure noise that has nothing
to do with the class.  A small network learns the boundary; the explanations
should then say that x and y matter about equally and that the noise does
not matter at all.

Three answers, from the same trained network:

* exact Shapley values (all 2³ coalitions of the three inputs, a background of
  training rows standing in for "input unknown"), as SHAP would compute them;
* integrated gradients from the mean input (0 after standardization);
* expected gradients over the same background.

Run:  python examples/explain_course_data.py [--quick] [--plots DIR | --no-plots]
The three pictures (importance, summary, one waterfall; needs matplotlib) go
to examples/output/explain_course_data/, or to ``--plots DIR`` (a folder
given without the option name works too).
"""

from __future__ import annotations

import argparse
import os
import importlib.util
import sys

import numpy as np

import autograd_mlp as am
from autograd_mlp import explain
from autograd_mlp.data import Standardizer, linear_boundary, train_val_test_split

FEATURES = ["x", "y", "noise"]
OUTPUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "output", "explain_course_data")


def make_data(n, seed):
    """The linear-boundary points with an independent uniform noise column appended."""
    points, labels = linear_boundary(n, seed=seed)
    noise = np.random.default_rng(seed + 1).uniform(0.0, 100.0, size=(n, 1))
    return np.hstack([points, noise]), labels


def train(x, y, epochs, seed):
    am.set_seed(seed)
    model = am.Sequential([
        am.Dense(6, input_dim=x.shape[1], activation="tanh"),
        am.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer=am.Adam(0.05), loss="binary_crossentropy", metrics=["binary_accuracy"])
    model.fit(x, y, epochs=epochs, batch_size=32, verbose=0, seed=seed)
    return model


def save_plots(folder, shapley):
    """The importance, summary and (for the first explained row) waterfall pictures of ``shapley``."""
    os.makedirs(folder, exist_ok=True)
    paths = {
        "importance": os.path.join(folder, "course_importance.png"),
        "summary": os.path.join(folder, "course_summary.png"),
        "waterfall": os.path.join(folder, "course_waterfall.png"),
    }
    explain.plot_importance(shapley, to_file=paths["importance"])
    explain.plot_summary(shapley, to_file=paths["summary"])
    explain.plot_waterfall(shapley, index=0, to_file=paths["waterfall"])
    return paths


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("output", nargs="?", help="the same as --plots DIR")
    parser.add_argument("--plots", metavar="DIR", default=OUTPUT,
                        help="folder for the pictures (default: examples/output/explain_course_data; needs matplotlib)")
    parser.add_argument("--no-plots", dest="plots", action="store_const", const=None, help="draw no pictures")
    parser.add_argument("--quick", action="store_true", help="a smaller run (for the test suite)")
    args = parser.parse_args(argv)
    n, epochs, explained = (300, 40, 60) if args.quick else (1000, 80, 200)

    x, y = make_data(n, seed=0)
    (x_train, y_train), _, (x_test, y_test) = train_val_test_split(x, y, seed=0)
    scaler = Standardizer().fit(x_train)
    x_train, x_test = scaler.transform(x_train), scaler.transform(x_test)
    model = train(x_train, y_train, epochs, seed=0)
    accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"test loss and accuracy: {accuracy}")

    background = x_train[np.random.default_rng(0).choice(len(x_train), size=50, replace=False)]
    rows = x_test[:explained]
    shapley = explain.shapley_values(model, rows, background, feature_names=FEATURES)
    integrated = explain.integrated_gradients(model, rows, steps=64, feature_names=FEATURES)
    expected = explain.expected_gradients(model, rows, background, samples=100, seed=0, feature_names=FEATURES)

    print(shapley)
    for e in (shapley, integrated, expected):
        scores = ", ".join(f"{name} {score:.4f}" for name, score in zip(FEATURES, e.importance()))
        print(f"{e.method:22s} ranking {e.ranking()}   mean |value|: {scores}")
    gap = np.abs(shapley.completeness_gap()).max()
    print(f"exact Shapley values add up to the output within {gap:.1e}")

    folder, paths = args.output or args.plots, {}
    if folder:
        if importlib.util.find_spec("matplotlib") is None:
            print("no pictures: matplotlib is not installed (pip install autograd_mlp[plot])")
        else:
            paths = save_plots(folder, shapley)
            print(f"pictures written to {folder}")
    return {"shapley": shapley, "integrated": integrated, "expected": expected, "paths": paths}


if __name__ == "__main__":
    main(sys.argv[1:])
