"""Work split across processes or machines through joblib, with random streams that do not depend on the split.

The library's parallel functions (the explanations, :func:`autograd_mlp.sweep.sweep`,
``viz.compare_learning_rates``) take ``n_jobs`` with scikit-learn's meaning:

* ``1`` runs everything here, in this process, and needs nothing installed;
* ``None`` (the default) is 1, unless a ``joblib.parallel_backend(...)`` block
  says otherwise;
* ``k > 1`` uses k workers, ``-1`` as many as there are CPUs (``-2`` all but
  one, and so on).

Anything but one worker goes through `joblib <https://joblib.readthedocs.io>`_,
an optional dependency (``pip install joblib``, or the ``distributed`` extra).
joblib starts worker processes (its default "loky" backend) and sends each
task its function and arguments pickled, which is why models, optimizers and
the scikit-learn estimators pickle.  Whatever backend is active runs the
tasks, so the same call runs on a cluster::

    from dask.distributed import Client
    import joblib
    client = Client("scheduler-address:8786")           # or Client(LocalCluster())
    with joblib.parallel_backend("dask"):
        e = explain.shapley_values(model, x, background, n_jobs=-1)

(Ray offers the same through ``ray.util.joblib.register_ray()`` and
``joblib.parallel_backend("ray")``.)

Random numbers
--------------
Workers never share a generator, and nothing reseeds a global one.  Task i
of a computation seeded with ``seed`` draws from its own generator::

    np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(i,)))

the i-th child of ``np.random.SeedSequence(seed).spawn(...)``: independent
streams that depend only on the seed and the task's index, so the results
are the same whichever worker runs a task and however the tasks are grouped.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["check_n_jobs", "effective_n_jobs", "parallel_map", "map_rows", "seed_sequence", "task_generator"]


def check_n_jobs(n_jobs):
    """``n_jobs`` checked: None or a non-zero integer (bools refused)."""
    if n_jobs is None:
        return None
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, numbers.Integral):
        raise TypeError(f"n_jobs must be None or an integer (1 for this process, -1 for every CPU), "
                        f"got {type(n_jobs).__name__} {n_jobs!r}")
    if n_jobs == 0:
        raise ValueError("n_jobs must be None, a positive number of workers or -1 for every CPU, got 0")
    return int(n_jobs)


def _joblib(n_jobs):
    try:
        import joblib
    except ImportError:
        raise ImportError(f"n_jobs={n_jobs!r} runs tasks through joblib, an optional dependency: "
                          f"pip install joblib (or autograd_mlp[distributed]); n_jobs=1 needs nothing") from None
    return joblib


def effective_n_jobs(n_jobs=None):
    """How many workers ``n_jobs`` means here: 1 without joblib for ``None`` and ``1``, else joblib's count.

    Inside ``joblib.parallel_backend("dask")`` with ``n_jobs=None`` or ``-1``
    it is the number of worker threads of the cluster.
    """
    n_jobs = check_n_jobs(n_jobs)
    if n_jobs == 1:
        return 1
    if n_jobs is None:
        try:
            import joblib
        except ImportError:  # None means one worker unless joblib says otherwise, and it cannot
            return 1
    else:
        joblib = _joblib(n_jobs)
    return max(1, int(joblib.effective_n_jobs(n_jobs)))


def parallel_map(fn, items, n_jobs=None):
    """``[fn(item) for item in items]``, the calls spread over ``n_jobs`` workers by joblib.

    With one worker (``n_jobs=1``, or ``None`` outside a joblib backend
    block) the calls run here in order and joblib is not imported.  ``fn``
    and the items must pickle for process and cluster backends (joblib uses
    cloudpickle, so lambdas and local functions do too).  An exception in a
    task is raised here, with its own type.
    """
    items = list(items)
    if len(items) <= 1 or effective_n_jobs(n_jobs) == 1:
        return [fn(item) for item in items]
    joblib = _joblib(n_jobs)
    return joblib.Parallel(n_jobs=n_jobs)(joblib.delayed(fn)(item) for item in items)


def _row_block(task):
    fn, start, blocks, args = task
    return fn(start, *blocks, *args)


def map_rows(fn, arrays, args=(), n_jobs=None):
    """Apply ``fn`` to contiguous blocks of rows, one block per worker; the blocks' results stacked again.

    ``arrays`` is a tuple of arrays with the same number of rows n; block
    [start, stop) calls ``fn(start, *(a[start:stop] for a in arrays), *args)``,
    which returns a tuple of arrays with one row per input row (or None), and
    the blocks' arrays are concatenated along their first axis.  ``start``
    lets a task name its rows by their index in the whole input (to seed
    them, see :func:`task_generator`).  With one worker, ``fn`` gets all
    the rows in one call, here.
    """
    n = len(arrays[0])
    workers = min(n, effective_n_jobs(n_jobs))
    if workers == 1:
        return fn(0, *arrays, *args)
    bounds = np.linspace(0, n, workers + 1).round().astype(int)
    tasks = [(fn, int(start), tuple(a[start:stop] for a in arrays), args)
             for start, stop in zip(bounds[:-1], bounds[1:])]
    results = parallel_map(_row_block, tasks, n_jobs)
    return tuple(None if parts[0] is None else np.concatenate(parts) for parts in zip(*results))


def seed_sequence(seed):
    """The root ``np.random.SeedSequence`` of a computation seeded by ``seed``.

    ``seed`` is None (fresh entropy from the operating system), a
    non-negative integer, a SeedSequence, or a numpy Generator (which gives
    one draw of 128 bits, so that successive calls differ as draws from a
    generator do).
    """
    if seed is None:
        return np.random.SeedSequence()
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, np.random.Generator):
        return np.random.SeedSequence(seed.integers(0, 2**32, size=4, dtype=np.uint64).tolist())
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be None, an integer or a numpy Generator, got {type(seed).__name__}")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed}")
    return np.random.SeedSequence(int(seed))


def task_generator(root, index):
    """Task ``index``'s own generator: the ``index``-th child of ``root`` (a SeedSequence)."""
    return np.random.default_rng(np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, int(index)),
                                                         pool_size=root.pool_size))
