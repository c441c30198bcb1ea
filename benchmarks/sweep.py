"""Scaling: time per step against batch size and against hidden width, library vs hand-written numpy.

    python benchmarks/sweep.py [--quick] [--out benchmarks/scaling.png]

The network is W2's shape widened: 32 inputs, two tanh layers of width H, one
sigmoid output with binary cross-entropy, float64.  Small sizes show the
fixed cost per step (Python, graph bookkeeping); large ones show whether the
library reaches numpy's arithmetic speed.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    __package__ = "benchmarks"

from benchmarks import checks, timing  # noqa: E402
from benchmarks import workloads as wl  # noqa: E402

INPUTS = 32
BATCHES = [1, 4, 16, 64, 256, 1024, 4096]
WIDTHS = [4, 16, 64, 256, 1024]
FIXED_WIDTH = 64
FIXED_BATCH = 128
PEERS = ("hand-numpy", "autograd_mlp", "autograd_mlp jit")


def spec(batch, width):
    return wl.DenseSpec(sizes=(INPUTS, width, width, 1), activations=("tanh", "tanh", "sigmoid"), loss="bce",
                        batch=batch, lr=0.01)


def _point(batch, width, repeats, target, threads, clock=time.perf_counter):
    workload = wl.dense_workload(f"b{batch}-h{width}", "sweep", "sweep", spec(batch, width), threads, peers=PEERS)
    statuses = checks.verify(workload, checks.build_peers(workload))
    bad = [s for s in statuses if not s.ok]
    if bad:
        raise RuntimeError(f"sweep point batch={batch} width={width}: {bad[0].name} {bad[0].note}")
    results = timing.round_robin([s.peer for s in statuses], repeats, target, clock=clock)
    return {name: results[name].median for name in PEERS}


def run(quick=False, threads=1, progress=None, clock=time.perf_counter):
    """``{"batch": [(batch, {peer: s/step})], "width": [(width, {...})]}``."""
    # 5 blocks of 0.5 s: with 3 of 0.3 s, small-batch points moved by 40% between runs on a shared machine
    repeats, target = (2, 0.1) if quick else (5, 0.5)
    batches = BATCHES[::2] if quick else BATCHES
    widths = WIDTHS[::2] if quick else WIDTHS
    data = {"inputs": INPUTS, "fixed_width": FIXED_WIDTH, "fixed_batch": FIXED_BATCH, "batch": [], "width": []}
    for b in batches:
        if progress:
            progress(f"   sweep batch {b}")
        data["batch"].append((b, _point(b, FIXED_WIDTH, repeats, target, threads, clock)))
    for h in widths:
        if progress:
            progress(f"   sweep width {h}")
        data["width"].append((h, _point(FIXED_BATCH, h, repeats, target, threads, clock)))
    return data


def plot(data, path):
    """Two log-log panels of µs/step, each with the library ÷ numpy ratio below."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(11, 7), sharex="col", gridspec_kw={"height_ratios": [3, 1.3]})
    panels = [("batch", "batch size", f"width {data['fixed_width']}"),
              ("width", "hidden width H", f"batch {data['fixed_batch']}")]
    # one colour and marker per peer, the same in the time and the ratio panels
    styles = {name: (f"C{i}", marker + "-") for i, (name, marker) in enumerate(zip(PEERS, "osd"))}
    for col, (key, xlabel, fixed) in enumerate(panels):
        xs = [x for x, _ in data[key]]
        top, bottom = axes[0][col], axes[1][col]
        for name in PEERS:
            color, style = styles[name]
            top.plot(xs, [t[name] * 1e6 for _, t in data[key]], style, color=color, label=name)
        top.set_xscale("log")
        top.set_yscale("log")
        top.set_ylabel("µs per step")
        top.set_title(f"MLP {data['inputs']}-H-H-1 tanh/tanh/sigmoid, BCE, float64 ({fixed})")
        top.grid(True, which="both", alpha=0.3)
        top.legend()
        for name in PEERS[1:]:
            color, style = styles[name]
            bottom.plot(xs, [t[name] / t["hand-numpy"] for _, t in data[key] if name in t], style, color=color,
                        label=name)
        bottom.axhline(1.0, color="grey", lw=0.8)
        bottom.axhline(1.25, color="grey", lw=0.8, ls=":")
        bottom.set_xscale("log")
        bottom.set_ylabel("÷ hand-numpy")
        bottom.legend(fontsize="small")
        bottom.set_xlabel(xlabel)
        bottom.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv=None):
    from benchmarks import machine

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", default=str(Path(__file__).with_name("scaling.png")))
    args = parser.parse_args(argv)
    data = run(args.quick, threads=machine.blas_threads(), progress=lambda m: print(m, file=sys.stderr))
    for key in ("batch", "width"):
        for x, t in data[key]:
            print(f"{key} {x:>5}: numpy {t['hand-numpy'] * 1e6:10.1f} µs  autograd_mlp {t['autograd_mlp'] * 1e6:10.1f} µs"
                  f"  ratio {t['autograd_mlp'] / t['hand-numpy']:.2f}  compiled ratio "
                  f"{t['autograd_mlp jit'] / t['hand-numpy']:.2f}")
    plot(data, args.out)
    print(f"saved {args.out}")


if __name__ == "__main__":
    main()
