"""Hyper-parameter sweeps: every point of a grid, trained once per seed, in parallel, as a table of histories.

::

    def train(width, learning_rate):
        model = Sequential([Dense(width, input_dim=2, activation="tanh"), Dense(1, activation="sigmoid")])
        model.compile(optimizer=SGD(learning_rate), loss="binary_crossentropy", metrics=["accuracy"])
        return model.fit(x, y, epochs=50, validation_split=0.2, verbose=0)

    table = sweep(train, {"width": [4, 16], "learning_rate": [0.01, 0.1]}, seeds=range(3), n_jobs=-1)
    print(table)                        # one line per grid point: mean ± std of the final loss
    table.best("val_accuracy", mode="max")
    viz.plot_sweep(table, "val_loss", to_file="sweep.png")

Each run draws every random number of the library (initial weights, Dropout
masks, ``fit``'s shuffling) from its own generator, ``np.random.default_rng(seed)``,
made the current thread's generator by ``nn.init.using_generator`` for the
run: no global generator is reseeded, runs on different workers cannot
disturb each other, and a run equals ``set_seed(seed); train(**params)`` in
a fresh process.  Every grid point sees the same seeds, so for a given seed
all points start from the same draws and differ only by their parameters
(as far as the parameters leave the shapes of the draws alone).

The runs go through :func:`autograd_mlp.parallel.parallel_map` (``n_jobs``:
1 here, -1 every CPU, None 1 unless a ``joblib.parallel_backend`` block says
otherwise, so ``joblib.parallel_backend("dask")`` runs them on a Dask
cluster).  ``train`` is sent to the workers pickled (with cloudpickle: a
local function or a lambda will do), and so is what it refers to, the data
included.
"""

from __future__ import annotations

import itertools
import math
import numbers
from collections import namedtuple

import numpy as np

from .nn import init
from .parallel import check_n_jobs, parallel_map

__all__ = ["sweep", "SweepResult", "Run"]

#: One training run: its grid point (a dict), its seed and its history ``{name: [value per epoch]}``.
Run = namedtuple("Run", ["params", "seed", "history"])


def _grid_points(grid):
    """The grid as a list of dicts: a dict of value lists (every combination, in order) or a list of dicts."""
    if isinstance(grid, dict):
        names = list(grid)
        columns = []
        for name in names:
            if not isinstance(name, str) or not name.isidentifier():
                raise TypeError(f"grid names must be keyword argument names (str), got {name!r}")
            values = grid[name]
            if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
                raise TypeError(f"grid[{name!r}] must be a list of values, got {type(values).__name__} {values!r}")
            values = list(values)
            if not values:
                raise ValueError(f"grid[{name!r}] is empty: a sweep needs at least one value for each parameter")
            columns.append(values)
        return [dict(zip(names, combo)) for combo in itertools.product(*columns)]
    if isinstance(grid, (list, tuple)) and grid and all(isinstance(point, dict) for point in grid):
        for point in grid:
            for name in point:
                if not isinstance(name, str) or not name.isidentifier():
                    raise TypeError(f"grid names must be keyword argument names (str), got {name!r}")
        return [dict(point) for point in grid]
    raise TypeError(f"grid must be a dict of value lists or a non-empty list of dicts, got {type(grid).__name__}")


def _check_seeds(seeds):
    if isinstance(seeds, numbers.Integral) and not isinstance(seeds, bool):
        seeds = [seeds]
    try:
        seeds = list(seeds)
    except TypeError:
        raise TypeError(f"seeds must be a list of non-negative integers, got {type(seeds).__name__}") from None
    if not seeds:
        raise ValueError("seeds is empty: a sweep needs at least one seed")
    for seed in seeds:
        if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
            raise ValueError(f"every seed must be a non-negative integer, got {seed!r}")
    if len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds has repeated values: {seeds}")
    return [int(seed) for seed in seeds]


def _history_of(result):
    """What ``train`` returned (a History or a dict of per-epoch lists) as a plain ``{name: [float, ...]}``."""
    data = getattr(result, "history", result)
    if not isinstance(data, dict) or not data:
        raise TypeError(f"train must return a History (what fit returns) or a non-empty dict of per-epoch lists, "
                        f"got {type(result).__name__}")
    history = {}
    for key, values in data.items():
        try:
            history[str(key)] = [float(v) for v in np.asarray(values, dtype=np.float64).reshape(-1)]
        except (TypeError, ValueError):
            raise TypeError(f"train's history[{key!r}] must be a list of numbers") from None
    return history


def _run(task):
    """One run, in whichever worker gets it: ``train(**params)`` with every draw from ``default_rng(seed)``."""
    train, params, seed = task
    with init.using_generator(np.random.default_rng(seed)):
        result = train(**params)
    # Only the numbers travel back: a History holds its model, which the table does not need.
    return _history_of(result)


