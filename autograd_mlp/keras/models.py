"""``tensorflow.keras.models``: ``Sequential``, ``Model``, ``load_model``, ``save_model``."""

from ..models import Model, Sequential, load_model, save_model

__all__ = ["Sequential", "Model", "load_model", "save_model"]
