"""What the commands share: a model with its column description, a data file read against it, output paths."""

from __future__ import annotations

import os

from .csvdata import read_table, shown
from .errors import DataError, UsageError
from .modelinfo import guess_info, load, sidecar_path

__all__ = ["load_model_and_info", "read_data", "feature_matrix", "target_column", "check_output_file",
           "prepare_output_dir", "matplotlib_available", "same_file", "refuse_overwriting_inputs", "model_inputs"]


def load_model_and_info(model_path, table=None, target=None, compile=True):
    """``(model, info)``; without a ``MODEL.json`` the description is guessed (see :func:`guess_info`).

    ``target`` (the command's ``--target``) names the target column of a
    model saved without a description; with one, it must agree with it.
    """
    model, info = load(model_path, compile=compile)
    if info is None:
        columns = table.columns if table is not None else []
        return model, guess_info(model, columns, target)
    if target is not None and target != info.target:
        raise UsageError(f"--target {target!r} disagrees with {sidecar_path(model_path)}, "
                         f"where the model's target is {info.target!r}")
    return model, info


def read_data(path):
    """The CSV table at ``path`` (errors name the file, line and column)."""
    return read_table(path)


def feature_matrix(table, info):
    """The model's feature columns of ``table``, in the model's order: an array (rows, features).

    Every feature must be in the header (by name, in any order); any other
    column must be the target, which is ignored here.
    """
    missing = [name for name in info.features if name not in table.columns]
    if missing:
        raise DataError(f"{table.path}: the model needs column {shown(missing[0])}, which the header lacks "
                        f"(the model's features: {', '.join(info.features)})")
    unknown = [name for name in table.columns if name not in info.features and name != info.target]
    if unknown:
        raise DataError(f"{table.path}: column {shown(unknown[0])} is not one of the model's features "
                        f"({', '.join(info.features)}) nor its target {info.target!r}")
    return table.select(info.features)


def target_column(table, info, model_path):
    """The target values of ``table`` (1-D); DataError when the file has no target column."""
    if info.target is None:
        raise UsageError(f"{model_path} has no column description ({sidecar_path(model_path)}); "
                         f"name the target column with --target")
    if info.target not in table.columns:
        raise DataError(f"{table.path}: no target column {info.target!r} to compare the predictions with")
    return table.column(info.target)


def check_output_file(path, option="--out"):
    """Refuse, before any work, an output path in a folder that does not exist or naming a folder."""
    path = os.fspath(path)
    if os.path.isdir(path):
        raise DataError(f"{option} {path}: is a folder; expected a file name")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise DataError(f"{option} {path}: the folder {folder} does not exist")
    return path


def same_file(a, b):
    """True when paths ``a`` and ``b`` name one file: the same inode when both exist, else the same resolved path.

    A symlink, a hard link, ``./`` or ``..`` in either path does not hide that
    they are one file.
    """
    a, b = os.fspath(a), os.fspath(b)
    if os.path.exists(a) and os.path.exists(b):
        try:
            return os.path.samefile(a, b)
        except OSError:
            pass
    return os.path.realpath(a) == os.path.realpath(b)


def model_inputs(model_path):
    """The files a command reads for a saved model: the model and its column description (when there is one)."""
    return {model_path: "the model", sidecar_path(model_path): "the model's column description"}


def refuse_overwriting_inputs(outputs, inputs):
    """DataError when an output path is the same file as an input; call it before reading anything.

    ``outputs`` maps each path the command will write to the option that
    named it (``"--out"``); ``inputs`` maps each path it reads to what that
    file is (``"the data"``).
    """
    for out, option in outputs.items():
        for path, what in inputs.items():
            if path is not None and same_file(out, path):
                shown = out if os.fspath(out) == os.fspath(path) else f"{out} (the same file as {path})"
                raise DataError(f"{option} {shown}: would overwrite {what}; write the output to another file")


def prepare_output_dir(path, option="--out"):
    """Create the output folder (and its parents) if needed; DataError when a file is in the way."""
    path = os.fspath(path)
    if os.path.exists(path) and not os.path.isdir(path):
        raise DataError(f"{option} {path}: is a file; expected a folder")
    os.makedirs(path, exist_ok=True)
    return path


def matplotlib_available():
    """True when the optional matplotlib is installed (the plots need it)."""
    try:
        import matplotlib.figure  # noqa: F401
    except ImportError:
        return False
    return True
