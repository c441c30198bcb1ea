"""Pictures of an Explanation: global importance bars, a SHAP-style summary (beeswarm), a waterfall.

matplotlib is optional (``pip install autograd_mlp[plot]``) and imported only
when a plot is drawn.  The figures are built with ``matplotlib.figure.Figure``
directly, never through pyplot, so drawing needs no display and leaves no
global state behind.  Each function returns the Figure; with ``to_file`` it
also writes the picture (format from the extension) atomically: to a
temporary file in the same folder, then renamed over the target.
"""

from __future__ import annotations

import math
import os

import numpy as np

from .._checks import positive_int, whole_number
from .._files import atomic_write
from .explanation import Explanation

__all__ = ["plot_importance", "plot_summary", "plot_waterfall"]

# SHAP's palette, so the pictures read like the ones the course shows.
POSITIVE = "#ff0051"
NEGATIVE = "#008bfb"

_VALUE_LABELS = {
    "exact_shapley": "Shapley value",
    "permutation_shapley": "Shapley value",
    "integrated_gradients": "integrated gradient",
    "expected_gradients": "expected gradient",
    "gradient_x_input": "gradient × input",
    "saliency": "saliency",
}

_BASE_LABELS = {
    "integrated_gradients": "f(baseline)",
    "gradient_x_input": "f(0)",
}


def _matplotlib():
    """The pieces of matplotlib the plots use, or an ImportError saying how to get them."""
    try:
        from matplotlib import cm, colors
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError("plotting explanations needs matplotlib: pip install autograd_mlp[plot]") from None
    return Figure, colors, cm


def _check(expl):
    if not isinstance(expl, Explanation):
        raise TypeError(f"expected an Explanation, got {type(expl).__name__}")


def _check_max_display(max_display):
    return positive_int("max_display", max_display)


def _one_output(expl, what):
    """(n, M) values of a single output; a K-output explanation needs expl[:, k] first."""
    if expl.n_outputs is None:
        return expl
    if expl.n_outputs == 1:
        return expl[:, 0]
    raise ValueError(f"{what} shows one output; this explanation has {expl.n_outputs}: pick one with expl[:, k]")


def _value_label(expl):
    return _VALUE_LABELS.get(expl.method, "attribution")


def _save(fig, to_file):
    """Write ``fig`` to ``to_file`` atomically (temporary file in the same folder, then rename)."""
    if to_file is None:
        return
    path = os.fspath(to_file)
    folder, name = os.path.split(os.path.abspath(path))
    ext = os.path.splitext(name)[1].lower().lstrip(".")
    supported = fig.canvas.get_supported_filetypes()
    if ext not in supported:
        raise ValueError(f"to_file must end in one of {sorted('.' + e for e in supported)}, got {path!r}")
    if not os.path.isdir(folder):
        raise ValueError(f"the folder of to_file does not exist: {folder!r}")
    atomic_write(path, lambda handle: fig.savefig(handle, format=ext, dpi=fig.dpi))


def _style(ax):
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="y", length=0)


# ------------------------------------------------------------- importance
def plot_importance(expl, to_file=None, max_display=20, title=None):
    """Horizontal bars of mean |value| per feature, the most important at the top.

    With several outputs the bars are stacked, one colour per output.  At
    most ``max_display`` features are drawn; the rest are summed into one bar.
    """
    _check(expl)
    max_display = _check_max_display(max_display)
    Figure, colors, cm = _matplotlib()
    scores = expl.mean_abs()
    scores = scores[:, None] if scores.ndim == 1 else scores
    order = np.argsort(-expl.importance(), kind="stable")
    names = [expl.feature_names[i] for i in order]
    rows = scores[order]
    if len(order) > max_display:
        rest = len(order) - (max_display - 1)
        rows = np.vstack([rows[:max_display - 1], rows[max_display - 1:].sum(axis=0)])
        names = names[:max_display - 1] + [f"sum of {rest} other features"]
    fig = Figure(figsize=(7.5, 1.2 + 0.38 * len(names)), dpi=110, layout="constrained")
    ax = fig.add_subplot()
    y = np.arange(len(names))[::-1]
    left = np.zeros(len(names))
    palette = [NEGATIVE] if rows.shape[1] == 1 else [cm.tab10(k % 10) for k in range(rows.shape[1])]
    for k in range(rows.shape[1]):
        ax.barh(y, rows[:, k], left=left, height=0.7, color=palette[k],
                label=None if rows.shape[1] == 1 else f"output {k}")
        left += rows[:, k]
    for yi, total in zip(y, left):
        ax.text(total, yi, f" {total:.3g}", va="center", ha="left", fontsize=9, color="#333333")
    ax.set_yticks(y, names)
    ax.set_xlim(0, left.max() * 1.15 if left.max() > 0 else 1.0)
    ax.set_xlabel(f"mean |{_value_label(expl)}| (average impact on the output)")
    if rows.shape[1] > 1:
        ax.legend(loc="lower right", frameon=False)
    ax.set_title(title or f"Feature importance ({expl.method}, {expl.n_rows} rows)")
    _style(ax)
    _save(fig, to_file)
    return fig


