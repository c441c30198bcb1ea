"""The loss of one batch as ``fit`` minimises it and ``evaluate`` reports it: weighted rows plus penalties.

For rows x_B with targets y_B, row weights w (all 1 without weights), the
layers' weight regularizers R_k (trainable layers only) and activity
regularizers A_j of their outputs a_j, as Keras 3 computes it::

    L_B = Σ_{i∈B} w_i l_i / |B|  +  Σ_k R_k(W_k)  +  Σ_j A_j(a_j) / |B|

The compiled loss is the library's (it reads the logits behind a sigmoid or
softmax output).  Without weights one forward pass gives the usual mean.
With weights the rows are grouped by weight and each group makes its own
forward pass, so that the loss of each group is still the compiled loss of
the network's own output: Σ_g w_g |g| L_g / |B| is the weighted sum above
(``sum_over_batch_size``).  Row weights of a few distinct values (class
weights, 0/1 masks) cost a few passes; all-distinct weights cost one pass a
row.
"""

from __future__ import annotations

import math

import numpy as np

from ..engine import Value

__all__ = ["batch_loss", "unweighted_loss", "weight_penalties", "activity_penalties"]


def weight_penalties(model):
    """The weight regularizers' penalties of every trainable layer (scalar Values)."""
    found = []
    for module in model.modules():
        penalties = getattr(module, "weight_penalties", None)
        if callable(penalties):
            found.extend(penalties())
    return found


def activity_penalties(model):
    """The activity regularizers' penalties of the last forward pass, each already divided by its batch size."""
    return [m._activity_loss for m in model.modules() if getattr(m, "_activity_loss", None) is not None]


def _total(terms):
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total


def unweighted_loss(model, loss_fn, x, y):
    """``(L_B, output)``: the loss of a batch without row weights and the network's output (a Value)."""
    out = model(x)
    terms = [loss_fn(y, out)] + activity_penalties(model) + weight_penalties(model)
    return _total(terms), out


def batch_loss(model, loss_fn, x, y, weights=None):
    """``(L_B, predictions)``: the loss of the batch (a scalar Value, see the module docstring) and the outputs as an array."""
    n = x.shape[0]
    if weights is None:
        loss, out = unweighted_loss(model, loss_fn, x, y)
        return loss, (out.data if isinstance(out, Value) else np.asarray(out))
    values, groups = np.unique(weights, return_inverse=True)
    terms = []
    predictions = None
    for g, weight in enumerate(values):
        rows = np.flatnonzero(groups == g)
        out = model(x[rows])
        share = rows.size / n
        terms.append(loss_fn(y[rows], out) * (float(weight) * share))
        terms.extend(p * share for p in activity_penalties(model))
        data = out.data if isinstance(out, Value) else np.asarray(out)
        if predictions is None:
            predictions = np.empty((n, *data.shape[1:]), dtype=data.dtype)
        predictions[rows] = data
    terms.extend(weight_penalties(model))
    return _total(terms), predictions


def metric_value(fn, y_true, y_pred):
    """A metric as a float; NaN when the predictions are not finite (the metric functions refuse NaN)."""
    if not np.all(np.isfinite(y_pred)):
        return math.nan
    return float(fn(y_true, y_pred))


def data_of(out):
    """The array of an output (a Value's data, or the array itself)."""
    return out.data if isinstance(out, Value) else out
