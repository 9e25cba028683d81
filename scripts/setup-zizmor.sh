#!/usr/bin/env bash
# Creates (or refreshes) .venv-zizmor with zizmor, the GitHub Actions auditor `pnpm validate` runs beside
# actionlint. Hash-checked (--require-hashes: every wheel's sha256 is in requirements-zizmor.txt) and without
# dependencies, so nothing but the pinned wheel is installed. Idempotent like the other set-ups: a venv whose
# requirements and interpreter have not changed is left alone. Prints nothing on stdout.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/scripts/python/lib.sh"
venv="$root/.venv-zizmor"
req="$root/scripts/python/requirements-zizmor.txt"
py_choose
py_venv_check "$venv"
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$req" | cut -d' ' -f1)"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -x "$venv/bin/zizmor" ]]; then
  exit 0
fi
echo "zizmor venv: $PY_EXE (CPython $PY_VERSION)${PYTHON:+, from PYTHON=$PYTHON}" >&2
[[ -x "$venv/bin/python" ]] || { rm -rf "$venv"; py_venv_create "$venv"; }
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps \
  --only-binary=:all: -r "$req"
echo "$want" >"$stamp"
echo "zizmor venv: $venv ready ($("$venv/bin/zizmor" --version))" >&2
