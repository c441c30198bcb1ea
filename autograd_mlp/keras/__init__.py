"""Keras-named modules, so a course program changes only its import lines.

==========================================  ==============================================
TensorFlow / Keras                          autograd_mlp
==========================================  ==============================================
``from tensorflow.keras.models import ...`` ``from autograd_mlp.keras.models import ...``
``tensorflow.keras.layers``                 ``autograd_mlp.keras.layers``
``tensorflow.keras.optimizers``             ``autograd_mlp.keras.optimizers``
``tensorflow.keras.utils``                  ``autograd_mlp.keras.utils``
``tensorflow.keras.callbacks``              ``autograd_mlp.keras.callbacks``
``tensorflow.keras.losses``                 ``autograd_mlp.keras.losses``
``tensorflow.keras.metrics``                ``autograd_mlp.keras.metrics``
``tensorflow.keras.initializers``           ``autograd_mlp.keras.initializers``
``tensorflow.keras.regularizers``           ``autograd_mlp.keras.regularizers``
``keras.Input``                             ``autograd_mlp.keras.Input``
==========================================  ==============================================

Each module only re-exports the library's own objects under Keras' names.
"""

from . import callbacks, initializers, layers, losses, metrics, models, optimizers, regularizers, utils
from .layers import Input, InputLayer
from .models import Model, Sequential, load_model

__all__ = [
    "callbacks", "initializers", "layers", "losses", "metrics", "models", "optimizers", "regularizers",
    "utils", "Model", "Sequential", "load_model", "Input", "InputLayer",
]

