"""``tensorflow.keras.models``: ``Sequential``, ``Model``, ``load_model``, ``save_model``."""

from ..nn.layers import Sequential
from ..training import Model, load_model

__all__ = ["Sequential", "Model", "load_model", "save_model"]


def save_model(model, filepath, include_optimizer=True):
    """Write ``model`` to one file (the same as ``model.save(filepath)``)."""
    from ..io import save_model as _save_model  # late, like load_model: io sits above the layers

    _save_model(model, filepath, include_optimizer=include_optimizer)
