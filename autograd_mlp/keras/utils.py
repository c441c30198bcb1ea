"""``tensorflow.keras.utils``: ``plot_model`` and ``to_categorical``."""

import numpy as np

from ..data import one_hot

__all__ = ["plot_model", "to_categorical"]


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
