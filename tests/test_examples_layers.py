"""The worked-example and training-loop scripts in examples/ run as tests.

Each script is executed as ``__main__`` (what ``python examples/NAME.py``
does) and its printed output is checked, then its functions are called
directly for the numbers behind the output.
"""

import pathlib
import re
import runpy

import pytest

EXAMPLES = pathlib.Path(__file__).resolve().parent.parent / "examples"


def run_script(name, capsys):
    runpy.run_path(str(EXAMPLES / name), run_name="__main__")
    return capsys.readouterr().out


def load(name):
    return runpy.run_path(str(EXAMPLES / name), run_name="example_module")


def test_backprop_worked_example_prints_both_columns_and_agrees(capsys):
    out = run_script("backprop_worked_example.py", capsys)
    # the reference trace, with the course's numbers
    assert "One training step: 2 layer(s), loss mean_squared_error" in out
    for number in ["0.8176", "0.9026", "0.8603", "0.4985", "0.4915", "0.9985", "0.4991"]:
        assert number in out
    assert "Loss before the step: 0.3906" in out and "Loss after the step:  0.3879" in out
    # the side-by-side table: hand and autodiff on one line, with their difference
    row = re.search(r"layer 2 new w\(0→0\)\s+(\S+)\s+(\S+)\s+(\S+)", out)
    assert row and row.group(1) == row.group(2) == "0.4985437504"
    assert re.search(r"loss after\s+0\.38792\d+\s+0\.38792\d+", out)
    assert "by hand and by autodiff agree" in out


def test_backprop_worked_example_numbers_agree_to_1e_12():
    module = load("backprop_worked_example.py")
    ex = module["reference"].worked_example()
    hand, auto = module["by_hand"](ex), module["by_autodiff"](ex)
    assert len(hand) == 2 * (3 * 2 + 2 * 4 + 2 * 2) + 2  # z, a, e per unit; dw, new w; db, new b; 2 losses
    for name in hand:
        assert abs(float(hand[name]) - float(auto[name])) <= 1e-12, name


def test_backprop_worked_example_comparison_can_fail(capsys):
    """The check is real: a disagreement larger than the tolerance is reported."""
    module = load("backprop_worked_example.py")
    ex = module["reference"].worked_example()
    hand, auto = module["by_hand"](ex), module["by_autodiff"](ex)
    auto["layer 1 dL/dw(0→0)"] = auto["layer 1 dL/dw(0→0)"] + 1e-9
    assert module["compare"](hand, auto) == pytest.approx(1e-9, rel=1e-3)


def test_pytorch_style_loop_prints_a_falling_loss_and_the_accuracy(capsys):
    out = run_script("pytorch_style_loop.py", capsys)
    printed = [float(v) for v in re.findall(r"loss (\d+\.\d+)", out)]
    assert len(printed) >= 5
    assert printed[-1] < 0.25 * printed[0]
    accuracy = re.search(r"final accuracy: train (\d\.\d+), test (\d\.\d+)", out)
    assert accuracy and float(accuracy.group(1)) >= 0.95 and float(accuracy.group(2)) >= 0.9


def test_pytorch_style_loop_history():
    result = load("pytorch_style_loop.py")["main"](epochs=30, seed=1, verbose=False)
    history = result["loss"]
    assert len(history) == 30
    assert history[-1] < 0.5 * history[0]
    assert result["train_accuracy"] > 0.9
