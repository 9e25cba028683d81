#!/usr/bin/env bash
# The saved plan of one environment as the deploy pipeline hands it from the plan job to the apply job.
#
#   bash scripts/tf/plan-bundle.sh create <env> <dir>
#       copies cdktf.out/stacks/<env> (configuration, assets, lockfile, plan.tfplan, plan-review.md; not the
#       provider binaries in .terraform/ nor plan.json) into <dir>, writes <dir>/MANIFEST.sha256 (sha256 of every
#       file) and prints two lines: "plan_sha256=<sha256 of plan.tfplan>" and "bundle_sha256=<sha256 of the manifest>"
#   bash scripts/tf/plan-bundle.sh verify <dir> <plan_sha256> <bundle_sha256>
#       exits non-zero unless plan.tfplan and the manifest have exactly these hashes, every file matches the
#       manifest and no file is missing from it or added to it.
#
# The apply job gets the two hashes as outputs of the plan job (not from the artifact, which anyone able to
# upload an artifact to the run could replace), so it applies exactly the plan that was reviewed.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
die() { echo "plan-bundle: $*" >&2; exit 1; }
sha() { sha256sum "$1" | cut -d' ' -f1; }
# Every file under the current directory but the manifest, sorted, with its sha256.
manifest() { find . -type f ! -name MANIFEST.sha256 -printf '%P\n' | LC_ALL=C sort | xargs -r -d '\n' sha256sum; }

case "${1:-}" in
  create)
    env="${2:?usage: create <env> <dir>}" dest="${3:?usage: create <env> <dir>}"
    src="${CDKTF_OUTDIR:-$ROOT/cdktf.out}/stacks/$env"
    [[ -f "$src/plan.tfplan" ]] || die "no plan at $src/plan.tfplan: run pnpm plan $env first"
    [[ ! -e "$dest" ]] || die "$dest exists; the bundle is written into a new directory"
    mkdir -p "$dest"
    # plan.json is left out: it repeats the state's values as readable JSON, and the apply does not need it.
    (cd "$src" && find . -type f ! -path './.terraform/*' ! -name plan.json ! -name '*.log' -print0 |
      xargs -0 cp --parents -t "$dest")
    (cd "$dest" && manifest >MANIFEST.sha256)
    echo "plan_sha256=$(sha "$dest/plan.tfplan")"
    echo "bundle_sha256=$(sha "$dest/MANIFEST.sha256")"
    ;;
  verify)
    dir="${2:?usage: verify <dir> <plan_sha256> <bundle_sha256>}"
    want_plan="${3:?usage: verify <dir> <plan_sha256> <bundle_sha256>}"
    want_bundle="${4:?usage: verify <dir> <plan_sha256> <bundle_sha256>}"
    [[ "$want_plan" =~ ^[0-9a-f]{64}$ && "$want_bundle" =~ ^[0-9a-f]{64}$ ]] ||
      die "the expected hashes are not sha256 digests"
    [[ -f "$dir/plan.tfplan" && -f "$dir/MANIFEST.sha256" ]] || die "$dir holds no plan bundle"
    got="$(sha "$dir/plan.tfplan")"
    [[ "$got" == "$want_plan" ]] || die "plan.tfplan has sha256 $got, the reviewed plan $want_plan: refusing to apply"
    got="$(sha "$dir/MANIFEST.sha256")"
    [[ "$got" == "$want_bundle" ]] ||
      die "the manifest has sha256 $got, the reviewed bundle $want_bundle: refusing to apply"
    (cd "$dir" && sha256sum --check --strict --quiet MANIFEST.sha256) || die "a file differs from the reviewed bundle"
    (cd "$dir" && cmp -s <(manifest | cut -c67-) <(cut -c67- MANIFEST.sha256)) ||
      die "the bundle holds files the reviewed one did not"
    echo "plan-bundle: $dir is the reviewed plan (plan.tfplan $want_plan)" >&2
    ;;
  *) die "usage: $0 create <env> <dir> | verify <dir> <plan_sha256> <bundle_sha256>" ;;
esac
