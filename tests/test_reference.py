"""Tests of the hand-derived backpropagation in autograd_mlp/reference.py.

The reference is checked against the course's printed numbers and against
central finite differences of its own forward pass; it is never compared with
the engine here (that is what the reference is for elsewhere).
"""

import ast
import pathlib
import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograd_mlp import reference as ref

ACTIVATION_NAMES = ["linear", "relu", "sigmoid", "tanh"]
LOSS_NAMES = ["mean_squared_error", "mean_absolute_error", "binary_crossentropy"]
FAST = settings(max_examples=40, deadline=None)


def central_difference(f, arrays, h=1e-6):
    """∂f/∂p for every element p of every array in ``arrays`` (modified in place, then restored)."""
    grads = []
    for arr in arrays:
        g = np.zeros_like(arr)
        flat, gflat = arr.reshape(-1), g.reshape(-1)
        for k in range(flat.size):
            keep = flat[k]
            flat[k] = keep + h
            up = f()
            flat[k] = keep - h
            down = f()
            flat[k] = keep
            gflat[k] = (up - down) / (2 * h)
        grads.append(g)
    return grads


# --------------------------------------------------------------------------- the course's worked example

@pytest.fixture
def example():
    return ref.worked_example()


def test_worked_example_forward(example):
    z, a = ref.forward(example.x, example.weights, example.biases, example.activations)
    np.testing.assert_allclose(a[0], [[0.8176, 0.8176]], atol=5e-5)
    np.testing.assert_allclose(a[1], [[0.9026, 0.8603]], atol=5e-5)
    assert round(ref.mean_squared_error(example.y, a[1]), 4) == 0.3906
    # The course's ½ Σ (ŷ − y)² is the Keras mean over the two outputs.
    assert ref.mean_squared_error(example.y, a[1]) == pytest.approx(0.5 * np.sum((a[1] - example.y) ** 2))


def test_worked_example_errors(example):
    r = ref.gradients(example.x, example.y, example.weights, example.biases, example.activations, example.loss)
    # With two outputs dL/dŷ = 2(ŷ − y)/2 = ŷ − y: the course's prediction error.
    np.testing.assert_allclose(ref.mean_squared_error_grad(example.y, r.y_pred), r.y_pred - example.y)
    assert np.round(r.e[1], 4).tolist() == [[0.0178, 0.1034]]
    assert round(float(r.e[0][0, 0]), 4) == 0.0090
    assert round(r.loss, 4) == 0.3906
    # The course's hand formula for e0[1]: 0.82 (1 − 0.82) (0.018 · 0.5 + 0.103 · 0.5).
    h0 = r.a[0][0, 0]
    assert r.e[0][0, 0] == pytest.approx(h0 * (1 - h0) * (r.e[1][0, 0] * 0.5 + r.e[1][0, 1] * 0.5))


def test_worked_example_one_step(example):
    result, W, b = ref.train_step(example.x, example.y, example.weights, example.biases,
                                  example.activations, example.loss, example.learning_rate)
    assert round(float(W[1][0, 0]), 4) == 0.4985   # h0 → o0
    assert round(float(W[1][0, 1]), 4) == 0.4915   # h0 → o1
    assert round(float(W[1][1, 0]), 4) == 0.9985   # h1 → o0
    assert round(float(W[0][0, 0]), 4) == 0.4991   # x0 → h0
    # x1 = 0, so the weights leaving x1 do not move.
    np.testing.assert_array_equal(W[0][1], example.weights[0][1])
    _, a = ref.forward(example.x, W, b, example.activations)
    assert round(ref.mean_squared_error(example.y, a[-1]), 4) == 0.3879
    # The course's printed forward pass after the step shows h = 0.817 and o0 = 0.902 (its o1 = 0.858
    # comes from moving the weights only; moving the biases too, as here, gives 0.8573 and L = 0.3879).
    np.testing.assert_allclose(a[0], [[0.817, 0.817]], atol=5e-4)
    assert round(float(a[1][0, 0]), 3) == 0.902
    assert round(float(a[1][0, 1]), 4) == 0.8573
    # The originals were not modified.
    assert example.weights[1][0, 0] == 0.5


