"""A batch's train, test and predict steps for ``fit``, ``train_on_batch``, ``evaluate`` and ``predict``: compiled, or as written.

Keras runs a model's train, test and predict functions compiled unless
``compile(run_eagerly=True)`` (or ``jit_compile=False``) says otherwise; so
does this library, with :func:`autograd_mlp.jit`.  Each of the three steps
is recorded on its first batch of a given shape and replayed as generated
numpy on the following ones::

    train(x_B, y_B):   optimizer.zero_grad()
                       L_B, ŷ_B = loss(y_B, model(x_B)) + penalties, model(x_B)
                       L_B.backward();  optimizer.step()       (not when L_B is not finite)
    test(x_B, y_B):    L_B, ŷ_B                                  (the graph recorded, never differentiated)
    predict(x_B):      ŷ_B                                       (no graph)

A replay runs the same floating-point operations in the same order as the
step written out (see :mod:`autograd_mlp.jit`), so the History, the
evaluation and the predictions are the eager ones bit for bit.  Where a
replay could not be faithful the step runs as written, silently:

* a batch with row weights (``sample_weight``, ``class_weight``): the rows are
  grouped by weight, so the program would differ from batch to batch;
* targets the loss converts itself (the class indices of
  ``sparse_categorical_crossentropy``; targets of another dtype than the
  outputs are converted here first, as the loss would);
* code in a custom loss or layer that branches on a Value's number
  (``float(v)``, ``if v > 0``) while the step is recorded: the replay would
  freeze the branch (``jit(..., fallback="eager")``);
* a model without trainable parameters (``train`` only: nothing to update).

Python side effects in a custom loss or layer (a call counter, a print)
happen when a step is recorded, not at each replay, as under Keras'
``jit_compile``; such code wants ``compile(run_eagerly=True)``.

A new batch shape (the last, smaller batch of an epoch) records once more;
each step keeps at most :data:`autograd_mlp.jit.MAX_PROGRAMS` recordings.  A
new ``compile()``, optimizer or loss starts afresh; a layer's ``trainable``
or ``training`` flag, the number of layers, and weights of another shape or
dtype (``set_weights`` with new arrays of the same shape is seen as it is)
are checked at every replay.
"""

from __future__ import annotations

import math

import numpy as np

from ..engine import Value, enable_grad, no_grad
from ..jit import NonFiniteLoss, jit
from .arguments import row_slices
from .steps import batch_loss, data_of, metric_value, unweighted_loss

__all__ = ["CompiledSteps", "uses_compiled_steps", "steps_for", "train_batch", "evaluate_batches",
           "predict_batches"]


def uses_compiled_steps(model):
    """Whether ``model`` runs its steps compiled: ``jit_compile`` on and ``run_eagerly`` off (Keras' rule)."""
    return bool(getattr(model, "jit_compile", False)) and not getattr(model, "run_eagerly", False)


def steps_for(model, weights=None, training=False):
    """``model``'s compiled steps to use for a batch, or None to run it as written."""
    if weights is not None or not uses_compiled_steps(model):
        return None
    if training and not model.trainable_parameters():
        return None
    if model._compiled_steps is None:  # a copied or unpickled model, or one never compiled
        model._compiled_steps = CompiledSteps(model)
    return model._compiled_steps


# ------------------------------------------------------------ one batch, compiled or as written
def train_batch(model, x, y, weights, metric_fns):
    """One update on a batch: ``(loss value, [metric values])`` from before the update.

    The update is not applied when the loss is not finite (the caller decides what follows).
    """
    steps = steps_for(model, weights, training=True)
    if steps is not None:
        value, pred = steps.train(x, y, bool(metric_fns))
    else:
        optimizer = model.optimizer
        optimizer.zero_grad()
        loss, pred = batch_loss(model, model.loss, x, y, weights)
        value = _number(loss)
        if math.isfinite(value) and isinstance(loss, Value) and loss.requires_grad:
            loss.backward()
            optimizer.step()
    if not math.isfinite(value):
        return value, [math.nan] * len(metric_fns)
    return value, [metric_value(fn, y, pred) for _, fn in metric_fns]


