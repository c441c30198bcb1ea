"""autograd_mlp: multi-layer perceptrons trained by backpropagation on a small autodiff engine."""

from .engine import Value, enable_grad, grad, gradients, is_grad_enabled, no_grad, value_and_grad
from . import ops
from .ops import concatenate, stack, where
from .gradcheck import GradcheckError, gradcheck, numerical_grad

__version__ = "0.1.0"
