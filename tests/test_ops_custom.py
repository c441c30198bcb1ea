"""User-defined operations (ops.custom): ``primitive`` + ``defvjp``, checked rules, the README's example."""

import re
from pathlib import Path

import numpy as np
import pytest

import autograd_mlp as ag
from autograd_mlp import Value, gradcheck, gradients, primitive

from op_checks import check_gradients, check_second_order


@primitive
def hypot(x, y):
    return np.sqrt(x * x + y * y)


hypot.defvjp(lambda g, z, x, y: g * x / z, lambda g, z, x, y: g * y / z)


def test_primitive_works_on_values_numbers_and_arrays():
    assert isinstance(hypot(3.0, 4.0), Value) and hypot(3.0, 4.0).data == 5.0
    assert type(hypot(3.0, 4.0).data) is float
    np.testing.assert_allclose(hypot(np.array([3.0]), 4.0).data, [5.0])
    x = Value(3.0)
    out = hypot(x, 4.0)
    out.backward()
    assert x.grad == pytest.approx(0.6) and out.op == "hypot"


def test_primitive_gradients_with_broadcasting_first_and_second_order():
    x, y = np.array([[3.0], [1.0]]), np.array([4.0, 2.0, 0.5])
    check_gradients(hypot, x, y)
    check_second_order(hypot, x, y)
    assert gradcheck(lambda a, b: hypot(a, b).sum(), x, y)


def test_joint_rule_and_keyword_constants():
    @primitive(name="scaled_product")
    def scaled(x, y, scale=1.0):
        return scale * x * y

    scaled.defvjp(joint=lambda g, z, x, y, scale=1.0: (g * y * scale, g * x * scale))
    x, y = Value(np.array([1.0, 2.0])), Value(np.array([3.0, 4.0]))
    out = scaled(x, y, scale=2.0)
    out.sum().backward()
    np.testing.assert_allclose(out.data, [6.0, 16.0])
    np.testing.assert_allclose(x.grad, [6.0, 8.0])
    np.testing.assert_allclose(y.grad, [2.0, 4.0])
    assert out.op == "scaled_product"
    check_second_order(lambda a, b: scaled(a, b, scale=2.0), np.array([1.0, 2.0]), np.array([3.0, 4.0]))


def test_wrong_gradient_shape_names_op_input_and_both_shapes():
    @primitive
    def total(x):
        return np.sum(x)

    total.defvjp(lambda g, z, x: np.ones(5) * g)
    x = Value(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"'total'.*input 0 \(x\).*shape \(5,\).*shape \(2, 3\)"):
        total(x).backward()


def test_rules_must_match_the_inputs():
    @primitive
    def double(x):
        return 2 * x

    with pytest.raises(RuntimeError, match=r"double\.defvjp"):
        double(Value(1.0))
    double.defvjp(lambda g, z, x: 2 * g)
    with pytest.raises(TypeError, match="1 input"):
        double(Value(1.0), Value(2.0))
    with pytest.raises(TypeError, match="not both"):
        double.defvjp(lambda g, z, x: g, joint=lambda g, z, x: (g,))
    with pytest.raises(TypeError, match="callable"):
        double.defvjp("not a rule")
    with pytest.raises(TypeError, match="forward"):
        primitive(3)


def test_joint_rule_must_return_one_gradient_per_input():
    f = primitive(lambda x, y: x + y, name="add2").defvjp(joint=lambda g, z, x, y: (g,))
    with pytest.raises(ValueError, match=r"'add2'.*1 gradient.*2 input"):
        f(Value(1.0), Value(2.0)).backward()


def test_gradients_of_constants_are_not_computed():
    x = Value(np.array([1.0, 2.0]))
    (g,) = gradients(hypot(x, np.array([3.0, 4.0])).sum(), [x])
    np.testing.assert_allclose(g, np.array([1.0, 2.0]) / np.sqrt([10.0, 20.0]))


def test_the_readme_example_runs():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Defining your own operation"):]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    assert "ag.gradcheck" in code and "defvjp" in code
    namespace = {}
    exec(compile(code, "README.md", "exec"), namespace)
    assert namespace["x"].grad.shape == (2, 1) and namespace["y"].grad.shape == (3,)
    assert ag.gradcheck(lambda a, b: namespace["hypot"](a, b).sum(), namespace["x"], namespace["y"])
