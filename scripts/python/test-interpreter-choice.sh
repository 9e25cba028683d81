#!/usr/bin/env bash
# Tests of scripts/python/lib.sh against the real interpreters of this machine (each needs >= 2 of them):
# - the choice ignores PATH order, prefers the newest supported, honours PYTHON=, refuses others;
# - a venv built with one interpreter is rebuilt, not layered over, when another is chosen, also
#   when it was corrupted the way the old set-up did it (`python -m venv` of another build over it).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/lib.sh"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
failures=0
pass() { echo "ok   $*"; }
fail() { echo "FAIL $*" >&2; failures=$((failures + 1)); }
expect_eq() { # <what> <want> <got>
  if [[ "$2" == "$3" ]]; then pass "$1"; else fail "$1: want [$2], got [$3]"; fi
}

mapfile -t all < <(py_all_supported)
if ((${#all[@]} < 2)); then
  echo "test-interpreter-choice: needs two supported interpreters, found: ${all[*]:-none}" >&2
  echo "  (this machine has Debian's 3.11.2 and pyenv's; elsewhere list more in PYTHONS=...)" >&2
  exit 1
fi
old_v="${all[0]%% *}" old_exe="${all[0]#* }"
new_v="${all[-1]%% *}" new_exe="${all[-1]#* }"
echo "interpreters: ${all[*]}"

# A PATH with only the tools lib.sh needs and one directory per interpreter, as `python3.X` links.
mkdir -p "$tmp/tools"
for tool in env realpath sort head cut cat sed sha256sum rm mkdir; do
  ln -s "$(command -v "$tool")" "$tmp/tools/$tool"
done
for entry in "${all[@]}"; do
  v="${entry%% *}" exe="${entry#* }"
  mkdir -p "$tmp/dir-$v"
  ln -s "$exe" "$tmp/dir-$v/python${v%.*}"
done
choose_with_path() { (PATH="$1" && unset PYTHON && py_choose && echo "$PY_VERSION $PY_EXE") 2>&1; }
forward="$tmp/tools$(printf ":$tmp/dir-%s" $(printf '%s\n' "${all[@]}" | cut -d' ' -f1))"
backward="$tmp/tools$(printf ":$tmp/dir-%s" $(printf '%s\n' "${all[@]}" | cut -d' ' -f1 | sort -Vr))"
expect_eq "newest supported wins, oldest first on PATH" "$new_v $new_exe" "$(choose_with_path "$forward")"
expect_eq "newest supported wins, newest first on PATH" "$new_v $new_exe" "$(choose_with_path "$backward")"
expect_eq "the only one on PATH is chosen" "$old_v $old_exe" "$(choose_with_path "$tmp/tools:$tmp/dir-$old_v")"
got="$(choose_with_path "$tmp/tools")" || true
[[ "$got" == *"No supported Python found on PATH"*"CPython 3.11 (3.11.2 or newer) or CPython 3.12"* ]] &&
  pass "no interpreter: the message names the supported ones" || fail "no interpreter: got [$got]"

# Unsupported interpreters are refused by name, with the supported ones named.
for bad in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[03]*/bin/python3.1[03]; do
  [[ -x "$bad" ]] || continue
  got="$( (PYTHON="$bad" py_choose) 2>&1)" && fail "PYTHON=$bad accepted" ||
    { [[ "$got" == *"not supported. Supported: CPython 3.11 (3.11.2 or newer) or CPython 3.12."* ]] &&
      pass "PYTHON=$bad refused: $got" || fail "PYTHON=$bad: message [$got]"; }
done
got="$( (PYTHON=/nonexistent/python3 py_choose) 2>&1)" && fail "a missing PYTHON accepted" ||
  pass "missing PYTHON refused: $got"

# Venvs know their interpreter. A tiny pinned requirement keeps this fast; the mechanism is the real one.
echo "six" >"$tmp/req.txt"
echo "six==1.17.0" >"$tmp/cons.txt"
venv="$tmp/venv"
setup() { PYTHON="$1" py_venv_setup "test venv" "$venv" "$tmp/req.txt" "$tmp/cons.txt" 2>&1; }
venv_version() { "$venv/bin/python" -c 'import ssl, six, sys; print("%d.%d.%d" % sys.version_info[:3])'; }
setup "$old_exe" >/dev/null
expect_eq "venv built with PYTHON=$old_v" "$old_v" "$(venv_version)"
expect_eq "venv records its interpreter" "$old_exe $old_v" "$(cat "$venv/.interpreter")"
out="$(setup "$old_exe")"
[[ "$out" != *rebuilding* && "$out" != *ready* ]] && pass "same interpreter: venv left alone" ||
  fail "same interpreter: [$out]"
out="$(setup "$new_exe")"
[[ "$out" == *"rebuilding $venv: it was built with $old_exe $old_v; chosen now: $new_exe $new_v"* ]] &&
  pass "other interpreter: venv rebuilt, and it says so" || fail "other interpreter: [$out]"
expect_eq "rebuilt venv runs $new_v (ssl imports)" "$new_v" "$(venv_version)"
cfg_version="$(sed -n 's/^version = //p; s/^version_info = //p' "$venv/pyvenv.cfg" | head -n1)"
expect_eq "pyvenv.cfg names $new_v" "$new_v" "$cfg_version"
# The old set-up's corruption: another build's `-m venv` over the venv, record untouched.
"$old_exe" -m venv "$venv" 2>/dev/null || true
out="$(setup "$new_exe")"
[[ "$out" == *"rebuilding $venv"*"no longer match it"* ]] && pass "venv overwritten by another build: rebuilt" ||
  fail "overwritten venv: [$out]"
expect_eq "after the rebuild it runs $new_v" "$new_v" "$(venv_version)"
# A refused interpreter leaves the venv as it is.
if [[ -x "${PYENV_ROOT:-$HOME/.pyenv}/versions/3.13.0/bin/python3.13" ]]; then
  setup "${PYENV_ROOT:-$HOME/.pyenv}/versions/3.13.0/bin/python3.13" >/dev/null && fail "3.13 venv accepted" || true
  expect_eq "refused interpreter: venv untouched" "$new_v" "$(venv_version)"
fi

((failures == 0)) || { echo "test-interpreter-choice: $failures failure(s)" >&2; exit 1; }
echo "test-interpreter-choice: all passed"
