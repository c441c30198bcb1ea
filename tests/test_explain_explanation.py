"""The Explanation record: validation, summaries, indexing and its text form."""

import numpy as np
import pytest

from autograd_mlp.explain import Explanation


def make(outputs=None, n=4, m=3, errors=False):
    rng = np.random.default_rng(0)
    shape = (n, m) if outputs is None else (n, m, outputs)
    values = rng.normal(size=shape)
    per_row = shape[:1] + shape[2:]
    base = rng.normal(size=per_row)
    return Explanation(values, base, rng.normal(size=(n, m)), ["a", "b", "c"][:m], "exact_shapley",
                       std_errors=np.abs(values) / 10 if errors else None,
                       output_values=base + values.sum(axis=1))


def test_mean_abs_importance_and_ranking():
    values = np.array([[1.0, -3.0, 0.0], [-1.0, 1.0, 0.5]])
    e = Explanation(values, np.zeros(2), np.zeros((2, 3)), ["a", "b", "c"], "exact_shapley")
    np.testing.assert_allclose(e.mean_abs(), [1.0, 2.0, 0.25])
    assert e.ranking() == ["b", "a", "c"]
    tie = Explanation(np.ones((1, 3)), None, np.zeros((1, 3)), ["z", "y", "x"], "saliency")
    assert tie.ranking() == ["z", "y", "x"]  # ties keep the column order


def test_multi_output_importance_averages_the_outputs():
    values = np.zeros((2, 2, 2))
    values[:, 0, 0] = 4.0  # feature 0 matters for output 0 only
    values[:, 1, :] = 3.0  # feature 1 for both
    e = Explanation(values, np.zeros((2, 2)), np.zeros((2, 2)), ["p", "q"], "exact_shapley")
    assert e.mean_abs().shape == (2, 2)
    np.testing.assert_allclose(e.importance(), [2.0, 3.0])
    assert e.ranking() == ["q", "p"]
    assert e.n_outputs == 2 and e.n_features == 2 and len(e) == 2


def test_indexing_rows_and_outputs():
    e = make(outputs=2, errors=True)
    row = e[1]
    assert row.values.shape == (1, 3, 2) and row.base_values.shape == (1, 2)
    np.testing.assert_array_equal(row.values[0], e.values[1])
    np.testing.assert_array_equal(e[-1].data[0], e.data[3])
    out = e[:, 1]
    assert out.values.shape == (4, 3) and out.base_values.shape == (4,) and out.std_errors.shape == (4, 3)
    np.testing.assert_array_equal(out.values, e.values[:, :, 1])
    both = e[np.array([True, False, True, False]), 0]
    np.testing.assert_array_equal(both.values, e.values[[0, 2], :, 0])
    np.testing.assert_allclose(both.completeness_gap(), 0.0, atol=1e-12)
    with pytest.raises(IndexError, match="out of range for 2 outputs"):
        e[:, 2]
    with pytest.raises(IndexError, match="row 4 is out of range for 4 rows"):
        e[4]
    with pytest.raises(IndexError, match="single output"):
        make()[:, 0]
    with pytest.raises(TypeError, match="integer, got slice"):
        e[:, :]


def test_completeness_gap():
    e = make()
    np.testing.assert_allclose(e.completeness_gap(), 0.0, atol=1e-12)
    shifted = Explanation(e.values, e.base_values + 1.0, e.data, e.feature_names, e.method,
                          output_values=e.output_values)
    np.testing.assert_allclose(shifted.completeness_gap(), -1.0)


def test_repr_is_readable():
    text = repr(make(errors=True))
    assert text.splitlines()[0] == "Explanation(method='exact_shapley', rows=4, features=3)"
    assert "base values: from" in text and "mean |value|" in text and "max std error" in text
    same_base = Explanation(np.ones((2, 12)), np.full(2, 0.25), np.zeros((2, 12)), [f"x{i}" for i in range(12)], "exact_shapley")
    lines = repr(same_base).splitlines()
    assert "base value: 0.25" in lines[1]
    assert lines[-1].strip() == "... 2 more features"
    assert "outputs=2" in repr(make(outputs=2))


@pytest.mark.parametrize("kwargs, message", [
    ({"values": np.zeros(3)}, r"\(n, features\).*got \(3,\)"),
    ({"data": np.zeros((4, 2))}, r"data must have shape \(4, 3\).*\(4, 2\)"),
    ({"feature_names": ["a", "b"]}, r"expected 3 feature names, got 2"),
    ({"base_values": np.zeros(5)}, r"base_values must have shape \(4,\), got \(5,\)"),
    ({"std_errors": np.zeros((4, 2))}, r"std_errors must have shape \(4, 3\)"),
])
def test_inconsistent_fields_are_refused(kwargs, message):
    fields = {"values": np.zeros((4, 3)), "base_values": np.zeros(4), "data": np.zeros((4, 3)),
              "feature_names": ["a", "b", "c"], "method": "exact_shapley"}
    fields.update(kwargs)
    with pytest.raises(ValueError, match=message):
        Explanation(**fields)


# ------------------------------------------------ feature names from a DataFrame
def _linear(x):
    return np.asarray(x, dtype=float) @ np.array([1.0, -2.0, 0.5])


@pytest.mark.parametrize("method", ["shapley_values", "permutation_shapley", "integrated_gradients",
                                    "expected_gradients", "gradient_x_input", "saliency"])
def test_a_dataframe_names_the_features(method):
    pd = pytest.importorskip("pandas")
    from autograd_mlp import Dense, Sequential, explain

    model = Sequential([Dense(1, input_dim=3, activation="linear")])
    frame = pd.DataFrame(np.random.default_rng(0).normal(size=(4, 3)), columns=["age", "income", "height"])
    background = pd.DataFrame(np.zeros((2, 3)), columns=["a", "b", "c"])  # the explained rows' names count
    function = getattr(explain, method)
    kwargs = {} if method in ("gradient_x_input", "saliency", "integrated_gradients") else {"background": background}
    e = function(model, frame, **kwargs)
    assert e.feature_names == ["age", "income", "height"]
    np.testing.assert_array_equal(e.data, frame.to_numpy())
    # Names given explicitly win over the frame's.
    assert function(model, frame, feature_names=["u", "v", "w"], **kwargs).feature_names == ["u", "v", "w"]


def test_an_array_keeps_the_default_names():
    from autograd_mlp.explain import shapley_values

    e = shapley_values(_linear, np.ones((2, 3)), np.zeros((2, 3)))
    assert e.feature_names == ["x0", "x1", "x2"]
