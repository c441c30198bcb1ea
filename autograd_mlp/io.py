"""Saving and loading models in one safe file: ``save_model`` / ``load_model``, ``save_weights`` / ``load_weights``.

A saved model is a single file holding its architecture, its weights, its
compile configuration (loss, optimizer, metrics) and, optionally, the
optimizer's state, so that ``load_model(path)`` gives back a model that
predicts bit for bit the same and, once compiled, trains on exactly as the
original would have.  Any file name works (the course writes
``My_network.keras``)::

    model.save("My_network.keras")          # or save_model(model, "My_network.keras")
    same = load_model("My_network.keras")

File format (format version 1)
------------------------------
The file is a zip archive of uncompressed entries, which makes it a valid
numpy ``.npz`` as well (``np.load(path)`` opens it; ``unzip -p path
header.json`` prints the header).  Entries:

``header.json``
    A UTF-8 JSON object:

    * ``format``: ``"autograd_mlp.model"`` (``save_model``) or
      ``"autograd_mlp.weights"`` (``save_weights``);
    * ``format_version``: 1.  A reader refuses a file whose version is newer
      than the one it knows;
    * ``library_version``: the autograd_mlp version that wrote the file (for
      information only);
    * ``config``: ``model.get_config()``, i.e. ``{"name": ..., "layers":
      [{"class": "Dense", "config": {...}}, ...]}`` (model files only).  A
      ``Dropout`` layer's ``seed`` is part of its config and comes back, but
      not the state its generator reached while training: the dropout masks
      of a reloaded model restart from the seed;
    * ``compile_config``: ``{"loss": name, "optimizer": optimizer config,
      "metrics": [names]}``, or null for a model never compiled (model files);
    * ``weights``: one record ``{"entry", "name", "shape", "dtype"}`` per
      parameter, in ``model.get_weights()`` order;
    * ``optimizer``: null, or ``{"iterations": t, "n_params": count, "slots":
      [{"key": "index/name", "entry", "shape", "dtype"}, ...]}`` with the
      optimizer's per-parameter arrays (momentum, Adam's moments ...).

    ``dtype`` is numpy's dtype string with its byte order (``"<f8"``).

``weights/<i>.npy`` and ``optimizer/<i>.npy``
    One array per weight and per optimizer slot, in numpy's ``.npy`` format.

Safety
------
Nothing in a file is ever unpickled or executed.  Arrays are read by parsing
the ``.npy`` header (a Python literal, which numpy reads without evaluating
code) and copying the raw bytes, and only plain floating-point arrays whose
shape and dtype (kind and byte order, not just the byte width) agree with
``header.json`` are accepted; an entry holding Python objects (a pickle) is
refused.  Layers are rebuilt only from the classes of a fixed allow-list
(:data:`LAYER_CLASSES`), from plain JSON values.

Reading a file allocates little more than the file's own size, whatever the
file claims: every entry must be stored uncompressed (the writer never
compresses, so a deflated entry, which could inflate to gigabytes, is
refused) and lie wholly inside the file; the header is at most 2 MB; and the
arrays the header declares are added up and compared with the file's size
before any is read.

Every problem with a file's content raises :class:`FileFormatError` (a
``ValueError``) naming the file and what is wrong; a missing file raises
``FileNotFoundError``.

Writes are atomic (:func:`autograd_mlp._files.atomic_write`): the file is
written to a temporary file in the same directory, flushed to disk, then
renamed over the target, so a crash or an error while saving never leaves a
half-written file nor destroys the previous one.  Saving over a symbolic link
replaces the file it points to and keeps that file's permissions.  Saving
the same model twice gives byte-identical files.
"""

from __future__ import annotations

import io
import json
import lzma
import math
import os
import struct
import zipfile
import zlib

import numpy as np

from . import activations, optim
from ._files import atomic_write
from .nn import init
from .nn.layers import Dense, Dropout, Layer, Sequential

__all__ = [
    "save_model",
    "load_model",
    "save_weights",
    "load_weights",
    "FileFormatError",
    "LAYER_CLASSES",
    "FORMAT_VERSION",
]

FORMAT_MODEL = "autograd_mlp.model"
FORMAT_WEIGHTS = "autograd_mlp.weights"
#: The newest file format version this module reads (and the one it writes).
FORMAT_VERSION = 1
HEADER_ENTRY = "header.json"

