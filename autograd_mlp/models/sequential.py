"""The Keras ``Sequential`` model: a stack of layers that compiles, fits, evaluates, predicts and saves."""

from __future__ import annotations

from ..nn import layers
from .model import Model

__all__ = ["Sequential"]


class Sequential(layers.Sequential, Model):
    """A stack of layers applied in order, with the Keras workflow.

    ``Sequential([Dense(...), ...])`` or ``add()`` one layer at a time; then
    ``compile``, ``fit``, ``evaluate``, ``predict``, ``summary``, ``save``
    (from :class:`~autograd_mlp.models.model.Model`).  The stacking itself
    (``add``, ``layers``, ``get_weights`` ...) is
    :class:`autograd_mlp.nn.layers.Sequential`'s.
    """
