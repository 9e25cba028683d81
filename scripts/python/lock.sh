#!/usr/bin/env bash
# Regenerates the constraints files with pip's own resolver, for every supported Python:
#   constraints.txt          <- requirements-dev.txt       (the project venv, .venv)
#   constraints-checkov.txt  <- requirements-checkov.txt   (checkov's venv, .venv-checkov)
#   constraints-pacmak.txt   <- requirements-pacmak.txt    (the jsii wheels' build venv, .venv-pacmak)
#   constraints-cdktf.txt    <- requirements-cdktf.txt     (the Python consumer's venv, scripts/consumer/python.sh)
# (The Lambda layer's requirements.txt targets Lambda's python3.12 only; `build_layer.py --lock` makes it.)
#
#   bash scripts/python/lock.sh                        # keep every pin that still resolves; pin what is new
#   bash scripts/python/lock.sh --upgrade-package NAME # also re-resolve NAME (repeatable)
#   bash scripts/python/lock.sh --upgrade              # re-resolve everything to the newest that fits
#   bash scripts/python/lock.sh project|checkov|pacmak|cdktf  # only those files
#
# How: in a throwaway venv of CPython 3.11.2 (the lowest supported, Debian 12's; LOCK_PYTHON=… to point
# at one elsewhere), `pip install --dry-run --report` with the kept pins as constraints; then the same on
# the newest CPython 3.12 here, constrained by the 3.11.2 result, so anything only 3.12 installs is pinned
# too. A pin that does not fit 3.11.2 (a newer release needing a newer Python) stops the lock with pip's
# message: re-run with --upgrade-package for it. Without --upgrade the result depends only on the input
# files (and PyPI serving the pinned versions), so re-running it after a merge is safe.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
source "$root/scripts/python/lib.sh"
here="$root/scripts/python"

keep_args=()
kinds=()
while (($#)); do
  case "$1" in
    --upgrade) keep_args+=(--upgrade-all) ;;
    --upgrade-package)
      [[ $# -ge 2 ]] || { echo "lock.sh: --upgrade-package needs a name" >&2; exit 64; }
      keep_args+=(--upgrade-package "$2")
      shift
      ;;
    project | checkov | pacmak | cdktf) kinds+=("$1") ;;
    *) echo "lock.sh: unknown argument $1 (see the header of $0)" >&2; exit 64 ;;
  esac
  shift
done
((${#kinds[@]})) || kinds=(project checkov pacmak cdktf)

# The interpreters: exactly the lowest supported one, and the newest 3.12 if there is one.
all="$(PYTHONS="${LOCK_PYTHON:-}" py_all_supported)"
lowest="$(awk -v v="$PY_LOWEST" '$1 == v { print $2; exit }' <<<"$all")"
if [[ -z "$lowest" ]]; then
  echo "lock.sh: the constraints are resolved on CPython $PY_LOWEST (the lowest supported), and none is here." >&2
  echo "  Found: $(tr '\n' ';' <<<"$all")  Debian 12's python3.11 is $PY_LOWEST; or set LOCK_PYTHON=/path." >&2
  exit 1
fi
py312="$(awk '$1 ~ /^3\.12\./ { exe = $2 } END { print exe }' <<<"$all")"
[[ -n "$py312" ]] || echo "lock.sh: warning: no CPython 3.12 here; packages only 3.12 installs stay unpinned" >&2

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
interpreters=("$lowest" ${py312:+"$py312"})
for exe in "${interpreters[@]}"; do
  read -r _ PY_VERSION _ PY_EXE <<<"$(py_probe "$exe")"
  echo "lock.sh: throwaway venv of CPython $PY_VERSION ($PY_EXE)" >&2
  py_venv_create "$tmp/venv-$PY_VERSION"
done

resolve() { # <venv python> <requirements> <constraints> <report>
  local log="$4.log"
  if ! "$1" -m pip install --dry-run --ignore-installed --disable-pip-version-check --progress-bar off \
    --report "$4" -r "$2" -c "$3" >"$log" 2>&1; then
    # pip's progress lines hide the few that say which pins conflict.
    grep -vE '^(Collecting|Looking in|  (Using cached|Downloading|Obtaining|Preparing|Getting|Installing|Building))' \
      "$log" >&2 || true
    return 1
  fi
}

for kind in "${kinds[@]}"; do
  case "$kind" in
    project) req="$here/requirements-dev.txt" out="$here/constraints.txt" ;;
    checkov) req="$here/requirements-checkov.txt" out="$here/constraints-checkov.txt" ;;
    pacmak) req="$here/requirements-pacmak.txt" out="$here/constraints-pacmak.txt" ;;
    cdktf) req="$here/requirements-cdktf.txt" out="$here/constraints-cdktf.txt" ;;
  esac
  keep="$tmp/$kind-keep.txt"
  "$tmp/venv-$PY_LOWEST/bin/python" "$here/lock_pins.py" keep "$out" ${keep_args[@]+"${keep_args[@]}"} >"$keep"
  reports=()
  constraints="$keep"
  for exe in "${interpreters[@]}"; do
    version="$(py_probe "$exe" | cut -d' ' -f2)"
    report="$tmp/$kind-$version.json"
    if ! resolve "$tmp/venv-$version/bin/python" "$req" "$constraints" "$report"; then
      echo "lock.sh: $(basename "$req") does not resolve on CPython $version" \
        "with the pins of $(basename "$out") above." >&2
      echo "  Re-run with --upgrade-package NAME for the pin pip names (or --upgrade for all)." >&2
      exit 1
    fi
    reports+=("$report")
    # The next interpreter must install the same versions; it may only add packages.
    "$tmp/venv-$PY_LOWEST/bin/python" "$here/lock_pins.py" write "${reports[@]}" >"$tmp/$kind-so-far.txt"
    constraints="$tmp/$kind-so-far.txt"
  done
  checked="no CPython 3.12 (none was here)"
  [[ -n "$py312" ]] && checked="CPython $(py_probe "$py312" | cut -d' ' -f2)"
  "$tmp/venv-$PY_LOWEST/bin/python" "$here/lock_pins.py" write "${reports[@]}" \
    --header "Generated by scripts/python/lock.sh from $(basename "$req"); edit that, then re-run the script." \
    --header "Resolved on CPython $PY_LOWEST (the lowest supported Python), checked on $checked:" \
    --header "the same pins install on every supported Python (CPython 3.11.2+ and 3.12)." \
    >"$tmp/$kind-out.txt"
  if cmp -s "$tmp/$kind-out.txt" "$out"; then
    echo "lock.sh: $(basename "$out") unchanged" >&2
  else
    diff -u "$out" "$tmp/$kind-out.txt" | grep '^[-+][^-+#]' >&2 || true
    mv "$tmp/$kind-out.txt" "$out"
    echo "lock.sh: wrote $out" >&2
  fi
done
