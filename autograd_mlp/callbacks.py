"""Callbacks: code that ``fit`` runs at fixed points of training, with Keras' names.

``fit`` calls, in this order::

    on_train_begin(logs)
    for each epoch:
        on_epoch_begin(epoch, logs)
        for each batch:
            on_train_batch_begin(batch, logs)
            ... forward, loss, backward, optimizer step ...
            on_train_batch_end(batch, logs)     logs: running means so far this epoch
        ... validation ...
        on_epoch_end(epoch, logs)               logs: {"loss", metrics, "val_loss", ...}
    on_train_end(logs)

``epoch`` and ``batch`` count from 0.  A callback reaches the model through
``self.model`` (given by :meth:`Callback.set_model`) and stops training by
setting ``self.model.stop_training = True``; ``fit`` checks the flag after
every batch and every epoch.  The logs dict of ``on_epoch_end`` is shared by
all callbacks in order, so a callback may add a key (as
:class:`LearningRateScheduler` adds ``learning_rate``) that :class:`History`,
which always runs last, then records.

This module imports nothing of the models (it sits below them): models are
reached through ``self.model`` and their methods (``get_weights``,
``set_weights``, ``save``, ``save_weights``), optimizers through
``current_learning_rate`` and ``learning_rate``; the progress text is
:mod:`autograd_mlp.progress`'s.
"""

from __future__ import annotations

import csv
import inspect
import math
import numbers
import os
import sys
import time
import warnings

import numpy as np

from .progress import format_duration as _format_duration
from .progress import format_logs as _format_logs
from .progress import format_number as _format_number
from .progress import is_dynamic as _is_dynamic
from .progress import terminal_width as _terminal_width

__all__ = [
    "Callback",
    "CallbackList",
    "History",
    "ProgbarLogger",
    "EarlyStopping",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "CSVLogger",
    "TerminateOnNaN",
]


