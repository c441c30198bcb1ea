"""autograd_mlp.sklearn.MLPClassifier against scikit-learn's MLPClassifier: test accuracy and fit time.

    python benchmarks/sklearn_compare.py                     the full run, writes benchmarks/RESULTS_sklearn.md
    python benchmarks/sklearn_compare.py --quick --no-write  a fast look (2 seeds, 20 epochs), table only
    python benchmarks/sklearn_compare.py --blas-threads 1    steadier times on a busy machine

On iris, breast cancer and digits: one fixed stratified split (75% train,
25% test, ``random_state=0``), inputs standardized with the training rows'
means and deviations, then for each seed both estimators fit the same network
(``hidden_layer_sizes=(64,)``, relu, Adam, ``learning_rate_init=0.001``,
``alpha=1e-4``, ``batch_size="auto"``: min(200, rows)) for exactly ``--epochs`` epochs
(``tol=0`` and ``n_iter_no_change=inf`` switch the stopping rule off).  With
the same ``random_state`` both draw the same initial weights and visit the
batches in the same order; their Adams differ only in where ε enters (see
:mod:`autograd_mlp.sklearn`).  The two fits of a seed run back to back, so a
change in the machine's load hits both alike; both use numpy's BLAS, whose
threads contend badly with other work on a busy machine (``--blas-threads 1``
pins them).  Reported per data set: mean
(and standard deviation) of the test accuracy over the seeds, mean wall-clock
and CPU seconds per fit, and the ratio of the means.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import shlex
import statistics
import sys
import time
import warnings
from pathlib import Path

if __package__ in (None, ""):
    # Run as a script: make ``benchmarks`` and ``autograd_mlp`` importable from the repository root.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    __package__ = "benchmarks"

import numpy as np  # noqa: E402
from sklearn import neural_network  # noqa: E402
from sklearn.datasets import load_breast_cancer, load_digits, load_iris  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from autograd_mlp import sklearn as ours  # noqa: E402
from benchmarks import machine  # noqa: E402

DATASETS = {"iris": load_iris, "breast_cancer": load_breast_cancer, "digits": load_digits}
RESULTS = Path(__file__).resolve().parent / "RESULTS_sklearn.md"


def settings(epochs, seed, hidden=(64,)):
    """The arguments both estimators get: the same network, optimizer, batches and epoch count."""
    return dict(hidden_layer_sizes=hidden, activation="relu", solver="adam", learning_rate_init=0.001,
                alpha=1e-4, batch_size="auto", max_iter=epochs, tol=0.0, n_iter_no_change=np.inf,
                shuffle=True, random_state=seed)


def split(name):
    """The fixed standardized train/test split of a data set."""
    X, y = DATASETS[name](return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


def timed_fit(estimator, X, y):
    """Fit; return (wall seconds, CPU seconds of this process)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # the epoch count is fixed on purpose
        wall, cpu = time.perf_counter(), time.process_time()
        estimator.fit(X, y)
        return time.perf_counter() - wall, time.process_time() - cpu


def compare(names=tuple(DATASETS), seeds=range(5), epochs=200, dtype=np.float64):
    """One row per (data set, implementation): accuracies and fit times over the seeds."""
    rows = []
    for name in names:
        X_train, X_test, y_train, y_test = split(name)
        runs = {"autograd_mlp": [], "scikit-learn": []}
        for seed in seeds:
            makers = {
                "autograd_mlp": lambda: ours.MLPClassifier(dtype=dtype, **settings(epochs, seed)),
                "scikit-learn": lambda: neural_network.MLPClassifier(**settings(epochs, seed)),
            }
            for label, make in makers.items():
                est = make()
                wall, cpu = timed_fit(est, X_train, y_train)
                runs[label].append((est.score(X_test, y_test), wall, cpu, est.n_iter_))
        for label, results in runs.items():
            accuracy, wall, cpu, n_iter = (list(column) for column in zip(*results))
            rows.append({
                "dataset": name, "implementation": label, "train_rows": X_train.shape[0],
                "test_rows": X_test.shape[0], "features": X_train.shape[1], "classes": len(np.unique(y_train)),
                "seeds": len(accuracy), "epochs": statistics.mean(n_iter),
                "accuracy": statistics.mean(accuracy),
                "accuracy_sd": statistics.stdev(accuracy) if len(accuracy) > 1 else 0.0,
                "wall": statistics.mean(wall), "cpu": statistics.mean(cpu),
            })
    return rows


def table(rows):
    """A markdown table, with the ratio autograd_mlp / scikit-learn on the library's rows."""
    sklearn_time = {r["dataset"]: r for r in rows if r["implementation"] == "scikit-learn"}
    lines = [
        "| data set (train/test rows, features, classes) | implementation | test accuracy (mean ± sd) "
        "| fit s (wall) | fit s (CPU) | wall time vs scikit-learn |",
        "|---|---|---|---:|---:|---:|",
    ]
    for r in rows:
        ref = sklearn_time[r["dataset"]]
        ratio = f"{r['wall'] / ref['wall']:.2f}×" if r["implementation"] != "scikit-learn" else "1"
        lines.append(
            f"| {r['dataset']} ({r['train_rows']}/{r['test_rows']}, {r['features']}, {r['classes']}) "
            f"| {r['implementation']} | {r['accuracy']:.4f} ± {r['accuracy_sd']:.4f} "
            f"| {r['wall']:.3f} | {r['cpu']:.3f} | {ratio} |"
        )
    return "\n".join(lines)


