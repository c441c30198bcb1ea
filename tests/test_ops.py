"""Every primitive operation: its forward against numpy, its gradient against finite differences.

The gradient checks project the output onto a fixed random array c, so the
function differentiated is the scalar L(x) = Σ c ⊙ f(x), whose gradient is the
vector-Jacobian product cᵀ J_f, exactly what the rule computes.  The
second-order checks differentiate L(x) = Σ c ⊙ f(x)² twice: squaring makes the
adjoint entering each rule depend on x, so the rule itself is differentiated.
"""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograd_mlp import Value, gradients, numerical_grad, ops
from autograd_mlp.ops import concatenate, stack, where

from strategies import (
    arrays,
    arrays_any_shape,
    away_from_zero,
    axes,
    broadcastable_arrays,
    broadcastable_shapes,
    data_values,
    distinct_arrays,
    floats,
    positive,
    projection_like,
    shapes,
)

FEW = settings(max_examples=25)
RTOL, ATOL = 1e-5, 1e-7


# ----------------------------------------------------------------- helpers
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


# --------------------------------------------------------- elementwise, unary
# name: (function on a Value, the same on numpy, the elements to draw)
UNARY = {
    "neg": (lambda v: -v, lambda a: -a, floats()),
    "pos": (lambda v: +v, lambda a: +a, floats()),
    "exp": (lambda v: v.exp(), np.exp, floats()),
    "log": (lambda v: v.log(), np.log, positive()),
    "tanh": (lambda v: v.tanh(), np.tanh, floats()),
    "sigmoid": (lambda v: v.sigmoid(), _sigmoid, floats(-8.0, 8.0)),
    "relu": (lambda v: v.relu(), lambda a: np.maximum(a, 0.0), away_from_zero()),
    "abs": (lambda v: abs(v), np.abs, away_from_zero()),
    "abs_method": (lambda v: v.abs(), np.abs, away_from_zero()),
    "sqrt": (lambda v: v.sqrt(), np.sqrt, positive()),
    "softplus": (lambda v: v.softplus(), lambda a: np.log1p(np.exp(a)), floats()),
    "cube": (lambda v: v**3, lambda a: a**3, floats()),
    "power_half": (lambda v: v**0.5, np.sqrt, positive()),
    "square_by_reuse": (lambda v: v * v, lambda a: a * a, floats()),
    "radd": (lambda v: 1.5 + v, lambda a: 1.5 + a, floats()),
    "rsub": (lambda v: 2.0 - v, lambda a: 2.0 - a, floats()),
    "rmul": (lambda v: 2.5 * v, lambda a: 2.5 * a, floats()),
    "rdiv": (lambda v: 1.0 / v, lambda a: 1.0 / a, away_from_zero(0.3)),
    "rpow": (lambda v: 2.0**v, lambda a: 2.0**a, floats()),
    "sub_const": (lambda v: v - 0.5, lambda a: a - 0.5, floats()),
    "div_const": (lambda v: v / 4.0, lambda a: a / 4.0, floats()),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@FEW
@given(data=st.data())
def test_unary_forward_and_gradient(name, data):
    f, reference, elements = UNARY[name]
    x = data.draw(data_values(elements), label="x")
    out = check_gradients(f, x)
    assert out.shape == np.shape(x)
    np.testing.assert_allclose(out.data, reference(np.asarray(x)), rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("name", sorted(UNARY))
@settings(max_examples=10)
@given(data=st.data())
def test_unary_second_order(name, data):
    f, _, elements = UNARY[name]
    x = data.draw(data_values(elements), label="x")
    check_second_order(f, x)


@pytest.mark.parametrize("name", ["exp", "log", "tanh", "sigmoid", "relu", "sqrt", "softplus"])
def test_module_functions_accept_plain_numbers(name):
    fn = getattr(ops, name)
    out = fn(2.0)
    assert isinstance(out, Value)
    assert not out.requires_grad
    assert out.item() == pytest.approx(UNARY[name][1](np.float64(2.0)))


@pytest.mark.parametrize("name", ["exp", "log", "tanh", "sigmoid", "relu", "sqrt", "softplus", "logsumexp"])
def test_module_functions_equal_the_methods(name):
    x = np.array([[0.5, 1.5, 2.5], [0.25, 3.0, 1.0]])
    via_function, via_method = Value(x), Value(x)
    a = getattr(ops, name)(via_function)
    b = getattr(via_method, name)()
    np.testing.assert_array_equal(a.data, b.data)
    (a * x).sum().backward()
    (b * x).sum().backward()
    np.testing.assert_array_equal(via_function.grad, via_method.grad)
    assert a.op == b.op == name


@pytest.mark.parametrize("name", ["exp", "log", "tanh", "sigmoid", "relu", "sqrt", "softplus"])
def test_module_functions_refuse_strings_naming_the_type(name):
    with pytest.raises(TypeError, match="str"):
        getattr(ops, name)("2.0")


def test_relu_and_abs_subgradient_at_zero_is_zero():
    x = Value(np.array([-1.0, 0.0, 2.0]))
    (x.relu().sum() + abs(x).sum()).backward()
    np.testing.assert_array_equal(x.grad, [-1.0, 0.0, 2.0])
    s = Value(0.0)
    (s.relu() + abs(s)).backward()
    assert float(s.grad) == 0.0


# ----------------------------------------------------------- numerical range
def _no_float_trouble():
    """Warnings become errors and numpy raises on overflow, invalid results and division by zero.

    Underflow stays allowed for array code: e^-1000 rounding to 0 is the right
    answer, and numpy itself ignores underflow by default.
    """
    return np.errstate(over="raise", invalid="raise", divide="raise", under="ignore")


def test_sigmoid_of_huge_scalars_is_exact_and_silent():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            for x, expected in ((-1000.0, 0.0), (1000.0, 1.0)):
                v = Value(x)
                y = v.sigmoid()
                y.backward()
                assert y.item() == expected
                assert np.isfinite(v.grad) and float(v.grad) == 0.0


def test_sigmoid_softplus_of_huge_arrays_are_exact_and_silent():
    data = np.array([-1000.0, -30.0, 0.0, 30.0, 1000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with _no_float_trouble():
            v = Value(data)
            s = v.sigmoid()
            s.sum().backward()
            assert s.data[0] == 0.0 and s.data[-1] == 1.0 and s.data[2] == 0.5
            assert np.all(np.isfinite(v.grad))
            w = Value(data)
            sp = w.softplus()
            sp.sum().backward()
            np.testing.assert_allclose(sp.data[[0, 2, 4]], [0.0, np.log(2.0), 1000.0])
            np.testing.assert_allclose(w.grad, _sigmoid(np.clip(data, -700, 700)), atol=1e-300)


def test_logsumexp_and_softmax_of_huge_inputs_do_not_overflow():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with _no_float_trouble():
            v = Value(np.array([1000.0, 1000.0, -1000.0]))
            out = v.logsumexp()
            out.backward()
            assert out.item() == pytest.approx(1000.0 + np.log(2.0))
            np.testing.assert_allclose(v.grad, [0.5, 0.5, 0.0])
            s = ops.softmax(Value(np.array([1000.0, 0.0])))
            np.testing.assert_allclose(s.data, [1.0, 0.0])


# -------------------------------------------------------- elementwise, binary
# name: (function of two Values, the same on numpy, elements for x, elements for y)
BINARY = {
    "add": (lambda x, y: x + y, np.add, floats(), floats()),
    "sub": (lambda x, y: x - y, np.subtract, floats(), floats()),
    "mul": (lambda x, y: x * y, np.multiply, floats(), floats()),
    "div": (lambda x, y: x / y, np.divide, floats(), away_from_zero(0.3)),
    "pow": (lambda x, y: x**y, np.power, positive(0.3, 3.0), floats(-2.0, 2.0)),
}


@pytest.mark.parametrize("name", sorted(BINARY))
@settings(max_examples=25)
@given(data=st.data())
def test_binary_broadcasting_gradient(name, data):
    f, reference, ex, ey = BINARY[name]
    x, y = data.draw(broadcastable_arrays(elements=[ex, ey]), label="x, y")
    x = _maybe_python_float(x, data.draw(st.booleans()))
    y = _maybe_python_float(y, data.draw(st.booleans()))
    out = check_gradients(f, x, y)
    assert out.shape == np.broadcast_shapes(np.shape(x), np.shape(y))
    np.testing.assert_allclose(out.data, reference(np.asarray(x), np.asarray(y)), rtol=1e-12)


@pytest.mark.parametrize("name", sorted(BINARY))
@settings(max_examples=10)
@given(data=st.data())
def test_binary_second_order(name, data):
    f, _, ex, ey = BINARY[name]
    x, y = data.draw(broadcastable_arrays(elements=[ex, ey]), label="x, y")
    x = _maybe_python_float(x, data.draw(st.booleans()))
    y = _maybe_python_float(y, data.draw(st.booleans()))
    check_second_order(f, x, y)


@pytest.mark.parametrize(
    "x_shape, y_shape",
    [((1,), ()), ((), (1,)), ((1,), (3,)), ((3, 1), (4,)), ((2, 1, 3), (1, 4, 1)), ((), (2, 3)), ((1, 1), (2, 3))],
)
@pytest.mark.parametrize("name", sorted(BINARY))
def test_gradient_keeps_each_input_shape_exactly(name, x_shape, y_shape):
    f, _, _, _ = BINARY[name]
    x = Value(np.full(x_shape, 1.5))
    y = Value(np.full(y_shape, 0.5))
    f(x, y).sum().backward()
    assert x.grad.shape == x_shape
    assert y.grad.shape == y_shape


def test_python_float_operands_get_python_float_gradients():
    x, y = Value(2.0), Value(3.0)
    (x * y + x / y - y**x).backward()
    assert type(x.data) is float
    assert float(x.grad) == pytest.approx(3.0 + 1.0 / 3.0 - 9.0 * np.log(3.0))
    assert float(y.grad) == pytest.approx(2.0 - 2.0 / 9.0 - 2.0 * 3.0)


@pytest.mark.parametrize(
    "name, fn",
    [
        ("add", lambda a, v: a + v),
        ("sub", lambda a, v: a - v),
        ("mul", lambda a, v: a * v),
        ("div", lambda a, v: a / v),
        ("pow", lambda a, v: a**v),
        ("matmul", lambda a, v: a @ v),
    ],
)
def test_numpy_array_on_the_left_defers_to_value(name, fn):
    a = np.array([[1.0, 2.0, 3.0], [0.5, 1.5, 2.5]])
    x = np.array([0.7, 1.3, 0.4])
    out = check_gradients(lambda v: fn(a, v), x)
    assert isinstance(out, Value)
    np.testing.assert_allclose(out.data, fn(a, x))


# ------------------------------------------------------------------ matmul
@settings(max_examples=40)
@given(
    shapes_=hnp.mutually_broadcastable_shapes(signature=np.matmul.signature, max_dims=2, max_side=3),
    data=st.data(),
)
def test_matmul_gradient_every_layout(shapes_, data):
    # the signature (n?,k),(k,m?) covers vector·vector, matrix·vector, vector·matrix,
    # matrix·matrix and batched products with broadcast batch axes
    xs, ys = shapes_.input_shapes
    x = data.draw(arrays(xs), label="x")
    y = data.draw(arrays(ys), label="y")
    out = check_gradients(lambda a, b: a @ b, x, y)
    assert out.shape == np.matmul(x, y).shape
    np.testing.assert_allclose(out.data, x @ y, rtol=1e-12, atol=1e-12)


@settings(max_examples=10)
@given(
    shapes_=hnp.mutually_broadcastable_shapes(signature=np.matmul.signature, max_dims=2, max_side=3),
    data=st.data(),
)
def test_matmul_second_order(shapes_, data):
    xs, ys = shapes_.input_shapes
    check_second_order(lambda a, b: a @ b, data.draw(arrays(xs)), data.draw(arrays(ys)))


@settings(max_examples=20)
@given(data=st.data())
def test_affine_equals_matmul_plus_bias(data):
    n_in, n_out = data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3))
    x_shape = data.draw(st.sampled_from([(n_in,), (2, n_in), (1, n_in)]))
    b_shape = data.draw(st.sampled_from([(n_out,), (1, n_out), ()]))
    x = data.draw(arrays(x_shape))
    w = data.draw(arrays((n_in, n_out)))
    b = data.draw(arrays(b_shape))
    out = check_gradients(ops.affine, x, w, b)
    np.testing.assert_allclose(out.data, x @ w + b, rtol=1e-12)
    assert out.op == "affine"
    check_second_order(lambda a, m, c: ops.affine(a, m, c).tanh(), x, w, b)


# -------------------------------------------------------------- reductions
REDUCTIONS = {
    "sum": (lambda v, **kw: v.sum(**kw), np.sum),
    "mean": (lambda v, **kw: v.mean(**kw), np.mean),
    "max": (lambda v, **kw: v.max(**kw), np.max),
    "min": (lambda v, **kw: v.min(**kw), np.min),
    "logsumexp": (
        lambda v, **kw: v.logsumexp(**kw),
        lambda a, axis=None, keepdims=False: np.log(np.sum(np.exp(a), axis=axis, keepdims=keepdims)),
    ),
}


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
@settings(max_examples=25)
@given(data=st.data())
def test_reduction_gradient(name, data):
    f, reference = REDUCTIONS[name]
    # distinct, spaced values: max/min have a unique winner, far from a tie
    x = data.draw(distinct_arrays(), label="x")
    axis = data.draw(axes(x.ndim), label="axis")
    keepdims = data.draw(st.booleans(), label="keepdims")
    out = check_gradients(lambda v: f(v, axis=axis, keepdims=keepdims), x)
    expected = reference(x, axis=axis, keepdims=keepdims)
    assert out.shape == np.shape(expected)
    # atol: log(Σ e^x) in the reference loses tiny results (log(1 + 1e-130) = 0)
    np.testing.assert_allclose(out.data, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
@settings(max_examples=10)
@given(data=st.data())
def test_reduction_second_order(name, data):
    f, _ = REDUCTIONS[name]
    x = data.draw(distinct_arrays(), label="x")
    axis = data.draw(axes(x.ndim), label="axis")
    keepdims = data.draw(st.booleans(), label="keepdims")
    check_second_order(lambda v: f(v, axis=axis, keepdims=keepdims), x)


@pytest.mark.parametrize("name", ["sum", "mean", "max", "min", "logsumexp"])
def test_reductions_of_a_python_float(name):
    f, reference = REDUCTIONS[name]
    check_gradients(f, 1.25)
    assert f(Value(1.25)).item() == pytest.approx(reference(np.float64(1.25)))


def test_max_min_share_the_gradient_between_ties():
    x = Value(np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]]))
    x.max().backward()
    np.testing.assert_array_equal(x.grad, [[0, 0.5, 0.5], [0, 0, 0]])
    y = Value(np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]]))
    y.max(axis=1).sum().backward()
    np.testing.assert_array_equal(y.grad, [[0, 0.5, 0.5], [0.5, 0.5, 0]])
    z = Value(np.array([4.0, 1.0, 1.0, 1.0]))
    z.min().backward()
    np.testing.assert_allclose(z.grad, [0, 1 / 3, 1 / 3, 1 / 3])


