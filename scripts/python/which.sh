#!/usr/bin/env bash
# pnpm python:which — the interpreter the set-up scripts would build the venvs with, and why.
#   CPython 3.11.7 /root/.pyenv/versions/3.11.7/bin/python3.11
# With --all: every supported interpreter on this machine (what check-interpreters.sh tests).
set -euo pipefail
source "$(cd "$(dirname "$0")" && pwd)/lib.sh"
if [[ "${1:-}" == --all ]]; then
  py_all_supported | sed 's/^/CPython /'
  exit 0
fi
py_choose
echo "CPython $PY_VERSION $PY_EXE"
