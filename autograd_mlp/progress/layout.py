"""Fit a progress line to a terminal's width without ever cutting a metric.

A progress line is made of four parts, in this order::

    Epoch 3/10 [=========>....................] 1.2s - ETA 3.4s - loss: 0.1234 - val_loss: 0.2345
    ^ head     ^ bar (or a count and a rate)    ^ timing          ^ metrics

When the line is wider than the terminal, the parts that only decorate go
first, in this order: the bar shrinks (down to ``MIN_BAR_WIDTH`` cells), the
timing loses its first pieces (the elapsed time, then the estimate of the time
left: while training, what is left matters more), the count of a
stream loses its rate and then itself, and the bar goes.  If the head and the
metrics still do not fit, the metrics that do not fit after the status go to
the next lines, wrapped between two metrics, never inside one.  Of the
status's variants the one giving the fewest lines is drawn (the richest of
those): in 80 columns the course's four metrics take two lines, the bar and
the timing shortened on the first.  A single metric wider than the terminal,
which only happens on a tiny terminal, is split into pieces of the
terminal's width: it is still shown in full.
"""

from __future__ import annotations

__all__ = ["BAR_WIDTH", "MIN_BAR_WIDTH", "draw_bar", "status_variants", "fit_lines", "wrap_items"]

BAR_WIDTH = 30
MIN_BAR_WIDTH = 10
SEPARATOR = " - "


def draw_bar(fraction, width):
    """``[=====>....]`` with ``width`` cells inside the brackets, ``fraction`` (0 to 1) of them filled."""
    fraction = min(max(float(fraction), 0.0), 1.0)
    filled = int(width * fraction)
    if filled >= width:
        return "[" + "=" * width + "]"
    return "[" + "=" * filled + ">" + "." * (width - filled - 1) + "]"


def _status(head, bar_width, fraction, count, timing):
    text = head
    if fraction is not None and bar_width:
        text += " " + draw_bar(fraction, bar_width)
    pieces = [piece for piece in list(count) + list(timing) if piece]
    if pieces:
        text += (" " if fraction is not None and bar_width else SEPARATOR) + SEPARATOR.join(pieces)
    return text


def status_variants(head, fraction=None, count=(), timing=(), bar_width=BAR_WIDTH, min_bar_width=MIN_BAR_WIDTH):
    """The status part of the line (head, bar or count, timing), longest first, each one a shorter choice than the one before.

    ``fraction`` is the part of the work done (None: no bar), ``count`` the
    texts shown instead of a bar for a stream of unknown length, ``timing``
    the elapsed time and the estimate of the time left, dropped in that
    order.  The last variant is the head alone.
    """
    count, timing = list(count), list(timing)
    widths = range(bar_width, min_bar_width - 1, -1) if fraction is not None else [0]
    variants = [_status(head, width, fraction, count, timing) for width in widths]
    narrowest = widths[-1]
    for drop in range(1, len(timing) + 1):
        variants.append(_status(head, narrowest, fraction, count, timing[drop:]))
    for keep in range(len(count) - 1, -1, -1):
        variants.append(_status(head, narrowest, fraction, count[:keep], []))
    variants.append(head)
    return variants


def wrap_items(items, width, separator=SEPARATOR):
    """Lines of at most ``width`` characters holding ``items`` in order, broken only between items.

    An item longer than ``width`` gets lines of its own, ``width`` characters each.
    """
    lines, line = [], ""
    for item in items:
        candidate = item if not line else line + separator + item
        if len(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while len(item) > width:
            lines.append(item[:width])
            item = item[width:]
        line = item
    if line:
        lines.append(line)
    return lines


def fit_lines(head, metrics, width, fraction=None, count=(), timing=(), bar_width=BAR_WIDTH):
    """The lines to draw: one when everything fits in ``width`` characters, as few as possible otherwise.

    ``metrics`` are items such as ``"loss: 0.1234"`` (see
    :func:`~autograd_mlp.progress.text.log_items`); every one of them is in
    the result, whole.  ``width`` None means no limit (one line, full size).
    """
    metrics = list(metrics)
    variants = status_variants(head, fraction, count, timing, bar_width=bar_width)
    if width is None:
        return [SEPARATOR.join([variants[0]] + metrics)]
    width = max(int(width), 1)
    best = None
    for status in variants:
        if len(status) > width:
            continue
        # The status, then the metrics flowing after it and onto the next lines.
        lines = wrap_items([status] + metrics, width)
        if best is None or len(lines) < len(best):
            best = lines
            if len(best) == 1:
                break
    return best if best is not None else wrap_items([head] + metrics, width)
