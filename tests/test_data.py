"""Tests for autograd_mlp.data: splits (no row lost or doubled), Standardizer, one-hot, batches, data sets."""

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_mlp import data
from autograd_mlp.data import Standardizer


# ---------------------------------------------------------------- strategies


@st.composite
def fraction_triples(draw):
    """Three fractions ≥ 0 summing to 1, zeros included (made from whole-number weights)."""
    weights = draw(st.lists(st.integers(0, 10), min_size=3, max_size=3).filter(lambda w: sum(w) > 0))
    return tuple(w / sum(weights) for w in weights)


@st.composite
def labelled_rows(draw, max_rows=60, max_classes=4):
    """(x, labels): x holds a unique row id in column 0, labels are class indices."""
    n = draw(st.integers(1, max_rows))
    classes = draw(st.integers(1, max_classes))
    labels = np.array(draw(st.lists(st.integers(0, classes - 1), min_size=n, max_size=n)))
    x = np.stack([np.arange(n, dtype=np.float64), np.arange(n) * 0.5], axis=1)
    return x, labels


def _ids(part):
    return part[0][:, 0].astype(int)


# ---------------------------------------------------------------- train_val_test_split


@given(labelled_rows(), fraction_triples(), st.booleans(), st.integers(0, 2**32 - 1))
@settings(max_examples=50, deadline=None)
def test_split_loses_and_duplicates_no_row_and_respects_sizes(rows, fractions, shuffle, seed):
    x, labels = rows
    n = x.shape[0]
    parts = data.train_val_test_split(x, labels, fractions=fractions, shuffle=shuffle, seed=seed)
    ids = np.concatenate([_ids(part) for part in parts])
    assert sorted(ids.tolist()) == list(range(n))
    for (x_part, y_part), f in zip(parts, fractions):
        assert abs(len(x_part) - f * n) < 1
        assert x_part.shape[1:] == (2,) and len(y_part) == len(x_part)
        # every label still belongs to its row
        np.testing.assert_array_equal(y_part, labels[x_part[:, 0].astype(int)])


@given(labelled_rows(), fraction_triples(), st.booleans(), st.integers(0, 2**32 - 1))
@settings(max_examples=50, deadline=None)
def test_stratified_split_keeps_each_class_within_one_row(rows, fractions, shuffle, seed):
    x, labels = rows
    n = x.shape[0]
    parts = data.train_val_test_split(x, labels, fractions=fractions, shuffle=shuffle, seed=seed, stratify=True)
    ids = np.concatenate([_ids(part) for part in parts])
    assert sorted(ids.tolist()) == list(range(n))
    for (x_part, y_part), f in zip(parts, fractions):
        assert abs(len(x_part) - f * n) < 1
        for k in np.unique(labels):
            assert abs(np.sum(y_part == k) - f * np.sum(labels == k)) < 1


@given(st.lists(st.integers(1, 30), min_size=1, max_size=12), fraction_triples())
@settings(max_examples=50, deadline=None)
def test_split_counts_round_every_cell_and_every_total(class_sizes, fractions):
    exact = data._exact_fractions(fractions)
    counts = data._split_counts(class_sizes, exact)
    n = sum(class_sizes)
    np.testing.assert_array_equal(counts.sum(axis=1), class_sizes)
    for k, size in enumerate(class_sizes):
        for i, f in enumerate(exact):
            assert counts[k, i] in (math.floor(f * size), math.ceil(f * size))
    for i, f in enumerate(exact):
        assert counts[:, i].sum() in (math.floor(f * n), math.ceil(f * n))


def test_default_split_is_the_course_60_20_20():
    x, y = data.linear_boundary(250, seed=0)
    (x_train, y_train), (x_val, y_val), (x_test, y_test) = data.train_val_test_split(x, y, seed=1)
    assert (len(x_train), len(x_val), len(x_test)) == (150, 50, 50)
    assert y_train.shape == (150, 1)


