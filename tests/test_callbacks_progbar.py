"""callbacks.progbar: ProgbarLogger in a terminal (a fake one and a real pseudo-terminal), in a log, for a stream."""

import contextlib
import math
import os
import re
import subprocess
import sys
import textwrap
import types

import numpy as np
import pytest

from autograd_mlp import SGD, Dense, Sequential, callbacks
from autograd_mlp.callbacks import progbar
from progress_support import FakeTerminal, Screen

METRIC_NAMES = ("loss", "binary_accuracy", "val_loss", "val_binary_accuracy")


def course_data(n=40, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 10))
    return x, (x[:, :4] + 0.3 * x[:, 4:8] > 0).astype(float)


def compiled_network():
    net = Sequential([Dense(8, input_dim=10, activation="relu"), Dense(4, activation="sigmoid")])
    net.compile(loss="binary_crossentropy", optimizer=SGD(0.1, 0.9), metrics=["binary_accuracy"])
    return net


class Clock:
    """A clock that moves only when told to."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(progbar.ProgbarLogger, "clock", staticmethod(fake))
    return fake


@pytest.fixture
def terminal80(monkeypatch):
    """``sys.stdout`` is an 80-column terminal that understands cursor moves.

    Tests swap it in with ``stdout_to`` inside their body: pytest's output
    capturing sets ``sys.stdout`` again between a fixture's setup and the test.
    """
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("TERM", "xterm")
    if os.name == "nt":
        monkeypatch.setenv("WT_SESSION", "1")
    return FakeTerminal()


@contextlib.contextmanager
def stdout_to(stream):
    saved = sys.stdout
    sys.stdout = stream
    try:
        yield stream
    finally:
        sys.stdout = saved


def without_bars(text):
    return re.sub(r"\[[=>.]*\]", "[]", text)


def check_80_columns(out, epochs):
    screen = Screen(80).feed(out)
    lines = screen.lines()
    assert screen.wraps == 0 and screen.widest <= 79
    assert lines[0].startswith(f"Epoch {epochs}/{epochs} [")
    shown = " ".join(lines)
    for name in METRIC_NAMES:
        assert re.search(rf"(^|[ ]){name}: \d\.\d{{4}}", shown), (name, lines)
    assert "..." not in without_bars(out)
    return lines


# ---------------------------------------------------------------- a terminal
def test_in_an_80_column_terminal_every_metric_is_shown_whole(terminal80):
    x, y = course_data()
    with stdout_to(terminal80):
        compiled_network().fit(x, y, epochs=30, batch_size=10, validation_split=0.25, verbose=1)
    lines = check_80_columns(terminal80.getvalue(), 30)
    assert len(lines) == 2  # the course's four metrics need a second line in 80 columns
    assert terminal80.getvalue().endswith("\n")


def test_a_wide_terminal_keeps_one_line_with_the_full_bar(terminal80, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    x, y = course_data()
    with stdout_to(terminal80):
        compiled_network().fit(x, y, epochs=5, validation_split=0.25, verbose=1)
    out = terminal80.getvalue()
    lines = Screen(200).feed(out).lines()
    assert len(lines) == 1 and lines[0].startswith("Epoch 5/5 [" + "=" * 30 + "]")
    assert "\x1b[" not in out.replace("\x1b[K", "")  # one line: no cursor moves needed


def test_terminal_redraws_are_limited_to_one_per_interval(terminal80, clock, monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")
    class Tick(callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            clock.now += 0.01  # each epoch takes 10 ms

    x, y = course_data(20)
    with stdout_to(terminal80):
        compiled_network().fit(x, y, epochs=200, batch_size=20, verbose=1, callbacks=[Tick()])
    out = terminal80.getvalue()
    # 200 epochs span 2 s: about 20 redraws at one per 0.1 s, and the last epoch
    assert 15 <= out.count("\r") <= 25
    assert out.count("\n") == 1
    assert "ETA" in out
    assert Screen(120).feed(out).lines()[0].startswith("Epoch 200/200 [" + "=" * 30 + "]")


def test_a_long_epoch_moves_the_bar_within_the_epoch(terminal80, clock, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")

    class SlowBatches(callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            clock.now += 0.05

    x, y = course_data(100)
    with stdout_to(terminal80):
        compiled_network().fit(x, y, epochs=1, batch_size=5, verbose=1, callbacks=[SlowBatches()])
    draws = [Screen(200).feed(piece).lines()[0] for piece in terminal80.getvalue().split("\r")[1:]]
    bars = [re.search(r"\[([=>.]*)\]", line).group(1).count("=") for line in draws]
    assert len(draws) >= 5 and bars == sorted(bars) and 0 < bars[1] < 30 and bars[-1] == 30


def test_the_final_epoch_is_drawn_after_an_early_stop(terminal80, clock):
    bar = callbacks.ProgbarLogger(verbose=1)
    bar.set_params({"epochs": 100, "initial_epoch": 0, "steps": 3})
    with stdout_to(terminal80):
        bar.on_train_begin()
        for epoch in range(4):
            bar.on_epoch_begin(epoch)
            bar.on_epoch_end(epoch, {"loss": 1.0})
        bar.on_train_end()
    out = terminal80.getvalue()
    lines = Screen(80).feed(out).lines()
    assert lines[0].startswith("Epoch 4/100 [") and "ETA" not in lines[0]
    assert out.endswith("\n")


def test_a_dumb_terminal_gets_no_escape_sequences(terminal80, monkeypatch):
    monkeypatch.setenv("TERM", "dumb")
    x, y = course_data()
    with stdout_to(terminal80):
        compiled_network().fit(x, y, epochs=3, validation_split=0.25, verbose=1)
    out = terminal80.getvalue()
    assert "\x1b" not in out
    check_80_columns(out.split("\n", out.count("\n") - 2)[-1], 3)


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_in_a_real_80_column_pseudo_terminal(tmp_path):
    import fcntl
    import struct
    import termios

    program = textwrap.dedent("""
        import numpy as np
        from autograd_mlp import SGD, Dense, Sequential
        rng = np.random.default_rng(0)
        x = rng.normal(size=(40, 10))
        y = (x[:, :4] > 0).astype(float)
        net = Sequential([Dense(8, input_dim=10, activation="relu"), Dense(4, activation="sigmoid")])
        net.compile(loss="binary_crossentropy", optimizer=SGD(0.1), metrics=["binary_accuracy"])
        net.fit(x, y, epochs=40, batch_size=10, validation_split=0.25)
    """)
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {key: value for key, value in os.environ.items() if key not in ("COLUMNS", "LINES")}
    env["TERM"] = "xterm"
    child = subprocess.Popen([sys.executable, "-c", program], stdin=slave, stdout=slave, stderr=slave, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert child.wait(timeout=120) == 0, b"".join(chunks).decode(errors="replace")
    out = b"".join(chunks).decode()
    check_80_columns(out, 40)


# ---------------------------------------------------------------- a log
def test_in_a_log_one_plain_line_per_epoch(capsys):
    x, y = course_data()
    net = compiled_network()
    capsys.readouterr()
    net.fit(x, y, epochs=6, validation_split=0.25, verbose=1)
    out = capsys.readouterr().out
    assert "\r" not in out and "\x1b" not in out
    lines = out.splitlines()
    assert len(lines) == 6
    for i, line in enumerate(lines, start=1):
        assert re.fullmatch(rf"Epoch {i}/6 - \d+\.\ds - loss: \S+ - binary_accuracy: \S+ "
                            r"- val_loss: \S+ - val_binary_accuracy: \S+", line), line


def test_verbose_2_prints_one_line_per_epoch_even_on_a_terminal(terminal80):
    x, y = course_data()
    with stdout_to(terminal80):
        compiled_network().fit(x, y, epochs=4, verbose=2, validation_split=0.25)
    out = terminal80.getvalue()
    assert "\r" not in out
    lines = out.splitlines()
    assert len(lines) == 4
    for i, line in enumerate(lines, start=1):
        assert line.startswith(f"Epoch {i}/4 - loss: ") and " - val_binary_accuracy: " in line


def test_verbose_auto_is_1_and_other_values_are_refused():
    assert callbacks.ProgbarLogger(verbose="auto").verbose == 1
    for bad in (0, 3, True, "yes", None):
        with pytest.raises(ValueError, match="verbose must be 1, 2 or 'auto'"):
            callbacks.ProgbarLogger(verbose=bad)
    with pytest.raises(ValueError, match="interval"):
        callbacks.ProgbarLogger(interval=-1)
    with pytest.raises(TypeError, match="interval must be a number of seconds, got str"):
        callbacks.ProgbarLogger(interval="fast")


# ---------------------------------------------------------------- a stream of unknown length
def run_stream(bar, clock, epochs=2, batches=50):
    bar.set_params({"epochs": epochs, "initial_epoch": 0, "steps": None, "verbose": 1})
    bar.on_train_begin()
    for epoch in range(epochs):
        bar.on_epoch_begin(epoch)
        for batch in range(batches):
            clock.now += 1 / 64  # exact in binary: the counts below do not depend on rounding
            bar.on_train_batch_end(batch, {"loss": 1.0 / (batch + 1)})
        bar.on_epoch_end(epoch, {"loss": 0.02, "val_loss": 0.03})
    bar.on_train_end()


def test_a_stream_shows_a_count_and_a_rate_instead_of_a_bar(terminal80, clock):
    with stdout_to(terminal80):
        run_stream(callbacks.ProgbarLogger(), clock)
    out = terminal80.getvalue()
    assert "[" not in re.sub(r"\x1b\[\d*[A-Za-z]", "", out) and "ETA" not in out
    first = Screen(80).feed(out[: out.index("\r", 1)]).lines()[0]
    assert first == "Epoch 1/2 - 7 batches - 64.0 batches/s - 0.1s - loss: 0.1429"
    (last,) = Screen(80).feed(out).lines()
    # 80 characters with the elapsed time: it goes, the line stays one
    assert last == "Epoch 2/2 - 50 batches - 64.0 batches/s - loss: 0.0200 - val_loss: 0.0300"


def test_a_stream_in_a_log_counts_its_batches(capsys, clock):
    run_stream(callbacks.ProgbarLogger(), clock)
    assert capsys.readouterr().out.splitlines() == [
        "Epoch 1/2 - 50 batches - 64.0 batches/s - 0.8s - loss: 0.0200 - val_loss: 0.0300",
        "Epoch 2/2 - 50 batches - 64.0 batches/s - 0.8s - loss: 0.0200 - val_loss: 0.0300",
    ]


# ---------------------------------------------------------------- a notebook (drawing replaced)
def test_in_a_notebook_one_display_is_updated(monkeypatch, clock):
    calls = []

    class Handle:
        def update(self, bundle, raw):
            calls.append(("update", bundle))

    def display(bundle, raw, display_id):
        calls.append(("display", bundle))
        return Handle()

    ipython_display = types.ModuleType("IPython.display")
    ipython_display.display = display
    monkeypatch.setitem(sys.modules, "IPython.display", ipython_display)
    monkeypatch.setattr(progbar, "kind_of", lambda stream: "notebook")
    bar = callbacks.ProgbarLogger()
    bar.set_params({"epochs": 3, "initial_epoch": 0, "steps": 2})
    bar.on_train_begin()
    for epoch in range(3):
        bar.on_epoch_begin(epoch)
        clock.now += 1.0
        bar.on_epoch_end(epoch, {"loss": 0.5, "val_loss": 0.25})
    bar.on_train_end()
    assert [kind for kind, _ in calls] == ["display", "update", "update"]
    final = calls[-1][1]
    assert final["text/plain"] == "Epoch 3/3 - 3.0s - loss: 0.5000 - val_loss: 0.2500"
    assert '<progress value="1.0000" max="1"' in final["text/html"] and "val_loss: 0.2500" in final["text/html"]
    assert math.isclose(float(re.search(r'value="([\d.]+)"', calls[0][1]["text/html"]).group(1)), 1 / 3, rel_tol=1e-3)
