"""What the commands share: features picked by name, output paths checked before any work."""

import os

import numpy as np
import pytest

from autograd_mlp.cli.csvdata import Table
from autograd_mlp.cli.errors import DataError
from autograd_mlp.cli.loading import check_output_file, feature_matrix, prepare_output_dir, target_column
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
