"""What the commands share: features picked by name, output paths checked before any work."""

import os

import numpy as np
import pytest

from autograd_mlp.cli.csvdata import Table
from autograd_mlp.cli.errors import DataError
from autograd_mlp.cli.loading import (check_output_file, feature_matrix, prepare_output_dir, refuse_overwriting_inputs,
                                      same_file, target_column)
from autograd_mlp.cli.modelinfo import ModelInfo


def _table(columns, values):
    return Table("f.csv", columns, np.array(values, dtype=float), list(range(2, 2 + len(values))))


INFO = ModelInfo(["a", "b"], "y", "binary", [0, 1], None)


def test_features_by_name_in_the_models_order():
    table = _table(["y", "b", "a"], [[1, 20, 10], [0, 21, 11]])
    np.testing.assert_array_equal(feature_matrix(table, INFO), [[10, 20], [11, 21]])
    np.testing.assert_array_equal(target_column(table, INFO, "m"), [1, 0])


def test_missing_and_unknown_columns():
    with pytest.raises(DataError, match="f.csv: the model needs column 'b', which the header lacks"):
        feature_matrix(_table(["a", "y"], [[1, 0]]), INFO)
    with pytest.raises(DataError, match="f.csv: column 'id' is not one of the model's features"):
        feature_matrix(_table(["id", "a", "b"], [[1, 2, 3]]), INFO)
    with pytest.raises(DataError, match="no target column 'y'"):
        target_column(_table(["a", "b"], [[1, 2]]), INFO, "m")


def test_output_paths(tmp_path):
    assert check_output_file(tmp_path / "x.csv") == str(tmp_path / "x.csv")
    with pytest.raises(DataError, match="does not exist"):
        check_output_file(tmp_path / "no" / "x.csv")
    with pytest.raises(DataError, match="is a folder"):
        check_output_file(tmp_path)
    made = prepare_output_dir(tmp_path / "a" / "b")
    assert os.path.isdir(made)
    (tmp_path / "file").write_text("")
    with pytest.raises(DataError, match="is a file"):
        prepare_output_dir(tmp_path / "file")


def test_same_file_sees_through_dots_symlinks_and_hard_links(tmp_path, monkeypatch):
    data = tmp_path / "d.csv"
    data.write_text("a\n1\n")
    os.symlink(data, tmp_path / "link.csv")
    os.link(data, tmp_path / "hard.csv")
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    for alias in ("../d.csv", "./../d.csv", tmp_path / "link.csv", tmp_path / "hard.csv"):
        assert same_file(alias, data), alias
    (tmp_path / "other.csv").write_text("a\n1\n")  # the same bytes are not the same file
    assert not same_file(tmp_path / "other.csv", data)
    assert not same_file(tmp_path / "new.csv", data)  # an output that does not exist yet
    os.symlink(tmp_path / "absent.csv", tmp_path / "dangling.csv")
    assert same_file(tmp_path / "dangling.csv", tmp_path / "absent.csv")  # writing it would create the target


def test_refuse_overwriting_inputs_names_the_option_and_the_input(tmp_path):
    data = tmp_path / "d.csv"
    data.write_text("a\n1\n")
    os.symlink(data, tmp_path / "link.csv")
    refuse_overwriting_inputs({tmp_path / "out.csv": "--out"}, {data: "the data", None: "nothing"})
    with pytest.raises(DataError, match=r"--out .*link.csv \(the same file as .*d.csv\): would overwrite the data"):
        refuse_overwriting_inputs({tmp_path / "link.csv": "--out"}, {data: "the data"})