class Callback:
    """Base class: every hook does nothing; override the ones you need.

    Attributes
    ----------
    model
        The model being trained (set by ``fit`` through :meth:`set_model`).
    params : dict
        What ``fit`` was asked to do: ``epochs``, ``initial_epoch``, ``steps``
        (batches per epoch), ``samples`` (training rows), ``verbose``.
    """

    def __init__(self):
        self.model = None
        self.params = {}

    def set_model(self, model):
        self.model = model

    def set_params(self, params):
        self.params = dict(params)

    def on_train_begin(self, logs=None):
        """Called once before the first epoch."""

    def on_train_end(self, logs=None):
        """Called once after the last epoch (or after training was stopped)."""

    def on_epoch_begin(self, epoch, logs=None):
        """Called at the start of epoch ``epoch`` (0-based)."""

    def on_epoch_end(self, epoch, logs=None):
        """Called after epoch ``epoch`` with its training (and validation) results in ``logs``."""

    def on_train_batch_begin(self, batch, logs=None):
        """Called before the update of batch ``batch`` (0-based within the epoch)."""
        self.on_batch_begin(batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        """Called after the update of batch ``batch``; ``logs`` holds the epoch's running means so far."""
        self.on_batch_end(batch, logs)

    # Keras' older names for the batch hooks; the train_batch hooks call them.
    def on_batch_begin(self, batch, logs=None):
        """Older name of :meth:`on_train_batch_begin`."""

    def on_batch_end(self, batch, logs=None):
        """Older name of :meth:`on_train_batch_end`."""


def _overrides(callback, *names):
    """True when the callback's class redefines one of the named hooks."""
    return any(getattr(type(callback), name) is not getattr(Callback, name) for name in names)


class CallbackList:
    """Dispatch each hook to a list of callbacks, in order.

    The batch hooks run for every batch, so the list remembers which callbacks
    define them and skips the others (and ``fit`` skips building batch logs
    when none does).
    """

    def __init__(self, callbacks, model, params):
        self.callbacks = list(callbacks)
        for callback in self.callbacks:
            callback.set_model(model)
            callback.set_params(params)
        self._batch_callbacks = [
            cb for cb in self.callbacks
            if _overrides(cb, "on_train_batch_begin", "on_train_batch_end", "on_batch_begin", "on_batch_end")
        ]

    @property
    def wants_batch_logs(self):
        return bool(self._batch_callbacks)

    def on_train_begin(self, logs=None):
        for cb in self.callbacks:
            cb.on_train_begin(logs)

    def on_train_end(self, logs=None):
        for cb in self.callbacks:
            cb.on_train_end(logs)

    def on_epoch_begin(self, epoch, logs=None):
        for cb in self.callbacks:
            cb.on_epoch_begin(epoch, logs)

    def on_epoch_end(self, epoch, logs=None):
        for cb in self.callbacks:
            cb.on_epoch_end(epoch, logs)

    def on_train_batch_begin(self, batch, logs=None):
        for cb in self._batch_callbacks:
            cb.on_train_batch_begin(batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        for cb in self._batch_callbacks:
            cb.on_train_batch_end(batch, logs)


# ------------------------------------------------------------------ History
class History(Callback):
    """Records every epoch's logs: ``history["loss"][i]`` is the loss of epoch ``epoch[i]``.

    ``fit`` makes a new one each call, runs it after every other callback, and
    returns it; it is also left on the model as ``model.history``.  Keys follow
    Keras: ``loss``, each metric under the name given to ``compile``, then
    ``val_loss``, ``val_<metric>`` when validating, and anything callbacks
    added (``learning_rate``).
    """

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def on_train_begin(self, logs=None):
        self.epoch = []
        if self.model is not None:
            self.model.history = self

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)

    def __repr__(self):
        return f"History(epochs={len(self.epoch)}, keys={list(self.history)})"


# --------------------------------------------------------------- progress
class ProgbarLogger(Callback):
    """Print training progress to ``sys.stdout``; ``fit(verbose=...)`` adds one.

    * ``verbose=1``: one progress bar over the epochs, redrawn in place with
      ``\\r``: epoch i/N, the bar, elapsed time, the estimated time left and the
      latest logs; a newline at the end.  On a terminal (or in a notebook) it
      is redrawn at most every ``interval`` seconds; elsewhere (a log file, a
      pipe) only when another tenth of the epochs is done.  The last epoch is
      always drawn, so a long fit prints one line however many epochs it runs.
      On a terminal the line is cut to the terminal's width, since a wrapped
      line cannot be redrawn in place.
    * ``verbose=2``: one line per epoch, ``Epoch 3/10 - loss: 0.1234 - ...``.

    ``sys.stdout`` is looked up at each write, so redirecting it works.
    """

    BAR_WIDTH = 30
    #: Seconds from an arbitrary origin; a class attribute so tests can drive the redraw rate.
    clock = staticmethod(time.monotonic)

    def __init__(self, verbose=1, interval=0.1):
        super().__init__()
        if verbose not in (1, 2):
            raise ValueError(f"ProgbarLogger verbose must be 1 or 2, got {verbose!r}")
        self.verbose = verbose
        self.interval = float(interval)

    def on_train_begin(self, logs=None):
        self._start = self.clock()
        self._last_draw = -math.inf
        self._last_bucket = -1
        self._drawn_epoch = None
        self._width = 0
        self._done = 0
        self._last_logs = {}
        self._first_epoch = self.params.get("initial_epoch", 0)
        self._epochs = self.params.get("epochs", 1)
        self._dynamic = _is_dynamic(sys.stdout)
        self._terminal_width = _terminal_width(sys.stdout)

    def _write(self, text):
        stream = sys.stdout
        stream.write(text)
        stream.flush()

    def on_epoch_end(self, epoch, logs=None):
        self._done = epoch + 1
        self._last_logs = dict(logs or {})
        if self.verbose == 2:
            line = f"Epoch {epoch + 1}/{self._epochs}"
            if self._last_logs:
                line += " - " + _format_logs(self._last_logs)
            self._write(line + "\n")
            return
        now = self.clock()
        last = epoch + 1 >= self._epochs
        if self._dynamic:
            due = now - self._last_draw >= self.interval
        else:
            bucket = (epoch + 1 - self._first_epoch) * 10 // max(self._epochs - self._first_epoch, 1)
            due = bucket != self._last_bucket
            if due:
                self._last_bucket = bucket
        if due or last:
            self._draw(now)

    def _draw(self, now):
        done, total = self._done, self._epochs
        elapsed = now - self._start
        ran = done - self._first_epoch
        head = f"Epoch {done}/{total} "
        tail = f" {_format_duration(elapsed)}"
        if done < total and ran > 0:
            tail += f" - ETA {_format_duration(elapsed / ran * (total - done))}"
        if self._last_logs:
            tail += " - " + _format_logs(self._last_logs)
        width = self.BAR_WIDTH
        limit = self._terminal_width - 1 if self._terminal_width else None
        if limit is not None:
            # A line wider than the terminal wraps, and "\r" would then go back to the
            # start of the last wrapped piece only: every redraw would add a line.
            # Shorten the bar first, then cut the end of the line.
            width = min(width, max(limit - len(head) - len(tail) - 2, 10))
        fraction = done / total if total else 1.0
        filled = int(width * fraction)
        bar = "=" * width if filled >= width else "=" * filled + ">" + "." * (width - filled - 1)
        text = f"{head}[{bar}]{tail}"
        if limit is not None and len(text) > limit:
            text = text[: max(limit - 3, 0)] + "..."
        # Pad with spaces so a shorter line fully covers the previous one.
        padding = " " * max(self._width - len(text), 0)
        self._width = len(text)
        self._write("\r" + text + padding)
        self._last_draw = now
        self._drawn_epoch = done

    def on_train_end(self, logs=None):
        if self.verbose != 1:
            return
        if self._done and self._drawn_epoch != self._done:
            # Training stopped early: show where it ended.
            self._draw(self.clock())
        if self._drawn_epoch is not None:
            self._write("\n")


# --------------------------------------------------------------- monitoring
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


class ModelCheckpoint(Callback):
    """Save the model (or its weights) after an epoch, by default only when ``monitor`` improved.

    ``filepath`` may hold format fields filled from the epoch (1-based) and the
    logs, e.g. ``"model-{epoch:03d}-{val_loss:.3f}.keras"``.  The whole model
    goes through ``model.save`` (the library's safe format); with
    ``save_weights_only=True`` the weights go through ``model.save_weights``,
    an ``.npz`` file written to a temporary name and then renamed, so a crash
    never leaves half a file, and read back without pickle.  ``mode`` as in
    :class:`EarlyStopping`.  ``best`` holds the best monitored value seen.
    """

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=True,
                 save_weights_only=False, mode="auto"):
        super().__init__()
        if not isinstance(filepath, (str, os.PathLike)):
            raise TypeError(f"ModelCheckpoint filepath must be a path, got {type(filepath).__name__}")
        self.filepath = os.fspath(filepath)
        self.monitor = _check_monitor(monitor, "ModelCheckpoint")
        self.verbose = verbose
        self.save_best_only = bool(save_best_only)
        self.save_weights_only = bool(save_weights_only)
        self.mode = _monitor_op(self.monitor, mode, "ModelCheckpoint")
        self.best = math.inf if self.mode == "min" else -math.inf
        self.last_saved = None

    def _path(self, epoch, logs):
        try:
            return self.filepath.format(epoch=epoch + 1, **(logs or {}))
        except (KeyError, IndexError, ValueError) as error:
            raise ValueError(
                f"ModelCheckpoint filepath {self.filepath!r} names a field that is not in the logs "
                f"({error}); available: epoch, {', '.join(sorted(logs or {}))}"
            ) from None

    def on_epoch_end(self, epoch, logs=None):
        if self.save_best_only:
            current = _monitored(logs, self.monitor, "ModelCheckpoint")
            if current is None:
                return
            better = current < self.best if self.mode == "min" else current > self.best
            if not better:
                return
            self.best = current
        path = self._path(epoch, logs)
        if self.save_weights_only:
            self.model.save_weights(path)
        else:
            self.model.save(path)
        self.last_saved = path
        if self.verbose:
            sys.stdout.write(f"\nEpoch {epoch + 1}: saved to {path}\n")


class CSVLogger(Callback):
    """Write one CSV row per epoch: ``epoch`` (0-based, as Keras) and the logs, columns sorted.

    The header is written at the first epoch, unless ``append=True`` and the
    file already has content.  Each row is written and the file closed right
    away, so the log survives a crash and can be read during training.
    """

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        if not isinstance(filename, (str, os.PathLike)):
            raise TypeError(f"CSVLogger filename must be a path, got {type(filename).__name__}")
        if not isinstance(separator, str) or len(separator) != 1:
            raise ValueError(f"CSVLogger separator must be one character, got {separator!r}")
        self.filename = os.fspath(filename)
        self.separator = separator
        self.append = bool(append)
        self.keys = None

    def on_train_begin(self, logs=None):
        self.keys = None
        has_content = os.path.exists(self.filename) and os.path.getsize(self.filename) > 0
        self._write_header = not (self.append and has_content)
        if not self.append:
            open(self.filename, "w", encoding="utf-8").close()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
        with open(self.filename, "a", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, delimiter=self.separator)
            if self._write_header:
                writer.writerow(["epoch", *self.keys])
                self._write_header = False
            writer.writerow([epoch, *(logs.get(key, "NA") for key in self.keys)])


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
