"""Saving and loading: exact round trips, atomic writes, and refusal of every damaged or foreign file."""

from __future__ import annotations

import io as stdio
import json
import os
import pathlib
import pickle
import subprocess
import sys
import tempfile
import zipfile
import zlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_mlp
import autograd_mlp.io as amio
from autograd_mlp import models
from autograd_mlp import losses, optim
from autograd_mlp.nn import init
from autograd_mlp.models import Sequential
from autograd_mlp.nn.layers import Dense, Dropout, Layer
from autograd_mlp.nn.module import Module
from zipforge import deflate_bomb, npy_preamble, zip_of_raw_entries


def make_model(dtype=np.float64, name=None, dropout=True):
    layers = [Dense(5, input_dim=3, activation="tanh", dtype=dtype)]
    if dropout:
        layers.append(Dropout(0.3))
    layers += [Dense(4, activation="relu", dtype=dtype), Dense(2, activation="sigmoid", use_bias=False, dtype=dtype)]
    return Sequential(layers, name=name)


def batch(dtype=np.float64, n=7, features=3):
    return np.random.default_rng(1).normal(size=(n, features)).astype(dtype)


def predict(model, x):
    model.eval()
    return model(x).data


def assert_same_weights(a, b):
    wa, wb = a.get_weights(), b.get_weights()
    assert len(wa) == len(wb)
    for x, y in zip(wa, wb):
        assert x.dtype == y.dtype and x.shape == y.shape
        assert x.tobytes() == y.tobytes()  # bitwise, NaN payloads and signed zeros included


def read_archive(path):
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def write_archive(path, entries):
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)


def npy_bytes(arr, allow_pickle=False):
    buffer = stdio.BytesIO()
    np.save(buffer, arr, allow_pickle=allow_pickle)
    return buffer.getvalue()


def tamper(path, out, header=None, entries=None):
    """Rewrite a saved file with ``header(dict)`` applied and some entries replaced (None removes)."""
    content = read_archive(path)
    head = json.loads(content["header.json"])
    if header is not None:
        header(head)
    content["header.json"] = json.dumps(head).encode()
    for name, data in (entries or {}).items():
        if data is None:
            content.pop(name, None)
        else:
            content[name] = data
    write_archive(out, content)
    return out


@pytest.fixture
def saved(tmp_path):
    model = make_model(name="net")
    path = tmp_path / "My_network.keras"
    models.save_model(model, path)
    return model, path


# --------------------------------------------------------------- round trip
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("suffix", [".keras", ".npz", ""])
def test_round_trip_is_exact(tmp_path, dtype, suffix):
    model = make_model(dtype, name="my_net")
    path = tmp_path / f"model{suffix}"
    models.save_model(model, path)
    loaded = models.load_model(path)
    assert type(loaded.layers[1]) is Dropout and loaded.layers[1].rate == 0.3
    assert loaded.name == "my_net"
    assert [layer.name for layer in loaded.layers] == [layer.name for layer in model.layers]
    assert loaded.get_config() == model.get_config()
    assert_same_weights(model, loaded)
    x = batch(dtype)
    expected, got = predict(model, x), predict(loaded, x)
    assert got.dtype == expected.dtype == np.dtype(dtype)
    assert got.tobytes() == expected.tobytes()


def test_loaded_model_is_independent_of_the_original(saved):
    model, path = saved
    loaded = models.load_model(path)
    loaded.layers[0].weight.data[0, 0] += 1.0
    assert loaded.layers[0].weight.data[0, 0] != model.layers[0].weight.data[0, 0]
    assert loaded.layers[0].weight.data.flags.writeable


@settings(max_examples=15, deadline=None)
@given(
    widths=st.lists(st.integers(1, 6), min_size=1, max_size=4),
    inputs=st.integers(1, 5),
    activation=st.sampled_from(["linear", "relu", "sigmoid", "tanh", "softmax"]),
    dtype=st.sampled_from([np.float32, np.float64]),
    rate=st.sampled_from([None, 0.0, 0.5]),
)
def test_round_trip_of_random_architectures(widths, inputs, activation, dtype, rate):
    layers = []
    for i, units in enumerate(widths):
        layers.append(Dense(units, input_dim=inputs if i == 0 else None, activation=activation, dtype=dtype))
        if rate is not None and i == 0:
            layers.append(Dropout(rate))
    model = Sequential(layers)
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "m.keras")
        models.save_model(model, path)
        loaded = models.load_model(path)
    assert loaded.get_config() == model.get_config()
    assert_same_weights(model, loaded)
    x = batch(dtype, features=inputs)
    assert predict(loaded, x).tobytes() == predict(model, x).tobytes()


def test_special_values_survive_bitwise(tmp_path):
    model = Sequential([Dense(3, input_dim=2)])
    model.layers[0].weight.data[...] = [[np.nan, -0.0, np.inf], [-np.inf, 5e-324, np.finfo(float).max]]
    path = tmp_path / "m.keras"
    models.save_model(model, path)
    assert_same_weights(model, models.load_model(path))


def test_unbuilt_model_round_trips(tmp_path):
    model = Sequential([Dense(3, activation="relu", name="hidden"), Dense(1, name="out")], name="lazy")
    path = tmp_path / "m.keras"
    models.save_model(model, path)
    loaded = models.load_model(path)
    assert loaded.get_config() == model.get_config()
    assert not loaded.built and loaded.get_weights() == []


