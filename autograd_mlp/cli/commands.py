"""The commands ``train``, ``evaluate``, ``predict``, ``summary`` and ``draw``: one function each, taking argparse's namespace.

Each returns the exit status (0) or raises a :class:`~.errors.CommandError`
(or a library ValueError) that ``main`` turns into one line on stderr.  No
command writes a file before every check has passed, and every file is
written atomically (a temporary file renamed over the target).
"""

from __future__ import annotations

import os
import sys

import numpy as np

from .. import losses, metrics, optim
from .._files import atomic_write
from ..data import Standardizer, train_val_test_split
from ..divergence import DIVERGENCE_FACTOR, TerminateOnDivergence, divergence, initial_loss
from ..models import Sequential
from ..nn import Dense
from ..nn.init import set_seed
from ..viz import draw_network, plot_model
from ..viz.rendering import RENDER_FORMATS, SOURCE_FORMATS, GraphvizNotFoundError, dot_available, render
from .csvdata import format_table
from .errors import DataError, UsageError
from .loading import (check_output_file, feature_matrix, load_model_and_info, model_inputs, read_data,
                      refuse_overwriting_inputs, target_column)
from .modelinfo import ModelInfo, load, save, sidecar_path
from .tasks import (classes_of, decode_predictions, encode_target, infer_task, one_hot_targets, predicted_labels,
                    prediction_columns, settings_for)

__all__ = ["train", "evaluate", "predict", "summary", "draw"]


def _format_logs(logs):
    return ", ".join(f"{key} {value:.4f}" for key, value in logs.items())


# ------------------------------------------------------------------ train
def _split(x, y, fraction, seed, stratify, path):
    """Training and validation rows: a random ``fraction`` of the rows (per class when ``stratify``) for validation."""
    if fraction == 0:
        return (x, y), None
    try:
        (x_t, y_t), (x_v, y_v), _ = train_val_test_split(
            x, y, fractions=(1.0 - fraction, fraction, 0.0), seed=seed, stratify=stratify)
    except ValueError as exc:
        raise DataError(f"{path}: cannot split off validation rows: {exc}") from None
    if len(x_t) == 0 or len(x_v) == 0:
        raise DataError(f"{path}: --validation-split {fraction:g} of {len(x)} rows leaves {len(x_t)} for training "
                        f"and {len(x_v)} for validation; both need at least one (or use --validation-split 0)")
    return (x_t, y_t), (x_v, y_v)


def _optimizer(name, learning_rate):
    cls = type(optim.get(name))
    return cls() if learning_rate is None else cls(learning_rate=learning_rate)


def _build(n_features, hidden, activation, settings, output_activation):
    layers = []
    width = n_features
    for index, units in enumerate(hidden):
        layers.append(Dense(units, input_dim=width, activation=activation, name=f"hidden_{index + 1}"))
        width = units
    layers.append(Dense(settings.units, input_dim=width, activation=output_activation, name="output"))
    return Sequential(layers, name="model")


def _diverged(reason, args):
    rate = "" if args.learning_rate is None else f" than {args.learning_rate:g}"
    return DataError(f"training diverged ({reason}); nothing was written. Try a smaller --learning-rate{rate}"
                     + ("" if args.standardize else " or --standardize"))


def _fit_or_diverge(model, args, x_train, y_train, validation):
    """Train; DataError (nothing saved) when training diverged by :mod:`autograd_mlp.divergence`'s rule.

    The rule: non-finite weights or loss, or a final training loss more than
    ``DIVERGENCE_FACTOR`` (10) times the untrained model's loss on the training rows.
    """
    try:
        start = initial_loss(model, x_train, y_train)
    except (ValueError, FloatingPointError):  # outputs a metric refuses: the guard falls back on the first batch
        start = None
    guard = TerminateOnDivergence(start, factor=DIVERGENCE_FACTOR)
    try:
        history = model.fit(x_train, y_train, epochs=args.epochs, batch_size=args.batch_size,
                            validation_data=validation, verbose=args.verbose, seed=args.seed, callbacks=[guard])
    except FloatingPointError as exc:
        raise _diverged(f"{exc}".split(";")[0], args) from None
    if guard.diverged:
        raise _diverged(guard.reason, args)
    try:
        final = initial_loss(model, x_train, y_train)
    except (ValueError, FloatingPointError):  # outputs so large that a metric refuses them
        final = float("inf")
    reason = divergence(model, final, start, DIVERGENCE_FACTOR)
    if reason is not None:
        raise _diverged(reason, args)
    return history


