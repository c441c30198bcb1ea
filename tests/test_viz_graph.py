"""draw_graph: nodes, labels, values and gradients, op nodes, edge directions, stable ids, size limit."""

from __future__ import annotations

import re
import subprocess

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_mlp import Dense, Sequential, Value, losses, set_seed
from autograd_mlp.viz.rendering import dot_available
from autograd_mlp.engine import topological_order
from autograd_mlp.viz.graph import NODE_STYLES, count_values, draw_graph, forward_order

NODE = re.compile(r"^\s*(\w+) \[label=(.*)\]$")
EDGE = re.compile(r"^\s*(\w+) -> (\w+)")


def course_neuron():
    """The course's neuron a = sigmoid(x0 w0 + x1 w1 + b) at x = (1, 0), w = (0.5, 0), b = 1, after backward."""
    x0 = Value(1.0, requires_grad=False, name="x0")
    x1 = Value(0.0, requires_grad=False, name="x1")
    w0, w1, b = Value(0.5, name="w0"), Value(0.0, name="w1"), Value(1.0, name="b")
    z = x0 * w0 + x1 * w1 + b
    z.name = "z"
    a = z.sigmoid()
    a.name = "a"
    a.backward()
    return a


def parse(graph):
    """{node id: label text} and [(tail, head)] from the DOT source."""
    nodes, edges = {}, []
    for line in graph.source.splitlines():
        edge = EDGE.match(line)
        if edge:
            edges.append(edge.groups())
            continue
        node = NODE.match(line)
        if node:
            nodes[node.group(1)] = node.group(2)
    return nodes, edges


def node_named(nodes, name):
    matches = [nid for nid, label in nodes.items() if f"<B>{name}</B>" in label]
    assert len(matches) == 1, (name, matches)
    return matches[0]


def test_course_neuron_values_and_gradients():
    nodes, _ = parse(draw_graph(course_neuron()))
    a = nodes[node_named(nodes, "a")]
    assert "data 0.8176" in a and "grad 1.0000" in a
    # da/dw0 = σ'(1.5) x0 = 0.8176 (1 - 0.8176) = 0.1491; da/dw1 = σ'(1.5) x1 = 0; da/db = σ'(1.5)
    assert "data 0.5000" in nodes[node_named(nodes, "w0")] and "grad 0.1491" in nodes[node_named(nodes, "w0")]
    assert "grad 0.0000" in nodes[node_named(nodes, "w1")]
    assert "grad 0.1491" in nodes[node_named(nodes, "b")]
    assert "data 1.5000" in nodes[node_named(nodes, "z")]
    # Constants never receive a gradient, and the drawing says so.
    assert "grad None" in nodes[node_named(nodes, "x0")]


def test_one_op_node_per_operation_with_its_name():
    nodes, _ = parse(draw_graph(course_neuron()))
    ops = sorted(label.split()[0] for nid, label in nodes.items() if nid.startswith("op"))
    assert ops == ['"*"', '"*"', '"+"', '"+"', "sigmoid"]


def test_edges_follow_the_forward_pass():
    nodes, edges = parse(draw_graph(course_neuron()))
    ids = {name: node_named(nodes, name) for name in ("x0", "w0", "x1", "w1", "b", "z", "a")}
    into = {}
    for tail, head in edges:
        into.setdefault(head, []).append(tail)
    # a <- op(sigmoid) <- z
    (op_a,) = into[ids["a"]]
    assert nodes[op_a].startswith("sigmoid") and into[op_a] == [ids["z"]]
    # z <- op(+) <- (x0 w0 + x1 w1, b), in argument order
    (op_z,) = into[ids["z"]]
    assert into[op_z][1] == ids["b"]
    # x0 and w0 feed the same multiplication, as first and second argument
    op_mul = next(head for tail, head in edges if tail == ids["x0"])
    assert into[op_mul] == [ids["x0"], ids["w0"]]
    # every value node has at most one incoming edge (from its op), every op exactly one outgoing
    for head, tails in into.items():
        if head.startswith("v"):
            assert len(tails) == 1 and tails[0] == "op" + head[1:]
    assert all(sum(1 for t, _ in edges if t == op) == 1 for op in nodes if op.startswith("op"))


def test_node_ids_are_stable_and_follow_argument_order():
    first, second = draw_graph(course_neuron()).source, draw_graph(course_neuron()).source
    assert first == second  # two separately built graphs: ids do not depend on id()
    nodes, _ = parse(draw_graph(course_neuron()))
    assert node_named(nodes, "x0") == "v0" and node_named(nodes, "w0") == "v1"
    assert node_named(nodes, "a") == "v9"