def test_the_file_is_a_plain_npz_without_pickles(saved):
    model, path = saved
    with np.load(path, allow_pickle=False) as npz:
        assert sorted(k for k in npz.files if k.startswith("weights/")) == [f"weights/{i}" for i in range(5)]
        for i, weight in enumerate(model.get_weights()):
            assert np.array_equal(npz[f"weights/{i}"], weight)
    header = json.loads(read_archive(path)["header.json"])
    assert header["format"] == "autograd_mlp.model" and header["format_version"] == amio.FORMAT_VERSION
    assert header["config"] == model.get_config()
    assert [w["name"] for w in header["weights"]] == [p.name for p in model.parameters()]
    assert header["weights"][0]["dtype"] == np.dtype(np.float64).str


def test_saving_twice_gives_identical_bytes(tmp_path):
    model = make_model()
    models.save_model(model, tmp_path / "a.keras")
    models.save_model(model, tmp_path / "b.keras")
    assert (tmp_path / "a.keras").read_bytes() == (tmp_path / "b.keras").read_bytes()


def test_loading_leaves_the_seeded_generator_alone(saved):
    _, path = saved
    init.set_seed(123)
    expected = init.generator().random(4)
    init.set_seed(123)
    models.load_model(path)
    assert np.array_equal(init.generator().random(4), expected)


def test_saving_replaces_an_existing_file_with_ordinary_permissions(tmp_path):
    path = tmp_path / "m.keras"
    path.write_bytes(b"old content")
    model = make_model()
    models.save_model(model, str(path))
    assert_same_weights(model, models.load_model(str(path)))
    plain = tmp_path / "plain"
    plain.write_bytes(b"")
    assert path.stat().st_mode == plain.stat().st_mode  # the umask decides, as for any new file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.keras", "plain"]


# ------------------------------------------------------------ save errors
def test_save_refuses_bad_arguments(tmp_path):
    with pytest.raises(TypeError, match="Sequential"):
        models.save_model(Dense(2, input_dim=2), tmp_path / "m.keras")
    with pytest.raises(TypeError, match="path"):
        models.save_model(make_model(), 42)
    with pytest.raises(TypeError, match="include_optimizer"):
        models.save_model(make_model(), tmp_path / "m.keras", include_optimizer="yes")
    assert list(tmp_path.iterdir()) == []


def test_save_refuses_layers_it_could_not_rebuild(tmp_path):
    class Scale(Layer):
        def forward(self, x):
            return x

    class MyDense(Dense):
        pass

    def my_activation(z):
        return z

    def my_init(shape, dtype):
        return np.zeros(shape, dtype)

    for model in (
        Sequential([Dense(2, input_dim=2), Scale()]),
        Sequential([MyDense(2, input_dim=2)]),
        Sequential([Dense(2, input_dim=2, activation=my_activation)]),
        Sequential([Dense(2, input_dim=2, kernel_initializer=my_init)]),
        Sequential([Dense(2, input_dim=2, bias_initializer=my_init)]),
        Sequential([Dense(2, kernel_initializer=my_init)]),
    ):
        with pytest.raises(ValueError, match="cannot save"):
            models.save_model(model, tmp_path / "m.keras")
    assert list(tmp_path.iterdir()) == []


def test_save_into_a_missing_directory(tmp_path):
    target = tmp_path / "no_such_dir" / "m.keras"
    with pytest.raises(FileNotFoundError, match="no_such_dir"):
        models.save_model(make_model(), target)


# ------------------------------------------------------------- atomicity
@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_a_failing_save_keeps_the_old_file_and_leaves_no_temp_file(saved, monkeypatch, error):
    model, path = saved
    before = path.read_bytes()
    real_write = amio._write_array
    calls = []

    def write_then_fail(archive, entry, arr):
        calls.append(entry)
        if len(calls) == 3:
            raise error("disk full")
        real_write(archive, entry, arr)

    monkeypatch.setattr(amio, "_write_array", write_then_fail)
    model.layers[0].weight.data[...] = 0.0
    with pytest.raises(error, match="disk full"):
        models.save_model(model, path)
    assert len(calls) == 3  # it did fail mid-way, after writing part of the file
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == [path.name]
    monkeypatch.undo()
    assert not np.any(models.load_model(path).layers[0].weight.data == 0.0)


def test_a_failing_rename_leaves_no_temp_file(saved, monkeypatch):
    model, path = saved
    before = path.read_bytes()

    def refuse(src, dst):
        raise PermissionError("read-only")

    monkeypatch.setattr(amio.os, "replace", refuse)
    with pytest.raises(PermissionError):
        models.save_weights(model, path)
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == [path.name]


# ---------------------------------------------------------- load errors
def test_missing_file_is_file_not_found(tmp_path):
    path = tmp_path / "absent.keras"
    with pytest.raises(FileNotFoundError, match="absent.keras"):
        models.load_model(path)
    with pytest.raises(OSError, match="absent.keras"):
        models.load_weights(make_model(), path)


