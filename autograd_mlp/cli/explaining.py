"""The ``explain`` command: which input columns drive a saved model's output, with plots and a CSV table.

The attributions are computed on the network's own inputs (standardized
ones, when the model was trained with ``--standardize``) and reported
against the raw column values.  Both readings give the same numbers: the
Shapley value of a feature does not change when that feature is shifted and
scaled in the input, background and model alike, and integrated gradients
from the background mean do not either (the path and its end points are
mapped onto each other).

Methods (``--method``):

* ``shapley`` — exact Shapley values over all 2^M coalitions
  (:func:`~autograd_mlp.explain.shapley_values`); above
  :data:`~autograd_mlp.explain.MAX_EXACT_FEATURES` features, sampled ones;
* ``permutation`` — Shapley values estimated from random feature orders,
  with standard errors (:func:`~autograd_mlp.explain.permutation_shapley`);
* ``integrated_gradients`` — from the background mean to each row
  (:func:`~autograd_mlp.explain.integrated_gradients`).

Files written to the ``--out`` folder: ``importance.csv`` (rank, feature,
mean |value|, and one column per class for a multi-class model) and, with
matplotlib, ``importance.png``, ``summary.png`` (``summary_<class>.png`` per
class) and ``waterfall.png`` (the first explained row, titled with its line
in the data file, as the error messages name lines).  The plots show the
features' values as the CSV file has them (the colours of the summary, the
labels of the waterfall), never the standardized ones the network reads.
"""

from __future__ import annotations

import dataclasses
import os

import numpy as np

from .. import explain as explain_module
from .csvdata import write_table
from .errors import DataError
from .loading import (feature_matrix, load_model_and_info, matplotlib_available, model_inputs, prepare_output_dir,
                      read_data, refuse_overwriting_inputs)
from .tasks import predicted_labels

__all__ = ["explain", "METHODS", "PERMUTATIONS", "IG_STEPS"]

METHODS = ("shapley", "permutation", "integrated_gradients")
#: Feature orders sampled per row by the permutation method.
PERMUTATIONS = 64
#: Quadrature intervals along the integrated-gradients path.
IG_STEPS = 50


def _sample(n, size, rng):
    """Row indices: all n rows when ``size`` ≥ n, else ``size`` of them at random, in file order."""
    if size >= n:
        return np.arange(n)
    return np.sort(rng.choice(n, size=size, replace=False))


def _attributions(method, model, x, background, names, seed):
    if method == "integrated_gradients":
        return explain_module.integrated_gradients(model, x, baseline=background.mean(axis=0), steps=IG_STEPS,
                                                   feature_names=names), None
    if method == "shapley" and x.shape[1] <= explain_module.MAX_EXACT_FEATURES:
        return explain_module.shapley_values(model, x, background, feature_names=names), None
    note = None
    if method == "shapley":
        note = (f"{x.shape[1]} features are too many to enumerate all coalitions (at most "
                f"{explain_module.MAX_EXACT_FEATURES}): the Shapley values are estimated from "
                f"{PERMUTATIONS} random feature orders per row")
    return explain_module.permutation_shapley(model, x, background, n_permutations=PERMUTATIONS, seed=seed,
                                              feature_names=names), note


def _importance_rows(expl, classes):
    """(header, rows) of importance.csv, the most important feature first."""
    scores = expl.importance()
    per_output = expl.mean_abs()
    header = ["rank", "feature", "mean_abs_value"]
    if per_output.ndim == 2:
        header += [f"mean_abs_value_{label}" for label in classes]
    rows = []
    for rank, i in enumerate(np.argsort(-scores, kind="stable"), start=1):
        row = [rank, expl.feature_names[i], scores[i]]
        if per_output.ndim == 2:
            row += list(per_output[i])
        rows.append(row)
    return header, rows


def _plots(expl, out, first_label_index, classes, first_row):
    """Write the explanation's plots; returns the paths written.

    ``first_row`` names the waterfall's row as the error messages do: the
    data file and its line.
    """
    waterfall_title = f"{first_row}: {expl.method}"
    written = []
    path = os.path.join(out, "importance.png")
    explain_module.plot_importance(expl, to_file=path)
    written.append(path)
    if expl.n_outputs is None:
        path = os.path.join(out, "summary.png")
        explain_module.plot_summary(expl, to_file=path)
        written.append(path)
        path = os.path.join(out, "waterfall.png")
        explain_module.plot_waterfall(expl, index=0, to_file=path, title=waterfall_title)
        written.append(path)
    else:
        for k, label in enumerate(classes):
            path = os.path.join(out, f"summary_{label}.png")
            explain_module.plot_summary(expl[:, k], to_file=path, title=f"Summary for class {label}")
            written.append(path)
        path = os.path.join(out, "waterfall.png")
        explain_module.plot_waterfall(expl, index=0, output=first_label_index, to_file=path,
                                      title=f"{waterfall_title}, class {classes[first_label_index]}")
        written.append(path)
    return written


#: The files written to the --out folder, besides one ``summary_<class>.png`` per class.
OUTPUT_FILES = ("importance.csv", "importance.png", "summary.png", "waterfall.png")


def _output_files(out):
    """Every file of the --out folder that explain may replace (the per-class summaries already there included)."""
    names = list(OUTPUT_FILES)
    if os.path.isdir(out):
        names += sorted(n for n in os.listdir(out) if n.startswith("summary_") and n.endswith(".png"))
    return {os.path.join(out, name): "--out" for name in names}


def explain(args):
    """Attributions for (a sample of) the rows of DATA.csv: print the ranking, write the CSV and the plots."""
    refuse_overwriting_inputs(_output_files(args.out), {**model_inputs(args.model), args.data: "the data"})
    table = read_data(args.data)
    model, info = load_model_and_info(args.model, table, args.target)
    x = feature_matrix(table, info)
    rng = np.random.default_rng(args.seed)
    rows = _sample(len(x), args.rows, rng)
    background = _sample(len(x), args.background, rng)
    inputs = info.inputs(x)
    expl, note = _attributions(args.method, model, inputs[rows], inputs[background], info.features, rng)
    # Show the raw values in the plots: the colours of the summary and the labels of the waterfall.
    expl = dataclasses.replace(expl, data=x[rows])
    if expl.n_outputs is not None and (info.classes is None or len(info.classes) != expl.n_outputs):
        raise DataError(f"{args.model}: the model has {expl.n_outputs} outputs; explain reads several outputs "
                        f"only as the classes of a multiclass model")

    out = prepare_output_dir(args.out)
    header, table_rows = _importance_rows(expl, info.classes)
    csv_path = os.path.join(out, "importance.csv")
    write_table(csv_path, header, table_rows)
    written = [csv_path]
    if note:
        print(f"note: {note}")
    print(f"{expl.method} for {len(rows)} rows of {table.path} (background: {len(background)} rows)")
    print("features by mean |value|, the most important first:")
    width = max(len(name) for name in info.features)
    for rank, name, score, *_ in table_rows:
        print(f"{rank:>4}. {name:<{width}}  {score:.6g}")
    if matplotlib_available():
        first = None
        if expl.n_outputs is not None:
            label = predicted_labels(info.task, info.classes, model.predict(inputs[rows[:1]]))[0]
            first = info.classes.index(int(label))
        written += _plots(expl, out, first, info.classes, f"{os.path.basename(table.path)}, line {table.lines[rows[0]]}")
    else:
        print("note: skipped the plots: matplotlib is not installed (pip install autograd_mlp[plot])")
    print("wrote " + ", ".join(written))
    return 0
