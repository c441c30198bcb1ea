"""progress.text: numbers, logs, durations and rates as the progress displays write them."""

import math

from autograd_mlp import progress
from autograd_mlp.progress import text


def test_numbers_as_keras_prints_them():
    assert text.format_number(0.123456) == "0.1235"
    assert text.format_number(1.5e-5) == "1.5000e-05"
    assert text.format_number(0) == "0.0000"
    assert text.format_number(math.nan) == "nan"
    assert text.format_number("adam") == "adam"


def test_logs_are_items_joined_by_dashes():
    logs = {"loss": 0.5, "val_loss": 0.25}
    assert text.log_items(logs) == ["loss: 0.5000", "val_loss: 0.2500"]
    assert text.format_logs(logs) == "loss: 0.5000 - val_loss: 0.2500"
    assert text.format_logs({}) == ""


def test_durations():
    assert text.format_duration(3.21) == "3.2s"
    assert text.format_duration(125) == "2:05"
    assert text.format_duration(3725) == "1:02:05"


def test_rates_per_second_or_seconds_per_batch():
    assert text.format_rate(567, 1.0) == "567 batches/s"
    assert text.format_rate(45, 2.0) == "22.5 batches/s"
    assert text.format_rate(2, 5.0) == "2.5s/batch"
    assert text.format_rate(0, 1.0) == "" and text.format_rate(3, 0.0) == ""


def test_the_package_keeps_the_names_it_had_as_a_module():
    for name in ("format_number", "format_logs", "format_duration", "is_dynamic", "terminal_width"):
        assert name in progress.__all__ and callable(getattr(progress, name))
