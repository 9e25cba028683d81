#!/usr/bin/env bash
# pnpm python:which — the interpreter the set-up scripts build the venvs with (rule: scripts/python/lib.sh).
#   CPython 3.11.7 /root/.pyenv/versions/3.11.7/bin/python3.11
# --all:     every supported interpreter on this machine (what check-interpreters.sh tests)
# --explain: also every candidate found and what `python3.11` alone would find first on this PATH
set -euo pipefail
source "$(cd "$(dirname "$0")" && pwd)/lib.sh"
case "${1:-}" in
  --all)
    py_all_supported | sed 's/^/CPython /'
    ;;
  --explain)
    py_choose
    echo "CPython $PY_VERSION $PY_EXE"
    echo "candidates: $(py_candidates | cut -d' ' -f2,4 | tr '\n' ';')"
    echo "first python3.11 on PATH: $(command -v python3.11 || echo none)"
    ;;
  *)
    py_choose
    echo "CPython $PY_VERSION $PY_EXE"
    ;;
esac
