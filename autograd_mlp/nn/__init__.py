"""Modules and layers: ``Module``, ``Dense``, ``Dropout``, ``Sequential`` and the initializers.

``nn.Sequential`` is the plain stack of layers (as PyTorch's ``nn.Sequential``):
the Keras model that compiles and fits is :class:`autograd_mlp.Sequential`
(:mod:`autograd_mlp.models`), which builds on it from the layer above.
"""

from . import init
from .layers import Dense, Dropout, Layer, Sequential
from .module import Module

__all__ = ["Module", "Layer", "Dense", "Dropout", "Sequential", "init"]
