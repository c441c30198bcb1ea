"""Redraw a progress display of one or more lines in place on a terminal.

The display's lines are each at most one column narrower than the terminal
(see :mod:`~autograd_mlp.progress.layout`), so no line wraps and the cursor
always knows where the display starts: after drawing ``n`` lines it sits at
the end of the last one, and ``ESC[{n-1}A`` then ``\\r`` take it back to the
start of the first.  Each line ends with ``ESC[K`` (erase to the end of the
line) so a shorter line covers a longer one, and ``ESC[J`` (erase below)
removes lines left over when a drawing has fewer lines than the one before.

A terminal without those controls (``TERM=dumb``) gets ``\\r`` redraws of a
single line, padded with spaces; a drawing that needs more lines is written
only when it is final, as plain lines.
"""

from __future__ import annotations

import math

__all__ = ["TerminalDisplay"]


class TerminalDisplay:
    """Draw successive states of a progress display over each other.

    Parameters
    ----------
    write : callable(str)
        Writes and flushes text to the terminal.
    ansi : bool
        Whether the terminal understands cursor moves and erasing.
    """

    def __init__(self, write, ansi=True):
        self._write = write
        self.ansi = ansi
        self._lines = []       # the lines on screen now, the cursor at the end of the last one
        self._open = False     # whether the cursor is on a line of the display (a newline is owed)

    def _rows_on_screen(self, columns):
        # A terminal narrowed since the last drawing may have wrapped its lines.
        if not columns:
            return len(self._lines)
        return sum(max(1, math.ceil(len(line) / columns)) for line in self._lines)

    def draw(self, lines, columns=None, final=False):
        """Replace what is on screen by ``lines``; ``columns`` is the terminal's width now."""
        lines = list(lines) or [""]
        if self.ansi:
            text = ""
            rows = self._rows_on_screen(columns)
            if rows > 1:
                text += f"\x1b[{rows - 1}A"
            text += "\r" + "\x1b[K\n".join(lines) + "\x1b[K"
            if rows > len(lines):
                text += "\x1b[J"
            self._write(text)
            self._lines, self._open = lines, True
            return
        if len(lines) == 1:
            previous = len(self._lines[-1]) if self._open and self._lines else 0
            self._write("\r" + lines[0] + " " * max(previous - len(lines[0]), 0))
            self._lines, self._open = lines, True
            return
        if final:
            # Without cursor moves several lines cannot be redrawn: write them once, below.
            self._write(("\n" if self._open else "") + "\n".join(lines) + "\n")
            self._lines, self._open = [], False

    def close(self):
        """End the display: the cursor goes to the start of the next line."""
        if self._open:
            self._write("\n")
        self._lines, self._open = [], False