def sweep(train, grid, seeds=(0,), n_jobs=None):
    """Train once per grid point and seed, in parallel; a :class:`SweepResult` of their histories.

    Parameters
    ----------
    train : callable
        ``train(**params)`` builds, compiles and fits a fresh model and
        returns its History (what ``fit`` returns) or a dict of per-epoch
        lists such as ``{"loss": [...]}``.
    grid : dict or list of dicts
        ``{"learning_rate": [0.01, 0.1], "width": [4, 16]}`` runs every
        combination (the last name varying fastest, as scikit-learn's
        ``ParameterGrid``); a list of dicts runs exactly those points.
    seeds : int or list of int
        Each point is trained once per seed, its draws from
        ``np.random.default_rng(seed)`` (see the module's notes).
    n_jobs : int or None
        Workers for the runs (:mod:`autograd_mlp.parallel`).

    Every argument is checked before the first run.  The runs' order in the
    table (points in grid order, seeds within each point) and their
    histories do not depend on ``n_jobs``.
    """
    if not callable(train):
        raise TypeError(f"train must be a function train(**params) returning a History, got {type(train).__name__}")
    points = _grid_points(grid)
    seeds = _check_seeds(seeds)
    n_jobs = check_n_jobs(n_jobs)
    tasks = [(train, params, seed) for params in points for seed in seeds]
    histories = parallel_map(_run, tasks, n_jobs)
    return SweepResult([Run(params, seed, history) for (_, params, seed), history in zip(tasks, histories)])


def _final(values):
    return values[-1] if values else math.nan


class SweepResult:
    """The table of a sweep: one :class:`Run` (params, seed, history) per grid point and seed.

    ``result.runs`` lists them; :meth:`final` gives the last epoch's value
    of a quantity as an array (points, seeds), :meth:`best` the point with
    the best mean over seeds, :meth:`to_records` one flat dict per run
    (``pandas.DataFrame(result.to_records())`` is a data frame), and
    ``str(result)`` a readable table.  ``viz.plot_sweep`` draws the curves.
    """

    def __init__(self, runs):
        self.runs = list(runs)
        self.points = []
        self.seeds = []
        for run in self.runs:
            if run.params not in self.points:
                self.points.append(run.params)
            if run.seed not in self.seeds:
                self.seeds.append(run.seed)

    def __len__(self):
        return len(self.runs)

    def __iter__(self):
        return iter(self.runs)

    def __getitem__(self, i):
        return self.runs[i]

    def keys(self):
        """The quantities recorded by every run (``loss``, ``val_loss``, metrics ...)."""
        if not self.runs:
            return []
        return [key for key in self.runs[0].history if all(key in run.history for run in self.runs)]

    def _check_key(self, key):
        if key not in self.keys():
            raise ValueError(f"no {key!r} in the runs' histories; they record {self.keys()}")

    def runs_at(self, params):
        """The runs of one grid point (a dict), in seed order."""
        return [run for run in self.runs if run.params == params]

    def final(self, key="loss"):
        """The last epoch's ``key`` of every run: an array (points, seeds), NaN where a run lacks a seed."""
        self._check_key(key)
        table = np.full((len(self.points), len(self.seeds)), np.nan)
        for run in self.runs:
            table[self.points.index(run.params), self.seeds.index(run.seed)] = _final(run.history[key])
        return table

    def best(self, key="loss", mode="min"):
        """The grid point whose final ``key``, averaged over seeds, is lowest (``mode="min"``) or highest.

        Points with a non-finite mean (a diverged run) are passed over;
        ValueError if every point diverged.
        """
        if mode not in ("min", "max"):
            raise ValueError(f"mode must be 'min' or 'max', got {mode!r}")
        with np.errstate(invalid="ignore"):
            means = self.final(key).mean(axis=1)
        finite = np.isfinite(means)
        if not finite.any():
            raise ValueError(f"no grid point has a finite final {key!r}: every one diverged")
        scores = np.where(finite, means if mode == "min" else -means, np.inf)
        return dict(self.points[int(np.argmin(scores))])

    def to_records(self):
        """One flat dict per run: its parameters, ``seed``, ``epochs`` and the final value of each quantity."""
        records = []
        for run in self.runs:
            record = dict(run.params)
            record["seed"] = run.seed
            record["epochs"] = max((len(v) for v in run.history.values()), default=0)
            record.update({key: _final(values) for key, values in run.history.items()})
            records.append(record)
        return records

    def __str__(self):
        keys = self.keys()
        key = "val_loss" if "val_loss" in keys else ("loss" if "loss" in keys else (keys[0] if keys else None))
        if key is None:
            return f"SweepResult of {len(self.runs)} runs"
        with np.errstate(invalid="ignore", over="ignore"):  # a diverged run shows as inf or nan
            finals = self.final(key)
            rows = [(np.mean(row), np.std(row, ddof=1) if len(row) > 1 else None) for row in finals]
        lines = [f"{len(self.points)} grid points x {len(self.seeds)} seeds; final {key}, mean ± std over seeds:"]
        for params, (mean, std) in zip(self.points, rows):
            label = ", ".join(f"{name}={value!r}" for name, value in params.items()) or "(no parameters)"
            spread = "" if std is None else f" ± {std:.4g}"
            lines.append(f"  {label}: {mean:.4g}{spread}")
        return "\n".join(lines)

    def __repr__(self):
        return f"<SweepResult: {len(self.points)} grid points x {len(self.seeds)} seeds, {len(self.runs)} runs>"
