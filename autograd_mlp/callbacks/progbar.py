"""``ProgbarLogger``: the progress text ``fit(verbose=1 or 2)`` prints (its formatting is :mod:`autograd_mlp.progress`'s)."""

from __future__ import annotations

import math
import sys
import time

from ..progress import format_duration as _format_duration
from ..progress import format_logs as _format_logs
from ..progress import is_dynamic as _is_dynamic
from ..progress import terminal_width as _terminal_width
from .base import Callback

__all__ = ["ProgbarLogger"]


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

