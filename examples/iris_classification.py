"""More than two classes: the iris flowers, with a softmax output.

scikit-learn's bundled iris data set (no download): 150 flowers, 4
measurements each (sepal and petal length and width, in cm), 3 species.
For more than two classes the course names ``categorical_crossentropy``;
with the classes given as indices 0, 1, 2 rather than one-hot rows, its
twin ``sparse_categorical_crossentropy`` takes them as they are.  The output
layer has one neuron per species and a softmax,

    ŷ_k = e^(z_k) / Σ_j e^(z_j),

so the three outputs are probabilities that sum to 1, and ``predict_classes``
returns the species of the largest one.

The flowers are split 60/20/20 with every species in the same proportion in
each set (stratified), the measurements normalized with the training set's
mean and std, and a 4-16-3 network trained with Adam.  The program prints
the test accuracy, the 3×3 confusion matrix (rows: true species, columns:
predicted) and precision, recall and F1 per species.

Needs scikit-learn for the data (``pip install autograd_mlp[examples]``);
without it the program says so and stops.

Run:  python examples/iris_classification.py [--quick] [--plots DIR | --no-plots] [--seed N]
The training curves are written to examples/output/iris_classification/
(needs matplotlib), or to ``--plots DIR``.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys

import numpy as np

import autograd_mlp as am
from autograd_mlp.data import Standardizer, train_val_test_split
from autograd_mlp.metrics import classification_report, confusion_matrix

EPOCHS, QUICK_EPOCHS = 150, 60
OUTPUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "output", "iris_classification")


def load_iris():
    """(x (150, 4), y (150,) class indices, species names, measurement names), or None without scikit-learn."""
    try:
        from sklearn.datasets import load_iris as sklearn_iris
    except ImportError:
        return None
    iris = sklearn_iris()
    return iris.data, iris.target, list(iris.target_names), list(iris.feature_names)


def build_model():
    return am.Sequential([
        am.Dense(16, input_dim=4, activation="tanh"),
        am.Dense(3, activation="softmax"),  # one probability per species
    ], name="iris")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer epochs (for the test suite)")
    parser.add_argument("--plots", metavar="DIR", default=OUTPUT,
                        help="folder for the training curves (default: examples/output/iris_classification;"
                             " needs matplotlib)")
    parser.add_argument("--no-plots", dest="plots", action="store_const", const=None, help="draw no pictures")
    parser.add_argument("--seed", type=int, default=0, help="seed of the split, the initial weights and the shuffling")
    args = parser.parse_args(argv)
    epochs = QUICK_EPOCHS if args.quick else EPOCHS

    data = load_iris()
    if data is None:
        print("this example needs scikit-learn for the iris data: pip install autograd_mlp[examples]")
        return {"skipped": "scikit-learn is not installed"}
    x, y, species, measurements = data
    print(f"{len(x)} flowers, measurements: {', '.join(measurements)}; species: {', '.join(species)}")

    (x_train, y_train), (x_val, y_val), (x_test, y_test) = train_val_test_split(
        x, y, seed=args.seed, stratify=True)
    print(f"{len(x_train)} for training, {len(x_val)} for validation, {len(x_test)} for the test;"
          f" test flowers per species: {np.bincount(y_test, minlength=3).tolist()}")
    scaler = Standardizer().fit(x_train)
    x_train, x_val, x_test = scaler.transform(x_train), scaler.transform(x_val), scaler.transform(x_test)

    am.set_seed(args.seed)
    model = build_model()
    model.summary()
    model.compile(optimizer=am.Adam(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x_train, y_train, epochs=epochs, batch_size=16, verbose=0,
                        validation_data=(x_val, y_val), seed=args.seed)
    print(f"history keys: {list(history.history)}")
    for epoch in sorted({0, epochs // 4, epochs // 2, epochs - 1}):
        row = {key: values[epoch] for key, values in history.history.items()}
        print(f"epoch {epoch + 1:3d}  loss {row['loss']:.4f}  accuracy {row['accuracy']:.3f}  "
              f"val_loss {row['val_loss']:.4f}  val_accuracy {row['val_accuracy']:.3f}")

    test_loss, test_accuracy = model.evaluate(x_test, y_test)
    print(f"test set: loss {test_loss:.4f}, accuracy {test_accuracy:.3f}")
    probabilities = model.predict(x_test)
    predicted = model.predict_classes(x_test)
    with np.printoptions(precision=3, suppress=True):
        for row in range(3):
            print(f"flower {row}: probabilities {probabilities[row]} (sum {probabilities[row].sum():.3f})"
                  f" -> {species[predicted[row]]}, truly {species[y_test[row]]}")

    matrix = confusion_matrix(y_test, predicted, labels=[0, 1, 2])
    width = max(len(name) for name in species)
    print("confusion matrix (rows: true species, columns: predicted)")
    print(" " * (width + 2) + "".join(f"{name:>{width + 2}}" for name in species))
    for name, counts in zip(species, matrix):
        print(f"{name:>{width + 2}}" + "".join(f"{count:>{width + 2}d}" for count in counts))
    print(classification_report(y_test, predicted, target_names=species, digits=3))

    paths = {}
    if args.plots:
        if importlib.util.find_spec("matplotlib") is None:
            print("no pictures: matplotlib is not installed (pip install autograd_mlp[plot])")
        else:
            os.makedirs(args.plots, exist_ok=True)
            paths["history"] = os.path.join(args.plots, "iris_history.png")
            am.viz.plot_history(history, to_file=paths["history"])
            print(f"pictures written to {args.plots}")
    return {"model": model, "history": history, "test_accuracy": float(test_accuracy),
            "test_loss": float(test_loss), "confusion": matrix, "probabilities": probabilities,
            "predicted": predicted, "y_test": y_test, "plots": paths}


if __name__ == "__main__":
    main(sys.argv[1:])
