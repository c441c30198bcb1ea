"""The worked-example and training-loop scripts in examples/ run as tests.

Each script is executed as ``__main__`` (what ``python examples/NAME.py``
does) and its printed output is checked, then its functions are called
directly for the numbers behind the output.
"""

import os
import re
import runpy
import sys

import pytest
from examples_support import EXAMPLES, is_png, run_default
from examples_support import load as load_example

import autograd_mlp as am


def run_script(name, capsys, monkeypatch, *args):
    """``python examples/NAME args`` in this process; returns what it printed."""
    monkeypatch.setattr(sys, "argv", [name, *map(str, args)])
    runpy.run_path(str(EXAMPLES / name), run_name="__main__")
    return capsys.readouterr().out


def load(name):
    return runpy.run_path(str(EXAMPLES / name), run_name="example_module")


def test_backprop_worked_example_prints_both_columns_and_agrees(capsys, monkeypatch):
    out = run_script("backprop_worked_example.py", capsys, monkeypatch, "--no-plots")
    # the reference trace, with the course's numbers
    assert "One training step: 2 layer(s), loss mean_squared_error" in out
    for number in ["0.8176", "0.9026", "0.8603", "0.4985", "0.4915", "0.9985", "0.4991"]:
        assert number in out
    assert "Loss before the step: 0.3906" in out and "Loss after the step:  0.3879" in out
    # the side-by-side table: hand and autodiff on one line, with their difference
    row = re.search(r"layer 2 new w\(0→0\)\s+(\S+)\s+(\S+)\s+(\S+)", out)
    assert row and row.group(1) == row.group(2) == "0.4985437504"
    assert re.search(r"loss after\s+0\.38792\d+\s+0\.38792\d+", out)
    assert "by hand and by autodiff agree" in out and "pictures" not in out


def test_backprop_worked_example_draws_the_network_in_its_default_folder(tmp_path):
    result, out, folder = run_default(load_example("backprop_worked_example"), tmp_path)
    assert result <= 1e-12
    if not am.viz.dot_available():
        assert "no pictures: Graphviz's dot program is not installed" in out and not folder.exists()
        return
    names = ["worked_example_after_step.png", "worked_example_backward.png"]
    assert sorted(os.listdir(folder)) == names and all(is_png(folder / name) for name in names)
    assert f"pictures written to {folder}: worked_example_backward.png, worked_example_after_step.png" in out


def test_backprop_worked_example_drawing_shows_the_course_numbers(tmp_path, monkeypatch):
    """The README's picture: the weights, their gradients, biases and activations of the worked example."""
    module = load("backprop_worked_example.py")
    captured = []

    def keep(graph, path, dpi=None):
        captured.append((os.path.basename(path), graph.source))
        return path

    monkeypatch.setattr(am.viz, "render", keep)  # draw_pictures imports render from autograd_mlp.viz when it runs
    paths = module["draw_pictures"](str(tmp_path), formats=("svg", "png"))
    assert [name for name, _ in captured] == ["worked_example_backward.svg", "worked_example_backward.png",
                                              "worked_example_after_step.svg", "worked_example_after_step.png"]
    assert [os.path.basename(path) for path in paths] == [name for name, _ in captured]
    backward, after = captured[0][1], captured[2][1]
    for number in ("0.8176", "0.9026", "0.8603", "0.0090", "0.0845", "0.1034"):  # a, dL/dw, dL/db
        assert number in backward
    assert "L = 0.3906" in backward and "L = 0.3879" in after and "0.4985" in after  # the new w(0→0) of layer 2


def test_backprop_worked_example_without_dot_says_so(tmp_path, monkeypatch):
    monkeypatch.setattr(am.viz, "dot_available", lambda engine="dot": False)
    result, out, folder = run_default(load_example("backprop_worked_example"), tmp_path)
    assert "no pictures: Graphviz's dot program is not installed" in out and not folder.exists()


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


def test_pytorch_style_loop_prints_a_falling_loss_and_the_accuracy(capsys, monkeypatch):
    out = run_script("pytorch_style_loop.py", capsys, monkeypatch)
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


def test_pytorch_style_loop_options(capsys, monkeypatch):
    out = run_script("pytorch_style_loop.py", capsys, monkeypatch, "--epochs", 2, "--batch-size", 64, "--seed", 1)
    assert re.findall(r"epoch +(\d+)", out) == ["1"] and "final accuracy" in out
    with pytest.raises(SystemExit) as stop:
        run_script("pytorch_style_loop.py", capsys, monkeypatch, "--epochs", 0)
    assert stop.value.code == 2 and "--epochs and --batch-size must be at least 1" in capsys.readouterr().err