#: The only layer classes ``load_model`` will build, by the class name stored in the file.
LAYER_CLASSES = {"Dense": Dense, "Dropout": Dropout}

# A header far beyond any model's is a damaged or hostile file, not a model.
# Parsed JSON takes up to ~25 times its text (a list of empty objects), so
# the cap also bounds what the header alone can make the reader allocate;
# a 1000-layer model's header is about 1 MB.
_MAX_HEADER_BYTES = 2 * 2**20
# Room for the .npy preamble in front of an array's bytes (numpy itself reads
# at most 10 000 header bytes by default).
_MAX_NPY_PREAMBLE = 16 * 2**10
# The fixed part of a zip entry's local header; its last two fields are the
# lengths of the name and extra field that precede the entry's bytes.
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")
# Entry dates are fixed so that saving the same model twice gives the same bytes.
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)

# What parsing untrusted bytes as a zip archive of .npy entries can raise.
# The whole file is read into memory first, so an OSError here comes from the
# content (a bad offset in the archive), never from the disk.
_DAMAGE = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    EOFError,
    OSError,
    NotImplementedError,  # an unknown compression method
    RuntimeError,  # an encrypted entry
    zlib.error,
    lzma.LZMAError,
    struct.error,
    ValueError,
    TypeError,
    KeyError,
    UnicodeDecodeError,
    RecursionError,  # JSON nested beyond reason
    OverflowError,
    MemoryError,
)


class FileFormatError(ValueError):
    """A file that is not a valid saved model or weights file (damaged, foreign, or too new)."""


# ------------------------------------------------------------------ saving
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
    path = _check_path(path)
    if not isinstance(model, Sequential):
        raise TypeError(f"save_model expects a Sequential model, got {type(model).__name__}")
    if not isinstance(include_optimizer, bool):
        raise TypeError(f"include_optimizer must be True or False, got {include_optimizer!r}")
    _check_rebuildable(model)
    config = model.get_config()
    params = model.parameters()
    arrays = []
    weights = _array_records(
        "weights", [(p.name, np.asarray(p.data)) for p in params], arrays
    )
    compile_config = _compile_config(model)
    optimizer_state = None
    optimizer = getattr(model, "optimizer", None)
    if include_optimizer and compile_config is not None and optimizer is not None \
            and _bound_to(optimizer, params):
        state = optimizer.get_state()
        slots = _array_records("optimizer", sorted(state["slots"].items()), arrays)
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
        "library_version": _library_version(),
        "config": config,
        "compile_config": compile_config,
        "weights": weights,
        "optimizer": optimizer_state,
    }
    _write_archive(path, header, arrays)


def _bound_to(optimizer, params):
    """Whether ``optimizer`` holds exactly ``params`` (the same objects, in the same order)."""
    bound = list(getattr(optimizer, "params", ()))
    return len(bound) == len(params) and all(a is b for a, b in zip(bound, params))


def save_weights(model, path):
    """Write only the weights of ``model`` (in ``get_weights()`` order) to one file, atomically."""
    path = _check_path(path)
    _check_has_weights(model, "save_weights")
    arrays = []
    weights = _array_records(
        "weights", [(p.name, np.asarray(p.data)) for p in model.parameters()], arrays
    )
    header = {
        "format": FORMAT_WEIGHTS,
        "format_version": FORMAT_VERSION,
        "library_version": _library_version(),
        "model_name": getattr(model, "name", None),
        "weights": weights,
    }
    _write_archive(path, header, arrays)


def _check_path(path):
    if isinstance(path, bytes) or not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}")
    path = os.fspath(path)
    if not isinstance(path, str) or not path:
        raise TypeError(f"path must be a non-empty str or os.PathLike, got {path!r}")
    return path


def _check_has_weights(model, who):
    if not isinstance(model, Layer):
        raise TypeError(f"{who} expects a layer or model (with get_weights/set_weights), got {type(model).__name__}")


