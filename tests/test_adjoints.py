"""The backward pass's walk and propagation (autograd_mlp.adjoints)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_mlp import Value
from autograd_mlp.adjoints import RELEASED, interior_order
from autograd_mlp.engine import topological_order


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10**6), st.booleans()), min_size=1, max_size=60))
def test_backward_walk_keeps_the_topological_order_of_the_interior_nodes(picks):
    # The order in which adjoints are summed follows this walk, so keeping
    # the order keeps every gradient's bits.
    nodes = [Value(1.0), Value(2.0), Value(3.0)]
    for i, add in picks:
        a, b = nodes[i % len(nodes)], nodes[(i // 7) % len(nodes)]
        nodes.append(a + b if add else a * b)
    root = nodes[-1]
    for node in nodes[3:-1]:
        root = root + node
    expected = [id(n) for n in topological_order(root) if not n.is_leaf]
    assert [id(n) for n in interior_order(root)] == expected  # ids: == on Values compares data


def test_the_walk_keeps_a_released_node_so_reaching_it_is_an_error():
    x = Value(2.0)
    y = x * 3.0
    z = y * 4.0
    y.backward(retain_graph=False)
    assert y._op is RELEASED
    assert id(y) in {id(n) for n in interior_order(z)}  # ids: == on Values compares data
    with pytest.raises(RuntimeError, match="part of this graph was released"):
        z.backward()
