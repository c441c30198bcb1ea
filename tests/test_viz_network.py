"""draw_network: the course's 2-2-2 network neuron by neuron, weights and gradients on the edges, width limit."""

from __future__ import annotations

import re
import subprocess

import numpy as np
import pytest

from autograd_mlp import Dense, Dropout, Sequential, Value, losses
from autograd_mlp.reference import gradients as reference_gradients
from autograd_mlp.reference import worked_example
from autograd_mlp.viz.network import ALL_NUMBERS_MAX, draw_network, labelled_edges
from autograd_mlp.viz.rendering import dot_available


def course_network():
    ex = worked_example()
    model = Sequential([Dense(2, input_dim=2, activation="sigmoid", name="hidden"),
                        Dense(2, activation="sigmoid", name="output")])
    model.set_weights([ex.weights[0], ex.biases[0], ex.weights[1], ex.biases[1]])
    return ex, model


def edge_label(source, tail, head):
    match = re.search(rf"^\s*{tail} -> {head} \[(.*)\]$", source, flags=re.M)
    assert match, f"no edge {tail} -> {head}"
    return match.group(1)


def node_label(source, node):
    match = re.search(rf"^\s*{node} \[label=(.*)\]$", source, flags=re.M)
    assert match, f"no node {node}"
    return match.group(1)


def test_one_node_per_neuron_and_one_edge_per_weight():
    _, model = course_network()
    source = draw_network(model).source
    for node in ("x0", "x1", "n1_0", "n1_1", "n2_0", "n2_1"):
        node_label(source, node)
    assert len(re.findall(r"^\s*\w+ -> \w+ \[(?!style=invis)", source, flags=re.M)) == 2 * 2 + 2 * 2
    # course names: inputs x, one hidden layer h, outputs o
    assert "<B>h0</B>" in node_label(source, "n1_0") and "<B>o1</B>" in node_label(source, "n2_1")
    # the activation of each layer titles its column
    assert 'label="hidden (sigmoid)"' in source and 'label="output (sigmoid)"' in source


def test_weights_on_edges_biases_in_neurons():
    _, model = course_network()
    source = draw_network(model).source
    # w(j→i) = weight[j, i]: x1→h1 is 1, x1→h0 is 0, h1→o0 is 1
    assert ">1.0000<" in edge_label(source, "x1", "n1_1")
    assert ">0.0000<" in edge_label(source, "x1", "n1_0")
    assert ">1.0000<" in edge_label(source, "n1_1", "n2_0")
    assert "b 1.0000" in node_label(source, "n2_0")
    # sign and size: a zero weight is a thin grey edge, the largest a thick one
    assert 'color="#999999"' in edge_label(source, "x1", "n1_0")
    assert "penwidth=3.00" in edge_label(source, "x1", "n1_1")


def test_negative_weights_are_red():
    model = Sequential([Dense(1, input_dim=2, name="d")])
    model.set_weights([np.array([[-0.5], [0.5]]), np.zeros(1)])
    source = draw_network(model).source
    assert 'color="#c0392b"' in edge_label(source, "x0", "n1_0")
    assert 'color="#1f5fa8"' in edge_label(source, "x1", "n1_0")
    assert "-0.5000" in edge_label(source, "x0", "n1_0")


def test_gradients_after_backward_match_the_course():
    ex, model = course_network()
    losses.mean_squared_error(ex.y, model(ex.x)).backward()
    source = draw_network(model, show_grads=True, x=ex.x).source
    ref = reference_gradients(ex.x, ex.y, ex.weights, ex.biases, ex.activations, ex.loss)
    # the course: dL/dw(h0→o0) = (0.90 - 0.7) · 0.90 (1 - 0.90) · 0.82 = 0.0146
    assert "∂ 0.0146" in edge_label(source, "n1_0", "n2_0")
    for layer, (dW, db) in enumerate(zip(ref.dW, ref.db), start=1):
        tails = ["x0", "x1"] if layer == 1 else ["n1_0", "n1_1"]
        for j, tail in enumerate(tails):
            for i in range(2):
                assert f"∂ {dW[j, i]:.4f}" in edge_label(source, tail, f"n{layer}_{i}")
        for i in range(2):
            assert f"∂b {db[i]:.4f}" in node_label(source, f"n{layer}_{i}")
    # activations for the case x = (1, 0): the course's 0.82, 0.90 and 0.86
    assert "a 0.8176" in node_label(source, "n1_0")
    assert "a 0.9026" in node_label(source, "n2_0") and "a 0.8603" in node_label(source, "n2_1")
    assert "no gradient yet" not in source


