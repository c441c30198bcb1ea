"""Matplotlib plots: training curves, decision boundaries, and the course's learning-rate comparison.

matplotlib is an optional dependency (``pip install autograd_mlp[plot]``),
imported only when a plot is made.  Figures are made with
``matplotlib.figure.Figure`` directly, never through ``pyplot``: no window
opens, no global figure list grows, and it works on a machine without a
display.  Each function returns its Figure and, given ``to_file``, writes it
(PNG, SVG or PDF by extension) atomically.
"""

from __future__ import annotations

import io
import math
import numbers
import warnings

import numpy as np

from .. import losses as losses_module
from .. import optim
from .._checks import numeric_array, positive_int, real_number, whole_number
from ..engine import Value, no_grad
from ..nn import init
from ..nn.module import Module
from ..parallel import check_n_jobs, parallel_map
from .rendering import RENDER_FORMATS, atomic_write, file_format

__all__ = ["plot_history", "plot_decision_boundary", "compare_learning_rates", "plot_sweep", "save_figure"]

# The course's colours: class 0 red, class 1 green; further classes after them.
#: A run whose loss grows past this multiple of its first epoch's loss has diverged.
DIVERGED = 1e3

CLASS_COLOURS = ("#d62728", "#2ca02c", "#1f77b4", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f")


def _figure_class():
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError(
            "plotting needs matplotlib, an optional dependency: pip install autograd_mlp[plot]"
        ) from None
    return Figure


def save_figure(fig, path, dpi=110):
    """Write a matplotlib Figure to ``path`` (PNG, SVG or PDF by extension), atomically."""
    fmt = file_format(path, RENDER_FORMATS)
    import matplotlib

    buffer = io.BytesIO()
    # No dates and fixed SVG ids: the same figure gives the same bytes, so a
    # regenerated image that did not change shows no difference in git.
    metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None}}.get(fmt)
    with matplotlib.rc_context({"svg.hashsalt": "autograd_mlp"}):
        fig.savefig(buffer, format=fmt, dpi=dpi, bbox_inches="tight", metadata=metadata)
    atomic_write(path, buffer.getvalue())
    return path


def _array(data, what):
    """Data as a float array (a Value gives its data: these plots never differentiate)."""
    if isinstance(data, Value):
        data = data.data
    return numeric_array(what, data).astype(np.float64, copy=False)


def _check_to_file(to_file):
    if to_file is not None:
        file_format(to_file, RENDER_FORMATS)


# ---------------------------------------------------------------- history
def _history_dict(history):
    """The ``{name: [value per epoch]}`` of a History object or a plain dict, checked."""
    data = getattr(history, "history", history)
    if not isinstance(data, dict):
        raise TypeError(f"plot_history expects a History or a dict of lists, got {type(history).__name__}")
    if not data:
        raise ValueError("plot_history: the history is empty (was the model trained?)")
    curves = {}
    for key, values in data.items():
        if not isinstance(key, str):
            raise TypeError(f"plot_history: keys must be str, got {type(key).__name__}")
        try:
            arr = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(f"plot_history: history[{key!r}] must be a list of numbers") from None
        if arr.ndim != 1:
            raise ValueError(f"plot_history: history[{key!r}] must be a flat list, got shape {arr.shape}")
        curves[key] = arr
    return curves


def _quantities(curves, keys):
    """Quantities to plot, each with its training and validation curves: ``loss`` pairs with ``val_loss``."""
    names = []
    for key in curves:
        base = key[4:] if key.startswith("val_") else key
        if base not in names:
            names.append(base)
    if keys is None:
        return names
    if isinstance(keys, str):
        keys = [keys]
    chosen = []
    for key in keys:
        base = key[4:] if isinstance(key, str) and key.startswith("val_") and key[4:] in names else key
        if base not in names:
            raise ValueError(f"plot_history: no {key!r} in the history; it has {sorted(curves)}")
        if base not in chosen:
            chosen.append(base)
    return chosen


