#!/usr/bin/env bash
# The pure-Python wheels, built by the project venv's pip with its pinned setuptools and wheel (no build
# isolation, so nothing is fetched), into OUT_DIR (default dist/python):
#   bash scripts/build-python-wheel.sh client [OUT_DIR]     # pnpm build:python-client: serverless-spacy-client
#   bash scripts/build-python-wheel.sh batch-cli [OUT_DIR]  # pnpm build:python-batch-cli: serverless-spacy-batch-cli,
#                                                           # the `ner-batch-job` command
# Each is built from a staged copy: setuptools leaves build/ and *.egg-info beside the sources (and a stale
# build/lib would put modules deleted since into the wheel), and the batch command's wheel takes the location
# rules it shares with the job's worker from spacy-function's runtime/src (one source for both).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
fail() {
  echo "build-python-wheel: FAILED: $*" >&2
  exit 1
}
name="${1:-}"
out="$(realpath -m "${2:-$root/dist/python}")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
case "$name" in
  client)
    client="$root/packages/python-client"
    cp -r "$client/pyproject.toml" "$client/README.md" "$client/src" "$work/"
    dist=serverless_spacy_client
    ;;
  batch-cli)
    cli="$root/modules/ner-batch-job/cli"
    cp "$cli/pyproject.toml" "$cli/README.md" "$cli/ner_batch_cli.py" \
      "$root/modules/spacy-function/runtime/src/batch_locations.py" "$work/"
    dist=serverless_spacy_batch_cli
    ;;
  *) fail "which wheel? client or batch-cli, got '$name'" ;;
esac
bash "$root/scripts/setup-python.sh" >&2
mkdir -p "$out"
PYTHONDONTWRITEBYTECODE=1 "$root/.venv/bin/python" -m pip wheel --no-deps --no-build-isolation \
  --disable-pip-version-check --quiet --wheel-dir "$out" "$work"
wheel="$(ls "$out/$dist"-*.whl)"
if [[ "$name" == batch-cli ]]; then
  # Exactly the two modules besides the metadata: nothing else of the tree may ride along.
  "$root/.venv/bin/python" - "$wheel" <<'PY' || fail "the batch-cli wheel holds more than its two modules"
import sys, zipfile
names = sorted(n for n in zipfile.ZipFile(sys.argv[1]).namelist() if ".dist-info/" not in n)
if names != ["batch_locations.py", "ner_batch_cli.py"]:
    sys.exit(f"{sys.argv[1]} holds {names}, not batch_locations.py and ner_batch_cli.py")
PY
fi
echo "$wheel"
