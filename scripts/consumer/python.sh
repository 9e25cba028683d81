#!/usr/bin/env bash
# The Python consumer: the jsii packages' wheels used the way a Python team would, outside this workspace.
#   1. the wheels: scripts/build-python-modules.sh (jsii, jsii-pacmak, pip wheel), or --wheels DIR;
#   2. a fresh venv of the chosen Python (scripts/python/lib.sh) with the pinned cdktf, AWS provider, constructs
#      and jsii runtime (scripts/python/requirements-cdktf.txt + constraints-cdktf.txt), then our packages by
#      name and version range: from the local package index when scripts/consumer/registry.sh is there
#      (published the way a release publishes them), else from the wheel directory (pip --find-links);
#   3. the spacy-function wheel's `serverless-spacy-layer` command answers a bad --arch as the npm one does;
#      examples/python (full_stack.py, cdktf.json: the README's consumer stack) synthesized by `cdktf synth`;
#   4. that Terraform compared with the TypeScript consumer's synth of examples/src/full-stack.ts, resource by
#      resource and asset by asset (scripts/consumer/compare_synth.py says what it leaves out and why);
#      --ts-synth FILE takes the TypeScript synth (scripts/test-consumer.sh passes its own), otherwise the
#      workspace's examples/src/full-stack.ts is synthesized here from the TypeScript sources;
#   5. examples/python/batch_job.py (the NER batch job; modules/ner-batch-job/README.md shows it) synthesized;
#   6. tofu init -backend=false + tofu validate on both Python syntheses.
# Prints how long each step took. KEEP_CONSUMER_DIR=1 keeps the temp directory; PYTHON=… picks the Python.
#   bash scripts/consumer/python.sh [--ts-synth FILE] [--wheels DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
export CHECKPOINT_DISABLE=1 TURBO_TELEMETRY_DISABLED=1
# jsii prints a banner on every run under Node 20 (end of life); Node 20 is what the README supports.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="${JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION:-20}"
start=$SECONDS
timings=()
step() { echo "== [consumer:python $((SECONDS - start))s] $*"; }
timed() { # label, command...: runs it and records how long it took
  local label="$1" t=$SECONDS
  shift
  "$@"
  timings+=("$(printf '%-58s %4d s' "$label" $((SECONDS - t)))")
}
fail() { echo "consumer:python: FAILED: $*" >&2; exit 1; }

ts_synth="" wheels=""
while (($#)); do
  case "$1" in
    --ts-synth) ts_synth="$(realpath "$2")" && shift ;;
    --wheels) wheels="$(realpath "$2")" && shift ;;
    *) fail "unknown argument $1 (see the header of $0)" ;;
  esac
  shift
done