def test_reduction_axis_errors():
    v = Value(np.ones((2, 3)))
    for bad in (2, -3, (0, 5)):
        with pytest.raises(ValueError, match="out of range"):
            v.sum(axis=bad)
    with pytest.raises(ValueError, match="repeated"):
        v.mean(axis=(1, -1))
    with pytest.raises(TypeError, match="axis"):
        v.sum(axis=1.0)
    with pytest.raises(ValueError, match="empty"):
        Value(np.ones((0,))).max()


# ---------------------------------------------------------------- softmax
@settings(max_examples=20)
@given(x=arrays_any_shape(min_dims=1), data=st.data())
def test_softmax_gradient(x, data):
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1), label="axis")
    out = check_gradients(lambda v: ops.softmax(v, axis=axis), x)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    np.testing.assert_allclose(out.data, e / e.sum(axis=axis, keepdims=True), rtol=1e-12)
    np.testing.assert_allclose(out.data.sum(axis=axis), 1.0)
    check_second_order(lambda v: v.softmax(axis=axis), x)


def test_softmax_refuses_0d():
    with pytest.raises(ValueError, match="0-d"):
        ops.softmax(Value(1.0))


# -------------------------------------------------------------- shape ops
@settings(max_examples=20)
@given(x=arrays_any_shape(), data=st.data())
def test_reshape_and_flatten_gradient(x, data):
    target = data.draw(
        st.sampled_from([(-1,), (x.size,), (1, x.size), x.shape[::-1], x.shape + (1,), (x.size, 1, -1)]),
        label="target",
    )
    out = check_gradients(lambda v: v.reshape(target), x)
    assert out.shape == x.reshape(target).shape
    check_gradients(lambda v: v.reshape(*target), x)
    flat = check_gradients(lambda v: v.flatten(), x)
    np.testing.assert_array_equal(flat.data, x.ravel())
    check_second_order(lambda v: v.reshape(target), x)


