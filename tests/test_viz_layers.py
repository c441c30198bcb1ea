"""plot_model: Keras-style boxes, shapes in Keras' notation, files by extension, nothing built or written by accident."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from autograd_mlp import Dense, Dropout, Sequential
from autograd_mlp.viz import rendering as render_module
from autograd_mlp.viz.layers import layer_shapes, plot_model

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def course_model():
    """The course's Keras example: Dense(20, input_dim=10, relu), Dense(4, sigmoid)."""
    return Sequential([Dense(20, input_dim=10, activation="relu", name="dense"),
                       Dense(4, activation="sigmoid", name="dense_1")])


def test_shapes_in_keras_notation():
    source = plot_model(course_model(), to_file=None, show_shapes=True).source
    assert source.count("(None, 10)") == 3  # input box in and out, first layer in
    assert source.count("(None, 20)") == 2 and source.count("(None, 4)") == 1
    assert "Input shape" in source and "Output shape" in source


def test_boxes_names_classes_activations_and_order():
    graph = plot_model(course_model(), to_file=None)
    source = graph.source
    assert "<B>input: InputLayer</B>" in source
    assert "<B>dense: Dense</B>" in source and "<B>dense_1: Dense</B>" in source
    assert "activation: relu" in source and "activation: sigmoid" in source
    assert "(None," not in source  # show_shapes is off by default, as in Keras
    assert "input -> layer0" in source and "layer0 -> layer1" in source
    assert "rankdir=TB" in source


def test_options_hide_names_and_activations():
    source = plot_model(course_model(), to_file=None, show_layer_names=False, show_activations=False,
                        rankdir="LR").source
    assert "<B>Dense</B>" in source and "dense:" not in source and "InputLayer" in source
    assert "activation" not in source and "rankdir=LR" in source


def test_dropout_and_unbuilt_layers():
    model = Sequential([Dense(8, activation="tanh", name="d0"), Dropout(0.25, name="drop"), Dense(1, name="d1")])
    source = plot_model(model, to_file=None, show_shapes=True).source
    assert "<B>drop: Dropout</B>" in source and "rate: 0.25" in source
    assert "(None, ?)" in source and "(None, 8)" in source
    assert not model.built  # drawing never builds a layer


def test_layer_shapes():
    shapes = [(layer.name, inp, out) for layer, inp, out in layer_shapes(course_model())]
    assert shapes == [("dense", "(None, 10)", "(None, 20)"), ("dense_1", "(None, 20)", "(None, 4)")]
    nested = Sequential([Dense(3, input_dim=2, name="a"), Sequential([Dense(5, name="b"), Dense(6, name="c")], name="inner")])
    assert [out for _, _, out in layer_shapes(nested)] == ["(None, 3)", "(None, 6)"]


def test_a_single_layer():
    source = plot_model(Dense(3, input_dim=2, name="solo"), to_file=None, show_shapes=True).source
    assert "<B>solo: Dense</B>" in source and "(None, 3)" in source


@pytest.mark.parametrize("ext, check", [
    ("png", lambda data: data.startswith(PNG_SIGNATURE)),
    ("svg", lambda data: ET.fromstring(data).tag.endswith("svg")),
    ("pdf", lambda data: data.startswith(b"%PDF")),
])
def test_writes_the_format_of_the_extension(tmp_path, ext, check):
    path = tmp_path / f"model.{ext}"
    graph = plot_model(course_model(), to_file=str(path), show_shapes=True)
    assert check(path.read_bytes())
    assert "(None, 20)" in graph.source
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"model.{ext}"]  # no temporary file left


def test_dpi_sets_the_png_resolution(tmp_path):
    small, large = tmp_path / "small.png", tmp_path / "large.png"
    plot_model(course_model(), to_file=str(small), dpi=48)
    plot_model(course_model(), to_file=str(large), dpi=144)
    width = lambda path: int.from_bytes(path.read_bytes()[16:20], "big")  # noqa: E731 - the IHDR width
    assert 2.5 < width(large) / width(small) < 3.5


def test_unknown_extension_is_refused_before_writing(tmp_path):
    with pytest.raises(ValueError, match=r"\.png, \.svg, \.pdf"):
        plot_model(course_model(), to_file=str(tmp_path / "model.jpeg"))
    assert list(tmp_path.iterdir()) == []


def test_to_file_none_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    plot_model(course_model(), to_file=None)
    assert list(tmp_path.iterdir()) == []


def test_default_file_name_is_keras_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    plot_model(course_model())
    assert (tmp_path / "model.png").read_bytes().startswith(PNG_SIGNATURE)


def test_a_failed_render_keeps_the_previous_file(tmp_path, monkeypatch):
    path = tmp_path / "model.png"
    path.write_bytes(b"previous")
    monkeypatch.setattr(render_module, "dot_available", lambda engine="dot": False)
    with pytest.raises(render_module.GraphvizNotFoundError):
        plot_model(course_model(), to_file=str(path))
    assert path.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["model.png"]


@pytest.mark.parametrize("kwargs", [{"rankdir": "BT"}, {"dpi": 0}, {"dpi": 9.5}])
def test_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        plot_model(course_model(), to_file=None, **kwargs)


def test_not_a_model():
    with pytest.raises(TypeError, match="Sequential model or a layer"):
        plot_model([Dense(2)], to_file=None)
