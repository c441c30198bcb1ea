"""Callbacks that write files: ``ModelCheckpoint`` (through the model's ``save`` / ``save_weights``) and ``CSVLogger``."""

from __future__ import annotations

import csv
import math
import os
import sys

from .base import Callback
from .monitoring import _check_monitor, _monitor_op, _monitored

__all__ = ["ModelCheckpoint", "CSVLogger"]


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