def check_refused(path, *fragments):
    """load_model raises FileFormatError (a ValueError) naming the file and each fragment."""
    with pytest.raises(ValueError) as info:
        models.load_model(path)
    assert isinstance(info.value, amio.FileFormatError)
    message = str(info.value)
    assert str(path) in message
    for fragment in fragments:
        assert fragment in message, message
    return message


def test_empty_random_and_json_files_are_refused(tmp_path):
    empty = tmp_path / "empty.keras"
    empty.write_bytes(b"")
    check_refused(empty, "empty")
    noise = tmp_path / "noise.keras"
    noise.write_bytes(np.random.default_rng(0).bytes(4096))
    check_refused(noise, "not a saved model")
    text = tmp_path / "model.json"
    text.write_text(json.dumps({"format": "autograd_mlp.model", "format_version": 1}))
    check_refused(text, "zip")


@pytest.mark.parametrize("keep", [0.5, 0.9, -1])
def test_truncated_files_are_refused(saved, tmp_path, keep):
    _, path = saved
    data = path.read_bytes()
    cut = tmp_path / "cut.keras"
    cut.write_bytes(data[: int(len(data) * keep)] if keep > 0 else data[:keep])
    check_refused(cut)


def test_foreign_zip_files_are_refused(tmp_path):
    npz = tmp_path / "other.npz"
    np.savez(npz, a=np.arange(3.0), b=np.array([{"x": 1}], dtype=object))
    check_refused(npz, "header.json")
    plain = tmp_path / "plain.zip"
    write_archive(plain, {"readme.txt": b"hello"})
    check_refused(plain, "header.json")


@pytest.mark.parametrize(
    "header_bytes, fragment",
    [
        (b"\xff\xfe not utf-8", "damaged"),
        (b"{not json", "damaged"),
        (b"[1, 2, 3]", "JSON object"),
        (b'{"format": "keras", "format_version": 1}', "unknown format"),
        (b'{"format": "autograd_mlp.model"}', "format_version"),
        (b'{"format": "autograd_mlp.model", "format_version": "1"}', "format_version"),
        (b'{"format": "autograd_mlp.model", "format_version": 0}', "invalid format version"),
        (b'{"format": "autograd_mlp.model", "format_version": 1, "x": NaN}', "damaged"),
        (b"[" * 100_000 + b"]" * 100_000, "damaged"),
    ],
    ids=["not-utf8", "not-json", "list", "foreign-format", "no-version", "string-version", "version-0", "nan",
         "deep-nesting"],
)
def test_bad_headers_are_refused(saved, tmp_path, header_bytes, fragment):
    _, path = saved
    bad = tamper(path, tmp_path / "bad.keras", entries={"header.json": None})
    content = read_archive(bad)
    content["header.json"] = header_bytes
    write_archive(bad, content)
    check_refused(bad, fragment)


def test_a_newer_format_version_is_refused(saved, tmp_path):
    _, path = saved
    newer = tamper(path, tmp_path / "newer.keras", header=lambda h: h.update(format_version=amio.FORMAT_VERSION + 1))
    message = check_refused(newer, "newer", str(amio.FORMAT_VERSION + 1))
    assert "upgrade" in message


def _set_shape(index, shape):
    def change(header):
        header["weights"][index]["shape"] = shape

    return change


def test_weights_that_do_not_match_the_config_are_refused(saved, tmp_path):
    model, path = saved
    # a consistent archive whose first weight has a shape the architecture does not have
    wrong = np.zeros((4, 5))
    bad = tamper(path, tmp_path / "shape.keras", header=_set_shape(0, [4, 5]),
                 entries={"weights/0.npy": npy_bytes(wrong)})
    check_refused(bad, "shape (3, 5)", "(4, 5)")
    # one weight too few
    fewer = tamper(path, tmp_path / "fewer.keras", header=lambda h: h["weights"].pop())
    check_refused(fewer, "5 weight arrays", "holds 4")
    # float32 weights for a float64 architecture
    as32 = model.get_weights()[0].astype(np.float32)

    def to32(header):
        header["weights"][0]["dtype"] = as32.dtype.str

    check_refused(tamper(path, tmp_path / "dtype.keras", header=to32, entries={"weights/0.npy": npy_bytes(as32)}),
                  "float64", "float32")


