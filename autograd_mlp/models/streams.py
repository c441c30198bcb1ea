"""Training from a stream: a generator or iterable of ``(x, y)`` or ``(x, y, sample_weight)`` batches.

A stream cannot be checked whole before training, as an array is: each batch
is checked just before it is used, and a bad one (wrong width, NaN, x and y of
different lengths, a stream exhausted before ``steps_per_epoch``) raises an
error naming the epoch and the batch; the weights stay as the previous batch
left them.  Memory holds one batch at a time, whatever the number of rows.
"""

from __future__ import annotations

import math

import numpy as np

from ..callbacks import CallbackList, History, ProgbarLogger

__all__ = ["is_stream", "fit_stream"]


def is_sequence(x):
    """True for a Keras-style Sequence / PyDataset: ``__len__`` and ``__getitem__`` giving batches."""
    return (not isinstance(x, (np.ndarray, list, tuple, str, bytes, dict))
            and hasattr(x, "__len__") and hasattr(x, "__getitem__"))


def is_stream(x):
    """True for a generator, an iterator or a Sequence (not an array, a list, or a tuple of rows)."""
    return is_sequence(x) or (
        not isinstance(x, (np.ndarray, list, tuple, str, bytes)) and hasattr(x, "__next__"))


def _epoch_items(stream, iterator, rng):
    """The batches of one epoch: a Sequence by index (shuffled when ``rng``), else the shared iterator."""
    if is_sequence(stream):
        order = rng.permutation(len(stream)) if rng is not None else range(len(stream))
        return (stream[int(i)] for i in order)
    return iterator


def _batch(model, item, epoch, batch):
    where = f"epoch {epoch + 1}, batch {batch + 1}"
    if not isinstance(item, tuple) or len(item) not in (2, 3):
        raise TypeError(f"stream batch at {where}: expected (x, y) or (x, y, sample_weight), got {type(item).__name__}")
    try:
        x, y, n_out = model._check_xy(item[0], item[1])
        w = model._check_weights(x, y, n_out, item[2] if len(item) == 3 else None, None)
    except (TypeError, ValueError) as err:
        raise type(err)(f"stream batch at {where}: {err}") from err
    return x, y, w, n_out


def fit_stream(model, stream, epochs, steps_per_epoch, initial_epoch, verbose, callbacks, rng=None):
    """Train ``model`` on ``stream`` (``steps_per_epoch`` batches per epoch, or until exhausted); the History."""
    if steps_per_epoch is None and is_sequence(stream):
        steps_per_epoch = len(stream)
    history = History()
    default = [ProgbarLogger(verbose)] if verbose else []
    callback_list = CallbackList(default + list(callbacks) + [history], model,
                                 {"epochs": epochs, "initial_epoch": initial_epoch,
                                  "steps": steps_per_epoch, "verbose": verbose})
    model.stop_training = False
    metric_fns = None
    callback_list.on_train_begin({})
    iterator = None if is_sequence(stream) else iter(stream)
    for epoch in range(initial_epoch, epochs):
        callback_list.on_epoch_begin(epoch, {})
        seen, loss_sum, metric_sums = 0, 0.0, []
        batch = 0
        items = _epoch_items(stream, iterator, rng)
        while steps_per_epoch is None or batch < steps_per_epoch:
            try:
                item = next(items)
            except StopIteration:
                if steps_per_epoch is not None:
                    raise ValueError(
                        f"the stream was exhausted at epoch {epoch + 1}, batch {batch + 1}, "
                        f"before steps_per_epoch={steps_per_epoch}") from None
                break
            x, y, w, n_out = _batch(model, item, epoch, batch)
            model._build_for(x)
            model._bind_optimizer()
            if metric_fns is None:
                metric_fns = model._resolved_metrics(n_out)
                metric_sums = [0.0] * len(metric_fns)
            callback_list.on_train_batch_begin(batch, {})
            value, metric_values = model._train_step(x, y, w, metric_fns)
            if not math.isfinite(value):
                raise FloatingPointError(f"the loss became {value} at epoch {epoch + 1}, batch {batch + 1}; "
                                         f"the weights are those from before this batch")
            count = x.shape[0]
            seen += count
            loss_sum += value * count
            for i, metric in enumerate(metric_values):
                metric_sums[i] += metric * count
            logs = {"loss": loss_sum / seen}
            logs.update((name, t / seen) for (name, _), t in zip(metric_fns, metric_sums))
            callback_list.on_train_batch_end(batch, logs)
            batch += 1
        if seen == 0:
            raise ValueError(f"the stream yielded no batch at epoch {epoch + 1}")
        if hasattr(stream, "on_epoch_end"):
            stream.on_epoch_end()
        callback_list.on_epoch_end(epoch, logs)
        if model.stop_training:
            break
    callback_list.on_train_end({})
    return history
