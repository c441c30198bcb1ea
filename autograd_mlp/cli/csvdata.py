"""Numeric CSV tables for the command line: read with exact line and column in every error, write atomically.

A table is a header row of column names followed by rows of numbers, one
field per column, separated by commas (the :mod:`csv` module's rules for
quoting).  Reading accepts a UTF-8 byte-order mark in front of the header and
skips blank lines (a file often ends with a few); everything else that is not
a rectangular table of finite numbers is refused with a :class:`CsvError`
naming the file, the line (as an editor numbers it, from 1) and the column.

A file of any length is read chunk by chunk with :func:`read_chunks` and
written chunk by chunk with :func:`table_writer`, so memory holds one chunk.
"""

from __future__ import annotations

import contextlib
import csv
import io
import math
import os
import re
import sys
from dataclasses import dataclass

import numpy as np

from .._files import atomic_write, atomic_writer

__all__ = ["CsvError", "Table", "read_table", "read_chunks", "CHUNK_ROWS", "format_table", "write_table", "table_writer",
           "shown", "SHOWN_CHARS"]


class CsvError(ValueError):
    """A CSV file that is not a table of numbers; the message says where (file, line, column)."""


@dataclass(frozen=True)
class Table:
    """The numbers of a CSV file: ``values[r, c]`` is row r's field in column ``columns[c]``.

    ``lines[r]`` is the line of the file that row r came from, for messages
    about a row found later (a label a model cannot take, say).
    """

    path: str
    columns: list
    values: np.ndarray
    lines: list

    def column(self, name):
        """One column as a 1-D array; CsvError naming the columns there are when ``name`` is not one."""
        return self.values[:, self.index(name)]

    def index(self, name):
        try:
            return self.columns.index(name)
        except ValueError:
            raise CsvError(f"{self.path}: no column {shown(name)}; the header has {_listed(self.columns)}") from None

    def select(self, names):
        """The columns called ``names``, in that order, as an (rows, len(names)) array."""
        return self.values[:, [self.index(name) for name in names]]


#: Longest field or column name quoted whole in a message; longer ones are cut (a 10,000-character field would
#: make the one-line error unreadable).
SHOWN_CHARS = 40


def shown(text, limit=SHOWN_CHARS):
    """``repr(text)``, cut to about ``limit`` characters with the full length said: for quoting data in a message."""
    text = str(text)
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}... ({len(text)} characters)"


def _listed(names, limit=12):
    shown_names = ", ".join(shown(n) for n in names[:limit])
    return shown_names + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _blank(fields):
    return all(not field.strip() for field in fields)


def _number(text, path, line, column):
    """The float a field spells; CsvError for text, an empty field, NaN or infinity."""
    stripped = text.strip()
    where = f"{path}, line {line}, column {shown(column)}"
    if not stripped:
        raise CsvError(f"{where}: expected a number, got an empty field")
    try:
        if "_" in stripped:  # float() accepts Python's digit separators; a data file should not
            raise ValueError(stripped)
        value = float(stripped)
    except ValueError:
        raise CsvError(f"{where}: expected a number, got {shown(text)}") from None
    if not math.isfinite(value):
        raise CsvError(f"{where}: expected a finite number, got {shown(text)}")
    return value


def _header(fields, path, line):
    names = [field.strip() for field in fields]
    for position, name in enumerate(names, start=1):
        if not name:
            raise CsvError(f"{path}, line {line}: the header's field {position} is empty; every column needs a name")
    seen = set()
    for name in names:
        if name in seen:
            raise CsvError(f"{path}, line {line}: the header names column {shown(name)} twice")
        seen.add(name)
    return names


#: Rows per chunk when a command reads a file chunk by chunk (``--chunk-rows``'s default).
CHUNK_ROWS = 65536


def _text_lines(handle, path):
    """The lines of a binary file as text, a UTF-8 byte-order mark dropped; CsvError naming the line of a bad byte.

    Decoding with ``surrogateescape`` turns a byte that is not UTF-8 into a
    lone surrogate instead of failing somewhere inside a buffer, so the line
    that holds it can be named.
    """
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", errors="surrogateescape", newline="")
    for number, line in enumerate(text, start=1):
        bad = _NOT_UTF8.search(line)
        if bad:
            raise CsvError(f"{path}, line {number}: not UTF-8 text (byte 0x{ord(bad.group(0)) - 0xDC00:02x})")
        yield line


