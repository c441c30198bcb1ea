"""The shape operations of ops.shaping (reshape, transpose, indexing, concatenate, ...): forwards and gradients.

The gradient checks project the output onto a fixed random array c (see
op_checks.py); the second-order checks differentiate Σ c ⊙ f(x)² twice.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_mlp import Value, gradients, ops
from autograd_mlp.ops import concatenate, stack

from op_checks import check_gradients, check_second_order
from strategies import (
    arrays,
    arrays_any_shape,
    broadcastable_shapes,
    shapes,
)


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


# ------------------------------------------------------- indexing errors
def test_indexing_out_of_range_names_the_shape_and_index():
    v = Value(np.zeros((2, 3)))
    with pytest.raises(IndexError, match=r"index \(0, 5\).*shape \(2, 3\)"):
        v[0, 5]
    with pytest.raises(IndexError, match=r"index 7 .*shape \(2, 3\)"):
        v[7]


def test_indexing_with_floats_is_a_type_error_naming_shape_and_index():
    v = Value(np.zeros((2, 3)))
    with pytest.raises(TypeError, match=r"shape \(2, 3\).*array\(\[0\. 1\.\], dtype=float64\)"):
        v[np.array([0.0, 1.0])]
    with pytest.raises(TypeError, match=r"shape \(2, 3\) with 1\.5"):
        v[1.5]
    np.testing.assert_array_equal(v[np.array([True, False])].shape, (1, 3))