def test_worked_example_is_fresh_and_unpacks():
    first = ref.worked_example()
    first.weights[0][0, 0] = 99.0
    x, y, weights, biases, activations, learning_rate = ref.worked_example()
    assert weights[0][0, 0] == 0.5
    assert learning_rate == 0.1 and activations == ["sigmoid", "sigmoid"]
    assert first.loss == "mean_squared_error"


def test_trace_shows_the_hand_calculation(example):
    text = ref.trace(example.x, example.y, example.weights, example.biases,
                     example.activations, example.loss, example.learning_rate)
    for number in ["0.8176", "0.9026", "0.8603", "0.3906", "0.0178", "0.1034", "0.0090",
                   "0.4985", "0.4915", "0.9985", "0.4991", "0.3879"]:
        assert number in text, number
    assert "Layer 1 (hidden, sigmoid)" in text and "Layer 2 (output, sigmoid)" in text
    assert "Loss after the step:  0.3879" in text
    # The row of weight h0 → o0 reads: old, gradient, new.
    layer2 = [line.strip() for line in text.split("Layer 2")[1].splitlines()]
    assert "0→0     0.5000     0.0146     0.4985" in layer2
    # The row of unit o1: case, unit, z, a, g'(z), e.
    assert "0    1     1.8176     0.8603     0.1202     0.1034" in layer2


def test_trace_of_a_batch_lists_every_case_and_layer():
    rng = np.random.default_rng(0)
    weights = [rng.normal(size=(3, 4)), rng.normal(size=(4, 2)), rng.normal(size=(2, 1))]
    biases = [rng.normal(size=4), rng.normal(size=2), rng.normal(size=1)]
    x, y = rng.normal(size=(5, 3)), rng.uniform(size=(5, 1))
    text = ref.trace(x, y, weights, biases, ["tanh", "relu", "sigmoid"], "binary_crossentropy", 0.5)
    assert "Layer 3 (output, sigmoid)" in text and "Layer 2 (hidden, relu)" in text
    r, new_w, _ = ref.train_step(x, y, weights, biases, ["tanh", "relu", "sigmoid"], "binary_crossentropy", 0.5)
    assert f"Loss before the step: {r.loss:.4f}" in text
    layer1 = text.split("Layer 1")[1].split("Layer 2")[0]
    # 5 cases × 4 units rows of z, a, g'(z), e, then 3 × 4 weights.
    assert f"{4:>4} {3:>4} {r.z[0][4, 3]:10.4f}" in layer1
    assert f"{'2→3':>9} {weights[0][2, 3]:10.4f} {r.dW[0][2, 3]:10.4f} {new_w[0][2, 3]:10.4f}" in layer1


# --------------------------------------------------------------------------- activations

def test_activation_values():
    z = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_array_equal(ref.linear(z), z)
    np.testing.assert_array_equal(ref.relu(z), [0.0, 0.0, 3.0])
    np.testing.assert_allclose(ref.sigmoid(z), 1 / (1 + np.exp(-z)), rtol=1e-15)
    np.testing.assert_allclose(ref.tanh(z), np.tanh(z))
    np.testing.assert_array_equal(ref.relu_prime(z), [0.0, 0.0, 1.0])
    assert ref.relu_prime(0.0) == 0.0 and ref.relu_prime_from_a(0.0) == 0.0
    np.testing.assert_array_equal(ref.linear_prime(z), [1.0, 1.0, 1.0])
    assert ref.sigmoid_prime(0.0) == 0.25 and ref.tanh_prime(0.0) == 1.0


