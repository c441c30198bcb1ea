"""The model file format: one safe file of a JSON header and float arrays, written atomically.

This module knows files, not models: :func:`write_file` takes a header (plain
JSON values) and named arrays, :func:`read_file` gives them back checked.
Turning a model into a header and arrays and back is the job of
:mod:`autograd_mlp.models` (``model.save``, ``save_model`` / ``load_model``,
``save_weights`` / ``load_weights``), which sits above the layers::

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
(:data:`autograd_mlp.models.LAYER_CLASSES`), from plain JSON values.

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

from ._files import atomic_write
from ._version import __version__

__all__ = [
    "FileFormatError",
    "FORMAT_VERSION",
    "FORMAT_MODEL",
    "FORMAT_WEIGHTS",
    "write_file",
    "read_file",
    "array_records",
    "check_path",
    "header_field",
]

FORMAT_MODEL = "autograd_mlp.model"
FORMAT_WEIGHTS = "autograd_mlp.weights"
#: The newest file format version this module reads (and the one it writes).
FORMAT_VERSION = 1
HEADER_ENTRY = "header.json"

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


# ------------------------------------------------------- the two ends of a file
def write_file(path, header, arrays):
    """Write ``header`` (a JSON-able dict) and ``arrays`` (``(entry, array)`` pairs) as one file, atomically.

    ``header`` holds ``format``, ``format_version`` and whatever records the
    arrays (see :func:`array_records`); nothing is written if it cannot be serialised.
    """
    _write_archive(check_path(path), header, arrays)


def read_file(path):
    """Open the file at ``path`` and check its header: ``.header``, ``.records(key)``, ``.read_array(record)``."""
    return _Archive(check_path(path))


# ------------------------------------------------------------------ saving
def check_path(path):
    """``path`` as a non-empty str, or TypeError naming what came."""
    if isinstance(path, bytes) or not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}")
    path = os.fspath(path)
    if not isinstance(path, str) or not path:
        raise TypeError(f"path must be a non-empty str or os.PathLike, got {path!r}")
    return path


def array_records(prefix, named_arrays, arrays):
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


def library_version():
    """The version of autograd_mlp that writes a file (recorded in its header, for information)."""
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
_KIND_NAMES = {dict: "a JSON object", list: "a list", int: "an integer", str: "a string"}


def header_field(mapping, key, kind, path):
    """``mapping[key]`` of a header, which must be a ``kind``, else :class:`FileFormatError` naming the file."""
    return _field(mapping, key, kind, path)


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
