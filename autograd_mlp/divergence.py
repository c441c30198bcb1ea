"""Telling a diverged training from a finished one: a function to call after ``fit`` and a callback.

The rule (one rule, used by the function, the callback and the command line):
a training has **diverged** when

* a weight of the model is NaN or infinite, or
* the loss is NaN or infinite, or
* the loss is more than :data:`DIVERGENCE_FACTOR` (10) times the loss of the
  untrained model on the same rows: ``loss > 10 · initial_loss``.

The comparison is with the loss *before* training, not with the first
epoch's: with a learning rate far too large the loss can explode within the
first epoch, and every later epoch then only looks "stable" at a huge value.
A training that merely learned little ends near its initial loss, well under
ten times it, so the rule does not flag a slow or unlucky run.

Use::

    initial = initial_loss(model, x, y)               # before fit
    model.fit(x, y, callbacks=[TerminateOnDivergence(initial)])
    reason = divergence(model, model.evaluate(x, y), initial)
    if reason is not None:                            # e.g. "the loss 1.5e+134 is ..."
        ...                                           # keep the previous model
"""

from __future__ import annotations

import math
import numbers
import sys

import numpy as np

from .callbacks import Callback

__all__ = ["DIVERGENCE_FACTOR", "initial_loss", "divergence", "check_divergence", "TrainingDiverged",
           "TerminateOnDivergence"]

#: A final loss above this many times the untrained model's loss means the training diverged.
DIVERGENCE_FACTOR = 10.0


class TrainingDiverged(FloatingPointError):
    """Raised by :func:`check_divergence`: the model's weights or loss went far astray (see the module's rule)."""


def _check_loss(name, value, allow_none=False):
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number (a loss), got {type(value).__name__} {value!r}")
    return float(value)


def _check_factor(factor):
    if isinstance(factor, bool) or not isinstance(factor, numbers.Real):
        raise TypeError(f"factor must be a real number > 1, got {type(factor).__name__} {factor!r}")
    if not (math.isfinite(factor) and factor > 1):
        raise ValueError(f"factor must be a finite number > 1, got {factor!r}")
    return float(factor)


def initial_loss(model, x, y, batch_size=None):
    """The loss of ``model`` (compiled, not yet trained) on ``(x, y)``: the reference the rule compares with."""
    logs = model.evaluate(x, y, batch_size=batch_size, return_dict=True)
    return float(logs["loss"])


def _non_finite_weight(model):
    """The index of the first weight array holding NaN or infinity, or None."""
    for index, array in enumerate(model.get_weights()):
        if not np.all(np.isfinite(array)):
            return index
    return None


def divergence(model, loss, initial_loss, factor=DIVERGENCE_FACTOR):
    """Why the training of ``model`` diverged (one sentence), or None when it did not.

    ``loss`` is the trained model's loss, ``initial_loss`` the untrained
    model's loss on the same rows (:func:`initial_loss`); ``model`` may be
    None to judge the losses alone.  The rule is the module's: non-finite
    weights or loss, or ``loss > factor · initial_loss``.
    """
    loss = _check_loss("loss", loss)
    start = _check_loss("initial_loss", initial_loss, allow_none=True)
    factor = _check_factor(factor)
    if model is not None:
        index = _non_finite_weight(model)
        if index is not None:
            return f"weight array {index} of the model holds NaN or infinity"
    if not math.isfinite(loss):
        return f"the loss became {loss}"
    if start is not None and math.isfinite(start) and loss > factor * start:
        return (f"the loss {loss:.4g} is more than {factor:g} times the untrained model's "
                f"loss {start:.4g}")
    return None


def check_divergence(model, loss, initial_loss, factor=DIVERGENCE_FACTOR):
    """Raise :class:`TrainingDiverged` (a FloatingPointError) when :func:`divergence` finds a reason."""
    reason = divergence(model, loss, initial_loss, factor)
    if reason is not None:
        raise TrainingDiverged(f"training diverged: {reason}; try a smaller learning rate")


class TerminateOnDivergence(Callback):
    """Stop training as soon as it diverges by the module's rule, and say so.

    Checked after every batch (a non-finite loss) and every epoch (the
    epoch's loss against ``factor · initial_loss``, and the weights).
    Without ``initial_loss`` the loss of the first batch is used, which
    ``fit`` computes before the first update, so it is the untrained
    model's loss on that batch.

    After ``fit``, :attr:`diverged` tells whether training was stopped and
    :attr:`reason` why (None when it was not); :meth:`check` raises
    :class:`TrainingDiverged` in that case.
    """

    def __init__(self, initial_loss=None, factor=DIVERGENCE_FACTOR, verbose=0):
        super().__init__()
        self.initial_loss = _check_loss("initial_loss", initial_loss, allow_none=True)
        self.factor = _check_factor(factor)
        self.verbose = verbose
        self.diverged = False
        self.reason = None
        self._reference = self.initial_loss

    def on_train_begin(self, logs=None):
        self.diverged = False
        self.reason = None
        self._reference = self.initial_loss

    def _stop(self, reason, where):
        self.diverged = True
        self.reason = reason
        self.model.stop_training = True
        if self.verbose:
            sys.stdout.write(f"{where}: training diverged ({reason}), terminating training\n")

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None:
            return
        if self._reference is None and math.isfinite(loss):
            self._reference = float(loss)
        if not math.isfinite(loss):
            self._stop(f"the loss became {loss}", f"Batch {batch}")

    def on_epoch_end(self, epoch, logs=None):
        if self.diverged:
            return
        loss = (logs or {}).get("loss")
        if loss is None:
            return
        reason = divergence(self.model, loss, self._reference, self.factor)
        if reason is not None:
            self._stop(reason, f"Epoch {epoch + 1}")

    def check(self):
        """Raise :class:`TrainingDiverged` if this callback stopped the training."""
        if self.diverged:
            raise TrainingDiverged(f"training diverged: {self.reason}; try a smaller learning rate")