def test_split_sizes_take_the_largest_remainders():
    sizes = [[len(part[0]) for part in data.train_val_test_split(np.arange(n), np.arange(n), seed=0)] for n in (2, 7, 9)]
    # 60/20/20 of 7 is 4.2/1.4/1.4: the spare row goes to validation (0.4 beats 0.2, tie with test goes first)
    assert sizes == [[1, 1, 0], [4, 2, 1], [5, 2, 2]]


def test_split_without_shuffle_keeps_consecutive_blocks():
    x = np.arange(10)
    (a, _), (b, _), (c, _) = data.train_val_test_split(x, x * 10, shuffle=False)
    np.testing.assert_array_equal(a, np.arange(6))
    np.testing.assert_array_equal(b, [6, 7])
    np.testing.assert_array_equal(c, [8, 9])


def test_split_with_a_seed_is_reproducible_and_shuffles():
    x = np.arange(100)
    first = data.train_val_test_split(x, x, seed=42)
    second = data.train_val_test_split(x, x, seed=42)
    other = data.train_val_test_split(x, x, seed=43)
    for p, q in zip(first, second):
        np.testing.assert_array_equal(p[0], q[0])
    assert not np.array_equal(first[0][0], other[0][0])
    assert not np.array_equal(np.sort(first[0][0]), first[0][0])


def test_split_accepts_a_generator_and_keeps_drawing_from_it():
    rng = np.random.default_rng(0)
    x = np.arange(50)
    a = data.train_val_test_split(x, x, seed=rng)[0][0]
    b = data.train_val_test_split(x, x, seed=rng)[0][0]
    assert not np.array_equal(a, b)


def test_stratified_split_with_one_hot_rows_keeps_proportions():
    labels = np.repeat([0, 1, 2], [50, 30, 20])
    y = np.eye(3)[labels]
    x = np.arange(100)
    parts = data.train_val_test_split(x, y, seed=3, stratify=True)
    counts = [part[1].sum(axis=0).tolist() for part in parts]
    assert counts == [[30, 18, 12], [10, 6, 4], [10, 6, 4]]


def test_stratified_split_does_not_list_classes_in_blocks():
    labels = np.repeat([0, 1], 50)
    (_, y_train), _, _ = data.train_val_test_split(np.arange(100), labels, seed=0, stratify=True)
    assert not np.array_equal(np.sort(y_train), y_train)


def test_split_with_a_zero_fraction_gives_an_empty_set_of_the_right_shape():
    x = np.ones((10, 3))
    y = np.zeros((10, 1))
    (x_train, _), (x_val, y_val), _ = data.train_val_test_split(x, y, fractions=(0.8, 0.0, 0.2))
    assert x_train.shape == (8, 3)
    assert x_val.shape == (0, 3) and y_val.shape == (0, 1)


def test_split_keeps_extra_dimensions_of_x():
    x = np.arange(5 * 2 * 3).reshape(5, 2, 3)
    parts = data.train_val_test_split(x, np.arange(5), fractions=(0.4, 0.4, 0.2), seed=0)
    assert [part[0].shape for part in parts] == [(2, 2, 3), (2, 2, 3), (1, 2, 3)]


@pytest.mark.parametrize(
    "fractions, match",
    [
        ((0.5, 0.2, 0.2), "sum to 1"),
        ((0.8, 0.4, -0.2), "≥ 0"),
        ((0.5, 0.5), "three numbers"),
        ("abc", "three numbers"),
        ((0.6, float("nan"), 0.4), "finite"),
    ],
)
def test_split_rejects_bad_fractions(fractions, match):
    with pytest.raises(ValueError, match=match):
        data.train_val_test_split(np.arange(10), np.arange(10), fractions=fractions)


