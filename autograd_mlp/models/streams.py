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
from ..engine import Value, enable_grad, no_grad
from .steps import batch_loss, metric_value

__all__ = ["MemmapBatches", "is_sequence", "is_stream", "fit_stream", "evaluate_stream", "predict_stream"]


def is_sequence(x):
    """True for a Keras-style Sequence / PyDataset: ``__len__`` and ``__getitem__`` giving batches."""
    return (not isinstance(x, (np.ndarray, list, tuple, str, bytes, dict))
            and hasattr(x, "__len__") and hasattr(x, "__getitem__"))


def is_stream(x):
    """True for a generator, an iterator or a Sequence (not an array, a list, or a tuple of rows)."""
    return is_sequence(x) or (
        not isinstance(x, (np.ndarray, list, tuple, str, bytes)) and hasattr(x, "__next__"))


class MemmapBatches:
    """A memory-mapped array (``np.memmap``, ``np.load(mmap_mode="r")``) read as a Sequence of batches.

    Each batch is read, cast and checked on its own, so memory holds one batch;
    with ``shuffle`` the batches (not the rows) come in a new order each epoch.
    """

    def __init__(self, x, y, sample_weight, batch_size):
        self.x, self.y, self.w, self.size = x, y, sample_weight, batch_size

    def __len__(self):
        return math.ceil(len(self.x) / self.size)

    def __getitem__(self, i):
        rows = slice(i * self.size, (i + 1) * self.size)
        part = (np.asarray(self.x[rows]), np.asarray(self.y[rows]))
        return part if self.w is None else part + (np.asarray(self.w[rows]),)


def _epoch_items(stream, iterator, rng):
    """The batches of one epoch: a Sequence by index (shuffled when ``rng``), else the shared iterator."""
    if is_sequence(stream):
        order = rng.permutation(len(stream)) if rng is not None else range(len(stream))
        return (stream[int(i)] for i in order)
    return iterator


def _batch(model, item, epoch, batch):
    where = f"epoch {epoch + 1}, batch {batch + 1}" if epoch >= 0 else f"batch {batch + 1}"
    if not isinstance(item, tuple) or len(item) not in (2, 3):
        raise TypeError(f"stream batch at {where}: expected (x, y) or (x, y, sample_weight), got {type(item).__name__}")
    try:
        x, y, n_out = model._check_xy(item[0], item[1])
        w = model._check_weights(x, y, n_out, item[2] if len(item) == 3 else None, None)
    except (TypeError, ValueError) as err:
        raise type(err)(f"stream batch at {where}: {err}") from err
    return x, y, w, n_out


def _items(stream, steps, what):
    """Up to ``steps`` batches of ``stream`` (all when None), with their index."""
    items = _epoch_items(stream, None if is_sequence(stream) else iter(stream), None)
    for batch in range(len(stream) if steps is None and is_sequence(stream) else (steps or 10**18)):
        try:
            yield batch, next(items)
        except StopIteration:
            if steps is not None:
                raise ValueError(f"{what}: the stream was exhausted at batch {batch + 1}, before steps={steps}") from None
            return


def evaluate_stream(model, stream, steps=None, what="evaluate"):
    """Mean loss and metrics over a stream's batches, weighted by rows (as ``evaluate`` on arrays)."""
    seen, loss_sum, metric_fns, sums = 0, 0.0, None, []
    was_training = getattr(model, "training", False)
    model.eval()
    try:
        with enable_grad():
            for batch, item in _items(stream, steps, what):
                x, y, w, n_out = _batch(model, item, -1, batch)
                if metric_fns is None:
                    metric_fns = model._resolved_metrics(n_out)
                    sums = [0.0] * len(metric_fns)
                loss, pred = batch_loss(model, model.loss, x, y, w)
                count = x.shape[0]
                seen += count
                loss_sum += float(loss.data if isinstance(loss, Value) else loss) * count
                for i, (_, fn) in enumerate(metric_fns):
                    sums[i] += metric_value(fn, y, pred) * count
    finally:
        model.train(was_training)
    if seen == 0:
        raise ValueError(f"{what}: the stream yielded no batch")
    logs = {"loss": loss_sum / seen}
    logs.update((name, t / seen) for (name, _), t in zip(metric_fns, sums))
    return logs


def predict_stream(model, stream, steps=None):
    """The outputs for every batch of a stream (batches of x, or (x, ...) tuples), concatenated."""
    parts = []
    was_training = getattr(model, "training", False)
    model.eval()
    try:
        with no_grad():
            for batch, item in _items(stream, steps, "predict"):
                x = model._check_x(item[0] if isinstance(item, tuple) else item)
                out = model(x)
                parts.append(np.asarray(getattr(out, "data", out)))
    finally:
        model.train(was_training)
    return np.concatenate(parts, axis=0)


def fit_stream(model, stream, epochs, steps_per_epoch, initial_epoch, verbose, callbacks, rng=None,
               validation_data=None, validation_steps=None, validation_split=0.0):
    """Train ``model`` on ``stream`` (``steps_per_epoch`` batches per epoch, or until exhausted); the History."""
    if validation_split:
        raise ValueError("validation_split is not supported for a stream: give validation_data instead")
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
        if validation_data is not None:
            val = (evaluate_stream(model, validation_data, validation_steps, "validation")
                   if is_stream(validation_data) else
                   dict(zip(["loss"] + [n for n, _ in metric_fns],
                            np.atleast_1d(model.evaluate(*validation_data, verbose=0)))))
            model.train()
            logs.update({f"val_{key}": value for key, value in val.items()})
        if hasattr(stream, "on_epoch_end"):
            stream.on_epoch_end()
        callback_list.on_epoch_end(epoch, logs)
        if model.stop_training:
            break
    callback_list.on_train_end({})
    return history
