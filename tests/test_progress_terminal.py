"""progress.terminal: one or more lines redrawn over each other, checked on a replayed screen."""

from autograd_mlp.progress.terminal import TerminalDisplay
from progress_support import Screen


def recorder():
    written = []
    return written, written.append


def test_one_line_is_redrawn_in_place_and_a_shorter_line_covers_a_longer_one():
    written, write = recorder()
    display = TerminalDisplay(write, ansi=True)
    display.draw(["Epoch 1/2 - a_long_metric_name: 0.2500"], columns=80)
    display.draw(["Epoch 2/2 - loss: 0.4"], columns=80)
    display.close()
    screen = Screen(80).feed("".join(written))
    assert screen.lines() == ["Epoch 2/2 - loss: 0.4"]
    assert "".join(written).endswith("\n")


def test_two_lines_are_redrawn_in_place_then_one_then_two_again():
    written, write = recorder()
    display = TerminalDisplay(write, ansi=True)
    display.draw(["status 1", "metrics of epoch 1 that are long"], columns=40)
    display.draw(["status 2", "metrics 2"], columns=40)
    assert Screen(40).feed("".join(written)).lines() == ["status 2", "metrics 2"]
    display.draw(["status 3 with its metrics"], columns=40)
    assert Screen(40).feed("".join(written)).lines() == ["status 3 with its metrics"]
    display.draw(["status 4", "metrics 4"], columns=40)
    display.close()
    screen = Screen(40).feed("".join(written))
    assert screen.lines() == ["status 4", "metrics 4"]
    assert screen.wraps == 0


def test_text_above_the_display_is_left_alone():
    written, write = recorder()
    write("a line printed before training\n")
    display = TerminalDisplay(write, ansi=True)
    for i in range(3):
        display.draw([f"status {i}", f"metrics {i}", f"more {i}"], columns=40)
    display.close()
    assert Screen(40).feed("".join(written)).lines() == ["a line printed before training", "status 2",
                                                         "metrics 2", "more 2"]


def test_without_cursor_controls_one_line_is_padded_and_several_are_written_once_when_final():
    written, write = recorder()
    display = TerminalDisplay(write, ansi=False)
    display.draw(["Epoch 1/3 - a long line"], columns=80)
    display.draw(["Epoch 2/3"], columns=80)
    assert "\x1b" not in "".join(written)
    assert "".join(written).split("\r")[-1] == "Epoch 2/3" + " " * len(" - a long line")
    display.draw(["Epoch 2/3", "metrics"], columns=80)          # cannot be redrawn: skipped
    display.draw(["Epoch 3/3", "all metrics"], columns=80, final=True)
    display.close()
    out = "".join(written)
    assert "\x1b" not in out and "metrics\n" not in out.replace("all metrics", "")
    assert Screen(80).feed(out).lines()[-2:] == ["Epoch 3/3", "all metrics"]