def test_sigmoid_is_stable_at_large_arguments():
    z = np.array([-1000.0, -40.0, 0.0, 40.0, 1000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            s = ref.sigmoid(z)
            d = ref.sigmoid_prime(z)
    assert s[0] == 0.0 and s[-1] == 1.0 and s[2] == 0.5
    assert np.all(np.isfinite(d)) and d[0] == 0.0 and d[-1] == 0.0
    # σ(−40) is tiny but not rounded to zero, and its derivative keeps precision on both sides.
    assert s[1] == pytest.approx(np.exp(-40.0), rel=1e-12)
    assert d[1] == pytest.approx(d[3], rel=1e-12) and d[3] > 0


def test_activations_keep_float32():
    z = np.array([-1.0, 0.5], dtype=np.float32)
    for name in ACTIVATION_NAMES:
        act = ref.get_activation(name)
        assert act.g(z).dtype == np.float32, name
        assert act.prime(z).dtype == np.float32, name


@FAST
@given(name=st.sampled_from(ACTIVATION_NAMES),
       z=hnp.arrays(np.float64, st.integers(1, 6), elements=st.floats(-6, 6)))
def test_activation_derivatives(name, z):
    act = ref.get_activation(name)
    assume(name != "relu" or np.all(np.abs(z) > 1e-4))
    h = 1e-6
    numeric = (act.g(z + h) - act.g(z - h)) / (2 * h)
    np.testing.assert_allclose(act.prime(z), numeric, rtol=1e-6, atol=1e-9)
    # The course's forms from a = g(z) agree with the forms from z.
    np.testing.assert_allclose(act.prime_from_a(act.g(z)), act.prime(z), rtol=1e-9, atol=1e-15)


def test_activation_lookup_errors():
    with pytest.raises(ValueError, match="softsign"):
        ref.get_activation("softsign")
    with pytest.raises(TypeError, match="by name"):
        ref.get_activation(3)
    with pytest.raises(TypeError, match="dtype"):
        ref.sigmoid(np.array(["a"]))
    with pytest.raises(TypeError, match="str"):
        ref.relu("1.0")


# --------------------------------------------------------------------------- losses

def test_loss_values_follow_keras():
    y = np.array([[0.0, 1.0], [1.0, 0.0]])
    y_hat = np.array([[1.0, 3.0], [0.0, 0.0]])
    assert ref.mean_squared_error(y, y_hat) == (1 + 4 + 1 + 0) / 4
    assert ref.mean_absolute_error(y, y_hat) == (1 + 2 + 1 + 0) / 4
    p = np.array([[0.9, 0.2]])
    t = np.array([[1.0, 0.0]])
    assert ref.binary_crossentropy(t, p) == pytest.approx(-(np.log(0.9) + np.log(0.8)) / 2, rel=1e-15)


def test_mean_absolute_error_subgradient_is_zero_at_zero():
    g = ref.mean_absolute_error_grad([[1.0, 2.0, 3.0]], [[1.0, 3.0, 2.0]])
    np.testing.assert_array_equal(g, [[0.0, 1 / 3, -1 / 3]])


def test_binary_crossentropy_clips_only_exact_zeros():
    t = np.array([[1.0, 0.0, 1.0, 0.0]])
    p = np.array([[1.0, 0.0, 0.0, 1.0]])
    # Certain and right costs nothing; certain and wrong is large but finite.
    assert ref.binary_crossentropy(t[:, :2], p[:, :2]) == 0.0
    value = ref.binary_crossentropy(t, p)
    assert np.isfinite(value) and value > 300
    assert np.all(np.isfinite(ref.binary_crossentropy_grad(t, p)))
    # Away from 0 and 1 nothing is clipped: a prediction of 1e-12 keeps its exact log.
    assert ref.binary_crossentropy([[1.0]], [[1e-12]]) == pytest.approx(-np.log(1e-12), rel=1e-15)
    assert ref.binary_crossentropy([[0.0]], [[1 - 2.0**-52]]) == pytest.approx(52 * np.log(2), rel=1e-12)


def test_binary_crossentropy_rejects_predictions_outside_unit_interval():
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        ref.binary_crossentropy([[1.0]], [[1.5]])
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        ref.binary_crossentropy_grad([[1.0]], [[-0.1]])


def test_losses_reject_mismatched_shapes():
    for name in LOSS_NAMES:
        loss = ref.get_loss(name)
        with pytest.raises(ValueError, match="same shape"):
            loss.value(np.zeros((3,)), np.zeros((3, 1)))
        with pytest.raises(ValueError, match="same shape"):
            loss.grad(np.zeros((2, 2)), np.zeros((2, 1)))
    with pytest.raises(ValueError, match="hinge"):
        ref.get_loss("hinge")


@FAST
@given(name=st.sampled_from(LOSS_NAMES),
       shape=st.tuples(st.integers(1, 4), st.integers(1, 3)),
       data=st.data())
def test_loss_gradients(name, shape, data):
    unit = st.floats(0.02, 0.98)
    if name == "binary_crossentropy":
        y_hat = data.draw(hnp.arrays(np.float64, shape, elements=unit))
        y = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(0, 1)))
    else:
        y_hat = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-3, 3)))
        y = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-3, 3)))
        assume(name != "mean_absolute_error" or np.all(np.abs(y_hat - y) > 1e-4))
    loss = ref.get_loss(name)
    (numeric,) = central_difference(lambda: loss.value(y, y_hat), [y_hat])
    np.testing.assert_allclose(loss.grad(y, y_hat), numeric, rtol=1e-6, atol=1e-9)


