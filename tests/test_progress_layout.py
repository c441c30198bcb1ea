"""progress.layout: a progress line fitted to a width, shrinking the decoration and never cutting a metric."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_mlp.progress.layout import draw_bar, fit_lines, status_variants, wrap_items

METRICS = ["loss: 0.1234", "binary_accuracy: 0.9000", "val_loss: 0.2345", "val_binary_accuracy: 0.8800"]
TIMING = ["1:02", "ETA 3.4s"]


def test_bar_cells():
    assert draw_bar(0.0, 10) == "[>.........]"
    assert draw_bar(0.5, 10) == "[=====>....]"
    assert draw_bar(1.0, 10) == "[" + "=" * 10 + "]"
    assert draw_bar(1.7, 4) == "[====]" and draw_bar(-1, 4) == "[>...]"


def test_a_wide_terminal_gets_everything_on_one_line():
    (line,) = fit_lines("Epoch 3/10", METRICS, 200, fraction=0.3, timing=TIMING)
    assert line == ("Epoch 3/10 [=========>....................] 1:02 - ETA 3.4s - "
                    "loss: 0.1234 - binary_accuracy: 0.9000 - val_loss: 0.2345 - val_binary_accuracy: 0.8800")


def test_the_bar_shrinks_then_the_elapsed_time_goes_then_the_eta_then_the_bar():
    full = fit_lines("Epoch 3/10", METRICS, None, fraction=0.3, timing=TIMING)[0]
    tail = " - " + " - ".join(METRICS)
    (shrunk,) = fit_lines("Epoch 3/10", METRICS, len(full) - 5, fraction=0.3, timing=TIMING)
    assert shrunk.startswith("Epoch 3/10 [" + "=" * 7 + ">" + "." * 17 + "] 1:02 - ETA 3.4s - loss")
    narrow_bar = "Epoch 3/10 [===>......]"
    (no_elapsed,) = fit_lines("Epoch 3/10", METRICS, len(narrow_bar + " ETA 3.4s" + tail), fraction=0.3, timing=TIMING)
    assert no_elapsed == narrow_bar + " ETA 3.4s" + tail
    (no_timing,) = fit_lines("Epoch 3/10", METRICS, len(narrow_bar + tail), fraction=0.3, timing=TIMING)
    assert no_timing == narrow_bar + tail
    (no_bar,) = fit_lines("Epoch 3/10", METRICS, len("Epoch 3/10" + tail), fraction=0.3, timing=TIMING)
    assert no_bar == "Epoch 3/10" + tail


def test_in_80_columns_the_metrics_continue_on_a_second_line_whole():
    lines = fit_lines("Epoch 1500/1500", METRICS, 79, fraction=0.5, timing=TIMING)
    assert len(lines) == 2
    assert all(len(line) <= 79 for line in lines)
    assert lines[0].startswith("Epoch 1500/1500 [")
    assert " - ".join(lines).endswith(" - ".join(METRICS))


def test_a_stream_shows_a_count_and_a_rate_and_loses_the_rate_first():
    count = ["1234 batches", "56.7 batches/s"]
    (line,) = fit_lines("Epoch 3/10", ["loss: 0.1234"], 120, count=count, timing=["1.2s"])
    assert line == "Epoch 3/10 - 1234 batches - 56.7 batches/s - 1.2s - loss: 0.1234"
    variants = status_variants("Epoch 3/10", count=count, timing=["1.2s"])
    assert variants == ["Epoch 3/10 - 1234 batches - 56.7 batches/s - 1.2s",
                        "Epoch 3/10 - 1234 batches - 56.7 batches/s",
                        "Epoch 3/10 - 1234 batches", "Epoch 3/10", "Epoch 3/10"]


def test_wrapping_breaks_between_items_and_splits_only_an_item_wider_than_the_line():
    assert wrap_items(["aaa", "bb", "c"], 8) == ["aaa - bb", "c"]
    assert wrap_items(["abcdefghij"], 4) == ["abcd", "efgh", "ij"]
    assert wrap_items([], 10) == []


names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=30)


@settings(max_examples=200, deadline=None)
@given(st.lists(names, max_size=8, unique=True), st.integers(20, 200), st.floats(0, 1),
       st.integers(1, 99999), st.booleans())
def test_every_line_fits_and_every_metric_is_there_whole(keys, width, fraction, epochs, stream):
    metrics = [f"{key}: 0.1234" for key in keys]
    head = f"Epoch {epochs}/{epochs}"
    kwargs = dict(count=["12 batches", "3.4 batches/s"]) if stream else dict(fraction=fraction)
    lines = fit_lines(head, metrics, width, timing=TIMING, **kwargs)
    assert all(len(line) <= width for line in lines)
    assert "..." not in re.sub(r"\[[=>.]*\]", "", "\n".join(lines))  # no cut (the bar's dots aside)
    for item in metrics:
        # whole on one line whenever it can be, else split over lines of its own
        assert any(item in line for line in lines) if len(item) <= width else item in "".join(lines)
    assert lines[0].startswith(head)
    if len(" - ".join([head] + metrics)) <= width:
        assert len(lines) == 1
