"""``tensorflow.keras.regularizers``: the regularizers of :mod:`autograd_mlp.regularizers`.

``l1(0.01)``, ``l2(0.01)``, ``l1_l2(l1=..., l2=...)``, the classes ``L1``,
``L2``, ``L1L2``, and ``get`` for their names (``kernel_regularizer="l2"``).
"""

from ..regularizers import L1, L1L2, L2, get, l1, l1_l2, l2

__all__ = ["L1", "L2", "L1L2", "l1", "l2", "l1_l2", "get"]
