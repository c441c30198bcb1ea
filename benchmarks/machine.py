"""What the numbers were measured on: CPU, OS, Python, package versions, BLAS and thread counts."""

from __future__ import annotations

import datetime
import importlib.metadata
import os
import platform
import re
import subprocess
import sys

BLAS_VARIABLES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                  "MKL_NUM_THREADS")


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def os_name():
    try:
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    return f"{line.split('=', 1)[1].strip().strip(chr(34))} (kernel {platform.release()})"
    except OSError:
        pass
    return platform.platform()


def version(package):
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def blas_info():
    """numpy's BLAS as threadpoolctl sees it: library, version, kernel (core type) and threads.

    Other BLAS libraries loaded in the process (SciPy brings its own) are listed
    under ``others``; numpy's is the one every matrix product here goes through.
    """
    try:
        import numpy  # noqa: F401  (loads the BLAS so threadpoolctl can see it)
        from threadpoolctl import threadpool_info
    except ImportError:
        return {"note": "threadpoolctl is not installed; BLAS kernel unknown"}
    pools = [pool for pool in threadpool_info() if pool.get("user_api") == "blas"]
    if not pools:
        return {"note": "no BLAS found by threadpoolctl"}
    numpy_pools = [pool for pool in pools if "numpy" in pool.get("filepath", "")]
    main = (numpy_pools or pools)[0]

    def summary(pool):
        return {
            "library": pool.get("internal_api"),
            "version": pool.get("version"),
            "kernel": pool.get("architecture"),
            "threads": pool.get("num_threads"),
            "file": os.path.basename(pool.get("filepath", "")),
        }

    info = summary(main)
    others = [summary(pool) for pool in pools if pool is not main]
    if others:
        info["others"] = "; ".join(f"{o['file']} ({o['library']} {o['version']}, {o['kernel']}, "
                                   f"{o['threads']} thread(s))" for o in others)
    return info


def blas_threads():
    """The number of threads numpy's BLAS uses (the count PyTorch is pinned to)."""
    threads = blas_info().get("threads")
    return int(threads) if threads else (os.cpu_count() or 1)


def torch_info():
    try:
        import torch
    except ImportError:
        return None
    config = torch.__config__.show()
    blas = re.search(r"BLAS_INFO=([^,\s]+)", config)
    capability = re.search(r"CPU capability usage: (\S+)", config)
    return {"version": torch.__version__, "threads": torch.get_num_threads(),
            "blas": blas.group(1) if blas else "unknown",
            "cpu_capability": capability.group(1) if capability else "unknown"}


def library_revision():
    """The repository commit the library was measured at, and whether its files had uncommitted changes."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True,
                                text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "autograd_mlp"], cwd=root,
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    if not commit:
        return None
    return commit + (" with uncommitted changes in autograd_mlp/" if dirty else "")


def describe(command, unset_variables=None):
    """A dict describing the machine and software, for the report and the JSON file."""
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {
        "library_revision": library_revision(),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "command": command,
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "load_average": [round(x, 2) for x in load] if load else None,
        "os": os_name(),
        "python": f"{platform.python_implementation()} {sys.version.split()[0]}",
        "packages": {name: version(name) for name in
                     ("numpy", "autograd_mlp", "torch", "jax", "jaxlib", "autograd", "micrograd", "threadpoolctl",
                      "matplotlib")},
        "blas": blas_info(),
        "blas_environment": {name: os.environ.get(name) for name in BLAS_VARIABLES},
        "unset_for_this_run": unset_variables or {},
        "torch": torch_info(),
    }