@FAST
@given(z=hnp.arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 3)), elements=st.floats(-8, 8)),
       data=st.data())
def test_sigmoid_crossentropy_shortcut_equals_product(z, data):
    y = data.draw(hnp.arrays(np.float64, z.shape, elements=st.floats(0, 1)))
    a = ref.sigmoid(z)
    product = ref.binary_crossentropy_grad(y, a) * ref.sigmoid_prime(z)
    shortcut = ref.sigmoid_binary_crossentropy_error(y, a)
    np.testing.assert_allclose(shortcut, (a - y) / a.size, rtol=0, atol=0)
    np.testing.assert_allclose(product, shortcut, rtol=1e-9, atol=1e-15)
    np.testing.assert_array_equal(ref.output_error(y, z, a, "sigmoid", "binary_crossentropy"), shortcut)
    np.testing.assert_array_equal(
        ref.output_error(y, z, a, "sigmoid", "binary_crossentropy", shortcut=False), product)


def test_shortcut_survives_a_saturated_sigmoid():
    z = np.array([[50.0]])
    a = ref.sigmoid(z)
    assert a[0, 0] == 1.0
    e = ref.output_error([[0.0]], z, a, "sigmoid", "binary_crossentropy")
    assert e[0, 0] == 1.0   # (ŷ − y)/N
    # The product form multiplies a clipped 1/(1 − ŷ) by σ'(50) and is wildly off.
    assert ref.output_error([[0.0]], z, a, "sigmoid", "binary_crossentropy", shortcut=False)[0, 0] > 1e100


# --------------------------------------------------------------------------- backpropagation vs finite differences

@st.composite
def networks(draw):
    """A random small float64 network, its data and a loss it can be trained with."""
    depth = draw(st.integers(1, 4))
    widths = [draw(st.integers(1, 8)) for _ in range(depth + 1)]
    activations = [draw(st.sampled_from(ACTIVATION_NAMES)) for _ in range(depth)]
    loss = draw(st.sampled_from(LOSS_NAMES))
    if loss == "binary_crossentropy":
        activations[-1] = "sigmoid"   # predictions must lie in [0, 1]
    cases = draw(st.integers(1, 6))
    values = st.floats(-1.5, 1.5)
    weights = [draw(hnp.arrays(np.float64, (widths[i], widths[i + 1]), elements=values)) for i in range(depth)]
    biases = [draw(hnp.arrays(np.float64, (widths[i + 1],), elements=values)) for i in range(depth)]
    x = draw(hnp.arrays(np.float64, (cases, widths[0]), elements=st.floats(-2, 2)))
    target = st.floats(0, 1) if loss == "binary_crossentropy" else st.floats(-2, 2)
    y = draw(hnp.arrays(np.float64, (cases, widths[-1]), elements=target))
    return x, y, weights, biases, activations, loss


@settings(max_examples=60, deadline=None)
@given(net=networks(), shortcut=st.booleans())
def test_backprop_matches_finite_differences(net, shortcut):
    x, y, weights, biases, activations, loss = net
    z, a = ref.forward(x, weights, biases, activations)
    # Kinks make a central difference meaningless: keep away from them.
    for zi, act in zip(z, activations):
        assume(act != "relu" or np.all(np.abs(zi) > 1e-4))
    if loss == "mean_absolute_error":
        assume(np.all(np.abs(a[-1] - y) > 1e-4))
    if loss == "binary_crossentropy":
        # 1 − ŷ carries an absolute rounding error of about 1e-16, which a central
        # difference with h = 1e-6 turns into an error of 1e-10 / (1 − ŷ) in the
        # slope: near-certain predictions would measure the difference, not the code.
        assume(np.all((a[-1] > 1e-3) & (a[-1] < 1 - 1e-3)))
    result = ref.gradients(x, y, weights, biases, activations, loss, shortcut=shortcut)
    lss = ref.get_loss(loss)

    def loss_value():
        return lss.value(y, ref.forward(x, weights, biases, activations)[1][-1])

    assert result.loss == loss_value()
    numeric = central_difference(loss_value, weights + biases)
    analytic = result.dW + result.db
    scale = max(1.0, max(float(np.abs(g).max()) for g in numeric))
    for got, want in zip(analytic, numeric):
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8 * scale)