@settings(max_examples=20)
@given(x=arrays_any_shape(), data=st.data())
def test_transpose_gradient(x, data):
    perm = tuple(data.draw(st.permutations(range(x.ndim)), label="perm"))
    negative = tuple(p - x.ndim for p in perm)
    out = check_gradients(lambda v: v.transpose(perm), x)
    np.testing.assert_array_equal(out.data, np.transpose(x, perm))
    check_gradients(lambda v: v.transpose(*negative), x)
    t = check_gradients(lambda v: v.T, x)
    np.testing.assert_array_equal(t.data, x.T)
    check_gradients(lambda v: v.transpose(), x)
    check_second_order(lambda v: v.transpose(perm), x)


def test_transpose_refuses_bad_axes():
    v = Value(np.ones((2, 3)))
    for bad in ((0, 0), (0, 2), (0, 1, 2), (0,), (0, -3)):
        with pytest.raises(ValueError, match="permutation"):
            v.transpose(bad)


@settings(max_examples=20)
@given(data=st.data())
def test_broadcast_to_gradient(data):
    x_shape, target = data.draw(broadcastable_shapes(num_shapes=2), label="shapes")
    full = np.broadcast_shapes(x_shape, target)
    x = data.draw(arrays(x_shape), label="x")
    out = check_gradients(lambda v: v.broadcast_to(full), x)
    np.testing.assert_array_equal(out.data, np.broadcast_to(x, full))
    check_second_order(lambda v: ops.broadcast_to(v, full), x)
    with pytest.raises(ValueError, match="broadcast"):
        Value(np.ones((2, 3))).broadcast_to((4, 3))


