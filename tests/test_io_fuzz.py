"""Fuzzing load_model: damaged and hostile files load a valid model or raise a file error, in bounded memory and time.

Each hypothesis example is a batch of cases (a saved model, then truncated,
flipped, re-zipped with compressed entries, given a forged header or forged
entry sizes ...), written to files and loaded by one child process whose
address space is capped: a loader that tried to allocate what a file claims
would hit the cap and report MemoryError, which counts as a failure, as does
any exception other than FileFormatError, FileNotFoundError or ValueError,
and a case that takes longer than a few seconds (a hang).
"""

from __future__ import annotations

import functools
import io
import json
import os
import subprocess
import sys
import tempfile
import zipfile
import zlib

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import autograd_mlp.io as amio
from autograd_mlp import optim
from autograd_mlp import models
from autograd_mlp.models import Sequential
from autograd_mlp.nn.layers import Dense, Dropout
from zipforge import deflate_bomb, zip_of_raw_entries

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="resource limits and alarms are POSIX")

# Far above what Python with numpy needs to start (a few hundred MB of
# address space), far below what the files below claim (gigabytes).
ADDRESS_SPACE = 1536 * 2**20
SECONDS_PER_CASE = 10

_LOADER = """
import json, os, resource, signal, sys
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[2]), int(sys.argv[2])))
import autograd_mlp.io as amio
from autograd_mlp import models
from autograd_mlp.models import Sequential

class Hang(Exception):
    pass

def alarm(signum, frame):
    raise Hang(f"still loading after {sys.argv[3]} s")

signal.signal(signal.SIGALRM, alarm)
folder = sys.argv[1]
for name in sorted(os.listdir(folder)):
    signal.alarm(int(sys.argv[3]))
    try:
        model = models.load_model(os.path.join(folder, name))
        outcome = "loaded" if isinstance(model, Sequential) else f"returned {type(model).__name__}"
    except (amio.FileFormatError, FileNotFoundError, ValueError) as exc:
        outcome = "refused" if os.path.join(folder, name) in str(exc) else f"refused without naming the file: {exc}"
    except BaseException as exc:
        outcome = f"{type(exc).__name__}: {str(exc)[:300]}"
    finally:
        signal.alarm(0)
    print(json.dumps([name, outcome]), flush=True)
"""


@functools.lru_cache(maxsize=None)
def bases():
    """A trained, compiled model with Adam's state; an unbuilt one; a float32 one without compile."""
    trained = Sequential([Dense(4, input_dim=3, activation="tanh"), Dropout(0.2, seed=1), Dense(2)])
    trained.compile(optimizer=optim.Adam(0.01), loss="mean_squared_error")
    trained.fit(np.ones((8, 3)), np.zeros((8, 2)), epochs=1, verbose=0)
    unbuilt = Sequential([Dense(3), Dense(1, activation="sigmoid")])
    single = Sequential([Dense(2, input_dim=5, dtype=np.float32, use_bias=False)])
    saved = []
    with tempfile.TemporaryDirectory() as folder:
        for i, model in enumerate((trained, unbuilt, single)):
            path = os.path.join(folder, f"{i}.keras")
            models.save_model(model, path)
            with open(path, "rb") as f:
                saved.append(f.read())
    return tuple(saved)


# ------------------------------------------------------------------ mutations
def entries_of(data):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if any(info.file_size > 2**20 or info.compress_size > 2**20 for info in archive.infolist()):
            raise ValueError("a bomb already: not inflated to be edited")
        return {name: archive.read(name) for name in archive.namelist()}


