"""A progress display in a Jupyter notebook: one output, updated in place.

It is drawn with IPython's own display machinery, which every Jupyter kernel
has: ``display(..., display_id=True)`` creates the output once and
``handle.update(...)`` replaces its content, so a fit leaves a single output
in the notebook however many epochs it runs (and a saved notebook holds the
final state).  The HTML uses the browser's ``<progress>`` element, so no
widget library (ipywidgets) has to be installed and enabled in the front
end; every front end that cannot show HTML shows the ``text/plain`` line.
"""

from __future__ import annotations

import html

from .layout import SEPARATOR

__all__ = ["NotebookDisplay", "progress_html"]

_BOX = "font-family: var(--jp-code-font-family, monospace); font-size: var(--jp-code-font-size, 13px); line-height: 1.6"
_ITEM = "white-space: nowrap"


def progress_html(head, metrics, fraction=None, count=(), timing=(), running=True):
    """The HTML of one state: the head, a ``<progress>`` bar (or the count of a stream), the timing, then the metrics.

    The metrics wrap between items (each one stays whole) when the output
    area is narrow.  A stream of unknown length that is still ``running``
    shows an indeterminate ``<progress>`` (no value: the browser animates it).
    """
    status = [f"<b>{html.escape(head)}</b>"]
    if fraction is not None:
        value = min(max(float(fraction), 0.0), 1.0)
        status.append(f'<progress value="{value:.4f}" max="1" style="width: 18em; vertical-align: middle"></progress>')
    elif running:
        status.append('<progress style="width: 6em; vertical-align: middle"></progress>')
    pieces = [html.escape(piece) for piece in list(count) + list(timing) if piece]
    if pieces:
        status.append(html.escape(SEPARATOR).join(pieces))
    items = html.escape(SEPARATOR).join(f'<span style="{_ITEM}">{html.escape(item)}</span>' for item in metrics)
    body = " ".join(status) + (f"<br>{items}" if items else "")
    return f'<div class="autograd-mlp-progress" style="{_BOX}">{body}</div>'


class NotebookDisplay:
    """One notebook output that each :meth:`draw` replaces."""

    def __init__(self):
        self._handle = None

    def draw(self, text, html_text):
        """Show ``html_text`` (``text`` where HTML cannot be shown), in place of the previous state."""
        # Imported here: IPython is there whenever a notebook is (streams.in_notebook said so).
        from IPython.display import display

        bundle = {"text/plain": text, "text/html": html_text}
        if self._handle is None:
            self._handle = display(bundle, raw=True, display_id=True)
        else:
            self._handle.update(bundle, raw=True)

    def close(self):
        """Forget the output: the next draw starts a new one."""
        self._handle = None
