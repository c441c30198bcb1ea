"""A model from a file: ``load_model`` builds the saved model again from what :mod:`autograd_mlp.io` read.

Layers are rebuilt only from the classes of :data:`~autograd_mlp.models.saving.LAYER_CLASSES`,
from plain JSON values; every weight's shape follows from the saved
architecture alone and is compared with the file before any layer is built.
"""

from __future__ import annotations

import numpy as np

from .. import optim
from ..io import FORMAT_MODEL, FileFormatError, check_path, header_field, read_file
from ..nn import init
from ..nn.layers import Dense, Flatten, InputLayer
from .saving import LAYER_CLASSES
from .sequential import Sequential

__all__ = ["load_model"]


def load_model(path, compile=True):
    """Rebuild the model saved by :func:`save_model`: same layers, names, dtype and weights (bitwise).

    With ``compile=True`` (the default) a model saved after ``compile`` is
    compiled again with the same loss, optimizer and metrics, and the
    optimizer's saved state is restored.  ``compile=False`` returns the
    model with its weights only.

    Raises ``FileNotFoundError`` for a missing file and
    :class:`FileFormatError` (a ``ValueError``) for anything else wrong.
    """
    path = check_path(path)
    if not isinstance(compile, bool):
        raise TypeError(f"compile must be True or False, got {compile!r}")
    archive = read_file(path)
    header = archive.header
    if header["format"] != FORMAT_MODEL:
        raise FileFormatError(f"{path}: holds weights only (written by save_weights); use load_weights(model, path)")
    config = header_field(header, "config", dict, path)
    # Every weight's shape follows from the config alone; compare it with the
    # header's records before building anything, so that a small forged
    # header cannot make the layers draw gigabytes of initial weights.
    # (Reading the arrays first is safe: each must fit in its entry of a file
    # already in memory.)
    weights = [archive.read_array(spec) for spec in archive.records("weights")]
    expected = _expected_weights(config, path)
    if len(weights) != len(expected):
        raise FileFormatError(
            f"{path}: the architecture has {len(expected)} weight arrays but the file holds {len(weights)}"
        )
    for arr, (what, shape, dtype) in zip(weights, expected):
        if arr.shape != shape or arr.dtype.name != dtype.name:
            raise FileFormatError(
                f"{path}: {what} should be {dtype.name} of shape {shape} by the architecture, "
                f"the file holds {arr.dtype.name} of shape {arr.shape}"
            )
    model = _build_model(config, path)
    params = model.parameters()
    if len(weights) != len(params):
        raise FileFormatError(
            f"{path}: the architecture has {len(params)} weight arrays but the file holds {len(weights)}"
        )
    for param, arr in zip(params, weights):
        if arr.shape != param.shape or arr.dtype.name != param.dtype.name:
            raise FileFormatError(
                f"{path}: weight {param.name!r} should be {param.dtype.name} of shape {param.shape} "
                f"by the architecture, the file holds {arr.dtype.name} of shape {arr.shape}"
            )
    model.set_weights(weights, allow_non_finite=True)  # the file gives back exactly what was saved
    compile_config = header.get("compile_config")
    if compile and compile_config is not None:
        _compile(model, compile_config, path)
        state = header.get("optimizer")
        if state is not None:
            _restore_optimizer(model.optimizer, archive, state, path)
    return model


def _config_int(config, key, index, path, default=None):
    value = config.get(key, default)
    if value is None and default is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise FileFormatError(f"{path}: layer {index} has an invalid config: {key} must be a positive integer, got {value!r}")
    return value


def _config_shape(value, key, index, path):
    """A saved feature shape: a non-empty list of positive integers."""
    if not isinstance(value, list) or not value or any(
            isinstance(n, bool) or not isinstance(n, int) or n < 1 for n in value):
        raise FileFormatError(
            f"{path}: layer {index} has an invalid config: {key} must be a list of positive integers, got {value!r}"
        )
    return tuple(value)