@FAST
@given(net=networks())
def test_result_holds_the_recursion(net):
    x, y, weights, biases, activations, loss = net
    r = ref.gradients(x, y, weights, biases, activations, loss)
    n = len(weights)
    assert len(r.z) == len(r.a) == len(r.e) == len(r.dW) == len(r.db) == n
    np.testing.assert_array_equal(r.layer_input(0), x)
    for i in range(n):
        act = ref.get_activation(activations[i])
        np.testing.assert_array_equal(r.z[i], r.layer_input(i) @ weights[i] + biases[i])
        np.testing.assert_array_equal(r.a[i], act.g(r.z[i]))
        np.testing.assert_array_equal(r.dW[i], r.layer_input(i).T @ r.e[i])
        np.testing.assert_array_equal(r.db[i], r.e[i].sum(axis=0))
        if i > 0:
            prev = ref.get_activation(activations[i - 1])
            np.testing.assert_array_equal(r.e[i - 1], prev.prime(r.z[i - 1]) * (r.e[i] @ weights[i].T))
    assert r.y_pred is r.a[-1]


def test_sgd_step_descends_and_copies(example):
    r = ref.gradients(example.x, example.y, example.weights, example.biases, example.activations, example.loss)
    W, b = ref.sgd_step(example.weights, example.biases, r.dW, r.db, 0.1)
    for i in range(2):
        np.testing.assert_array_equal(W[i], example.weights[i] - 0.1 * r.dW[i])
        np.testing.assert_array_equal(b[i], example.biases[i] - 0.1 * r.db[i])
    assert example.biases[0][0] == 1.0
    W0, b0 = ref.sgd_step(example.weights, example.biases, r.dW, r.db, 0)
    np.testing.assert_array_equal(W0[1], example.weights[1])


# --------------------------------------------------------------------------- the perceptron exercise

def test_perceptron_single_case_by_hand():
    x, y, w, b = np.array([1.0, 2.0]), 1.0, np.array([0.5, -0.25]), 0.0
    # z = 0.5 − 0.5 = 0, ŷ = 0.5, g'(0) = 0.25, error · g' = −0.125
    new_w, new_b = ref.perceptron_update(x, y, w, b, learning_rate=0.4)
    np.testing.assert_allclose(new_w, [0.5 + 0.05, -0.25 + 0.1], rtol=1e-15)
    assert new_b == pytest.approx(0.05, rel=1e-15)


@FAST
@given(n=st.integers(1, 5), data=st.data())
def test_perceptron_single_case_is_gradient_of_half_squared_error(n, data):
    vals = st.floats(-2, 2)
    x = data.draw(hnp.arrays(np.float64, (n,), elements=vals))
    w = data.draw(hnp.arrays(np.float64, (n,), elements=vals))
    b = np.array(data.draw(vals))
    y = data.draw(st.floats(0, 1))
    lr = 0.3
    new_w, new_b = ref.perceptron_update(x, y, w, b, lr)

    def half_squared_error():
        return 0.5 * (float(ref.sigmoid(x @ w + b)) - y) ** 2

    gw, gb = central_difference(half_squared_error, [w, b])
    np.testing.assert_allclose((w - new_w) / lr, gw, rtol=1e-6, atol=1e-10)
    np.testing.assert_allclose((b - new_b) / lr, gb, rtol=1e-6, atol=1e-10)


