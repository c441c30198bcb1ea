"""Which measurements drive a tumour classifier? Shapley values on scikit-learn's breast cancer data.

569 tumours, 30 measurements each (radius, texture, concavity ... of the cell
nuclei), labelled malignant (0) or benign (1).  A small network is trained
for a few seconds on standardized data, then explained:

* sampled Shapley values (30 features are too many for the 2³⁰ coalitions of
  the exact method; random feature orders estimate the same values, with a
  standard error for each);
* expected gradients over the same background, as a cross-check of the ranking.

Needs scikit-learn (``pip install autograd_mlp[examples]``) for the data only.

Run:  python examples/explain_breast_cancer.py [--quick] [--plots DIR | --no-plots]
The three pictures (needs matplotlib) go to
examples/output/explain_breast_cancer/, or to ``--plots DIR`` (a folder
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
from autograd_mlp.data import Standardizer, train_val_test_split

OUTPUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "output", "explain_breast_cancer")


def load():
    try:
        from sklearn.datasets import load_breast_cancer
    except ImportError:
        raise SystemExit("this example needs scikit-learn for its data: pip install autograd_mlp[examples]") from None
    data = load_breast_cancer()
    return data.data, data.target.reshape(-1, 1).astype(np.float64), [str(n) for n in data.feature_names]


def save_plots(folder, shapley):
    """The importance and summary of the 15 strongest measurements, and the first tumour's waterfall."""
    os.makedirs(folder, exist_ok=True)
    paths = {
        "importance": os.path.join(folder, "breast_cancer_importance.png"),
        "summary": os.path.join(folder, "breast_cancer_summary.png"),
        "waterfall": os.path.join(folder, "breast_cancer_waterfall.png"),
    }
    explain.plot_importance(shapley, to_file=paths["importance"], max_display=15)
    explain.plot_summary(shapley, to_file=paths["summary"], max_display=15)
    explain.plot_waterfall(shapley, index=0, to_file=paths["waterfall"])
    return paths


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("output", nargs="?", help="the same as --plots DIR")
    parser.add_argument("--plots", metavar="DIR", default=OUTPUT,
                        help="folder for the pictures (default: examples/output/explain_breast_cancer;"
                             " needs matplotlib)")
    parser.add_argument("--no-plots", dest="plots", action="store_const", const=None, help="draw no pictures")
    parser.add_argument("--quick", action="store_true", help="a smaller run (for the test suite)")
    args = parser.parse_args(argv)
    epochs, explained, permutations, background_rows = (15, 20, 6, 12) if args.quick else (60, 50, 16, 30)

    x, y, names = load()
    (x_train, y_train), (x_val, y_val), (x_test, y_test) = train_val_test_split(x, y, seed=0, stratify=True)
    scaler = Standardizer().fit(x_train)
    x_train, x_val, x_test = (scaler.transform(part) for part in (x_train, x_val, x_test))

    am.set_seed(0)
    model = am.Sequential([
        am.Dense(16, input_dim=x.shape[1], activation="relu"),
        am.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer=am.Adam(0.01), loss="binary_crossentropy", metrics=["binary_accuracy"])
    model.fit(x_train, y_train, epochs=epochs, batch_size=32, verbose=0, seed=0, validation_data=(x_val, y_val))
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"test accuracy {accuracy:.3f} (loss {loss:.3f}) on {len(x_test)} tumours")

    background = x_train[np.random.default_rng(0).choice(len(x_train), size=background_rows, replace=False)]
    rows = x_test[:explained]
    shapley = explain.permutation_shapley(model, rows, background, n_permutations=permutations, seed=0,
                                          feature_names=names)
    expected = explain.expected_gradients(model, rows, background, samples=200, seed=0, feature_names=names)

    importance = shapley.importance()
    print(f"\nmost important measurements (mean |Shapley value| over {explained} test tumours, "
          f"{permutations} antithetic order pairs per tumour):")
    for rank, name in enumerate(shapley.ranking()[:8], start=1):
        i = names.index(name)
        error = shapley.std_errors[:, i].mean()
        print(f"  {rank}. {name:25s} {importance[i]:.4f}   (mean standard error {error:.4f})")
    top_shapley, top_gradients = set(shapley.ranking()[:8]), set(expected.ranking()[:8])
    print(f"expected gradients agree on {len(top_shapley & top_gradients)} of the top 8")
    print(f"sampled Shapley values add up to the output within {np.abs(shapley.completeness_gap()).max():.1e}")

    folder, paths = args.output or args.plots, {}
    if folder:
        if importlib.util.find_spec("matplotlib") is None:
            print("no pictures: matplotlib is not installed (pip install autograd_mlp[plot])")
        else:
            paths = save_plots(folder, shapley)
            print(f"pictures written to {folder}")
    return {"shapley": shapley, "expected": expected, "accuracy": accuracy, "paths": paths}


if __name__ == "__main__":
    main(sys.argv[1:])