def _check_rebuildable(model):
    """Refuse, before writing, a model that load_model could not rebuild as it is."""
    for layer in model.layers:
        kind = type(layer).__name__
        if LAYER_CLASSES.get(kind) is not type(layer):
            raise ValueError(
                f"cannot save layer {getattr(layer, 'name', '?')!r} of class {kind}: "
                f"only {sorted(LAYER_CLASSES)} layers can be saved"
            )
        if isinstance(layer, Dense):
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
            for what, fn in (("kernel_initializer", layer._kernel_initializer),
                             ("bias_initializer", layer._bias_initializer)):
                name = init.name_of(fn)
                try:
                    same = init.get(name) is fn
                except (TypeError, ValueError):
                    same = False
                if not same:
                    raise ValueError(
                        f"cannot save layer {layer.name!r}: its {what} {name!r} is not one of the "
                        f"library's named initializers; use save_weights for custom functions"
                    )


def _compile_config(model):
    get = getattr(model, "get_compile_config", None)
    return get() if callable(get) else None


def _array_records(prefix, named_arrays, arrays):
    """Header records for ``(name, array)`` pairs; appends ``(entry, array)`` to ``arrays``."""
    records = []
    for i, (name, arr) in enumerate(named_arrays):
        arr = np.asarray(arr)
        if arr.dtype.kind != "f":
            raise TypeError(f"cannot save {prefix} array {name!r}: expected a float array, got dtype {arr.dtype}")
        entry = f"{prefix}/{i}.npy"
        records.append({"entry": entry, "name": name, "shape": list(arr.shape), "dtype": arr.dtype.str})
        arrays.append((entry, arr))
    return records


def _library_version():
    from . import __version__  # read late: the package imports this module while it initialises

    return __version__


def _json_default(obj):
    if isinstance(obj, np.generic):
        return obj.item()
    raise TypeError(
        f"cannot save a {type(obj).__name__} in the file header (only numbers, strings, lists "
        f"and dicts can be saved; a plain function as learning rate cannot, a schedule can)"
    )


def _write_archive(path, header, arrays):
    # Serialise the header first: an unsavable value fails before any file is touched.
    header_bytes = json.dumps(header, indent=1, allow_nan=False, default=_json_default).encode("utf-8")

    def write(stream):
        with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_STORED) as archive:
            archive.writestr(zipfile.ZipInfo(HEADER_ENTRY, date_time=_ZIP_DATE), header_bytes)
            for entry, arr in arrays:
                _write_array(archive, entry, arr)

    atomic_write(path, write)


def _write_array(archive, entry, arr):
    """One array as an ``.npy`` entry (numpy's own writer, with pickling switched off)."""
    info = zipfile.ZipInfo(entry, date_time=_ZIP_DATE)
    with archive.open(info, "w", force_zip64=arr.nbytes > 2**30) as out:
        np.lib.format.write_array(out, np.ascontiguousarray(arr), allow_pickle=False)


# ----------------------------------------------------------------- loading
def load_model(path, compile=True):
    """Rebuild the model saved by :func:`save_model`: same layers, names, dtype and weights (bitwise).

    With ``compile=True`` (the default) a model saved after ``compile`` is
    compiled again with the same loss, optimizer and metrics, and the
    optimizer's saved state is restored.  ``compile=False`` returns the
    model with its weights only.

    Raises ``FileNotFoundError`` for a missing file and
    :class:`FileFormatError` (a ``ValueError``) for anything else wrong.
    """
    path = _check_path(path)
    if not isinstance(compile, bool):
        raise TypeError(f"compile must be True or False, got {compile!r}")
    archive = _Archive(path)
    header = archive.header
    if header["format"] != FORMAT_MODEL:
        raise FileFormatError(f"{path}: holds weights only (written by save_weights); use load_weights(model, path)")
    config = _field(header, "config", dict, path)
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
    model.set_weights(weights)
    compile_config = header.get("compile_config")
    if compile and compile_config is not None:
        _compile(model, compile_config, path)
        state = header.get("optimizer")
        if state is not None:
            _restore_optimizer(model.optimizer, archive, state, path)
    return model


def load_weights(model, path):
    """Set the weights of ``model`` from a file of :func:`save_weights` (or :func:`save_model`).

    Every array's shape is checked against the model before any weight
    changes; a mismatch raises ``ValueError`` and leaves the model as it was.
    """
    path = _check_path(path)
    _check_has_weights(model, "load_weights")
    archive = _Archive(path)
    weights = [archive.read_array(spec) for spec in archive.records("weights")]
    try:
        model.set_weights(weights)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{path}: the weights do not fit model {getattr(model, 'name', '')!r}: {exc}") from None


