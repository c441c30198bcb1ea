"""``tensorflow.keras.layers``: ``Dense`` and ``Dropout``."""

from ..nn.layers import Dense, Dropout, Layer

__all__ = ["Dense", "Dropout", "Layer"]
