# Shared helpers for scripts/tf/*.sh; source it, don't run it.
# shellcheck shell=bash
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export CHECKPOINT_DISABLE=1 TURBO_TELEMETRY_DISABLED=1
# Where cdktf writes the synthesized stacks; CDKTF_OUTDIR is also what the app itself reads.
OUTDIR="${CDKTF_OUTDIR:-$ROOT/cdktf.out}"

log() { echo "[$(basename "$0")] $*" >&2; }
now() { date +%s; }

# Builds (or finds cached) OpenTofu + the AWS provider mirror and puts them on PATH.
load_tools() {
  local env_file
  env_file="$(bash "$ROOT/tools/install.sh")"
  # shellcheck disable=SC1090
  source "$env_file"
  command -v tofu >/dev/null || { log "tofu is not on PATH after tools/install.sh"; exit 1; }
}

# Synthesizes every environment into $OUTDIR (skipped with SKIP_SYNTH=1 when it is already fresh).
synth() {
  if [[ "${SKIP_SYNTH:-0}" == 1 && -f "$OUTDIR/manifest.json" ]]; then
    log "SKIP_SYNTH=1: using $OUTDIR as it is"
    return 0
  fi
  local start synth_log
  start="$(now)"
  synth_log="$(mktemp)"
  (cd "$ROOT" && pnpm exec cdktf synth --output "$OUTDIR" >"$synth_log" 2>&1) || {
    cat "$synth_log" >&2
    rm -f "$synth_log"
    log "cdktf synth failed"
    exit 1
  }
  rm -f "$synth_log"
  log "synthesized $(stacks | tr '\n' ' ')into $OUTDIR in $(($(now) - start))s"
}

# Synthesizes the bootstrap app (the state bucket, apps/bootstrap, its own cdktf.json) into $BOOTSTRAP_OUTDIR
# (skipped with SKIP_SYNTH=1 when it is already there, as synth above).
BOOTSTRAP_OUTDIR="${BOOTSTRAP_OUTDIR:-$ROOT/apps/bootstrap/cdktf.out}"
synth_bootstrap() {
  if [[ "${SKIP_SYNTH:-0}" == 1 && -f "$BOOTSTRAP_OUTDIR/manifest.json" ]]; then
    log "SKIP_SYNTH=1: using $BOOTSTRAP_OUTDIR as it is"
    return 0
  fi
  local synth_log
  synth_log="$(mktemp)"
  (cd "$ROOT/apps/bootstrap" &&
    "$ROOT/node_modules/.bin/cdktf" synth --output "$BOOTSTRAP_OUTDIR" >"$synth_log" 2>&1) || {
    cat "$synth_log" >&2
    rm -f "$synth_log"
    log "cdktf synth of apps/bootstrap failed"
    exit 1
  }
  rm -f "$synth_log"
  log "synthesized bootstrap into $BOOTSTRAP_OUTDIR"
}

# Names of the synthesized stacks, one per line (from cdktf's manifest, so stale folders are ignored).
stacks() {
  node -e 'console.log(Object.keys(require(process.argv[1]).stacks).sort().join("\n"))' "$OUTDIR/manifest.json"
}
