"""Benchmark harness: the library against hand-written numpy and other frameworks, W1-W5.

    python benchmarks/run.py                      all workloads, 5 repeats of >= 1 s per peer
    python benchmarks/run.py --quick --only W1,W3 a fast look at two workloads
    python benchmarks/run.py --markdown benchmarks/RESULTS.md --json out.json --sweep --engine --profile

For each workload every peer is first checked against hand-written numpy
(loss and gradients at the shared start, parameters after one SGD step; 1e-12
norm-wise relative in float64, 1e-4 in float32); a peer that disagrees or
fails is refused and not timed.  The others are timed round-robin in this one
process.  See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    # Run as a script: make ``benchmarks`` importable from the repository root.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    __package__ = "benchmarks"

from benchmarks import checks, machine, profiling, report, timing  # noqa: E402
from benchmarks import workloads as wl  # noqa: E402

NATIVE_BLAS_VARIABLES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--only", help="comma-separated workloads to run, e.g. W1,W3 (W3 runs both dtypes; "
                   "W3/float32 one of them)")
    p.add_argument("--quick", action="store_true", help="3 repeats of 0.2 s, 100-step heap check")
    p.add_argument("--repeats", type=int, help="timed blocks per peer (default 5, 3 with --quick)")
    p.add_argument("--seconds", type=float, help="length of one timed block (default 1.0, 0.2 with --quick)")
    p.add_argument("--json", metavar="PATH", help="write all results as JSON")
    p.add_argument("--markdown", metavar="PATH", help="write the report as Markdown (benchmarks/RESULTS.md)")
    p.add_argument("--sweep", action="store_true", help="also time step vs batch size and width; saves scaling.png")
    p.add_argument("--sweep-plot", metavar="PATH", default=str(Path(__file__).with_name("scaling.png")))
    p.add_argument("--engine", action="store_true", help="also run benchmarks/engine.py's comparisons")
    p.add_argument("--profile", action="store_true", help="also cProfile the library on W1, W2, W4, W5")
    p.add_argument("--no-memory", action="store_true", help="skip the W3 tracemalloc measurements")
    p.add_argument("--from-json", metavar="PATH",
                   help="measure nothing: rewrite the --markdown report (and, if the run had a sweep, "
                        "the --sweep-plot) from a --json file of an earlier run")
    p.add_argument("--chain-ops", type=int, default=100_000, help="W5 length for the library (default 100,000)")
    p.add_argument("--peer-chain-ops", type=int, default=20_000, help="W5 length for the other frameworks")
    p.add_argument("--native-blas", action="store_true",
                   help="re-run this command with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed from its "
                        "environment (this process only), so OpenBLAS picks its kernel for the real CPU")
    p.add_argument("--blas-threads", type=int, metavar="N",
                   help="limit numpy's BLAS to N threads in this process (threadpoolctl); PyTorch follows. "
                        "On a busy shared machine N=1 avoids threads spinning against other processes")
    pinning = hasattr(os, "sched_setaffinity")
    p.add_argument("--pin-core", type=int, metavar="CORE", default=1 if pinning else None,
                   help="run this process, hence every peer and JAX's and PyTorch's thread pools, on this one core "
                        "(default 1, or the last usable core; where os.sched_setaffinity exists)")
    p.add_argument("--no-pin-core", dest="pin_core", action="store_const", const=None,
                   help="do not pin: let the peers' threads use every core")
    p.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                   help="time blocks by wall time (default) or by this process's CPU time, all threads "
                        "(leaves out other processes' time slices on a shared core)")
    p.add_argument("--unset-record", default="", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.repeats is None:
        args.repeats = 3 if args.quick else 5
    if args.seconds is None:
        args.seconds = 0.2 if args.quick else 1.0
    if args.repeats < 1 or args.seconds <= 0:
        p.error(f"--repeats must be >= 1 and --seconds > 0, got {args.repeats} and {args.seconds}")
    return args


def pin_to_core(core):
    """Pin this process to one core, before any framework starts its threads; returns the core used.

    JAX's XLA and PyTorch size their thread pools from the cores the process
    may use, so pinning first puts every peer on the same single core.
    """
    usable = sorted(os.sched_getaffinity(0))
    if core not in usable:
        core = usable[-1]
    os.sched_setaffinity(0, {core})
    # XLA's CPU client: Eigen's matrix kernels single-threaded, as numpy's BLAS and PyTorch are limited to.
    flags = os.environ.get("XLA_FLAGS", "")
    if "xla_cpu_multi_thread_eigen" not in flags:
        os.environ["XLA_FLAGS"] = (flags + " --xla_cpu_multi_thread_eigen=false").strip()
    return core


def reexec_without_blas_overrides(argv):
    """Replace this process by the same command with the OpenBLAS overrides removed from its environment."""
    present = {name: os.environ[name] for name in NATIVE_BLAS_VARIABLES if name in os.environ}
    if not present:
        return
    env = {k: v for k, v in os.environ.items() if k not in present}
    record = ",".join(f"{k}={v}" for k, v in present.items())
    os.execve(sys.executable, [sys.executable, os.path.abspath(__file__), *argv, "--unset-record", record], env)


def shown_arguments(argv):
    """The command-line arguments a person typed (without the record --native-blas adds when re-running)."""
    shown, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--unset-record":
            skip = True
        elif not arg.startswith("--unset-record="):
            shown.append(arg)
    return shown


def select(workloads, only):
    if not only:
        return workloads
    wanted = [w.strip() for w in only.split(",") if w.strip()]
    known = {w.id for w in workloads} | {w.group for w in workloads}
    unknown = [w for w in wanted if w not in known]
    if unknown:
        raise SystemExit(f"--only: unknown workload(s) {unknown}; expected some of {sorted(known)}")
    return [w for w in workloads if w.id in wanted or w.group in wanted]


def log(message):
    print(message, file=sys.stderr, flush=True)


def limit_blas(args):
    """Apply --blas-threads to every BLAS loaded so far (a peer's import may have brought a new one)."""
    if args.blas_threads is None:
        return None
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=args.blas_threads, user_api="blas")


