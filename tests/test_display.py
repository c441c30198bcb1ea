"""autograd_mlp._display: the slot through which viz draws Values and modules for Jupyter."""

import pytest

from autograd_mlp import Dense, Value, _display, viz


@pytest.fixture
def restore_renderers():
    saved = dict(_display._renderers)
    yield
    _display._renderers.clear()
    _display._renderers.update(saved)


def test_viz_registers_its_renderers_at_import():
    assert _display._renderers == {"value": viz.value_svg, "module": viz.module_svg}


def test_values_and_modules_ask_the_registered_renderer(restore_renderers):
    seen = []
    _display.register_svg_renderer("value", lambda obj: seen.append(obj) or "<svg>value</svg>")
    _display.register_svg_renderer("module", lambda obj: seen.append(obj) or "<svg>module</svg>")
    v, layer = Value(1.0), Dense(2, input_dim=2)
    assert v._repr_svg_() == "<svg>value</svg>"
    assert layer._repr_svg_() == "<svg>module</svg>"
    assert seen[0] is v and seen[1] is layer


def test_without_a_renderer_the_display_is_none(restore_renderers):
    _display._renderers.clear()
    assert Value(1.0)._repr_svg_() is None
    assert Dense(2, input_dim=2)._repr_svg_() is None


def test_register_refuses_unknown_kinds_and_non_callables():
    with pytest.raises(ValueError, match="kind"):
        _display.register_svg_renderer("tensor", viz.value_svg)
    with pytest.raises(TypeError, match="callable"):
        _display.register_svg_renderer("value", "draw")
