#!/usr/bin/env bash
# The interpreter choice is the same however pnpm is started: a globally installed pnpm, `npx pnpm@…`
# (npx puts the bin directory of the pnpm it runs, npm's global bin /usr/bin here, in front of PATH) and
# corepack (`corepack pnpm …`, without `corepack enable`, which would change the machine). Each runs
# `pnpm python:which` — the rule of scripts/python/lib.sh, not the full suite — with the user's PATH
# as it is and with /usr/bin (Debian's python3.11) put first.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
version="$(node -p 'require("./package.json").packageManager.split("@")[1]')"
export COREPACK_ENABLE_DOWNLOAD_PROMPT=0 npm_config_yes=true
# corepack 0.34.6 (Node 20's) finds none of its npm signing keys in this registry's metadata for pnpm
# ("No compatible signature found in package metadata"); this test needs only corepack's way of starting
# pnpm, so it turns that signature check off, for this test alone.
export COREPACK_INTEGRITY_KEYS=0
unset PYTHON
launch() { # <launcher> -> the python:which --explain output under it
  case "$1" in
    pnpm) pnpm run --silent python:which --explain ;;
    npx) npx --yes "pnpm@$version" run --silent python:which --explain ;;
    corepack) corepack pnpm run --silent python:which --explain ;;
  esac
}
failures=0
for order in as-is debian-first; do
  path="$PATH"
  [[ "$order" == debian-first ]] && path="/usr/bin:$PATH"
  want=""
  for launcher in pnpm npx corepack; do
    out="$(PATH="$path" launch "$launcher" 2>&1)" || {
      echo "FAIL $launcher ($order): $out" >&2
      failures=$((failures + 1))
      continue
    }
    # The choice is the line starting "CPython"; launchers may print their own warnings around it (npx under
    # `pnpm run` warns about the npm_config_* variables pnpm exports).
    chosen="$(grep -m1 '^CPython ' <<<"$out" || true)"
    [[ -n "$chosen" ]] || {
      echo "FAIL $launcher ($order): no choice printed: $out" >&2
      failures=$((failures + 1))
      continue
    }
    first="$(sed -n 's/^first python3.11 on PATH: //p' <<<"$out")"
    echo "$order, $launcher: chose $chosen (python3.11 first on its PATH: $first)"
    if [[ -z "$want" ]]; then
      want="$chosen"
    elif [[ "$chosen" != "$want" ]]; then
      echo "FAIL $launcher ($order) chose [$chosen], pnpm chose [$want]" >&2
      failures=$((failures + 1))
    fi
  done
done
((failures == 0)) || { echo "test-launchers: $failures failure(s)" >&2; exit 1; }
echo "test-launchers: every launcher chose the same interpreter"