def run_workload(workload, args):
    log(f"== {workload.title}")
    statuses = checks.build_peers(workload)
    limiter = limit_blas(args)  # noqa: F841  (kept alive while this workload runs)
    statuses = checks.verify(workload, statuses)
    for s in statuses:
        if s.ok:
            s.cycles, s.garbage = checks.count_cycles(s.peer)
        state = "ok" if s.ok else s.note
        err = "" if s.grad_error is None else f" (grad rel. err {s.grad_error:.1e})"
        log(f"   check {s.name}: {state}{err}")
    timed = [s.peer for s in statuses if s.ok]
    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    timings = timing.round_robin(timed, args.repeats, args.seconds, progress=lambda m: log("   " + m), clock=clock)
    peers = []
    for s in statuses:
        entry = {"name": s.name, "note": s.note, "grad_error": s.grad_error, "param_error": s.param_error,
                 "cycles": s.cycles, "garbage": s.garbage}
        t = timings.get(s.name)
        if t is not None:
            entry.update(median=t.median, low=t.low, high=t.high, steps_per_block=t.steps, units=t.units,
                         samples=t.per_unit)
        peers.append(entry)
    del timed, statuses
    gc.collect()
    return {"id": workload.id, "group": workload.group, "title": workload.title, "unit": workload.unit,
            "reference": workload.reference, "baselines": workload.baselines, "peers": peers}


def run_memory(workloads, args):
    out = []
    steps = 100 if args.quick else 1000
    for workload in workloads:
        if workload.group != "W3":
            continue
        for name in ("hand-numpy", report.LIBRARY, report.COMPILED):
            log(f"   memory {workload.id} {name}")
            m = checks.memory_profile(workload.factory(name), growth_steps=steps if name != "hand-numpy" else 0)
            out.append({"workload": workload.id, "name": name, "peak": m.peak, "transient": m.transient,
                        "growth": m.growth, "steps": m.steps})
    return out


def run_profiles(workloads, args):
    plan = {"W1": 300, "W2": 300, "W4": 2, "W5": 2}
    profiles = {}
    for workload in workloads:
        if workload.id not in plan:
            continue
        name = next(f.name for f in workload.peers if f.name.startswith(report.LIBRARY))
        log(f"   profiling {workload.id} {name}")
        steps = max(1, plan[workload.id] // (5 if args.quick else 1))
        profiles[workload.id] = f"{name}\n" + profiling.profile(workload.factory(name).build(), steps)
    return profiles


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parse_args(argv)
    if args.from_json:
        if not args.markdown:
            raise SystemExit("--from-json needs --markdown PATH (the report to write)")
        results = json.loads(Path(args.from_json).read_text())
        if args.sweep_plot and results.get("sweep"):
            from benchmarks import sweep

            sweep.plot(results["sweep"], args.sweep_plot)  # the stored sweep, drawn again
        Path(args.markdown).write_text(report.markdown_report(results))
        return results
    if args.native_blas:
        reexec_without_blas_overrides(argv)
    pinned = pin_to_core(args.pin_core) if args.pin_core is not None else None
    limiter = None
    if args.blas_threads is not None:
        try:
            import threadpoolctl  # noqa: F401
        except ImportError:
            raise SystemExit("--blas-threads needs threadpoolctl (pip install threadpoolctl)") from None
        if args.blas_threads < 1:
            raise SystemExit(f"--blas-threads must be >= 1, got {args.blas_threads}")
        limiter = limit_blas(args)  # kept for the whole run
    threads = machine.blas_threads()
    load_at_start = [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None
    all_workloads = wl.build(threads, chain_ops=args.chain_ops, chain_peer_ops=args.peer_chain_ops)
    workloads = select(all_workloads, args.only)
    clock = "this process's CPU time (all threads)" if args.clock == "cpu" else "wall time"
    results = {"settings": f"{args.repeats} repeats per peer, blocks of >= {args.seconds:g} s of {clock}, "
                           f"round-robin; median and min–max over the repeats",
               "workloads": [run_workload(w, args) for w in workloads]}
    if not args.no_memory and any(w.group == "W3" for w in workloads):
        results["memory"] = run_memory(workloads, args)
    if args.engine:
        from benchmarks import engine

        results["engine"] = engine.run(quick=args.quick, progress=log)
    if args.profile:
        results["profiles"] = run_profiles(workloads, args)
    if args.sweep:
        from benchmarks import sweep

        data = sweep.run(quick=args.quick, threads=threads, progress=log,
                         clock=time.process_time if args.clock == "cpu" else time.perf_counter)
        sweep.plot(data, args.sweep_plot)
        results["sweep"] = data
        results["sweep_plot"] = os.path.basename(args.sweep_plot)
    command = "python benchmarks/run.py " + " ".join(shown_arguments(argv))
    unset = dict(item.split("=", 1) for item in args.unset_record.split(",") if "=" in item)
    results["machine"] = machine.describe(command.strip(), unset)
    results["machine"]["load_average_at_start"] = load_at_start
    if limiter is not None:
        results["machine"]["blas_threads_limited_to"] = args.blas_threads
    results["machine"]["pinned_core"] = pinned
    print(report.text_report(results))
    if results.get("profiles"):
        for wid, text in results["profiles"].items():
            print(f"\nProfile {wid}: {text}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, default=str))
    if args.markdown:
        Path(args.markdown).write_text(report.markdown_report(results))
    return results


if __name__ == "__main__":
    main()
