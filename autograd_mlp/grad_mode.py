"""The engine's mode and its shared state: grad recording per thread, the collector paused per process.

Whether operations record the graph is a per-thread mode, as PyTorch's grad
mode is: ``no_grad()`` in a thread that predicts leaves a thread that trains
untouched.  The cyclic garbage collector is one per process, so pausing it
during a backward pass is counted across threads.
"""

from __future__ import annotations

import contextlib
import gc
import threading

__all__ = ["no_grad", "enable_grad", "is_grad_enabled", "gc_paused"]


class _ThreadState(threading.local):
    """The engine's state that belongs to one thread, as PyTorch's grad mode does.

    ``grad_enabled``: whether operations record the graph (a ``no_grad()``
    block in one thread leaves training in another untouched).
    ``grad_depth``: how many grad()/value_and_grad() calls are evaluating
    their f right now in this thread (see ``_grad_function``).
    ``__init__`` runs once in each thread that touches the state.
    """

    def __init__(self):
        self.grad_enabled = True
        self.grad_depth = 0


_state = _ThreadState()

# One entry per no_grad() region open in any thread.  While the list is
# empty, every thread records the graph, so an operation tests this plain
# global instead of its thread's state (a thread-local lookup on every
# operation is what the scalar networks would pay for otherwise).  A thread
# whose mode is off is always inside such a region, so the shortcut is never
# wrong.  list.append and list.pop are atomic, so no lock is needed.
_off_regions = []


def is_grad_enabled() -> bool:
    """True when operations record the graph in this thread (outside ``no_grad()``)."""
    return _state.grad_enabled


class _set_grad_enabled(contextlib.ContextDecorator):
    """Context manager (and decorator) that sets this thread's grad mode and restores it on exit.

    A class rather than a generator-based context manager: it is entered on
    every optimizer step and every prediction, and costs less this way.
    """

    __slots__ = ("mode", "_previous")

    def __init__(self, mode: bool):
        self.mode = bool(mode)
        self._previous = []

    def __enter__(self):
        if not self.mode:
            _off_regions.append(None)  # before the mode goes off (see _off_regions)
        state = _state
        self._previous.append(state.grad_enabled)
        state.grad_enabled = self.mode
        return self

    def __exit__(self, *exc):
        _state.grad_enabled = self._previous.pop()
        if not self.mode:
            _off_regions.pop()  # after the mode is restored
        return False


# The cyclic collector is one per process: threads pausing it share a count,
# and the last one out restores the state the first one in found.
_gc_lock = threading.Lock()
_gc_pausers = 0
_gc_was_enabled = False


def _pause_gc():
    """Enter a paused region (see :class:`gc_paused`); pair with :func:`_resume_gc`.

    Plain functions, for the backward pass that pauses on every call: cheaper
    than entering a context manager.
    """
    global _gc_pausers, _gc_was_enabled
    with _gc_lock:
        if _gc_pausers == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pausers += 1


def _resume_gc():
    """Leave a paused region; the last thread out restores the collector."""
    global _gc_pausers
    with _gc_lock:
        _gc_pausers -= 1
        if _gc_pausers == 0 and _gc_was_enabled:
            gc.enable()


class gc_paused:
    """Pause Python's cyclic garbage collector while building or walking a graph.

    A graph of Values holds no reference cycles (a node refers to its parents,
    never to its children), so reference counting frees it and the cyclic
    collector has nothing to find in it.  Left on, the collections that many
    small allocations trigger re-scan the growing graph again and again
    (benchmarks/RESULTS.md, W5).  Safe with threads: the collector comes back
    on (if it was on) only when no thread is inside a paused region any more.
    """

    __slots__ = ()

    def __enter__(self):
        _pause_gc()
        return self

    def __exit__(self, *exc):
        _resume_gc()
        return False


def no_grad():
    """Context manager: operations inside it record no graph (inference, weight updates)."""
    return _set_grad_enabled(False)


def enable_grad():
    """Context manager: record the graph again, even inside ``no_grad()``."""
    return _set_grad_enabled(True)