def _expected_weights(config, path):
    """``(description, shape, dtype)`` of each weight the saved layers will have, from the config alone.

    Mirrors how a Sequential builds: once the model knows the shape of a case
    (from an ``InputLayer``, a ``Flatten`` with its ``input_shape``, or its
    first Dense's ``input_dim``), the shapes chain through the layers (Dropout
    and Activation keep it, Flatten multiplies it out, a Dense of ``units``
    outputs ``units``); before that, only a Dense given its own ``input_dim``
    has weights.
    """
    layer_configs = header_field(config, "layers", list, path)
    expected = []
    shape = None      # the feature shape flowing through the layers, when known
    chained = False   # whether the model knows its input shape
    started = False   # whether a layer that fixes the input shape has been seen
    for index, entry in enumerate(layer_configs):
        cls = _layer_class(index, entry, path)
        layer_config = header_field(entry, "config", dict, path)
        if cls is InputLayer:
            shape = _config_shape(layer_config.get("shape"), "shape", index, path)
            chained = started = True
            continue
        if cls is Flatten:
            declared = layer_config.get("input_shape")
            if declared is not None:
                declared = _config_shape(declared, "input_shape", index, path)
            if not started:
                started = True
                chained = declared is not None
                shape = declared
            if chained:
                if declared is not None and declared != shape:
                    raise FileFormatError(
                        f"{path}: the saved layers do not form a model: layer {index} expects cases of "
                        f"shape {declared}, the layer before it outputs {shape}"
                    )
                shape = (int(np.prod(shape)),)
            continue
        if cls is not Dense:
            continue
        units = _config_int(layer_config, "units", index, path, default=0)
        input_dim = _config_int(layer_config, "input_dim", index, path)
        declared = layer_config.get("input_shape")
        if input_dim is None and isinstance(declared, list) and len(declared) == 1:
            input_dim = _config_int({"input_shape": declared[0]}, "input_shape", index, path, default=0)
        if not started:
            started = True
            chained = input_dim is not None
            shape = None if input_dim is None else (input_dim,)
        if chained:
            if input_dim is not None and input_dim != shape[-1]:
                raise FileFormatError(
                    f"{path}: the saved layers do not form a model: layer {index} expects "
                    f"{input_dim} input features, the layer before it outputs {shape[-1]}"
                )
            input_dim = shape[-1]
        try:
            dtype = np.dtype(layer_config.get("dtype", "float64"))
        except (TypeError, ValueError, SyntaxError):
            dtype = None
        if dtype is None or dtype.kind != "f":
            raise FileFormatError(
                f"{path}: layer {index} has an invalid config: dtype must be a float type, "
                f"got {layer_config.get('dtype')!r}"
            )
        if input_dim is not None:
            expected.append((f"the kernel of layer {index}", (input_dim, units), dtype))
            if bool(layer_config.get("use_bias", True)):
                expected.append((f"the bias of layer {index}", (units,), dtype))
        if chained:
            shape = (*shape[:-1], units)
    return expected


def _layer_class(index, entry, path):
    if not isinstance(entry, dict):
        raise FileFormatError(f"{path}: layer {index} must be a JSON object, got {type(entry).__name__}")
    kind = entry.get("class")
    cls = LAYER_CLASSES.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise FileFormatError(
            f"{path}: layer {index} has unknown class {kind!r}; expected one of {sorted(LAYER_CLASSES)}"
        )
    return cls


def _build_model(config, path):
    layer_configs = header_field(config, "layers", list, path)
    name = config.get("name")
    if name is not None and not isinstance(name, str):
        raise FileFormatError(f"{path}: the model name must be a string, got {type(name).__name__}")
    # Building a layer draws initial weights, which the saved ones replace at
    # once: draw them from a generator of this thread's own, so that loading a
    # model never changes the random numbers a seeded script (or another
    # thread) sees afterwards.
    with init.using_generator(np.random.default_rng(0)):
        layers = [_build_layer(i, entry, path) for i, entry in enumerate(layer_configs)]
    trainable = config.get("trainable", True)
    if not isinstance(trainable, bool):
        raise FileFormatError(f"{path}: the model's trainable flag must be true or false, got {trainable!r}")
    try:
        return Sequential(layers, name=name, trainable=trainable)
    except (TypeError, ValueError) as exc:
        raise FileFormatError(f"{path}: the saved layers do not form a model: {exc}") from None


def _build_layer(index, entry, path):
    cls = _layer_class(index, entry, path)
    config = header_field(entry, "config", dict, path)
    try:
        return cls(**config)
    except (TypeError, ValueError) as exc:
        raise FileFormatError(f"{path}: layer {index} ({cls.__name__}) has an invalid config: {exc}") from None


def _compile(model, config, path):
    if not isinstance(config, dict):
        raise FileFormatError(f"{path}: compile_config must be a JSON object, got {type(config).__name__}")
    try:
        optimizer = optim.from_config(header_field(config, "optimizer", dict, path))
        model.compile(optimizer=optimizer, loss=config.get("loss"), metrics=config.get("metrics"))
    except FileFormatError:
        raise
    except (TypeError, ValueError, KeyError) as exc:
        raise FileFormatError(
            f"{path}: cannot compile the model again ({exc}); load_model(path, compile=False) "
            f"returns it with its weights only"
        ) from None


def _restore_optimizer(optimizer, archive, state, path):
    if not isinstance(state, dict):
        raise FileFormatError(f"{path}: the optimizer state must be a JSON object, got {type(state).__name__}")
    iterations = header_field(state, "iterations", int, path)
    n_params = header_field(state, "n_params", int, path)
    if iterations < 0:
        raise FileFormatError(f"{path}: the optimizer's iteration count is negative ({iterations})")
    if n_params != len(optimizer.params):
        raise FileFormatError(
            f"{path}: the optimizer state is for {n_params} parameters, the model has {len(optimizer.params)}"
        )
    slots = {}
    for record in archive.records("slots", state):
        key = record.get("key")
        if not isinstance(key, str) or "/" not in key or not key.split("/", 1)[0].isdigit():
            raise FileFormatError(f"{path}: optimizer slot key must look like 'index/name', got {key!r}")
        slots[key] = archive.read_array(record)
    try:
        optimizer.set_state({"iterations": iterations, "slots": slots})
    except (TypeError, ValueError) as exc:
        raise FileFormatError(f"{path}: the optimizer state does not fit the model: {exc}") from None
