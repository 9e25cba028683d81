#!/usr/bin/env bash
# Creates (or refreshes) the checkov virtual environment at .venv-checkov from pinned requirements.
# checkov gets its own venv because its dependency pins conflict with spaCy's (see requirements-checkov.txt).
# Idempotent: a venv whose requirements have not changed since the last install is left alone.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv-checkov"
req="$root/scripts/python/requirements-checkov.txt"
constraints="$root/scripts/python/constraints-checkov.txt"
stamp="$venv/.requirements.sha256"
want="$(cat "$req" $( [[ -f "$constraints" ]] && echo "$constraints") | sha256sum | cut -d' ' -f1)"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -x "$venv/bin/checkov" ]]; then
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
echo "checkov venv ready: $venv ($("$venv/bin/checkov" --version))"
