"""``tensorflow.keras.utils``: ``plot_model``, ``to_categorical``, ``normalize`` and ``set_random_seed``."""

import numbers
import random

import numpy as np

from .._checks import numeric_array
from ..data import PyDataset, Sequence, one_hot
from ..nn.init import set_seed

__all__ = ["PyDataset", "Sequence", "plot_model", "to_categorical", "normalize", "set_random_seed"]


def plot_model(*args, **kwargs):
    """Draw the network to an image file: see :func:`autograd_mlp.viz.plot_model`.

    ``plot_model(my_network, to_file="model_plot.png", show_shapes=True)``.
    The drawing module is imported on the first call, so importing this
    module does not need graphviz.
    """
    from .. import viz

    return viz.plot_model(*args, **kwargs)


def to_categorical(y, num_classes=None, dtype="float64"):
    """Class indices (n,) as one-hot rows (n, num_classes): Y[i, y[i]] = 1 (see :func:`autograd_mlp.data.one_hot`)."""
    return one_hot(y, num_classes=num_classes).astype(np.dtype(dtype), copy=False)


def normalize(x, axis=-1, order=2):
    """``x`` divided by its ``order``-norm along ``axis`` (Keras' ``normalize``); zero norms are left as 1.

    ``normalize(x)`` scales each row to unit Euclidean length: x_i / ‖x_i‖₂.
    (This is not standardization; for zero mean and unit variance per feature
    see :class:`autograd_mlp.data.Standardizer`.)
    """
    arr = numeric_array("normalize's x", x)
    if arr.ndim == 0:
        raise ValueError("normalize expects an array with at least one axis, got a single number")
    arr = arr.astype(np.float64) if arr.dtype.kind != "f" else arr
    norm = np.atleast_1d(np.linalg.norm(arr, order, axis))
    norm[norm == 0] = 1
    return arr / np.expand_dims(norm, axis if axis is not None else -1)


def set_random_seed(seed):
    """Seed every generator a Keras program draws from: Python's ``random``, NumPy's global one, and the library's.

    The library's generator gives the initial weights, Dropout's masks and
    fit's shuffling (:func:`autograd_mlp.set_seed`).
    """
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"set_random_seed expects an integer >= 0, got {seed!r}")
    random.seed(int(seed))
    np.random.seed(int(seed) % 2**32)
    set_seed(int(seed))