def evaluate_batches(model, x, y, weights, chunk, metric_fns):
    """Mean loss and metrics over checked arrays, ``chunk`` rows at a time, weighted by rows.

    The loss is computed with the graph recorded (and never differentiated)
    so that the cross-entropies read the logits of a sigmoid or softmax
    output exactly as in training; under ``no_grad`` they would fall back to
    clipped probabilities and disagree for saturated outputs.  Penalties
    count as in training; with row weights the result is
    Σ w_i l_i / n + penalties, whatever the chunk size.
    """
    n = x.shape[0]
    loss_sum = 0.0
    metric_sums = [0.0] * len(metric_fns)
    steps = steps_for(model, weights)
    with enable_grad():
        for rows in row_slices(n, chunk):
            x_c, y_c = x[rows], y[rows]
            if steps is not None:
                loss, pred = steps.test(x_c, y_c, bool(metric_fns))
            else:
                loss, pred = batch_loss(model, model.loss, x_c, y_c, None if weights is None else weights[rows])
            count = x_c.shape[0]
            loss_sum += _number(loss) * count
            for i, (_, fn) in enumerate(metric_fns):
                metric_sums[i] += metric_value(fn, y_c, pred) * count
            del loss, pred
    logs = {"loss": loss_sum / n}
    logs.update((name, total / n) for (name, _), total in zip(metric_fns, metric_sums))
    return logs


def predict_batches(model, x, chunk):
    """The outputs for the rows of ``x``, ``chunk`` rows at a time, without a graph (the caller sets the mode)."""
    steps = steps_for(model)
    forward = steps.predict if steps is not None else (lambda rows: _data(model(rows)))
    with no_grad():
        parts = [forward(x[rows]) for rows in row_slices(x.shape[0], chunk)]
    return parts[0] if len(parts) == 1 else np.concatenate(parts, axis=0)


class CompiledSteps:
    """A model's compiled train, test and predict steps (made at ``compile()``, recorded lazily).

    Each method returns what the eager step returns.  Batches with row weights
    never reach them (:func:`steps_for`); the other cases of the module
    docstring are detected while recording and run as written.
    """

    def __init__(self, model):
        self.model = model
        self._train = {}  # with_outputs -> Compiled
        self._test = {}
        self._predict = None
        self._dtypes = {}  # x dtype -> the outputs' dtype

    def __reduce__(self):
        # A copied or unpickled model compiles its own steps: recordings hold this model's
        # buffers and generated functions, which neither copy nor pickle.
        return _no_steps, ()

    def _key(self):
        model = self.model
        return id(model.loss), id(model.optimizer)

    def _targets(self, x, y):
        """``y`` in the outputs' dtype, as the library's losses convert it (so the replay can bind it)."""
        dtype = self._dtypes.get(x.dtype)
        if dtype is None:
            # one row through the network, in evaluation mode and without a graph: no state changes
            model = self.model
            was_training = getattr(model, "training", False)
            model.eval()
            try:
                with no_grad():
                    dtype = self._dtypes[x.dtype] = _data(model(x[:1])).dtype
            finally:
                model.train(was_training)
        return y if y.dtype == dtype or dtype.kind != "f" else y.astype(dtype)

    def train(self, x, y, with_outputs):
        """``(L_B, ŷ_B or None)`` after one update, or ``(L_B, None)`` without one when L_B is not finite."""
        step = self._train.get(with_outputs)
        if step is None:
            step = self._train[with_outputs] = jit(
                _train_function(self.model, with_outputs), key=self._key, stop_on_nonfinite=True,
                fallback="eager")
        try:
            result = step(x, self._targets(x, y))
        except NonFiniteLoss as stop:
            return stop.value, None
        if with_outputs:
            loss, out = result
            return _number(loss), _data(out)
        return _number(result), None

    def test(self, x, y, with_outputs):
        """``(L_B, ŷ_B or None)``: the loss of a batch, the graph recorded as in training (see ``evaluate``)."""
        step = self._test.get(with_outputs)
        if step is None:
            step = self._test[with_outputs] = jit(
                _test_function(self.model, with_outputs), key=self._key, fallback="eager")
        with enable_grad():
            result = step(x, self._targets(x, y))
        if with_outputs:
            loss, out = result
            return _number(loss), _data(out)
        return _number(result), None

    def predict(self, x):
        """The outputs for a batch, without a graph."""
        if self._predict is None:
            model = self.model

            def forward(x):
                return model(x)

            self._predict = jit(forward, fallback="eager")
        with no_grad():
            return _data(self._predict(x))


def _train_function(model, with_outputs):
    def train_step(x, y):
        optimizer = model.optimizer
        optimizer.zero_grad()
        loss, out = unweighted_loss(model, model.loss, x, y)
        if isinstance(loss, Value) and loss.requires_grad:
            loss.backward()
            optimizer.step()
        return (loss, out) if with_outputs else loss

    return train_step


def _test_function(model, with_outputs):
    def test_step(x, y):
        loss, out = unweighted_loss(model, model.loss, x, y)
        return (loss, out) if with_outputs else loss

    return test_step


def _no_steps():
    return None


def _number(loss):
    return float(loss.data if isinstance(loss, Value) else loss)


def _data(out):
    return np.asarray(data_of(out))
