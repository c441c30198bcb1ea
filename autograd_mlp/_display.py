"""How a notebook draws a Value or a model, without the engine or the layers importing the drawings.

``Value._repr_svg_`` and ``Module._repr_svg_`` ask this module for a picture;
:mod:`autograd_mlp.viz` registers the functions that draw them when it is
imported (``import autograd_mlp`` imports it).  The dependency points up the
way the layers do: the drawings know the engine, the engine knows only this slot.
"""

from __future__ import annotations

__all__ = ["register_svg_renderer", "svg"]

_renderers = {}


def register_svg_renderer(kind, renderer):
    """Draw objects of ``kind`` (``"value"`` or ``"module"``) with ``renderer(obj) -> str | None``."""
    if kind not in ("value", "module"):
        raise ValueError(f"kind must be 'value' or 'module', got {kind!r}")
    if not callable(renderer):
        raise TypeError(f"renderer must be callable, got {type(renderer).__name__}")
    _renderers[kind] = renderer


def svg(kind, obj):
    """The SVG text of ``obj`` from the renderer registered for ``kind``, or None (Jupyter then shows the text)."""
    renderer = _renderers.get(kind)
    return None if renderer is None else renderer(obj)
