"""``autograd-mlp``: the command line (also ``python -m autograd_mlp``).

::

    autograd-mlp demo [--out DIR] [--quick]
    autograd-mlp train DATA.csv --target COLUMN --out MODEL [--layers 16,16 --standardize --chunk-rows N ...]
    autograd-mlp evaluate MODEL DATA.csv [--chunk-rows N]
    autograd-mlp predict MODEL DATA.csv [--out FILE] [--predictions-only] [--chunk-rows N]
    autograd-mlp summary MODEL
    autograd-mlp draw MODEL --out FILE.svg [--neurons]
    autograd-mlp explain MODEL DATA.csv --out DIR [--method shapley|permutation|integrated_gradients]

``train`` saves the network with :func:`autograd_mlp.models.save_model` and, next
to it in ``MODEL.json``, the feature and target column names, the task and
the standardizer (see :mod:`.modelinfo`).

``train``, ``evaluate`` and ``predict`` read DATA.csv in chunks of
``--chunk-rows`` rows: ``evaluate`` and ``predict`` hold one chunk at a
time; ``train`` keeps the rows for the fit but measures the standardization
chunk by chunk and chooses the validation rows by a rule that needs no look
ahead (:mod:`.holdout`).

``train`` writes nothing when the training diverged: NaN or infinite
weights or loss, or a final training loss more than 10 times the loss of
the untrained model (:mod:`autograd_mlp.divergence`).  No command writes an
output over one of its inputs (the same file by path, symlink or hard link).

Exit status: 0 on success, 1 when the data or a file cannot be used, 2 for
a bad command line.  Every error is one line on stderr saying what is wrong
and where (file, line, column); no command leaves a half-written file.
"""

from __future__ import annotations

import os
import sys

import numpy as np

from .errors import CommandError, one_line
from .parser import PROG, build_parser

__all__ = ["main"]


def _handlers():
    # Imported on use: `--help` stays quick, and the demo pulls in the plotting code only when it runs.
    from . import commands, demo, explaining

    return {
        "demo": demo.run,
        "train": commands.train,
        "evaluate": commands.evaluate,
        "predict": commands.predict,
        "summary": commands.summary,
        "draw": commands.draw,
        "explain": explaining.explain,
    }


def _os_message(exc):
    if exc.filename is not None and exc.strerror:
        return f"{exc.filename}: {exc.strerror}"
    return str(exc)


def _fail(command, message, status):
    where = PROG if command is None else f"{PROG} {command}"
    sys.stderr.write(f"{where}: error: {one_line(message)}\n")
    return status


def _silence_stdout():
    """After a closed pipe (``predict ... | head``), point stdout at /dev/null so the exit flush is quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def main(argv=None):
    """Run the command line ``argv`` (default ``sys.argv[1:]``); returns the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help, --version, or a usage error already printed
        return stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 2)
    handler = _handlers()[args.command]
    try:
        # numpy's overflow warnings would add lines to stderr; a loss that stops
        # being finite is reported by fit itself, as one error.
        with np.errstate(all="ignore"):
            return int(handler(args) or 0)
    except CommandError as exc:
        return _fail(args.command, exc, exc.status)
    except BrokenPipeError:
        _silence_stdout()
        return 1
    except OSError as exc:
        return _fail(args.command, _os_message(exc), 1)
    except (ValueError, TypeError, ArithmeticError, RuntimeError, ImportError) as exc:
        # The library reports bad input as ValueError / TypeError naming what was expected;
        # FloatingPointError (diverging training), a missing dot program or matplotlib end here too.
        return _fail(args.command, exc, 1)
    except KeyboardInterrupt:
        return _fail(args.command, "interrupted", 130)
