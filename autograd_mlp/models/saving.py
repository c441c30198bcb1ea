"""A model into a file: ``save_model``, ``save_weights``, and ``load_weights`` into an existing model.

A saved model holds its architecture (``model.get_config()``), its weights,
its compile configuration (loss, optimizer, metrics) and, optionally, the
optimizer's state, so that ``load_model(path)`` gives back a model that
predicts bit for bit the same and, once compiled, trains on exactly as the
original would have (:func:`autograd_mlp.models.loading.load_model` reads it
back).  The file itself (its header, its arrays, the atomic write and the
checks on reading) is :mod:`autograd_mlp.io`'s; this module turns a model
into a header and arrays.  Only models made of the layer classes of
:data:`LAYER_CLASSES`, with the library's named activations and initializers,
can be saved whole, since only those can be rebuilt.
"""

from __future__ import annotations

import numpy as np

from .. import activations
from ..io import (
    FORMAT_MODEL,
    FORMAT_VERSION,
    FORMAT_WEIGHTS,
    array_records,
    check_path,
    library_version,
    read_file,
    write_file,
)
from ..nn import init
from ..nn.layers import LAYER_CLASSES as _NN_LAYER_CLASSES
from ..nn.layers import Activation, Dense, Layer, Sequential
from ..nn.regularization import serialize_regularizer

__all__ = ["save_model", "save_weights", "load_weights", "LAYER_CLASSES"]

#: The only layer classes ``load_model`` will build, by the class name stored in the file.
LAYER_CLASSES = dict(_NN_LAYER_CLASSES)


def save_model(model, path, include_optimizer=True):
    """Write ``model`` (architecture, weights, compile configuration, optimizer state) to one file.

    Parameters
    ----------
    model : Sequential
        A model of :data:`LAYER_CLASSES` layers, compiled or not.
    path : str or os.PathLike
        The file to write; any extension (``.keras``, ``.npz`` ...).  An
        existing file is replaced atomically.
    include_optimizer : bool
        Also store the optimizer's state (iteration count, momentum, Adam's
        moments), so that training resumes exactly where it stopped.  Only
        an optimizer bound to exactly the model's current parameters has a
        state for them: one compiled before the model was built (or before
        ``add()``) and not yet used by ``fit`` saves its configuration only,
        and starts afresh after loading.

    Raises ``TypeError`` for a model that is not a Sequential, and
    ``ValueError`` for a layer or activation that could not be rebuilt on
    loading; in both cases before anything is written.
    """
    path = check_path(path)
    if not isinstance(model, Sequential):
        raise TypeError(f"save_model expects a Sequential model, got {type(model).__name__}")
    if not isinstance(include_optimizer, bool):
        raise TypeError(f"include_optimizer must be True or False, got {include_optimizer!r}")
    _check_rebuildable(model)
    config = model.get_config()
    params = model.parameters()
    arrays = []
    weights = array_records(
        "weights", [(p.name, np.asarray(p.data)) for p in params], arrays
    )
    compile_config = _compile_config(model)
    optimizer_state = None
    optimizer = getattr(model, "optimizer", None)
    if include_optimizer and compile_config is not None and optimizer is not None \
            and _bound_to(optimizer, [p for p in params if p.requires_grad]):  # frozen ones are not its
        state = optimizer.get_state()
        slots = array_records("optimizer", sorted(state["slots"].items()), arrays)
        for record in slots:
            record["key"] = record.pop("name")
        optimizer_state = {
            "iterations": int(state["iterations"]),
            "n_params": len(optimizer.params),
            "slots": slots,
        }
    header = {
        "format": FORMAT_MODEL,
        "format_version": FORMAT_VERSION,
        "library_version": library_version(),
        "config": config,
        "compile_config": compile_config,
        "weights": weights,
        "optimizer": optimizer_state,
    }
    write_file(path, header, arrays)


def _bound_to(optimizer, params):
    """Whether ``optimizer`` holds exactly ``params`` (the same objects, in the same order)."""
    bound = list(getattr(optimizer, "params", ()))
    return len(bound) == len(params) and all(a is b for a, b in zip(bound, params))


def save_weights(model, path):
    """Write only the weights of ``model`` (in ``get_weights()`` order) to one file, atomically."""
    path = check_path(path)
    _check_has_weights(model, "save_weights")
    arrays = []
    weights = array_records(
        "weights", [(p.name, np.asarray(p.data)) for p in model.parameters()], arrays
    )
    header = {
        "format": FORMAT_WEIGHTS,
        "format_version": FORMAT_VERSION,
        "library_version": library_version(),
        "model_name": getattr(model, "name", None),
        "weights": weights,
    }
    write_file(path, header, arrays)


def _check_has_weights(model, who):
    if not isinstance(model, Layer):
        raise TypeError(f"{who} expects a layer or model (with get_weights/set_weights), got {type(model).__name__}")


def _check_rebuildable(model):
    """Refuse, before writing, a model that load_model could not rebuild as it is."""
    layers = ([model.input_layer] if getattr(model, "input_layer", None) is not None else []) + list(model.layers)
    for layer in layers:
        kind = type(layer).__name__
        if LAYER_CLASSES.get(kind) is not type(layer):
            raise ValueError(
                f"cannot save layer {getattr(layer, 'name', '?')!r} of class {kind}: "
                f"only {sorted(LAYER_CLASSES)} layers can be saved"
            )
        if isinstance(layer, (Dense, Activation)):
            # A custom function would be saved by its __name__ and come back
            # as whatever the library registers under that name, or not at all.
            name = layer.activation_name
            try:
                same = activations.get(name) is layer.activation
            except (TypeError, ValueError):
                same = False
            if not same:
                raise ValueError(
                    f"cannot save layer {layer.name!r}: its activation {name!r} is not one of the "
                    f"library's named activations; use save_weights for custom functions"
                )
        if isinstance(layer, Dense):
            for what, fn in (("kernel_initializer", layer._kernel_initializer),
                             ("bias_initializer", layer._bias_initializer)):
                try:
                    init.serialize(fn)
                except ValueError:
                    raise ValueError(
                        f"cannot save layer {layer.name!r}: its {what} {init.name_of(fn)!r} is not one of the "
                        f"library's named initializers or classes; use save_weights for custom functions"
                    ) from None
            for what in ("kernel_regularizer", "bias_regularizer", "activity_regularizer"):
                regularizer = getattr(layer, what)
                if regularizer is not None:
                    try:
                        serialize_regularizer(regularizer)
                    except ValueError as exc:
                        raise ValueError(f"cannot save layer {layer.name!r}: its {what}: {exc}") from None


def _compile_config(model):
    get = getattr(model, "get_compile_config", None)
    return get() if callable(get) else None


def load_weights(model, path):
    """Set the weights of ``model`` from a file of :func:`save_weights` (or :func:`save_model`).

    Every array's shape is checked against the model before any weight
    changes; a mismatch raises ``ValueError`` and leaves the model as it was.
    """
    path = check_path(path)
    _check_has_weights(model, "load_weights")
    archive = read_file(path)
    weights = [archive.read_array(spec) for spec in archive.records("weights")]
    try:
        model.set_weights(weights, allow_non_finite=True)  # exactly what was saved
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{path}: the weights do not fit model {getattr(model, 'name', '')!r}: {exc}") from None
