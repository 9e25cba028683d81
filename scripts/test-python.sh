#!/usr/bin/env bash
# Lints, type-checks and runs every Python suite in the project's venv (created on demand).
#   bash scripts/test-python.sh          every test (`pnpm test:python`, part of `pnpm test`)
#   bash scripts/test-python.sh --unit   without the tests marked pip, rie, model or tools (`pnpm test:unit`):
#                                        those that run real pip, the Lambda emulator, real model loads or a
#                                        tool outside the venv. The markers are registered in each pytest.ini
#                                        (--strict-markers) and explained in docs/testing.md.
set -euo pipefail
unit=0
for arg in "$@"; do
  case "$arg" in
    --unit) unit=1 ;;
    *)
      echo "test-python.sh: unknown argument: $arg (--unit or nothing)" >&2
      exit 2
      ;;
  esac
done
# Handler sources are zipped as they are; bytecode caches must not appear in them.
export PYTHONDONTWRITEBYTECODE=1
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bash scripts/setup-python.sh
py=.venv/bin/python
suites=(modules/spacy-function/runtime modules/model-sync/runtime modules/spacy-function/layer scripts/tf
  scripts/release packages/python-client modules/ner-batch-job)
paths=()
for suite in "${suites[@]}"; do
  [[ -d "$suite" ]] || { echo "missing Python suite: $suite" >&2; exit 1; }
  paths+=("$suite")
done
# Every Python folder is linted, the suites and the code that has no pytest suite of its own here.
lint=("${paths[@]}" modules/spacy-function/bench scripts/python apps/environments/e2e scripts/consumer examples/python)
.venv/bin/ruff check --config scripts/python/ruff.toml "${lint[@]}"
.venv/bin/ruff format --config scripts/python/ruff.toml --check "${lint[@]}"
# mypy per suite, with the suite's pythonpath (as its pytest.ini has it): sources as scripts/python/mypy.ini
# says, tests without --check-untyped-defs (mostly unannotated pytest functions). Each run keeps its own
# cache: with one shared cache the runs' different options and paths invalidate each other's entries, and
# every run re-checks spaCy's stubs (~25 s in all instead of ~4 s warm).
runs=0
typecheck() { # MYPYPATH, then mypy arguments
  echo "== mypy ${*:2}"
  runs=$((runs + 1))
  MYPYPATH="$1" .venv/bin/mypy --config-file scripts/python/mypy.ini --cache-dir ".mypy_cache/run-$runs" \
    --no-error-summary "${@:2}"
}
runtime=modules/spacy-function/runtime sync=modules/model-sync/runtime layer=modules/spacy-function/layer
typecheck "$runtime/src:$runtime:modules/spacy-function/bench" \
  "$runtime/src" "$runtime/local_server.py" "$runtime/local_openapi.py" modules/spacy-function/bench
# The runtime's tests also import local_server.py (from the suite's folder, where pytest runs), the sync and
# testkit (the team pipeline is synced before it is served).
typecheck "$runtime:$runtime/src:modules/spacy-function/bench:$sync/src:scripts/python" --no-check-untyped-defs \
  "$runtime/tests"
typecheck "$sync/src:scripts/python" "$sync/src" scripts/python/testkit
typecheck "$sync/src:scripts/python" --no-check-untyped-defs "$sync/tests"
typecheck "$layer:$sync/src:scripts/python" "$layer/build_layer.py"
typecheck "$layer:$sync/src:scripts/python" --no-check-untyped-defs "$layer/tests"
typecheck "apps/environments/e2e:scripts/tf" scripts/tf apps/environments/e2e
client=packages/python-client
typecheck "$client/src" "$client/src"
typecheck "$client/src:$client/tests" --no-check-untyped-defs "$client/tests"
batch=modules/ner-batch-job
typecheck "$runtime/src:$batch/local:$batch/cli:modules/spacy-function/bench" \
  "$runtime/src/batch_worker.py" "$batch/local" "$batch/cli" "$batch/bench"
typecheck "$runtime/src:$batch/local:$batch/cli:$batch/tests:scripts/python" --no-check-untyped-defs "$batch/tests"
typecheck scripts/release/tests scripts/release/tests
selection=()
if ((unit)); then
  selection=(-m "not (pip or rie or model or tools)")
else
  # The runtime suite drives the handler through the Lambda Runtime Interface Emulator built by
  # `pnpm tools`; only the RIE (seconds to build), so this never waits for the AWS provider build.
  source "$(bash tools/install.sh --print-env lambda-rie)"
fi
for suite in "${suites[@]}"; do
  echo "== pytest $suite${selection[*]:+ ${selection[*]}}"
  # Each suite has its own pytest.ini (pythonpath, testpaths, markers); run from its folder so it is used.
  (cd "$suite" && "$root/$py" -m pytest -q "${selection[@]}")
done
