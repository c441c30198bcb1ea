"""The course's hand-derived backpropagation, in numpy only.

This module is the independent witness the autodiff engine is tested against: it
never imports the engine (nor anything else from the package), and every
gradient below is written out by hand, in the course's notation.

Notation (course layers are numbered l = 1 .. n, the input is a[0] = x):

    z[l] = a[l-1] @ W[l] + b[l]         pre-activation of layer l
    a[l] = g(z[l])                      activation; the prediction is ŷ = a[n]
    e[l] = ∂L/∂z[l]                     the error of layer l
    λ                                   the learning rate

Layout (the library's, as Keras stores a kernel): a batch is row-major (one row
per case), W[l] has shape (inputs, units) and b[l] shape (units,), so the
course's weight w(j→i) from unit j of layer l-1 to unit i of layer l is
``W[l][j, i]``.

The recursion (course, "Back propagation - Last Layer" and "Hidden Layer(s)"):

    e[n]   = ∂L/∂ŷ · g'(z[n])                          output layer
    e[l-1] = g'(z[l-1]) · Σ_k w(j→k)[l] e_k[l]  =  g'(z[l-1]) · (e[l] @ W[l]ᵀ)
    ∂L/∂W[l] = a[l-1]ᵀ @ e[l]      (summed over the rows of the batch)
    ∂L/∂b[l] = Σ_rows e[l]
    W[l] ← W[l] − λ ∂L/∂W[l],   b[l] ← b[l] − λ ∂L/∂b[l]

Python lists hold one entry per layer aligned with ``weights``: index i is the
course's layer l = i + 1, and the course's a[0] is ``x``.

Why this module is longer than 600 lines: it is one witness, read side by side
with the course, and its derivations refer to each other (the forward pass, the
errors layer by layer, the losses' derivatives and the update); split into
files, a reader checking it against the course would lose that one thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, NamedTuple, Sequence

import numpy as np

__all__ = [
    "Activation", "ACTIVATIONS", "get_activation",
    "linear", "relu", "sigmoid", "tanh",
    "linear_prime", "relu_prime", "sigmoid_prime", "tanh_prime",
    "linear_prime_from_a", "relu_prime_from_a", "sigmoid_prime_from_a", "tanh_prime_from_a",
    "Loss", "LOSSES", "get_loss",
    "mean_squared_error", "mean_squared_error_grad",
    "mean_absolute_error", "mean_absolute_error_grad",
    "binary_crossentropy", "binary_crossentropy_grad", "sigmoid_binary_crossentropy_error",
    "forward", "output_error", "backward", "gradients", "BackpropResult",
    "sgd_step", "train_step", "perceptron_update", "trace",
    "WorkedExample", "worked_example",
]


# --------------------------------------------------------------------------- input checks

def _as_float_array(value, what: str) -> np.ndarray:
    """``value`` as a floating numpy array; integers and booleans become float64.

    Strings, objects and complex numbers are refused rather than cast.
    """
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{what} must be a number or an array of numbers, got {type(value).__name__}")
    try:
        arr = np.asarray(value)
    except Exception as exc:  # ragged nested lists and the like
        raise TypeError(f"{what} must be a number or an array of numbers, got {type(value).__name__}") from exc
    if arr.dtype.kind in "biu":
        return arr.astype(np.float64)
    if arr.dtype.kind != "f":
        raise TypeError(f"{what} must hold real numbers, got an array of dtype {arr.dtype}")
    return arr


def _learning_rate(learning_rate) -> float:
    if isinstance(learning_rate, (bool, np.bool_)) or not isinstance(learning_rate, (int, float, np.integer, np.floating)):
        raise TypeError(f"learning_rate must be a real number, got {type(learning_rate).__name__}")
    if not np.isfinite(learning_rate) or learning_rate < 0:
        raise ValueError(f"learning_rate must be finite and >= 0, got {learning_rate}")
    return float(learning_rate)


# --------------------------------------------------------------------------- activations g

def linear(z):
    """g(z) = z."""
    return _as_float_array(z, "z").copy()


def linear_prime(z):
    """g'(z) = 1."""
    z = _as_float_array(z, "z")
    return np.ones_like(z)