def test_styles_tell_parameters_constants_intermediates_and_output_apart():
    nodes, _ = parse(draw_graph(course_neuron()))
    fill = lambda name: re.search(r'BGCOLOR="([^"]+)"', nodes[node_named(nodes, name)]).group(1)  # noqa: E731
    assert fill("w0") == NODE_STYLES["parameter"]["fill"]
    assert fill("x0") == NODE_STYLES["constant"]["fill"]
    assert fill("z") == NODE_STYLES["intermediate"]["fill"]
    assert fill("a") == NODE_STYLES["output"]["fill"]
    assert 'STYLE="dashed"' in nodes[node_named(nodes, "x0")]
    assert len({fill(n) for n in ("w0", "x0", "z", "a")}) == 4


def test_legend_only_when_asked():
    assert "legend" not in draw_graph(course_neuron()).source
    source = draw_graph(course_neuron(), legend=True).source
    for kind in ("parameter", "constant", "intermediate", "output", "operation"):
        assert f">{kind}</TD>" in source


def test_show_grad_false_and_precision():
    source = draw_graph(course_neuron(), show_grad=False, precision=2).source
    assert "grad" not in source
    assert "data 0.82" in source and "data 0.8176" not in source


def test_tiny_gradients_are_not_shown_as_zero():
    x = Value(1.0, name="x")
    y = x * 3e-9
    y.backward()
    assert "grad 3.0000e-09" in draw_graph(y).source


def test_arrays_show_shape_dtype_and_values_or_a_summary():
    w = Value(np.array([[0.5, -0.25], [1.0, 2.0]]), name="W")
    x = Value(np.arange(12.0).reshape(6, 2), requires_grad=False, name="X")
    loss = (x @ w).sum()
    loss.backward()
    nodes, _ = parse(draw_graph(loss))
    label_w = nodes[node_named(nodes, "W")]
    assert "(2, 2) float64" in label_w
    # a small matrix row by row
    assert "data [[0.5000, -0.2500],<BR/>[1.0000, 2.0000]]" in label_w
    assert "grad [[30.0000, 30.0000],<BR/>[36.0000, 36.0000]]" in label_w
    label_x = nodes[node_named(nodes, "X")]
    assert "(6, 2) float64" in label_x and "min 0.0000  mean 5.5000  max 11.0000" in label_x
    assert any(label.startswith('"@"') for label in nodes.values())
    assert any(label.startswith("sum") for label in nodes.values())


def test_an_array_label_is_a_few_short_lines():
    w = Value(np.linspace(-1.0, 1.0, 32).reshape(2, 16), name="W")
    loss = (Value(np.ones((8, 2)), requires_grad=False) @ w).tanh().sum()
    loss.backward()
    label = parse(draw_graph(loss))[0][node_named(parse(draw_graph(loss))[0], "W")]
    rows = re.findall(r"<TR>(.*?)</TR>", label)
    assert len(rows) == 3 and label.count("<HR/>") == 2  # one row each, ruled apart
    assert rows[0].startswith("<TD><B>W</B> (2, 16) float64")
    assert rows[1].startswith("<TD>data min -1.0000") and rows[2].startswith("<TD>grad min")
    for row in rows:
        assert len(re.sub(r"<[^>]*>", "", row)) <= 50


def test_scalar_labels_keep_their_fields_side_by_side():
    nodes, _ = parse(draw_graph(course_neuron()))
    label = nodes[node_named(nodes, "w0")]
    assert label.count("<TR>") == 1 and label.count("<VR/>") == 2


def test_auto_direction_left_to_right_for_scalars_top_to_bottom_for_arrays():
    assert "rankdir=LR" in draw_graph(course_neuron()).source
    x = Value(np.ones((3, 2)), name="x")
    assert "rankdir=TB" in draw_graph((x * 2.0).sum()).source
    assert "rankdir=LR" in draw_graph((x * 2.0).sum(), rankdir="LR").source


def training_step(widths):
    set_seed(0)
    layers = [Dense(widths[1], input_dim=widths[0], activation="tanh")]
    layers += [Dense(w, activation="tanh") for w in widths[2:-1]] + [Dense(widths[-1], activation="sigmoid")]
    model = Sequential(layers)
    rng = np.random.default_rng(0)
    loss = losses.mean_squared_error(rng.uniform(size=(8, widths[-1])), model(rng.normal(size=(8, widths[0]))))
    loss.backward()
    return loss


