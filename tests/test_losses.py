"""Losses: values against direct numpy formulas, gradients against finite differences, the logits paths.

Every loss is the mean over the batch, Keras' convention, with arguments in
the order (y_true, y_pred).
"""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograd_mlp import Dense, Value, activations, gradcheck, losses, no_grad

from strategies import floats

FEW = settings(max_examples=30)
BATCH_SHAPES = hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=4)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


@st.composite
def regression_pair(draw):
    shape = draw(BATCH_SHAPES)
    y = draw(hnp.arrays(np.float64, shape, elements=floats(-3, 3)))
    p = draw(hnp.arrays(np.float64, shape, elements=floats(-3, 3)))
    return y, p


@st.composite
def binary_pair(draw, low=0.02, high=0.98):
    """Soft targets in [0, 1] and probabilities strictly inside (0, 1)."""
    shape = draw(BATCH_SHAPES)
    y = draw(hnp.arrays(np.float64, shape, elements=floats(0, 1)))
    p = draw(hnp.arrays(np.float64, shape, elements=floats(low, high)))
    return y, p


@st.composite
def categorical_pair(draw):
    """One-hot or soft targets whose rows sum to 1, and logits."""
    shape = draw(BATCH_SHAPES.filter(lambda s: s[1] >= 2))
    z = draw(hnp.arrays(np.float64, shape, elements=floats(-4, 4)))
    if draw(st.booleans()):
        labels = draw(hnp.arrays(np.int64, shape[:1], elements=st.integers(0, shape[1] - 1)))
        y = np.eye(shape[1])[labels]
    else:
        w = draw(hnp.arrays(np.float64, shape, elements=floats(0.0, 1.0)))
        w[:, 0] += 0.1  # no all-zero row
        y = w / w.sum(axis=1, keepdims=True)
    return y, z


# ------------------------------------------------------- against numpy
@FEW
@given(regression_pair())
def test_mean_squared_error_formula(pair):
    y, p = pair
    assert losses.mean_squared_error(y, Value(p)).item() == pytest.approx(np.mean((p - y) ** 2), rel=1e-12, abs=1e-300)


@FEW
@given(regression_pair())
def test_mean_absolute_error_formula(pair):
    y, p = pair
    assert losses.mean_absolute_error(y, Value(p)).item() == pytest.approx(np.mean(np.abs(p - y)), rel=1e-12, abs=1e-300)


@FEW
@given(binary_pair())
def test_binary_crossentropy_formula(pair):
    y, p = pair
    expected = np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p)))
    assert losses.binary_crossentropy(y, Value(p)).item() == pytest.approx(expected, rel=1e-12)


@FEW
@given(categorical_pair())
def test_categorical_crossentropy_formula(pair):
    y, z = pair
    p = softmax(z)
    expected = np.mean(-np.sum(y * np.log(p), axis=1))
    assert losses.categorical_crossentropy(y, Value(p)).item() == pytest.approx(expected, rel=1e-10)


@FEW
@given(categorical_pair())
def test_sparse_categorical_crossentropy_is_the_one_hot_form(pair):
    y, z = pair
    labels = y.argmax(axis=1)
    one_hot = np.eye(z.shape[1])[labels]
    p = softmax(z)
    expected = np.mean(-np.log(p[np.arange(len(labels)), labels]))
    for targets in (labels, labels.reshape(-1, 1), labels.astype(float)):
        assert losses.sparse_categorical_crossentropy(targets, Value(p)).item() == pytest.approx(expected, rel=1e-10)
        assert losses.sparse_categorical_crossentropy(targets, Value(z), from_logits=True).item() == pytest.approx(
            losses.categorical_crossentropy(one_hot, Value(z), from_logits=True).item(), rel=1e-13)


@FEW
@given(regression_pair(), st.booleans())
def test_hinge_formula(pair, zero_one_labels):
    sign_source, p = pair
    y = np.where(sign_source >= 0, 1.0, -1.0)
    expected = np.mean(np.maximum(0.0, 1.0 - y * p))
    given_labels = (y + 1) / 2 if zero_one_labels else y  # 0/1 labels mean -1/+1
    assert losses.hinge(given_labels, Value(p)).item() == pytest.approx(expected, rel=1e-12, abs=1e-300)


def test_mean_squared_error_of_two_outputs_and_one_case_is_the_course_half_sum():
    y = np.array([[0.7, 0.0]])
    y_hat = Value(np.array([[0.9026, 0.8603]]))
    loss = losses.mean_squared_error(y, y_hat)
    assert loss.item() == pytest.approx(0.5 * np.sum((y_hat.data - y) ** 2), rel=1e-15)
    loss.backward()
    np.testing.assert_allclose(y_hat.grad, y_hat.data - y, rtol=1e-15)  # the course's ŷ - y