@pytest.mark.parametrize(
    "change, fragment",
    [
        (_set_shape(0, [5, 3]), "header says"),  # the entry disagrees with the header
        (_set_shape(0, [300, 300]), "bytes"),  # declared far larger than the entry
        (_set_shape(0, [3, -5]), "invalid shape"),
        (_set_shape(0, "3x5"), "'shape' must be a list"),
        (lambda h: h["weights"][0].update(entry="weights/99.npy"), "missing"),
        (lambda h: h["weights"][0].update(dtype="|O"), "float array"),
        (lambda h: h["weights"][0].update(dtype="not a dtype"), "unknown dtype"),
        (lambda h: h["weights"].__setitem__(0, "weights/0.npy"), "JSON object"),
        (lambda h: h.update(weights=None), "'weights' must be a list"),
        (lambda h: h.update(config=[]), "'config' must be a JSON object"),
        (lambda h: h["config"].update(layers="dense"), "'layers' must be a list"),
        (lambda h: h["config"].update(name=7), "model name"),
        (lambda h: h["config"]["layers"][0].update({"class": "Lambda"}), "unknown class 'Lambda'"),
        (lambda h: h["config"]["layers"][0].update({"class": "__import__"}), "unknown class"),
        (lambda h: h["config"]["layers"][0]["config"].update(units=-1), "invalid config"),
        (lambda h: h["config"]["layers"][0]["config"].update(activation="os.system"), "invalid config"),
        (lambda h: h["config"]["layers"][0]["config"].update(dtype="object"), "invalid config"),
        (lambda h: h["config"]["layers"][0]["config"].update(extra=1), "invalid config"),
        (lambda h: h["config"]["layers"][1].update(config=None), "'config' must be a JSON object"),
        (lambda h: h["config"]["layers"].__setitem__(0, 3), "JSON object"),
        (lambda h: h["config"]["layers"][2]["config"].update(name="dense_x", input_dim=7), "do not form a model"),
        (lambda h: h.update(format="autograd_mlp.weights"), "load_weights"),
    ],
)
def test_inconsistent_headers_are_refused(saved, tmp_path, change, fragment):
    _, path = saved
    check_refused(tamper(path, tmp_path / "bad.keras", header=change), fragment)


def test_a_damaged_array_entry_is_refused(saved, tmp_path):
    _, path = saved
    content = read_archive(path)
    raw = content["weights/0.npy"]
    check_refused(tamper(path, tmp_path / "magic.keras", entries={"weights/0.npy": b"XXXXXX" + raw[6:]}), "not a .npy")
    check_refused(tamper(path, tmp_path / "short.keras", entries={"weights/0.npy": raw[:-8]}), "bytes")
    fortran = np.asfortranarray(np.arange(15.0).reshape(3, 5))
    loaded = models.load_model(tamper(path, tmp_path / "fortran.keras", entries={"weights/0.npy": npy_bytes(fortran)}))
    assert np.array_equal(loaded.layers[0].weight.data, fortran)  # a legitimate layout is read correctly


def test_a_corrupted_byte_is_caught_by_the_checksum(saved, tmp_path):
    _, path = saved
    data = bytearray(path.read_bytes())
    at = data.index(b"\x93NUMPY") + 200  # inside the first weight's data
    data[at] ^= 0xFF
    bad = tmp_path / "flipped.keras"
    bad.write_bytes(bytes(data))
    check_refused(bad, "weights/0.npy", "damaged")


