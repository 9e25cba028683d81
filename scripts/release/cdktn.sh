#!/usr/bin/env bash
# pnpm release:cdktn [--packed DIR] [--out DIR]: publishes the CDK Terrain build of the packages,
# @serverless-spacy/cdktn-<name>, made from the cdktf tarballs by scripts/consumer/cdktn-packages.js (imports
# and peers rewritten to cdktn and @cdktn/provider-aws, same version as the cdktf package it comes from).
#   --packed DIR  the cdktf tarballs (default dist/packages, what `pnpm pack:packages` wrote)
#   --out DIR     where the cdktn tarballs go (default dist/cdktn, emptied first)
# A version the registry already has is skipped, so re-running after a partial failure finishes the release,
# as `changeset publish` does for the cdktf build. Registry and token come from npm's own configuration
# (~/.npmrc, NPM_CONFIG_USERCONFIG, npm_config_*), as for `pnpm release:npm`.
# pnpm test:consumer runs this against its local verdaccio (scripts/consumer/cdktn.sh).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
fail() {
  echo "release:cdktn: FAILED: $*" >&2
  exit 1
}

packed="$root/dist/packages" out="$root/dist/cdktn"
while (($#)); do
  case "$1" in
    --packed) packed="$(realpath -m "${2:?--packed needs a directory}")" ;;
    --out) out="$(realpath -m "${2:?--out needs a directory}")" ;;
    *) fail "unknown argument $1 (see the header of $0)" ;;
  esac
  shift 2
done
compgen -G "$packed/serverless-spacy-*.tgz" >/dev/null ||
  fail "no serverless-spacy-*.tgz in $packed: run pnpm pack:packages first (or give --packed DIR)"

rm -rf "$out"
node "$root/scripts/consumer/cdktn-packages.js" pack --in "$packed" --out "$out" || fail "the cdktn build"

published=0 skipped=0
for tarball in "$out"/*.tgz; do
  spec="$(tar -xzOf "$tarball" package/package.json | node -e '
    const m = JSON.parse(require("fs").readFileSync(0, "utf8"));
    console.log(`${m.name}@${m.version}`);')"
  # `npm view` prints the version when the registry has it and fails with E404 when it does not; anything
  # else (no registry, no token) stops the release.
  if found="$(npm view "$spec" version 2>"$out/view.err")"; then
    if [[ -n "$found" ]]; then
      echo "release:cdktn: $spec is already on the registry, skipped"
      skipped=$((skipped + 1))
      continue
    fi
  elif ! grep -q E404 "$out/view.err"; then
    cat "$out/view.err" >&2
    fail "npm view $spec (above): cannot tell whether the registry has it"
  fi
  npm publish --loglevel=error "$tarball" >/dev/null || fail "npm publish $tarball (above)"
  echo "release:cdktn: published $spec"
  published=$((published + 1))
done
rm -f "$out/view.err"
echo "release:cdktn: $published published, $skipped already on the registry"
