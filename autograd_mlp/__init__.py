"""autograd_mlp: multi-layer perceptrons trained by backpropagation on a small autodiff engine.

The engine (:class:`Value`, ``backward()``) is in :mod:`autograd_mlp.engine` and
:mod:`autograd_mlp.ops`; layers in :mod:`autograd_mlp.nn`; losses, activations
and optimizers in their own modules; the Keras models (``Sequential`` with
``compile`` / ``fit``, ``load_model``) in :mod:`autograd_mlp.models`.  Imports
point one way, from these faces down to the engine (``pyproject.toml`` lists the layers).
"""

from .engine import Value, enable_grad, grad, gradients, is_grad_enabled, no_grad, value_and_grad
from . import ops
from .ops import concatenate, primitive, stack, where
from .gradcheck import GradcheckError, gradcheck, numerical_grad
from . import activations, losses, optim
from . import nn
from .nn import Dense, Dropout, Module
from .nn.init import set_seed
from .optim import SGD, Adam, RMSprop, ExponentialDecay, StepDecay
from .jit import jit
from . import callbacks, data, metrics, models, training
from .models import History, Model, Sequential, load_model, save_model
from . import viz
from .viz import draw_graph, draw_network, plot_model
from . import explain

from ._version import __version__

__all__ = [
    "Value", "no_grad", "enable_grad", "is_grad_enabled", "grad", "value_and_grad", "gradients",
    "concatenate", "stack", "where", "primitive", "gradcheck", "numerical_grad", "GradcheckError",
    "activations", "losses", "optim", "nn", "Module", "Dense", "Dropout", "Sequential", "set_seed",
    "SGD", "Adam", "RMSprop", "ExponentialDecay", "StepDecay", "jit",
    "callbacks", "data", "metrics", "models", "training", "Model", "History", "load_model", "save_model",
    "viz", "draw_graph", "draw_network", "plot_model",
    "explain",
]
