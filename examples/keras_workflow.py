"""The course's Keras program, end to end, step by step as the notes lay it out.

1. Import the packages (the Keras names, from ``autograd_mlp.keras``).
2. Load and process the data set: normalize, split into training (60 %),
   validation (20 %) and test (20 %) sets.
3. Define the structure of the network::

       my_network = Sequential()
       my_network.add(Dense(20, input_dim=10, activation="relu"))
       my_network.add(Dense(4, activation="sigmoid"))

4. Run the learning phase: ``compile(loss="binary_crossentropy",
   optimizer=SGD(0.1, 0.9), metrics=["binary_accuracy"])`` then ``fit`` with
   the validation set and early stopping on the validation loss.
5. Consult the results: ``history.history.keys()``, the curves of loss and
   accuracy, the weights; ``predict`` and ``predict_classes`` on the test
   set; one confusion matrix per output with the course's two risks named,
   alpha (predicting False something that is True) and beta (predicting True
   something that is False).
6. Save the configuration, ``save("My_network.keras")``, load it back with
   ``load_model`` and use it on new cases.

The data: 10 measured features in their own units (different means and
spreads, hence the normalization) and 4 yes/no answers, each a simple
function of the features in standard units z:

    out 0:  z0 + z1 > 0          (a straight boundary)
    out 1:  z2 > z3              (a straight boundary)
    out 2:  z4 · z5 > 0          (same sign: XOR-like, needs the hidden layer)
    out 3:  z6² + z7² < 2 ln 2   (a circle)

and z8, z9 are noise that no answer depends on.  Each answer is true for
about half of the cases.

Run:  python examples/keras_workflow.py [--quick] [--output DIR] [--plots DIR | --no-plots] [--seed N]
My_network.keras, the loss and accuracy curves (needs matplotlib) and the
drawing of the network (needs Graphviz's ``dot``) are written to
examples/output/keras_workflow/; ``--output DIR`` keeps the network
elsewhere, ``--plots DIR`` the pictures.
"""

from __future__ import annotations

# 1. The packages --------------------------------------------------------------
import argparse
import importlib.util
import os
import sys

import numpy as np

from autograd_mlp import set_seed
from autograd_mlp.data import Standardizer, train_val_test_split
from autograd_mlp.keras.callbacks import EarlyStopping
from autograd_mlp.keras.layers import Dense
from autograd_mlp.keras.models import Sequential, load_model
from autograd_mlp.keras.optimizers import SGD
from autograd_mlp.keras.utils import plot_model
from autograd_mlp.metrics import confusion_matrix

N_CASES, MAX_EPOCHS, PATIENCE = 2000, 300, 15
QUICK_N_CASES, QUICK_MAX_EPOCHS, QUICK_PATIENCE = 1000, 60, 4
OUTPUTS = ["z0 + z1 > 0", "z2 > z3", "z4·z5 > 0", "z6² + z7² < 2 ln 2"]
# The features' units: x_j = mean_j + spread_j · z_j.
MEANS = np.array([170.0, 70.0, 0.5, 1000.0, -20.0, 3.0, 37.0, 0.0, 50.0, 12.0])
SPREADS = np.array([10.0, 15.0, 0.1, 200.0, 5.0, 1.0, 0.5, 0.01, 30.0, 4.0])
OUTPUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "output", "keras_workflow")


def make_data(n, seed):
    """x (n, 10) in the features' own units and y (n, 4) of 0/1 answers."""
    z = np.random.default_rng(seed).standard_normal((n, 10))
    y = np.column_stack([
        z[:, 0] + z[:, 1] > 0,
        z[:, 2] > z[:, 3],
        z[:, 4] * z[:, 5] > 0,
        z[:, 6] ** 2 + z[:, 7] ** 2 < 2 * np.log(2),  # P(χ²₂ < 2 ln 2) = ½
    ]).astype(np.float64)
    return MEANS + SPREADS * z, y


def build_network():
    my_network = Sequential(name="my_network")
    my_network.add(Dense(20, input_dim=10, activation="relu"))
    my_network.add(Dense(4, activation="sigmoid"))
    return my_network