def test_split_rejects_bad_data():
    with pytest.raises(ValueError, match=r"\(10,\) and \(9,\)"):
        data.train_val_test_split(np.arange(10), np.arange(9))
    with pytest.raises(ValueError, match="NaN"):
        data.train_val_test_split(np.array([1.0, np.nan]), np.arange(2))
    with pytest.raises(ValueError, match="NaN"):
        data.train_val_test_split(np.arange(2), np.array([[0.0], [np.nan]]))
    with pytest.raises(ValueError, match="at least one row"):
        data.train_val_test_split(np.zeros((0, 2)), np.zeros(0))
    with pytest.raises(ValueError, match=r"\(2, 1, 1\)"):
        data.train_val_test_split(np.arange(2), np.zeros((2, 1, 1)))
    with pytest.raises(TypeError, match="numbers"):
        data.train_val_test_split(["a", "b"], [0, 1])
    with pytest.raises(TypeError, match="shuffle as a bool"):
        data.train_val_test_split(np.arange(4), np.arange(4), shuffle="yes")


def test_split_rejects_labels_it_cannot_stratify():
    with pytest.raises(ValueError, match="whole-number"):
        data.train_val_test_split(np.arange(3), np.array([0.5, 1.0, 0.0]), stratify=True)
    with pytest.raises(ValueError, match="one-hot"):
        data.train_val_test_split(np.arange(2), np.array([[0.3, 0.7], [1.0, 0.0]]), stratify=True)


@pytest.mark.parametrize("seed, error", [(-1, ValueError), (1.5, TypeError), (True, TypeError), ("0", TypeError)])
def test_bad_seeds_are_rejected(seed, error):
    with pytest.raises(error, match="seed"):
        data.train_val_test_split(np.arange(4), np.arange(4), seed=seed)


# ---------------------------------------------------------------- Standardizer

columns = st.integers(1, 4)
rows = st.integers(2, 30)


@st.composite
def matrices(draw):
    n, d = draw(rows), draw(columns)
    values = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
    return np.array(draw(st.lists(st.lists(values, min_size=d, max_size=d), min_size=n, max_size=n)))


@given(matrices())
@settings(max_examples=50, deadline=None)
def test_standardizer_round_trips(x):
    standardizer = Standardizer().fit(x)
    back = standardizer.inverse_transform(standardizer.transform(x))
    np.testing.assert_allclose(back, x, rtol=1e-9, atol=1e-9 * (1 + np.abs(x).max()))


@given(matrices())
@settings(max_examples=50, deadline=None)
def test_standardized_training_data_has_mean_0_and_std_1(x):
    z = Standardizer().fit_transform(x)
    spread = x.std(axis=0)
    scale = np.abs(x).max(axis=0) + 1
    varying = spread > 1e-6 * scale  # a column more than round-off away from constant
    np.testing.assert_allclose(z.mean(axis=0), 0.0, atol=1e-6)
    np.testing.assert_allclose(z.std(axis=0)[varying], 1.0, rtol=1e-6)


def test_standardizer_uses_numpy_mean_and_population_std():
    x = np.array([[1.0, 10.0], [3.0, 10.0], [5.0, 40.0]])
    standardizer = Standardizer().fit(x)
    np.testing.assert_array_equal(standardizer.mean, [3.0, 20.0])
    np.testing.assert_allclose(standardizer.std, [np.sqrt(8 / 3), np.sqrt(200)])
    np.testing.assert_allclose(standardizer.transform([[3.0, 20.0]]), [[0.0, 0.0]])


def test_standardizer_leaves_constant_columns_centred_not_scaled():
    x = np.array([[2.0, 1.0], [2.0, 3.0], [2.0, 5.0]])
    standardizer = Standardizer().fit(x)
    np.testing.assert_array_equal(standardizer.scale[0], 1.0)
    z = standardizer.transform(x)
    np.testing.assert_array_equal(z[:, 0], 0.0)
    assert np.isfinite(z).all()
    np.testing.assert_allclose(standardizer.transform([[4.0, 3.0]])[0, 0], 2.0)


def test_standardizer_treats_round_off_std_as_constant():
    x = np.full((1000, 1), 0.1)
    standardizer = Standardizer().fit(x)
    assert standardizer.scale[0] == 1.0
    np.testing.assert_allclose(standardizer.transform(x), 0.0, atol=1e-15)