def step_in_operations(widths):
    """The same step written with the engine's operations (@, +, tanh ...): twice as many nodes deep."""
    rng = np.random.default_rng(0)
    a = Value(rng.normal(size=(8, widths[0])), requires_grad=False, name="x")
    for k, (n_in, n_out) in enumerate(zip(widths, widths[1:])):
        a = a @ Value(rng.normal(size=(n_in, n_out)), name=f"W{k}") + Value(np.zeros(n_out), name=f"b{k}")
        a = a.tanh() if k < len(widths) - 2 else a.sigmoid()
    loss = ((a - Value(rng.uniform(size=(8, widths[-1])), requires_grad=False)) ** 2).mean()
    loss.backward()
    return loss


@pytest.mark.skipif(not dot_available(), reason="Graphviz's dot is not installed")
@pytest.mark.parametrize("widths", [(2, 16, 1), (2, 16, 16, 1), (4, 8, 8, 8, 2)])
@pytest.mark.parametrize("build", [training_step, step_in_operations])
def test_a_training_step_fits_a_page(widths, build):
    out = subprocess.run(["dot", "-Tplain"], input=draw_graph(build(widths)).source,
                         capture_output=True, text=True, check=True).stdout
    _, _, width, height = out.splitlines()[0].split()
    ratio = float(width) / float(height)
    # a page, portrait or landscape, is 1 : 1.41; allow a little either way
    assert 1 / 1.8 <= ratio <= 1.8, (width, height)


def test_float32_and_second_order_gradients():
    x = Value(np.array([1.0, 2.0], dtype=np.float32), name="x")
    y = (x * x).sum()
    y.backward(create_graph=True)  # .grad holds Values
    label = parse(draw_graph(y))[0]["v0"]
    assert "float32" in label and "grad [2.0000, 4.0000]" in label


def test_released_graph_shows_its_released_node():
    x = Value(2.0, name="x")
    y = (x * x).tanh()
    y.backward(retain_graph=False)
    assert "released" in draw_graph(y).source


def negation_chain(length):
    y = Value(1.0)
    for _ in range(length):
        y = -y
    return y


def test_huge_graph_is_refused_with_its_size():
    chain = negation_chain(100_000)
    with pytest.raises(ValueError, match=r"100,001 Value nodes.*max_nodes=500.*smaller piece"):
        draw_graph(chain)


def test_count_values_stops_early():
    chain = negation_chain(1_000)
    assert count_values(chain) == 1_001
    assert count_values(chain, limit=10) == 11


def test_raising_max_nodes_draws_a_larger_graph():
    chain = negation_chain(600)
    with pytest.raises(ValueError):
        draw_graph(chain)
    source = draw_graph(chain, max_nodes=601).source
    assert "v600" in source and "v601" not in source


@pytest.mark.parametrize("kwargs, error", [
    ({"rankdir": "XY"}, ValueError),
    ({"max_nodes": 0}, ValueError),
    ({"max_nodes": True}, ValueError),
    ({"precision": -1}, ValueError),
    ({"precision": 2.5}, TypeError),
])
def test_bad_arguments(kwargs, error):
    with pytest.raises(error):
        draw_graph(Value(1.0), **kwargs)


def test_not_a_value():
    with pytest.raises(TypeError, match="expects a Value"):
        draw_graph(np.ones(3))


def test_rankdir_is_passed_on():
    assert "rankdir=TB" in draw_graph(course_neuron(), rankdir="TB").source


@st.composite
def random_graphs(draw):
    """A random DAG of scalar Values built with + and * on earlier nodes (shared inputs included)."""
    nodes = [Value(float(i + 1)) for i in range(draw(st.integers(1, 4)))]
    for _ in range(draw(st.integers(0, 12))):
        a = nodes[draw(st.integers(0, len(nodes) - 1))]
        b = nodes[draw(st.integers(0, len(nodes) - 1))]
        nodes.append(a * b if draw(st.booleans()) else a + b)
    return nodes[-1]


@settings(max_examples=40, deadline=None)
@given(random_graphs())
def test_forward_order_is_a_topological_order(root):
    order = forward_order(root)
    position = {id(v): i for i, v in enumerate(order)}
    assert len(position) == len(order)  # each node once
    assert {id(v) for v in order} == {id(v) for v in topological_order(root)}
    assert order[-1] is root
    for v in order:
        assert all(position[id(p)] < position[id(v)] for p in v.parents)