def linear_prime_from_a(a):
    """g'(z) = 1, whatever a = z is."""
    a = _as_float_array(a, "a")
    return np.ones_like(a)


def relu(z):
    """g(z) = max(0, z)."""
    z = _as_float_array(z, "z")
    return np.maximum(z, 0).astype(z.dtype)


def relu_prime(z):
    """g'(z) = 1 if z > 0 else 0 (the subgradient chosen at z = 0 is 0)."""
    z = _as_float_array(z, "z")
    return (z > 0).astype(z.dtype)


def relu_prime_from_a(a):
    """g'(z) = 1 if a > 0 else 0, since a = max(0, z) is positive exactly when z is."""
    a = _as_float_array(a, "a")
    return (a > 0).astype(a.dtype)


def sigmoid(z):
    """g(z) = σ(z) = 1 / (1 + e^(−z)).

    Evaluated without overflow: with t = e^(−|z|) ≤ 1,
    σ(z) = 1 / (1 + t) for z ≥ 0 and σ(z) = t / (1 + t) for z < 0.
    """
    z = _as_float_array(z, "z")
    t = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + t), t / (1 + t)).astype(z.dtype)


def sigmoid_prime(z):
    """g'(z) = σ(z) (1 − σ(z)) = σ(z) σ(−z).

    The second form is used: 1 − σ(z) = σ(−z) exactly, and σ(−z) keeps its
    relative precision where 1 − σ(z) would round to 0.
    """
    z = _as_float_array(z, "z")
    return sigmoid(z) * sigmoid(-z)


def sigmoid_prime_from_a(a):
    """g'(z) = a (1 − a) with a = σ(z): the course's form."""
    a = _as_float_array(a, "a")
    return a * (1 - a)


def tanh(z):
    """g(z) = tanh(z) = (e^z − e^(−z)) / (e^z + e^(−z))."""
    z = _as_float_array(z, "z")
    return np.tanh(z)


def tanh_prime(z):
    """g'(z) = 1 − tanh²(z)."""
    z = _as_float_array(z, "z")
    return 1 - np.tanh(z) ** 2


def tanh_prime_from_a(a):
    """g'(z) = 1 − a² with a = tanh(z)."""
    a = _as_float_array(a, "a")
    return 1 - a ** 2


@dataclass(frozen=True)
class Activation:
    """An activation g with its derivative, from z and from a = g(z)."""

    name: str
    g: Callable[[np.ndarray], np.ndarray]
    prime: Callable[[np.ndarray], np.ndarray]
    prime_from_a: Callable[[np.ndarray], np.ndarray]


ACTIVATIONS: dict[str, Activation] = {
    "linear": Activation("linear", linear, linear_prime, linear_prime_from_a),
    "relu": Activation("relu", relu, relu_prime, relu_prime_from_a),
    "sigmoid": Activation("sigmoid", sigmoid, sigmoid_prime, sigmoid_prime_from_a),
    "tanh": Activation("tanh", tanh, tanh_prime, tanh_prime_from_a),
}


def get_activation(name) -> Activation:
    """The activation called ``name`` (one of ``ACTIVATIONS``), or ``name`` if already an Activation."""
    if isinstance(name, Activation):
        return name
    if not isinstance(name, str):
        raise TypeError(f"an activation must be given by name (one of {sorted(ACTIVATIONS)}), got {type(name).__name__}")
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; expected one of {sorted(ACTIVATIONS)}")
    return ACTIVATIONS[name]


# --------------------------------------------------------------------------- losses L(y, ŷ)
# Keras conventions: arguments in the order (y_true, y_pred), and the loss is a
# mean over ALL N elements of ŷ (cases × outputs). The gradient is ∂L/∂ŷ, an
# array shaped like ŷ.

def _pair(y_true, y_pred):
    y = _as_float_array(y_true, "y_true")
    y_hat = _as_float_array(y_pred, "y_pred")
    if y.shape != y_hat.shape:
        raise ValueError(f"y_true and y_pred must have the same shape, got {y.shape} and {y_hat.shape}")
    if y_hat.size == 0:
        raise ValueError("y_pred must hold at least one element, got an empty array")
    return y, y_hat


