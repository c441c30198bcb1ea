"""The divergence rule: non-finite weights or loss, or a loss more than 10 times the untrained model's."""

import math

import numpy as np
import pytest

from autograd_mlp import Dense, Sequential
from autograd_mlp.divergence import (DIVERGENCE_FACTOR, TerminateOnDivergence, TrainingDiverged, check_divergence,
                                     divergence, initial_loss)
from autograd_mlp.nn.init import set_seed
from autograd_mlp.optim import SGD


def _regression(learning_rate, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(64, 3))
    y = x @ np.array([[1.0], [-2.0], [0.5]]) + 0.1
    set_seed(seed)
    model = Sequential([Dense(8, input_dim=3, activation="relu"), Dense(1)])
    model.compile(optimizer=SGD(learning_rate), loss="mse")
    return model, x, y


def test_the_rule_and_its_threshold():
    assert DIVERGENCE_FACTOR == 10
    assert divergence(None, 9.99, 1.0) is None
    assert "more than 10 times" in divergence(None, 10.01, 1.0)
    assert divergence(None, 0.5, 1.0) is None
    assert "nan" in divergence(None, math.nan, 1.0)
    assert "inf" in divergence(None, math.inf, 1.0)
    assert divergence(None, 30.0, 1.0, factor=50) is None
    assert divergence(None, 1e300, None) is None  # no reference: only non-finite values count


def test_non_finite_weights_are_a_divergence():
    model, _, _ = _regression(0.01)
    list(model.parameters())[2].data[...] = np.inf  # as a runaway update leaves it
    assert divergence(model, 0.1, 1.0) == "weight array 2 of the model holds NaN or infinity"


@pytest.mark.parametrize("bad, error", [("1", TypeError), (True, TypeError), (1.0, ValueError),
                                        (math.inf, ValueError)])
def test_factor_checked(bad, error):
    with pytest.raises(error, match="factor"):
        divergence(None, 1.0, 1.0, factor=bad)
    with pytest.raises(error, match="factor"):
        TerminateOnDivergence(1.0, factor=bad)


def test_loss_checked():
    with pytest.raises(TypeError, match="loss must be a real number"):
        divergence(None, "1", 1.0)


def test_a_training_that_converges_is_not_flagged():
    model, x, y = _regression(0.01)
    start = initial_loss(model, x, y)
    guard = TerminateOnDivergence(start)
    history = model.fit(x, y, epochs=5, batch_size=16, verbose=0, callbacks=[guard], seed=0)
    assert len(history.epoch) == 5 and not guard.diverged and guard.reason is None
    assert divergence(model, model.evaluate(x, y), start) is None
    guard.check()
    check_divergence(model, model.evaluate(x, y), start)


def test_a_diverging_training_is_stopped_and_flagged():
    model, x, y = _regression(5.0)
    start = initial_loss(model, x, y)
    guard = TerminateOnDivergence(start)
    history = model.fit(x, y, epochs=50, batch_size=16, verbose=0, callbacks=[guard], seed=0)
    assert guard.diverged and len(history.epoch) < 50
    assert "the loss" in guard.reason
    with pytest.raises(TrainingDiverged, match="training diverged: .*; try a smaller learning rate"):
        guard.check()
    with pytest.raises(FloatingPointError, match="training diverged"):
        check_divergence(model, model.evaluate(x, y), start)


def test_without_an_initial_loss_the_first_batch_is_the_reference():
    model, x, y = _regression(5.0)
    guard = TerminateOnDivergence()
    model.fit(x, y, epochs=50, batch_size=16, verbose=0, callbacks=[guard], seed=0)
    assert guard.diverged


def test_a_loss_that_explodes_within_the_first_epoch_is_caught():
    # Every epoch after the first may look stable; the reference is the untrained model's loss.
    model, x, y = _regression(1e4)
    start = initial_loss(model, x, y)
    guard = TerminateOnDivergence(start)
    model.fit(x, y, epochs=1, batch_size=16, verbose=0, callbacks=[guard], seed=0)
    assert guard.diverged