def _config_int(config, key, index, path, default=None):
    value = config.get(key, default)
    if value is None and default is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise FileFormatError(f"{path}: layer {index} has an invalid config: {key} must be a positive integer, got {value!r}")
    return value


def _expected_weights(config, path):
    """``(description, shape, dtype)`` of each weight the saved layers will have, from the config alone.

    Mirrors how a Sequential builds: once the first Dense knows its input
    width, the widths chain through the layers (Dropout keeps it, a Dense of
    ``units`` outputs ``units``); before that, only a Dense given its own
    ``input_dim`` has weights.
    """
    layer_configs = _field(config, "layers", list, path)
    expected = []
    width = None
    chained = False  # whether the model knows its input width (from its first Dense)
    first_dense = True
    for index, entry in enumerate(layer_configs):
        cls = _layer_class(index, entry, path)
        layer_config = _field(entry, "config", dict, path)
        if cls is not Dense:
            continue
        units = _config_int(layer_config, "units", index, path, default=0)
        input_dim = _config_int(layer_config, "input_dim", index, path)
        shape = layer_config.get("input_shape")
        if input_dim is None and isinstance(shape, list) and len(shape) == 1:
            input_dim = _config_int({"input_shape": shape[0]}, "input_shape", index, path, default=0)
        if first_dense:
            first_dense = False
            chained = input_dim is not None
            width = input_dim
        if chained:
            if input_dim is not None and input_dim != width:
                raise FileFormatError(
                    f"{path}: the saved layers do not form a model: layer {index} expects "
                    f"{input_dim} input features, the layer before it outputs {width}"
                )
            input_dim = width
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
        width = units
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
    layer_configs = _field(config, "layers", list, path)
    name = config.get("name")
    if name is not None and not isinstance(name, str):
        raise FileFormatError(f"{path}: the model name must be a string, got {type(name).__name__}")
    # Building a layer draws its initial weights from the library's seeded
    # generator; put the generator back so that loading a model does not
    # change the random numbers a seeded script sees afterwards.
    generator = init.generator()
    saved_state = generator.bit_generator.state
    try:
        layers = [_build_layer(i, entry, path) for i, entry in enumerate(layer_configs)]
        try:
            return Sequential(layers, name=name)
        except (TypeError, ValueError) as exc:
            raise FileFormatError(f"{path}: the saved layers do not form a model: {exc}") from None
    finally:
        generator.bit_generator.state = saved_state


def _build_layer(index, entry, path):
    cls = _layer_class(index, entry, path)
    config = _field(entry, "config", dict, path)
    try:
        return cls(**config)
    except (TypeError, ValueError) as exc:
        raise FileFormatError(f"{path}: layer {index} ({cls.__name__}) has an invalid config: {exc}") from None


def _compile(model, config, path):
    if not isinstance(config, dict):
        raise FileFormatError(f"{path}: compile_config must be a JSON object, got {type(config).__name__}")
    try:
        optimizer = optim.from_config(_field(config, "optimizer", dict, path))
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
    iterations = _field(state, "iterations", int, path)
    n_params = _field(state, "n_params", int, path)
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


_KIND_NAMES = {dict: "a JSON object", list: "a list", int: "an integer", str: "a string"}


def _field(mapping, key, kind, path):
    """``mapping[key]``, which must be a ``kind`` (bool is not an int here)."""
    value = mapping.get(key) if isinstance(mapping, dict) else None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        got = "nothing" if value is None else type(value).__name__
        raise FileFormatError(f"{path}: the header field {key!r} must be {_KIND_NAMES[kind]}, got {got}")
    return value