def test_losses_are_scalar_values_with_gradients_only_for_the_prediction():
    y = Value(np.array([[1.0], [0.0]]))
    p = Value(np.array([[0.3], [0.6]]))
    loss = losses.binary_crossentropy(y, p)
    assert loss.shape == ()
    loss.backward()
    assert p.grad is not None and y.grad is None


# --------------------------------------------------- 0 and 1 probabilities
@pytest.mark.parametrize("loss, y, p", [
    (losses.binary_crossentropy, [[0.0, 1.0, 1.0, 0.0]], [[0.0, 1.0, 0.0, 1.0]]),
    (losses.categorical_crossentropy, [[0.0, 1.0], [1.0, 0.0]], [[0.0, 1.0], [0.0, 1.0]]),
    (losses.sparse_categorical_crossentropy, [1, 0], [[0.0, 1.0], [0.0, 1.0]]),
])
def test_cross_entropies_are_finite_at_probabilities_0_and_1(loss, y, p):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = Value(np.array(p))
        out = loss(y, p)
        out.backward()
    assert np.isfinite(out.item()) and np.all(np.isfinite(p.grad))
    # the confidently wrong cases cost -log(1e-7) each (Keras' epsilon), the right ones ~0
    assert 0 < out.item() < 17.0


def test_probability_form_charges_keras_epsilon_for_a_certain_mistake():
    out = losses.binary_crossentropy([[1.0]], Value(np.array([[0.0]])))
    assert out.item() == pytest.approx(-np.log(1e-7), rel=1e-6)


# ----------------------------------------------------------- from logits
@FEW
@given(binary_pair(0.0, 1.0).map(lambda yp: (yp[0], (yp[1] - 0.5) * 16)))
def test_binary_from_logits_equals_the_probability_form(pair):
    y, z = pair
    p = sigmoid(z)
    logits = Value(z)
    probs = Value(p)  # a leaf: the probability path, not the automatic logits path
    a = losses.binary_crossentropy(y, logits, from_logits=True)
    b = losses.binary_crossentropy(y, probs)
    assert a.item() == pytest.approx(b.item(), rel=1e-9)
    a.backward()
    b.backward()
    # chain the probability gradient through σ'(z) = p (1 - p)
    np.testing.assert_allclose(logits.grad, probs.grad * p * (1 - p), rtol=1e-7, atol=1e-15)
    np.testing.assert_allclose(logits.grad, (p - y) / y.size, rtol=1e-9, atol=1e-15)


@FEW
@given(categorical_pair())
def test_categorical_from_logits_equals_the_probability_form(pair):
    y, z = pair
    a = losses.categorical_crossentropy(y, Value(z), from_logits=True)
    b = losses.categorical_crossentropy(y, Value(softmax(z)))
    assert a.item() == pytest.approx(b.item(), rel=1e-9)
    logits = Value(z)
    losses.categorical_crossentropy(y, logits, from_logits=True).backward()
    np.testing.assert_allclose(logits.grad, (softmax(z) - y) / z.shape[0], rtol=1e-9, atol=1e-15)


def test_from_logits_is_exact_at_plus_minus_1000():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        z = Value(np.array([[1000.0], [-1000.0], [1000.0], [-1000.0]]))
        y = np.array([[1.0], [0.0], [0.0], [1.0]])
        bce = losses.binary_crossentropy(y, z, from_logits=True)
        bce.backward()
        # right, right, wrong by 1000, wrong by 1000: (0 + 0 + 1000 + 1000) / 4
        assert bce.item() == pytest.approx(500.0, rel=1e-15)
        np.testing.assert_allclose(z.grad, [[0.0], [0.0], [0.25], [-0.25]], atol=1e-300)

        z = Value(np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 0.0]]))
        y = np.array([[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]])
        cce = losses.categorical_crossentropy(y, z, from_logits=True)
        cce.backward()
        assert cce.item() == pytest.approx(1000.0, rel=1e-15)  # (0 + 2000) / 2
        np.testing.assert_allclose(z.grad, [[0.0, 0.0, 0.0], [-0.5, 0.5, 0.0]], atol=1e-300)