def mean_squared_error(y_true, y_pred) -> float:
    """L = (1/N) Σ (ŷ − y)², N the number of elements.

    For one case with two outputs this is ½ Σ_j (ŷ_j − y_j)², the course's loss.
    """
    y, y_hat = _pair(y_true, y_pred)
    return float(np.mean((y_hat - y) ** 2))


def mean_squared_error_grad(y_true, y_pred) -> np.ndarray:
    """∂L/∂ŷ = 2 (ŷ − y) / N (= ŷ − y, the course's prediction error, when N = 2)."""
    y, y_hat = _pair(y_true, y_pred)
    return 2 * (y_hat - y) / y_hat.size


def mean_absolute_error(y_true, y_pred) -> float:
    """L = (1/N) Σ |ŷ − y|."""
    y, y_hat = _pair(y_true, y_pred)
    return float(np.mean(np.abs(y_hat - y)))


def mean_absolute_error_grad(y_true, y_pred) -> np.ndarray:
    """∂L/∂ŷ = sign(ŷ − y) / N, with the subgradient 0 where ŷ = y."""
    y, y_hat = _pair(y_true, y_pred)
    return np.sign(y_hat - y) / y_hat.size


def _bce_logs(y_hat):
    # Only zeros need guarding: log(0) = −inf, while any positive float has a
    # finite log. Raising the arguments of the logs to the smallest normal
    # number therefore changes nothing except the exact 0 (or subnormal) cases.
    tiny = np.finfo(y_hat.dtype).tiny
    return np.maximum(y_hat, tiny), np.maximum(1 - y_hat, tiny)


def _bce_pair(y_true, y_pred):
    y, y_hat = _pair(y_true, y_pred)
    if np.any(y_hat < 0) or np.any(y_hat > 1) or np.any(np.isnan(y_hat)):
        raise ValueError(
            "binary_crossentropy needs predictions in [0, 1] (e.g. a sigmoid output), "
            f"got values in [{np.nanmin(y_hat)}, {np.nanmax(y_hat)}]"
        )
    return y, y_hat


def binary_crossentropy(y_true, y_pred) -> float:
    """L = (1/N) Σ −[y log ŷ + (1 − y) log(1 − ŷ)], predictions ŷ in [0, 1].

    The arguments of the two logs are raised to the smallest normal float (about
    2.2e-308 in float64) and nothing more: this only replaces log 0 = −inf by a
    finite −708, and leaves every prediction with finite logs untouched (unlike
    the usual clipping of ŷ to [ε, 1 − ε], which biases confident predictions).
    """
    y, y_hat = _bce_pair(y_true, y_pred)
    p, q = _bce_logs(y_hat)
    return float(np.mean(-(y * np.log(p) + (1 - y) * np.log(q))))


def binary_crossentropy_grad(y_true, y_pred) -> np.ndarray:
    """∂L/∂ŷ = (1/N) [−y/ŷ + (1 − y)/(1 − ŷ)] = (ŷ − y) / (N ŷ (1 − ŷ)).

    Evaluated with ŷ and 1 − ŷ raised to the smallest normal float, as in the
    value, so it stays finite (but huge) at ŷ = 0 or 1.
    """
    y, y_hat = _bce_pair(y_true, y_pred)
    p, q = _bce_logs(y_hat)
    return (-y / p + (1 - y) / q) / y_hat.size


def sigmoid_binary_crossentropy_error(y_true, y_pred) -> np.ndarray:
    """The output error of a sigmoid layer under binary cross-entropy: e[n] = (ŷ − y) / N.

    Since σ'(z) = ŷ (1 − ŷ), the product ∂L/∂ŷ · σ'(z) = (ŷ − y) / (N ŷ (1 − ŷ)) · ŷ (1 − ŷ)
    simplifies to (ŷ − y) / N. The simplified form has no 0 · ∞ when the sigmoid
    saturates (ŷ rounded to exactly 0 or 1), where the product form fails.
    """
    y, y_hat = _bce_pair(y_true, y_pred)
    return (y_hat - y) / y_hat.size


