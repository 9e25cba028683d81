#!/usr/bin/env bash
# pnpm test:e2e: applies the dev stack to a local AWS emulator (moto, pinned in the project venv) with the
# documented `cdktf deploy dev`, re-plans to "no changes", destroys to nothing. See apps/environments/e2e.
# Extra arguments go to pytest (e.g. -x, -k plan).
source "$(dirname "$0")/lib.sh"
start="$(now)"
bash "$ROOT/scripts/setup-python.sh"
load_tools
zip="$ROOT/modules/spacy-function/layer/dist/spacy-layer-python3.12-x86_64.zip"
if [[ ! -f "$zip" ]]; then
  log "building the spaCy layer zip (pnpm build:layer) ..."
  (cd "$ROOT" && pnpm build:layer)
fi
# The helpers the suite drives (plan summary, checkov skip filing) have unit tests of their own in
# scripts/tf/tests, run by `pnpm test:python` (and the fast ones by `pnpm test:unit`), not here.
cd "$ROOT/apps/environments/e2e"
set +e
"$ROOT/.venv/bin/python" -m pytest "$@"
rc=$?
set -e
log "e2e finished (exit $rc) in $(($(now) - start))s"
exit "$rc"
