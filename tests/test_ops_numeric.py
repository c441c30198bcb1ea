"""ops.numeric: the stable forwards on plain numbers and arrays."""

import warnings

import numpy as np
import pytest

from autograd_mlp.ops import numeric


def test_scalars_stay_python_floats():
    for fn in (numeric.sigmoid, numeric.softplus, numeric.log):
        assert type(fn(0.5)) is float


def test_no_overflow_for_huge_inputs():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(numeric.sigmoid(np.array([-1000.0, 1000.0])), [0.0, 1.0])
        np.testing.assert_array_equal(numeric.softplus(np.array([-1000.0, 1000.0])), [0.0, 1000.0])
        assert numeric.sigmoid(-1000.0) == 0.0 and numeric.softplus(1000.0) == 1000.0
        np.testing.assert_allclose(numeric.logsumexp(np.array([1000.0, 1000.0])), 1000.0 + np.log(2))
        np.testing.assert_allclose(numeric.softmax(np.array([1000.0, 0.0])), [1.0, 0.0])


def test_sigmoid_silences_overflow_only_and_restores_the_error_state():
    before = np.geterr()
    with np.errstate(under="raise", divide="raise"):
        inside = np.geterr()
        numeric.sigmoid(np.array([-1000.0, 0.0]))  # overflow of e^1000: silenced
        assert np.geterr() == inside
        with pytest.raises(FloatingPointError):
            numeric.sigmoid(np.array([1000.0]))  # e^-1000 underflows: the caller's setting still applies
        assert np.geterr() == inside
    with np.errstate(over="raise"):
        np.testing.assert_array_equal(numeric.sigmoid(np.array([-1000.0])), [0.0])
    assert np.geterr() == before
    token = numeric.overflow_ignored()
    try:
        assert np.geterr()["over"] == "ignore"
    finally:
        numeric.restore_errstate(token)
    assert np.geterr() == before


def test_softmax_and_logsumexp_along_an_axis():
    x = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    np.testing.assert_allclose(numeric.softmax(x, axis=-1).sum(axis=-1), [1.0, 1.0])
    np.testing.assert_allclose(numeric.logsumexp(x, axis=1, keepdims=True), np.log(np.exp(x).sum(axis=1, keepdims=True)))


def test_log_follows_numpy_for_zero_and_negative():
    with pytest.warns(RuntimeWarning):
        assert numeric.log(0.0) == -np.inf
    with pytest.warns(RuntimeWarning):
        assert np.isnan(numeric.log(-1.0))
