#!/usr/bin/env bash
# pnpm build:python-client [OUT_DIR]: the serverless-spacy-client wheel (default OUT_DIR: dist/python), built
# by the project venv's pip with its pinned setuptools and wheel (no build isolation, so nothing is fetched).
# Built from a copy of the package: setuptools leaves build/ and *.egg-info beside the sources, and a stale
# build/lib would put modules deleted since into the wheel.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$(realpath -m "${1:-$root/dist/python}")"
bash "$root/scripts/setup-python.sh" >&2
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r "$root/packages/python-client/pyproject.toml" "$root/packages/python-client/README.md" \
  "$root/packages/python-client/src" "$work/"
mkdir -p "$out"
PYTHONDONTWRITEBYTECODE=1 "$root/.venv/bin/python" -m pip wheel --no-deps --no-build-isolation \
  --disable-pip-version-check --quiet --wheel-dir "$out" "$work"
ls "$out"/serverless_spacy_client-*.whl
