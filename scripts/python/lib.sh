# Choosing the Python interpreter and keeping each venv tied to the one it was built with.
# Source it, don't run it:  source "$ROOT/scripts/python/lib.sh"
# shellcheck shell=bash
#
# Supported: CPython 3.11 (3.11.2, Debian 12's, or newer) and CPython 3.12 (Lambda's runtime).
# The choice must not depend on how pnpm was started: `npx pnpm@…` puts the bin directory of the pnpm it
# runs in front of the user's PATH (for the globally installed pnpm that is npm's global bin, /usr/bin
# here, where Debian's python3.11 is); a global pnpm and corepack do not. So "the first python3.11 on
# PATH" differs between launchers. The rule below looks at every PATH directory and ignores their order:
#   1. $PYTHON, if set (a name on PATH or a path); refused unless it is a supported CPython with venv;
#   2. else, among python3.12, python3.11, python3 and python in every PATH directory, the newest
#      supported CPython with a working venv module; equal versions are ordered by resolved path.
# Every set-up prints the interpreter it chose.

PY_SUPPORTED_TEXT="CPython 3.11 (3.11.2 or newer) or CPython 3.12"
# The lowest supported version: scripts/python/lock.sh resolves the constraints on exactly this one.
PY_LOWEST=3.11.2
PY_CANDIDATE_NAMES=(python3.12 python3.11 python3 python)

# Prints "<implementation> <x.y.z> <venv-ok: 1|0> <resolved executable>" for one interpreter, or nothing
# if it does not run (a pyenv shim for a version that is not selected exits 127).
py_probe() {
  local code='import os, platform, sys
try:
    import ensurepip, venv  # noqa: F401  Debian ships ensurepip separately (python3.X-venv)
    ok = 1
except ImportError:
    ok = 0
print(platform.python_implementation(), "%d.%d.%d" % sys.version_info[:3], ok, os.path.realpath(sys.executable))'
  env -u PYTHONPATH -u PYTHONHOME "$1" -I -c "$code" 2>/dev/null
}

# Succeeds if "<impl> <x.y.z>" is a supported interpreter.
py_version_supported() {
  local impl="$1" version="$2" major minor patch
  IFS=. read -r major minor patch <<<"$version"
  [[ "$impl" == CPython && "$major" == 3 ]] || return 1
  [[ "$minor" == 12 ]] && return 0
  [[ "$minor" == 11 && "$patch" -ge 2 ]]
}

# Every interpreter in PATH named as in PY_CANDIDATE_NAMES, probed, one line each (see py_probe),
# duplicates (the same resolved executable) removed.
py_candidates() {
  local dir name file real seen=" " probed=" " line
  local -a dirs
  IFS=: read -r -a dirs <<<"${PATH:-}"
  for dir in "${dirs[@]}"; do
    [[ -n "$dir" && -d "$dir" ]] || continue
    for name in "${PY_CANDIDATE_NAMES[@]}"; do
      file="$dir/$name"
      [[ -f "$file" && -x "$file" ]] || continue
      # /bin -> /usr/bin, python3 -> python3.11: run each real file once (pyenv shims are files of their own).
      real="$(realpath "$file")"
      [[ "$probed" == *" $real "* ]] && continue
      probed+="$real "
      line="$(py_probe "$file")" || continue
      [[ -n "$line" ]] || continue
      [[ "$seen" == *" ${line##* } "* ]] && continue
      seen+="${line##* } "
      echo "$line"
    done
  done
}