def plot_history(history, keys=None, to_file=None):
    """Plot loss and metrics per epoch: one subplot per quantity, training and validation together.

    ``history`` is the History returned by ``fit`` (its ``.history`` dict) or
    a dict of lists such as ``{"loss": [...], "val_loss": [...]}``.  ``keys``
    picks quantities (``"loss"`` also brings ``val_loss``).  Returns the Figure.
    """
    _check_to_file(to_file)
    curves = _history_dict(history)
    names = _quantities(curves, keys)
    # A History knows its epoch numbers (0-based, and not starting at 0 when
    # fit resumed with initial_epoch); a plain dict counts from 1.
    epochs = getattr(history, "epoch", None)
    Figure = _figure_class()
    columns = min(len(names), 3)
    rows = math.ceil(len(names) / columns)
    fig = Figure(figsize=(4.6 * columns, 3.4 * rows), layout="constrained")
    axes = fig.subplots(rows, columns, squeeze=False).ravel()
    for ax, name in zip(axes, names):
        for key, label, style in ((name, "training", "-"), ("val_" + name, "validation", "--")):
            if key in curves:
                values = curves[key]
                if epochs is not None and len(epochs) == len(values):
                    xs = np.asarray(epochs, dtype=np.float64) + 1
                else:
                    xs = np.arange(1, len(values) + 1)
                ax.plot(xs, values, style, marker="o" if len(values) < 30 else None, markersize=3, label=label)
        ax.set_title(name)
        ax.set_xlabel("epoch")
        ax.grid(True, alpha=0.3)
        ax.legend()
    for ax in axes[len(names):]:
        ax.set_visible(False)
    if to_file is not None:
        save_figure(fig, to_file)
    return fig


# ------------------------------------------------------ decision boundary
def _predict(model, points):
    """The model's output on ``points`` as an array, with no graph and (for modules) in evaluation mode."""
    modes = [(m, m.training) for m in model.modules()] if isinstance(model, Module) else []
    try:
        if modes:
            model.eval()
        with no_grad():
            out = model(points)
    finally:
        for module, mode in modes:  # put every module back as it was
            module.training = mode
    return np.asarray(out.data if isinstance(out, Value) else out, dtype=np.float64)


def _class_labels(y, n):
    arr = np.asarray(y.data if isinstance(y, Value) else y)
    if arr.ndim == 2 and arr.shape[1] > 1:
        arr = np.argmax(arr, axis=1)
    arr = arr.reshape(-1)
    if arr.shape[0] != n:
        raise ValueError(f"plot_decision_boundary: y must have one label per point ({n}), got shape {np.shape(y)}")
    if arr.dtype.kind not in "biuf" or not np.all(arr == np.round(arr)) or np.any(arr < 0):
        raise ValueError("plot_decision_boundary: y must hold class labels 0, 1, ... (or one-hot rows)")
    return arr.astype(int)