# ---------------------------------------------------------------- summary
def _swarm_offsets(values, bins=60, rng=None):
    """Vertical offsets that spread points with close values apart: 0, +1, −1, +2, −2 ... per bin.

    Values are cut into ``bins`` equal bins over their range; inside a bin the
    points (in random order, so no pattern of the data order shows) get
    alternating layers.  Returns offsets in layer units.
    """
    rng = np.random.default_rng(0) if rng is None else rng
    n = len(values)
    lo, hi = values.min(), values.max()
    span = hi - lo
    which = np.zeros(n, dtype=int) if span == 0 else np.minimum(((values - lo) / span * bins).astype(int), bins - 1)
    offsets = np.zeros(n)
    shuffled = rng.permutation(n)
    seen = np.zeros(bins, dtype=int)
    for i in shuffled:
        k = seen[which[i]]
        seen[which[i]] += 1
        offsets[i] = (k + 1) // 2 * (1 if k % 2 else -1)
    return offsets


def plot_summary(expl, to_file=None, max_display=20, title=None):
    """SHAP-style summary: one row of points per feature, most important on top.

    Each point is one row of the data: its x position is the feature's value
    (attribution) for that row, its colour the feature's own value from low
    (blue) to high (red), scaled per feature between its 5th and 95th
    percentiles; points with close values are spread vertically
    (beeswarm).  The colour bar explains the colours.
    """
    _check(expl)
    max_display = _check_max_display(max_display)
    expl = _one_output(expl, "plot_summary")
    Figure, colors, cm = _matplotlib()
    order = np.argsort(-expl.importance(), kind="stable")[:max_display]
    cmap = colors.LinearSegmentedColormap.from_list("blue_red", [NEGATIVE, "#7b2fd0", POSITIVE])
    fig = Figure(figsize=(8.0, 1.4 + 0.45 * len(order)), dpi=110, layout="constrained")
    ax = fig.add_subplot()
    ax.axvline(0.0, color="#999999", linewidth=0.8, zorder=0)
    rng = np.random.default_rng(0)
    spread = 0.38  # half the height a feature's row may use
    for row, i in enumerate(order):
        y = len(order) - 1 - row
        ax.axhline(y, color="#dddddd", linewidth=0.6, linestyle=":", zorder=0)
        v = expl.values[:, i]
        offsets = _swarm_offsets(v, rng=rng)
        layers = max(1.0, np.abs(offsets).max())
        ys = y + offsets * (spread / layers)
        feature = expl.data[:, i].astype(np.float64)
        low, high = np.percentile(feature, [5, 95])
        if high <= low:
            low, high = feature.min(), feature.max()
        if high > low:
            shade = np.clip((feature - low) / (high - low), 0.0, 1.0)
            ax.scatter(v, ys, c=shade, cmap=cmap, vmin=0.0, vmax=1.0, s=14, alpha=0.85, linewidths=0, rasterized=len(v) > 500)
        else:  # a constant feature has no low or high
            ax.scatter(v, ys, color="#888888", s=14, alpha=0.85, linewidths=0)
    ax.set_yticks(np.arange(len(order))[::-1], [expl.feature_names[i] for i in order])
    ax.set_ylim(-0.6, len(order) - 0.4)
    ax.set_xlabel(f"{_value_label(expl)} (impact on the output)")
    bar = fig.colorbar(cm.ScalarMappable(norm=colors.Normalize(0.0, 1.0), cmap=cmap), ax=ax,
                       ticks=[0.0, 1.0], aspect=40, pad=0.02)
    bar.ax.set_yticklabels(["Low", "High"])
    bar.set_label("Feature value", labelpad=-8)
    bar.outline.set_visible(False)
    ax.set_title(title or f"Summary ({expl.method}, {expl.n_rows} rows)")
    _style(ax)
    _save(fig, to_file)
    return fig