_NOT_UTF8 = re.compile("[\udc80-\udcff]")


def read_chunks(path, chunk_rows=CHUNK_ROWS):
    """Read a CSV file of numbers with a header row as :class:`Table` s of at most ``chunk_rows`` rows each.

    The file is read as the chunks are asked for, so memory holds one chunk
    (whatever the file's length); the chunks' rows, in order, are the rows
    :func:`read_table` returns, with the same line numbers, and a file that
    :func:`read_table` refuses raises the same :class:`CsvError` when the
    reading reaches the bad line (so after the chunks before it were yielded).
    """
    path = os.fspath(path)
    chunk_rows = int(chunk_rows)
    with open(path, "rb") as handle:
        reader = csv.reader(_text_lines(handle, path), strict=True)
        header, rows, lines, total = None, [], [], 0
        try:
            for fields in reader:
                # reader.line_num counts the physical lines read so far, so it is the
                # row's last line; a quoted field spanning lines is rare in numeric data.
                line = reader.line_num
                if _blank(fields):
                    continue
                if header is None:
                    header = _header(fields, path, line)
                    continue
                if len(fields) != len(header):
                    raise CsvError(
                        f"{path}, line {line}: expected {len(header)} fields like the header, got {len(fields)}"
                    )
                rows.append([_number(field, path, line, name) for field, name in zip(fields, header)])
                lines.append(line)
                if len(rows) == chunk_rows:
                    total += len(rows)
                    yield Table(path, header, np.array(rows, dtype=np.float64), lines)
                    rows, lines = [], []
        except csv.Error as exc:
            raise CsvError(f"{path}, line {reader.line_num}: not valid CSV ({exc})") from None
    if header is None:
        raise CsvError(f"{path}: the file is empty; expected a header row of column names, then rows of numbers")
    if rows:
        yield Table(path, header, np.array(rows, dtype=np.float64), lines)
    elif total == 0:
        raise CsvError(f"{path}: the header has no data rows under it")


def read_table(path):
    """Read a CSV file of numbers with a header row into a :class:`Table`.

    Raises :class:`CsvError` (a ValueError) for a file that is empty, has no
    data rows, a header with an empty or repeated name, a row with more or
    fewer fields than the header, a field that is not a finite number, or a
    byte that is not UTF-8; ``FileNotFoundError`` (and other ``OSError``)
    when the file cannot be read.
    """
    chunks = list(read_chunks(path))
    if len(chunks) == 1:
        return chunks[0]
    first = chunks[0]
    return Table(first.path, first.columns, np.concatenate([c.values for c in chunks]),
                 [line for c in chunks for line in c.lines])


def _field(value):
    if isinstance(value, str):
        return value
    number = float(value)
    # repr gives the shortest text that reads back as the same float.
    return str(int(number)) if number.is_integer() and abs(number) < 2**53 else repr(number)


def format_table(columns, rows):
    """CSV text: the header ``columns`` (None: no header), then one line per row (numbers written to read back exactly)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    if columns is not None:
        writer.writerow(columns)
    for row in rows:
        writer.writerow([_field(value) for value in row])
    return buffer.getvalue()


@contextlib.contextmanager
def table_writer(path, columns):
    """Write a CSV table chunk by chunk, atomically: ``with table_writer(path, columns) as write: write(rows)``.

    The lines go to a temporary file in ``path``'s folder, renamed over
    ``path`` when the block ends without an exception; when it raises, the
    temporary file is removed and ``path`` stays as it was.  ``path`` None
    writes to standard output as the rows come (a failure then leaves the
    lines already written).
    """
    if path is None:
        sys.stdout.write(format_table(columns, []))
        yield lambda rows: sys.stdout.write(format_table(None, rows))
        return
    with atomic_writer(path) as stream:
        stream.write(format_table(columns, []).encode("utf-8"))
        yield lambda rows: stream.write(format_table(None, rows).encode("utf-8"))


def write_table(path, columns, rows):
    """Write :func:`format_table`'s text to ``path`` atomically (a temporary file renamed over it)."""
    atomic_write(path, format_table(columns, rows).encode("utf-8"))
    return path