@dataclass(frozen=True)
class Loss:
    """A loss L(y_true, y_pred) with its gradient ∂L/∂ŷ."""

    name: str
    value: Callable[[np.ndarray, np.ndarray], float]
    grad: Callable[[np.ndarray, np.ndarray], np.ndarray]


LOSSES: dict[str, Loss] = {
    "mean_squared_error": Loss("mean_squared_error", mean_squared_error, mean_squared_error_grad),
    "mean_absolute_error": Loss("mean_absolute_error", mean_absolute_error, mean_absolute_error_grad),
    "binary_crossentropy": Loss("binary_crossentropy", binary_crossentropy, binary_crossentropy_grad),
}


def get_loss(name) -> Loss:
    """The loss called ``name`` (one of ``LOSSES``), or ``name`` if already a Loss."""
    if isinstance(name, Loss):
        return name
    if not isinstance(name, str):
        raise TypeError(f"a loss must be given by name (one of {sorted(LOSSES)}), got {type(name).__name__}")
    if name not in LOSSES:
        raise ValueError(f"unknown loss {name!r}; expected one of {sorted(LOSSES)}")
    return LOSSES[name]


# --------------------------------------------------------------------------- the network

def _network(x, weights, biases, activations):
    """Check and convert a network description; returns (x, Ws, bs, [Activation])."""
    x = _as_float_array(x, "x")
    if x.ndim != 2:
        raise ValueError(f"x must be 2-D (cases, inputs), got shape {x.shape}")
    if isinstance(weights, np.ndarray) or not isinstance(weights, Sequence):
        raise TypeError(f"weights must be a list of 2-D arrays, one per layer, got {type(weights).__name__}")
    if isinstance(biases, np.ndarray) or not isinstance(biases, Sequence):
        raise TypeError(f"biases must be a list of 1-D arrays, one per layer, got {type(biases).__name__}")
    if len(weights) == 0:
        raise ValueError("the network needs at least one layer, got no weights")
    if len(biases) != len(weights):
        raise ValueError(f"one bias vector per layer expected: {len(weights)} weights but {len(biases)} biases")
    if isinstance(activations, (str, Activation)):
        activations = [activations] * len(weights)
    if not isinstance(activations, Sequence) or len(activations) != len(weights):
        raise ValueError(f"one activation per layer expected ({len(weights)} layers), got {activations!r}")
    acts = [get_activation(name) for name in activations]
    Ws, bs = [], []
    width = x.shape[1]
    for i, (W, b) in enumerate(zip(weights, biases)):
        W = _as_float_array(W, f"weights[{i}]")
        b = _as_float_array(b, f"biases[{i}]")
        if W.ndim != 2 or W.shape[0] != width:
            raise ValueError(f"weights[{i}] must have shape ({width}, units), got {W.shape}")
        if b.shape != (W.shape[1],):
            raise ValueError(f"biases[{i}] must have shape ({W.shape[1]},), got {b.shape}")
        Ws.append(W)
        bs.append(b)
        width = W.shape[1]
    return x, Ws, bs, acts


def forward(x, weights, biases, activations):
    """Feed forward: z[l] = a[l-1] @ W[l] + b[l], a[l] = g_l(z[l]), with a[0] = x.

    ``activations`` is a list of names (or one name for every layer). Returns
    ``(z, a)``: two lists with one array of shape (cases, units) per layer,
    index i being the course's layer l = i + 1; ``a[-1]`` is the prediction ŷ.
    """
    x, Ws, bs, acts = _network(x, weights, biases, activations)
    zs, As = [], []
    a_prev = x
    for W, b, act in zip(Ws, bs, acts):
        z = a_prev @ W + b
        a_prev = act.g(z)
        zs.append(z)
        As.append(a_prev)
    return zs, As


def output_error(y, z_out, a_out, activation, loss, *, shortcut: bool = True) -> np.ndarray:
    """The output layer's error e[n] = ∂L/∂ŷ · g'(z[n]).

    With a sigmoid output and binary cross-entropy (and ``shortcut``) the
    algebraically equal e[n] = (ŷ − y) / N is returned instead, see
    :func:`sigmoid_binary_crossentropy_error`.
    """
    act, lss = get_activation(activation), get_loss(loss)
    if shortcut and act.name == "sigmoid" and lss.name == "binary_crossentropy":
        return sigmoid_binary_crossentropy_error(y, a_out)
    return lss.grad(y, a_out) * act.prime(z_out)