# Every supported interpreter this machine has, one "<x.y.z> <resolved executable>" line each, oldest
# first: those on PATH, pyenv's installed versions (selected or not) and any listed in $PYTHONS.
py_all_supported() {
  local impl version ok exe extra
  {
    py_candidates
    for extra in ${PYTHONS:-} "${PYENV_ROOT:-$HOME/.pyenv}"/versions/*/bin/python3.1[12]; do
      [[ -x "$extra" ]] && py_probe "$extra"
    done
  } | while read -r impl version ok exe; do
    py_version_supported "$impl" "$version" && [[ "$ok" == 1 ]] && echo "$version $exe"
  done | sort -u | sort -t' ' -k1,1V -k2,2
}

# Sets PY_EXE (resolved path) and PY_VERSION (x.y.z) to the chosen interpreter, or prints why none
# fits and returns 1.
py_choose() {
  local impl version ok exe line best="" found=""
  if [[ -n "${PYTHON:-}" ]]; then
    exe="$(command -v "$PYTHON" || true)"
    [[ -n "$exe" ]] || { echo "PYTHON=$PYTHON: no such interpreter. Supported: $PY_SUPPORTED_TEXT." >&2; return 1; }
    line="$(py_probe "$exe")"
    [[ -n "$line" ]] || { echo "PYTHON=$PYTHON ($exe) does not run. Supported: $PY_SUPPORTED_TEXT." >&2; return 1; }
    read -r impl version ok exe <<<"$line"
    if ! py_version_supported "$impl" "$version"; then
      echo "PYTHON=$PYTHON is $impl $version ($exe): not supported. Supported: $PY_SUPPORTED_TEXT." >&2
      return 1
    fi
    if [[ "$ok" != 1 ]]; then
      echo "PYTHON=$PYTHON ($impl $version, $exe) has no venv/ensurepip module; on Debian/Ubuntu:" \
        "apt-get install python${version%.*}-venv" >&2
      return 1
    fi
    PY_EXE="$exe" PY_VERSION="$version"
    return 0
  fi
  while read -r impl version ok exe; do
    [[ -n "$exe" ]] || continue
    found+="    $impl $version $exe$([[ "$ok" == 1 ]] || echo " (no venv module)")"$'\n'
    py_version_supported "$impl" "$version" && [[ "$ok" == 1 ]] || continue
    best+="$version $exe"$'\n'
  done < <(py_candidates)
  if [[ -z "$best" ]]; then
    {
      echo "No supported Python found on PATH (looked for ${PY_CANDIDATE_NAMES[*]} in every PATH directory)."
      echo "Supported: $PY_SUPPORTED_TEXT, with its venv module. Found:"
      printf '%s' "${found:-    nothing}"$'\n'
      echo "Install one (Debian 12: apt-get install python3.11 python3.11-venv) or set PYTHON=/path/to/python3.12."
    } >&2
    return 1
  fi
  # Newest version first; for equal versions the resolved path decides, so PATH order never does.
  line="$(printf '%s' "$best" | sort -t' ' -k1,1Vr -k2,2 | head -n1)"
  PY_VERSION="${line%% *}" PY_EXE="${line#* }"
}

# Makes sure <venv> was built with the chosen interpreter (PY_EXE/PY_VERSION): a venv built with
# another one, or one that no longer runs, is deleted so that the caller rebuilds it from scratch.
# Layering `python -m venv` over a venv of another interpreter leaves its python linked to one build
# and pyvenv.cfg naming the other, which breaks compiled modules (undefined symbol ... _ssl).
py_venv_check() {
  local venv="$1" record="$1/.interpreter" want have
  want="$PY_EXE $PY_VERSION"
  [[ -d "$venv" ]] || return 0
  have="$(cat "$record" 2>/dev/null || true)"
  if [[ "$have" == "$want" ]]; then
    # The record alone is not enough: bin/python must still be that build, and pyvenv.cfg must agree.
    local line cfg_version cfg_exe
    line="$(py_probe "$venv/bin/python")"
    cfg_version="$(sed -n 's/^version[_info]* *= *//p' "$venv/pyvenv.cfg" 2>/dev/null | head -n1)"
    cfg_exe="$(sed -n 's/^executable *= *//p' "$venv/pyvenv.cfg" 2>/dev/null | head -n1)"
    if [[ -n "$line" && "$(cut -d' ' -f2 <<<"$line")" == "$PY_VERSION" && "$cfg_version" == "$PY_VERSION" &&
      "$(realpath "$venv/bin/python")" == "$PY_EXE" &&
      "$(realpath "${cfg_exe:-/nonexistent}" 2>/dev/null)" == "$PY_EXE" ]]; then
      return 0
    fi
    have="$have, but its bin/python or pyvenv.cfg no longer match it (python: ${line:-does not run};"
    have+=" pyvenv.cfg: $cfg_version $cfg_exe)"
  fi
  echo "rebuilding $venv: it was built with ${have:-an unrecorded interpreter}; chosen now: $want" >&2
  rm -rf "$venv"
}

# Creates <venv> with the chosen interpreter and pip 26.3, and records the interpreter in it.
py_venv_create() {
  local venv="$1"
  "$PY_EXE" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip==26.3
  echo "$PY_EXE $PY_VERSION" >"$venv/.interpreter"
}

# The whole set-up of a pinned venv: choose the interpreter, rebuild the venv if it was built with
# another one, install requirements + constraints when they changed. Extra arguments go to pip.
#   py_venv_setup <label> <venv> <requirements> <constraints> [--check-file <file that must exist>]
py_venv_setup() {
  local label="$1" venv="$2" req="$3" constraints="$4" must=""
  [[ "${5:-}" == --check-file ]] && must="$6"
  py_choose || return 1
  echo "$label: $PY_EXE (CPython $PY_VERSION)${PYTHON:+, from PYTHON=$PYTHON}" >&2
  py_venv_check "$venv"
  local stamp="$venv/.requirements.sha256" want
  want="$(cat "$req" "$constraints" | sha256sum | cut -d' ' -f1)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -x "$venv/bin/python" ]] &&
    [[ -z "$must" || -e "$venv/$must" ]]; then
    return 0
  fi
  if [[ ! -x "$venv/bin/python" ]]; then
    rm -rf "$venv"
    py_venv_create "$venv"
  fi
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req" -c "$constraints"
  echo "$want" >"$stamp"
  echo "$label: $venv ready" >&2
}