class _Archive:
    """A saved file read into memory: its checked header and its array entries.

    Reading it never allocates much more than the file's own size, whatever
    the file claims:

    * every entry must be stored uncompressed (as the writer stores them) and
      lie wholly inside the file, so no entry can inflate beyond its bytes on
      disk;
    * the header is at most :data:`_MAX_HEADER_BYTES`;
    * before any array is read, the bytes of all the arrays the header
      declares (weights and optimizer slots) are added up and compared with
      the file's size: arrays stored in the file cannot hold more bytes than
      the file does.
    """

    def __init__(self, path):
        self.path = path
        with open(path, "rb") as stream:  # a missing file: FileNotFoundError naming the path
            data = stream.read()
        if not data:
            raise FileFormatError(f"{path}: the file is empty, not a saved model")
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
        except _DAMAGE as exc:
            raise FileFormatError(
                f"{path}: not a saved model (not a zip archive, or a truncated one: {exc})"
            ) from None
        self.data = memoryview(data)
        self._spans = {info.filename: self._span(info) for info in self.zip.infolist()}
        self.header = self._read_header()
        self._check_declared_size()

    def _span(self, info):
        """``(start, size)`` of a stored entry's bytes in the file; refuses any other entry."""
        path, name = self.path, info.filename
        if info.flag_bits & 0x1:
            raise FileFormatError(f"{path}: entry {name!r} is encrypted; autograd_mlp writes no encrypted entries")
        if info.compress_type != zipfile.ZIP_STORED:
            raise FileFormatError(
                f"{path}: entry {name!r} is compressed (zip method {info.compress_type}); autograd_mlp "
                f"stores its entries uncompressed and reads no others"
            )
        if info.compress_size != info.file_size:
            raise FileFormatError(
                f"{path}: entry {name!r} is stored uncompressed with two different sizes "
                f"({info.compress_size} and {info.file_size} bytes): a damaged or forged file"
            )
        local = bytes(self.data[info.header_offset:info.header_offset + _LOCAL_HEADER.size])
        if len(local) != _LOCAL_HEADER.size or local[:4] != b"PK\x03\x04":
            raise FileFormatError(f"{path}: entry {name!r} points outside the file or to a damaged entry header")
        name_length, extra_length = _LOCAL_HEADER.unpack(local)[-2:]
        start = info.header_offset + _LOCAL_HEADER.size + name_length + extra_length
        if start + info.file_size > len(self.data):
            raise FileFormatError(
                f"{path}: entry {name!r} claims {info.file_size} bytes, more than the file holds "
                f"after it (a truncated or forged file)"
            )
        return start, info.file_size

    def _entry_bytes(self, name):
        """The bytes of entry ``name`` (a view into the file), checked against its CRC-32."""
        start, size = self._spans[name]
        view = self.data[start:start + size]
        if zlib.crc32(view) != self.zip.getinfo(name).CRC:
            raise FileFormatError(f"{self.path}: entry {name!r} is damaged: its bytes do not match their checksum")
        return view

    def _check_declared_size(self):
        """Refuse a header whose arrays add up to more bytes than the whole file has."""
        records = self.header.get("weights")
        records = list(records) if isinstance(records, list) else []
        state = self.header.get("optimizer")
        slots = state.get("slots") if isinstance(state, dict) else None
        records += slots if isinstance(slots, list) else []
        total = 0
        for record in records:  # a malformed record is refused with its own message when read
            try:
                shape, dtype = _shape(record["shape"]), _float_dtype(record["dtype"], "")
            except (TypeError, ValueError, KeyError):
                continue
            total += math.prod(shape) * dtype.itemsize
        if total > len(self.data):
            raise FileFormatError(
                f"{self.path}: the header declares arrays of {total} bytes in all, more than the "
                f"{len(self.data)} bytes of the whole file"
            )

    def _read_header(self):
        path = self.path
        if HEADER_ENTRY not in self._spans:
            raise FileFormatError(
                f"{path}: a zip archive without a {HEADER_ENTRY} entry, so not a file written by autograd_mlp"
            )
        size = self._spans[HEADER_ENTRY][1]
        if size > _MAX_HEADER_BYTES:
            raise FileFormatError(f"{path}: the {HEADER_ENTRY} entry is implausibly large ({size} bytes)")
        raw = self._entry_bytes(HEADER_ENTRY)
        try:
            header = json.loads(str(raw, "utf-8"), parse_constant=_reject_constant)
        except _DAMAGE as exc:
            raise FileFormatError(f"{path}: the {HEADER_ENTRY} entry is damaged: {exc}") from None
        if not isinstance(header, dict):
            raise FileFormatError(f"{path}: {HEADER_ENTRY} must hold a JSON object, got {type(header).__name__}")
        kind = header.get("format")
        if kind not in (FORMAT_MODEL, FORMAT_WEIGHTS):
            raise FileFormatError(
                f"{path}: unknown format {kind!r} in {HEADER_ENTRY}; expected {FORMAT_MODEL!r} or {FORMAT_WEIGHTS!r}"
            )
        version = _field(header, "format_version", int, path)
        if version < 1:
            raise FileFormatError(f"{path}: invalid format version {version}")
        if version > FORMAT_VERSION:
            raise FileFormatError(
                f"{path}: written in format version {version} (by autograd_mlp "
                f"{header.get('library_version', '?')}), newer than version {FORMAT_VERSION}, "
                f"the newest this version of autograd_mlp reads; upgrade autograd_mlp to load it"
            )
        return header

    def records(self, key, mapping=None):
        """The list of array records ``mapping[key]`` (of the header by default)."""
        records = _field(self.header if mapping is None else mapping, key, list, self.path)
        for i, record in enumerate(records):
            if not isinstance(record, dict):
                raise FileFormatError(f"{self.path}: {key} record {i} must be a JSON object, got {type(record).__name__}")
        return records

    def read_array(self, record):
        """The array of one record, checked against its declared shape and dtype; never unpickles."""
        path = self.path
        entry = _field(record, "entry", str, path)
        shape = _field(record, "shape", list, path)
        try:
            shape = _shape(shape)
        except ValueError:
            raise FileFormatError(f"{path}: entry {entry!r} has an invalid shape {shape!r}") from None
        dtype = _float_dtype(_field(record, "dtype", str, path), f"{path}: entry {entry!r}")
        nbytes = math.prod(shape) * dtype.itemsize
        if entry not in self._spans:
            raise FileFormatError(f"{path}: the entry {entry!r} named in {HEADER_ENTRY} is missing")
        size = self._spans[entry][1]
        if not nbytes <= size <= nbytes + _MAX_NPY_PREAMBLE:
            raise FileFormatError(
                f"{path}: entry {entry!r} has {size} bytes, too many or too few for "
                f"{dtype.name} of shape {shape}"
            )
        raw = self._entry_bytes(entry)
        try:
            stream = io.BytesIO(bytes(raw[:_MAX_NPY_PREAMBLE]))
            version = np.lib.format.read_magic(stream)
            if version == (1, 0):
                stored_shape, fortran_order, stored_dtype = np.lib.format.read_array_header_1_0(stream)
            elif version == (2, 0):
                stored_shape, fortran_order, stored_dtype = np.lib.format.read_array_header_2_0(stream)
            else:
                raise FileFormatError(f"{path}: entry {entry!r} uses .npy format version {version}, expected 1.0 or 2.0")
        except FileFormatError:
            raise
        except _DAMAGE as exc:
            raise FileFormatError(f"{path}: entry {entry!r} is damaged or not a .npy array: {exc}") from None
        if stored_dtype.hasobject:
            raise FileFormatError(
                f"{path}: entry {entry!r} holds Python objects (pickled data); refusing to load it"
            )
        # The full dtype, byte order and kind included: an '<i8' entry has the
        # byte width of the '<f8' it claims to be, and would load as garbage.
        if stored_dtype != dtype or tuple(stored_shape) != shape:
            raise FileFormatError(
                f"{path}: entry {entry!r} holds {stored_dtype.str} of shape {tuple(stored_shape)}, "
                f"the header says {dtype.str} of shape {shape}"
            )
        data = raw[stream.tell():]
        if len(data) != nbytes:
            raise FileFormatError(f"{path}: entry {entry!r} has {len(data)} data bytes, expected {nbytes}")
        arr = np.frombuffer(data, dtype=dtype).reshape(shape, order="F" if fortran_order else "C")
        return np.array(arr, order="C", copy=True)  # writable, and free of the file's buffer


def _shape(shape):
    """``shape`` (a JSON list) as a tuple of non-negative ints, or ValueError."""
    if not isinstance(shape, list) or len(shape) > 32 or not all(
        isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in shape
    ):
        raise ValueError(f"invalid shape {shape!r}")
    return tuple(shape)


def _float_dtype(text, where):
    if not isinstance(text, str):
        raise FileFormatError(f"{where} has an unknown dtype {text!r}")
    try:
        dtype = np.dtype(text)
    except (TypeError, ValueError, SyntaxError):
        raise FileFormatError(f"{where} has an unknown dtype {text!r}") from None
    if dtype.kind != "f" or dtype.fields is not None or dtype.subdtype is not None:
        raise FileFormatError(f"{where} must hold a float array, the header says dtype {text!r}")
    return dtype


def _reject_constant(name):
    raise ValueError(f"{name} is not valid in a model header")
