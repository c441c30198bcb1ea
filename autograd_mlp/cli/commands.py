"""The commands ``train``, ``evaluate``, ``predict``, ``summary`` and ``draw``: one function each, taking argparse's namespace.

Each returns the exit status (0) or raises a :class:`~.errors.CommandError`
(or a library ValueError) that ``main`` turns into one line on stderr.  No
command writes a file before every check has passed, and every file is
written atomically (a temporary file renamed over the target).

``train``, ``evaluate`` and ``predict`` read the CSV file in chunks of
``--chunk-rows`` rows.  ``evaluate`` and ``predict`` hold one chunk at a
time, so their memory does not grow with the file; ``train`` decides each
row's part (training or validation, :mod:`.holdout`) and adds the training
rows to the standardization's statistics (:meth:`Standardizer.partial_fit`)
chunk by chunk, then fits in memory.
"""

from __future__ import annotations

import itertools
import os

import numpy as np

from .. import losses, metrics, optim
from ..data import Standardizer
from ..divergence import DIVERGENCE_FACTOR, TerminateOnDivergence, divergence, initial_loss
from ..models import Sequential
from ..nn import Dense
from ..nn.init import set_seed
from ..viz import draw_network, plot_model
from ..viz.rendering import RENDER_FORMATS, SOURCE_FORMATS, GraphvizNotFoundError, dot_available, render
from .csvdata import read_chunks, table_writer
from .errors import DataError, UsageError
from .holdout import ValidationRows
from .loading import (check_output_file, feature_matrix, load_model_and_info, model_inputs,
                      refuse_overwriting_inputs, target_column)
from .modelinfo import ModelInfo, load, output_width, save, sidecar_path
from .tasks import (classes_of, decode_predictions, encode_target, infer_task, one_hot_targets, predicted_labels,
                    prediction_columns, settings_for)

__all__ = ["train", "evaluate", "predict", "summary", "draw"]


def _format_logs(logs):
    return ", ".join(f"{key} {value:.4f}" for key, value in logs.items())


# ------------------------------------------------------------------ train
def _check_split(n_train, n_val, fraction, path):
    if fraction > 0 and (n_train == 0 or n_val == 0):
        raise DataError(f"{path}: --validation-split {fraction:g} of {n_train + n_val} rows leaves {n_train} for "
                        f"training and {n_val} for validation; both need at least one (or use --validation-split 0)")


class _TrainingRows:
    """The training file read chunk by chunk: rows split into training and validation, statistics gathered.

    Memory holds the rows themselves (the fit needs them) and one chunk's
    parsing; the standardization's mean and std come from the training rows
    only, merged chunk by chunk.
    """

    def __init__(self, args):
        self.path = args.data
        self.target = args.target
        self.holdout = ValidationRows(args.validation_split, args.seed)
        self.standardizer = Standardizer() if args.standardize else None
        self.features = None
        self.parts = {True: ([], []), False: ([], [])}  # validation? -> (x chunks, y chunks)
        self.rows = 0
        self.first = None  # the first chunk: the file's path and header

    def _first(self, chunk):
        chunk.index(self.target)  # a missing target column is reported with the header's names
        self.features = [name for name in chunk.columns if name != self.target]
        if not self.features:
            raise DataError(f"{chunk.path}: the only column is the target {self.target!r}; "
                            f"there are no features to learn from")

    def read(self, chunk_rows):
        for chunk in read_chunks(self.path, chunk_rows):
            if self.features is None:
                self._first(chunk)
                self.first = chunk
            x, y = chunk.select(self.features), chunk.column(self.target)
            validation = self.holdout.mask(self.rows, len(x))
            self.rows += len(x)
            for part in (True, False):
                keep = validation == part
                if keep.any():
                    self.parts[part][0].append(x[keep])
                    self.parts[part][1].append(y[keep])
            if self.standardizer is not None and not validation.all():
                self.standardizer.partial_fit(x[~validation])
        return self

    def arrays(self, validation):
        xs, ys = self.parts[validation]
        if not xs:
            return np.empty((0, len(self.features))), np.empty(0)
        return np.concatenate(xs), np.concatenate(ys)


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
    data = _TrainingRows(args).read(args.chunk_rows)
    features, target = data.features, args.target
    x_train, y_train_raw = data.arrays(validation=False)
    x_val, y_val_raw = data.arrays(validation=True)
    y_raw = np.concatenate([y_train_raw, y_val_raw])
    task = infer_task(y_raw) if args.task == "auto" else args.task
    classes = classes_of(task, y_raw, target, data.path)
    settings = settings_for(task, len(classes) if classes else 1)
    output_activation = settings.output_activation if args.output_activation == "auto" else args.output_activation
    loss = settings.loss if args.loss == "auto" else losses.name_of(losses.get(args.loss))
    if loss in ("sparse_categorical_crossentropy", "categorical_crossentropy") and task != "multiclass":
        raise UsageError(f"--loss {loss} needs a multiclass target (--task multiclass); the target is {task}")
    _check_split(len(x_train), len(x_val), args.validation_split, data.path)
    one_hot = one_hot_targets(task, loss)
    # The labels come from these very rows, so no label is unknown and the table's lines are never quoted.
    y_train = encode_target(y_train_raw, classes, data.first, target, one_hot=one_hot)
    standardizer = data.standardizer
    info = ModelInfo(features, target, task, classes, standardizer)
    validation = None
    if len(x_val):
        validation = (info.inputs(x_val), encode_target(y_val_raw, classes, data.first, target, one_hot=one_hot))

    if args.seed is not None:
        set_seed(args.seed)
    model = _build(len(features), args.layers, args.activation, settings, output_activation)
    model.compile(optimizer=_optimizer(args.optimizer, args.learning_rate), loss=loss, metrics=list(settings.metrics))
    print(f"{data.path}: {data.rows} rows, {len(features)} features; target {target!r}: {task}"
          + (f" with classes {classes}" if classes else "")
          + f"; {len(x_train)} training and {len(x_val)} validation rows")
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
def _confusion_lines(matrix, classes):
    width = max(9, *(len(str(c)) + 10 for c in classes), len(str(matrix.max())) + 1)
    lines = ["confusion matrix (rows: true class, columns: predicted class):",
             " " * 12 + "".join(f"{'pred ' + str(c):>{width}}" for c in classes)]
    for label, row in zip(classes, matrix):
        lines.append(f"{'true ' + str(label):<12}" + "".join(f"{count:>{width}}" for count in row))
    return lines


