"""What every operation shares (ops.core): operand lifting, dtypes kept, errors that name the operands.

The gradient checks project the output onto a fixed random array c (see
op_checks.py); the second-order checks differentiate Σ c ⊙ f(x)² twice.
"""

import numpy as np
import pytest

from autograd_mlp import Value, ops
from autograd_mlp.ops import concatenate, where


# -------------------------------------------------------- dtype and errors
FLOAT32_CASES = {
    "mul_python_float": lambda v: v * 2.0,
    "add_array": lambda v: v + np.ones(3, dtype=np.float32),
    "div": lambda v: 1.0 / (v + 2.0),
    "pow": lambda v: v**2,
    "exp": lambda v: v.exp(),
    "log": lambda v: (v + 2.0).log(),
    "tanh": lambda v: v.tanh(),
    "sigmoid": lambda v: v.sigmoid(),
    "relu": lambda v: v.relu(),
    "abs": lambda v: abs(v),
    "sqrt": lambda v: (v + 2.0).sqrt(),
    "softplus": lambda v: v.softplus(),
    "sum": lambda v: v.sum(axis=0),
    "mean": lambda v: v.mean(),
    "max": lambda v: v.max(),
    "min": lambda v: v.min(axis=0),
    "logsumexp": lambda v: v.logsumexp(),
    "softmax": lambda v: ops.softmax(v),
    "matmul": lambda v: v @ np.ones((3, 2), dtype=np.float32),
    "affine": lambda v: ops.affine(v, np.ones((3, 2), np.float32), np.zeros(2, np.float32)),
    "index": lambda v: v[[0, 0, 1]],
    "reshape": lambda v: v.reshape(3, 1),
    "transpose": lambda v: v.reshape(1, 3).T,
    "concatenate": lambda v: concatenate([v, v]),
    "where": lambda v: where(np.array([True, False, True]), v, 0.0),
}


@pytest.mark.parametrize("name", sorted(FLOAT32_CASES))
def test_float32_stays_float32_forward_and_backward(name):
    v = Value(np.array([0.5, -1.0, 2.0], dtype=np.float32))
    out = FLOAT32_CASES[name](v)
    assert out.dtype == np.float32, f"forward gave {out.dtype}"
    out.sum().backward()
    assert v.grad.dtype == np.float32, f"gradient came back as {v.grad.dtype}"


def test_broadcast_error_names_both_shapes():
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(4,\)"):
        Value(np.ones((2, 3))) + Value(np.ones(4))
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(4,\)"):
        Value(np.ones((2, 3))) * np.ones(4)


def test_matmul_error_names_both_shapes():
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(4, 5\)"):
        Value(np.ones((2, 3))) @ Value(np.ones((4, 5)))
    with pytest.raises(ValueError, match=r"\(3,\).*\(2,\)"):
        Value(np.ones(3)) @ np.ones(2)
    with pytest.raises(ValueError, match="1 dimension"):
        Value(2.0) @ Value(np.ones(2))
    with pytest.raises(ValueError, match="features"):
        ops.affine(Value(np.ones((2, 3))), np.ones((4, 2)), np.zeros(2))
    with pytest.raises(ValueError, match=r"bias of shape \(3,\).*\(2, 2\)"):
        ops.affine(Value(np.ones((2, 3))), np.ones((3, 2)), np.zeros(3))


@pytest.mark.parametrize(
    "fn",
    [
        lambda v: v + "a",
        lambda v: "a" + v,
        lambda v: v - "a",
        lambda v: v * "a",
        lambda v: v / "a",
        lambda v: v ** "a",
        lambda v: v @ "a",
        lambda v: "a" @ v,
    ],
)
def test_unsupported_operand_names_the_type(fn):
    with pytest.raises(TypeError, match="str"):
        fn(Value(1.0))


def test_unsupported_operand_object_and_none():
    with pytest.raises(TypeError, match="NoneType"):
        Value(1.0) + None
    with pytest.raises(TypeError, match="object"):
        Value(np.ones(2)) * object()
    with pytest.raises(TypeError, match=r"ndarray of dtype <U1"):
        Value(1.0) + np.array(["a"])
    with pytest.raises(TypeError, match=r"ndarray of dtype <U1"):
        np.array(["a"]) * Value(1.0)
    with pytest.raises(TypeError, match=r"list of dtype <U"):
        Value(np.ones(2)) * [1.0, "a"]
    with pytest.raises(TypeError, match="complex"):
        Value(1.0) + 1j


def test_float32_stays_float32_with_float64_scalar_constants():
    # the exponent's rule multiplies by log(2.0): a Python float, not np.float64
    y = Value(np.ones(2, np.float32))
    z = 2.0**y
    z.sum().backward()
    assert z.dtype == np.float32 and y.grad.dtype == np.float32
    np.testing.assert_allclose(y.grad, 2.0 * np.log(2.0), rtol=1e-6)
    # a numpy float64 scalar operand is weak, like a Python float
    for make in (lambda v: v * np.float64(2), lambda v: np.float64(2) * v, lambda v: v + np.float64(2)):
        x = Value(np.ones(2, np.float32))
        out = make(x)
        out.sum().backward()
        assert out.dtype == np.float32 and x.grad.dtype == np.float32
    x = Value(np.ones(2, np.float32))
    (x * np.float64(2)).sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0, 2.0])
