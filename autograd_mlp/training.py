"""Former name of :mod:`autograd_mlp.models`, kept so that older imports keep working.

``from autograd_mlp.training import Model, History, load_model`` gives the
same objects as ``from autograd_mlp.models import ...``.
"""

from .models import INFERENCE_CHUNK, History, Model, load_model

__all__ = ["Model", "History", "load_model", "INFERENCE_CHUNK"]
