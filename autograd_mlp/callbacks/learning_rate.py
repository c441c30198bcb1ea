"""Callbacks that set the optimizer's learning rate: ``LearningRateScheduler`` and ``ReduceLROnPlateau``.

Both reach the optimizer as ``self.model.optimizer`` and write its
``learning_rate`` attribute (a number; a schedule object there is replaced),
reading the rate in force through ``current_learning_rate``.
"""

from __future__ import annotations

import inspect
import math
import numbers
import sys

from .base import Callback
from .monitoring import _check_monitor, _monitor_op, _monitored, _non_negative_int

__all__ = ["LearningRateScheduler", "ReduceLROnPlateau"]


def _accepts_two_arguments(fn):
    """Whether ``fn(epoch, lr)`` is a valid call (else ``fn(epoch)`` is used), read from its signature.

    Deciding once, rather than retrying after a TypeError, keeps a TypeError
    raised inside the schedule itself visible.
    """
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):  # a builtin without a signature: assume Keras' two-argument form
        return True
    try:
        signature.bind(0, 0.0)
    except TypeError:
        return False
    return True


class LearningRateScheduler(Callback):
    """Set the learning rate at the start of each epoch to ``schedule(epoch, lr)``.

    ``epoch`` counts from 0 and ``lr`` is the current rate; a one-argument
    ``schedule(epoch)`` works too.  The rate is written to the optimizer's
    ``learning_rate`` (replacing a schedule object there) and recorded in the
    epoch logs as ``learning_rate``, so it appears in the History.
    """

    def __init__(self, schedule, verbose=0):
        super().__init__()
        if not callable(schedule):
            raise TypeError(f"LearningRateScheduler expects a function schedule(epoch, lr), got {type(schedule).__name__}")
        self.schedule = schedule
        self.verbose = verbose
        self._takes_rate = _accepts_two_arguments(schedule)

    def _optimizer(self):
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is None:
            raise ValueError("LearningRateScheduler needs a compiled model (an optimizer with a learning_rate)")
        return optimizer

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = self._optimizer()
        current = float(optimizer.current_learning_rate)
        rate = self.schedule(epoch, current) if self._takes_rate else self.schedule(epoch)
        if isinstance(rate, bool) or not isinstance(rate, numbers.Real) or not math.isfinite(rate) or rate <= 0:
            raise ValueError(
                f"LearningRateScheduler: schedule({epoch}, {current}) must return a positive finite number, got {rate!r}"
            )
        optimizer.learning_rate = float(rate)
        if self.verbose:
            sys.stdout.write(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {float(rate)}.\n")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = float(self._optimizer().current_learning_rate)



class ReduceLROnPlateau(Callback):
    """Multiply the learning rate by ``factor`` when ``monitor`` has stopped improving (Keras' semantics).

    After each epoch, with ``v`` the monitored value and ``b`` the best so far
    (none at the start of a fit): ``v`` improves when ``v < b - min_delta``
    (mode ``min``) or ``v > b + min_delta`` (mode ``max``; ``"auto"`` picks
    ``max`` for names with ``acc`` or ``auc``).  In this order, as Keras::

        if cooling down:  cooldown_counter -= 1; wait = 0
        if v improves:    b = v; wait = 0
        elif not cooling down:
            wait += 1
            if wait >= patience and λ > min_lr:
                λ = max(λ · factor, min_lr); cooldown_counter = cooldown; wait = 0

    The rate is read and written as the optimizer's ``learning_rate`` (a
    schedule there is replaced by the number it gives now), and recorded in
    the epoch logs as ``learning_rate`` (the rate the epoch trained with), so
    it appears in the History.  A missing monitored key gives a warning and
    no change.
    """

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto",
                 min_delta=1e-4, cooldown=0, min_lr=0.0):
        super().__init__()
        self.monitor = _check_monitor(monitor, "ReduceLROnPlateau")
        if isinstance(factor, bool) or not isinstance(factor, numbers.Real) or not 0.0 < factor < 1.0:
            raise ValueError(f"ReduceLROnPlateau factor must be a number in (0, 1), got {factor!r}")
        if isinstance(min_delta, bool) or not isinstance(min_delta, numbers.Real) or not math.isfinite(min_delta):
            raise ValueError(f"ReduceLROnPlateau min_delta must be a finite number, got {min_delta!r}")
        if isinstance(min_lr, bool) or not isinstance(min_lr, numbers.Real) or not 0.0 <= min_lr < math.inf:
            raise ValueError(f"ReduceLROnPlateau min_lr must be a finite number >= 0, got {min_lr!r}")
        self.factor = float(factor)
        self.patience = _non_negative_int(patience, "ReduceLROnPlateau patience")
        self.cooldown = _non_negative_int(cooldown, "ReduceLROnPlateau cooldown")
        self.min_delta = abs(float(min_delta))
        self.min_lr = float(min_lr)
        self.mode = _monitor_op(self.monitor, mode, "ReduceLROnPlateau")
        self.verbose = verbose
        self._reset()

    def _reset(self):
        self.best = None
        self.wait = 0
        self.cooldown_counter = 0

    def in_cooldown(self):
        return self.cooldown_counter > 0

    def _improves(self, value):
        if self.best is None:
            return True
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta

    def on_train_begin(self, logs=None):
        self._reset()

    def on_epoch_end(self, epoch, logs=None):
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is None:
            raise ValueError("ReduceLROnPlateau needs a compiled model (an optimizer with a learning_rate)")
        rate = float(optimizer.current_learning_rate)
        if logs is not None:
            logs["learning_rate"] = rate
        current = _monitored(logs, self.monitor, "ReduceLROnPlateau")
        if current is None:
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._improves(current):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience and rate > self.min_lr:
                new_rate = max(rate * self.factor, self.min_lr)
                optimizer.learning_rate = new_rate
                self.cooldown_counter = self.cooldown
                self.wait = 0
                if self.verbose:
                    sys.stdout.write(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {new_rate}.\n")
