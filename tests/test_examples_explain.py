"""The explanation examples run end to end (small settings) and reach their conclusions."""

import os

import numpy as np
import pytest
from examples_support import load, run_default

pytest.importorskip("matplotlib")


def check_pictures(paths):
    assert sorted(paths) == ["importance", "summary", "waterfall"]
    for path in paths.values():
        with open(path, "rb") as handle:
            assert handle.read(8) == b"\x89PNG\r\n\x1a\n"


def test_course_data_noise_ranks_last(tmp_path):
    result, out, folder = run_default(load("explain_course_data"), tmp_path, "--quick")
    for key in ("shapley", "integrated", "expected"):
        ranking = result[key].ranking()
        assert ranking[-1] == "noise", (key, ranking)
        scores = result[key].importance()
        assert scores[2] < 0.1 * min(scores[0], scores[1])
    np.testing.assert_allclose(result["shapley"].completeness_gap(), 0.0, atol=1e-10)
    # by default the pictures go to examples/output/explain_course_data/, not to a new temporary folder
    check_pictures(result["paths"])
    assert sorted(os.listdir(folder)) == ["course_importance.png", "course_summary.png", "course_waterfall.png"]
    assert "ranking" in out and "noise" in out and f"pictures written to {folder}" in out


def test_breast_cancer_top_features(tmp_path):
    pytest.importorskip("sklearn")
    # a folder given without the option name, as scripts/make_figures.py gives it
    given = tmp_path / "given"
    result, out, default = run_default(load("explain_breast_cancer"), tmp_path, given, "--quick")
    assert result["accuracy"] > 0.9
    shapley = result["shapley"]
    assert shapley.values.shape == (20, 30) and shapley.std_errors.shape == (20, 30)
    np.testing.assert_allclose(shapley.completeness_gap(), 0.0, atol=1e-10)
    # The sampled Shapley values and expected gradients agree on what matters most.
    assert len(set(shapley.ranking()[:8]) & set(result["expected"].ranking()[:8])) >= 5
    check_pictures(result["paths"])
    assert sorted(os.listdir(given)) == ["breast_cancer_importance.png", "breast_cancer_summary.png",
                                         "breast_cancer_waterfall.png"]
    assert not default.exists() and "most important measurements" in out


def test_no_plots_skips_the_pictures(tmp_path):
    result, out, folder = run_default(load("explain_course_data"), tmp_path, "--quick", "--no-plots")
    assert result["paths"] == {} and not folder.exists() and "pictures" not in out