work="$(mktemp -d "${TMPDIR:-/tmp}/serverless-spacy-python-consumer.XXXXXX")"
case "$work" in "$root"/*) fail "temp directory $work is inside the workspace" ;; esac
registry_started=0
venv_pid=""
cleanup() {
  # The background venv set-up (and its pip) when a step failed before it finished.
  if [[ -n "$venv_pid" ]]; then pkill -P "$venv_pid" 2>/dev/null || true; kill "$venv_pid" 2>/dev/null || true; fi
  if ((registry_started)); then stop_registries; fi
  if [[ "${KEEP_CONSUMER_DIR:-0}" == 1 ]]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

source "$root/scripts/python/lib.sh"
py_choose || fail "no supported Python (docs/python.md)"
venv="$work/venv"
constraints="$root/scripts/python/constraints-cdktf.txt"
pip_log="$work/pip-cdktf.log"
step "fresh venv of $PY_EXE (CPython $PY_VERSION): the pinned cdktf, AWS provider, constructs and jsii" \
  "(scripts/python/requirements-cdktf.txt), in the background while the wheels build"
# pip compiles the bytecode at install (its default, kept): the provider's package imports all of its 2,224
# submodules, 30-40 s per import without bytecode (PYTHONDONTWRITEBYTECODE=1 stops an import writing it).
(
  t=$SECONDS
  py_venv_create "$venv"
  env -u PIP_FIND_LINKS nice -n 10 "$venv/bin/python" -m pip install --disable-pip-version-check \
    --progress-bar off -r scripts/python/requirements-cdktf.txt -c "$constraints"
  echo $((SECONDS - t)) >"$work/venv.seconds"
) >"$pip_log" 2>&1 &
venv_pid=$!

# Under scripts/test-consumer.sh the npm packages were released from a versioned copy of the workspace
# (registry.sh's publish_npm_packages exports it): the wheels come from that copy too, so both languages get
# the same versions of the same sources. Run alone, from this workspace.
source_root="${NPM_PUBLISH_WORKSPACE:-$root}"
if [[ -z "$wheels" ]]; then
  step "the wheels: scripts/build-python-modules.sh in $source_root"
  wheels="$work/wheels"
  timed "wheels (jsii build, jsii-pacmak, pip wheel)" bash "$source_root/scripts/build-python-modules.sh" "$wheels"
fi
# "<distName> <version>" of every jsii package with a Python target: what the consumer installs, by range.
mapfile -t dists < <(cd "$source_root" && node -e '
  const fs = require("fs"), path = require("path");
  for (const g of ["packages", "modules"]) for (const n of fs.readdirSync(g).sort()) {
    const f = path.join(g, n, "package.json");
    if (!fs.existsSync(f)) continue;
    const m = JSON.parse(fs.readFileSync(f, "utf8"));
    if (m.jsii?.targets?.python) console.log(m.jsii.targets.python.distName, m.version);
  }')
((${#dists[@]})) || fail "no jsii package with a Python target"
for line in "${dists[@]}"; do
  read -r dist version <<<"$line"
  ls "$wheels/$(tr '.-' '__' <<<"$dist")-$version-"*.whl >/dev/null 2>&1 || fail "no wheel of $dist $version in $wheels"
done

wait "$venv_pid" || {
  cat "$pip_log" >&2
  fail "the venv with the pinned cdktf packages (pip's log above)"
}
venv_pid=""
timings+=("$(printf '%-58s %4d s' "venv + pip install, pinned cdktf set (in the background)" \
  "$(cat "$work/venv.seconds")")")
tail -1 "$pip_log"

# Our packages by name and range (~=X.Y.Z: the version or a later patch), the way a team pins them.
requirements=()
for line in "${dists[@]}"; do
  read -r dist version <<<"$line"
  requirements+=("$dist~=$version")
done
# The one place that decides where our packages come from.
install_our_packages() {
  if [[ -f "$root/scripts/consumer/registry.sh" ]]; then
    # shellcheck source=/dev/null
    source "$root/scripts/consumer/registry.sh"
    [[ -n "${PYTHON_INDEX_URL:-}" ]] || registry_started=1
    publish_python_wheels "$wheels"
    pip_install_from_index "$venv/bin/python" -c "$constraints" "${requirements[@]}"
  else
    # No index yet: the wheel directory only (--no-index, so no package of that name on PyPI can win).
    env -u PIP_FIND_LINKS "$venv/bin/python" -m pip install --disable-pip-version-check --progress-bar off \
      --no-index --find-links "$wheels" -c "$constraints" "${requirements[@]}"
  fi
}
step "our packages: ${requirements[*]}"
timed "pip install our packages" install_our_packages >"$work/pip-ours.log" 2>&1 || {
  cat "$work/pip-ours.log" >&2
  fail "pip install of our packages"
}
grep -E '^(registry:|Successfully installed)' "$work/pip-ours.log" || true
"$venv/bin/python" - "${dists[@]}" <<'EOF' || fail "the venv does not hold the packages just built"
import sys
from importlib.metadata import version

for line in sys.argv[1:]:
    dist, want = line.split()
    have = version(dist)
    assert have == want, f"{dist}: {have} installed, {want} built"
print("installed:", ", ".join(sys.argv[1:]))
EOF
# Everything pip installed is pinned: our packages at the version just built, the rest by constraints-cdktf.txt
# (`pip freeze` leaves out the pip and setuptools the venv module put there).
"$venv/bin/python" -m pip freeze --disable-pip-version-check | grep -v -i -E '^(pip|serverless[-_.]spacy)' |
  while read -r pin; do
    grep -qixF "$pin" "$constraints" || grep -qixF "$(tr '_' '-' <<<"$pin")" "$constraints" ||
      fail "$pin is installed but not pinned in scripts/python/constraints-cdktf.txt"
  done

step "the spacy-function wheel's serverless-spacy-layer command (npm bin, run through jsii's kernel)"
check_bin() {
  if "$venv/bin/serverless-spacy-layer" build --arch sparc >"$work/bin.log" 2>&1; then
    fail "serverless-spacy-layer from the wheel accepted --arch sparc"
  fi
  grep -q -- '--arch must be one of x86_64, arm64' "$work/bin.log" || {
    cat "$work/bin.log" >&2
    fail "serverless-spacy-layer from the wheel gave no clear error for a bad --arch"
  }
  head -1 "$work/bin.log"
}
timed "serverless-spacy-layer (bad --arch) from the venv's bin" check_bin

step "synth: examples/python (cdktf synth, app: python full_stack.py)"
app="$work/python"
mkdir -p "$app"
cp examples/python/full_stack.py examples/python/cdktf.json "$app/"
cdktf_cli="$root/node_modules/.bin/cdktf"
synth_python() {
  (cd "$app" && PATH="$venv/bin:$PATH" VIRTUAL_ENV="$venv" "$cdktf_cli" synth --output cdktf.out) \
    >"$work/synth-python.log" 2>&1 || {
    cat "$work/synth-python.log" >&2
    fail "cdktf synth of examples/python/full_stack.py"
  }
}
timed "cdktf synth of the Python app" synth_python
py_json="$app/cdktf.out/stacks/search-ner/cdk.tf.json"
[[ -f "$py_json" ]] || fail "cdktf synth wrote no $py_json"
# Where an app's time goes: importing the AWS provider loads its 37 MB jsii assembly and 2,224 submodules.
(cd "$app" && "$venv/bin/python" -c '
import time
t = time.monotonic()
import cdktf  # noqa: F401
t1 = time.monotonic()
import cdktf_cdktf_provider_aws  # noqa: F401
t2 = time.monotonic()
print(f"import cdktf: {t1 - t:.1f} s; import cdktf_cdktf_provider_aws: {t2 - t1:.1f} s")') |
  tee "$work/import.txt"
timings+=("$(printf '%-58s %s' "(its imports, measured apart)" "$(cat "$work/import.txt")")")

# The README snippet of modules/ner-batch-job comes from examples/python/batch_job.py: a whole stack of its own,
# synthesized by running it (`python batch_job.py`, App() writes cdktf.out) and validated below.
batch="$work/python-batch"
mkdir -p "$batch"
cp examples/python/batch_job.py "$batch/"
synth_batch() {
  (cd "$batch" && "$venv/bin/python" batch_job.py) >"$work/synth-batch.log" 2>&1 || {
    cat "$work/synth-batch.log" >&2
    fail "python examples/python/batch_job.py"
  }
}
timed "python batch_job.py (synth)" synth_batch
batch_json="$batch/cdktf.out/stacks/corpus-ner/cdk.tf.json"
[[ -f "$batch_json" ]] || fail "python batch_job.py wrote no $batch_json"

if [[ -z "$ts_synth" ]]; then
  step "the TypeScript synth: examples/src/full-stack.ts from the workspace sources (ts-node)"
  ts_app="$work/typescript"
  mkdir -p "$ts_app"
  # By `cdktf synth`, as the Python app (cdktf.json's app: ts-node on the workspace's TypeScript sources).
  node -e 'console.log(JSON.stringify({ language: "typescript", app: process.argv[1], projectId: "consumer-test",
    sendCrashReports: "false" }))' "$root/node_modules/.bin/ts-node -r $root/scripts/register-source-paths.js \
--project $root/examples/tsconfig.json $root/examples/src/full-stack.ts" >"$ts_app/cdktf.json"
  synth_ts() {
    (cd "$ts_app" && "$cdktf_cli" synth --output cdktf.out) >"$work/synth-ts.log" 2>&1 || {
      cat "$work/synth-ts.log" >&2
      fail "cdktf synth of examples/src/full-stack.ts"
    }
  }
  timed "cdktf synth of examples/src/full-stack.ts (ts-node)" synth_ts
  ts_synth="$ts_app/cdktf.out/stacks/search-ner/cdk.tf.json"
fi
[[ -f "$ts_synth" ]] || fail "no TypeScript synth at $ts_synth"
# The app directory of each: cdktf's local backend writes the absolute state path of the directory it ran in.
ts_root="$(dirname "$(dirname "$(dirname "$(dirname "$ts_synth")")")")"

step "compare: the Python synth against the TypeScript synth ($ts_synth)"
"$venv/bin/python" scripts/consumer/compare_synth.py "$ts_synth" "$py_json" --root "$ts_root" "$app" ||
  fail "the Python app synthesized other Terraform than the TypeScript one"

step "tofu init -backend=false + validate of the Python syntheses (full_stack.py, batch_job.py)"
# shellcheck disable=SC1090
source "$(bash "$root/tools/install.sh" --print-env)"
validate() {
  local dir
  for dir in "$(dirname "$py_json")" "$(dirname "$batch_json")"; do
    tofu -chdir="$dir" init -backend=false -input=false -no-color >"$dir/init.log" 2>&1 || {
      cat "$dir/init.log" >&2
      fail "tofu init in $dir"
    }
    tofu -chdir="$dir" validate -no-color || fail "tofu validate of $dir"
  done
}
timed "tofu init + validate (both)" validate

echo "consumer:python timings:"
printf '  %s\n' "${timings[@]}"
echo "consumer:python passed in $((SECONDS - start)) s"