def plot_decision_boundary(model, x, y, to_file=None, resolution=200, threshold=0.5):
    """Scatter 2-D points by class (0 red, 1 green) over the model's decision regions.

    ``model(points)`` (a Module or any callable) gets an (m, 2) array and
    returns a Value or array: one column (or a flat vector) is read as the
    probability of class 1, drawn as a filled contour with the boundary
    ``threshold`` as a black line; several columns are read as class scores
    and each point of the plane is coloured by the arg-max.  Returns the Figure.
    """
    _check_to_file(to_file)
    if not callable(model):
        raise TypeError(f"plot_decision_boundary expects a callable model, got {type(model).__name__}")
    points = _array(x, "plot_decision_boundary: x")
    if points.ndim != 2 or points.shape[1] != 2 or points.shape[0] == 0:
        raise ValueError(f"plot_decision_boundary: x must have shape (n, 2), got {points.shape}")
    whole_number("resolution", resolution, minimum=2, maximum=2000)
    labels = _class_labels(y, points.shape[0])

    lo, hi = points.min(axis=0), points.max(axis=0)
    margin = np.where(hi > lo, 0.08 * (hi - lo), 1.0)
    gx = np.linspace(lo[0] - margin[0], hi[0] + margin[0], resolution)
    gy = np.linspace(lo[1] - margin[1], hi[1] + margin[1], resolution)
    xx, yy = np.meshgrid(gx, gy)
    grid = np.column_stack([xx.ravel(), yy.ravel()])
    out = _predict(model, grid)
    if out.shape[0] != grid.shape[0]:
        raise ValueError(f"plot_decision_boundary: the model returned {out.shape[0]} rows for {grid.shape[0]} points")

    Figure = _figure_class()
    from matplotlib.colors import LinearSegmentedColormap, ListedColormap

    fig = Figure(figsize=(5.6, 4.6), layout="constrained")
    ax = fig.subplots()
    if out.ndim == 1 or out.shape[1] == 1:
        prob = out.reshape(xx.shape)
        red_green = LinearSegmentedColormap.from_list("red_green", ["#f4b6b6", "#ffffff", "#b9e4b9"])
        # Rasterized: as vectors, 20 filled levels make an SVG of several hundred KB.
        filled = ax.contourf(xx, yy, prob, levels=np.linspace(min(0.0, prob.min()), max(1.0, prob.max()), 21),
                             cmap=red_green, rasterized=True)
        fig.colorbar(filled, ax=ax, label="model output (class 1)")
        if prob.min() < threshold < prob.max():
            ax.contour(xx, yy, prob, levels=[threshold], colors="black", linewidths=1.5)
    else:
        regions = np.argmax(out, axis=1).reshape(xx.shape)
        k = out.shape[1]
        palette = [CLASS_COLOURS[i % len(CLASS_COLOURS)] for i in range(k)]
        ax.contourf(xx, yy, regions, levels=np.arange(-0.5, k), cmap=ListedColormap(palette), alpha=0.25,
                    rasterized=True)
    for cls in np.unique(labels):
        chosen = labels == cls
        ax.scatter(points[chosen, 0], points[chosen, 1], s=18, color=CLASS_COLOURS[cls % len(CLASS_COLOURS)],
                   edgecolors="black", linewidths=0.4, label=f"class {cls}")
    ax.set_xlim(gx[0], gx[-1])
    ax.set_ylim(gy[0], gy[-1])
    ax.set_xlabel("x0")
    ax.set_ylabel("x1")
    ax.legend(loc="best")
    if to_file is not None:
        save_figure(fig, to_file)
    return fig


# --------------------------------------------------- learning-rate curves
def _optimizer_class(optimizer):
    if isinstance(optimizer, str):
        try:
            return type(optim.get(optimizer))
        except ValueError:
            raise ValueError(f"unknown optimizer {optimizer!r}; expected 'sgd', 'adam' or 'rmsprop'") from None
    if isinstance(optimizer, type) and issubclass(optimizer, optim.Optimizer):
        return optimizer
    raise TypeError(f"optimizer must be a name or an Optimizer class, got {optimizer!r}")


def _check_rates(learning_rates):
    try:
        rates = list(learning_rates)
    except TypeError:
        raise TypeError(f"learning_rates must be a list of numbers, got {type(learning_rates).__name__}") from None
    if not rates:
        raise ValueError("learning_rates is empty")
    for rate in rates:
        real_number("each learning rate", rate, minimum=0, low_open=True)
    if len(set(rates)) != len(rates):
        raise ValueError(f"learning_rates has repeated values: {rates}")
    return [float(r) for r in rates]


