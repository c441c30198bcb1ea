"""draw_network: the course's 2-2-2 network neuron by neuron, weights and gradients on the edges, width limit."""

from __future__ import annotations

import re

import numpy as np
import pytest

from autograd_mlp import Dense, Dropout, Sequential, Value, losses
from autograd_mlp.reference import gradients as reference_gradients
from autograd_mlp.reference import worked_example
from autograd_mlp.viz.network import draw_network


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
    assert len(re.findall(r"^\s*\w+ -> \w+", source, flags=re.M)) == 2 * 2 + 2 * 2
    # course names: inputs x, one hidden layer h, outputs o
    assert "<B>h0</B>" in node_label(source, "n1_0") and "<B>o1</B>" in node_label(source, "n2_1")
    # the activation of each layer labels its box
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
    draw_network(Sequential([Dense(32, input_dim=2), Dense(1)]), show_weights=False)  # 32 is fine
    draw_network(wide, max_width=40, show_weights=False)


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