def test_reshape_refuses_wrong_size_naming_both():
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(4,\)"):
        Value(np.ones((2, 3))).reshape(4)


# ---------------------------------------------------------------- indexing
@settings(max_examples=20)
@given(x=arrays(shapes(min_dims=2, max_dims=3, min_side=1, max_side=4)), data=st.data())
def test_basic_indexing_gradient(x, data):
    n0, n1 = x.shape[0], x.shape[1]
    index = data.draw(
        st.sampled_from(
            [
                slice(1, 3),
                (slice(None), 0),
                -1,
                (Ellipsis, 0),
                (slice(None, None, -1), slice(0, None, 2)),
                (0, slice(None), None),
                (n0 - 1, n1 - 1),
            ]
        ),
        label="index",
    )
    out = check_gradients(lambda v: v[index], x)
    np.testing.assert_array_equal(out.data, x[index])
    check_second_order(lambda v: v[index], x)


@settings(max_examples=20)
@given(x=arrays(shapes(min_dims=1, max_dims=2, min_side=1, max_side=4)), data=st.data())
def test_integer_array_indexing_accumulates_repeats(x, data):
    n = x.shape[0]
    idx = data.draw(st.lists(st.integers(-n, n - 1), min_size=1, max_size=6), label="idx")
    out = check_gradients(lambda v: v[idx], x)
    np.testing.assert_array_equal(out.data, x[idx])
    check_gradients(lambda v: v[np.array(idx)], x)
    # the gradient of Σ x[idx] counts how often each row was picked
    v = Value(x)
    v[idx].sum().backward()
    counts = np.bincount(np.array(idx) % n, minlength=n).astype(float)
    np.testing.assert_array_equal(v.grad, np.broadcast_to(counts.reshape((n,) + (1,) * (x.ndim - 1)), x.shape))
    check_second_order(lambda w: w[idx], x)


