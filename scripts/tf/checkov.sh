#!/usr/bin/env bash
# pnpm checkov: scans every environment's synthesized Terraform JSON and the Python sources with checkov
# (pinned, own venv). Fails on any failed check that is not skipped, with a reason, on its own resource;
# see scripts/tf/checkov_scan.py for how skips are declared and docs/terraform-validation.md for the counts.
source "$(dirname "$0")/lib.sh"
unset SERVERLESS_SPACY_EMULATOR_ENDPOINT
start="$(now)"
bash "$ROOT/scripts/setup-checkov.sh"
synth
synth_bootstrap
# The scan driver is stdlib-only; run it with checkov's venv python, the interpreter the set-up chose.
"$ROOT/.venv-checkov/bin/python" "$ROOT/scripts/tf/checkov_scan.py" \
  --checkov "$ROOT/.venv-checkov/bin/checkov" \
  --stacks "$OUTDIR/stacks" \
  --stacks "$BOOTSTRAP_OUTDIR/stacks" \
  --python-dir "$ROOT/modules/spacy-function/runtime/src" \
  --python-dir "$ROOT/modules/model-sync/runtime/src" \
  --python-dir "$ROOT/modules/spacy-function/layer/build_layer.py" \
  --python-dir "$ROOT/scripts/tf" \
  --python-dir "$ROOT/scripts/python/testkit" \
  --python-dir "$ROOT/modules/spacy-function/bench" \
  --python-dir "$ROOT/modules/ner-batch-job/cli" \
  --python-dir "$ROOT/modules/ner-batch-job/local" \
  --python-dir "$ROOT/apps/environments/e2e" \
  --report "$OUTDIR/checkov-report.md" "$@"
log "checkov done in $(($(now) - start))s"