def train(args):
    """Read DATA.csv, pick the task from the target column, train, print the final metrics, save the model.

    Nothing is written when training diverged: non-finite weights or loss, or
    a final training loss more than 10 times the untrained model's.
    """
    out = check_output_file(args.out)
    refuse_overwriting_inputs({out: "--out", sidecar_path(out): "--out's column description"},
                              {args.data: "the data"})
    table = read_data(args.data)
    target = args.target
    table.index(target)  # a missing target column is reported with the header's names
    features = [name for name in table.columns if name != target]
    if not features:
        raise DataError(f"{table.path}: the only column is the target {target!r}; there are no features to learn from")
    y_raw = table.column(target)
    task = infer_task(y_raw) if args.task == "auto" else args.task
    classes = classes_of(task, y_raw, target, table.path)
    settings = settings_for(task, len(classes) if classes else 1)
    output_activation = settings.output_activation if args.output_activation == "auto" else args.output_activation
    loss = settings.loss if args.loss == "auto" else losses.name_of(losses.get(args.loss))
    if loss in ("sparse_categorical_crossentropy", "categorical_crossentropy") and task != "multiclass":
        raise UsageError(f"--loss {loss} needs a multiclass target (--task multiclass); the target is {task}")
    x = table.select(features)
    y = encode_target(y_raw, classes, table, target, one_hot=one_hot_targets(task, loss))

    (x_train, y_train), validation = _split(x, y, args.validation_split, args.seed, classes is not None, table.path)
    standardizer = Standardizer().fit(x_train) if args.standardize else None
    info = ModelInfo(features, target, task, classes, standardizer)
    if validation is not None:
        validation = (info.inputs(validation[0]), validation[1])

    if args.seed is not None:
        set_seed(args.seed)
    model = _build(len(features), args.layers, args.activation, settings, output_activation)
    model.compile(optimizer=_optimizer(args.optimizer, args.learning_rate), loss=loss, metrics=list(settings.metrics))
    print(f"{table.path}: {len(x)} rows, {len(features)} features; target {target!r}: {task}"
          + (f" with classes {classes}" if classes else "")
          + f"; {len(x_train)} training and {0 if validation is None else len(validation[0])} validation rows")
    print(f"network: {len(features)} inputs -> "
          + "".join(f"{units} {args.activation} -> " for units in args.layers)
          + f"{settings.units} {output_activation}; loss {loss}; optimizer {args.optimizer}"
          + ("; inputs standardized" if standardizer is not None else ""))
    history = _fit_or_diverge(model, args, info.inputs(x_train), y_train, validation)
    last = {key: values[-1] for key, values in history.history.items()}
    print(f"after {len(history.epoch)} epochs: {_format_logs(last)}")
    save(model, info, out)
    print(f"saved the model to {out} and its columns"
          + (" and standardization" if standardizer is not None else "") + f" to {sidecar_path(out)}")
    return 0


# ------------------------------------------------------------- evaluate
def _confusion_lines(labels, predicted, classes):
    matrix = metrics.confusion_matrix(labels, predicted, labels=classes)
    width = max(9, *(len(str(c)) + 10 for c in classes), len(str(matrix.max())) + 1)
    lines = ["confusion matrix (rows: true class, columns: predicted class):",
             " " * 12 + "".join(f"{'pred ' + str(c):>{width}}" for c in classes)]
    for label, row in zip(classes, matrix):
        lines.append(f"{'true ' + str(label):<12}" + "".join(f"{count:>{width}}" for count in row))
    return lines