def _train_curve(model, x, y, loss_fn, opt, epochs, batch_size, rng):
    """Train with the plain loop (forward, loss, backward, step); the mean batch loss of each epoch.

    Stops early, padding with NaN, once the run diverges: its loss is no
    longer finite or exceeds ``DIVERGED`` times the first epoch's.  It has
    nothing more to show, and the overflowing numbers would only cost time.
    """
    n = x.shape[0]
    curve = []
    for _ in range(epochs):
        order = rng.permutation(n) if batch_size is not None else np.arange(n)
        step = n if batch_size is None else batch_size
        total, count = 0.0, 0
        for start in range(0, n, step):
            rows = order[start:start + step]
            opt.zero_grad()
            loss = loss_fn(y[rows], model(x[rows]))
            loss.backward()
            opt.step()
            total += float(loss.data) * len(rows)
            count += len(rows)
        value = total / count
        curve.append(value)
        if not math.isfinite(value) or value > DIVERGED * curve[0]:
            curve.extend([math.nan] * (epochs - len(curve)))
            break
    return curve


def _rate_run(task):
    """One learning rate's curve, in whichever worker gets it, every draw from ``default_rng(seed)``."""
    make_model, rate, inputs, targets, loss_fn, opt_class, epochs, batch_size, seed = task
    # The thread's own generator for the initial weights (and Dropout): the same draws as
    # set_seed(seed) would give, without reseeding the process's generator under other runs.
    with init.using_generator(np.random.default_rng(seed)):
        model = make_model()
        if not isinstance(model, Module):
            raise TypeError(f"make_model must return a Module, got {type(model).__name__}")
        opt = opt_class(model.parameters(), learning_rate=rate)
        with np.errstate(over="ignore", invalid="ignore"):
            return _train_curve(model, inputs, targets, loss_fn, opt, epochs, batch_size, np.random.default_rng(seed))


def compare_learning_rates(make_model, x, y, learning_rates, loss="mse", epochs=50, batch_size=None,
                           optimizer="sgd", to_file=None, seed=0, n_jobs=None):
    """Train a fresh model per learning rate and plot the loss curves together.

    The course's picture: too low a rate converges slowly, too high a rate
    oscillates or diverges, an adequate one drops fast and settles.  Every
    run starts from the same initial weights (each ``make_model()`` draws from
    its own ``np.random.default_rng(seed)``, as after ``set_seed(seed)``,
    through ``nn.init.using_generator``) and sees the batches in the same
    order, so the rate is the only difference.  Training is the plain loop — forward, loss,
    ``backward()``, optimizer ``step()`` — over ``epochs`` passes in
    mini-batches of ``batch_size`` (None: the whole set each step).

    ``n_jobs`` trains the rates on that many workers
    (:mod:`autograd_mlp.parallel`: 1 here, -1 every CPU, None 1 unless a
    ``joblib.parallel_backend`` block says otherwise); each run has its own
    generators, so the curves do not depend on it.  ``make_model`` is sent
    to the workers pickled (cloudpickle: a local function will do).

    Returns ``(curves, figure)`` with ``curves[rate]`` the mean loss of each
    epoch (NaN after a divergence).
    """
    _check_to_file(to_file)
    if not callable(make_model):
        raise TypeError(f"make_model must be a function returning a fresh model, got {type(make_model).__name__}")
    rates = _check_rates(learning_rates)
    loss_fn = losses_module.get(loss)
    opt_class = _optimizer_class(optimizer)
    epochs = positive_int("epochs", epochs)
    if batch_size is not None:
        batch_size = positive_int("batch_size", batch_size)
    inputs = _array(x, "compare_learning_rates: x")
    targets = _array(y, "compare_learning_rates: y")
    if inputs.ndim == 0 or targets.ndim == 0 or inputs.shape[0] != targets.shape[0] or inputs.shape[0] == 0:
        raise ValueError(f"x and y must have the same number of rows (at least one), got shapes "
                         f"{inputs.shape} and {targets.shape}")
    n_jobs = check_n_jobs(n_jobs)
    np.random.default_rng(seed)  # a bad seed fails here, before any training
    Figure = _figure_class()

    tasks = [(make_model, rate, inputs, targets, loss_fn, opt_class, int(epochs), batch_size, seed) for rate in rates]
    curves = dict(zip(rates, parallel_map(_rate_run, tasks, n_jobs)))

    fig = Figure(figsize=(6.4, 4.2), layout="constrained")
    ax = fig.subplots()
    starts = [curve[0] for curve in curves.values() if math.isfinite(curve[0])]
    # Above ten times the starting loss only diverging runs remain; clipping
    # there keeps the converging curves from being squashed against the axis.
    ceiling = 10 * max(starts) if starts else math.inf
    shown = [v for curve in curves.values() for v in curve if math.isfinite(v) and 0 < v <= ceiling]
    for rate, curve in curves.items():
        values = np.asarray(curve)
        diverged = bool(np.any(~np.isfinite(values)))  # the training loop stopped it
        label = f"λ = {rate:g}" + (" (diverged)" if diverged else "")
        ax.plot(np.arange(1, len(values) + 1), values, label=label)
    ax.set_xlabel("epoch")
    ax.set_ylabel(f"training loss ({losses_module.name_of(loss_fn)})")
    if shown and max(shown) / min(shown) > 100:
        ax.set_yscale("log")  # curves that differ by orders of magnitude stay readable
    if shown and max(shown) > min(shown):
        low, high = min(shown), max(shown)
        if ax.get_yscale() == "log":
            pad = (high / low) ** 0.05
            ax.set_ylim(low / pad, high * pad)
        else:
            ax.set_ylim(low - 0.05 * (high - low), high + 0.05 * (high - low))
    ax.set_title(f"Learning rates compared ({opt_class.__name__})")
    ax.grid(True, alpha=0.3)
    ax.legend()
    if to_file is not None:
        save_figure(fig, to_file)
    return curves, fig


