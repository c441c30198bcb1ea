"""Gradients of composite expressions and a small MLP against PyTorch, in float64.

Skipped when PyTorch is not installed: it is a witness, not a dependency.
"""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from autograd_mlp import Value, gradients, ops  # noqa: E402
from autograd_mlp.ops import concatenate, stack, where  # noqa: E402


def run_both(engine_fn, torch_fn, *arrays):
    """Value and gradients of a scalar function in the engine and in torch, from the same float64 arrays."""
    leaves = [Value(a) for a in arrays]
    out = engine_fn(*leaves)
    out.backward()
    tensors = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    t_out = torch_fn(*tensors)
    t_out.backward()
    assert out.item() == pytest.approx(t_out.item(), rel=1e-12, abs=1e-12)
    for k, (leaf, t) in enumerate(zip(leaves, tensors)):
        assert np.shape(leaf.grad) == tuple(t.shape), f"input {k}"
        np.testing.assert_allclose(leaf.grad, t.grad.numpy(), rtol=1e-10, atol=1e-12, err_msg=f"input {k}")


def rng_arrays(seed, *shapes_):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=s) for s in shapes_]


@pytest.mark.parametrize("seed", range(3))
def test_broadcasting_arithmetic(seed):
    x, y, z = rng_arrays(seed, (3, 1), (4,), ())
    y = np.abs(y) + 0.5
    run_both(
        lambda a, b, c: ((a * b - c / b) ** 2 + (a + c).exp() / (1.0 + b)).sum() - (2.0 - a).mean(),
        lambda a, b, c: ((a * b - c / b) ** 2 + (a + c).exp() / (1.0 + b)).sum() - (2.0 - a).mean(),
        x,
        y,
        z,
    )


@pytest.mark.parametrize("seed", range(3))
def test_elementwise_functions(seed):
    (x,) = rng_arrays(seed, (2, 5))
    run_both(
        lambda a: (a.tanh() * a.sigmoid() + a.relu() + abs(a).sqrt() + a.softplus() + (a * a + 1.0).log()).sum(),
        lambda a: (
            a.tanh() * a.sigmoid()
            + a.relu()
            + a.abs().sqrt()
            + torch.nn.functional.softplus(a)
            + (a * a + 1.0).log()
        ).sum(),
        x,
    )


@pytest.mark.parametrize("seed", range(3))
def test_reductions_and_cross_entropy_on_logits(seed):
    logits, w = rng_arrays(seed, (4, 3), (3, 3))
    labels = np.array([0, 2, 1, 2])
    onehot = np.eye(3)[labels]
    run_both(
        lambda z, m: (ops.logsumexp(z @ m, axis=1) - ((z @ m) * onehot).sum(axis=-1)).mean()
        + z.max(axis=0).sum()
        - z.min(axis=(0, 1), keepdims=True).sum(),
        lambda z, m: torch.nn.functional.cross_entropy(z @ m, torch.tensor(labels))
        + z.amax(dim=0).sum()
        - z.amin(dim=(0, 1), keepdim=True).sum(),
        logits,
        w,
    )


@pytest.mark.parametrize("seed", range(3))
def test_softmax_and_affine(seed):
    x, w, b, target = rng_arrays(seed, (5, 3), (3, 4), (4,), (5, 4))
    run_both(
        lambda a, m, c: ((ops.softmax(ops.affine(a, m, c), axis=1) - target) ** 2).sum(),
        lambda a, m, c: ((torch.softmax(a @ m + c, dim=1) - torch.tensor(target)) ** 2).sum(),
        x,
        w,
        b,
    )


@pytest.mark.parametrize("seed", range(3))
def test_shapes_indexing_and_joining(seed):
    x, y = rng_arrays(seed, (3, 4), (3, 4))
    mask = x > 0
    idx = [2, 0, 2, 2]
    run_both(
        lambda a, b: (
            concatenate([a[idx], b.T.reshape(3, 4)], axis=0) * 1.5
        ).sum()
        + (stack([a, b], axis=-1) ** 2).mean()
        + where(mask, a, b * 3.0).sum()
        + (a[:, 1:3] * b[0, :2]).sum()
        + a.broadcast_to((2, 3, 4)).transpose(2, 0, 1).sum(),
        lambda a, b: (torch.cat([a[idx], b.T.reshape(3, 4)], dim=0) * 1.5).sum()
        + (torch.stack([a, b], dim=-1) ** 2).mean()
        + torch.where(torch.tensor(mask), a, b * 3.0).sum()
        + (a[:, 1:3] * b[0, :2]).sum()
        + a.expand(2, 3, 4).permute(2, 0, 1).sum(),
        x,
        y,
    )


@pytest.mark.parametrize("seed", range(2))
def test_batched_and_vector_matmul(seed):
    a, b, v = rng_arrays(seed, (2, 3, 4), (4, 5), (5,))
    run_both(
        lambda p, q, r: ((p @ q @ r).tanh() + (r @ q.T).sum()).sum(),
        lambda p, q, r: ((p @ q @ r).tanh() + (r @ q.T).sum()).sum(),
        a,
        b,
        v,
    )


def _mlp_engine(x, y):
    def loss(w1, b1, w2, b2):
        h = (x @ w1 + b1).tanh()
        out = (h @ w2 + b2).sigmoid()
        return ((out - y) ** 2).mean()

    return loss


def _mlp_torch(x, y):
    xt, yt = torch.tensor(x), torch.tensor(y)

    def loss(w1, b1, w2, b2):
        h = torch.tanh(xt @ w1 + b1)
        out = torch.sigmoid(h @ w2 + b2)
        return ((out - yt) ** 2).mean()

    return loss


@pytest.mark.parametrize("seed", range(3))
def test_small_mlp_gradients(seed):
    x, y, w1, b1, w2, b2 = rng_arrays(seed, (8, 3), (8, 2), (3, 5), (5,), (5, 2), (2,))
    run_both(_mlp_engine(x, y), _mlp_torch(x, y), w1, b1, w2, b2)


def test_small_mlp_hessian_vector_product():
    x, y, w1, b1, w2, b2 = rng_arrays(7, (6, 3), (6, 2), (3, 4), (4,), (4, 2), (2,))
    params = [w1, b1, w2, b2]
    directions = rng_arrays(8, *[p.shape for p in params])

    leaves = [Value(p) for p in params]
    first = gradients(_mlp_engine(x, y)(*leaves), leaves, create_graph=True)
    hvp = gradients(sum((g * d).sum() for g, d in zip(first, directions)), leaves)

    tensors = [torch.tensor(p, requires_grad=True) for p in params]
    t_first = torch.autograd.grad(_mlp_torch(x, y)(*tensors), tensors, create_graph=True)
    t_hvp = torch.autograd.grad(sum((g * torch.tensor(d)).sum() for g, d in zip(t_first, directions)), tensors)
    for h, t in zip(hvp, t_hvp):
        np.testing.assert_allclose(h, t.numpy(), rtol=1e-10, atol=1e-12)
