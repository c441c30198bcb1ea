"""A terminal's screen, small enough to read, for testing what progress displays leave on it."""

from __future__ import annotations

import io
import re

_CONTROL = re.compile(r"\x1b\[(\d*)([A-Za-z])")


class Screen:
    """Replays text the way a terminal of ``columns`` columns shows it.

    Understands what the progress displays write: printable characters (a
    character past the last column wraps to the next row, and is counted in
    ``wraps``), ``\\r``, ``\\n`` (as a terminal with ``onlcr``: to the start
    of the next row), ``ESC[nA`` (up), ``ESC[K`` (erase to the end of the
    row) and ``ESC[J`` (erase to the end of the screen).
    """

    def __init__(self, columns=80):
        self.columns = columns
        self.rows = [[]]
        self.row = self.col = 0
        self.wraps = 0
        self.widest = 0

    def _put(self, ch):
        if self.col >= self.columns:
            self.wraps += 1
            self._newline()
        line = self.rows[self.row]
        if self.col < len(line):
            line[self.col] = ch
        else:
            line.extend(" " * (self.col - len(line)))
            line.append(ch)
        self.col += 1
        self.widest = max(self.widest, self.col)

    def _newline(self):
        self.row += 1
        self.col = 0
        while len(self.rows) <= self.row:
            self.rows.append([])

    def feed(self, text):
        i = 0
        while i < len(text):
            ch = text[i]
            if ch == "\x1b":
                match = _CONTROL.match(text, i)
                assert match, f"unknown escape sequence {text[i:i + 8]!r}"
                count, code = int(match.group(1) or 1), match.group(2)
                if code == "A":
                    self.row = max(self.row - count, 0)
                elif code == "K":
                    del self.rows[self.row][self.col:]
                elif code == "J":
                    del self.rows[self.row][self.col:]
                    del self.rows[self.row + 1:]
                else:
                    raise AssertionError(f"unexpected control ESC[{match.group(1)}{code}")
                i = match.end()
                continue
            if ch == "\r":
                self.col = 0
            elif ch == "\n":
                self._newline()
            else:
                self._put(ch)
            i += 1
        return self

    def lines(self):
        """The rows' text, trailing blanks and empty last rows removed."""
        lines = ["".join(row).rstrip() for row in self.rows]
        while lines and not lines[-1]:
            lines.pop()
        return lines


class FakeTerminal(io.StringIO):
    """A ``sys.stdout`` stand-in that says it is a terminal (its width comes from ``COLUMNS``)."""

    def isatty(self):
        return True