def test_mixed_and_boolean_indexing():
    x = np.arange(12.0).reshape(3, 4) / 7.0
    check_gradients(lambda v: v[[0, 2, 0], 1:], x)
    check_gradients(lambda v: v[:, [3, 3, 1]], x)
    check_gradients(lambda v: v[np.array([True, False, True])], x)
    check_gradients(lambda v: v[x > 0.5], x)
    v = Value(np.array([1.0, 2.0, 3.0]))
    v[[2, 2, 2, 0]].sum().backward()
    np.testing.assert_array_equal(v.grad, [1.0, 0.0, 3.0])


def test_iteration_and_len_follow_the_first_axis():
    v = Value(np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]))
    rows = list(v)
    assert len(v) == 3 and len(rows) == 3
    sum(r.sum() * (i + 1) for i, r in enumerate(rows)).backward()
    np.testing.assert_array_equal(v.grad, [[1, 1], [2, 2], [3, 3]])
    with pytest.raises(TypeError, match="0-d"):
        len(Value(1.0))


# ---------------------------------------------------------- concat / stack
@settings(max_examples=20)
@given(data=st.data())
def test_concatenate_gradient(data):
    base = data.draw(shapes(min_dims=1), label="base")
    axis = data.draw(st.integers(-len(base), len(base) - 1), label="axis")
    count = data.draw(st.integers(1, 3), label="count")
    parts = []
    for _ in range(count):
        shape = list(base)
        shape[axis] = data.draw(st.integers(1, 3))
        parts.append(data.draw(arrays(tuple(shape))))
    out = check_gradients(lambda *vs: concatenate(vs, axis=axis), *parts)
    np.testing.assert_array_equal(out.data, np.concatenate(parts, axis=axis))
    check_second_order(lambda *vs: concatenate(list(vs), axis=axis), *parts)


