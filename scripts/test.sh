#!/usr/bin/env bash
# Installs the package with its test extra and the real peers the suite compares with
# (compat: keras, jax and shap; distributed: joblib and dask), checks that imports point down the
# layers (the contracts in pyproject.toml, imports inside functions included),
# and runs the full suite.
# This is the README's test command and what .ci/run calls.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install --quiet -e ".[test,compat,distributed]"
lint-imports --no-cache
python -m pytest -q "$@"
