"""``ProgbarLogger``: the progress ``fit(verbose=1 or 2)`` shows, drawn for where it is shown (:mod:`autograd_mlp.progress`)."""

from __future__ import annotations

import math
import numbers
import sys
import time

from ..progress import (
    NotebookDisplay,
    TerminalDisplay,
    fit_lines,
    format_duration,
    format_logs,
    format_rate,
    kind_of,
    log_items,
    progress_html,
    supports_ansi,
    terminal_width,
)
from .base import Callback

__all__ = ["ProgbarLogger"]


class ProgbarLogger(Callback):
    """Show training progress on ``sys.stdout``; ``fit(verbose=...)`` adds one.

    ``verbose`` keeps Keras' meanings: 1 a progress display, 2 one line per
    epoch (``Epoch 3/10 - loss: 0.1234 - ...``), and ``"auto"`` is 1, as in
    Keras 3 (where it is 1 in every case; Keras 2 made it 2 only under a
    parameter-server distribution strategy, which has no counterpart here).
    ``fit(verbose=0)`` adds no ProgbarLogger at all.

    With ``verbose=1`` what is shown depends on where ``sys.stdout`` goes,
    looked up when training begins:

    * **a terminal**: one display for the whole fit, redrawn in place at most
      every ``interval`` seconds: ``Epoch 3/10``, a bar over all the epochs
      (moving within an epoch too), the elapsed time, the estimated time left
      and the metrics.  It fits the terminal's width: the bar shrinks, then
      the timing goes, then the bar, before any metric would be cut; when the
      metrics still do not fit they continue on a second line (redrawn with
      cursor moves).  Every metric is shown whole, ``val_loss`` and
      ``val_<metric>`` included, at the end of each epoch drawn.
    * **a notebook** (a Jupyter kernel): one output updated in place, an HTML
      ``<progress>`` bar over the metrics (see :mod:`autograd_mlp.progress.notebook`).
    * **anything else** (a file, a pipe, a CI log): one plain line per epoch,
      ``Epoch 3/10 - 0.4s - loss: ...`` with that epoch's duration, and no
      carriage returns.

    ``self.params`` (which ``fit`` sets) gives ``epochs``, ``initial_epoch``
    and ``steps``, the batches per epoch.  ``steps=None`` means a stream of
    batches of unknown length: a count of the epoch's batches and their rate
    (``1234 batches - 56.7 batches/s``) take the place of the bar.

    ``sys.stdout`` is looked up at each write, so redirecting it works.
    """

    BAR_WIDTH = 30
    #: Seconds from an arbitrary origin; a class attribute so tests can drive the redraw rate.
    clock = staticmethod(time.monotonic)

    def __init__(self, verbose=1, interval=0.1):
        super().__init__()
        if verbose == "auto":
            verbose = 1
        if isinstance(verbose, bool) or verbose not in (1, 2):
            raise ValueError(f"ProgbarLogger verbose must be 1, 2 or 'auto', got {verbose!r} "
                             f"(for no progress at all, fit(verbose=0) adds no ProgbarLogger)")
        if isinstance(interval, bool) or not isinstance(interval, numbers.Real):
            raise TypeError(f"ProgbarLogger interval must be a number of seconds, got {type(interval).__name__}")
        interval = float(interval)
        if not interval >= 0:
            raise ValueError(f"ProgbarLogger interval must be a number of seconds >= 0, got {interval!r}")
        self.verbose = verbose
        self.interval = interval
        self._display = None

    # ------------------------------------------------------------ the hooks
    def on_train_begin(self, logs=None):
        now = self.clock()
        self._start = self._epoch_start = now
        self._last_draw = -math.inf
        self._first_epoch = int(self.params.get("initial_epoch", 0) or 0)
        self._epochs = int(self.params.get("epochs", 1) or 1)
        steps = self.params.get("steps")
        self._steps = int(steps) if steps is not None else None
        self._epoch = self._first_epoch   # index of the epoch running or last ended
        self._batches = 0                 # batches done in that epoch
        self._ended = False               # whether that epoch has ended
        self._logs = {}
        self._drawn = None                # (epoch, batches, ended) last drawn
        self._kind = kind_of(sys.stdout) if self.verbose == 1 else "log"
        if self._kind == "terminal":
            self._display = TerminalDisplay(self._write, ansi=supports_ansi(sys.stdout))
        elif self._kind == "notebook":
            self._display = NotebookDisplay()
        else:
            self._display = None

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch, self._batches, self._ended = epoch, 0, False
        self._epoch_start = self.clock()

    def on_train_batch_end(self, batch, logs=None):
        self._batches = batch + 1
        if self._display is None:
            return
        now = self.clock()
        # Within an epoch only when the epoch is long enough to be watched:
        # short epochs are drawn at their end, with their validation metrics.
        if now - self._last_draw >= self.interval and now - self._epoch_start >= self.interval:
            self._logs = dict(logs or {})
            self._draw(now)

    def on_epoch_end(self, epoch, logs=None):
        self._epoch, self._ended = epoch, True
        self._logs = dict(logs or {})
        now = self.clock()
        if self.verbose == 2:
            line = f"Epoch {epoch + 1}/{self._epochs}"
            if self._logs:
                line += " - " + format_logs(self._logs)
            self._write(line + "\n")
            return
        if self._display is None:
            self._write(self._log_line(now) + "\n")
            return
        last = epoch + 1 >= self._epochs
        slow = now - self._epoch_start >= self.interval
        if last or slow or now - self._last_draw >= self.interval:
            self._draw(now)

    def on_train_end(self, logs=None):
        if self._display is None:
            return
        state = (self._epoch, self._batches, self._ended)
        if self._drawn is not None and self._drawn != state:
            # Training stopped early, or the last state was not due: show where it ended.
            self._draw(self.clock(), final=True)
        elif self._drawn is not None and self._kind == "notebook" and self._steps is None:
            self._draw(self.clock(), final=True)  # stop the stream's animated bar
        self._display.close()
        self._display = None

    # ------------------------------------------------------------ drawing
    def _write(self, text):
        stream = sys.stdout
        stream.write(text)
        stream.flush()

    def _pieces(self, now, finished=False):
        """head, fraction of the fit (None for a stream), count texts, timing texts."""
        head = f"Epoch {self._epoch + 1}/{self._epochs}"
        elapsed = now - self._start
        timing = [format_duration(elapsed)]
        if self._steps is None:
            count = [f"{self._batches} batch" + ("" if self._batches == 1 else "es"),
                     format_rate(self._batches, now - self._epoch_start)]
            return head, None, [piece for piece in count if piece], timing
        within = 1.0 if self._ended else (self._batches / self._steps if self._steps else 0.0)
        position = self._epoch + within
        fraction = position / self._epochs
        ran = position - self._first_epoch
        left = self._epochs - position
        if not finished and ran > 0 and left > 1e-9:
            timing.append("ETA " + format_duration(elapsed / ran * left))
        return head, fraction, [], timing

    def _log_line(self, now):
        head, _, count, _ = self._pieces(now)
        pieces = [head] + count + [format_duration(now - self._epoch_start)] + log_items(self._logs)
        return " - ".join(pieces)

    def _draw(self, now, final=False):
        head, fraction, count, timing = self._pieces(now, finished=final)
        metrics = log_items(self._logs)
        if self._kind == "notebook":
            text = " - ".join([head] + count + timing + metrics)
            self._display.draw(text, progress_html(head, metrics, fraction, count, timing, running=not final))
        else:
            columns = terminal_width(sys.stdout)
            # One column spare: a line filling the last column leaves some
            # terminals' cursor on the next line, and the redraw would go astray.
            width = columns - 1 if columns else None
            lines = fit_lines(head, metrics, width, fraction, count, timing, bar_width=self.BAR_WIDTH)
            self._display.draw(lines, columns=columns, final=final or self._ended)
        self._last_draw = now
        self._drawn = (self._epoch, self._batches, self._ended)
