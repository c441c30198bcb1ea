"""Where a peer spends its time: cProfile over a few steps, the functions with the most own time."""

from __future__ import annotations

import cProfile
import io
import os
import pstats


def _short(filename):
    """A path shortened to the package it belongs to (site-packages prefixes and the repository removed)."""
    for marker in ("site-packages" + os.sep, "autograd_mlp" + os.sep, "benchmarks" + os.sep):
        if marker in filename:
            prefix = "" if marker.startswith("site-packages") else marker
            return prefix + filename.split(marker, 1)[1]
    return os.path.basename(filename)


def profile(peer, steps, top=12):
    """Text table of the ``top`` functions by own time over ``steps`` steps (after one warm-up step)."""
    peer.step()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(steps):
        peer.step()
    peer.sync()
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = stats.total_tt
    rows = []
    for (filename, line, function), (cc, nc, tottime, cumtime, _) in stats.stats.items():
        rows.append((tottime, cumtime, nc, f"{_short(filename)}:{line}({function})"))
    rows.sort(reverse=True)
    out = io.StringIO()
    out.write(f"{steps} step{'s' if steps != 1 else ''}, {total:.3f} s profiled ({total / steps * 1e6:,.0f} µs/step under the profiler)\n")
    out.write(f"{'own s':>8} {'own %':>6} {'cum s':>8} {'calls/step':>11}  function\n")
    for tottime, cumtime, calls, where in rows[:top]:
        out.write(f"{tottime:8.3f} {100 * tottime / total:5.1f}% {cumtime:8.3f} {calls / steps:11,.0f}  {where}\n")
    return out.getvalue()