@settings(max_examples=20)
@given(data=st.data())
def test_stack_gradient(data):
    shape = data.draw(shapes(), label="shape")
    axis = data.draw(st.integers(-len(shape) - 1, len(shape)), label="axis")
    count = data.draw(st.integers(1, 3), label="count")
    parts = [data.draw(arrays(shape)) for _ in range(count)]
    out = check_gradients(lambda *vs: stack(vs, axis=axis), *parts)
    np.testing.assert_array_equal(out.data, np.stack(parts, axis=axis))
    check_second_order(lambda *vs: stack(vs, axis=axis), *parts)


def test_concatenate_and_stack_errors_name_the_shapes():
    a, b = Value(np.ones((2, 3))), Value(np.ones((2, 4)))
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(2, 4\)"):
        concatenate([a, b], axis=0)
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(2, 4\)|\(2, 4\).*\(2, 3\)"):
        stack([a, b])
    with pytest.raises(ValueError, match="at least one"):
        concatenate([])
    with pytest.raises(ValueError, match="0-d"):
        concatenate([Value(1.0), Value(2.0)])
    assert concatenate([a, b], axis=1).shape == (2, 7)


def test_concatenate_mixes_values_and_constants():
    v = Value(np.array([1.0, 2.0]))
    out = concatenate([v, np.array([5.0]), [6.0, 7.0]])
    np.testing.assert_array_equal(out.data, [1, 2, 5, 6, 7])
    (out * np.arange(5.0)).sum().backward()
    np.testing.assert_array_equal(v.grad, [0.0, 1.0])