class _Touch:
    """Unpickling this object creates a file: a stand-in for arbitrary code execution."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (pathlib.Path.touch, (pathlib.Path(self.marker),))


def test_a_pickled_object_array_is_refused_without_running_it(saved, tmp_path):
    _, path = saved
    marker = tmp_path / "pwned"
    payload = npy_bytes(np.array([_Touch(marker)], dtype=object), allow_pickle=True)
    # the payload is live: numpy with pickles allowed would run it
    probe = tmp_path / "probe"
    np.load(stdio.BytesIO(npy_bytes(np.array([_Touch(probe)], dtype=object), allow_pickle=True)), allow_pickle=True)
    assert probe.exists()

    def declare_float(header):
        header["weights"][1]["shape"] = [1]

    disguised = tamper(path, tmp_path / "evil.keras", header=declare_float, entries={"weights/1.npy": payload})
    check_refused(disguised, "weights/1.npy", "Python objects")

    def declare_object(header):
        header["weights"][1].update(shape=[1], dtype="|O")

    honest = tamper(path, tmp_path / "evil2.keras", header=declare_object, entries={"weights/1.npy": payload})
    check_refused(honest, "float array")
    with pytest.raises(ValueError):
        models.load_weights(make_model(), disguised)
    assert not marker.exists()


def test_a_whole_pickle_file_is_refused(tmp_path):
    marker = tmp_path / "pwned"
    evil = tmp_path / "model.keras"
    evil.write_bytes(pickle.dumps(_Touch(marker)))
    check_refused(evil)
    assert not marker.exists()


def test_load_argument_checks(saved):
    _, path = saved
    with pytest.raises(TypeError, match="compile"):
        models.load_model(path, compile="no")
    with pytest.raises(TypeError, match="path"):
        models.load_model(None)


# ------------------------------------------------------------- weights only
def test_weights_round_trip_into_another_model(tmp_path):
    source, target = make_model(), make_model()
    path = tmp_path / "w.npz"
    models.save_weights(source, path)
    models.load_weights(target, path)
    assert_same_weights(source, target)
    header = json.loads(read_archive(path)["header.json"])
    assert header["format"] == "autograd_mlp.weights" and "config" not in header


def test_weights_are_cast_to_the_receiving_model_dtype(tmp_path):
    source, target = make_model(np.float64), make_model(np.float32)
    models.save_weights(source, tmp_path / "w.npz")
    models.load_weights(target, tmp_path / "w.npz")
    for a, b in zip(source.get_weights(), target.get_weights()):
        assert b.dtype == np.float32 and np.array_equal(a.astype(np.float32), b)


def test_load_weights_reads_a_model_file(saved):
    model, path = saved
    other = make_model()
    models.load_weights(other, path)
    assert_same_weights(model, other)


@pytest.mark.parametrize(
    "other",
    [
        lambda: Sequential([Dense(5, input_dim=3), Dense(4), Dense(3, use_bias=False)]),  # last shape differs
        lambda: Sequential([Dense(5, input_dim=3), Dense(4)]),  # fewer arrays
        lambda: Sequential([Dense(2, input_dim=9), Dense(4), Dense(2, use_bias=False)]),  # first shape differs
    ],
)
def test_load_weights_with_wrong_shapes_changes_nothing(tmp_path, other):
    source = make_model()
    path = tmp_path / "w.npz"
    models.save_weights(source, path)
    target = other()
    before = [w.copy() for w in target.get_weights()]
    with pytest.raises(ValueError) as info:
        models.load_weights(target, path)
    assert str(path) in str(info.value)
    after = target.get_weights()
    assert all(a.tobytes() == b.tobytes() for a, b in zip(before, after))


def test_load_weights_from_a_damaged_file_changes_nothing(tmp_path):
    source, target = make_model(), make_model()
    path = tmp_path / "w.npz"
    models.save_weights(source, path)
    broken = tamper(path, tmp_path / "broken.npz", entries={"weights/4.npy": None})
    before = [w.copy() for w in target.get_weights()]
    with pytest.raises(ValueError, match="missing"):
        models.load_weights(target, broken)
    assert all(a.tobytes() == b.tobytes() for a, b in zip(before, target.get_weights()))


def test_weights_file_argument_checks(tmp_path):
    class Bare(Module):
        pass

    with pytest.raises(TypeError, match="get_weights"):
        models.save_weights(Bare(), tmp_path / "w.npz")
    with pytest.raises(TypeError, match="get_weights"):
        models.load_weights(object(), tmp_path / "w.npz")
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------- compiled models
def xor_data(n=40):
    rng = np.random.default_rng(7)
    x = rng.uniform(-1, 1, size=(n, 2))
    y = (x[:, :1] * x[:, 1:] > 0).astype(float)
    return x, y


def trained(optimizer, dropout=True, epochs=3):
    init.set_seed(0)
    layers = [Dense(6, input_dim=2, activation="tanh")]
    if dropout:
        layers.append(Dropout(0.25))
    layers.append(Dense(1, activation="sigmoid"))
    model = Sequential(layers, name="xor")
    model.compile(optimizer=optimizer, loss="binary_crossentropy", metrics=["binary_accuracy", "mae"])
    x, y = xor_data()
    model.fit(x, y, epochs=epochs, batch_size=8, verbose=0)
    return model


def assert_same_optimizer_state(a, b):
    sa, sb = a.get_state(), b.get_state()
    assert sa["iterations"] == sb["iterations"] > 0
    assert sorted(sa["slots"]) == sorted(sb["slots"])
    for key, arr in sa["slots"].items():
        assert arr.dtype == sb["slots"][key].dtype and arr.tobytes() == sb["slots"][key].tobytes()


OPTIMIZERS = [
    lambda: optim.SGD(0.1, 0.9),
    lambda: optim.SGD(learning_rate=0.05, momentum=0.5, nesterov=True),
    lambda: optim.Adam(learning_rate=0.01),
    lambda: optim.RMSprop(learning_rate=optim.ExponentialDecay(0.01, decay_steps=5, decay_rate=0.9)),
]


@pytest.mark.parametrize("make_optimizer", OPTIMIZERS)
def test_compiled_round_trip_resumes_training_identically(tmp_path, make_optimizer):
    model = trained(make_optimizer())
    path = tmp_path / "My_network.keras"
    model.save(path)  # the course's spelling: my_network.save(...), then load_model(...)
    loaded = autograd_mlp.load_model(path)
    assert loaded.loss is losses.binary_crossentropy
    assert loaded.metrics_names == ["binary_accuracy", "mae"]
    assert type(loaded.optimizer) is type(model.optimizer)
    assert loaded.get_compile_config() == model.get_compile_config()
    assert_same_optimizer_state(model.optimizer, loaded.optimizer)
    assert_same_weights(model, loaded)
    # training on from the same random state gives the same weights, bit for bit
    x, y = xor_data()
    init.set_seed(5)
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    init.set_seed(5)
    loaded.fit(x, y, epochs=2, batch_size=8, verbose=0)
    assert_same_weights(model, loaded)
    assert loaded.evaluate(x, y) == model.evaluate(x, y)


def test_resuming_without_the_saved_state_would_differ(tmp_path):
    """The previous test could fail: a fresh Adam state changes the trajectory."""
    model = trained(optim.Adam(learning_rate=0.01), dropout=False)
    path = tmp_path / "m.keras"
    models.save_model(model, path, include_optimizer=False)
    loaded = models.load_model(path)
    assert loaded.get_compile_config() == model.get_compile_config()
    assert loaded.optimizer.iterations == 0 and loaded.optimizer.get_state()["slots"] == {}
    header = json.loads(read_archive(path)["header.json"])
    assert header["optimizer"] is None and not any(name.startswith("optimizer/") for name in read_archive(path))
    x, y = xor_data()
    model.fit(x, y, epochs=1, batch_size=8, verbose=0, shuffle=False)
    loaded.fit(x, y, epochs=1, batch_size=8, verbose=0, shuffle=False)
    assert not np.array_equal(model.get_weights()[0], loaded.get_weights()[0])


def test_load_without_compiling(tmp_path):
    model = trained(optim.SGD(0.1, 0.9))
    path = tmp_path / "m.keras"
    models.save_model(model, path)
    loaded = models.load_model(path, compile=False)
    assert not loaded.compiled and loaded.get_compile_config() is None
    assert_same_weights(model, loaded)


def test_a_model_compiled_before_it_was_built_round_trips(tmp_path):
    model = Sequential([Dense(3, activation="relu"), Dense(1)])
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    path = tmp_path / "m.keras"
    models.save_model(model, path)
    loaded = models.load_model(path)
    assert loaded.get_compile_config() == model.get_compile_config() and not loaded.built
    x, y = xor_data()
    init.set_seed(3)
    model.fit(x, y, epochs=1, verbose=0)
    init.set_seed(3)
    loaded.fit(x, y, epochs=1, verbose=0)
    assert_same_weights(model, loaded)


def test_optimizer_state_in_the_file_is_checked(tmp_path):
    model = trained(optim.Adam(learning_rate=0.01))
    path = tmp_path / "m.keras"
    models.save_model(model, path)

    def wrong_count(header):
        header["optimizer"]["n_params"] = 7

    check_refused(tamper(path, tmp_path / "a.keras", header=wrong_count), "7 parameters")

    def wrong_key(header):
        header["optimizer"]["slots"][0]["key"] = "9/m"

    check_refused(tamper(path, tmp_path / "b.keras", header=wrong_key), "does not fit")

    def bad_key(header):
        header["optimizer"]["slots"][0]["key"] = "m"

    check_refused(tamper(path, tmp_path / "c.keras", header=bad_key), "index/name")

    def negative(header):
        header["optimizer"]["iterations"] = -1

    check_refused(tamper(path, tmp_path / "d.keras", header=negative), "negative")
    assert models.load_model(tamper(path, tmp_path / "e.keras", header=wrong_key), compile=False).get_compile_config() is None


@pytest.mark.parametrize(
    "change, fragment",
    [
        (lambda c: c.update(loss="no_such_loss"), "no_such_loss"),
        (lambda c: c.update(metrics=["no_such_metric"]), "no_such_metric"),
        (lambda c: c["optimizer"].update({"class": "Lion"}), "optimizer"),
        (lambda c: c["optimizer"].update(momentum=2.0), "momentum"),
        (lambda c: c.pop("optimizer"), "'optimizer' must be a JSON object"),
    ],
)
def test_an_unusable_compile_config_is_refused_with_a_way_out(tmp_path, change, fragment):
    model = trained(optim.SGD(0.1, 0.9), epochs=1)
    path = tmp_path / "m.keras"
    models.save_model(model, path)
    bad = tamper(path, tmp_path / "bad.keras", header=lambda h: change(h["compile_config"]))
    check_refused(bad, fragment)
    assert_same_weights(model, models.load_model(bad, compile=False))


def test_a_custom_loss_saves_but_needs_compile_false_to_load(tmp_path):
    def my_loss(y_true, y_pred):
        return losses.mean_squared_error(y_true, y_pred)

    model = Sequential([Dense(1, input_dim=2)])
    model.compile(optimizer="sgd", loss=my_loss)
    path = tmp_path / "m.keras"
    models.save_model(model, path)
    check_refused(path, "my_loss", "compile=False")
    assert_same_weights(model, models.load_model(path, compile=False))


def test_a_plain_function_as_learning_rate_cannot_be_saved(tmp_path):
    model = Sequential([Dense(1, input_dim=2)])
    model.compile(optimizer=optim.SGD(learning_rate=lambda step: 0.1), loss="mse")
    with pytest.raises(TypeError, match="schedule"):
        models.save_model(model, tmp_path / "m.keras")
    assert list(tmp_path.iterdir()) == []
    models.save_weights(model, tmp_path / "w.npz")  # the weights alone still can be


def test_a_seeded_dropout_keeps_its_seed(tmp_path):
    model = Sequential([Dense(3, input_dim=2), Dropout(0.5, seed=1, name="drop")])
    model.save(tmp_path / "m.keras")
    loaded = models.load_model(tmp_path / "m.keras")
    assert loaded.layers[1].get_config() == {"name": "drop", "rate": 0.5, "seed": 1}
    x = np.ones((6, 3))
    # the generator restarts from the seed: the same masks as a fresh Dropout(0.5, seed=1)
    np.testing.assert_array_equal(loaded.layers[1].train()(x).data, Dropout(0.5, seed=1)(x).data)
    with pytest.raises(ValueError, match="seed"):
        Dropout(0.5, seed=-1)


def test_an_optimizer_not_bound_to_the_current_parameters_saves_no_state(tmp_path):
    built_by_predict = Sequential([Dense(3, activation="relu"), Dense(1)])
    built_by_predict.compile(optimizer="adam", loss="mse")
    built_by_predict.predict(np.ones((4, 2)))
    grown = Sequential([Dense(3, input_dim=2, activation="relu")])
    grown.compile(optimizer="sgd", loss="mse")
    grown.add(Dense(1))
    for i, model in enumerate((built_by_predict, grown)):
        path = tmp_path / f"m{i}.keras"
        model.save(path)
        loaded = models.load_model(path)
        assert loaded.compiled
        assert loaded.get_compile_config() == model.get_compile_config()
        assert json.loads(read_archive(path)["header.json"])["optimizer"] is None
        loaded.fit(np.ones((4, 2)), np.ones((4, 1)), epochs=1, verbose=0)


@pytest.mark.parametrize("units, inputs", [(10**6, 10**6), (10**6, 1)])
def test_a_tiny_header_promising_huge_layers_is_refused_before_building(tmp_path, units, inputs):
    header = {
        "format": "autograd_mlp.model", "format_version": 1, "library_version": "0",
        "config": {"name": "m", "layers": [{"class": "Dense", "config": {"units": units, "input_dim": inputs}}]},
        "compile_config": None, "weights": [], "optimizer": None,
    }
    path = tmp_path / "hostile.keras"
    write_archive(path, {"header.json": json.dumps(header).encode()})
    assert path.stat().st_size < 1000
    with pytest.raises(amio.FileFormatError, match="hostile.keras"):
        models.load_model(path)


def test_weight_records_must_match_the_shapes_the_config_implies(saved, tmp_path):
    _, path = saved

    def widen(head):
        head["config"]["layers"][0]["config"]["input_dim"] = 4

    def chain_broken(head):
        head["config"]["layers"][2]["config"]["input_dim"] = 7

    def wrong_dtype(head):
        head["weights"][0]["dtype"] = "<f4"

    for i, change in enumerate((widen, chain_broken, wrong_dtype)):
        bad = tamper(path, tmp_path / f"bad{i}.keras", header=change)
        with pytest.raises(amio.FileFormatError, match=f"bad{i}.keras"):
            models.load_model(bad)


# ------------------------------------------------- bounded memory when loading
def model_header(layers, weights):
    return {
        "format": "autograd_mlp.model", "format_version": 1, "library_version": "0",
        "config": {"name": "m", "layers": [{"class": "Dense", "config": c} for c in layers]},
        "compile_config": None, "weights": weights, "optimizer": None,
    }


def compressed_weights_bomb(path):
    """2.1 MB on disk: a deflated weights entry that inflates to a 16000x16000 float64 array (2 GB)."""
    shape = (16000, 16000)
    header = json.dumps(model_header(
        [{"units": 16000, "input_dim": 16000, "use_bias": False}],
        [{"entry": "weights/0.npy", "name": "kernel", "shape": list(shape), "dtype": "<f8"}],
    )).encode()
    preamble = npy_preamble(shape)
    stream, crc = deflate_bomb(preamble, b"\0", 16000 * 16000 * 8)
    return zip_of_raw_entries(path, [
        ("header.json", header, 0, len(header), zlib.crc32(header)),
        ("weights/0.npy", stream, 8, len(preamble) + 16000 * 16000 * 8, crc),
    ])


def compressed_header_bomb(path):
    """A small valid model whose deflated header.json declares its true size but inflates to 1.5 GB."""
    kernel, bias = np.ones((3, 2)), np.zeros(2)
    header = json.dumps(model_header(
        [{"units": 2, "input_dim": 3}],
        [{"entry": "weights/0.npy", "name": "kernel", "shape": [3, 2], "dtype": "<f8"},
         {"entry": "weights/1.npy", "name": "bias", "shape": [2], "dtype": "<f8"}],
    )).encode()
    stream, _ = deflate_bomb(header, b" ", 1_500_000_000)
    arrays = [(f"weights/{i}.npy", npy_bytes(a)) for i, a in enumerate((kernel, bias))]
    return zip_of_raw_entries(path, [("header.json", stream, 8, len(header), zlib.crc32(header))]
                              + [(name, data, 0, len(data), zlib.crc32(data)) for name, data in arrays])


_MEASURED_LOAD = """
import json, resource, sys
# A guard for the machine should the reader ever inflate the bomb again.
limit = 3 * 2**30
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
import autograd_mlp.io as amio
from autograd_mlp import models
scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale
try:
    models.load_model(sys.argv[1])
    outcome = ["loaded", ""]
