"""``tensorflow.keras.layers``: ``Dense``, ``Dropout``, ``Input`` / ``InputLayer``, ``Flatten``, ``Activation``."""

from ..nn.layers import Activation, Dense, Dropout, Flatten, Input, InputLayer, Layer

__all__ = ["Dense", "Dropout", "Input", "InputLayer", "Flatten", "Activation", "Layer"]
