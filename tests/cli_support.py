"""Helpers shared by the command-line tests: small CSV files and a run of ``main`` that captures its output."""

from __future__ import annotations

import numpy as np

from autograd_mlp.cli import main


def write_csv(path, columns, rows, bom=False, trailing_blank_lines=0):
    """A CSV file with a header; numbers written with repr (exact)."""
    lines = [",".join(columns)] + [",".join(repr(float(v)) if not isinstance(v, str) else v for v in row) for row in rows]
    text = ("\ufeff" if bom else "") + "\n".join(lines) + "\n" + "\n" * trailing_blank_lines
    path.write_text(text, encoding="utf-8")
    return str(path)


def binary_rows(n=40, seed=0):
    """Two features on very different scales; the class is 1 when a + b / 100 > 0."""
    rng = np.random.default_rng(seed)
    a = rng.normal(size=n)
    b = rng.normal(scale=100.0, size=n)
    y = (a + b / 100.0 > 0).astype(float)
    return np.column_stack([a, b, y])


def run(capsys, *argv):
    """``main(argv)``: returns (exit status, stdout, stderr)."""
    status = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err