# ----------------------------------------------- the automatic logits path
@FEW
@given(binary_pair(0.0, 1.0), floats(1.0, 30.0))
def test_bce_on_a_sigmoid_output_is_the_logits_call(pair, scale):
    y, raw = pair
    z_data = (raw - 0.5) * 2 * scale
    z1, z2 = Value(z_data), Value(z_data)
    auto = losses.binary_crossentropy(y, activations.sigmoid(z1))
    explicit = losses.binary_crossentropy(y, z2, from_logits=True)
    assert auto.item() == explicit.item()
    auto.backward()
    explicit.backward()
    np.testing.assert_array_equal(z1.grad, z2.grad)


@FEW
@given(categorical_pair(), floats(1.0, 30.0))
def test_cce_on_a_softmax_output_is_the_logits_call(pair, scale):
    y, z_data = pair
    z_data = z_data * scale
    z1, z2 = Value(z_data), Value(z_data)
    auto = losses.categorical_crossentropy(y, activations.softmax(z1))
    explicit = losses.categorical_crossentropy(y, z2, from_logits=True)
    assert auto.item() == explicit.item()
    auto.backward()
    explicit.backward()
    np.testing.assert_array_equal(z1.grad, z2.grad)
    labels = y.argmax(axis=1)
    z3 = Value(z_data)
    sparse = losses.sparse_categorical_crossentropy(labels, activations.softmax(z3))
    one_hot = losses.categorical_crossentropy(np.eye(z_data.shape[1])[labels], z_data, from_logits=True)
    assert sparse.item() == pytest.approx(one_hot.item(), rel=1e-14)


def test_the_automatic_path_keeps_saturated_sigmoid_outputs_exact():
    """Through a Dense sigmoid layer, a confident mistake costs its logit, not -log(1e-7)."""
    layer = Dense(1, input_dim=1, activation="sigmoid", kernel_initializer="ones")
    loss = losses.binary_crossentropy([[0.0]], layer(np.array([[50.0]])))
    assert loss.item() == pytest.approx(50.0, rel=1e-15)
    loss.backward()
    assert layer.weight.grad[0, 0] == pytest.approx(50.0, rel=1e-15)  # (σ(50) - 0) · x


def test_softmax_along_another_axis_does_not_take_the_logits_path():
    z = np.array([[0.0, 2.0], [1.0, -1.0]])
    y = np.array([[0.0, 1.0], [1.0, 0.0]])
    p0 = softmax(z.T).T  # softmax down the columns
    out = losses.categorical_crossentropy(y, activations.softmax(Value(z), axis=0))
    shares = p0 / p0.sum(axis=1, keepdims=True)  # read as probabilities: each row divided by its sum, as Keras does
    assert out.item() == pytest.approx(np.mean(-np.sum(y * np.log(shares), axis=1)), rel=1e-12)


# --------------------------------------------------------------- gradcheck
@FEW
@given(regression_pair())
def test_gradcheck_mean_squared_error(pair):
    y, p = pair
    assert gradcheck(lambda v: losses.mean_squared_error(y, v), p, rtol=1e-6, atol=1e-9)


@FEW
@given(regression_pair().filter(lambda yp: np.min(np.abs(yp[1] - yp[0])) > 1e-3))
def test_gradcheck_mean_absolute_error(pair):
    y, p = pair
    assert gradcheck(lambda v: losses.mean_absolute_error(y, v), p, rtol=1e-6, atol=1e-9)


@FEW
@given(binary_pair())
def test_gradcheck_binary_crossentropy(pair):
    y, p = pair
    assert gradcheck(lambda v: losses.binary_crossentropy(y, v), p, rtol=1e-6, atol=1e-9)
    z = np.log(p / (1 - p))
    assert gradcheck(lambda v: losses.binary_crossentropy(y, v, from_logits=True), z, rtol=1e-6, atol=1e-9)
    assert gradcheck(lambda v: losses.binary_crossentropy(y, v.sigmoid()), z, rtol=1e-6, atol=1e-9)


@FEW
@given(categorical_pair())
def test_gradcheck_categorical_crossentropy(pair):
    y, z = pair
    p = softmax(z)
    # -log p curves like 1/p³ at its third derivative, and the row's sum (probabilities are read
    # as p / Σp) adds a third derivative of order one: a step of 1e-4 of the smallest probability
    # keeps the central difference's truncation error below the tolerance
    assert gradcheck(lambda v: losses.categorical_crossentropy(y, v), p, eps=1e-4 * float(p.min()),
                     rtol=1e-6, atol=1e-9)
    assert gradcheck(lambda v: losses.categorical_crossentropy(y, v, from_logits=True), z, rtol=1e-6, atol=1e-9)
    assert gradcheck(lambda v: losses.categorical_crossentropy(y, v.softmax()), z, rtol=1e-6, atol=1e-9)
    labels = y.argmax(axis=1)
    assert gradcheck(lambda v: losses.sparse_categorical_crossentropy(labels, v, from_logits=True), z,
                     rtol=1e-6, atol=1e-9)


