"""The engine's own comparison: what a graph node costs over the bare arithmetic it records.

    python benchmarks/engine.py [--quick]

(a) Scalar path: the W4 training step (micrograd's demo MLP) with this
    library's ScalarMLP, with micrograd's own code on this library's Value, and
    with micrograd, per step and per graph node.
(b) Per-operation overhead: one operation on Values against the same numpy
    call (4x4 float64 arrays) or Python float arithmetic (scalars), forward
    only and forward plus a one-node backward; and micrograd's scalar ops.
Micro-timings take the best of several repeats (the least disturbed run).
"""

from __future__ import annotations

import argparse
import sys
import timeit
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    __package__ = "benchmarks"

import numpy as np  # noqa: E402

from benchmarks import report, timing  # noqa: E402
from benchmarks import workloads as wl  # noqa: E402


def best_time(fn, repeats, target):
    """Seconds per call of ``fn``: the best of ``repeats`` loops of about ``target`` seconds each."""
    timer = timeit.Timer(fn)
    number, elapsed = timer.autorange()
    number = max(1, int(number * target / max(elapsed, 1e-9)))
    return min(timer.repeat(repeat=repeats, number=number)) / number


SCALAR_PEERS = ("autograd_mlp", "autograd_mlp, micrograd-style code", "micrograd (gc on)", "micrograd (gc off)")


def graph_size(root):
    """Nodes reachable from ``root``: this library's Values (``_parents``) or micrograd's (``_prev``)."""
    seen, stack = {id(root)}, [root]
    while stack:
        node = stack.pop()
        for parent in getattr(node, "_parents", None) or getattr(node, "_prev", ()):
            if id(parent) not in seen:
                seen.add(id(parent))
                stack.append(parent)
    return len(seen)


def scalar_step(quick=False, progress=None):
    """(a) The W4 step: this library's scalar networks against micrograd, per step and per graph node.

    ``autograd_mlp`` is the library's ScalarMLP (one node per neuron's weighted
    sum); the micrograd-style row runs micrograd's own code on this library's
    Value, node for node the graph micrograd builds.
    """
    workload = wl.scalar_workload()
    peers, notes, nodes = [], {}, {}
    for name in SCALAR_PEERS:
        try:
            peer = workload.factory(name).build()
        except wl.Unavailable as exc:
            notes[name] = f"skipped: {exc}"
            continue
        peers.append(peer)
        nodes[name] = graph_size(peer._loss())
    results = timing.round_robin(peers, repeats=2 if quick else 3, target=0.5 if quick else 1.5, progress=progress)
    lib_time = results["autograd_mlp"].median
    rows = []
    for name in SCALAR_PEERS:
        if name in notes:
            rows.append([name, "—", "—", "—", "", notes[name]])
            continue
        t = results[name].median
        rows.append([name, f"{t * 1e3:,.1f}", f"{nodes[name]:,}", f"{t / nodes[name] * 1e6:.2f}",
                     f"{t / lib_time:.2f}", ""])
    return {"title": "(a) scalar MLP step (W4)",
            "header": ["implementation", "ms/step", "graph nodes", "µs/node", "time ÷ autograd_mlp", "note"],
            "rows": rows}


def _array_cases():
    from autograd_mlp import Value

    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((4, 4)), rng.standard_normal((4, 4))
    g = np.ones((4, 4))
    a, b = Value(x), Value(y)

    def backward(make):
        def run():
            a.grad = b.grad = None
            make().backward(g)
        return run

    return [
        ("a + b", lambda: a + b, lambda: x + y, backward(lambda: a + b), lambda: (x + y, g.copy(), g.copy())),
        ("a * b", lambda: a * b, lambda: x * y, backward(lambda: a * b), lambda: (x * y, g * y, g * x)),
        ("a @ b", lambda: a @ b, lambda: x @ y, backward(lambda: a @ b), lambda: (x @ y, g @ y.T, x.T @ g)),
        ("tanh(a)", lambda: a.tanh(), lambda: np.tanh(x), backward(lambda: a.tanh()),
         lambda: (lambda t: g * (1 - t * t))(np.tanh(x))),
    ]


def _scalar_cases():
    from autograd_mlp import Value

    p, q = 0.7, -1.3
    a, b = Value(p), Value(q)

    def backward(make):
        def run():
            a.grad = b.grad = None
            make().backward()
        return run

    return [
        ("x + y (scalars)", lambda: a + b, lambda: p + q, backward(lambda: a + b), lambda: (p + q, 1.0, 1.0)),
        ("x * y (scalars)", lambda: a * b, lambda: p * q, backward(lambda: a * b), lambda: (p * q, q, p)),
        ("relu(x) (scalar)", lambda: a.relu(), lambda: max(p, 0.0), backward(lambda: a.relu()),
         lambda: (max(p, 0.0), 1.0 if p > 0 else 0.0)),
    ]


def _micrograd_cases():
    try:
        from micrograd.engine import Value
    except ImportError:
        return {}
    a, b = Value(0.7), Value(-1.3)

    def backward(make):
        def run():
            a.grad = b.grad = 0
            make().backward()
        return run

    return {
        "x + y (scalars)": (lambda: a + b, backward(lambda: a + b)),
        "x * y (scalars)": (lambda: a * b, backward(lambda: a * b)),
        "relu(x) (scalar)": (lambda: a.relu(), backward(lambda: a.relu())),
    }


def per_op(quick=False, progress=None):
    """(b) One operation through a Value against the bare numpy call or float arithmetic."""
    repeats, target = (3, 0.05) if quick else (5, 0.2)
    micrograd = _micrograd_cases()
    rows = []
    for label, value_fwd, bare_fwd, value_fb, bare_fb in _array_cases() + _scalar_cases():
        if progress:
            progress(f"   per-op {label}")
        vf, nf = best_time(value_fwd, repeats, target), best_time(bare_fwd, repeats, target)
        vb, nb = best_time(value_fb, repeats, target), best_time(bare_fb, repeats, target)
        row = [label, f"{vf * 1e9:,.0f}", f"{nf * 1e9:,.0f}", f"{vf / nf:.1f}",
               f"{vb * 1e9:,.0f}", f"{nb * 1e9:,.0f}", f"{vb / nb:.1f}"]
        if label in micrograd:
            mf, mb = (best_time(fn, repeats, target) for fn in micrograd[label])
            row += [f"{mf * 1e9:,.0f}", f"{mb * 1e9:,.0f}"]
        else:
            row += ["", ""]
        rows.append(row)
    header = ["operation", "Value fwd ns", "bare ns", "fwd ratio", "Value fwd+bwd ns", "bare fwd+vjp ns",
              "fwd+bwd ratio", "micrograd fwd ns", "micrograd fwd+bwd ns"]
    return {"title": "(b) per-operation cost, 4x4 float64 arrays (bare = numpy) and scalars (bare = Python floats)",
            "header": header, "rows": rows}


def run(quick=False, progress=None):
    """Both comparisons, as report tables ``{"title", "header", "rows"}``."""
    return [scalar_step(quick, progress), per_op(quick, progress)]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="shorter timings")
    args = parser.parse_args(argv)
    for table in run(args.quick, progress=lambda m: print(m, file=sys.stderr)):
        print(table["title"])
        print(report.text_table(table["header"], table["rows"]))
        print()


if __name__ == "__main__":
    main()
