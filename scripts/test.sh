#!/usr/bin/env bash
# Installs the package with its test extra and runs the full suite.
# This is the README's test command and what .ci/run calls.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install --quiet -e ".[test]"
python -m pytest -q "$@"