@FEW
@given(regression_pair().filter(lambda yp: np.min(np.abs(1 - np.sign(yp[0] + 0.5) * yp[1])) > 1e-3))
def test_gradcheck_hinge(pair):
    y = np.where(pair[0] + 0.5 >= 0, 1.0, -1.0)
    assert gradcheck(lambda v: losses.hinge(y, v), pair[1], rtol=1e-6, atol=1e-9)


# ------------------------------------------------------------ shapes and errors
@pytest.mark.parametrize("name", ["mean_squared_error", "mean_absolute_error", "binary_crossentropy", "hinge"])
def test_flat_targets_against_a_column_of_predictions(name):
    loss = losses.get(name)
    y_flat = np.array([1.0, 0.0, 1.0])
    p = np.array([[0.8], [0.3], [0.4]])
    column = loss(y_flat.reshape(-1, 1), Value(p)).item()
    assert loss(y_flat, Value(p)).item() == column
    assert loss(list(y_flat), Value(p)).item() == column
    assert loss(y_flat.reshape(-1, 1), Value(p.ravel())).item() == column


@pytest.mark.parametrize("name", ["mean_squared_error", "mean_absolute_error", "binary_crossentropy",
                                  "categorical_crossentropy", "hinge"])
def test_mismatched_sizes_raise(name):
    loss = losses.get(name)
    p = Value(np.full((3, 2), 0.5))
    with pytest.raises(ValueError, match=r"\(3,\).*\(3, 2\)"):
        loss(np.zeros(3), p)
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(3, 2\)"):
        loss(np.zeros((2, 3)), p)  # same size, but transposed: not silently reshaped


def test_sparse_labels_are_checked():
    p = Value(np.full((2, 3), 1 / 3))
    with pytest.raises(ValueError, match="expected 2 labels"):
        losses.sparse_categorical_crossentropy([0, 1, 2], p)
    with pytest.raises(ValueError, match=r"\[0, 2\].*3"):
        losses.sparse_categorical_crossentropy([0, 3], p)
    with pytest.raises(ValueError, match="whole class numbers"):
        losses.sparse_categorical_crossentropy([0.5, 1.0], p)


def test_probability_targets_outside_0_1_raise():
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        losses.binary_crossentropy([[2.0]], Value(np.array([[0.5]])))
    with pytest.raises(ValueError, match="non-negative"):
        losses.categorical_crossentropy([[-1.0, 2.0]], Value(np.array([[0.5, 0.5]])))


def test_bad_inputs_raise_type_or_value_errors():
    with pytest.raises(TypeError, match="numeric"):
        losses.mean_squared_error(np.array(["a"]), Value(np.zeros(1)))
    with pytest.raises(ValueError, match="0-d"):
        losses.mean_squared_error(1.0, Value(1.0))


# ----------------------------------------------------------------- lookup
@pytest.mark.parametrize("name, fn", [
    ("mean_squared_error", losses.mean_squared_error), ("mse", losses.mean_squared_error),
    ("MSE", losses.mean_squared_error), ("mae", losses.mean_absolute_error),
    ("mean_absolute_error", losses.mean_absolute_error), ("binary_crossentropy", losses.binary_crossentropy),
    ("bce", losses.binary_crossentropy), ("categorical_crossentropy", losses.categorical_crossentropy),
    ("sparse_categorical_crossentropy", losses.sparse_categorical_crossentropy), ("hinge", losses.hinge),
])
def test_each_loss_by_name(name, fn):
    assert losses.get(name) is fn


def test_canonical_names_and_unknown_names():
    assert losses.name_of(losses.mse) == "mean_squared_error"
    assert losses.name_of(losses.get("bce")) == "binary_crossentropy"
    with pytest.raises(ValueError) as err:
        losses.get("crossentropy")
    for name in ["'binary_crossentropy'", "'categorical_crossentropy'", "'mean_squared_error'", "'hinge'"]:
        assert name in str(err.value)
    with pytest.raises(TypeError, match="loss must be a name"):
        losses.get(1)


def test_losses_work_without_a_graph():
    with no_grad():
        out = losses.mean_squared_error([[1.0]], Value(np.array([[3.0]])))
    assert out.item() == 4.0 and not out.requires_grad