@FAST
@given(cases=st.integers(1, 6), n=st.integers(1, 4), data=st.data())
def test_perceptron_batch_is_gradient_of_half_keras_mse(cases, n, data):
    vals = st.floats(-2, 2)
    x = data.draw(hnp.arrays(np.float64, (cases, n), elements=vals))
    w = data.draw(hnp.arrays(np.float64, (n,), elements=vals))
    b = data.draw(vals)
    y = data.draw(hnp.arrays(np.float64, (cases,), elements=st.floats(0, 1)))
    new_w, new_b = ref.perceptron_update(x, y, w, b, 0.5)
    r = ref.gradients(x, y[:, None], [w[:, None]], [np.array([b])], ["sigmoid"], "mean_squared_error")
    np.testing.assert_allclose(new_w, w - 0.5 * r.dW[0][:, 0] / 2, rtol=1e-12, atol=1e-15)
    assert new_b == pytest.approx(b - 0.5 * r.db[0][0] / 2, rel=1e-12, abs=1e-15)
    if cases == 1:
        single_w, single_b = ref.perceptron_update(x[0], y[0], w, b, 0.5)
        np.testing.assert_allclose(single_w, new_w, rtol=1e-14)
        assert single_b == pytest.approx(new_b, rel=1e-14)


def test_perceptron_rejects_bad_shapes():
    with pytest.raises(ValueError, match="w must have shape"):
        ref.perceptron_update([1.0, 2.0], 1.0, [1.0], 0.0, 0.1)
    with pytest.raises(ValueError, match="y must have shape"):
        ref.perceptron_update([[1.0, 2.0]], 1.0, [1.0, 1.0], 0.0, 0.1)
    with pytest.raises(ValueError, match="b must be a single number"):
        ref.perceptron_update([1.0, 2.0], 1.0, [1.0, 1.0], [0.0], 0.1)
    with pytest.raises(ValueError, match="learning_rate"):
        ref.perceptron_update([1.0, 2.0], 1.0, [1.0, 1.0], 0.0, -0.1)
    with pytest.raises(TypeError, match="learning_rate"):
        ref.perceptron_update([1.0, 2.0], 1.0, [1.0, 1.0], 0.0, "0.1")


# --------------------------------------------------------------------------- input checks

def test_network_shape_errors(example):
    ex = example
    with pytest.raises(ValueError, match="2-D"):
        ref.forward(ex.x[0], ex.weights, ex.biases, ex.activations)
    with pytest.raises(ValueError, match=r"weights\[1\] must have shape \(2, units\)"):
        ref.forward(ex.x, [ex.weights[0], np.ones((3, 2))], ex.biases, ex.activations)
    with pytest.raises(ValueError, match=r"biases\[0\] must have shape \(2,\)"):
        ref.forward(ex.x, ex.weights, [np.ones(3), ex.biases[1]], ex.activations)
    with pytest.raises(ValueError, match="one activation per layer"):
        ref.forward(ex.x, ex.weights, ex.biases, ["sigmoid"])
    with pytest.raises(ValueError, match="one bias vector per layer"):
        ref.forward(ex.x, ex.weights, ex.biases[:1], ex.activations)
    with pytest.raises(TypeError, match="list of 2-D arrays"):
        ref.forward(ex.x, ex.weights[0], ex.biases, ex.activations)
    with pytest.raises(ValueError, match="shape of the prediction"):
        ref.gradients(ex.x, ex.y[:, :1], ex.weights, ex.biases, ex.activations, ex.loss)
    with pytest.raises(ValueError, match="unknown loss"):
        ref.gradients(ex.x, ex.y, ex.weights, ex.biases, ex.activations, "mse")
    with pytest.raises(ValueError, match="must match the parameters"):
        ref.sgd_step(ex.weights, ex.biases, [np.ones((2, 2)), np.ones((2, 1))], ex.biases, 0.1)
    # One activation name applies to every layer.
    z1, a1 = ref.forward(ex.x, ex.weights, ex.biases, "sigmoid")
    z2, a2 = ref.forward(ex.x, ex.weights, ex.biases, ex.activations)
    np.testing.assert_array_equal(a1[-1], a2[-1])


def test_reference_never_imports_the_package():
    source = pathlib.Path(ref.__file__).read_text(encoding="utf-8")
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "relative import in reference.py"
            imported.add(node.module.split(".")[0])
    assert imported <= {"__future__", "dataclasses", "typing", "numpy"}, imported
