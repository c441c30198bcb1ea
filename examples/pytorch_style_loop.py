"""Train a small network with the PyTorch-style loop: zero_grad, backward, step.

The data are two interleaving half circles ("two moons"), drawn with numpy:
no straight line separates them, so the hidden layer has real work to do.
The model is a ``Sequential`` of ``Dense`` layers; each epoch shuffles the
cases and walks through them in mini-batches of 32:

    optimizer.zero_grad()
    loss = binary_crossentropy(y_batch, model(x_batch))
    loss.backward()
    optimizer.step()

Run:  python examples/pytorch_style_loop.py [--epochs N] [--batch-size N] [--seed N]
"""

import argparse
import sys

import numpy as np

from autograd_mlp import Adam, Dense, Sequential, losses, no_grad, set_seed


def two_moons(n, noise, rng):
    """n points on two interleaving half circles with Gaussian noise; labels 0 (upper) and 1 (lower)."""
    angles = rng.uniform(0.0, np.pi, size=n)
    labels = rng.integers(0, 2, size=n)
    upper = np.column_stack([np.cos(angles), np.sin(angles)])
    lower = np.column_stack([1.0 - np.cos(angles), 0.5 - np.sin(angles)])
    x = np.where(labels[:, None] == 0, upper, lower) + rng.normal(0.0, noise, size=(n, 2))
    return x, labels.astype(np.float64)


def accuracy(model, x, y):
    with no_grad():
        p = model.eval()(x).data.ravel()
    model.train()
    return float(np.mean((p > 0.5) == (y > 0.5)))


def main(epochs=60, batch_size=32, seed=0, verbose=True):
    """Train, print the loss every few epochs and the final accuracies; return the history."""
    rng = np.random.default_rng(seed)
    set_seed(seed)  # the initial weights
    x_train, y_train = two_moons(400, 0.1, rng)
    x_test, y_test = two_moons(200, 0.1, rng)

    model = Sequential([
        Dense(16, input_dim=2, activation="tanh"),
        Dense(16, activation="tanh"),
        Dense(1, activation="sigmoid"),
    ])
    optimizer = Adam(model.parameters(), lr=0.01)

    history = []
    for epoch in range(1, epochs + 1):
        order = rng.permutation(len(x_train))
        total = 0.0
        for start in range(0, len(order), batch_size):
            batch = order[start:start + batch_size]
            optimizer.zero_grad()
            loss = losses.binary_crossentropy(y_train[batch], model(x_train[batch]))
            loss.backward()
            optimizer.step()
            total += loss.item() * len(batch)
        history.append(total / len(x_train))
        if verbose and (epoch == 1 or epoch % 10 == 0):
            print(f"epoch {epoch:3d}  loss {history[-1]:.4f}")

    train_acc, test_acc = accuracy(model, x_train, y_train), accuracy(model, x_test, y_test)
    if verbose:
        print(f"final accuracy: train {train_acc:.3f}, test {test_acc:.3f}")
    return {"loss": history, "train_accuracy": train_acc, "test_accuracy": test_acc}


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=60, help="passes over the training set (default 60)")
    parser.add_argument("--batch-size", type=int, default=32, help="cases per update (default 32)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the data, the weights and the shuffling")
    args = parser.parse_args(argv)
    if args.epochs < 1 or args.batch_size < 1:
        parser.error(f"--epochs and --batch-size must be at least 1, got {args.epochs} and {args.batch_size}")
    return args


if __name__ == "__main__":
    options = parse_args(sys.argv[1:])
    main(epochs=options.epochs, batch_size=options.batch_size, seed=options.seed)
