"""The viz package: exports, and Jupyter's rich display of Values and models as SVG."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np

import autograd_mlp
from autograd_mlp import Dense, Dropout, Module, Sequential, Value, viz
from autograd_mlp.viz import rendering


def is_svg(text):
    return isinstance(text, str) and ET.fromstring(text.encode()).tag.endswith("svg")


def test_top_level_exports():
    assert autograd_mlp.plot_model is viz.plot_model
    assert autograd_mlp.draw_graph is viz.draw_graph and autograd_mlp.draw_network is viz.draw_network
    assert "plot_model" in autograd_mlp.__all__


def test_value_displays_as_its_graph():
    x = Value(0.5, name="x")
    y = x.tanh()
    y.backward()
    svg = y._repr_svg_()
    assert is_svg(svg)
    assert "tanh" in svg and "0.4621" in svg  # tanh(0.5)


def test_value_display_falls_back_to_text_for_huge_graphs():
    y = Value(1.0)
    for _ in range(viz.DISPLAY_MAX_NODES):
        y = -y
    assert y._repr_svg_() is None


def test_display_without_graphviz_is_none(monkeypatch):
    monkeypatch.setattr(rendering, "dot_available", lambda engine="dot": False)
    assert Value(1.0)._repr_svg_() is None
    assert Sequential([Dense(2, input_dim=2)])._repr_svg_() is None


def test_small_model_displays_neuron_by_neuron():
    model = Sequential([Dense(3, input_dim=2, activation="relu", name="hid"), Dense(1, name="out")])
    svg = model._repr_svg_()
    assert is_svg(svg)
    assert "hid (relu)" in svg and "x1" in svg and "InputLayer" not in svg


def test_wide_or_unbuilt_model_displays_as_layer_boxes():
    wide = Sequential([Dense(64, input_dim=2, activation="relu", name="wide"), Dense(1)])
    svg = wide._repr_svg_()
    assert is_svg(svg) and "InputLayer" in svg and "(None, 64)" in svg
    unbuilt = Sequential([Dense(4), Dropout(0.5)])
    assert "InputLayer" in unbuilt._repr_svg_()
    assert not unbuilt.built


def test_module_that_cannot_be_drawn_displays_as_text():
    class Custom(Module):
        def __init__(self):
            super().__init__()
            self.w = Value(np.ones(2))

        def forward(self, x):
            return x * self.w

    assert Custom()._repr_svg_() is None