def evaluate(args):
    """The loss and metrics of a saved model on DATA.csv (which holds the target column).

    The file is read ``--chunk-rows`` rows at a time; each chunk's mean loss
    and metrics are weighted by its rows, as ``Model.evaluate`` weighs its
    own batches, so the result is the mean over the whole file (to rounding).
    """
    model = info = None
    rows, sums, matrix = 0, None, None
    for chunk in read_chunks(args.data, args.chunk_rows):
        if model is None:
            model, info = load_model_and_info(args.model, chunk, args.target)
            if not model.compiled:
                raise DataError(f"{args.model}: the model was saved without a loss (never compiled), "
                                f"so it cannot be evaluated")
            loss = model.get_compile_config()["loss"]
        y_raw = target_column(chunk, info, args.model)
        x = feature_matrix(chunk, info)
        y = encode_target(y_raw, info.classes, chunk, info.target, one_hot=one_hot_targets(info.task, loss))
        inputs = info.inputs(x)
        logs = model.evaluate(inputs, y, return_dict=True)
        weighted = {key: value * len(x) for key, value in logs.items()}
        sums = weighted if sums is None else {key: sums[key] + value for key, value in weighted.items()}
        rows += len(x)
        if info.classes is not None:
            predicted = predicted_labels(info.task, info.classes, model.predict(inputs))
            counts = metrics.confusion_matrix(y_raw.astype(np.int64), predicted, labels=info.classes)
            matrix = counts if matrix is None else matrix + counts
    print(f"{args.data}: {rows} rows; target {info.target!r} ({info.task})")
    for key, total in sums.items():
        print(f"{key}: {total / rows:.4f}")
    if matrix is not None:
        for line in _confusion_lines(matrix, info.classes):
            print(line)
    return 0


# -------------------------------------------------------------- predict
def _input_columns(chunk, info, prediction_names):
    """The model's feature columns in the file's order, written before the predictions; none may share their names."""
    names = [name for name in chunk.columns if name in info.features]
    clash = sorted(set(names) & set(prediction_names))
    if clash:
        raise DataError(f"{chunk.path}: column {clash[0]!r} would appear twice in the output, as an input and as a "
                        f"prediction; rename it in the file or use --predictions-only")
    return names


def predict(args):
    """The model's outputs for the rows of DATA.csv, as CSV (with the predicted label for a classifier).

    Each line holds the row's feature columns as read (unless
    ``--predictions-only``), then the predictions.  The file is read and the
    output written ``--chunk-rows`` rows at a time; ``--out`` is written to a
    temporary file renamed over it at the end, so a failure leaves it as it was.
    """
    out = check_output_file(args.out) if args.out is not None else None
    if out is not None:
        refuse_overwriting_inputs({out: "--out"}, {**model_inputs(args.model), args.data: "the data"})
    chunks = read_chunks(args.data, args.chunk_rows)
    first = next(chunks)
    model, info = load_model_and_info(args.model, first, args.target)
    target = info.target or "prediction"
    columns = prediction_columns(info.task, target, info.classes, output_width(model))
    inputs = [] if args.predictions_only else _input_columns(first, info, columns)
    feature_matrix(first, info)  # a header the model cannot read is refused before a line is written
    rows = 0
    with table_writer(out, inputs + columns) as write_rows:
        for chunk in itertools.chain([first], chunks):
            x = feature_matrix(chunk, info)
            predictions = decode_predictions(info.task, info.classes, model.predict(info.inputs(x)))
            if inputs:
                predictions = [values + row for values, row in zip(chunk.select(inputs).tolist(), predictions)]
            write_rows(predictions)
            rows += len(x)
    if out is not None:
        print(f"wrote {rows} predictions to {out}")
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