def test_gradients_asked_before_any_backward_pass_are_reported_missing():
    _, model = course_network()
    source = draw_network(model, show_grads=True).source
    assert "no gradient yet for hidden.weight, hidden.bias, output.weight, output.bias" in source
    assert "loss.backward()" in source
    assert "∂" not in edge_label(source, "x0", "n1_0")


def test_show_weights_must_be_a_bool_or_auto():
    _, model = course_network()
    with pytest.raises(ValueError, match="show_weights must be True.*'auto'"):
        draw_network(model, show_weights="all")


def test_numbers_only_on_layer_pairs_with_few_edges():
    weight = np.arange(12.0).reshape(3, 4)
    assert labelled_edges(weight).all()
    assert not labelled_edges(weight, show_weights=False).any()
    wide = np.ones((16, 16))
    assert not labelled_edges(wide).any() and labelled_edges(wide, show_weights=True).all()
    assert labelled_edges(np.ones((2, 16))).all()  # 32 edges: still legible
    assert not labelled_edges(np.ones((ALL_NUMBERS_MAX + 1, 1))).any()
    assert labelled_edges(np.ones((ALL_NUMBERS_MAX, 1))).all()


def test_a_wide_pair_is_drawn_with_colour_and_width_only_and_says_so():
    model = Sequential([Dense(16, input_dim=2, name="a"), Dense(16, name="b"), Dense(1, name="c")])
    source = draw_network(model).source
    assert "taillabel" not in edge_label(source, "n1_3", "n2_5")
    assert "headlabel" not in edge_label(source, "n1_3", "n2_5")
    assert "label" in edge_label(source, "x0", "n1_5") and "label" in edge_label(source, "n2_5", "n3_0")
    assert "a → b: too many edges for numbers" in source and "input → a" not in source
    forced = draw_network(model, show_weights=True).source
    assert "label" in edge_label(forced, "n1_3", "n2_5") and "too many edges" not in forced
    hidden = draw_network(model, show_weights=False).source
    assert "taillabel" not in hidden and "headlabel" not in hidden and "too many edges" not in hidden


def test_gradients_follow_the_number_rule_when_weights_are_hidden():
    model = Sequential([Dense(16, input_dim=2, name="a"), Dense(16, name="b")])
    losses.mean_squared_error(np.zeros((1, 16)), model(np.ones((1, 2)))).backward()
    source = draw_network(model, show_weights=False, show_grads=True).source
    assert "∂" in edge_label(source, "x0", "n1_0") and "∂" not in edge_label(source, "n1_0", "n2_0")


def column_order_in_source(source, ids):
    """The positions of ``ids``' declarations in the DOT source, and of their out-edges, in order."""
    lines = source.splitlines()
    declared = [next(k for k, line in enumerate(lines) if re.match(rf"\s*{node} \[label=", line)) for node in ids]
    return declared


def test_neurons_are_constrained_to_index_order():
    widths = (3, 12, 5, 2)
    model = Sequential([Dense(widths[1], input_dim=widths[0], name="a"), Dense(widths[2], name="b"),
                        Dense(widths[3], name="c")])
    source = draw_network(model).source
    # crossing minimisation off, edges kept in declaration order
    for attribute in ("ordering=out", "mclimit=0.01", "remincross=false"):
        assert attribute in source
    columns = [[f"x{j}" for j in range(widths[0])]] + [[f"n{k}_{i}" for i in range(w)]
                                                      for k, w in enumerate(widths[1:], start=1)]
    for column in columns:
        assert column_order_in_source(source, column) == sorted(column_order_in_source(source, column))
    # each node's out-edges are declared head 0, 1, 2 ... so ordering=out keeps the next column in order
    edges = re.findall(r"^\s*(\w+) -> (\w+) \[(?!style=invis)", source, flags=re.M)
    for tail_column, head_column in zip(columns, columns[1:]):
        for tail in tail_column:
            assert [h for t, h in edges if t == tail] == head_column


def plain_positions(graph):
    out = subprocess.run(["dot", "-Tplain"], input=graph.source, capture_output=True, text=True, check=True).stdout
    return {p[1]: (float(p[2]), float(p[3])) for p in (line.split() for line in out.splitlines()) if p[0] == "node"}


@pytest.mark.skipif(not dot_available(), reason="Graphviz's dot is not installed")
@pytest.mark.parametrize("widths", [(2, 2, 2), (2, 16, 1), (2, 16, 16, 1), (10, 20, 4), (8, 32, 32, 1),
                                    (3, 1, 4), (32, 1, 32), (4, 12, 8, 6, 3)])