# ------------------------------------------------------------------- where
@settings(max_examples=25)
@given(data=st.data())
def test_where_gradient(data):
    c_shape, x_shape, y_shape = data.draw(broadcastable_shapes(num_shapes=3), label="shapes")
    cond = data.draw(hnp.arrays(np.bool_, c_shape), label="cond")
    x = data.draw(arrays(x_shape), label="x")
    y = data.draw(arrays(y_shape), label="y")
    out = check_gradients(lambda a, b: where(cond, a, b), x, y)
    np.testing.assert_array_equal(out.data, np.where(cond, x, y))
    check_second_order(lambda a, b: where(cond, a, b), x, y)


def test_where_accepts_a_value_condition_and_names_shapes_on_error():
    x = Value(np.array([1.0, -2.0, 3.0]))
    out = where(x > 0, x, 0.0)
    out.sum().backward()
    np.testing.assert_array_equal(x.grad, [1.0, 0.0, 1.0])
    with pytest.raises(ValueError, match=r"\(2,\).*\(3,\)"):
        where(np.array([True, False]), x, 1.0)


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


# ------------------------------------------- negative base, fractional power
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_scalar_negative_base_to_a_fractional_power_is_nan_like_numpy():
    with warnings.catch_warnings():
        warnings.simplefilter("error", np.exceptions.ComplexWarning)
        for z in (Value(-8.0) ** (1 / 3), (-8.0) ** Value(1 / 3), (-8) ** Value(1 / 3)):
            assert type(z.data) is float and np.isnan(z.data)
        assert np.isnan(np.power(-8.0, 1 / 3))  # what the array path gives
        x = Value(-4.0)
        (x**0.5).backward()
        assert type(x.grad) is float and np.isnan(x.grad)
        y = Value(0.5)
        ((-4.0) ** y).backward()
        assert type(y.grad) is float and np.isnan(y.grad)
        # the rules on Values (create_graph) stay real too
        x = Value(-4.0)
        (gx,) = gradients(x**0.5, [x], create_graph=True)
        assert type(gx.data) is float and np.isnan(gx.data)
        (gxx,) = gradients(gx, [x])
        assert np.isnan(gxx)
    # integer powers of negative bases are unaffected
    x = Value(-2.0)
    (x**3).backward()
    assert x.grad == 12.0


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


@pytest.mark.parametrize("axis", [(0, 1), (1,), [0], None, 1.0, True])
def test_single_axis_operations_refuse_anything_but_one_int_axis(axis):
    x = Value(np.ones((2, 3)))
    with pytest.raises(TypeError, match=r"softmax\(\) needs a single int axis, got"):
        ops.softmax(x, axis=axis)
    with pytest.raises(TypeError, match=r"concatenate\(\) needs a single int axis, got"):
        concatenate([x, x], axis=axis)
    with pytest.raises(TypeError, match=r"stack\(\) needs a single int axis, got"):
        stack([x, x], axis=axis)
    # an int (numpy ints too) still works
    assert ops.softmax(x, axis=np.int64(0)).shape == (2, 3)
    assert concatenate([x, x], axis=1).shape == (2, 6)
    assert stack([x, x], axis=-1).shape == (2, 3, 2)


def test_astype_converts_forward_and_casts_the_gradient_back():
    x = Value(np.array([1.5, -2.0]))
    y = x.astype(np.float32)
    assert y.dtype == np.float32 and x.astype(np.float64) is x
    (y * y).sum().backward()
    assert x.grad.dtype == np.float64
    np.testing.assert_allclose(x.grad, [3.0, -4.0])
    first = gradients((x.astype(np.float32) ** 3).sum(), [x], create_graph=True)[0]
    np.testing.assert_allclose(gradients(first.sum(), [x])[0], 6 * x.data)  # d²/dx² x³ = 6x
    with pytest.raises(TypeError, match="float dtype"):
        x.astype(np.int32)