def backward(x, y, weights, z, a, activations, loss, *, shortcut: bool = True):
    """The course's recursion, from the output layer back to the first.

        e[n]     = ∂L/∂ŷ · g'(z[n])
        e[l-1]   = g'(z[l-1]) · (e[l] @ W[l]ᵀ)          i.e. e_j = g'(z_j) Σ_k w(j→k) e_k
        ∂L/∂W[l] = a[l-1]ᵀ @ e[l]                        (sum over the cases)
        ∂L/∂b[l] = Σ_cases e[l]

    ``z`` and ``a`` are the lists returned by :func:`forward`. Returns
    ``(e, dW, db)``, three lists aligned with ``weights``.
    """
    x = _as_float_array(x, "x")
    acts = [get_activation(name) for name in ([activations] * len(weights)
                                                if isinstance(activations, (str, Activation)) else activations)]
    n = len(weights)
    if not (len(z) == len(a) == len(acts) == n):
        raise ValueError(f"z, a and activations must have one entry per layer ({n}), "
                         f"got {len(z)}, {len(a)} and {len(acts)}")
    y = _as_float_array(y, "y")
    if y.shape != a[-1].shape:
        raise ValueError(f"y must have the shape of the prediction {a[-1].shape}, got {y.shape}")
    es, dWs, dbs = [None] * n, [None] * n, [None] * n
    e = output_error(y, z[-1], a[-1], acts[-1], loss, shortcut=shortcut)
    for i in range(n - 1, -1, -1):
        a_prev = x if i == 0 else a[i - 1]
        es[i] = e
        dWs[i] = a_prev.T @ e
        dbs[i] = e.sum(axis=0)
        if i > 0:
            e = acts[i - 1].prime(z[i - 1]) * (e @ np.asarray(weights[i]).T)
    return es, dWs, dbs


@dataclass
class BackpropResult:
    """Everything one forward and backward pass computes.

    Lists are aligned with the weights: index i is the course's layer l = i + 1.
    ``x`` is the course's a[0]; ``a[-1]`` is the prediction ŷ; ``loss`` is L.
    """

    x: np.ndarray
    y: np.ndarray
    z: list
    a: list
    e: list
    dW: list
    db: list
    loss: float
    loss_name: str
    activations: list

    @property
    def y_pred(self) -> np.ndarray:
        """ŷ = a[n]."""
        return self.a[-1]

    def layer_input(self, i: int) -> np.ndarray:
        """a[l-1] for the layer at index i (``x`` for the first layer)."""
        return self.x if i == 0 else self.a[i - 1]


def gradients(x, y, weights, biases, activations, loss, *, shortcut: bool = True) -> BackpropResult:
    """Forward pass, loss L(y, ŷ) and the course's backward pass, in one result.

    ``loss`` is a Keras loss name (``mean_squared_error``, ``mean_absolute_error``,
    ``binary_crossentropy``); ``shortcut`` uses e[n] = (ŷ − y)/N for a sigmoid
    output under binary cross-entropy (see :func:`output_error`).
    """
    x, Ws, bs, acts = _network(x, weights, biases, activations)
    lss = get_loss(loss)
    z, a = forward(x, Ws, bs, acts)
    y = _as_float_array(y, "y")
    if y.shape != a[-1].shape:
        raise ValueError(f"y must have the shape of the prediction {a[-1].shape}, got {y.shape}")
    value = lss.value(y, a[-1])
    e, dW, db = backward(x, y, Ws, z, a, acts, lss, shortcut=shortcut)
    return BackpropResult(x=x, y=y, z=z, a=a, e=e, dW=dW, db=db, loss=value,
                          loss_name=lss.name, activations=[act.name for act in acts])