# ------------------------------------------------------- labels where they enter
ALL_LOSSES = {
    "mean_squared_error": losses.mean_squared_error,
    "mean_absolute_error": losses.mean_absolute_error,
    "binary_crossentropy": losses.binary_crossentropy,
    "categorical_crossentropy": losses.categorical_crossentropy,
    "hinge": losses.hinge,
}


@pytest.mark.parametrize("name", sorted(ALL_LOSSES))
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_every_loss_refuses_non_finite_labels(name, bad):
    y = np.array([[1.0, 0.0], [bad, 1.0]])
    with pytest.raises(ValueError, match=rf"{name}: y_true must be finite.*index \(1, 0\)"):
        ALL_LOSSES[name](y, Value(np.full((2, 2), 0.5)))


def test_sparse_categorical_crossentropy_refuses_non_finite_labels():
    with pytest.raises(ValueError, match="finite|whole"):
        losses.sparse_categorical_crossentropy([0.0, np.nan], Value(np.full((2, 3), 1 / 3)))
    with pytest.raises(ValueError, match="finite"):
        losses.sparse_categorical_crossentropy([0.0, np.inf], Value(np.full((2, 3), 1 / 3)))


@pytest.mark.parametrize("name", sorted(ALL_LOSSES) + ["sparse_categorical_crossentropy"])
def test_every_loss_refuses_an_empty_batch(name):
    fn = losses.get(name)
    y_true = np.zeros((0,)) if name.startswith("sparse") else np.zeros((0, 2))
    with pytest.raises(ValueError, match=rf"{name}: the batch is empty"):
        fn(y_true, Value(np.zeros((0, 2))))


def test_hinge_labels_are_plus_minus_one_or_zero_one():
    p = Value(np.array([[0.5], [-2.0], [0.3]]))
    signed = losses.hinge(np.array([[1.0], [-1.0], [-1.0]]), p).item()
    assert losses.hinge(np.array([[1.0], [0.0], [0.0]]), p).item() == signed  # 0/1 mapped to -1/1
    for bad in ([[2.0], [1.0], [0.0]], [[1.0], [0.0], [-1.0]], [[0.5], [1.0], [1.0]]):
        with pytest.raises(ValueError, match=r"hinge: y_true must hold labels in \{-1, 1\} or in \{0, 1\}"):
            losses.hinge(np.array(bad), p)


def test_categorical_crossentropy_accepts_soft_and_multi_hot_rows_refuses_negative():
    p = Value(np.full((2, 3), 1 / 3))
    losses.categorical_crossentropy([[0.2, 0.3, 0.5], [1.0, 1.0, 0.0]], p)
    losses.categorical_crossentropy([[0.0, 0.0, 0.0], [2.0, 0.0, 0.0]], p)
    with pytest.raises(ValueError, match="non-negative"):
        losses.categorical_crossentropy([[0.5, -0.1, 0.6], [1.0, 0.0, 0.0]], p)


UNNORMALIZED_TARGETS = np.array([[1.0, 1.0, 0.0], [0.0, 0.0, 0.0], [0.0, 1.0, 1.0], [0.3, 0.0, 0.0]])


@pytest.mark.parametrize("path", ["softmax", "from_logits", "probabilities"])
def test_categorical_crossentropy_value_and_gradient_agree_for_rows_not_summing_to_one(path):
    z = np.array([[0.5, -1.0, 2.0], [1.0, 0.0, -0.5], [-2.0, 0.3, 0.1], [0.0, 0.2, 0.4]])

    def loss(v):
        if path == "softmax":
            return losses.categorical_crossentropy(UNNORMALIZED_TARGETS, v.softmax())
        if path == "from_logits":
            return losses.categorical_crossentropy(UNNORMALIZED_TARGETS, v, from_logits=True)
        return losses.categorical_crossentropy(UNNORMALIZED_TARGETS, (v * 0.1).sigmoid())

    assert gradcheck(loss, z)


# ----------------------------------------------------------- the logits path
def test_logits_path_leaves_the_skipped_probability_without_gradient():
    from autograd_mlp.engine import topological_order

    z = Value(np.array([[40.0], [-3.0]]))
    p = z.sigmoid()
    loss = losses.binary_crossentropy([[0.0], [1.0]], p)
    loss.backward()
    assert p.grad is None, "the probability node is not part of the loss's graph"
    nodes = {id(node) for node in topological_order(loss)}
    assert id(p) not in nodes and id(z) in nodes
    assert loss.op == "bce_logits"
    np.testing.assert_allclose(z.grad, (1 / (1 + np.exp(-z.data)) - [[0.0], [1.0]]) / 2)
    assert np.isfinite(loss.item())
