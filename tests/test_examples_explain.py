"""The explanation examples run end to end (small settings) and reach their conclusions."""

import importlib.util
import os
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("matplotlib")

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def load(name):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def check_pictures(paths):
    assert sorted(paths) == ["importance", "summary", "waterfall"]
    for path in paths.values():
        with open(path, "rb") as handle:
            assert handle.read(8) == b"\x89PNG\r\n\x1a\n"


def test_course_data_noise_ranks_last(tmp_path, capsys):
    result = load("explain_course_data").main([str(tmp_path), "--quick"])
    for key in ("shapley", "integrated", "expected"):
        ranking = result[key].ranking()
        assert ranking[-1] == "noise", (key, ranking)
        scores = result[key].importance()
        assert scores[2] < 0.1 * min(scores[0], scores[1])
    np.testing.assert_allclose(result["shapley"].completeness_gap(), 0.0, atol=1e-10)
    check_pictures(result["paths"])
    assert sorted(os.listdir(tmp_path)) == ["course_importance.png", "course_summary.png", "course_waterfall.png"]
    out = capsys.readouterr().out
    assert "ranking" in out and "noise" in out


def test_breast_cancer_top_features(tmp_path, capsys):
    pytest.importorskip("sklearn")
    result = load("explain_breast_cancer").main([str(tmp_path), "--quick"])
    assert result["accuracy"] > 0.9
    shapley = result["shapley"]
    assert shapley.values.shape == (20, 30) and shapley.std_errors.shape == (20, 30)
    np.testing.assert_allclose(shapley.completeness_gap(), 0.0, atol=1e-10)
    # The sampled Shapley values and expected gradients agree on what matters most.
    assert len(set(shapley.ranking()[:8]) & set(result["expected"].ranking()[:8])) >= 5
    check_pictures(result["paths"])
    assert "most important measurements" in capsys.readouterr().out