def sgd_step(weights, biases, dW, db, learning_rate):
    """Plain gradient descent: W[l] ← W[l] − λ dW[l], b[l] ← b[l] − λ db[l].

    Returns new lists ``(weights, biases)``; the arguments are not modified.
    """
    lr = _learning_rate(learning_rate)
    if not (len(weights) == len(biases) == len(dW) == len(db)):
        raise ValueError(f"weights, biases, dW and db must have one entry per layer, got "
                         f"{len(weights)}, {len(biases)}, {len(dW)} and {len(db)}")
    new_W, new_b = [], []
    for i, (W, b, gW, gb) in enumerate(zip(weights, biases, dW, db)):
        W, gW = _as_float_array(W, f"weights[{i}]"), _as_float_array(gW, f"dW[{i}]")
        b, gb = _as_float_array(b, f"biases[{i}]"), _as_float_array(gb, f"db[{i}]")
        if W.shape != gW.shape or b.shape != gb.shape:
            raise ValueError(f"layer {i}: gradients must match the parameters' shapes, got W {W.shape} "
                             f"with dW {gW.shape} and b {b.shape} with db {gb.shape}")
        new_W.append(W - lr * gW)
        new_b.append(b - lr * gb)
    return new_W, new_b


def train_step(x, y, weights, biases, activations, loss, learning_rate, *, shortcut: bool = True):
    """One step of gradient descent: returns ``(result, new_weights, new_biases)``.

    ``result`` is the :class:`BackpropResult` at the old parameters.
    """
    lr = _learning_rate(learning_rate)
    result = gradients(x, y, weights, biases, activations, loss, shortcut=shortcut)
    new_W, new_b = sgd_step(weights, biases, result.dW, result.db, lr)
    return result, new_W, new_b


# --------------------------------------------------------------------------- the perceptron exercise

def perceptron_update(x, y, w, b, learning_rate):
    """The exercise's rule for one sigmoid neuron trained with squared error.

        ŷ = σ(z),  z = Σ_i w_i x_i + b
        w_i ← w_i − λ · (ŷ − y) · g'(z) · x_i
        b   ← b   − λ · (ŷ − y) · g'(z)

    For one case (``x`` of shape (inputs,), ``y`` a number) this is exactly
    gradient descent on L = ½ (ŷ − y)². For a batch (``x`` of shape
    (cases, inputs), ``y`` of shape (cases,)) the per-case updates are averaged,
    which is exactly gradient descent on L = (1/2N) Σ_cases (ŷ − y)², i.e. on
    half the Keras ``mean_squared_error`` of a one-output network (whose own
    gradient is twice this one); for N = 1 the two rules coincide.

    ``w`` has shape (inputs,) and ``b`` is a number. Returns ``(new_w, new_b)``.
    """
    lr = _learning_rate(learning_rate)
    x = _as_float_array(x, "x")
    y = _as_float_array(y, "y")
    w = _as_float_array(w, "w")
    b = _as_float_array(b, "b")
    if x.ndim not in (1, 2):
        raise ValueError(f"x must be one case (inputs,) or a batch (cases, inputs), got shape {x.shape}")
    if w.shape != (x.shape[-1],):
        raise ValueError(f"w must have shape ({x.shape[-1]},), one weight per input, got {w.shape}")
    if b.shape != ():
        raise ValueError(f"b must be a single number, got shape {b.shape}")
    if y.shape != x.shape[:-1]:
        raise ValueError(f"y must have shape {x.shape[:-1]} (one target per case), got {y.shape}")
    if x.ndim == 2 and x.shape[0] == 0:
        raise ValueError("the batch must hold at least one case, got 0")
    z = x @ w + b
    y_hat = sigmoid(z)
    delta = (y_hat - y) * sigmoid_prime(z)       # prediction_error · g'(z), per case
    if x.ndim == 1:
        return w - lr * delta * x, b - lr * delta
    n = x.shape[0]
    return w - lr * (delta @ x) / n, b - lr * delta.sum() / n


# --------------------------------------------------------------------------- the readable trace

_G_PRIME = "g'(z)"


def _fmt(v) -> str:
    return f"{float(v):10.4f}"