def test_standardizer_keeps_float32_and_promotes_integers():
    x32 = np.arange(6, dtype=np.float32).reshape(3, 2)
    assert Standardizer().fit_transform(x32).dtype == np.float32
    assert Standardizer().fit_transform(np.arange(6).reshape(3, 2)).dtype == np.float64


# partial_fit: the statistics of chunks merged one by one equal fit's on all the rows.
@pytest.mark.parametrize("chunk", [1, 7, 64, 1000])
def test_partial_fit_in_chunks_equals_fit(chunk):
    rng = np.random.default_rng(2)
    x = rng.normal(loc=[100.0, -3.0, 0.0], scale=[0.5, 2.0, 1e-3], size=(500, 3))
    whole = Standardizer().fit(x)
    chunked = Standardizer()
    for start in range(0, len(x), chunk):
        chunked.partial_fit(x[start:start + chunk])
    assert chunked.n_seen == 500
    np.testing.assert_allclose(chunked.mean, whole.mean, rtol=1e-12)
    np.testing.assert_allclose(chunked.std, whole.std, rtol=1e-12)


@pytest.mark.parametrize("chunk", [1, 7])
def test_partial_fit_does_not_cancel_when_the_mean_dwarfs_the_spread(chunk):
    # Σx² / n − mean² would lose about 12 of the 16 digits here; the merge keeps the error at the
    # size the data's own rounding (ε |mean| / std relative) allows.
    rng = np.random.default_rng(3)
    x = rng.normal(loc=1e6, scale=0.5, size=(300, 1))
    whole = Standardizer().fit(x)
    chunked = Standardizer()
    for start in range(0, len(x), chunk):
        chunked.partial_fit(x[start:start + chunk])
    conditioning = np.finfo(float).eps * 1e6 / 0.5
    np.testing.assert_allclose(chunked.std, whole.std, rtol=64 * conditioning)
    naive = np.sqrt(np.mean(x**2) - np.mean(x) ** 2)
    assert abs(naive - whole.std[0]) > 64 * conditioning * whole.std[0]  # the check can tell


@given(matrices(), st.integers(1, 5))
@settings(max_examples=50, deadline=None)
def test_partial_fit_matches_fit_on_any_data(x, chunk):
    whole = Standardizer().fit(x)
    chunked = Standardizer()
    for start in range(0, len(x), chunk):
        chunked.partial_fit(x[start:start + chunk])
    # Near-constant columns have a std that is only the data's rounding (ε |x|): compare it absolutely.
    size = 1e-12 * (1 + np.abs(x).max())
    np.testing.assert_allclose(chunked.mean, whole.mean, rtol=1e-12, atol=size)
    np.testing.assert_allclose(chunked.std, whole.std, rtol=1e-12, atol=size)


