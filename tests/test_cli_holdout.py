"""The validation-row rule: the requested share, the same rows in any chunking, spread through the file."""

import math

import numpy as np
import pytest

from autograd_mlp.cli.holdout import ValidationRows


@pytest.mark.parametrize("fraction", [0.2, 0.25, 0.3, 1 / 3, 0.5, 0.7, 0.01, 0.999])
@pytest.mark.parametrize("n", [1, 2, 3, 10, 101, 1000])
def test_n_rows_give_floor_or_ceiling_of_the_share(fraction, n):
    chosen = int(ValidationRows(fraction, seed=4).mask(0, n).sum())
    share = n * fraction
    assert math.floor(share + 1e-9) <= chosen <= math.ceil(share - 1e-9)


def test_a_whole_share_is_exact_for_every_seed():
    for seed in range(50):
        assert ValidationRows(0.2, seed).mask(0, 60).sum() == 12
        assert ValidationRows(0.4, seed).mask(0, 60).sum() == 24


@pytest.mark.parametrize("chunk", [1, 7, 64])
def test_any_chunking_picks_the_same_rows(chunk):
    rule = ValidationRows(0.3, seed=11)
    whole = rule.mask(0, 500)
    pieces = np.concatenate([rule.mask(start, min(chunk, 500 - start)) for start in range(0, 500, chunk)])
    np.testing.assert_array_equal(pieces, whole)


def test_one_row_in_every_run_of_five_and_its_place_varies():
    mask = ValidationRows(0.2, seed=3).mask(0, 5000)
    runs = mask.reshape(-1, 5)
    np.testing.assert_array_equal(runs.sum(axis=1), 1)
    # The place inside the run is spread over all five: a period-5 pattern in the data is not aliased.
    places = np.bincount(np.argmax(runs, axis=1), minlength=5) / len(runs)
    np.testing.assert_allclose(places, 0.2, atol=0.03)


def test_the_seed_decides_and_none_draws_a_fresh_one():
    a, b = ValidationRows(0.2, seed=1).mask(0, 200), ValidationRows(0.2, seed=2).mask(0, 200)
    np.testing.assert_array_equal(a, ValidationRows(0.2, seed=1).mask(0, 200))
    assert not np.array_equal(a, b)
    fresh = {ValidationRows(0.2).mask(0, 200).tobytes() for _ in range(5)}
    assert len(fresh) > 1
    assert ValidationRows(0.2, seed=2**70).mask(0, 10).sum() == 2  # any whole number ≥ 0 is a seed


def test_no_validation_for_a_zero_fraction_and_a_fraction_of_one_is_refused():
    assert not ValidationRows(0.0, seed=0).mask(0, 100).any()
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        ValidationRows(1.0, seed=0)
