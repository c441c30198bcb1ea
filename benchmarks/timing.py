"""Timing: calibrate a loop length per peer, then measure peers round-robin.

Each measurement runs a peer's step ``n`` times in a row (``n`` chosen so the
block lasts at least ``target`` seconds) and divides.  Peers take turns
block by block, with the order rotated every repeat, so a slow drift of the
machine (another process, frequency scaling) spreads over all peers instead of
landing on one.  The garbage collector is run before every block, outside the
timed region, so no peer pays for the garbage of another; and everything that
exists when timing starts (the imported frameworks' modules, the peers' own
parameters) is set aside with ``gc.freeze()``, so a peer that runs with the
collector on does not pay for scanning objects of the other frameworks that
happen to be loaded in the same process.

The clock is wall time by default; ``clock=time.process_time`` counts this
process's CPU time instead (every thread's, so JAX's XLA threads too), which
leaves out the time slices other processes take on a shared core.
"""

from __future__ import annotations

import gc
import math
import statistics
import time
from dataclasses import dataclass, field


@dataclass
class Timing:
    """Seconds per unit for each repeat, and the loop length used."""

    steps: int
    units: int
    per_unit: list[float] = field(default_factory=list)

    @property
    def median(self):
        return statistics.median(self.per_unit)

    @property
    def low(self):
        return min(self.per_unit)

    @property
    def high(self):
        return max(self.per_unit)


def time_block(peer, steps, clock=time.perf_counter):
    """Seconds for ``steps`` consecutive steps of ``peer`` (garbage collected beforehand, untimed)."""
    gc.collect()
    peer.before_timing()
    try:
        step = peer.step
        start = clock()
        for _ in range(steps):
            step()
        peer.sync()
        elapsed = clock() - start
    finally:
        peer.after_timing()
    return elapsed


def calibrate(peer, target, warmup=2, clock=time.perf_counter):
    """The number of steps whose block lasts about ``target`` seconds (at least 1), after ``warmup`` steps.

    The warm-up steps absorb one-time costs (JAX compiles on its first call,
    caches fill).
    """
    for _ in range(warmup):
        peer.step()
    peer.sync()
    steps = 1
    while True:
        elapsed = time_block(peer, steps, clock)
        if elapsed >= target / 10 or steps >= 1 << 24:
            break
        steps *= 10 if elapsed < target / 100 else 2
    return max(1, math.ceil(steps * target / max(elapsed, 1e-9)))


def round_robin(peers, repeats, target, progress=None, clock=time.perf_counter):
    """Time every peer ``repeats`` times in rotating order; returns ``{name: Timing}``."""
    results = {}
    gc.collect()
    gc.freeze()
    try:
        for peer in peers:
            if progress:
                progress(f"calibrating {peer.name}")
            results[peer.name] = Timing(steps=calibrate(peer, target, clock=clock), units=peer.units)
        order = list(peers)
        for r in range(repeats):
            rotated = order[r % len(order):] + order[: r % len(order)]
            for peer in rotated:
                timing = results[peer.name]
                elapsed = time_block(peer, timing.steps, clock)
                timing.per_unit.append(elapsed / (timing.steps * timing.units))
            if progress:
                progress(f"repeat {r + 1}/{repeats} done")
    finally:
        gc.unfreeze()
    return results
