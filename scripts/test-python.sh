#!/usr/bin/env bash
# Lints and runs every Python suite in the project's venv (created on demand).
set -euo pipefail
# Handler sources are zipped as they are; bytecode caches must not appear in them.
export PYTHONDONTWRITEBYTECODE=1
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bash scripts/setup-python.sh
# The runtime suite drives the handler through the Lambda Runtime Interface Emulator built by `pnpm tools`;
# only the RIE (seconds to build), so `pnpm test:unit` never waits for the AWS provider build.
source "$(bash tools/install.sh --print-env lambda-rie)"
py=.venv/bin/python
suites=(modules/spacy-function/runtime packages/shared/model-sync modules/spacy-function/layer)
paths=()
for suite in "${suites[@]}"; do
  [[ -d "$suite" ]] || { echo "missing Python suite: $suite" >&2; exit 1; }
  paths+=("$suite")
done
# Every Python folder is linted, the suites and the code that has no pytest suite of its own here.
lint=("${paths[@]}" modules/spacy-function/bench scripts/python scripts/tf apps/environments/e2e)
.venv/bin/ruff check --config scripts/python/ruff.toml "${lint[@]}"
.venv/bin/ruff format --config scripts/python/ruff.toml --check "${lint[@]}"
for suite in "${suites[@]}"; do
  echo "== pytest $suite"
  # Each suite has its own pytest.ini (pythonpath, testpaths); run from its folder so it is picked up.
  (cd "$suite" && "$root/$py" -m pytest -q)
done
