"""The option types of the command line and the one-line usage errors of its parser."""

import argparse

import pytest

from autograd_mlp.cli.parser import (activation_name, build_parser, fraction, layer_sizes, loss_name,
                                     optimizer_name, output_activation_name, positive_float, positive_int, seed)


@pytest.mark.parametrize("text, sizes", [("16,16", [16, 16]), (" 8 , 4 ", [8, 4]), ("3", [3]),
                                         ("none", []), ("None", []), ("", [])])
def test_layer_sizes(text, sizes):
    assert layer_sizes(text) == sizes


@pytest.mark.parametrize("text", ["16,,16", "-1", "1.5", "0", "16;16", "x"])
def test_layer_sizes_refused(text):
    with pytest.raises(argparse.ArgumentTypeError, match=repr(text).replace("(", r"\(")):
        layer_sizes(text)


@pytest.mark.parametrize("parse, good, bad", [
    (positive_int, [("1", 1), ("32", 32)], ["0", "-3", "2.0", "x"]),
    (seed, [("0", 0), ("7", 7)], ["-1", "a"]),
    (positive_float, [("0.1", 0.1), ("1e-3", 1e-3)], ["0", "-1", "inf", "nan", "fast"]),
    (fraction, [("0", 0.0), ("0.25", 0.25)], ["1", "-0.1", "1.5", "nan", "half"]),
])
def test_numbers(parse, good, bad):
    for text, value in good:
        assert parse(text) == value
    for text in bad:
        with pytest.raises(argparse.ArgumentTypeError):
            parse(text)


def test_names_known_to_the_library():
    assert activation_name("ReLU") == "relu"
    assert output_activation_name("auto") == "auto" and output_activation_name("softmax") == "softmax"
    assert loss_name("mse") == "mse" and loss_name("auto") == "auto"
    assert optimizer_name("SGD") == "sgd"
    with pytest.raises(argparse.ArgumentTypeError, match="unknown activation 'auto'"):
        activation_name("auto")
    with pytest.raises(argparse.ArgumentTypeError, match="or 'auto'"):
        loss_name("hinged")


def test_defaults_of_train():
    args = build_parser().parse_args(["train", "d.csv", "--target", "y", "--out", "m"])
    assert (args.layers, args.activation, args.output_activation, args.loss, args.optimizer) == \
        ([16, 16], "relu", "auto", "auto", "adam")
    assert (args.epochs, args.batch_size, args.validation_split, args.standardize, args.verbose, args.task) == \
        (100, 32, 0.2, False, 1, "auto")
    assert args.learning_rate is None and args.seed is None


def test_usage_error_is_one_line_and_status_2(capsys):
    with pytest.raises(SystemExit) as stop:
        build_parser().parse_args(["predict", "model"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("autograd-mlp predict: error: the following arguments are required: DATA.csv")


def test_a_long_option_value_is_cut_in_the_usage_error(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["train", "d.csv", "--target", "y", "--out", "m", "--layers", "1," * 5000 + "x"])
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and len(err) < 500 and "characters)" in err
