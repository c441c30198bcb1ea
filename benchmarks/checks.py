"""Checks run before anything is timed: equal gradients, equal updates, reference cycles, memory.

A peer is timed only if its loss and gradients at the shared starting point,
and its parameters after one step, match the reference to the workload's
tolerance (norm-wise relative difference).  A peer that disagrees, or fails,
is refused with the reason, so no table ever compares different computations.
"""

from __future__ import annotations

import gc
import tracemalloc
from dataclasses import dataclass, field

from .workloads.base import Unavailable, max_relative_error, relative_error


@dataclass
class PeerStatus:
    """What the checks found for one peer; ``ok`` peers get timed."""

    name: str
    ok: bool = False
    note: str = ""
    grad_error: float | None = None
    param_error: float | None = None
    cycles: int | None = None
    garbage: int | None = None
    peer: object = field(default=None, repr=False)


def _describe_error(exc):
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}"[:120]


def build_peers(workload):
    """Build every peer; returns ``[PeerStatus]`` with ``peer`` set, or a note saying why not."""
    statuses = []
    for factory in workload.peers:
        status = PeerStatus(factory.name)
        try:
            status.peer = factory.build()
        except Unavailable as exc:
            status.note = f"skipped: {exc}"
        except Exception as exc:  # a broken peer is reported, not fatal
            status.note = f"failed to build: {_describe_error(exc)}"
        statuses.append(status)
    return statuses


def verify(workload, statuses):
    """Compare each peer with the reference: loss and gradients, then parameters after one step."""
    by_name = {s.name: s for s in statuses}
    reference = by_name.get(workload.reference)
    if reference is None or reference.peer is None:
        for s in statuses:
            s.ok = False
            s.note = s.note or f"refused: reference {workload.reference!r} unavailable"
        return statuses
    shared = workload.reference_for is None
    expected = reference.peer.gradients() if shared else None
    for s in statuses:
        if s.peer is None:
            continue
        try:
            ref_peer = reference.peer if shared else workload.reference_for(s.peer)
            ref_loss, ref_grads = expected if shared else ref_peer.gradients()
            loss, grads = s.peer.gradients()
            s.grad_error = max(max_relative_error(grads, ref_grads), relative_error(loss, ref_loss))
        except Exception as exc:
            s.note = f"failed: {_describe_error(exc)}"
            s.peer = None
            continue
        if not s.grad_error <= workload.tolerance:
            s.note = f"refused: gradients differ from {workload.reference} by {s.grad_error:.1e}"
            continue
        s.ok = True
    # One step each, then the parameters must still agree.
    ref_params = None
    if reference.ok:
        reference.peer.step()
        ref_params = reference.peer.parameters()
    for s in statuses:
        if not s.ok or s is reference:
            continue
        s.peer.step()
        params = s.peer.parameters()
        if params is None or ref_params is None:
            continue
        s.param_error = max_relative_error(params, ref_params)
        if not s.param_error <= workload.tolerance:
            s.ok = False
            s.note = f"refused: parameters after one step differ by {s.param_error:.1e}"
    if reference.ok:
        reference.param_error = 0.0 if ref_params is not None else None
    return statuses


def count_cycles(peer):
    """Objects a training step leaves only in reference cycles: ``gc.collect()`` right after one step.

    The collector is off during the step so no automatic collection hides
    the cycles, and what existed before the step is frozen (set aside), so
    only the step's own unreachable cycles are counted.  Returns
    ``(collected, len(gc.garbage))``.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    gc.freeze()
    try:
        peer.step()
        peer.sync()
        collected = gc.collect()
        return collected, len(gc.garbage)
    finally:
        gc.unfreeze()
        if was_enabled:
            gc.enable()


@dataclass
class MemoryReport:
    """tracemalloc figures for one peer, in bytes."""

    name: str
    peak: int  # above the baseline before the peer was built: model, buffers and a step's temporaries
    transient: int  # above what was allocated just before the step: the step's own temporaries
    growth: int | None = None  # heap change over ``steps`` steps after warm-up
    steps: int = 0


def memory_profile(factory, growth_steps=0, warmup=3):
    """Build a peer under tracemalloc and measure one step's peak; optionally the heap growth over many steps.

    Objects that exist beforehand are frozen out of the collector's view, so
    the collections done here only look at what the peer allocates.
    """
    gc.freeze()
    started = not tracemalloc.is_tracing()
    if started:
        tracemalloc.start()
    try:
        baseline = tracemalloc.get_traced_memory()[0]
        peer = factory.build()
        for _ in range(warmup):
            peer.step()
        gc.collect()
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        peer.step()
        peak = tracemalloc.get_traced_memory()[1]
        report = MemoryReport(factory.name, peak=peak - baseline, transient=peak - before)
        if growth_steps:
            gc.collect()
            start = tracemalloc.get_traced_memory()[0]
            for _ in range(growth_steps):
                peer.step()
            gc.collect()
            report.growth = tracemalloc.get_traced_memory()[0] - start
            report.steps = growth_steps
        del peer
        return report
    finally:
        if started:
            tracemalloc.stop()
        gc.unfreeze()
