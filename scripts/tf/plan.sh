#!/usr/bin/env bash
# pnpm plan <env> [extra `tofu plan` arguments]
#
# Synthesizes, runs `tofu plan` for one environment and writes, beside the plan file in
# cdktf.out/stacks/<env>/:
#   plan.tfplan      the binary plan (apply it with `tofu -chdir=cdktf.out/stacks/<env> apply plan.tfplan`)
#   plan.json        `tofu show -json plan.tfplan`
#   plan-review.md   the review summary for the pull request (scripts/tf/plan_summary.py), also printed
#
# Needs AWS credentials for the environment's account (or SERVERLESS_SPACY_EMULATOR_ENDPOINT for the
# emulator) and, for the layer upload, the zip from `pnpm build:layer`.
# Exit code: 0 whether or not there are changes, 1 on error; PLAN_DETAILED_EXITCODE=1 returns 2 for changes.
source "$(dirname "$0")/lib.sh"
env="${1:-}"
[[ -n "$env" ]] || { echo "usage: pnpm plan <env> [tofu plan args...]" >&2; exit 64; }
shift
start="$(now)"
load_tools
synth
dir="$OUTDIR/stacks/$env"
[[ -f "$dir/cdk.tf.json" ]] || { log "no stack \"$env\"; synthesized: $(stacks | tr '\n' ' ')"; exit 64; }
if ! tofu -chdir="$dir" init -input=false -no-color >"$dir/init.log" 2>&1; then
  cat "$dir/init.log" >&2
  log "tofu init failed"
  exit 1
fi
rm -f "$dir/plan.tfplan" "$dir/plan.json" "$dir/plan-review.md"
set +e
tofu -chdir="$dir" plan -input=false -no-color -detailed-exitcode -out=plan.tfplan "$@" >"$dir/plan.log" 2>&1
rc=$?
set -e
if [[ $rc == 1 ]]; then
  cat "$dir/plan.log" >&2
  log "tofu plan failed (full output: $dir/plan.log)"
  exit 1
fi
tofu -chdir="$dir" show -json plan.tfplan >"$dir/plan.json"
# stdlib-only; run by the interpreter every set-up would choose (scripts/python/lib.sh), not whatever
# python3 comes first on a PATH that depends on how pnpm was started.
source "$ROOT/scripts/python/lib.sh"
py_choose
"$PY_EXE" "$ROOT/scripts/tf/plan_summary.py" "$dir/plan.json" --env "$env" -o "$dir/plan-review.md"
cat "$dir/plan-review.md"
log "plan: $dir/plan.tfplan, $dir/plan.json, review: $dir/plan-review.md ($(($(now) - start))s)"
if [[ "${PLAN_DETAILED_EXITCODE:-0}" == 1 ]]; then
  exit "$rc"
fi