# ------------------------------------------------------------------ sweeps
def plot_sweep(result, key="loss", to_file=None):
    """The curves of a sweep (``autograd_mlp.sweep.sweep``): ``key`` per epoch, one line per grid point.

    Each line is the mean over the point's seeds, in a band from the lowest
    to the highest seed's value; runs that stopped early (or diverged) count
    only for the epochs they have.  Returns the Figure.
    """
    _check_to_file(to_file)
    runs = getattr(result, "runs", None)
    points = getattr(result, "points", None)
    if runs is None or points is None:
        raise TypeError(f"plot_sweep expects the result of sweep(), got {type(result).__name__}")
    if key not in result.keys():
        raise ValueError(f"plot_sweep: no {key!r} in the runs' histories; they record {result.keys()}")
    Figure = _figure_class()
    fig = Figure(figsize=(6.4, 4.2), layout="constrained")
    ax = fig.subplots()
    shown = []
    for params in points:
        curves = [run.history[key] for run in result.runs_at(params)]
        length = max(len(c) for c in curves)
        table = np.full((len(curves), length), np.nan)
        for row, curve in zip(table, curves):
            row[:len(curve)] = curve
        table[~np.isfinite(table)] = np.nan
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN epochs: every seed stopped
            mean, low, high = np.nanmean(table, axis=0), np.nanmin(table, axis=0), np.nanmax(table, axis=0)
        epochs = np.arange(1, length + 1)
        label = ", ".join(f"{name}={value:g}" if isinstance(value, numbers.Real) and not isinstance(value, bool)
                          else f"{name}={value}" for name, value in params.items()) or "run"
        (line,) = ax.plot(epochs, mean, label=label)
        if len(curves) > 1:
            ax.fill_between(epochs, low, high, color=line.get_color(), alpha=0.2, linewidth=0)
        shown.extend(v for v in mean if math.isfinite(v))
    ax.set_xlabel("epoch")
    ax.set_ylabel(key)
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if shown and min(shown) > 0 and max(shown) / min(shown) > 100:
        ax.set_yscale("log")  # curves that differ by orders of magnitude stay readable
    seeds = len(result.seeds)
    ax.set_title(f"Sweep: {len(points)} grid points" + (f", mean of {seeds} seeds (band: lowest to highest)"
                                                         if seeds > 1 else ""))
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize="small")
    if to_file is not None:
        save_figure(fig, to_file)
    return fig