def print_confusion(y_true, y_pred):
    """One confusion matrix per output: rows true 0/1, columns predicted 0/1; alpha = C[1, 0], beta = C[0, 1]."""
    matrices = []
    for k, name in enumerate(OUTPUTS):
        c = confusion_matrix(y_true[:, k], y_pred[:, k], labels=[0, 1])
        matrices.append(c)
        print(f"output {k} ({name}): accuracy {np.trace(c) / c.sum():.3f}")
        print("                predicted 0   predicted 1")
        print(f"      true 0    {c[0, 0]:11d}   {c[0, 1]:11d}   <- beta: {c[0, 1]} false cases predicted true")
        print(f"      true 1    {c[1, 0]:11d}   {c[1, 1]:11d}")
        print(f"                          ^ alpha: {c[1, 0]} true cases predicted false")
    return matrices


def save_plots(folder, history, network, best_epoch=None):
    """The loss and accuracy curves and (with Graphviz's dot) the drawing of the network.

    ``best_epoch`` (0-based), when early stopping restored it, is marked on both curves.
    """
    from matplotlib.figure import Figure

    from autograd_mlp.viz import dot_available, save_figure

    os.makedirs(folder, exist_ok=True)
    paths = {}
    # The course's figure: loss and accuracy per epoch, with the validation curves next to them.
    # They have different units (a cross-entropy, a share of right answers), hence a panel each.
    fig = Figure(figsize=(9.6, 3.8), layout="constrained")
    panels = fig.subplots(1, 2)
    quantities = (("loss", "loss", "binary cross-entropy"),
                  ("binary_accuracy", "accuracy", "share of right answers (binary accuracy)"))
    for ax, (key, title, ylabel) in zip(panels, quantities):
        for prefix, label, style in (("", "training", "-"), ("val_", "validation", "--")):
            values = history.history[prefix + key]
            ax.plot(np.arange(1, len(values) + 1), values, style, label=f"{label} ({prefix + key})")
        if best_epoch is not None:
            ax.axvline(best_epoch + 1, color="grey", ls=":", label=f"best epoch ({best_epoch + 1}), restored")
        ax.set(title=title, xlabel="epoch", ylabel=ylabel)
        ax.grid(True, alpha=0.3)
        ax.legend()
    fig.suptitle("Evolution of loss and accuracy during the training")
    paths["history"] = save_figure(fig, os.path.join(folder, "keras_workflow_history.png"))
    if dot_available():
        paths["model"] = os.path.join(folder, "model_plot.png")
        plot_model(network, to_file=paths["model"], show_shapes=True)
    else:
        print("no drawing of the network: Graphviz's dot program is not installed")
    return paths


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer cases and epochs (for the test suite)")
    parser.add_argument("--output", metavar="DIR", default=OUTPUT,
                        help="folder for My_network.keras (default: examples/output/keras_workflow)")
    parser.add_argument("--plots", metavar="DIR", default=OUTPUT,
                        help="folder for the pictures (default: examples/output/keras_workflow; needs matplotlib)")
    parser.add_argument("--no-plots", dest="plots", action="store_const", const=None, help="draw no pictures")
    parser.add_argument("--seed", type=int, default=0, help="seed of the data, the initial weights and the shuffling")
    args = parser.parse_args(argv)
    n, max_epochs, patience = (QUICK_N_CASES, QUICK_MAX_EPOCHS, QUICK_PATIENCE) if args.quick \
        else (N_CASES, MAX_EPOCHS, PATIENCE)

    # 2. Load and process the data set --------------------------------------------
    x, y = make_data(n, args.seed)
    (x_train, y_train), (x_val, y_val), (x_test, y_test) = train_val_test_split(x, y, (0.6, 0.2, 0.2), seed=args.seed)
    print(f"{n} cases: {len(x_train)} for training, {len(x_val)} for validation, {len(x_test)} for the test")
    scaler = Standardizer().fit(x_train)  # the training set's mean and std, applied to all three sets
    x_train, x_val, x_test = scaler.transform(x_train), scaler.transform(x_val), scaler.transform(x_test)
    with np.printoptions(precision=2, suppress=True, linewidth=150):
        print(f"feature means before normalization: {scaler.mean}")
        print(f"feature stds before normalization:  {scaler.std}")
    print(f"share of true answers per output in the training set: {np.round(y_train.mean(axis=0), 2)}")

    # 3. The structure of the network ----------------------------------------------
    set_seed(args.seed)
    my_network = build_network()
    my_network.summary()

    # 4. The learning phase ----------------------------------------------------------
    op_params = SGD(0.1, 0.9)  # learning rate, momentum
    my_network.compile(loss="binary_crossentropy", optimizer=op_params, metrics=["binary_accuracy"])
    stopper = EarlyStopping(monitor="val_loss", patience=patience, restore_best_weights=True)
    my_history = my_network.fit(x_train, y_train, epochs=max_epochs, batch_size=32, verbose=0,
                                validation_data=(x_val, y_val), callbacks=[stopper], seed=args.seed)

    # 5. The results -------------------------------------------------------------------
    print(my_history.history.keys())
    epochs_run = len(my_history.epoch)
    for epoch in sorted({0, epochs_run // 4, epochs_run // 2, epochs_run - 1}):
        row = {key: values[epoch] for key, values in my_history.history.items()}
        print(f"epoch {epoch + 1:3d}  loss {row['loss']:.4f}  binary_accuracy {row['binary_accuracy']:.3f}  "
              f"val_loss {row['val_loss']:.4f}  val_binary_accuracy {row['val_binary_accuracy']:.3f}")
    if stopper.stopped_epoch:
        print(f"early stopping after epoch {stopper.stopped_epoch + 1}: val_loss had not improved for {patience} "
              f"epochs; the weights of the best epoch, {stopper.best_epoch + 1}, are restored")
    else:
        print(f"the {max_epochs} epochs ran to the end (the validation loss kept improving)")
    print("the network's parameters (weight, bias of each layer):",
          [w.shape for w in my_network.get_weights()])
    with np.printoptions(precision=3, suppress=True):
        print(f"output biases: {my_network.layers[-1].bias.data}")

    val_loss, _ = my_network.evaluate(x_val, y_val)
    print(f"validation loss of the final weights: {val_loss:.4f}")
    test_loss, test_accuracy = my_network.evaluate(x_test, y_test)
    print(f"test set: loss {test_loss:.4f}, binary_accuracy {test_accuracy:.3f}")
    probabilities = my_network.predict(x_test)
    classes = my_network.predict_classes(x_test)
    with np.printoptions(precision=3, suppress=True):
        for row in range(3):
            print(f"test case {row}: predict {probabilities[row]} -> predict_classes {classes[row]},"
                  f" true {y_test[row].astype(int)}")
    matrices = print_confusion(y_test.astype(int), classes)

    paths = {}
    if args.plots:
        if importlib.util.find_spec("matplotlib") is None:
            print("no pictures: matplotlib is not installed (pip install autograd_mlp[plot])")
        else:
            restored = stopper.best_epoch if stopper.stopped_epoch else None
            paths = save_plots(args.plots, my_history, my_network, restored)
            print(f"pictures written to {args.plots}")

    # 6. Save the network, load it back, use it on new cases ---------------------------
    os.makedirs(args.output, exist_ok=True)
    path = os.path.join(args.output, "My_network.keras")
    my_network.save(path)
    my_new_network = load_model(path)
    my_new_network.summary()
    x_new, y_new = make_data(5, args.seed + 1)
    new_classes = my_new_network.predict_classes(scaler.transform(x_new))
    print(f"5 new cases: predicted {new_classes.tolist()}")
    print(f"             true      {y_new.astype(int).tolist()}")
    same = np.array_equal(my_new_network.predict(x_test), probabilities)
    print(f"saved to {path}; the loaded network predicts the same outputs: {same}")

    return {"history_keys": list(my_history.history.keys()), "epochs_run": epochs_run,
            "stopped_epoch": stopper.stopped_epoch, "best_epoch": stopper.best_epoch,
            "val_loss": float(val_loss), "test_loss": float(test_loss), "test_accuracy": float(test_accuracy),
            "output_accuracy": [float(np.trace(c) / c.sum()) for c in matrices], "confusion": matrices,
            "split_sizes": (len(x_train), len(x_val), len(x_test)), "path": path,
            "same_predictions": same, "network": my_network, "history": my_history, "plots": paths}


if __name__ == "__main__":
    main(sys.argv[1:])
