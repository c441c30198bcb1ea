"""What every operation shares (ops.core): operand lifting, dtypes kept, errors that name the operands.

The gradient checks project the output onto a fixed random array c (see
op_checks.py); the second-order checks differentiate Σ c ⊙ f(x)² twice.
"""

import numpy as np
import pytest

from autograd_mlp import Value, gradients, ops
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


# -------------------------------------------------- floating-point rule
SCALAR_VS_ARRAY = {
    "log(0)": lambda v: v.log(),
    "sqrt(-1)": lambda v: v.sqrt(),
    "1/0": lambda v: 1.0 / v,
    "x/0": lambda v: v / 0.0,
    "0**-1": lambda v: v ** -1.0,
    "exp(1000)": lambda v: v.exp(),
    "(-8)**(1/3)": lambda v: v ** (1 / 3),
    "10**400": lambda v: 10.0 ** v,
}
POINTS = {"log(0)": 0.0, "sqrt(-1)": -1.0, "1/0": 0.0, "x/0": 1.0, "0**-1": 0.0, "exp(1000)": 1000.0,
          "(-8)**(1/3)": -8.0, "10**400": 400.0}


@pytest.mark.parametrize("case", sorted(SCALAR_VS_ARRAY))
def test_scalars_follow_numpys_floating_point_rule_as_arrays_do(case):
    f, x = SCALAR_VS_ARRAY[case], POINTS[case]
    with pytest.warns(RuntimeWarning):
        array = f(Value(np.array([x]))).data[0]
    with pytest.warns(RuntimeWarning):
        scalar = f(Value(x)).data
    assert type(scalar) is float
    np.testing.assert_array_equal(scalar, array)
    with np.errstate(all="raise"), pytest.raises(FloatingPointError):
        f(Value(x))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("case", ["log(0)", "1/0", "x/0", "0**-1"])
def test_scalar_backward_follows_numpys_rule_too(case):
    f, x = SCALAR_VS_ARRAY[case], POINTS[case]
    scalar, array = Value(x), Value(np.array([x]))
    f(scalar).backward()
    f(array).sum().backward()
    np.testing.assert_array_equal(scalar.grad, array.grad[0])


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # d/dx of x**y at x = 0 is inf or nan for these y
@pytest.mark.parametrize("make", [float, lambda a: np.array([a, 2.0])], ids=["scalar", "array"])
def test_power_gradient_in_the_exponent_is_zero_at_zero_base(make):
    # d(x**y)/dy = x**y log x, whose limit at x = 0 (y >= 0) is 0, as PyTorch gives
    for y0 in (0.0, 2.0, 0.5):
        x, y = Value(make(0.0)), Value(make(y0))
        (x ** y).sum().backward()
        assert np.all(np.isfinite(y.grad)) and np.ravel(y.grad)[0] == 0.0
    # and it is still differentiable twice (the rule runs on Values)
    x, y = Value(make(0.0)), Value(make(2.0))
    (gy,) = gradients((x ** y).sum(), [y], create_graph=True)
    assert np.ravel(gy.data)[0] == 0.0


# ------------------------------------- help(Value): every operation documented
def _public_operations():
    names = []
    for name in dir(Value):
        attr = getattr(Value, name)
        if name.startswith("__") and name.endswith("__"):
            if not callable(attr) or name in {
                "__init__", "__new__", "__init_subclass__", "__subclasshook__", "__class__", "__reduce__",
                "__reduce_ex__", "__getattribute__", "__setattr__", "__delattr__", "__dir__", "__format__",
                "__sizeof__", "__str__", "__hash__",
            }:
                continue
            if getattr(attr, "__objclass__", None) is object:
                continue
        elif name.startswith("_"):
            continue
        names.append(name)
    return names


def test_every_public_operation_of_value_has_a_docstring_with_an_example():
    names = _public_operations()
    for op in ("__add__", "__radd__", "__matmul__", "__getitem__", "__neg__", "__abs__", "__pow__",
               "exp", "log", "sum", "mean", "reshape", "T", "softmax"):
        assert op in names
    missing = [n for n in names if not (inspect_doc(n) or "").strip()]
    assert not missing, f"no docstring: {missing}"
    operations = [n for n in names if n in vars(Value) and n not in {"backward", "detach", "zero_grad", "item",
                                                                     "numpy", "op", "parents", "shape", "ndim",
                                                                     "size", "dtype", "is_leaf", "data", "grad",
                                                                     "name", "requires_grad"}
                  and not n.startswith("__r") and n not in {"__eq__", "__ne__", "__lt__", "__le__", "__gt__",
                                                             "__ge__", "__float__", "__array__", "__len__", "__bool__",
                                                             "__repr__", "__iter__", "__array_ufunc__"}]
    no_example = [n for n in operations if "Example" not in inspect_doc(n)]
    assert not no_example, f"no example: {no_example}"


def inspect_doc(name):
    import inspect

    attr = inspect.getattr_static(Value, name)
    if attr.__doc__ is None and name in Value.__slots__:
        return Value.__slots__[name]  # what help() shows for a slot
    return attr.__doc__ if attr.__doc__ is not None else ""


def test_help_lists_operators_under_their_own_names():
    import pydoc

    text = pydoc.render_doc(Value, renderer=pydoc.plaintext)
    assert "__add__(self, other)" in text and "x + y" in text
    assert "__abs__(x)" in text and "|x|" in text
    assert "= method" not in text


def test_each_operator_comes_from_the_module_engine_py_names():
    # engine.py's table tells a reader where each operation of Value is defined
    expected = {
        "autograd_mlp.ops.arithmetic": ["__add__", "__radd__", "__sub__", "__mul__", "__truediv__", "__pow__",
                                        "__neg__", "__pos__", "__matmul__", "__rmatmul__"],
        "autograd_mlp.ops.elementwise": ["exp", "log", "tanh", "sigmoid", "relu", "abs", "__abs__", "sqrt",
                                         "softplus"],
        "autograd_mlp.ops.reductions": ["sum", "mean", "max", "min", "logsumexp", "softmax"],
        "autograd_mlp.ops.shaping": ["reshape", "flatten", "transpose", "broadcast_to", "astype", "__getitem__"],
    }
    for module, names in expected.items():
        for name in names:
            assert getattr(Value, name).__module__ == module, name
    assert Value.T.fget.__module__ == "autograd_mlp.ops.shaping"


def test_every_name_the_ops_package_exported_still_works():
    old = ["Op", "unbroadcast", "concatenate", "stack", "where", "exp", "log", "tanh", "sigmoid", "relu", "sqrt",
           "softplus", "logsumexp", "softmax", "affine", "weighted_sum"]
    assert set(old) <= set(ops.__all__)
    for name in ops.__all__:
        assert getattr(ops, name) is not None


@pytest.mark.parametrize("make", [float, lambda a: np.array([a, 2.0])], ids=["scalar", "array"])
def test_power_gradient_in_the_base_is_zero_at_zero_to_the_zero(make):
    # x**0 = 1 is constant, also at x = 0 where y x^(y-1) would be 0·inf; PyTorch gives 0 too
    x, y = Value(make(0.0)), Value(make(0.0))
    with np.errstate(all="raise"):
        (x ** y).sum().backward()
    assert np.ravel(x.grad)[0] == 0.0 and np.ravel(y.grad)[0] == 0.0
    x = Value(np.array([[0.0], [2.0]]))
    (gx,) = gradients((x ** np.array([0.0, 2.0])).sum(), [x], create_graph=True)
    np.testing.assert_array_equal(gx.data, [[0.0], [4.0]])
