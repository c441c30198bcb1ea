"""The graph node and reverse mode: construction, backward semantics, no_grad, grad, higher order."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_mlp import (
    Value,
    grad,
    gradients,
    numerical_grad,
    ops,
    value_and_grad,
)
from autograd_mlp.engine import topological_order

from strategies import arrays, data_values, floats, positive, shapes


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


# ------------------------------------------------------------ construction
@settings(max_examples=30)
@given(x=data_values())
def test_value_keeps_what_it_wraps(x):
    v = Value(x)
    assert v.shape == np.shape(x)
    assert v.ndim == np.ndim(x)
    assert v.size == np.size(x)
    assert v.dtype == np.float64
    np.testing.assert_array_equal(v.numpy(), x)
    assert v.grad is None and v.requires_grad and v.is_leaf and v.op == ""
    if isinstance(x, float):
        assert type(v.data) is float and v.item() == x and float(v) == x


def test_numbers_become_float64():
    assert type(Value(3).data) is float and Value(3).data == 3.0
    assert type(Value(True).data) is float
    for data in ([1, 2, 3], np.array([1, 2], dtype=np.int32), np.array([True, False]), [[1.5, 2], [3, 4]]):
        v = Value(data)
        assert isinstance(v.data, np.ndarray) and v.dtype == np.float64
        np.testing.assert_array_equal(v.data, np.asarray(data, dtype=np.float64))


def test_float32_is_kept():
    v = Value(np.ones((3, 4), dtype=np.float32))
    assert v.dtype == np.float32 and v.shape == (3, 4)
    assert Value(np.float32(2.5)).dtype == np.float32
    assert Value([1, 2], dtype=np.float32).dtype == np.float32
    w = Value(np.ones(3, dtype=np.float32))
    (w * 2.0).sum().backward()
    assert w.grad.dtype == np.float32


@pytest.mark.parametrize(
    "bad, named",
    [
        ("3.0", "str"),
        (b"1", "bytes"),
        (object(), "object"),
        (None, "NoneType"),
        ([1.0, "a"], "list"),
        (np.array(["a", "b"]), "<U1"),
        (1 + 2j, "complex"),
        (np.array([1j]), "complex"),
        ({"a": 1}, "dict"),
    ],
)
def test_non_numeric_data_is_refused(bad, named):
    with pytest.raises(TypeError, match=named):
        Value(bad)


def test_attributes_and_assignment():
    v = Value(np.arange(6.0).reshape(2, 3), name="W")
    assert (v.shape, v.ndim, v.size, v.name) == ((2, 3), 2, 6, "W")
    v.grad = np.ones((2, 3))
    v.data = v.data * 2
    np.testing.assert_array_equal(v.data, [[0, 2, 4], [6, 8, 10]])
    v.name = "weights"
    v.requires_grad = False
    assert v.name == "weights" and not v.requires_grad
    v.zero_grad()
    assert v.grad is None
    assert isinstance(v.numpy(), np.ndarray)
    with pytest.raises(ValueError, match=r"single element.*\(2, 3\)"):
        v.item()
    assert Value(np.array([[4.5]])).item() == 4.5


def test_repr_is_readable():
    assert repr(Value(2.0)) == "Value(2.0000)"
    a = Value(2.0, name="a")
    (a * a).backward()
    assert repr(a) == "Value(2.0000, grad=4.0000, name='a')"
    text = repr(Value(np.array([[1.0, 2.0], [3.0, 4.0]])))
    assert text.startswith("Value([[1., 2.]") and "\n" not in text
    long_text = repr(Value(np.arange(1000.0)))
    assert "..." in long_text and len(long_text) < 200


def test_truth_value_like_numpy():
    assert not Value(0.0) and Value(2.0) and Value(np.array([[1.0]]))
    for many in (np.ones(3), np.ones(0)):
        with pytest.raises(ValueError, match="ambiguous"):
            bool(Value(many))


def test_comparisons_are_elementwise_and_hash_is_identity():
    a, b = Value(np.array([1.0, 2.0])), Value(np.array([1.0, 3.0]))
    np.testing.assert_array_equal(a == b, [True, False])
    np.testing.assert_array_equal(a < b, [False, True])
    assert len({a, b, Value(np.array([1.0, 2.0]))}) == 3
    assert (Value(1.0) < 2.0) and (Value(3.0) >= 3.0)


# ------------------------------------------------------- hand-worked cases
def test_course_neuron_forward_and_gradients():
    # inputs (1, 0), weights (0.5, 0), bias 1: z = 1*0.5 + 0*0 + 1 = 1.5, a = σ(1.5)
    x1, x2 = Value(1.0, name="x1"), Value(0.0, name="x2")
    w1, w2, b = Value(0.5, name="w1"), Value(0.0, name="w2"), Value(1.0, name="b")
    a = (x1 * w1 + x2 * w2 + b).sigmoid()
    assert a.item() == pytest.approx(0.8176, abs=5e-5)
    a.backward()
    d = a.item() * (1 - a.item())  # σ'(z) = σ(z)(1 - σ(z)) = 0.1491
    assert d == pytest.approx(0.14915, abs=5e-5)
    assert float(w1.grad) == pytest.approx(d * 1.0)
    assert float(w2.grad) == pytest.approx(d * 0.0)
    assert float(b.grad) == pytest.approx(d)
    assert float(x1.grad) == pytest.approx(d * 0.5)
    assert float(x2.grad) == pytest.approx(0.0)


def test_course_update_rule_mse_sigmoid():
    # the notes' output-layer rule: dL/dw = (ŷ - y) ŷ (1 - ŷ) a, for L = ½ (ŷ - y)²
    a_prev, w, b, y = 0.7, Value(0.5), Value(1.0), 1.0
    y_hat = (w * a_prev + b).sigmoid()
    loss = 0.5 * (y_hat - y) ** 2
    loss.backward()
    yh = sigmoid(0.5 * 0.7 + 1.0)
    assert float(w.grad) == pytest.approx((yh - y) * yh * (1 - yh) * a_prev, rel=1e-12)
    assert float(b.grad) == pytest.approx((yh - y) * yh * (1 - yh), rel=1e-12)


def _long_expression(a, b, relu):
    c = a + b
    d = a * b + b**3
    c = c + c + 1
    c = c + 1 + c + (-a)
    d = d + d * 2 + relu(b + a)
    d = d + 3 * d + relu(b - a)
    e = c - d
    f = e**2
    g = f / 2.0
    return g + 10.0 / f


def test_scalar_expression_like_micrograd():
    a, b = Value(-4.0), Value(2.0)
    g = _long_expression(a, b, lambda v: v.relu())
    g.backward()
    # the same expression on plain floats, and its derivatives by central differences
    plain = lambda p, q: _long_expression(p, q, lambda t: max(t, 0.0))  # noqa: E731
    assert g.item() == pytest.approx(plain(-4.0, 2.0), rel=1e-15)
    eps = 1e-6
    assert float(a.grad) == pytest.approx((plain(-4 + eps, 2.0) - plain(-4 - eps, 2.0)) / (2 * eps), rel=1e-7)
    assert float(b.grad) == pytest.approx((plain(-4.0, 2 + eps) - plain(-4.0, 2 - eps)) / (2 * eps), rel=1e-7)


def test_micrograd_style_training_loop_runs_unchanged():
    xs, ys = [1.0, 2.0, 3.0], [3.0, 5.0, 7.0]  # y = 2x + 1
    w, b = Value(0.0), Value(0.0)
    losses = []
    for _ in range(200):
        loss = sum(((w * x + b) - y) ** 2 for x, y in zip(xs, ys))
        for p in (w, b):
            p.grad = 0
        loss.backward()
        for p in (w, b):
            p.data -= 0.02 * p.grad
        losses.append(loss.item())
    assert losses[-1] < 1e-3 < losses[0]
    assert w.data == pytest.approx(2.0, abs=0.05) and b.data == pytest.approx(1.0, abs=0.1)
    assert type(w.data) is float


def test_array_parameters_update_in_place():
    w = Value(np.array([1.0, -1.0]))
    data_before = w.data
    (w * w).sum().backward()
    w.data -= 0.25 * w.grad
    assert w.data is data_before
    np.testing.assert_allclose(w.data, [0.5, -0.5])


# ---------------------------------------------------------------- backward
def test_reused_nodes_accumulate():
    a = Value(3.0)
    (a * a).backward()
    assert float(a.grad) == 6.0
    b = Value(3.0)
    (b + b + b).backward()
    assert float(b.grad) == 3.0
    # a diamond: x feeds two branches that meet again
    x = Value(np.array([0.5, -1.0]))
    h = x.tanh()
    out = (h * 2.0 + h * h).sum()
    out.backward()
    t = np.tanh([0.5, -1.0])
    np.testing.assert_allclose(x.grad, (2.0 + 2 * t) * (1 - t**2))


def test_gradients_accumulate_across_backward_calls_and_graph_is_retained():
    x = Value(2.0)
    y = x**3
    y.backward()
    assert float(x.grad) == 12.0
    y.backward()  # the graph is kept by default: the same gradient is added again
    assert float(x.grad) == 24.0
    z = x * 5.0
    z.backward()
    assert float(x.grad) == 29.0
    x.grad = None
    y.backward()
    assert float(x.grad) == 12.0


def test_intermediates_get_gradients_and_constants_do_not():
    x = Value(np.array([1.0, 2.0]))
    c = Value(np.array([3.0, 4.0]), requires_grad=False)
    h = x * c
    out = h.sum()
    out.backward()
    np.testing.assert_array_equal(h.grad, [1.0, 1.0])
    np.testing.assert_array_equal(x.grad, [3.0, 4.0])
    assert c.grad is None
    assert float(out.grad) == 1.0


def test_leaf_gradients_own_their_memory():
    x, y = Value(np.ones(3)), Value(np.ones(3))
    s = x + y
    (s.reshape(3, 1) * 1.0).sum().backward()
    x.grad += 1.0
    np.testing.assert_array_equal(y.grad, [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(s.grad, [1.0, 1.0, 1.0])
    w = Value(np.ones((2, 2)))
    w.sum().backward()
    w.grad *= 3.0  # a broadcast view would be read-only
    np.testing.assert_array_equal(w.grad, 3.0)


def test_non_scalar_backward_needs_grad():
    v = Value(np.ones(3))
    y = v * 2.0
    with pytest.raises(RuntimeError, match=r"single-element.*\(3,\)"):
        y.backward()
    assert v.grad is None
    y.backward(np.array([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(v.grad, [2.0, 4.0, 6.0])
    with pytest.raises(ValueError, match=r"\(3,\).*\(2,\)"):
        y.backward(np.ones(2))
    # a single element of any shape may start without grad
    w = Value(np.array([[2.0]]))
    (w * w).backward()
    np.testing.assert_array_equal(w.grad, [[4.0]])


def test_retain_graph_false_releases_the_graph():
    x = Value(2.0)
    h = x * x
    y = h + 1.0
    y.backward(retain_graph=False)
    assert float(x.grad) == 4.0
    assert y.parents == ()
    with pytest.raises(RuntimeError, match="released"):
        y.backward()
    # another output that runs through the released part of the graph fails too
    with pytest.raises(RuntimeError, match="released"):
        (h * 3.0).backward()
    assert float(x.grad) == 4.0


def test_backward_on_a_value_without_graph_raises():
    with pytest.raises(RuntimeError, match="does not require gradients"):
        Value(2.0, requires_grad=False).exp().backward()


def test_long_chain_backward_is_iterative():
    # far beyond Python's recursion limit; a recursive walk would overflow the stack
    x = Value(1.5)
    y = x
    for _ in range(100_000):
        y = -y
    y = y * 2.0
    y.backward()
    assert float(x.grad) == 2.0  # (-1)^100000 · 2
    assert len(topological_order(y)) == 100_003  # the leaf, 100,000 negations, the constant, the product


def test_topological_order_puts_parents_first_and_each_node_once():
    a, b = Value(1.0), Value(2.0)
    c = a * b
    d = c + a
    e = d * c
    order = topological_order(e)
    position = {id(n): i for i, n in enumerate(order)}
    assert len(order) == len(position) == 5  # a, b, c, d, e: each once though a and c are reused
    for node in order:
        for parent in node.parents:
            assert position[id(parent)] < position[id(node)]
    assert order[-1] is e


def test_parents_in_argument_order_for_any_number_of_inputs():
    a, b, c = Value(1.0), Value(2.0), Value(np.ones(3))
    assert (-a).parents == (a,)
    assert (a * b).parents == (a, b)
    assert (b - a).parents == (b, a)
    w, x = Value(np.ones((3, 2))), Value(np.ones((4, 3)))
    assert ops.affine(x, w, Value(np.zeros(2))).parents[:2] == (x, w)
    s = ops.weighted_sum([a, b], [b, a], 0.5)
    assert len(s.parents) == 5 and s.parents[:4] == (a, b, b, a)
    assert c.parents == () and (c * 2.0).parents[0] is c


def test_parents_can_be_set_as_one_tuple_and_a_leaf_pickles():
    import pickle

    a, b, c = Value(1.0), Value(2.0), Value(3.0)
    z = a * b
    for parents in ((), (a,), (a, b), (a, b, c)):
        z._parents = parents
        assert z.parents == parents
    leaf = pickle.loads(pickle.dumps(Value(np.ones(2), name="w")))
    assert leaf.is_leaf and leaf.parents == () and leaf.name == "w"


def test_a_graph_node_keeps_no_container_of_its_own():
    # Python's cyclic collector tracks and scans every container: a scalar
    # node referring to its inputs through a tuple would be two such objects.
    import gc

    a, b = Value(1.0), Value(2.0)
    for node in (a * b, a + 1.0, a.relu(), a.exp()):
        assert not any(type(r) is tuple and gc.is_tracked(r) for r in gc.get_referents(node))


def test_backward_order_is_the_same_through_nodes_of_many_inputs():
    # a fused node with several interior inputs, reused below: each input is walked once
    xs = [Value(float(i)) for i in range(1, 5)]
    hs = [x * x for x in xs]
    s = ops.weighted_sum(hs, hs[::-1], hs[0])
    out = s * hs[1] + hs[2]
    out.backward()
    expected = grad(lambda *v: (lambda h: (sum(h[i] * h[3 - i] for i in range(4)) + h[0]) * h[1] + h[2])(
        [t * t for t in v]), argnums=(0, 1, 2, 3))(*[x.data for x in xs])
    assert [x.grad for x in xs] == list(expected)


# ------------------------------------------------------------------ detach
def test_detach_cuts_the_graph():
    x = Value(3.0)
    d = (x * x).detach()
    assert not d.requires_grad and d.is_leaf and d.item() == 9.0
    y = x * d
    y.backward()
    assert float(x.grad) == 9.0  # d counted as a constant
    assert d.grad is None


# ------------------------------------------------------ grad, gradients
def test_grad_and_value_and_grad():
    # the argument not differentiated stays what it was (here an array): ops.exp lifts it
    f = lambda x, y: (x * y + ops.exp(x)).sum()  # noqa: E731
    x, y = np.array([0.5, -1.0]), np.array([2.0, 3.0])
    gx = grad(f)(x, y)
    np.testing.assert_allclose(gx, y + np.exp(x))
    gy = grad(f, argnums=1)(x, y)
    np.testing.assert_allclose(gy, x)
    gx2, gy2 = grad(f, argnums=(0, 1))(x, y)
    np.testing.assert_allclose(gx2, gx)
    np.testing.assert_allclose(gy2, gy)
    value, (gx3, gy3) = value_and_grad(f, argnums=(0, 1))(x, y)
    assert float(value) == pytest.approx(float(np.sum(x * y + np.exp(x))))
    np.testing.assert_allclose(gy3, x)
    value, g = value_and_grad(lambda t: t**2)(3.0)
    assert float(value) == 9.0 and float(g) == 6.0
    assert float(grad(lambda t: t.tanh())(0.0)) == 1.0


@settings(max_examples=20)
@given(x=data_values())
def test_grad_matches_numerical_grad(x):
    f = lambda v: (v.tanh() * v + v.exp() / 2.0).sum()  # noqa: E731
    g = grad(f)(x)
    assert np.shape(g) == np.shape(x)
    np.testing.assert_allclose(g, numerical_grad(f, x)[0], rtol=1e-6, atol=1e-8)


def test_grad_refuses_non_scalar_or_non_value_output():
    with pytest.raises(ValueError, match=r"single number.*\(2,\)"):
        grad(lambda v: v * 2.0)(np.ones(2))
    with pytest.raises(TypeError, match="float"):
        grad(lambda v: 3.0)(1.0)


def test_grad_of_a_value_argument_leaves_its_grad_alone():
    x = Value(np.array([1.0, 2.0]))
    g = grad(lambda v: (v * v).sum())(x)
    np.testing.assert_allclose(np.asarray(getattr(g, "data", g)), [2.0, 4.0])
    assert x.grad is None


def test_gradients_leaves_grad_untouched():
    x, y = Value(np.array([1.0, 2.0])), Value(3.0)
    unused = Value(np.ones((2, 2)))
    x.grad = np.array([10.0, 10.0])
    out = (x * y).sum()
    gx, gy, gu = gradients(out, [x, y, unused])
    np.testing.assert_array_equal(gx, [3.0, 3.0])
    assert float(gy) == 3.0
    np.testing.assert_array_equal(gu, np.zeros((2, 2)))
    np.testing.assert_array_equal(x.grad, [10.0, 10.0])
    assert y.grad is None and out.grad is None
    (only,) = gradients(out, x)
    np.testing.assert_array_equal(only, [3.0, 3.0])
    # vector output with grad_outputs: a vector-Jacobian product
    (vjp,) = gradients(x * 2.0, [x], grad_outputs=np.array([1.0, -1.0]))
    np.testing.assert_array_equal(vjp, [2.0, -2.0])


# ------------------------------------------------------------- higher order
SECOND_DERIVATIVES = {
    "tanh": (lambda v: v.tanh(), lambda x: -2 * math.tanh(x) * (1 - math.tanh(x) ** 2), floats()),
    "sigmoid": (
        lambda v: v.sigmoid(),
        lambda x: sigmoid(x) * (1 - sigmoid(x)) * (1 - 2 * sigmoid(x)),
        floats(),
    ),
    "exp": (lambda v: v.exp(), math.exp, floats()),
    "cube": (lambda v: v**3, lambda x: 6 * x, floats()),
    "log": (lambda v: v.log(), lambda x: -1 / x**2, positive()),
    "sqrt": (lambda v: v.sqrt(), lambda x: -0.25 * x**-1.5, positive()),
    "softplus": (lambda v: v.softplus(), lambda x: sigmoid(x) * (1 - sigmoid(x)), floats()),
    "reciprocal": (lambda v: 1.0 / v, lambda x: 2 / x**3, positive()),
}


@pytest.mark.parametrize("name", sorted(SECOND_DERIVATIVES))
@settings(max_examples=15)
@given(data=st.data())
def test_second_derivative_by_grad_of_grad(name, data):
    f, d2, elements = SECOND_DERIVATIVES[name]
    x = data.draw(elements, label="x")
    second = grad(grad(f))(x)
    assert float(np.asarray(getattr(second, "data", second))) == pytest.approx(d2(x), rel=1e-9, abs=1e-12)
    # and the same against a finite difference of the first derivative
    first = grad(f)
    eps = 1e-6
    fd = (float(first(x + eps)) - float(first(x - eps))) / (2 * eps)
    assert float(np.asarray(getattr(second, "data", second))) == pytest.approx(fd, rel=1e-5, abs=1e-6)


@pytest.mark.parametrize("name", sorted(SECOND_DERIVATIVES))
def test_second_derivative_by_backward_create_graph(name):
    f, d2, _ = SECOND_DERIVATIVES[name]
    x = Value(0.7)
    f(x).backward(create_graph=True)
    first = x.grad
    assert isinstance(first, Value) and first.requires_grad
    x.grad = None
    first.backward()
    assert float(x.grad) == pytest.approx(d2(0.7), rel=1e-12)


def test_second_derivative_on_arrays_elementwise():
    x = Value(np.array([-1.0, 0.3, 2.0]))
    x.tanh().sum().backward(create_graph=True)
    g = x.grad
    x.grad = None
    g.sum().backward()
    t = np.tanh(x.data)
    np.testing.assert_allclose(x.grad, -2 * t * (1 - t**2))


def test_third_derivative_and_mixed_partials():
    assert float(grad(grad(grad(lambda v: v**3)))(2.0)) == pytest.approx(6.0)
    assert float(grad(grad(grad(lambda v: v.exp())))(0.5)) == pytest.approx(math.exp(0.5))
    # d²(x² y)/dx dy = 2x
    mixed = grad(lambda a, b: grad(lambda s, t: s * s * t, argnums=0)(a, b), argnums=1)
    assert float(mixed(3.0, 5.0)) == pytest.approx(6.0)


def test_second_derivative_of_a_linear_function_is_zero():
    assert float(np.asarray(grad(grad(lambda v: 3.0 * v + 1.0))(2.0))) == 0.0
    inner = grad(lambda u: (u * 2.0).sum())
    hessian_row_sums = grad(lambda v: inner(v).sum())(np.ones(2))
    np.testing.assert_array_equal(np.asarray(getattr(hessian_row_sums, "data", hessian_row_sums)), np.zeros(2))


def _mlp_loss(x, y):
    def loss(w1, b1, w2):
        h = (x @ w1 + b1).tanh()
        err = h @ w2 - y
        return (err * err).mean()

    return loss


def test_hessian_vector_product_of_a_small_mlp():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    params = [rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=(4, 2))]
    directions = [rng.normal(size=p.shape) for p in params]
    loss = _mlp_loss(x, y)

    leaves = [Value(p) for p in params]
    first = gradients(loss(*leaves), leaves, create_graph=True)
    hvp = gradients(sum((g * v).sum() for g, v in zip(first, directions)), leaves)

    def gradient_at(ps):
        vs = [Value(p) for p in ps]
        return [np.asarray(g) for g in gradients(loss(*vs), vs)]

    eps = 1e-5
    plus = gradient_at([p + eps * v for p, v in zip(params, directions)])
    minus = gradient_at([p - eps * v for p, v in zip(params, directions)])
    for h, gp, gm, p in zip(hvp, plus, minus, params):
        assert np.shape(h) == p.shape
        np.testing.assert_allclose(h, (gp - gm) / (2 * eps), rtol=1e-6, atol=1e-8)
    # the first gradients are right too
    for g, n in zip(first, numerical_grad(loss, *params)):
        np.testing.assert_allclose(g.data, n, rtol=1e-6, atol=1e-9)


def test_hessian_vector_product_through_backward_create_graph():
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(4, 3)), rng.normal(size=(4, 2))
    params = [Value(rng.normal(size=(3, 4))), Value(rng.normal(size=4)), Value(rng.normal(size=(4, 2)))]
    v = [rng.normal(size=p.shape) for p in params]
    _mlp_loss(x, y)(*params).backward(create_graph=True)
    firsts = [p.grad for p in params]
    for p in params:
        p.grad = None
    sum((g * d).sum() for g, d in zip(firsts, v)).backward()
    expected = gradients(
        sum((g * d).sum() for g, d in zip(gradients(_mlp_loss(x, y)(*params), params, create_graph=True), v)),
        params,
    )
    for p, e in zip(params, expected):
        np.testing.assert_allclose(p.grad, e, rtol=1e-12)


@settings(max_examples=15)
@given(x=arrays(shapes(min_dims=1, max_dims=2)))
def test_create_graph_gradient_equals_plain_gradient(x):
    f = lambda v: ((v.tanh() * v).sum() + (v @ v.T if v.ndim == 2 else v @ v).sum())  # noqa: E731
    leaf = Value(x)
    (plain,) = gradients(f(leaf), [leaf])
    (built,) = gradients(f(leaf), [leaf], create_graph=True)
    assert isinstance(built, Value)
    np.testing.assert_allclose(built.data, plain, rtol=1e-12, atol=1e-14)


def test_numpy_float64_scalars_become_python_floats_other_scalars_keep_their_dtype():
    assert type(Value(np.float64(1.5)).data) is float
    row = np.array([1.0, 2.0])
    assert all(type(Value(v).data) is float for v in row)
    kept = Value(np.float32(1.5))
    assert kept.dtype == np.float32 and kept.shape == ()


def test_nested_grad_sees_a_variable_captured_from_the_outer_function():
    # d/dx [x · d/dy (x y²)] at y = 2 is d/dx [4x²] = 8x
    assert grad(lambda x: grad(lambda y: x * y * y)(2.0) * x)(3.0) == 24.0
    # d/dx [d/dy (x y²)] at y = 2 is d/dx [4x] = 4
    assert grad(lambda x: grad(lambda y: x * y * y)(2.0))(3.0) == 4.0
    value, slope = value_and_grad(lambda x: value_and_grad(lambda y: x * y * y)(2.0)[1] * x)(3.0)
    assert (value, slope) == (36.0, 24.0)
    # arrays: d/dx Σ x ⊙ (2 x ⊙ y) = 4 x ⊙ y
    x, y = np.array([3.0, 4.0]), np.array([1.0, 2.0])
    got = grad(lambda a: (grad(lambda b: (a * b * b).sum())(y) * a).sum())(x)
    np.testing.assert_allclose(got, 4 * x * y)
    # a failing inner function leaves no nesting behind: the next call returns plain data
    with pytest.raises(ZeroDivisionError):
        grad(lambda a: grad(lambda b: 1 / 0)(1.0))(1.0)
    assert type(grad(lambda a: a * a)(3.0)) is float


# ------------------------------------------------- the scalar shortcut of the backward pass
def _all_ops():
    from autograd_mlp.ops import arithmetic, elementwise

    return [op for module in (arithmetic, elementwise) for op in vars(module).values()
            if isinstance(op, ops.Op) and op.floats is not None]


_UNARY = ["neg", "exp", "log", "tanh", "sigmoid", "relu", "sqrt"]
_BINARY = ["+", "-", "*", "/", "r+", "r-", "r*", "r/"]


def _scalar_graph(seed_values, program):
    """A random graph of scalar operations over three leaves (some reused, some constants)."""
    leaves = [Value(v) for v in seed_values]
    nodes = list(leaves)
    for kind, i, j, const in program:
        x, y = nodes[i % len(nodes)], nodes[j % len(nodes)]
        with np.errstate(all="ignore"):
            if kind == "neg":
                z = -x
            elif kind in ("exp", "log", "tanh", "sigmoid", "relu", "sqrt"):
                z = getattr(x, kind)()
            elif kind == "+":
                z = x + y
            elif kind == "-":
                z = x - y
            elif kind == "*":
                z = x * y
            elif kind == "/":
                z = x / y
            elif kind == "r+":
                z = const + x
            elif kind == "r-":
                z = const - x
            elif kind == "r*":
                z = x * const
            else:
                z = const / x
        nodes.append(z)
    total = nodes[-1]
    for node in nodes[len(leaves):-1]:
        total = total + node  # every node reaches the root, most through several paths
    return leaves, nodes, total


def _bits(x):
    return float(x).hex() if type(x) is float else repr(x)


@settings(max_examples=150, deadline=None)
@given(
    seed_values=st.lists(st.sampled_from([0.0, -0.0, 1.0, -2.5, 0.3, 3.0, 1e-300, 700.0]) | st.floats(-5, 5),
                         min_size=3, max_size=3),
    program=st.lists(st.tuples(st.sampled_from(_UNARY + _BINARY), st.integers(0, 30), st.integers(0, 30),
                               st.sampled_from([0.0, 2, 0.5, -1.0])), min_size=1, max_size=12),
)
def test_scalar_shortcut_gives_the_general_rules_results_bit_for_bit(seed_values, program):
    # every reached node's gradient, with the shortcut and then with the rules alone
    with np.errstate(all="ignore"):
        leaves, nodes, total = _scalar_graph(seed_values, program)
        total.backward()
        fast = [(_bits(n.grad), type(n.grad)) for n in nodes]
        for n in nodes:
            n.grad = None
        saved = [(op, op.floats) for op in _all_ops()]
        try:
            for op, _ in saved:
                op.floats = None
            total.backward()
        finally:
            for op, rule in saved:
                op.floats = rule
        general = [(_bits(n.grad), type(n.grad)) for n in nodes]
    assert fast == general


def test_scalar_shortcut_is_taken_and_falls_back_on_division_by_zero():
    calls = []
    op = next(op for op in _all_ops() if op.name == "/")
    original = op.floats

    def spy(*args):
        calls.append(args)
        return original(*args)

    op.floats = spy
    try:
        x, y = Value(3.0), Value(0.0)
        with np.errstate(all="ignore"):
            (x / 2.0).backward()
            (x / y).backward()  # 1/0 in the shortcut: the rules redo it in numpy
    finally:
        op.floats = original
    assert len(calls) == 2
    assert x.grad == math.inf and y.grad == -math.inf  # 0.5 from x / 2, then 1/0 and -(1·inf)/0


def test_scalar_shortcut_is_not_taken_when_building_the_backward_graph():
    # A user's rule may return a plain float under create_graph; the rules
    # after it must still get Values, or the second derivative loses terms.
    @ops.primitive
    def double(x):
        return 2.0 * x

    double.defvjp(lambda g, z, x: 2.0)  # a constant gradient, a plain float
    x = Value(3.0)
    y = double(x * x)  # dy/dx = 2 · 2x = 12, d²y/dx² = 4
    (dx,) = gradients(y, [x], create_graph=True)
    assert dx.data == 12.0
    (ddx,) = gradients(dx, [x])
    assert ddx == 4.0
