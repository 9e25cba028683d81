#!/usr/bin/env bash
# pnpm validate: synthesize every environment and the bootstrap app, then `tofu init -backend=false` and
# `tofu validate` in each stack, against the real AWS provider (built from source by tools/install.sh);
# then actionlint and zizmor over the GitHub Actions workflows (zizmor: offline, its findings ignored only with a
# reason in .github/zizmor.yml).
source "$(dirname "$0")/lib.sh"
# Validation is of the real configuration, never the emulator variant.
unset SERVERLESS_SPACY_EMULATOR_ENDPOINT
start="$(now)"
load_tools
synth
synth_bootstrap
failed=()
for dir in $(stacks | sed "s|^|$OUTDIR/stacks/|") "$BOOTSTRAP_OUTDIR/stacks/bootstrap"; do
  env="$(basename "$dir")"
  if ! tofu -chdir="$dir" init -backend=false -input=false -no-color >"$dir/init.log" 2>&1; then
    cat "$dir/init.log" >&2
    failed+=("$env (init)")
    continue
  fi
  if tofu -chdir="$dir" validate -no-color; then
    log "$env: valid"
  else
    failed+=("$env")
  fi
done
# The GitHub Actions workflows (.github/workflows) and their local action, with actionlint from tools/.
if (cd "$ROOT" && actionlint -no-color .github/workflows/*.yml); then
  log "actionlint: workflows clean"
else
  failed+=("actionlint")
fi
# zizmor (PyPI, hash-pinned in scripts/python/requirements-zizmor.txt) audits the workflows' security:
# injection, credentials, permissions, pinning. Offline: this machine and CI reach no GitHub API.
bash "$ROOT/scripts/setup-zizmor.sh"
if (cd "$ROOT" &&
  .venv-zizmor/bin/zizmor --offline --no-progress --format plain --config .github/zizmor.yml .github/); then
  log "zizmor: workflows clean"
else
  failed+=("zizmor")
fi
if ((${#failed[@]} > 0)); then
  log "tofu validate FAILED for: ${failed[*]}"
  exit 1
fi
log "tofu validate, actionlint and zizmor passed for every environment ($(stacks | tr '\n' ' '))" \
  "and bootstrap in $(($(now) - start))s"
