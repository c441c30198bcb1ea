"""Trajectories of the PyTorch-form optimizers against ``torch.optim`` in float64.

SGD (plain, momentum, Nesterov, weight decay), Adam, AdamW, RMSprop (with
momentum, centered), Adagrad and Nadam: made with the parameters first, the
library's optimizers follow PyTorch's update rules.

Both sides minimise the same function from the same start with the same
constant learning rate; each computes its gradient at its own current point,
so any difference in the update rule would grow along the path.  Skipped when
PyTorch is not installed.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_mlp import Value
from autograd_mlp.optim import SGD, Adagrad, Adam, AdamW, Nadam, RMSprop

from strategies import floats

torch = pytest.importorskip("torch")

STEPS = 25
FEW = settings(max_examples=20)


def gradient(theta, a, b):
    """∇ of f(θ) = ½‖Aθ − b‖² + ¼ Σ θ⁴: curved enough that momentum and adaptivity matter."""
    return a.T @ (a @ theta - b) + theta**3


def trajectories(ours_factory, torch_factory, seed):
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=(4, 3)), rng.normal(size=4)
    start = rng.normal(size=3)

    p = Value(start.copy())
    ours = ours_factory([p])
    t = torch.tensor(start.copy(), dtype=torch.float64, requires_grad=True)
    theirs = torch_factory([t])
    path_ours, path_torch = [], []
    for _ in range(STEPS):
        p.grad = gradient(p.data, a, b)
        ours.step()
        with torch.no_grad():
            t.grad = torch.from_numpy(gradient(t.detach().numpy().copy(), a, b))
        theirs.step()
        path_ours.append(p.data.copy())
        path_torch.append(t.detach().numpy().copy())
    return np.array(path_ours), np.array(path_torch)


def assert_same(ours, theirs):
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


@FEW
@given(st.integers(0, 2**31 - 1), floats(0.001, 0.05))
def test_plain_sgd(seed, lr):
    assert_same(*trajectories(lambda ps: SGD(ps, lr=lr), lambda ps: torch.optim.SGD(ps, lr=lr), seed))


@FEW
@given(st.integers(0, 2**31 - 1), floats(0.001, 0.05), floats(0.1, 0.95), st.booleans())
def test_sgd_with_momentum(seed, lr, momentum, nesterov):
    assert_same(*trajectories(
        lambda ps: SGD(ps, lr=lr, momentum=momentum, nesterov=nesterov),
        lambda ps: torch.optim.SGD(ps, lr=lr, momentum=momentum, nesterov=nesterov),
        seed,
    ))


@FEW
@given(st.integers(0, 2**31 - 1), floats(0.001, 0.1), floats(0.5, 0.95), floats(0.9, 0.9999),
       st.sampled_from([1e-8, 1e-7, 1e-4]))
def test_adam(seed, lr, beta_1, beta_2, eps):
    assert_same(*trajectories(
        lambda ps: Adam(ps, lr=lr, beta_1=beta_1, beta_2=beta_2, epsilon=eps),
        lambda ps: torch.optim.Adam(ps, lr=lr, betas=(beta_1, beta_2), eps=eps),
        seed,
    ))


@FEW
@given(st.integers(0, 2**31 - 1), floats(0.001, 0.05), floats(0.5, 0.99), st.sampled_from([1e-8, 1e-7, 1e-4]))
def test_rmsprop(seed, lr, rho, eps):
    # PyTorch calls rho "alpha"; both add ε outside the square root.  The step
    # g / (√s + ε) is sensitive where g and s are both small, so one-ulp
    # differences (PyTorch's kernels may fuse multiply-adds) can grow to a few
    # parts in 1e9 over 25 steps (seed 34516, lr 0.0234, rho 0.589): rtol 1e-8.
    ours, theirs = trajectories(
        lambda ps: RMSprop(ps, lr=lr, rho=rho, epsilon=eps),
        lambda ps: torch.optim.RMSprop(ps, lr=lr, alpha=rho, eps=eps),
        seed,
    )
    np.testing.assert_allclose(ours, theirs, rtol=1e-8, atol=1e-12)


def test_pytorch_positional_learning_rate_means_the_same():
    """``Opt(params, 0.01)`` is the learning rate in both libraries."""
    assert_same(*trajectories(lambda ps: Adam(ps, 0.01, epsilon=1e-8),
                              lambda ps: torch.optim.Adam(ps, 0.01), seed=0))
    assert_same(*trajectories(lambda ps: SGD(ps, 0.01), lambda ps: torch.optim.SGD(ps, 0.01), seed=1))


@FEW
@given(st.integers(0, 2**31 - 1), floats(0.001, 0.05), floats(0.0, 0.9), floats(0.0, 0.3), st.booleans())
def test_sgd_with_weight_decay(seed, lr, momentum, decay, nesterov):
    nesterov = nesterov and momentum > 0
    assert_same(*trajectories(
        lambda ps: SGD(ps, lr=lr, momentum=momentum, nesterov=nesterov, weight_decay=decay),
        lambda ps: torch.optim.SGD(ps, lr=lr, momentum=momentum, nesterov=nesterov, weight_decay=decay),
        seed,
    ))


@FEW
@given(st.integers(0, 2**31 - 1), floats(0.001, 0.05), floats(0.0, 0.3))
def test_adam_with_weight_decay_and_adamw(seed, lr, decay):
    assert_same(*trajectories(
        lambda ps: Adam(ps, lr=lr, epsilon=1e-8, weight_decay=decay),
        lambda ps: torch.optim.Adam(ps, lr=lr, weight_decay=decay),
        seed,
    ))
    assert_same(*trajectories(
        lambda ps: AdamW(ps, lr=lr, epsilon=1e-8, weight_decay=decay),
        lambda ps: torch.optim.AdamW(ps, lr=lr, weight_decay=decay),
        seed,
    ))
    assert_same(*trajectories(
        lambda ps: AdamW(ps, lr=lr, epsilon=1e-8, weight_decay=decay, amsgrad=True),
        lambda ps: torch.optim.AdamW(ps, lr=lr, weight_decay=decay, amsgrad=True),
        seed,
    ))


@FEW
@given(st.integers(0, 2**31 - 1), floats(0.001, 0.02), floats(0.5, 0.99), floats(0.0, 0.9), st.booleans())
def test_rmsprop_with_momentum_and_centered(seed, lr, rho, momentum, centered):
    ours, theirs = trajectories(
        lambda ps: RMSprop(ps, lr=lr, rho=rho, momentum=momentum, centered=centered, epsilon=1e-8),
        lambda ps: torch.optim.RMSprop(ps, lr=lr, alpha=rho, momentum=momentum, centered=centered, eps=1e-8),
        seed,
    )
    np.testing.assert_allclose(ours, theirs, rtol=1e-8, atol=1e-12)


@FEW
@given(st.integers(0, 2**31 - 1), floats(0.001, 0.1), floats(0.0, 0.5))
def test_adagrad(seed, lr, initial):
    assert_same(*trajectories(
        lambda ps: Adagrad(ps, lr=lr, initial_accumulator_value=initial, epsilon=1e-10),
        lambda ps: torch.optim.Adagrad(ps, lr=lr, initial_accumulator_value=initial, eps=1e-10),
        seed,
    ))


@FEW
@given(st.integers(0, 2**31 - 1), floats(0.001, 0.05), floats(0.5, 0.95), floats(0.001, 0.01))
def test_nadam(seed, lr, beta_1, momentum_decay):
    # NAdam keeps its running product of momentum coefficients in torch's
    # default float type: float64 here, so the two compute the same numbers.
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        _check_nadam(seed, lr, beta_1, momentum_decay)
    finally:
        torch.set_default_dtype(previous)


def _check_nadam(seed, lr, beta_1, momentum_decay):
    assert_same(*trajectories(
        lambda ps: Nadam(ps, lr=lr, beta_1=beta_1, epsilon=1e-8, momentum_decay=momentum_decay),
        lambda ps: torch.optim.NAdam(ps, lr=lr, betas=(beta_1, 0.999), eps=1e-8, momentum_decay=momentum_decay),
        seed,
    ))
