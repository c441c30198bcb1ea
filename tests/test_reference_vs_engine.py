"""The layers and the autodiff engine against the course's hand-derived backpropagation.

``autograd_mlp.reference`` computes every gradient with the course's recursion
in plain numpy and never imports the engine, so agreement here means the
engine's chain rule, the Dense layout and the losses all say what the course
says.  Hypothesis draws whole networks: depth 1-4, widths 1-8, an activation
per layer, a loss, a batch of 1-6 cases and the weights (from a drawn seed,
so a failure replays exactly and shrinks to a small network).
"""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autograd_mlp import SGD, Dense, Sequential, Value, losses
from autograd_mlp import reference as ref

ACTIVATIONS = ["linear", "relu", "sigmoid", "tanh"]
LOSSES = ["mean_squared_error", "mean_absolute_error", "binary_crossentropy"]
RTOL = 1e-9
KINK_MARGIN = 1e-6  # relu pre-activations and MAE residuals this close to 0 are redrawn
BCE_PROBABILITY_LIMIT = 10.0  # see away_from_kinks


class Net:
    """A drawn network: the course's lists of weights and biases, a batch and its targets."""

    def __init__(self, widths, activations, loss, batch, seed, scale):
        rng = np.random.default_rng(seed)
        self.activations, self.loss = activations, loss
        self.weights = [rng.normal(0.0, scale / np.sqrt(n_in), size=(n_in, n_out))
                        for n_in, n_out in zip(widths[:-1], widths[1:])]
        self.biases = [rng.normal(0.0, 0.5, size=n_out) for n_out in widths[1:]]
        self.x = rng.normal(size=(batch, widths[0]))
        if loss == "binary_crossentropy":
            soft = rng.uniform(size=(batch, widths[-1]))
            self.y = np.round(soft) if rng.uniform() < 0.5 else soft  # hard labels or soft targets
        else:
            self.y = rng.normal(size=(batch, widths[-1]))

    def __repr__(self):
        shapes = [w.shape for w in self.weights]
        return f"Net(layers={shapes}, activations={self.activations}, loss={self.loss}, batch={len(self.x)})"

    def model(self):
        """The same network as a Sequential of Dense layers carrying the reference's weights."""
        model = Sequential([Dense(w.shape[1], input_dim=w.shape[0] if i == 0 else None, activation=act)
                            for i, (w, act) in enumerate(zip(self.weights, self.activations))])
        model.set_weights([arr for pair in zip(self.weights, self.biases) for arr in pair])
        return model


@st.composite
def networks(draw):
    depth = draw(st.integers(1, 4))
    widths = draw(st.lists(st.integers(1, 8), min_size=depth + 1, max_size=depth + 1))
    activations = draw(st.lists(st.sampled_from(ACTIVATIONS), min_size=depth, max_size=depth))
    loss = draw(st.sampled_from(LOSSES))
    if loss == "binary_crossentropy":
        activations[-1] = "sigmoid"  # predictions must be probabilities
    batch = draw(st.integers(1, 6))
    seed = draw(st.integers(0, 2**32 - 1))
    scale = draw(st.sampled_from([0.5, 1.0, 2.0]))
    return Net(widths, activations, loss, batch, seed, scale)


def away_from_kinks(net, result):
    """Keep relu pre-activations and MAE residuals off 0, where a subgradient is a convention."""
    for z, act in zip(result.z, net.activations):
        if act == "relu" and np.min(np.abs(z)) < KINK_MARGIN:
            return False
    if net.loss == "mean_absolute_error" and np.min(np.abs(result.y_pred - net.y)) < KINK_MARGIN:
        return False
    # The reference computes binary cross-entropy from probabilities, where 1 - ŷ
    # keeps fewer than 11 digits once the output pre-activation passes 10; the
    # engine computes it from the logits, exactly.  Their loss values differ there.
    if net.loss == "binary_crossentropy" and np.max(np.abs(result.z[-1])) > BCE_PROBABILITY_LIMIT:
        return False
    return True


def assert_close(actual, expected, what):
    """Elementwise relative agreement to RTOL, measured against the array's scale where entries cancel.

    An entry that is a sum over the batch of terms with both signs can be
    orders of magnitude smaller than its terms; its rounding error is relative
    to the terms, so the tolerance has a floor of RTOL times the largest entry.
    """
    actual = np.asarray(actual, dtype=np.float64)
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape} != {expected.shape}"
    floor = RTOL * float(np.max(np.abs(expected), initial=0.0)) + 1e-300
    np.testing.assert_allclose(actual, expected, rtol=RTOL, atol=floor, err_msg=what)


# ------------------------------------------------------------- the main property
@settings(max_examples=300)
@given(networks())
def test_every_gradient_equals_the_course_recursion(net):
    result = ref.gradients(net.x, net.y, net.weights, net.biases, net.activations, net.loss)
    assume(away_from_kinks(net, result))

    model = net.model()
    y_pred = model(net.x)
    loss = losses.get(net.loss)(net.y, y_pred)
    loss.backward()

    assert_close(y_pred.data, result.y_pred, "prediction ŷ")
    assert loss.item() == pytest.approx(result.loss, rel=RTOL, abs=1e-300)
    for i, layer in enumerate(model.layers):
        assert_close(layer.weight.grad, result.dW[i], f"dL/dW of layer {i + 1}")
        assert_close(layer.bias.grad, result.db[i], f"dL/db of layer {i + 1}")


