"""Gradient checks shared by the tests of the operations (tests/test_ops_*.py).

check_gradients projects the output onto a fixed random array c, so the
function differentiated is the scalar L(x) = Σ c ⊙ f(x), whose gradient is the
vector-Jacobian product cᵀ J_f, exactly what the rule computes.
check_second_order differentiates L(x) = Σ c ⊙ f(x)² twice: squaring makes
the adjoint entering each rule depend on x, so the rule itself is differentiated.
"""

import numpy as np
from hypothesis import settings

from autograd_mlp import Value, gradients, numerical_grad

from strategies import projection_like

FEW = settings(max_examples=25)
RTOL, ATOL = 1e-5, 1e-7


def check_gradients(f, *inputs, rtol=RTOL, atol=ATOL):
    """Autodiff gradient of Σ c ⊙ f(inputs) equals the central finite difference, shape for shape."""
    leaves = [Value(x) for x in inputs]
    out = f(*leaves)
    c = projection_like(out.shape)
    (out * c).sum().backward()
    expected = numerical_grad(lambda *vs: (f(*vs) * c).sum(), *inputs)
    for k, (leaf, x, e) in enumerate(zip(leaves, inputs, expected)):
        assert leaf.grad is not None, f"input {k} got no gradient"
        assert np.shape(leaf.grad) == np.shape(x), f"input {k}: grad shape {np.shape(leaf.grad)} != {np.shape(x)}"
        np.testing.assert_allclose(np.asarray(leaf.grad, dtype=np.float64), e, rtol=rtol, atol=atol)
    return out


def check_second_order(f, *inputs, eps=1e-5, rtol=1e-5, atol=1e-6):
    """Hessian-vector product through create_graph equals finite differences of the gradient.

    L(x) = Σ c ⊙ f(x)²;  H v = d/dε ∇L(x + ε v) at ε = 0.
    """
    arrays_in = [np.array(x, dtype=np.float64) for x in inputs]
    # Python-float inputs stay Python floats in the graph (their rules take a scalar path)
    kinds = [float if isinstance(x, float) else np.asarray for x in inputs]
    c = projection_like(f(*[Value(x) for x in inputs]).shape, seed=1)
    directions = [projection_like(a.shape, seed=2 + k) for k, a in enumerate(arrays_in)]

    def loss(*vs):
        y = f(*vs)
        return (y * y * c).sum()

    def gradient_at(points):
        leaves = [Value(kind(p)) for kind, p in zip(kinds, points)]
        return [np.asarray(g, dtype=np.float64) for g in gradients(loss(*leaves), leaves)]

    leaves = [Value(kind(a)) for kind, a in zip(kinds, arrays_in)]
    first = gradients(loss(*leaves), leaves, create_graph=True)
    directional = sum((g * v).sum() for g, v in zip(first, directions))
    hvp = gradients(directional, leaves)
    plus = gradient_at([a + eps * v for a, v in zip(arrays_in, directions)])
    minus = gradient_at([a - eps * v for a, v in zip(arrays_in, directions)])
    for k, (h, p, m) in enumerate(zip(hvp, plus, minus)):
        assert np.shape(h) == arrays_in[k].shape
        np.testing.assert_allclose(np.asarray(h, dtype=np.float64), (p - m) / (2 * eps), rtol=rtol, atol=atol)


def _sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def _maybe_python_float(x, draw_bool):
    """A 0-d array becomes a Python float half the time: both kinds of scalar go through every op."""
    if np.ndim(x) == 0 and draw_bool:
        return float(x)
    return x
