"""``autograd-mlp`` as a whole: help, exit statuses, and one clean line on stderr for every kind of bad input.

Every bad-input case is checked for: the exit status (2 for the command
line, 1 for data and files), exactly one line on stderr naming what is wrong
and where, no traceback, and no output file (nor a temporary one) left behind.
"""

import os
import subprocess
import sys

import pytest

from autograd_mlp.cli import main
from cli_support import binary_rows, run, write_csv


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A small binary model trained with --standardize, its folder and its data file."""
    folder = tmp_path_factory.mktemp("cli")
    data = write_csv(folder / "data.csv", ["a", "b", "y"], binary_rows())
    model = str(folder / "model.keras")
    assert main(["train", data, "--target", "y", "--out", model, "--epochs", "2", "--layers", "4",
                 "--standardize", "--seed", "0", "--verbose", "0"]) == 0
    return folder, data, model


# ---------------------------------------------------------------- help
def test_python_dash_m_help_runs_in_a_fresh_interpreter():
    done = subprocess.run([sys.executable, "-m", "autograd_mlp", "--help"], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: autograd-mlp")
    for command in ("demo", "train", "evaluate", "predict", "summary", "draw", "explain"):
        assert command in done.stdout


@pytest.mark.parametrize("command", ["demo", "train", "evaluate", "predict", "summary", "draw", "explain"])
def test_every_command_has_help(capsys, command):
    status, out, err = run(capsys, command, "--help")
    assert status == 0 and err == ""
    assert out.startswith(f"usage: autograd-mlp {command}")


def test_version(capsys):
    from autograd_mlp import __version__

    status, out, _ = run(capsys, "--version")
    assert status == 0 and out.strip() == f"autograd-mlp {__version__}"


def test_no_command_is_a_usage_error(capsys):
    status, out, err = run(capsys)
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and "COMMAND" in err


# ---------------------------------------------------------- bad input
def _listing(folder):
    return sorted(os.listdir(folder))


def _check_failure(capsys, argv, status, fragments):
    code, out, err = run(capsys, *argv)
    assert code == status, err
    assert err.count("\n") == 1, err
    assert err.startswith("autograd-mlp")
    assert "Traceback" not in err and "Traceback" not in out
    for fragment in fragments:
        assert fragment in err
    return err


CSV_CASES = {
    "non_numeric": ("a,b,y\n1,2,0\n3,x,1\n", ["line 3", "column 'b'", "expected a number, got 'x'"]),
    "ragged": ("a,b,y\n1,2,0\n3,4\n", ["line 3", "expected 3 fields like the header, got 2"]),
    "empty": ("", ["the file is empty"]),
    "header_only": ("a,b,y\n\n", ["no data rows"]),
    "empty_cell": ("a,b,y\n1,2,0\n1,,1\n", ["line 3", "column 'b'", "empty field"]),
}


@pytest.mark.parametrize("case", sorted(CSV_CASES))
def test_train_refuses_bad_csv(tmp_path, capsys, case):
    text, fragments = CSV_CASES[case]
    data = tmp_path / "bad.csv"
    data.write_text(text)
    _check_failure(capsys, ["train", data, "--target", "y", "--out", tmp_path / "m.keras"], 1,
                   [str(data)] + fragments)
    assert _listing(tmp_path) == ["bad.csv"]


@pytest.mark.parametrize("options, fragments", [
    (["--activation", "swishy"], ["--activation", "unknown activation 'swishy'"]),
    (["--output-activation", "nope"], ["--output-activation"]),
    (["--loss", "nope"], ["--loss", "unknown loss 'nope'"]),
    (["--optimizer", "adadelta"], ["--optimizer", "unknown optimizer 'adadelta'"]),
    (["--layers", "16,x"], ["--layers", "'16,x'"]),
    (["--layers", "16,0"], ["--layers"]),
    (["--epochs", "0"], ["--epochs", "≥ 1"]),
    (["--batch-size", "many"], ["--batch-size", "'many'"]),
    (["--learning-rate", "-1"], ["--learning-rate", "> 0"]),
    (["--validation-split", "1"], ["--validation-split", "[0, 1)"]),
    (["--task", "ranking"], ["--task", "invalid choice"]),
    (["--verbose", "3"], ["--verbose"]),
    (["--seed", "-2"], ["--seed"]),
    (["--frobnicate"], ["unrecognized arguments: --frobnicate"]),
    (["--loss", "sparse_categorical_crossentropy"], ["needs a multiclass target"]),
])
def test_train_refuses_bad_options_with_status_2(tmp_path, capsys, options, fragments):
    data = write_csv(tmp_path / "d.csv", ["a", "b", "y"], binary_rows(8))
    _check_failure(capsys, ["train", data, "--target", "y", "--out", tmp_path / "m.keras", *options], 2,
                   ["error:"] + fragments)
    assert _listing(tmp_path) == ["d.csv"]


def test_train_without_target_option_is_a_usage_error(tmp_path, capsys):
    data = write_csv(tmp_path / "d.csv", ["a", "y"], [[1, 0], [2, 1]])
    _check_failure(capsys, ["train", data, "--out", tmp_path / "m"], 2, ["--target"])


@pytest.mark.parametrize("setup, fragments", [
    ("missing_file", ["absent.csv", "No such file or directory"]),
    ("missing_target", ["no column 'label'", "'a', 'b', 'y'"]),
    ("target_only", ["no features"]),
    ("out_folder_missing", ["nowhere", "does not exist"]),
    ("out_is_folder", ["is a folder"]),
    ("too_few_rows_to_split", ["--validation-split", "both need at least one"]),
    ("binary_with_three_labels", ["at most 2 classes", "--task multiclass"]),
    ("diverges", ["the loss became"]),
    ("regression_labels_for_crossentropy", ["binary_crossentropy", "[0, 1]"]),
])
def test_train_data_errors_have_status_1_and_write_nothing(tmp_path, capsys, setup, fragments):
    data = write_csv(tmp_path / "d.csv", ["a", "b", "y"], binary_rows(8))
    out = tmp_path / "m.keras"
    argv = ["train", data, "--target", "y", "--out", out, "--verbose", "0", "--epochs", "2"]
    if setup == "missing_file":
        argv[1] = tmp_path / "absent.csv"
    elif setup == "missing_target":
        argv[3] = "label"
    elif setup == "target_only":
        argv[1] = write_csv(tmp_path / "d.csv", ["y"], [[0], [1]])
    elif setup == "out_folder_missing":
        out = tmp_path / "nowhere" / "m.keras"
        argv[5] = out
    elif setup == "out_is_folder":
        os.mkdir(tmp_path / "m.keras")
    elif setup == "too_few_rows_to_split":
        argv[1] = write_csv(tmp_path / "d.csv", ["a", "y"], [[1, 0]])
        argv += ["--task", "regression"]
    elif setup == "binary_with_three_labels":
        argv[1] = write_csv(tmp_path / "d.csv", ["a", "y"], [[1, 0], [2, 1], [3, 2]])
        argv += ["--task", "binary"]
    elif setup == "diverges":
        argv[1] = write_csv(tmp_path / "d.csv", ["a", "y"], [[1e150, 1e150], [-1e150, -1e150]] * 4)
        argv += ["--task", "regression", "--layers", "none", "--optimizer", "sgd", "--learning-rate", "1e5"]
    elif setup == "regression_labels_for_crossentropy":
        argv[1] = write_csv(tmp_path / "d.csv", ["a", "y"], [[1, 0.5], [2, 1.5], [3, 2.5]] * 3)
        argv += ["--loss", "binary_crossentropy"]
    before = _listing(tmp_path)
    _check_failure(capsys, argv, 1, ["autograd-mlp train: error:"] + fragments)
    assert _listing(tmp_path) == before
    assert not os.path.isfile(out) or setup == "out_is_folder"


@pytest.mark.parametrize("command", ["evaluate", "predict", "explain"])
@pytest.mark.parametrize("header, rows, fragments", [
    (["a", "y"], [[1, 0]], ["needs column 'b', which the header lacks", "a, b"]),
    (["a", "b", "c", "y"], [[1, 2, 3, 0]], ["column 'c' is not one of the model's features"]),
    (["b", "a", "y"], [[1, "oops", 0]], ["line 2", "column 'a'", "'oops'"]),
])
def test_data_that_does_not_fit_the_model(trained, tmp_path, capsys, command, header, rows, fragments):
    _, _, model = trained
    data = tmp_path / "other.csv"
    data.write_text(",".join(header) + "\n" + "\n".join(",".join(str(v) for v in row) for row in rows) + "\n")
    argv = [command, model, data]
    if command == "explain":
        argv += ["--out", tmp_path / "explained"]
    if command == "predict":
        argv += ["--out", tmp_path / "p.csv"]
    _check_failure(capsys, argv, 1, [str(data)] + fragments)
    assert _listing(tmp_path) == ["other.csv"]


def test_evaluate_names_the_line_of_an_unknown_label(trained, tmp_path, capsys):
    _, _, model = trained
    data = write_csv(tmp_path / "d.csv", ["a", "b", "y"], [[0, 0, 1], [1, 1, 0], [1, 2, 3]])
    _check_failure(capsys, ["evaluate", model, data], 1, ["line 4", "column 'y'", "label 3 is not one of"])


def test_evaluate_needs_the_target_column(trained, tmp_path, capsys):
    _, _, model = trained
    data = write_csv(tmp_path / "d.csv", ["a", "b"], [[0, 0]])
    _check_failure(capsys, ["evaluate", model, data], 1, ["no target column 'y'"])


def test_target_option_must_agree_with_the_description(trained, capsys):
    _, data, model = trained
    _check_failure(capsys, ["evaluate", model, data, "--target", "b"], 2, ["--target 'b' disagrees", "'y'"])


@pytest.mark.parametrize("command", ["evaluate", "predict", "summary", "draw", "explain"])
def test_missing_or_foreign_model_file(tmp_path, capsys, command, trained):
    _, data, _ = trained
    extra = {"evaluate": [data], "predict": [data], "summary": [], "draw": ["--out", tmp_path / "m.svg"],
             "explain": [data, "--out", tmp_path / "e"]}[command]
    _check_failure(capsys, [command, tmp_path / "absent.keras", *extra], 1, ["absent.keras", "no such model file"])
    foreign = tmp_path / "foreign.keras"
    foreign.write_text("a,b\n1,2\n")
    _check_failure(capsys, [command, foreign, *extra], 1, [str(foreign), "not a saved model"])
    assert _listing(tmp_path) == ["foreign.keras"]


def test_predict_to_a_missing_folder_writes_nothing(trained, tmp_path, capsys):
    _, data, model = trained
    _check_failure(capsys, ["predict", model, data, "--out", tmp_path / "no" / "p.csv"], 1, ["does not exist"])
    assert _listing(tmp_path) == []


def test_draw_refuses_an_unknown_extension_as_usage(trained, tmp_path, capsys):
    _, _, model = trained
    _check_failure(capsys, ["draw", model, "--out", tmp_path / "m.txt"], 2, ["m.txt", ".svg"])
    assert _listing(tmp_path) == []


def test_explain_refuses_an_unknown_method(trained, tmp_path, capsys):
    _, data, model = trained
    _check_failure(capsys, ["explain", model, data, "--out", tmp_path / "e", "--method", "lime"], 2,
                   ["--method", "invalid choice: 'lime'"])
    assert _listing(tmp_path) == []


def test_a_failed_run_keeps_the_previous_output(trained, tmp_path, capsys):
    _, data, model = trained
    out = tmp_path / "p.csv"
    out.write_text("old\n")
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b,y\n1,2,0\n3\n")
    _check_failure(capsys, ["predict", model, bad, "--out", out], 1, ["line 3"])
    assert out.read_text() == "old\n"
    assert _listing(tmp_path) == ["bad.csv", "p.csv"]


# ------------------------------------------------- outputs never overwrite inputs
def _snapshot(folder):
    return {name: (folder / name).read_bytes() for name in os.listdir(folder) if (folder / name).is_file()}


def _same_file_as(tmp_path, target, how):
    """A path naming the file ``target``: itself, through './', a symlink or a hard link."""
    if how == "same":
        return target
    if how == "dot":
        return os.path.join(os.path.dirname(target), ".", os.path.basename(target))
    alias = tmp_path / f"alias_{how}{os.path.splitext(target)[1]}"
    (os.symlink if how == "symlink" else os.link)(target, alias)
    return alias


@pytest.fixture
def workdir(tmp_path, trained):
    """A copy of the trained model, its description and its data in a fresh folder."""
    folder, data, model = trained
    for name in ("data.csv", "model.keras", "model.keras.json"):
        (tmp_path / name).write_bytes((folder / name).read_bytes())
    return tmp_path


@pytest.mark.parametrize("how", ["same", "dot", "symlink", "hardlink"])
@pytest.mark.parametrize("case", ["train_over_data", "train_sidecar_over_data", "predict_over_model",
                                  "predict_over_description", "predict_over_data", "draw_over_model",
                                  "explain_over_data"])
def test_no_command_overwrites_its_own_input(workdir, capsys, case, how):
    data, model = workdir / "data.csv", workdir / "model.keras"
    if case == "train_over_data":
        argv = ["train", data, "--target", "y", "--out", _same_file_as(workdir, data, how)]
    elif case == "train_sidecar_over_data":
        os.rename(data, workdir / "m.json")
        data = workdir / "m.json"
        argv = ["train", _same_file_as(workdir, data, how), "--target", "y", "--out", workdir / "m"]
    elif case == "predict_over_model":
        argv = ["predict", model, data, "--out", _same_file_as(workdir, model, how)]
    elif case == "predict_over_description":
        argv = ["predict", model, data, "--out", _same_file_as(workdir, workdir / "model.keras.json", how)]
    elif case == "predict_over_data":
        argv = ["predict", model, _same_file_as(workdir, data, how), "--out", data]
    elif case == "draw_over_model":
        os.rename(model, workdir / "model.gv")
        os.rename(workdir / "model.keras.json", workdir / "model.gv.json")
        model = workdir / "model.gv"
        argv = ["draw", model, "--out", _same_file_as(workdir, model, how)]
    else:
        os.rename(data, workdir / "importance.csv")
        data = workdir / "importance.csv"
        argv = ["explain", model, _same_file_as(workdir, data, how), "--out", workdir]
    before = _snapshot(workdir)
    err = _check_failure(capsys, argv + ["--verbose", "0"] * (argv[0] == "train"), 1,
                         ["would overwrite", "write the output to another file"])
    assert "--out" in err
    assert _snapshot(workdir) == before


# ------------------------------------------------- a diverged training replaces nothing
def test_a_diverged_training_keeps_the_previous_model(workdir, capsys):
    rows = [[a, 3.0 * a + 1.0] for a in range(-20, 20)]
    data = write_csv(workdir / "r.csv", ["a", "y"], rows)
    out = workdir / "good.keras"
    code, _, err = run(capsys, "train", data, "--target", "y", "--out", out, "--epochs", "5", "--verbose", "0",
                       "--seed", "0", "--standardize")
    assert code == 0, err
    before = _snapshot(workdir)
    err = _check_failure(capsys, ["train", data, "--target", "y", "--out", out, "--epochs", "5", "--verbose", "0",
                                  "--seed", "0", "--learning-rate", "1e6"], 1,
                         ["training diverged", "smaller --learning-rate", "nothing was written"])
    assert "untrained model's loss" in err or "NaN" in err or "inf" in err
    assert _snapshot(workdir) == before


def test_a_one_class_target_is_refused(tmp_path, capsys):
    data = write_csv(tmp_path / "d.csv", ["a", "y"], [[1, 1], [2, 1], [3, 1], [4, 1]])
    _check_failure(capsys, ["train", data, "--target", "y", "--out", tmp_path / "m", "--verbose", "0"], 1,
                   ["needs at least 2 classes", "holds only 1"])
    assert _listing(tmp_path) == ["d.csv"]


def test_a_long_field_is_cut_in_the_error(tmp_path, capsys):
    data = tmp_path / "d.csv"
    data.write_text("a,y\n1,0\n" + "x" * 10_000 + ",1\n")
    err = _check_failure(capsys, ["train", data, "--target", "y", "--out", tmp_path / "m"], 1,
                         ["line 3", "column 'a'", "10000 characters"])
    assert len(err) < 400


def test_a_long_column_name_is_cut_in_the_error(tmp_path, capsys):
    data = tmp_path / "d.csv"
    data.write_text("a," + "n" * 10_000 + "\n1,0\n")
    err = _check_failure(capsys, ["train", data, "--target", "y", "--out", tmp_path / "m"], 1, ["no column 'y'"])
    assert len(err) < 400
