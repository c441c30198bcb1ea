"""The loss classes on their own: Keras 3's reductions and weights, label smoothing, configs, bad input."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograd_mlp import Value, gradcheck, losses
from autograd_mlp.keras import losses as keras_losses
from autograd_mlp.losses import classes

FEW = settings(max_examples=25, deadline=None)
RNG = np.random.default_rng(5)
Y = RNG.integers(0, 2, (6, 3)).astype(float)
P = RNG.uniform(0.05, 0.95, (6, 3))
Z = RNG.normal(0, 2, (6, 3))
W = RNG.uniform(0, 2, 6)
LABELS = RNG.integers(0, 3, 6)
ONE_HOT = np.eye(3)[LABELS]


def bce_rows(y, p):
    return np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p)), axis=-1)


@pytest.mark.parametrize("reduction, expected", [
    ("sum_over_batch_size", lambda v, w: np.sum(w * v) / v.size),
    ("mean", lambda v, w: np.sum(w * v) / v.size),
    ("sum", lambda v, w: np.sum(w * v)),
    ("mean_with_sample_weight", lambda v, w: np.sum(w * v) / np.sum(w)),
    ("none", lambda v, w: w * v),
    (None, lambda v, w: w * v),
])
def test_reductions_weight_the_per_case_losses_as_keras(reduction, expected):
    out = losses.BinaryCrossentropy(reduction=reduction)(Y, P, sample_weight=W)
    np.testing.assert_allclose(out.data, expected(bce_rows(Y, P), W), rtol=1e-13)
    unweighted = losses.BinaryCrossentropy(reduction=reduction)(Y, P)
    np.testing.assert_allclose(unweighted.data, expected(bce_rows(Y, P), np.ones(6)), rtol=1e-13)


def test_sum_over_batch_size_divides_by_the_batch_not_by_the_weights():
    w = np.array([1.0, 0, 0, 0, 0, 0])
    out = losses.MeanSquaredError()(Y, Z, sample_weight=w)
    assert out.item() == pytest.approx(np.mean((Z[0] - Y[0]) ** 2) / 6, rel=1e-13)


def test_all_zero_weights_give_zero_where_keras_would_divide_by_zero():
    out = losses.MeanSquaredError(reduction="mean_with_sample_weight")(Y, Z, sample_weight=np.zeros(6))
    assert out.item() == 0.0


def test_weights_as_a_column_or_a_scalar():
    loss = losses.MeanAbsoluteError()
    by_vector = loss(Y, Z, sample_weight=W).item()
    assert loss(Y, Z, sample_weight=W[:, None]).item() == pytest.approx(by_vector, rel=1e-14)
    assert loss(Y, Z, sample_weight=2.0).item() == pytest.approx(2 * loss(Y, Z).item(), rel=1e-14)


def test_the_default_call_equals_the_function():
    assert losses.BinaryCrossentropy()(Y, P).item() == pytest.approx(losses.binary_crossentropy(Y, P).item(),
                                                                      rel=1e-14)
    assert losses.Hinge()(Y, Z).item() == pytest.approx(losses.hinge(Y, Z).item(), rel=1e-14)
    assert losses.SparseCategoricalCrossentropy()(LABELS, P).item() == pytest.approx(
        losses.sparse_categorical_crossentropy(LABELS, P).item(), rel=1e-14)


def test_label_smoothing_as_keras_defines_it():
    s = 0.2
    out = losses.BinaryCrossentropy(label_smoothing=s)(Y, P)
    assert out.item() == pytest.approx(np.mean(bce_rows(Y * (1 - s) + s / 2, P)), rel=1e-13)
    out = losses.CategoricalCrossentropy(label_smoothing=s)(ONE_HOT, P)
    shares = P / P.sum(axis=1, keepdims=True)
    smoothed = ONE_HOT * (1 - s) + s / 3
    assert out.item() == pytest.approx(np.mean(-np.sum(smoothed * np.log(shares), axis=1)), rel=1e-13)


def test_categorical_crossentropy_reads_probabilities_as_row_shares():
    out = losses.CategoricalCrossentropy()(ONE_HOT, P)
    shares = P / P.sum(axis=1, keepdims=True)
    assert out.item() == pytest.approx(np.mean(-np.log(shares[np.arange(6), LABELS])), rel=1e-13)
    # the logits path is unchanged: rows of a softmax already sum to one
    z = Value(Z.copy())
    via_softmax = losses.CategoricalCrossentropy()(ONE_HOT, z.softmax())
    from_logits = losses.CategoricalCrossentropy(from_logits=True)(ONE_HOT, Z)
    assert via_softmax.item() == pytest.approx(from_logits.item(), rel=1e-14)


def test_a_sigmoid_output_is_read_through_its_logits_even_when_saturated():
    z = Value(np.array([[40.0], [-40.0]]))
    out = losses.BinaryCrossentropy()(np.array([[0.0], [1.0]]), z.sigmoid(), sample_weight=[1.0, 3.0])
    assert out.item() == pytest.approx((40 + 3 * 40) / 2, rel=1e-12)  # clipped probabilities would give ~16


@FEW
@given(st.sampled_from(["sum_over_batch_size", "sum", "mean_with_sample_weight", "none"]),
       hnp.arrays(np.float64, 4, elements=st.floats(0.1, 2.0)),
       hnp.arrays(np.float64, (4, 3), elements=st.floats(-3, 3)))
def test_gradients_with_weights_match_finite_differences(reduction, w, z):
    y = np.array([[1.0, 0, 1], [0, 0, 1], [1, 1, 0], [0, 1, 0]])
    labels = np.array([2, 0, 1, 1])
    p = 1 / (1 + np.exp(-z)) * 0.8 + 0.1

    def total(out):
        return out.sum() if out.data.ndim else out

    for loss, target, x in [
        (losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.1, reduction=reduction), y, z),
        (losses.BinaryCrossentropy(reduction=reduction), y, p),
        (losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.2, reduction=reduction), y, z),
        (losses.CategoricalCrossentropy(reduction=reduction), y, p),
        (losses.SparseCategoricalCrossentropy(from_logits=True, reduction=reduction), labels, z),
        (losses.MeanSquaredError(reduction=reduction), y, z),
    ]:
        assert gradcheck(lambda v: total(loss(target, v, sample_weight=w)), x, eps=1e-6, rtol=1e-5, atol=1e-8)


def test_reduction_none_gives_one_value_per_case_and_backpropagates_through_it():
    z = Value(Z.copy())
    per_case = losses.CategoricalCrossentropy(from_logits=True, reduction="none")(ONE_HOT, z)
    assert per_case.shape == (6,)
    (per_case * np.arange(6.0)).sum().backward()
    softmax = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(z.grad, np.arange(6.0)[:, None] * (softmax - ONE_HOT), rtol=1e-12)


def test_call_gives_the_per_case_losses():
    np.testing.assert_allclose(losses.BinaryCrossentropy().call(Y, P).data, bce_rows(Y, P), rtol=1e-13)


def test_a_subclass_defines_call_and_gets_weights_and_reductions():
    class Squares(losses.Loss):
        def call(self, y_true, y_pred):
            return ((y_pred - y_true) ** 2).sum(axis=-1)

    loss = Squares(reduction="sum")
    assert loss.name == "squares"
    out = loss(Y, Value(Z), sample_weight=W)
    assert out.item() == pytest.approx(np.sum(W * np.sum((Z - Y) ** 2, axis=1)), rel=1e-13)
    assert losses.name_of(loss) == "squares"
    with pytest.raises(NotImplementedError, match="call"):
        losses.Loss()(Y, Z)


@pytest.mark.parametrize("cls", sorted(classes.CLASSES))
def test_config_round_trip_and_keras_names(cls):
    loss = getattr(losses, cls)()
    assert loss.name == losses.name_of(loss) == loss.function_name
    assert loss.__name__ == loss.name
    copy = type(loss).from_config(loss.get_config())
    assert copy == loss and copy.get_config() == loss.get_config()
    assert losses.deserialize(losses.serialize(loss)) == loss
    assert losses.get(cls) == loss
    assert getattr(keras_losses, cls) is type(loss)


def test_configs_carry_the_options():
    loss = losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.1, reduction="sum", name="bce")
    assert loss.get_config() == {"name": "bce", "reduction": "sum", "from_logits": True, "label_smoothing": 0.1,
                                 "axis": -1}
    assert losses.name_of(loss) == "binary_crossentropy"  # what compile keys its checks on
    assert losses.get({"class_name": "BinaryCrossentropy", "config": loss.get_config()}) == loss


def test_get_returns_objects_as_they_are_and_names_list_the_valid_ones():
    loss = losses.Hinge()
    assert losses.get(loss) is loss
    assert losses.get("bce") is losses.binary_crossentropy
    assert isinstance(losses.get(losses.MeanSquaredError), losses.MeanSquaredError)
    with pytest.raises(ValueError, match="binary_crossentropy.*BinaryCrossentropy"):
        losses.get("binary_cross_entropy")
    with pytest.raises(ValueError, match="BinaryCrossentropy"):
        losses.deserialize({"class_name": "Nope", "config": {}})


@pytest.mark.parametrize("make, error, match", [
    (lambda: losses.BinaryCrossentropy(label_smoothing=1.5), ValueError, "label_smoothing"),
    (lambda: losses.BinaryCrossentropy(label_smoothing="a"), TypeError, "label_smoothing"),
    (lambda: losses.BinaryCrossentropy(from_logits=1), TypeError, "from_logits"),
    (lambda: losses.CategoricalCrossentropy(axis=0), ValueError, "axis"),
    (lambda: losses.MeanSquaredError(reduction="average"), ValueError, "reduction"),
    (lambda: losses.Hinge(name=3), TypeError, "name"),
])
def test_bad_options_are_refused(make, error, match):
    with pytest.raises(error, match=match):
        make()


@pytest.mark.parametrize("weights, error, match", [
    (np.ones(5), ValueError, r"one weight per case, shape \(6,\)"),
    (-W, ValueError, "non-negative"),
    (np.array([1, 1, 1, 1, 1, np.nan]), ValueError, "NaN or infinity"),
    (np.array([1, 1, 1, 1, 1, np.inf]), ValueError, "NaN or infinity"),
    (["a"] * 6, TypeError, "sample_weight"),
])
def test_bad_weights_are_refused_before_any_gradient(weights, error, match):
    z = Value(Z.copy())
    with pytest.raises(error, match=match):
        losses.BinaryCrossentropy(from_logits=True)(Y, z, sample_weight=weights)
    assert z.grad is None or not np.any(z.grad)


def test_compile_takes_loss_objects():
    from autograd_mlp.keras import layers, models

    x = RNG.normal(size=(20, 2))
    y = (x[:, 0] > 0).astype(int)
    model = models.Sequential([layers.Dense(3, activation="softmax", input_dim=2)])
    model.compile(optimizer="sgd", loss=losses.SparseCategoricalCrossentropy(), metrics=["accuracy"])
    history = model.fit(x, y, epochs=2, batch_size=5, verbose=0)
    assert set(history.history) == {"loss", "accuracy"}
    expected = losses.sparse_categorical_crossentropy(y, model.predict(x, verbose=0)).item()
    assert model.evaluate(x, y, verbose=0)[0] == pytest.approx(expected, rel=1e-12)
