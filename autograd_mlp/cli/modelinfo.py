"""A trained model's column description, kept in a JSON file next to the model.

``autograd-mlp train --out MODEL`` writes two files: ``MODEL`` itself
(:func:`autograd_mlp.models.save_model`, which stores the network but no facts
about the data) and ``MODEL.json``, this module's file, with what
``evaluate``, ``predict`` and ``explain`` need to read a CSV file the way
the training file was read::

    {
      "format": "autograd_mlp.cli.columns", "format_version": 1,
      "features": ["x0", "x1"],          # the input columns, in the network's order
      "target": "y",                      # the target column
      "task": "binary",                   # binary | multiclass | regression
      "classes": [0, 1],                  # class labels (output k is classes[k]); null for regression
      "standardizer": {"mean": [...], "std": [...]}   # or null without --standardize
    }

With ``--standardize`` the inputs are transformed x' = (x − mean) / std with
the mean and std of the training rows, both here, so that every later
command applies the same transformation.  Both files are written atomically.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Optional

from .._files import atomic_write
from ..data import Standardizer
from ..io import FileFormatError
from ..models import load_model, save_model
from .errors import DataError
from .tasks import TASKS

__all__ = ["FORMAT", "FORMAT_VERSION", "ModelInfo", "sidecar_path", "save", "load", "guess_info", "output_width"]

FORMAT = "autograd_mlp.cli.columns"
FORMAT_VERSION = 1


@dataclass
class ModelInfo:
    """What a model expects of a CSV file: its feature columns, target, task, classes and standardizer."""

    features: list
    target: Optional[str]
    task: str
    classes: Optional[list]
    standardizer: Optional[Standardizer] = None

    def to_json(self):
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "features": list(self.features),
            "target": self.target,
            "task": self.task,
            "classes": None if self.classes is None else [int(c) for c in self.classes],
            "standardizer": None if self.standardizer is None else self.standardizer.to_dict(),
        }

    def inputs(self, x):
        """The network's input for raw feature rows ``x``: standardized when the model was trained so."""
        return x if self.standardizer is None else self.standardizer.transform(x)


def sidecar_path(model_path):
    """Where the column description of the model at ``model_path`` lives: the same name plus ``.json``."""
    return os.fspath(model_path) + ".json"


def output_width(model):
    """The number of outputs of a built Sequential model."""
    return model.output_dim(model.input_dim)


def save(model, info, path):
    """Write the model to ``path`` and its column description to ``path + ".json"``, each atomically."""
    text = json.dumps(info.to_json(), indent=2, allow_nan=False) + "\n"
    save_model(model, path)
    atomic_write(sidecar_path(path), text.encode("utf-8"))


def load(path, compile=True):
    """``(model, info)`` for a saved model; ``info`` is None when there is no ``path + ".json"``.

    A missing or damaged model file and a damaged description are DataErrors.
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise DataError(f"{path}: no such model file")
    try:
        model = load_model(path, compile=compile)
    except FileFormatError as exc:
        raise DataError(str(exc)) from None
    if model.input_dim is None:
        raise DataError(f"{path}: the saved model does not know its input width, so it cannot read a table")
    side = sidecar_path(path)
    if not os.path.exists(side):
        return model, None
    return model, _read_info(side, model)


def _read_info(side, model):
    try:
        with open(side, encoding="utf-8") as handle:
            raw = json.load(handle)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(f"{side}: not a JSON column description ({exc})") from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise DataError(f"{side}: not a column description written by autograd-mlp train (no format {FORMAT!r})")
    if raw.get("format_version") != FORMAT_VERSION:
        raise DataError(f"{side}: format_version {raw.get('format_version')!r} is not the one this version reads "
                        f"({FORMAT_VERSION})")

    def bad(what):
        return DataError(f"{side}: {what}")

    features = raw.get("features")
    if (not isinstance(features, list) or not features or not all(isinstance(f, str) for f in features)
            or len(set(features)) != len(features)):
        raise bad("'features' must be a non-empty list of distinct column names")
    if len(features) != model.input_dim:
        raise bad(f"lists {len(features)} features, but the model takes {model.input_dim} inputs")
    target = raw.get("target")
    if target is not None and not isinstance(target, str):
        raise bad("'target' must be a column name or null")
    task = raw.get("task")
    if task not in TASKS:
        raise bad(f"'task' must be one of {list(TASKS)}, got {task!r}")
    classes = raw.get("classes")
    width = output_width(model)
    if task == "regression":
        if classes is not None:
            raise bad("'classes' must be null for a regression model")
    else:
        if (not isinstance(classes, list) or len(classes) < 2 or len(set(classes)) != len(classes)
                or not all(isinstance(c, int) and not isinstance(c, bool) for c in classes)):
            raise bad("'classes' must list at least 2 distinct whole-number labels for a classifier")
        expected = 1 if task == "binary" else len(classes)
        if (task == "binary" and len(classes) != 2) or width != expected:
            raise bad(f"a {task} model with classes {classes} needs {expected} output(s), the model has {width}")
    standardizer = raw.get("standardizer")
    if standardizer is not None:
        try:
            standardizer = Standardizer.from_dict(standardizer)
        except (TypeError, ValueError) as exc:
            raise bad(f"'standardizer' is damaged: {exc}") from None
        if standardizer.mean.size != len(features):
            raise bad(f"'standardizer' has {standardizer.mean.size} columns for {len(features)} features")
    return ModelInfo(features, target, task, classes, standardizer)


def guess_info(model, columns, target):
    """A description for a model saved without one: every column but ``target`` is a feature, in file order.

    The task is read from the model itself, its output layer first:

    * a softmax output of K ≥ 2 units -> multiclass with classes 0 .. K-1
      (whatever the loss: sparse or one-hot categorical cross-entropy alike);
    * one sigmoid unit, or the loss binary cross-entropy -> binary with classes [0, 1],
      unless the loss is a regression loss (a sigmoid fitted to values in [0, 1]);
    * the loss sparse categorical cross-entropy -> multiclass;
    * anything else -> regression.

    No standardization.
    """
    features = [c for c in columns if c != target]
    width = output_width(model)
    loss = model.get_compile_config()["loss"] if model.compiled else None
    activation = model._output_activation()
    if activation == "softmax" and width >= 2:
        task, classes = "multiclass", list(range(width))
    elif width == 1 and (loss == "binary_crossentropy"
                         or (activation == "sigmoid" and loss not in _REGRESSION_LOSSES)):
        task, classes = "binary", [0, 1]
    elif loss in ("sparse_categorical_crossentropy", "categorical_crossentropy") and width >= 2:
        task, classes = "multiclass", list(range(width))
    else:
        task, classes = "regression", None
    return ModelInfo(features, target, task, classes, None)


#: Losses that say a sigmoid output is a value to fit, not a probability of class 1.
_REGRESSION_LOSSES = ("mean_squared_error", "mean_absolute_error", "mse", "mae")
