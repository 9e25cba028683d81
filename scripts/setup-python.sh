#!/usr/bin/env bash
# Creates (or refreshes) the project's virtual environment at .venv from pinned requirements.
# Idempotent: a venv whose requirements have not changed since the last install is left alone.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv"
req="$root/scripts/python/requirements-dev.txt"
constraints="$root/scripts/python/constraints.txt"
stamp="$venv/.requirements.sha256"
want="$(cat "$req" $( [[ -f "$constraints" ]] && echo "$constraints") | sha256sum | cut -d' ' -f1)"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  exit 0
fi
python="${PYTHON:-python3.11}"
command -v "$python" >/dev/null || python=python3
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip==26.3
args=(-r "$req")
[[ -f "$constraints" ]] && args+=(-c "$constraints")
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${args[@]}"
echo "$want" > "$stamp"
echo "python venv ready: $venv"