def report(rows, info, args, load_after):
    packages = {"scikit-learn": machine.version("scikit-learn"), "numpy": machine.version("numpy"),
                "autograd_mlp": machine.version("autograd_mlp")}
    blas = info["blas"]
    blas_text = ", ".join(f"{k} {v}" for k, v in blas.items() if k != "others") if blas else "unknown"
    load_before = info["load_average"]
    busy = load_before and load_before[0] > 0.75 * (info["usable_cores"] or 1)
    lines = [
        "# autograd_mlp.sklearn against scikit-learn's MLPClassifier",
        "",
        f"Generated by `benchmarks/sklearn_compare.py` on {info['date']}; command:",
        "",
        f"    {info['command']}",
        "",
        f"Network: one hidden layer of 64 relu units, Adam (learning rate 0.001), alpha 1e-4, batches of min(200, training rows), "
        f"exactly {args.epochs} epochs (stopping rule off), dtype {np.dtype(args.dtype).name} for autograd_mlp; "
        f"seeds {', '.join(map(str, args.seeds))} (the same `random_state` for both, which gives both the same "
        f"initial weights and batch order). One stratified split per data set (25% test, "
        f"`random_state=0`), standardized with the training rows' statistics. Times are the mean over the seeds "
        f"of one `fit`; the CPU column counts this process's CPU time (all BLAS threads).",
        "",
        table(rows),
        "",
        "Equal accuracies are expected, not a coincidence: both start from the same weights and see the same "
        "batches, and the two Adams differ only in where ε = 1e-8 enters the step.",
        "",
        "## Machine",
        "",
        f"- CPU: {info['cpu']} ({info['usable_cores']} usable of {info['cores']} cores)",
        f"- OS: {info['os']}",
        f"- Python: {info['python']}; " + ", ".join(f"{k} {v}" for k, v in packages.items()),
        f"- BLAS (numpy): {blas_text}",
        f"- autograd_mlp revision: {info['library_revision']}",
        f"- load average (1, 5, 15 min) at the start: {load_before}; at the end: {load_after}",
    ]
    if busy:
        lines += [
            "",
            f"**The machine was busy with other work during this run** (load average {load_before[0]} on "
            f"{info['usable_cores']} usable cores at the start): the times are noisy and only their ratio within "
            f"a data set is meaningful, since the two fits of each seed ran back to back. Regenerate on an idle "
            f"machine for absolute times.",
        ]
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", default=",".join(DATASETS), help="comma-separated subset of " + ", ".join(DATASETS))
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--float32", dest="dtype", action="store_const", const=np.float32, default=np.float64,
                        help="train autograd_mlp in float32 (scikit-learn keeps the data's float64)")
    parser.add_argument("--blas-threads", type=int, default=None, metavar="N",
                        help="limit numpy's BLAS to N threads for the run (default: its own setting)")
    parser.add_argument("--quick", action="store_true", help="2 seeds and 20 epochs")
    parser.add_argument("--markdown", type=Path, default=RESULTS, help=f"where to write the report (default {RESULTS})")
    parser.add_argument("--no-write", action="store_true", help="print the table only")
    args = parser.parse_args(argv)
    if args.quick:
        args.seeds, args.epochs = args.seeds[:2], 20
    names = [n.strip() for n in args.datasets.split(",") if n.strip()]
    unknown = sorted(set(names) - set(DATASETS))
    if unknown or not names:
        parser.error(f"--datasets must name some of {', '.join(DATASETS)}, got {args.datasets!r}")
    if args.epochs < 1 or not args.seeds:
        parser.error("--epochs must be >= 1 and --seeds must list at least one seed")
    if args.blas_threads is not None and args.blas_threads < 1:
        parser.error(f"--blas-threads must be >= 1, got {args.blas_threads}")

    command = "python " + " ".join(shlex.quote(a) for a in ["benchmarks/sklearn_compare.py", *(sys.argv[1:] if argv is None else argv)])
    limit = contextlib.nullcontext()
    if args.blas_threads is not None:
        from threadpoolctl import threadpool_limits  # a scikit-learn dependency

        limit = threadpool_limits(args.blas_threads, user_api="blas")
    with limit:
        info = machine.describe(command)  # inside the limit, so the report shows the threads used
        rows = compare(names, args.seeds, args.epochs, args.dtype)
    load_after = [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None
    print(table(rows))
    if not args.no_write:
        args.markdown.write_text(report(rows, info, args, load_after))
        print(f"\nwritten to {args.markdown}")
    return rows


if __name__ == "__main__":
    main()