def test_dot_draws_every_column_in_index_order_with_titles_underneath(widths):
    layers = [Dense(widths[1], input_dim=widths[0])] + [Dense(w) for w in widths[2:]]
    pos = plain_positions(draw_network(Sequential(layers)))
    columns = [[f"x{j}" for j in range(widths[0])]] + [[f"n{k}_{i}" for i in range(w)]
                                                      for k, w in enumerate(widths[1:], start=1)]
    lowest = min(pos[node][1] for column in columns for node in column)
    for k, column in enumerate(columns):
        ys = [pos[node][1] for node in column]
        assert ys == sorted(ys, reverse=True) and len(set(ys)) == len(ys), (k, ys)  # top to bottom
        assert len({pos[node][0] for node in column}) == 1
        title_x, title_y = pos[f"title{k}"]
        assert title_x == pos[column[0]][0] and title_y < lowest  # under every neuron, in its column


@pytest.mark.skipif(not dot_available(), reason="Graphviz's dot is not installed")
def test_inputs_on_top_read_left_to_right():
    pos = plain_positions(draw_network(Sequential([Dense(6, input_dim=3), Dense(4)]), rankdir="TB"))
    for column in (["x0", "x1", "x2"], [f"n1_{i}" for i in range(6)], [f"n2_{i}" for i in range(4)]):
        xs = [pos[node][0] for node in column]
        assert xs == sorted(xs) and len(set(xs)) == len(xs)


def test_options_remove_labels():
    ex, model = course_network()
    source = draw_network(model, show_weights=False, show_bias=False).source
    assert "taillabel" not in source and "b 1.0000" not in source
    source = draw_network(model, precision=2).source
    assert ">0.50<" in edge_label(source, "x0", "n1_0")


def test_several_hidden_layers_and_dropout_notes():
    model = Sequential([Dropout(0.1), Dense(3, input_dim=2, activation="relu", name="a"), Dropout(0.5),
                        Dense(2, activation="tanh", name="b"), Dense(1, activation="sigmoid", name="c")])
    source = draw_network(model).source
    assert "<B>h1.0</B>" in node_label(source, "n1_0") and "<B>h2.1</B>" in node_label(source, "n2_1")
    assert "<B>o0</B>" in node_label(source, "n3_0")
    assert 'label="a (relu)\nthen dropout 0.5"' in source
    assert 'label="input\nthen dropout 0.1"' in source


def test_a_single_dense_layer():
    source = draw_network(Dense(3, input_dim=2, name="single")).source
    assert 'label="single (linear)"' in source and "<B>o2</B>" in source


def test_too_wide_layer_is_refused_with_a_pointer_to_plot_model():
    wide = Sequential([Dense(33, input_dim=2, name="wide"), Dense(1)])
    with pytest.raises(ValueError, match=r"'wide' has 33.*max_width=32.*plot_model"):
        draw_network(wide)
    draw_network(Sequential([Dense(32, input_dim=2), Dense(1)]))  # 32 is fine
    with pytest.raises(ValueError, match=r"at most|from 1 to 32.*plot_model"):
        draw_network(wide, max_width=40)
    with pytest.raises(ValueError, match=r"'d' has 5.*max_width=4.*plot_model.*raise max_width"):
        draw_network(Sequential([Dense(5, input_dim=2, name="d")]), max_width=4)


def test_too_wide_input_is_refused():
    with pytest.raises(ValueError, match="the input has 40"):
        draw_network(Sequential([Dense(2, input_dim=40)]))


def test_unknown_input_width_is_refused():
    with pytest.raises(ValueError, match="input_dim"):
        draw_network(Sequential([Dense(2), Dense(1)]))


def test_other_models_and_layers_are_refused():
    with pytest.raises(TypeError, match="Sequential of Dense"):
        draw_network(Dropout(0.5))
    with pytest.raises(TypeError, match="plot_model"):
        draw_network(Sequential([Dense(2, input_dim=2), Sequential([Dense(1)])]))
    with pytest.raises(ValueError, match="at least one Dense"):
        draw_network(Sequential([Dropout(0.5)]))


def test_input_case_as_list_or_value():
    ex, model = course_network()
    expected = draw_network(model, x=ex.x).source
    assert draw_network(model, x=[1.0, 0.0]).source == expected
    assert draw_network(model, x=Value(ex.x)).source == expected


@pytest.mark.parametrize("x", [[1.0, 0.0, 3.0], np.ones((2, 2)), np.ones((1, 1, 2))])
def test_input_case_of_the_wrong_shape(x):
    _, model = course_network()
    with pytest.raises(ValueError, match="one case of 2 features"):
        draw_network(model, x=x)


def test_drawing_changes_nothing_in_the_model():
    ex, model = course_network()
    model.train()
    before = [w.copy() for w in model.get_weights()]
    draw_network(model, x=ex.x, show_grads=True)
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    assert all(p.grad is None for p in model.parameters())
    assert model.training