# -------------------------------------------------------------- waterfall
# A white patch behind a label, so a dashed guide line never runs through its text.
_LABEL_BOX = {"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.9}

def _format_number(x):
    """A feature's value for a label: whole numbers in full (62490, not 6.249e+04), others to 4 significant digits
    or as many as the integer part needs."""
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    magnitude = math.floor(math.log10(abs(x))) + 1 if x != 0 else 1
    return f"{x:.{min(15, max(4, magnitude))}g}"


def plot_waterfall(expl, index=0, output=None, to_file=None, max_display=10, title=None):
    """One prediction as steps from the base value to f(x), one bar per feature.

    The bars are ordered by |value|, the largest at the top; a red bar pushes
    the output up, a blue one down; each starts where the previous one ended.
    The lowest bar sums the features beyond ``max_display``.  Labels show each
    feature's value in this row (as the Explanation's ``data`` holds it: to
    show the values in their own units when the model saw standardized ones,
    put the raw rows in ``data``, as ``autograd-mlp explain`` does).  With
    several outputs, ``output`` picks one.  The title names the row by its
    index in the explanation unless ``title`` says otherwise.
    """
    _check(expl)
    max_display = _check_max_display(max_display)
    index = whole_number("index", index, minimum=-expl.n_rows, maximum=expl.n_rows - 1)
    if output is not None:
        if expl.n_outputs is None:
            raise ValueError("output was given but this explanation has a single output")
        expl = expl[:, output]
    expl = _one_output(expl, "plot_waterfall")
    if expl.base_values is None:
        raise ValueError(f"a {expl.method} explanation has no base value to start a waterfall from")
    Figure, colors, cm = _matplotlib()
    phi = expl.values[index]
    base = float(expl.base_values[index])
    order = np.argsort(-np.abs(phi), kind="stable")
    labels = [f"{expl.feature_names[i]} = {_format_number(float(expl.data[index, i]))}" for i in order]
    steps = phi[order]
    if len(order) > max_display:
        rest = len(order) - (max_display - 1)
        steps = np.append(steps[:max_display - 1], steps[max_display - 1:].sum())
        labels = labels[:max_display - 1] + [f"{rest} other features"]
    # Bottom to top: smallest first, so the path climbs from the base value at the
    # bottom to f(x) at the top.
    steps, labels = steps[::-1], labels[::-1]
    starts = base + np.concatenate([[0.0], np.cumsum(steps)[:-1]])
    end = base + steps.sum()

    fig = Figure(figsize=(8.0, 1.6 + 0.42 * len(steps)), dpi=110, layout="constrained")
    ax = fig.add_subplot()
    y = np.arange(len(steps))
    bar_colors = [POSITIVE if s > 0 else NEGATIVE for s in steps]
    ax.barh(y, steps, left=starts, height=0.62, color=bar_colors)
    span = max(np.max(np.maximum(starts, starts + steps)), base, end) - min(np.min(np.minimum(starts, starts + steps)), base, end)
    span = span if span > 0 else 1.0
    for yi, start, step in zip(y, starts, steps):
        tip = start + step
        text = f"{step:+.3g}"
        # The label sits beyond the bar's tip, on the side it points to.
        ax.text(tip + (0.01 if step >= 0 else -0.01) * span, yi, text, va="center",
                ha="left" if step >= 0 else "right", fontsize=9,
                color=POSITIVE if step > 0 else NEGATIVE, bbox=_LABEL_BOX, zorder=3)
    for yi in range(len(steps) - 1):
        ax.plot([starts[yi] + steps[yi]] * 2, [yi + 0.31, yi + 0.69], color="#888888", linewidth=0.8)
    base_label = _BASE_LABELS.get(expl.method, "E[f(x)]")
    ax.axvline(base, color="#666666", linestyle="--", linewidth=0.8, zorder=0)
    ax.axvline(end, color="#666666", linestyle="--", linewidth=0.8, zorder=0)
    ax.set_yticks(y, labels)
    ax.set_ylim(-1.1, len(steps) + 0.1)
    low = min(np.min(np.minimum(starts, starts + steps)), base, end)
    high = max(np.max(np.maximum(starts, starts + steps)), base, end)
    # Room beyond the outermost bars for their value labels.
    ax.set_xlim(low - 0.2 * span, high + 0.2 * span)
    ax.text(base, -0.8, f"{base_label} = {base:.5g}", ha="center", va="center", fontsize=9,
            color="#333333", bbox=_LABEL_BOX, zorder=3)
    ax.text(end, len(steps) - 0.2, f"f(x) = {end:.5g}", ha="center", va="center", fontsize=9,
            color="#333333", bbox=_LABEL_BOX, zorder=3)
    ax.set_xlabel(f"model output ({_value_label(expl)}s add up from the base value)")
    row_label = index if index >= 0 else expl.n_rows + index
    ax.set_title(title or f"Row {row_label}: {expl.method}", pad=16)
    _style(ax)
    _save(fig, to_file)
    return fig
