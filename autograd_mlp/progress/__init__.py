"""Training progress as a person sees it: in a terminal, in a log file, in a notebook.

:class:`~autograd_mlp.callbacks.ProgbarLogger` (what ``fit(verbose=1)``
shows) draws with these, and ``evaluate(verbose=1)`` prints its one line
with :func:`format_logs`.  Its modules:

* ``text``: numbers, logs, durations and rates as Keras prints them;
* ``layout``: a line fitted to a terminal's width, metrics never cut;
* ``streams``: what the output stream is (terminal, notebook or log) and its width;
* ``terminal``: redrawing one or more lines in place;
* ``notebook``: one notebook output updated in place (IPython's display, HTML ``<progress>``).
"""

from __future__ import annotations

from .layout import draw_bar, fit_lines, status_variants, wrap_items
from .notebook import NotebookDisplay, progress_html
from .streams import in_notebook, is_dynamic, is_terminal, kind_of, supports_ansi, terminal_width
from .terminal import TerminalDisplay
from .text import format_duration, format_logs, format_number, format_rate, log_items

__all__ = [
    "format_number", "format_logs", "format_duration", "format_rate", "log_items",
    "is_dynamic", "is_terminal", "terminal_width", "supports_ansi", "in_notebook", "kind_of",
    "draw_bar", "status_variants", "fit_lines", "wrap_items",
    "TerminalDisplay", "NotebookDisplay", "progress_html",
]
