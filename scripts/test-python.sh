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
# mypy per suite, with the suite's pythonpath (as its pytest.ini has it): sources as scripts/python/mypy.ini
# says, tests without --check-untyped-defs (mostly unannotated pytest functions).
typecheck() { # MYPYPATH, then mypy arguments
  echo "== mypy ${*:2}"
  MYPYPATH="$1" .venv/bin/mypy --config-file scripts/python/mypy.ini --no-error-summary "${@:2}"
}
runtime=modules/spacy-function/runtime sync=packages/shared/model-sync layer=modules/spacy-function/layer
typecheck "$runtime/src:modules/spacy-function/bench" "$runtime/src" "$runtime/local_server.py" modules/spacy-function/bench
typecheck "$runtime/src:modules/spacy-function/bench" --no-check-untyped-defs "$runtime/tests"
typecheck "$sync/src:scripts/python" "$sync/src" scripts/python/testkit
typecheck "$sync/src:scripts/python" --no-check-untyped-defs "$sync/tests"
typecheck "$layer:$sync/src:scripts/python" "$layer/build_layer.py"
typecheck "$layer:$sync/src:scripts/python" --no-check-untyped-defs "$layer/tests"
typecheck "apps/environments/e2e:scripts/tf" scripts/tf apps/environments/e2e
for suite in "${suites[@]}"; do
  echo "== pytest $suite"
  # Each suite has its own pytest.ini (pythonpath, testpaths); run from its folder so it is picked up.
  (cd "$suite" && "$root/$py" -m pytest -q)
done