@settings(max_examples=100)
@given(networks(), st.sampled_from([0.01, 0.1, 0.5]))
def test_one_sgd_step_equals_the_course_update(net, lr):
    result, new_w, new_b = ref.train_step(net.x, net.y, net.weights, net.biases, net.activations, net.loss, lr)
    assume(away_from_kinks(net, result))

    model = net.model()
    opt = SGD(model.parameters(), lr=lr)
    opt.zero_grad()
    losses.get(net.loss)(net.y, model(net.x)).backward()
    opt.step()

    for i, layer in enumerate(model.layers):
        assert_close(layer.weight.data, new_w[i], f"W of layer {i + 1} after the step")
        assert_close(layer.bias.data, new_b[i], f"b of layer {i + 1} after the step")


# ---------------------------------------------------------- the perceptron rule
@st.composite
def perceptron_cases(draw):
    n_inputs = draw(st.integers(1, 6))
    batch = draw(st.one_of(st.none(), st.integers(1, 6)))  # None: one case, x of shape (inputs,)
    seed = draw(st.integers(0, 2**32 - 1))
    lr = draw(st.sampled_from([0.1, 0.5, 1.0, 3.0]))
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n_inputs,) if batch is None else (batch, n_inputs))
    y = rng.uniform(size=() if batch is None else (batch,))
    w = rng.normal(size=n_inputs)
    b = float(rng.normal())
    return x, y, w, b, lr


@settings(max_examples=200)
@given(perceptron_cases())
def test_sgd_on_one_sigmoid_neuron_is_the_perceptron_update(case):
    x, y, w, b, lr = case
    expected_w, expected_b = ref.perceptron_update(x, y, w, b, lr)

    neuron = Dense(1, input_dim=len(w), activation="sigmoid")
    neuron.set_weights([w.reshape(-1, 1), np.array([b])])
    opt = SGD(neuron.parameters(), lr=lr)
    batch = np.atleast_2d(x)
    targets = np.reshape(y, -1)  # flat targets against the (cases, 1) output
    # L = ½ (ŷ - y)² per case, averaged over the batch: half of Keras' mean squared error
    loss = 0.5 * losses.mean_squared_error(targets, neuron(batch))
    loss.backward()
    step_w = -lr * neuron.weight.grad.ravel()
    opt.step()

    np.testing.assert_allclose(neuron.weight.data.ravel(), expected_w, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(neuron.bias.data, [expected_b], rtol=1e-12, atol=1e-15)
    # the step itself, not only where it lands (subtraction costs a few digits here)
    np.testing.assert_allclose(step_w, expected_w - w, rtol=1e-6, atol=1e-13)


# ------------------------------------------------------- the course's worked example
@pytest.fixture
def example():
    return ref.worked_example()


def example_model(ex):
    model = Sequential([Dense(2, input_dim=2, activation="sigmoid"), Dense(2, activation="sigmoid")])
    model.set_weights([ex.weights[0], ex.biases[0], ex.weights[1], ex.biases[1]])
    return model


def test_worked_example_forward_numbers(example):
    model = example_model(example)
    hidden = model.layers[0](example.x)
    output = model.layers[1](hidden)
    np.testing.assert_allclose(hidden.data, [[0.8176, 0.8176]], atol=5e-5)
    np.testing.assert_allclose(output.data, [[0.9026, 0.8603]], atol=5e-5)
    loss = losses.mean_squared_error(example.y, model(example.x))
    assert round(loss.item(), 4) == 0.3906
    np.testing.assert_array_equal(model(example.x).data, output.data)


def test_worked_example_one_sgd_step(example):
    model = example_model(example)
    opt = SGD(model.parameters(), lr=example.learning_rate)
    opt.zero_grad()
    losses.mean_squared_error(example.y, model(example.x)).backward()
    opt.step()

    hidden_w, output_w = model.layers[0].weight.data, model.layers[1].weight.data
    # the course's w(j→i) is weight[j, i]
    assert round(output_w[0, 0], 4) == 0.4985  # h0 → o0
    assert round(output_w[0, 1], 4) == 0.4915  # h0 → o1
    assert round(output_w[1, 0], 4) == 0.9985  # h1 → o0
    assert round(hidden_w[0, 0], 4) == 0.4991  # x0 → h0
    after = losses.mean_squared_error(example.y, model(example.x)).item()
    assert round(after, 4) == 0.3879

    # and every number of the step agrees with the hand recursion, not just to 4 decimals
    _, new_w, new_b = ref.train_step(example.x, example.y, example.weights, example.biases,
                                     example.activations, example.loss, example.learning_rate)
    for layer, w, b in zip(model.layers, new_w, new_b):
        np.testing.assert_allclose(layer.weight.data, w, rtol=1e-14)
        np.testing.assert_allclose(layer.bias.data, b, rtol=1e-14)


def test_worked_example_gradients_of_every_node(example):
    """Intermediate nodes get gradients too: the hidden activations' equals e @ Wᵀ of the course."""
    model = example_model(example)
    hidden = model.layers[0](Value(example.x))
    out = model.layers[1](hidden)
    losses.mean_squared_error(example.y, out).backward()
    result = ref.gradients(example.x, example.y, example.weights, example.biases,
                           example.activations, example.loss)
    np.testing.assert_allclose(hidden.grad, result.e[1] @ example.weights[1].T, rtol=1e-14)
    np.testing.assert_allclose(out.grad, example_model(example)(example.x).data - example.y, rtol=1e-14)


def test_saturated_sigmoid_derivative_keeps_its_precision():
    z = np.array([[12.0, 20.0, 30.0, 40.0]])
    expected = ref.sigmoid_prime(z)  # σ(z) σ(-z): about 6e-6, 2e-9, 9e-14, 4e-18
    leaf = Value(z)
    leaf.sigmoid().sum().backward()
    np.testing.assert_allclose(leaf.grad, expected, rtol=1e-9)
