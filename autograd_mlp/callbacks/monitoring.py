"""Callbacks that watch a logged value: ``EarlyStopping``, ``TerminateOnNaN``, and the helpers they share."""

from __future__ import annotations

import math
import numbers
import sys
import warnings

import numpy as np

from .base import Callback

__all__ = ["EarlyStopping", "TerminateOnNaN"]


def _monitor_op(monitor, mode, who):
    if mode not in ("auto", "min", "max"):
        raise ValueError(f"{who} mode must be 'auto', 'min' or 'max', got {mode!r}")
    if mode == "auto":
        # Accuracies (and AUC) grow as the model improves; losses and errors shrink.
        name = monitor.lower()
        mode = "max" if ("acc" in name or "auc" in name) else "min"
    return mode


def _check_monitor(monitor, who):
    if not isinstance(monitor, str) or not monitor:
        raise TypeError(f"{who} monitor must be a log key such as 'val_loss', got {monitor!r}")
    return monitor


def _monitored(logs, monitor, who):
    """The monitored value from ``logs``, or None (with a warning) when it is missing."""
    value = (logs or {}).get(monitor)
    if value is None:
        warnings.warn(
            f"{who}: the monitored value {monitor!r} is not in the logs; available keys: "
            f"{sorted(logs or {})}. (val_* keys exist only when fit has validation data.)",
            RuntimeWarning,
            stacklevel=3,
        )
        return None
    return float(value)


def _non_negative_int(value, what):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
        raise ValueError(f"{what} must be an integer >= 0, got {value!r}")
    return int(value)


class EarlyStopping(Callback):
    """Stop training when a monitored value has stopped improving (Keras' semantics).

    After each epoch (from ``start_from_epoch`` on) the value ``v`` of
    ``monitor`` counts as an improvement over the best so far ``b`` when
    ``v < b - min_delta`` (mode ``min``) or ``v > b + min_delta`` (mode
    ``max``); ``mode="auto"`` picks ``max`` for names containing ``acc`` (or
    ``auc``) and ``min`` otherwise.  An improvement resets the wait counter
    (if it also beats ``baseline``, when one is given); otherwise the counter
    grows, and when it reaches ``patience`` training stops:
    ``model.stop_training`` is set and ``stopped_epoch`` records the epoch.
    So ``patience=0`` stops at the first epoch without improvement.

    ``restore_best_weights=True`` puts back the weights of the best epoch when
    training is stopped (not when it runs to its last epoch, as in Keras).
    A missing monitored key gives a warning and no stop.
    """

    def __init__(self, monitor="val_loss", min_delta=0, patience=0, verbose=0, mode="auto",
                 baseline=None, restore_best_weights=False, start_from_epoch=0):
        super().__init__()
        self.monitor = _check_monitor(monitor, "EarlyStopping")
        if isinstance(min_delta, bool) or not isinstance(min_delta, numbers.Real) or not math.isfinite(min_delta):
            raise ValueError(f"EarlyStopping min_delta must be a finite number, got {min_delta!r}")
        self.min_delta = abs(float(min_delta))
        self.patience = _non_negative_int(patience, "EarlyStopping patience")
        self.start_from_epoch = _non_negative_int(start_from_epoch, "EarlyStopping start_from_epoch")
        if baseline is not None and (isinstance(baseline, bool) or not isinstance(baseline, numbers.Real)):
            raise ValueError(f"EarlyStopping baseline must be a number or None, got {baseline!r}")
        self.baseline = None if baseline is None else float(baseline)
        self.mode = _monitor_op(self.monitor, mode, "EarlyStopping")
        self.verbose = verbose
        self.restore_best_weights = bool(restore_best_weights)
        self._reset()

    def _reset(self):
        self.wait = 0
        self.stopped_epoch = 0
        self.best = math.inf if self.mode == "min" else -math.inf
        self.best_epoch = 0
        self.best_weights = None

    def _improves(self, value, reference):
        if self.mode == "min":
            return value < reference - self.min_delta
        return value > reference + self.min_delta

    def on_train_begin(self, logs=None):
        self._reset()

    def on_epoch_end(self, epoch, logs=None):
        current = _monitored(logs, self.monitor, "EarlyStopping")
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            # Keep some weights to restore even if no epoch ever improves.
            self.best_weights = self.model.get_weights()
        self.wait += 1
        if self._improves(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._improves(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True
            if self.restore_best_weights and self.best_weights is not None:
                if self.verbose:
                    sys.stdout.write(f"\nRestoring model weights from the end of the best epoch: {self.best_epoch + 1}.\n")
                self.model.set_weights(self.best_weights)

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose:
            sys.stdout.write(f"Epoch {self.stopped_epoch + 1}: early stopping\n")


class TerminateOnNaN(Callback):
    """Stop training as soon as a batch loss is NaN or infinite.

    ``fit`` applies no update for such a batch; without this callback it
    raises ``FloatingPointError`` instead, and with it the fit ends cleanly,
    returning the History up to that epoch (whose loss is then NaN).
    """

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not np.isfinite(loss):
            sys.stdout.write(f"Batch {batch}: invalid loss {loss}, terminating training\n")
            self.model.stop_training = True