def test_partial_fit_checks_each_chunk_and_fit_starts_afresh():
    standardizer = Standardizer().partial_fit([[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(ValueError, match="2 columns, as the earlier chunks"):
        standardizer.partial_fit([[1.0, 2.0, 3.0]])
    with pytest.raises(ValueError, match="NaN or infinity"):
        standardizer.partial_fit([[1.0, np.inf]])
    assert standardizer.n_seen == 2
    standardizer.fit([[10.0, 10.0]])
    standardizer.partial_fit([[0.0, 0.0]])
    np.testing.assert_array_equal(standardizer.mean, [0.0, 0.0])
    assert standardizer.n_seen == 1


def test_standardizer_before_fit_raises():
    standardizer = Standardizer()
    for method in (standardizer.transform, standardizer.inverse_transform):
        with pytest.raises(ValueError, match="not fitted"):
            method(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="not fitted"):
        standardizer.to_dict()
    assert not standardizer.fitted


def test_standardizer_rejects_a_wrong_column_count_and_shape():
    standardizer = Standardizer().fit(np.random.default_rng(0).normal(size=(5, 3)))
    with pytest.raises(ValueError, match=r"3 columns.*\(4, 2\)"):
        standardizer.transform(np.zeros((4, 2)))
    with pytest.raises(ValueError, match=r"reshape\(-1, 1\)"):
        Standardizer().fit(np.arange(4.0))
    with pytest.raises(ValueError, match="NaN or infinity"):
        Standardizer().fit([[1.0], [np.inf]])
    with pytest.raises(ValueError, match="NaN"):
        standardizer.transform([[1.0, np.nan, 0.0]])


def test_failed_fit_leaves_the_standardizer_as_it_was():
    standardizer = Standardizer().fit([[1.0], [3.0]])
    with pytest.raises(ValueError):
        standardizer.fit([[np.nan], [1.0]])
    np.testing.assert_array_equal(standardizer.mean, [2.0])


def test_standardizer_dict_round_trip_through_json():
    x = np.random.default_rng(1).normal(3.0, 2.0, size=(20, 3))
    standardizer = Standardizer().fit(x)
    state = json.loads(json.dumps(standardizer.to_dict()))
    restored = Standardizer.from_dict(state)
    np.testing.assert_array_equal(restored.mean, standardizer.mean)
    np.testing.assert_array_equal(restored.std, standardizer.std)
    np.testing.assert_array_equal(restored.transform(x), standardizer.transform(x))
    assert "mean" in repr(restored)


@pytest.mark.parametrize(
    "state, error",
    [
        ([1.0, 2.0], TypeError),
        ({"mean": [0.0]}, ValueError),
        ({"mean": [0.0], "std": [1.0], "extra": 1}, ValueError),
        ({"mean": [0.0, 1.0], "std": [1.0]}, ValueError),
        ({"mean": [0.0], "std": [-1.0]}, ValueError),
        ({"mean": [np.nan], "std": [1.0]}, ValueError),
        ({"mean": [], "std": []}, ValueError),
        ({"mean": ["a"], "std": [1.0]}, TypeError),
    ],
)
def test_standardizer_from_dict_checks_its_input(state, error):
    with pytest.raises(error):
        Standardizer.from_dict(state)


# ---------------------------------------------------------------- one-hot


def test_one_hot_by_hand():
    np.testing.assert_array_equal(data.one_hot([0, 2, 1]), [[1, 0, 0], [0, 0, 1], [0, 1, 0]])
    np.testing.assert_array_equal(data.one_hot([[1], [0]], num_classes=3), [[0, 1, 0], [1, 0, 0]])
    assert data.one_hot([1.0, 0.0]).dtype == np.float64
    assert data.one_hot([], num_classes=4).shape == (0, 4)


@given(st.lists(st.integers(0, 6), min_size=1, max_size=20))
@settings(max_examples=40, deadline=None)
def test_from_one_hot_inverts_one_hot(labels):
    encoded = data.one_hot(labels, num_classes=7)
    assert encoded.shape == (len(labels), 7)
    np.testing.assert_array_equal(encoded.sum(axis=1), 1.0)
    np.testing.assert_array_equal(data.from_one_hot(encoded), labels)


def test_from_one_hot_takes_the_argmax_of_probabilities():
    result = data.from_one_hot([[0.2, 0.5, 0.3], [0.6, 0.2, 0.2], [0.4, 0.4, 0.2]])
    np.testing.assert_array_equal(result, [1, 0, 0])
    assert result.dtype == np.int64


def test_one_hot_rejects_bad_labels():
    with pytest.raises(ValueError, match="≥ 0"):
        data.one_hot([0, -1])
    with pytest.raises(ValueError, match="num_classes=2.*label 2"):
        data.one_hot([0, 2], num_classes=2)
    with pytest.raises(ValueError, match="whole numbers"):
        data.one_hot([0.5])
    with pytest.raises(ValueError, match="whole numbers"):
        data.one_hot([np.nan])
    with pytest.raises(ValueError, match="whole numbers"):
        data.one_hot([np.inf])
    with pytest.raises(ValueError, match=r"\(2, 2\)"):
        data.one_hot([[0, 1], [1, 0]])
    with pytest.raises(ValueError, match="num_classes"):
        data.one_hot([])
    with pytest.raises(TypeError, match="whole numbers"):
        data.one_hot(["a"])
    with pytest.raises(TypeError, match="num_classes"):
        data.one_hot([0], num_classes=2.0)
    with pytest.raises(ValueError, match="num_classes"):
        data.one_hot([0], num_classes=0)


def test_from_one_hot_rejects_bad_input():
    with pytest.raises(ValueError, match=r"\(3,\)"):
        data.from_one_hot([0, 1, 0])
    with pytest.raises(ValueError, match="NaN"):
        data.from_one_hot([[np.nan, 1.0]])
    with pytest.raises(ValueError, match=r"\(2, 0\)"):
        data.from_one_hot(np.zeros((2, 0)))


# ---------------------------------------------------------------- batches


@given(st.integers(1, 40), st.integers(1, 50), st.booleans())
@settings(max_examples=50, deadline=None)
def test_batches_cover_every_row_once_in_full_batches(n, batch_size, shuffle):
    x = np.arange(n).reshape(n, 1) * 1.0
    y = np.arange(n) * 10
    chunks = list(data.batches(x, y, batch_size, shuffle=shuffle, seed=0))
    sizes = [len(xb) for xb, _ in chunks]
    assert sizes == [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
    seen = np.concatenate([xb[:, 0] for xb, _ in chunks]).astype(int)
    assert sorted(seen.tolist()) == list(range(n))
    for xb, yb in chunks:
        np.testing.assert_array_equal(yb, xb[:, 0] * 10)
    if not shuffle:
        np.testing.assert_array_equal(seen, np.arange(n))


def test_batches_shuffle_with_a_seed_is_reproducible():
    x = np.arange(20)
    first = [xb.tolist() for xb, _ in data.batches(x, x, 6, seed=5)]
    second = [xb.tolist() for xb, _ in data.batches(x, x, 6, seed=5)]
    assert first == second
    assert sum(first, []) != list(range(20))


def test_batches_check_arguments_at_the_call():
    x = np.arange(4)
    with pytest.raises(ValueError, match="batch_size"):
        data.batches(x, x, 0)
    with pytest.raises(TypeError, match="batch_size"):
        data.batches(x, x, 2.0)
    with pytest.raises(ValueError, match=r"\(4,\) and \(3,\)"):
        data.batches(x, x[:3], 2)
    with pytest.raises(ValueError, match="NaN"):
        data.batches(np.array([1.0, np.nan]), [0, 1], 1)
    with pytest.raises(TypeError, match="shuffle"):
        data.batches(x, x, 2, shuffle=None)


# ---------------------------------------------------------------- data sets

GENERATORS = [data.linear_boundary, data.circle, data.xor, data.spiral]


@pytest.mark.parametrize("generator", GENERATORS)
def test_generators_return_float64_points_and_a_label_column(generator):
    x, y = generator(37, seed=0)
    assert x.shape == (37, 2) and y.shape == (37, 1)
    assert x.dtype == np.float64 and y.dtype == np.float64
    assert set(np.unique(y)) <= {0.0, 1.0}


@pytest.mark.parametrize("generator", GENERATORS)
def test_generators_are_reproducible_with_a_seed(generator):
    first, second, other = generator(20, seed=7), generator(20, seed=7), generator(20, seed=8)
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
    assert not np.array_equal(first[0], other[0])


@pytest.mark.parametrize("generator", GENERATORS)
@pytest.mark.parametrize("n, error", [(0, ValueError), (-3, ValueError), (2.5, TypeError), (True, TypeError), ("10", TypeError)])
def test_generators_reject_bad_counts(generator, n, error):
    with pytest.raises(error, match="n"):
        generator(n)


def test_linear_boundary_follows_the_course_rule():
    x, y = data.linear_boundary(2000, seed=1)
    assert x.min() >= 0.0 and x.max() <= 100.0
    np.testing.assert_array_equal(y[:, 0], (x.sum(axis=1) >= 100).astype(float))
    assert 0.45 < y.mean() < 0.55


def test_circle_default_radius_balances_the_classes():
    x, y = data.circle(20000, seed=2)
    assert np.abs(x).max() <= 1.0
    np.testing.assert_array_equal(y[:, 0], (x[:, 0] ** 2 + x[:, 1] ** 2 < 2 / np.pi).astype(float))
    assert abs(y.mean() - 0.5) < 0.02


def test_circle_with_the_course_radius_one():
    x, y = data.circle(20000, radius=1.0, seed=3)
    np.testing.assert_array_equal(y[:, 0], (x[:, 0] ** 2 + x[:, 1] ** 2 < 1.0).astype(float))
    assert abs(y.mean() - np.pi / 4) < 0.02


@pytest.mark.parametrize("radius, error", [(0.0, ValueError), (-1.0, ValueError), (np.inf, ValueError), ("1", TypeError)])
def test_circle_rejects_bad_radius(radius, error):
    with pytest.raises(error, match="radius"):
        data.circle(10, radius=radius)


def test_xor_without_noise_is_the_truth_table():
    x, y = data.xor(40, noise=0.0, seed=4)
    assert set(map(tuple, x.tolist())) == {(0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0)}
    np.testing.assert_array_equal(y[:, 0], np.logical_xor(x[:, 0], x[:, 1]).astype(float))
    assert y.mean() == 0.5


def test_xor_noise_moves_points_near_their_corner():
    x, y = data.xor(400, noise=0.05, seed=5)
    corner = np.round(x)
    assert np.abs(x - corner).max() < 0.3  # six standard deviations
    np.testing.assert_array_equal(y[:, 0], np.logical_xor(corner[:, 0], corner[:, 1]).astype(float))


def test_xor_rejects_negative_noise():
    with pytest.raises(ValueError, match="noise"):
        data.xor(10, noise=-0.1)


def test_spiral_label_formats_agree():
    x, column = data.spiral(31, classes=3, seed=6)
    _, integer = data.spiral(31, classes=3, labels="integer", seed=6)
    _, encoded = data.spiral(31, classes=3, labels="one_hot", seed=6)
    assert column.shape == (31, 1) and integer.shape == (31,) and encoded.shape == (31, 3)
    assert integer.dtype == np.int64
    np.testing.assert_array_equal(column[:, 0], integer)
    np.testing.assert_array_equal(data.from_one_hot(encoded), integer)
    # the classes take turns: sizes 11, 10, 10
    assert sorted(np.bincount(integer).tolist()) == [10, 10, 11]


def test_spiral_without_noise_lies_on_its_arms():
    x, k = data.spiral(300, classes=3, noise=0.0, turns=0.5, labels="integer", seed=7)
    radius = np.hypot(x[:, 0], x[:, 1])
    assert radius.max() <= 1.0
    # angle = 2π (k/3 + 0.5 r), compared modulo a full turn
    expected = 2 * np.pi * (k / 3 + 0.5 * radius)
    difference = np.angle(np.exp(1j * (np.arctan2(x[:, 1], x[:, 0]) - expected)))
    np.testing.assert_allclose(difference[radius > 1e-9], 0.0, atol=1e-9)


def test_spiral_rows_come_in_random_order():
    _, k = data.spiral(40, classes=2, labels="integer", seed=8)
    assert not np.array_equal(k, np.arange(40) % 2)


@pytest.mark.parametrize(
    "options, error",
    [
        ({"classes": 1}, ValueError),
        ({"classes": 2.0}, TypeError),
        ({"noise": -1.0}, ValueError),
        ({"turns": np.nan}, ValueError),
        ({"labels": "onehot"}, ValueError),
    ],
)
def test_spiral_rejects_bad_options(options, error):
    with pytest.raises(error):
        data.spiral(10, **options)
