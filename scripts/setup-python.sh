#!/usr/bin/env bash
# Creates (or refreshes) the project's virtual environment at .venv from pinned requirements.
# Idempotent: a venv whose requirements and interpreter have not changed is left alone; a venv built with
# another interpreter is rebuilt. The interpreter is chosen as scripts/python/lib.sh says (PYTHON=… to pick).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/scripts/python/lib.sh"
py_venv_setup "python venv" "$root/.venv" \
  "$root/scripts/python/requirements-dev.txt" "$root/scripts/python/constraints.txt"
