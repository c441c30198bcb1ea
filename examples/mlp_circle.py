"""The course's third exercise: hidden layers let the network draw a circle.

The data of ``perceptron_circle.py``: points uniform in [-1, 1]², class 1
when x² + y² < r² with r = √(2/π), so that the classes are balanced and a
single neuron scores about 0.5.  Two hidden layers of 16 tanh neurons in
front of the sigmoid output,

    2 inputs → Dense(16, tanh) → Dense(16, tanh) → Dense(1, sigmoid),

trained with binary cross-entropy and Adam, bend the boundary round the disc
and classify new points correctly 95 % of the time or more.

As the course asks for each exercise, the program then checks the structure
of the network (``summary()``), shows the value of its weights and biases
layer by layer (``weight[j, i]`` is the course's w(j→i), from neuron j of the
layer before to neuron i of this one), and saves them: ``save()`` writes the
model to one file, ``load_model()`` reads it back, and the reloaded model
predicts exactly the same numbers.

Run:  python examples/mlp_circle.py [--quick] [--output DIR] [--plots DIR | --no-plots] [--seed N]
The saved model, the training curves and the decision boundary (needs
matplotlib) and a drawing of the layers (needs Graphviz's ``dot``) are
written to examples/output/mlp_circle/; ``--output DIR`` keeps the model
elsewhere, ``--plots DIR`` the pictures.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys

import numpy as np

import autograd_mlp as am
from autograd_mlp.data import Standardizer, circle

N_TRAIN, N_TEST = 1000, 1000
EPOCHS = 80
QUICK_N_TRAIN, QUICK_EPOCHS = 500, 40
OUTPUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "output", "mlp_circle")


def build_model():
    return am.Sequential([
        am.Dense(16, input_dim=2, activation="tanh", name="hidden_1"),
        am.Dense(16, activation="tanh", name="hidden_2"),
        am.Dense(1, activation="sigmoid", name="output"),
    ], name="mlp_circle")


def print_parameters(model):
    """Each neuron's weights and bias, layer by layer.

    A Dense layer stores ``weight`` as (inputs, neurons), as Keras does:
    ``weight[j, i]`` is w(j→i), so neuron i's incoming weights are column i.
    """
    for layer in model.layers:
        inputs, neurons = layer.weight.shape
        plural = "s" if neurons > 1 else ""
        print(f"{layer.name} ({inputs} inputs → {neurons} neuron{plural}, {layer.activation_name}): "
              f"neuron i's weights w(j→i) for j = 0..{inputs - 1}, then its bias")
        for i in range(neurons):
            weights = np.array2string(layer.weight.data[:, i], precision=3, suppress_small=True,
                                      floatmode="fixed", sign=" ", max_line_width=200)
            print(f"  neuron {i:2d}: {weights}  bias {layer.bias.data[i]:+.3f}")


def save_plots(folder, model, scaler, history, x_test, y_test):
    os.makedirs(folder, exist_ok=True)
    paths = {"history": os.path.join(folder, "mlp_circle_history.png"),
             "boundary": os.path.join(folder, "mlp_circle_boundary.png")}
    am.viz.plot_history(history, to_file=paths["history"])
    am.viz.plot_decision_boundary(lambda points: model.predict(scaler.transform(points)), x_test, y_test,
                                  to_file=paths["boundary"])
    if am.viz.dot_available():
        paths["model"] = os.path.join(folder, "mlp_circle_model.png")
        am.plot_model(model, to_file=paths["model"], show_shapes=True)
    else:
        print("no drawing of the layers: Graphviz's dot program is not installed")
    return paths


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer points and epochs (for the test suite)")
    parser.add_argument("--output", metavar="DIR", default=OUTPUT,
                        help="folder for the saved model (default: examples/output/mlp_circle)")
    parser.add_argument("--plots", metavar="DIR", default=OUTPUT,
                        help="folder for the pictures (default: examples/output/mlp_circle; needs matplotlib)")
    parser.add_argument("--no-plots", dest="plots", action="store_const", const=None, help="draw no pictures")
    parser.add_argument("--seed", type=int, default=0, help="seed of the data, the initial weights and the shuffling")
    args = parser.parse_args(argv)
    n_train, epochs = (QUICK_N_TRAIN, QUICK_EPOCHS) if args.quick else (N_TRAIN, EPOCHS)

    x_train, y_train = circle(n_train, seed=args.seed)
    x_test, y_test = circle(N_TEST, seed=args.seed + 1)
    scaler = Standardizer().fit(x_train)

    am.set_seed(args.seed)
    model = build_model()
    model.summary()
    model.compile(optimizer=am.Adam(0.01), loss="binary_crossentropy", metrics=["binary_accuracy"])
    history = model.fit(scaler.transform(x_train), y_train, epochs=epochs, batch_size=32,
                        validation_split=0.2, verbose=0, seed=args.seed)
    for epoch in sorted({0, epochs // 4, epochs // 2, epochs - 1}):
        logs = {key: values[epoch] for key, values in history.history.items()}
        print(f"epoch {epoch + 1:3d}  loss {logs['loss']:.4f}  accuracy {logs['binary_accuracy']:.3f}  "
              f"val_loss {logs['val_loss']:.4f}  val_accuracy {logs['val_binary_accuracy']:.3f}")
    loss, accuracy = model.evaluate(scaler.transform(x_test), y_test)
    print(f"test accuracy on {N_TEST} new points: {accuracy:.3f} (a single neuron: about 0.5)")

    print()
    print("The weights and biases, layer by layer:")
    print_parameters(model)

    os.makedirs(args.output, exist_ok=True)
    path = os.path.join(args.output, "mlp_circle.keras")
    model.save(path)
    reloaded = am.load_model(path)
    print()
    print(f"saved to {path}; reloaded:")
    reloaded.summary()
    same = np.array_equal(reloaded.predict(scaler.transform(x_test)), model.predict(scaler.transform(x_test)))
    print(f"the reloaded model predicts the same outputs: {same}")

    paths = {}
    if args.plots:
        if importlib.util.find_spec("matplotlib") is None:
            print("no pictures: matplotlib is not installed (pip install autograd_mlp[plot])")
        else:
            paths = save_plots(args.plots, model, scaler, history, x_test, y_test)
            print(f"pictures written to {args.plots}")
    return {"model": model, "reloaded": reloaded, "scaler": scaler, "history": history, "path": path,
            "test_accuracy": float(accuracy), "same_predictions": same, "x_test": x_test, "y_test": y_test,
            "plots": paths}


if __name__ == "__main__":
    main(sys.argv[1:])