def trace(x, y, weights, biases, activations, loss, learning_rate, *, shortcut: bool = True) -> str:
    """A text trace of one training step, to hold against a hand calculation.

    For each layer (course numbering l = 1 .. n) it lists, for every case and
    unit, z, a = g(z), g'(z) and e; then for every weight w(j→i) the old value,
    ∂L/∂w and the new value w − λ ∂L/∂w, and the same for the biases. It ends
    with the loss before and after the step. Numbers have 4 decimals.
    """
    lr = _learning_rate(learning_rate)
    result, new_W, new_b = train_step(x, y, weights, biases, activations, loss, lr, shortcut=shortcut)
    _, a_after = forward(result.x, new_W, new_b, result.activations)
    loss_after = get_loss(loss).value(result.y, a_after[-1])
    n = len(new_W)
    lines = [
        f"One training step: {n} layer(s), loss {result.loss_name}, learning rate λ = {lr:g}",
        "z[l] = a[l-1] @ W[l] + b[l], a[l] = g(z[l]); e[n] = dL/dŷ · g'(z[n]); "
        "e[l-1] = g'(z[l-1]) · Σ_k w(j→k) e_k[l]",
        "dL/dw(j→i) = Σ_cases a_j[l-1] e_i[l]; dL/db_i = Σ_cases e_i[l]; new = old − λ · gradient",
        "",
    ]
    for i in range(n):
        act = get_activation(result.activations[i])
        kind = "output" if i == n - 1 else "hidden"
        W, b = np.asarray(weights[i], dtype=float), np.asarray(biases[i], dtype=float)
        lines.append(f"Layer {i + 1} ({kind}, {act.name}): {W.shape[0]} inputs -> {W.shape[1]} units")
        lines.append(f"  {'case':>4} {'unit':>4} {'z':>10} {'a':>10} {_G_PRIME:>10} {'e':>10}")
        g_prime = act.prime(result.z[i])
        for c in range(result.x.shape[0]):
            for u in range(W.shape[1]):
                lines.append(f"  {c:>4} {u:>4} {_fmt(result.z[i][c, u])} {_fmt(result.a[i][c, u])} "
                             f"{_fmt(g_prime[c, u])} {_fmt(result.e[i][c, u])}")
        lines.append(f"  {'w(j→i)':>9} {'old':>10} {'dL/dw':>10} {'new':>10}")
        for j in range(W.shape[0]):
            for u in range(W.shape[1]):
                lines.append(f"  {f'{j}→{u}':>9} {_fmt(W[j, u])} {_fmt(result.dW[i][j, u])} {_fmt(new_W[i][j, u])}")
        lines.append(f"  {'b_i':>9} {'old':>10} {'dL/db':>10} {'new':>10}")
        for u in range(W.shape[1]):
            lines.append(f"  {u:>9} {_fmt(b[u])} {_fmt(result.db[i][u])} {_fmt(new_b[i][u])}")
        lines.append("")
    lines.append(f"Loss before the step: {result.loss:.4f}")
    lines.append(f"Loss after the step:  {loss_after:.4f}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- the course's example

class WorkedExample(NamedTuple):
    """The course's worked example ("Back propagation - Example"): a 2-2-2 sigmoid network.

    Its loss is the course's ½ Σ (ŷ − y)², which for one case with two outputs
    is the Keras ``mean_squared_error`` (see :attr:`loss`).
    """

    x: np.ndarray
    y: np.ndarray
    weights: list
    biases: list
    activations: list
    learning_rate: float

    @property
    def loss(self) -> str:
        return "mean_squared_error"


def worked_example() -> WorkedExample:
    """The course's network: x = (1, 0), y = (0.7, 0), all biases 1, sigmoid everywhere, λ = 0.1.

    Hidden weights w(x0→h0, h1) = (0.5, 0.5), w(x1→h0, h1) = (0, 1); output
    weights w(h0→o0, o1) = (0.5, 0.5), w(h1→o0, o1) = (1, 0.5). Fresh arrays on
    every call, so callers may modify them.
    """
    return WorkedExample(
        x=np.array([[1.0, 0.0]]),
        y=np.array([[0.7, 0.0]]),
        weights=[np.array([[0.5, 0.5], [0.0, 1.0]]), np.array([[0.5, 0.5], [1.0, 0.5]])],
        biases=[np.array([1.0, 1.0]), np.array([1.0, 1.0])],
        activations=["sigmoid", "sigmoid"],
        learning_rate=0.1,
    )