except BaseException as exc:
    outcome = [type(exc).__name__, str(exc)]
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale
print(json.dumps({"outcome": outcome, "growth": after - before}))
"""


def load_in_a_measured_process(path):
    """``(exception name, message, peak RSS growth in bytes)`` of load_model(path) in a fresh process."""
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    done = subprocess.run([sys.executable, "-c", _MEASURED_LOAD, str(path)], capture_output=True, text=True,
                          env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    return (*result["outcome"], result["growth"])


@pytest.mark.skipif(sys.platform == "win32", reason="resource limits and ru_maxrss are POSIX")
@pytest.mark.parametrize("build", [compressed_weights_bomb, compressed_header_bomb])
def test_zip_bombs_are_refused_in_bounded_memory(tmp_path, build):
    path = build(tmp_path / "bomb.keras")
    assert path.stat().st_size < 2.2e6
    kind, message, growth = load_in_a_measured_process(path)
    assert kind == "FileFormatError", message
    assert str(path) in message and "compressed" in message
    assert growth < 100 * 2**20, f"peak RSS grew by {growth / 2**20:.0f} MB"


@pytest.mark.parametrize("filler, size", [(b"\0", 3 * 2**24 + 5), (b" ", 5 * 2**24 + 12345)])
def test_the_bomb_builder_is_exact(filler, size):
    """What deflate_bomb builds inflates to exactly what it says (checked on sizes that inflate quickly)."""
    stream, crc = deflate_bomb(b"prefix", filler, size)
    inflated = zlib.decompress(stream, -15)
    assert len(inflated) == 6 + size and inflated[:6] == b"prefix" and inflated[6:] == filler * size
    assert zlib.crc32(inflated) == crc
    assert len(stream) < size // 500


def test_a_stored_entry_must_lie_inside_the_file(tmp_path):
    # Uncompressed, but its sizes promise 2 GB that the file does not hold.
    shape = (16000, 16000)
    header = json.dumps(model_header(
        [{"units": 16000, "input_dim": 16000, "use_bias": False}],
        [{"entry": "weights/0.npy", "name": "kernel", "shape": list(shape), "dtype": "<f8"}],
    )).encode()
    claimed = len(npy_preamble(shape)) + 16000 * 16000 * 8
    path = zip_of_raw_entries(tmp_path / "forged.keras", [
        ("header.json", header, 0, len(header), zlib.crc32(header)),
        ("weights/0.npy", npy_preamble(shape) + bytes(1000), 0, claimed, 0, claimed),
    ])
    check_refused(path, "weights/0.npy", str(claimed), "more than the file holds")


def test_arrays_declared_beyond_the_file_size_are_refused_before_any_is_read(saved, tmp_path, monkeypatch):
    # Every record names the same small entry: each read would succeed, and a
    # thousand of them would allocate a thousand times the file.
    _, path = saved

    def repeat(header):
        header["weights"] = [dict(header["weights"][0]) for _ in range(1000)]

    bad = tamper(path, tmp_path / "repeated.keras", header=repeat)

    def never(self, record):
        raise AssertionError("an array was read")

    monkeypatch.setattr(amio._Archive, "read_array", never)
    check_refused(bad, "120000 bytes", f"{bad.stat().st_size} bytes of the whole file")


def test_an_entry_of_another_dtype_with_the_same_byte_width_is_refused(saved, tmp_path):
    # '<i8' and '<f8' have the same 8 bytes per element: sizes agree, only the
    # dtype comparison tells integers from the floats the header promises.
    _, path = saved
    integers = np.arange(15, dtype="<i8").reshape(3, 5)
    bad = tamper(path, tmp_path / "ints.keras", entries={"weights/0.npy": npy_bytes(integers)})
    assert json.loads(read_archive(bad)["header.json"])["weights"][0]["dtype"] == "<f8"
    check_refused(bad, "weights/0.npy", "<i8", "<f8")
    with pytest.raises(amio.FileFormatError, match="<i8"):
        models.load_weights(make_model(), bad)


_KILLED_SAVE = """
import sys, time
import autograd_mlp.io as amio
from autograd_mlp import models
from autograd_mlp.nn.layers import Dense, Sequential