def evaluate(args):
    """The loss and metrics of a saved model on DATA.csv (which holds the target column)."""
    table = read_data(args.data)
    model, info = load_model_and_info(args.model, table, args.target)
    if not model.compiled:
        raise DataError(f"{args.model}: the model was saved without a loss (never compiled), so it cannot be evaluated")
    y_raw = target_column(table, info, args.model)
    x = feature_matrix(table, info)
    loss = model.get_compile_config()["loss"]
    y = encode_target(y_raw, info.classes, table, info.target, one_hot=one_hot_targets(info.task, loss))
    inputs = info.inputs(x)
    logs = model.evaluate(inputs, y, return_dict=True)
    print(f"{table.path}: {len(x)} rows; target {info.target!r} ({info.task})")
    for key, value in logs.items():
        print(f"{key}: {value:.4f}")
    if info.classes is not None:
        predicted = predicted_labels(info.task, info.classes, model.predict(inputs))
        labels = y_raw.astype(np.int64)
        for line in _confusion_lines(labels, predicted, info.classes):
            print(line)
    return 0


# -------------------------------------------------------------- predict
def predict(args):
    """The model's outputs for the rows of DATA.csv, as CSV (with the predicted label for a classifier)."""
    out = check_output_file(args.out) if args.out is not None else None
    if out is not None:
        refuse_overwriting_inputs({out: "--out"}, {**model_inputs(args.model), args.data: "the data"})
    table = read_data(args.data)
    model, info = load_model_and_info(args.model, table, args.target)
    x = feature_matrix(table, info)
    outputs = model.predict(info.inputs(x))
    target = info.target or "prediction"
    columns = prediction_columns(info.task, target, info.classes, outputs.shape[1])
    text = format_table(columns, decode_predictions(info.task, info.classes, outputs))
    if out is None:
        sys.stdout.write(text)
    else:
        atomic_write(out, text.encode("utf-8"))
        print(f"wrote {len(x)} predictions to {out}")
    return 0


# -------------------------------------------------------------- summary
def summary(args):
    """The layer table of a saved model, its training settings and its column description."""
    model, info = load(args.model)
    model.summary()
    if model.compiled:
        config = model.get_compile_config()
        optimizer = config["optimizer"]
        rate = optimizer.get("learning_rate")
        print(f"loss: {config['loss']}; optimizer: {optimizer.get('class', '?')}"
              + (f" (learning rate {rate:g})" if isinstance(rate, (int, float)) else "")
              + (f"; metrics: {', '.join(config['metrics'])}" if config["metrics"] else ""))
    if info is None:
        print(f"no column description ({sidecar_path(args.model)}): evaluate and predict need --target "
              f"and read every other column as a feature")
        return 0
    print(f"features ({len(info.features)}): {', '.join(info.features)}")
    print(f"target: {info.target!r} ({info.task}" + (f", classes {info.classes})" if info.classes else ")"))
    if info.standardizer is None:
        print("inputs: used as they are (not standardized)")
    else:
        pairs = ", ".join(f"{name} {m:.4g} ± {s:.4g}"
                          for name, m, s in zip(info.features, info.standardizer.mean, info.standardizer.std))
        print(f"inputs: standardized with the training rows' mean ± std: {pairs}")
    return 0


# ----------------------------------------------------------------- draw
def draw(args):
    """A drawing of a saved model: one box per layer (plot_model), or every neuron with ``--neurons``."""
    ext = os.path.splitext(args.out)[1].lower().lstrip(".")
    if ext not in RENDER_FORMATS + SOURCE_FORMATS:
        raise UsageError(f"--out {args.out}: cannot tell the format from the extension; expected one of "
                         + ", ".join("." + f for f in RENDER_FORMATS + SOURCE_FORMATS))
    out = check_output_file(args.out)
    refuse_overwriting_inputs({out: "--out"}, model_inputs(args.model))
    if ext in RENDER_FORMATS and not dot_available():
        raise DataError(f"cannot write {out}: Graphviz's dot program is not installed (apt-get install graphviz, "
                        f"brew install graphviz or conda install graphviz); a .gv file needs no dot")
    model, _ = load(args.model, compile=False)
    if args.neurons:
        graph = draw_network(model)
    else:
        graph = plot_model(model, to_file=None, show_shapes=True)
    try:
        render(graph, out)
    except GraphvizNotFoundError as exc:
        raise DataError(str(exc)) from None
    print(f"wrote {out}")
    return 0
