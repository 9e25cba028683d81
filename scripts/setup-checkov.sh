#!/usr/bin/env bash
# Creates (or refreshes) the checkov virtual environment at .venv-checkov from pinned requirements.
# checkov gets its own venv because its dependency pins conflict with spaCy's (see requirements-checkov.txt).
# Idempotent: a venv whose requirements and interpreter have not changed is left alone; a venv built with
# another interpreter is rebuilt. The interpreter is chosen as scripts/python/lib.sh says (PYTHON=… to pick).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/scripts/python/lib.sh"
py_venv_setup "checkov venv" "$root/.venv-checkov" \
  "$root/scripts/python/requirements-checkov.txt" "$root/scripts/python/constraints-checkov.txt" \
  --check-file bin/checkov