def rezip(entries, compressed=()):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            kind = zipfile.ZIP_DEFLATED if name in compressed else zipfile.ZIP_STORED
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=kind)
    return buffer.getvalue()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8) | st.sampled_from(["<f8", "<f4", ">f8", "<i8", "|O", "<c16", "V8", "<f2", "weights/0.npy"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)
shapes = st.lists(st.sampled_from([0, 1, 2, 3, 4, 5, 16000, 2**31, 2**40, 2**62]), max_size=3)
key_paths = st.sampled_from([
    ("format_version",), ("format",), ("weights",), ("config",), ("optimizer",), ("compile_config",),
    ("weights", 0, "shape"), ("weights", 0, "dtype"), ("weights", 0, "entry"), ("weights", 1),
    ("config", "layers"), ("config", "layers", 0, "config", "units"), ("config", "layers", 0, "config", "input_dim"),
    ("config", "layers", 0, "config", "dtype"), ("config", "layers", 0, "class"), ("config", "layers", 1, "config"),
    ("optimizer", "iterations"), ("optimizer", "n_params"), ("optimizer", "slots", 0, "shape"),
    ("optimizer", "slots", 0, "entry"), ("compile_config", "optimizer"), ("compile_config", "loss"),
])

mutations = st.one_of(
    st.tuples(st.just("truncate"), st.floats(0, 1)),
    st.tuples(st.just("flip"), st.lists(st.tuples(st.floats(0, 1), st.integers(1, 255)), min_size=1, max_size=4)),
    st.tuples(st.just("junk"), st.binary(max_size=64), st.booleans()),
    st.tuples(st.just("field"), key_paths, json_values),
    st.tuples(st.just("shape"), st.sampled_from(["weights", "slots"]), st.integers(0, 5), shapes),
    st.tuples(st.just("layer"), st.integers(0, 3), st.sampled_from(["units", "input_dim"]),
              st.sampled_from([1, 7, 16000, 10**6, 2**40])),
    st.tuples(st.just("compress"), st.sets(st.integers(0, 12), min_size=1)),
    st.tuples(st.just("bomb"), st.sampled_from(["header.json", "weights/0.npy"]), st.integers(2, 3)),
    st.tuples(st.just("forged_size"), st.integers(0, 12), st.sampled_from([10**6, 2**31 - 1, 2**32 - 1])),
)


def _set(tree, path, value):
    for key in path[:-1]:
        tree = tree[key]
    tree[path[-1]] = value


def apply(data, mutation):
    """``data`` changed by one mutation (or unchanged where it does not apply, e.g. no zip left to edit)."""
    kind, *args = mutation
    if kind == "truncate":
        return data[: int(len(data) * args[0])]
    if kind == "flip":
        out = bytearray(data)
        for where, xor in args[0]:
            if out:
                out[min(int(where * len(out)), len(out) - 1)] ^= xor
        return bytes(out)
    if kind == "junk":
        return args[0] + data if args[1] else data + args[0]
    try:
        entries = entries_of(data)
        header = json.loads(entries["header.json"])
    except Exception:
        return data
    names = sorted(entries)
    if kind in ("field", "shape", "layer"):
        try:
            if kind == "field":
                _set(header, args[0], args[1])
            elif kind == "shape":
                records = header["weights"] if args[0] == "weights" else header["optimizer"]["slots"]
                records[args[1] % len(records)]["shape"] = args[2]
            else:
                layers = header["config"]["layers"]
                layers[args[0] % len(layers)]["config"][args[1]] = args[2]
        except (KeyError, IndexError, TypeError, ZeroDivisionError):
            return data
        entries["header.json"] = json.dumps(header).encode()
        return rezip(entries)
    if kind == "compress":
        return rezip(entries, {names[i % len(names)] for i in args[0]})
    if kind == "bomb":  # the entry inflates to gigabytes; its declared size stays the true one
        name = args[0] if args[0] in entries else names[0]
        raw = entries[name]
        stream, _ = deflate_bomb(raw, b"\0", args[1] * 2**30, checksum=False)
        parts = [(n, entries[n], 0, len(entries[n]), _crc(entries[n])) for n in names if n != name]
        return _raw_zip(parts + [(name, stream, 8, len(raw), _crc(raw))])
    if kind == "forged_size":  # a stored entry whose sizes claim far more than the file holds
        name = names[args[0] % len(names)]
        parts = [(n, entries[n], 0, len(entries[n]), _crc(entries[n])) for n in names if n != name]
        return _raw_zip(parts + [(name, entries[name], 0, args[1], _crc(entries[name]), args[1])])
    raise AssertionError(kind)


def _crc(data):
    return zlib.crc32(data)


def _raw_zip(parts):
    return zip_of_raw_entries(None, parts)


cases = st.tuples(st.integers(0, 2), st.lists(mutations, min_size=1, max_size=3))


def run_batch(folder):
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    done = subprocess.run(
        [sys.executable, "-c", _LOADER, str(folder), str(ADDRESS_SPACE), str(SECONDS_PER_CASE)],
        capture_output=True, text=True, env=env, timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return dict(json.loads(line) for line in done.stdout.splitlines())


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow, HealthCheck.data_too_large])
@given(batch=st.lists(cases, min_size=20, max_size=20))
def test_load_model_survives_hostile_files(tmp_path_factory, batch):
    folder = tmp_path_factory.mktemp("fuzz")
    described = {}
    for i, (base, changes) in enumerate(batch):
        data = bases()[base]
        for change in changes:
            data = apply(data, change)
        name = f"case{i:03d}.keras"
        (folder / name).write_bytes(data)
        described[name] = (base, changes)
    outcomes = run_batch(folder)
    assert sorted(outcomes) == sorted(described), "the loader stopped before the last case"
    bad = {name: (outcome, described[name]) for name, outcome in outcomes.items()
           if outcome not in ("loaded", "refused")}
    assert not bad, bad


def test_the_fuzz_harness_sees_what_it_should(tmp_path):
    """The child process loads a good file, and refuses a cut one, a bomb and forged sizes."""
    (tmp_path / "a_good.keras").write_bytes(bases()[0])
    (tmp_path / "b_cut.keras").write_bytes(bases()[0][:100])
    (tmp_path / "c_bomb.keras").write_bytes(apply(bases()[0], ("bomb", "weights/0.npy", 4)))
    (tmp_path / "d_forged.keras").write_bytes(apply(bases()[0], ("forged_size", 1, 2**31 - 1)))
    assert run_batch(tmp_path) == {name: outcome for name, outcome in [
        ("a_good.keras", "loaded"), ("b_cut.keras", "refused"), ("c_bomb.keras", "refused"),
        ("d_forged.keras", "refused")]}
