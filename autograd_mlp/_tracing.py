"""Where the library's primitives report to a recording compiled step (see :mod:`autograd_mlp.jit`).

The engine, the optimizers and the layers call :func:`notify` at the few points
a recorded step must replay: an operation, a backward pass, a gradient reset,
an optimizer update, a random draw, a Value turned into a Python number.
``active`` counts the threads that are recording, so code that never compiles
pays one attribute test per hook.  The recorder itself is per thread.
"""

from __future__ import annotations

import threading

__all__ = ["active", "notify", "read", "recording_on", "recording_off"]

active = 0
_local = threading.local()
_lock = threading.Lock()


def notify(event, *args):
    """Hand ``event`` (a method name of the recorder) to this thread's recorder, if it has one."""
    recorder = getattr(_local, "recorder", None)
    if recorder is not None:
        getattr(recorder, event)(*args)


def recording_on(recorder):
    """Make ``recorder`` receive this thread's events; returns the recorder it replaces (or None)."""
    global active
    previous = getattr(_local, "recorder", None)
    _local.recorder = recorder
    if previous is None:
        with _lock:
            active += 1
    return previous


def recording_off(previous):
    """Undo :func:`recording_on`, restoring ``previous``."""
    global active
    _local.recorder = previous
    if previous is None:
        with _lock:
            active -= 1


def current():
    """This thread's recorder, or None."""
    return getattr(_local, "recorder", None)


def read(v, how):
    """``v.data`` for a decision in Python, which a recording compiled step warns its replay freezes."""
    if active:
        notify("concrete", v, how)
    return v.data
