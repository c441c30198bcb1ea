"""The Keras models: ``Sequential`` and the ``Model`` workflow, and saving and loading them.

* :class:`Sequential` — layers in a stack, with ``compile``, ``fit``, ``evaluate``,
  ``predict``, ``summary`` and ``save``;
* :class:`Model` — that workflow as a mixin, for any module with the module API;
* :func:`save_model`, :func:`load_model`, :func:`save_weights`, :func:`load_weights`
  — a model in one safe file (the file format is :mod:`autograd_mlp.io`'s).

This layer sits above the layers (:mod:`autograd_mlp.nn`) and the parts of
training it puts together (optimizers, losses, metrics, callbacks, the file
format); nothing below imports it.  Inside it, each module imports only the
ones before it: ``arguments`` and ``weighting`` (what the workflow is given,
row weights), ``saving``, ``summary``, ``checks`` (the data against the
model) and ``steps`` (the loss of a batch, with penalties), ``model``,
``sequential``, ``loading``.
"""

from ..callbacks import History
from .loading import load_model
from .model import INFERENCE_CHUNK, Model
from .saving import LAYER_CLASSES, load_weights, save_model, save_weights
from .sequential import Sequential

__all__ = [
    "Model", "Sequential", "History", "load_model", "save_model", "save_weights", "load_weights",
    "LAYER_CLASSES", "INFERENCE_CHUNK",
]
