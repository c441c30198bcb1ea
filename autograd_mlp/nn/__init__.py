"""Modules and layers: ``Module``, ``Dense``, ``Dropout``, ``InputLayer``, ``Flatten``, ``Activation``, ``Sequential`` and the initializers.

``nn.Sequential`` is the plain stack of layers (as PyTorch's ``nn.Sequential``):
the Keras model that compiles and fits is :class:`autograd_mlp.Sequential`
(:mod:`autograd_mlp.models`), which builds on it from the layer above.
"""

from . import init
from .layer import Layer
from .layers import LAYER_CLASSES, Activation, Dense, Dropout, Flatten, Input, InputLayer, Sequential
from .module import Module
from .variables import Variable

__all__ = [
    "Module", "Layer", "Dense", "Dropout", "InputLayer", "Input", "Flatten", "Activation", "Sequential",
    "Variable", "LAYER_CLASSES", "init",
]