real_write = amio._write_array

def slow_write(archive, entry, arr):
    real_write(archive, entry, arr)
    print("writing", flush=True)
    time.sleep(60)

amio._write_array = slow_write
models.save_model(Sequential([Dense(4, input_dim=3)]), sys.argv[1])
"""


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL, and the clean-up, are POSIX")
def test_a_save_killed_mid_write_keeps_the_old_model_and_the_next_save_clears_its_temp_file(saved):
    import signal

    model, path = saved
    before = path.read_bytes()
    child = subprocess.Popen([sys.executable, "-c", _KILLED_SAVE, str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline() == "writing\n"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
    [left] = [p.name for p in path.parent.iterdir() if p.name != path.name]
    assert left.startswith(f".{path.name}.{child.pid}.")
    assert path.read_bytes() == before
    models.save_weights(model, path.parent / "w.npz")  # a later save to the same folder
    assert sorted(p.name for p in path.parent.iterdir()) == sorted([path.name, "w.npz"])
    assert_same_weights(model, models.load_model(path))


@pytest.mark.skipif(os.name != "posix", reason="symbolic links and modes as POSIX has them")
def test_saving_over_a_symlink_replaces_its_target_and_keeps_its_mode(saved, tmp_path):
    model, path = saved
    os.chmod(path, 0o640)
    link = tmp_path / "latest.keras"
    link.symlink_to(path.name)
    model.layers[0].weight.data[...] = 1.0
    models.save_model(model, link)
    assert link.is_symlink() and os.readlink(link) == path.name
    assert (path.stat().st_mode & 0o777) == 0o640
    assert_same_weights(model, models.load_model(path))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([path.name, link.name])


def test_a_header_beyond_any_models_is_refused_before_it_is_parsed(tmp_path, monkeypatch):
    # Parsed, 2 MB of '{},' would be some 50 MB of Python objects: the cap keeps that bounded.
    body = b'{"format": "autograd_mlp.model", "format_version": 1, "x": [' + b"{}," * (2**21 // 3) + b"{}]}"
    path = tmp_path / "huge_header.keras"
    write_archive(path, {"header.json": body})

    def never(*args, **kwargs):
        raise AssertionError("the header was parsed")

    monkeypatch.setattr(amio.json, "loads", never)
    check_refused(path, "header.json", "implausibly large", str(len(body)))
