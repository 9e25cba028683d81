#!/usr/bin/env bash
# pnpm build:python-modules [OUT_DIR]: the Python wheels of the jsii packages (every workspace package whose
# package.json has jsii.targets.python: distName serverless-spacy.<pkg>, module serverless_spacy.<pkg>), into
# OUT_DIR (default dist/python, beside the serverless-spacy-client wheel).
#   1. turbo builds the packages (their `build` is `jsii`: dist/ and the .jsii assembly);
#   2. jsii-pacmak (the root devDependency, pinned) generates each package's Python sources, --code-only: its
#      own build step makes a venv with --system-site-packages (whatever the machine's python3 has installed
#      leaks in) and installs setuptools, build and twine by ~= ranges, so it is neither pinned nor isolated;
#   3. the wheel is built here instead, by a venv of the chosen Python (scripts/python/lib.sh) holding only the
#      pinned build backend pacmak's pyproject.toml asks for (scripts/python/requirements-pacmak.txt,
#      constraints-pacmak.txt): `pip wheel --no-deps --no-build-isolation`, nothing fetched while building;
#   4. each wheel is checked: the module, its py.typed and the npm tarball jsii's kernel loads, that tarball
#      holding the .jsii assembly and nothing scripts/package-contents.js forbids in a published package
#      (tests, caches, logs, TypeScript sources, build files), no other file in the wheel.
# PYTHON=… picks the interpreter (docs/python.md).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$(realpath -m "${1:-$root/dist/python}")"
cd "$root"
export CHECKPOINT_DISABLE=1 TURBO_TELEMETRY_DISABLED=1
# jsii's tools print a banner on every run under Node 20 (end of life); the README's supported Node is 20.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="${JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION:-20}"
start=$SECONDS
fail() { echo "build:python-modules: FAILED: $*" >&2; exit 1; }

# "<dir> <npm name> <distName> <module>" for every jsii package with a Python target, modules/ and packages/.
mapfile -t packages < <(node - <<'EOF'
const fs = require("fs");
const path = require("path");
for (const group of ["packages", "modules"]) {
  for (const name of fs.readdirSync(group).sort()) {
    const file = path.join(group, name, "package.json");
    if (!fs.existsSync(file)) continue;
    const m = JSON.parse(fs.readFileSync(file, "utf8"));
    const py = m.jsii?.targets?.python;
    if (py) console.log([path.dirname(file), m.name, py.distName, py.module].join(" "));
  }
}
EOF
)
((${#packages[@]})) || fail "no workspace package has jsii.targets.python in its package.json"
echo "build:python-modules: ${#packages[@]} jsii package(s):" \
  "$(printf '%s\n' "${packages[@]}" | cut -d' ' -f3 | tr '\n' ' ')"

filters=()
for line in "${packages[@]}"; do filters+=(--filter "./${line%% *}"); done
t=$SECONDS
nice -n 10 pnpm exec turbo run build --output-logs=errors-only "${filters[@]}" || fail "turbo run build (jsii)"
echo "build:python-modules: jsii build $((SECONDS - t)) s"
for line in "${packages[@]}"; do
  dir="${line%% *}"
  [[ -f "$dir/.jsii" ]] || fail "$dir has no .jsii after its build: is its build script jsii?"
done

# The build venv: the Python the repository's rule chooses, with the pinned build backend only.
source "$root/scripts/python/lib.sh"
py_venv_setup "pacmak build venv" "$root/.venv-pacmak" \
  "$root/scripts/python/requirements-pacmak.txt" "$root/scripts/python/constraints-pacmak.txt"

work="$(mktemp -d "${TMPDIR:-/tmp}/serverless-spacy-pacmak.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
pacmak="$root/node_modules/.bin/jsii-pacmak"
[[ -x "$pacmak" ]] || fail "jsii-pacmak is not installed ($pacmak): run pnpm install --frozen-lockfile"
t=$SECONDS
# One pacmak run for all of them (it loads the assemblies, the AWS provider's among them, once), each package's
# code into its jsii.outdir (dist-jsii/python, git-ignored, not in `files`). --no-npmignore: pacmak would
# otherwise edit the packages' .npmignore; --no-fingerprint: always generated afresh.
dirs=()
for line in "${packages[@]}"; do
  read -r dir name dist module <<<"$line"
  outdir="$(node -p "require('./$dir/package.json').jsii.outdir")"
  [[ -n "$outdir" && "$outdir" != undefined ]] || fail "$dir/package.json has no jsii.outdir"
  rm -rf "${dir:?}/$outdir/python"
  dirs+=("$dir")
done
nice -n 10 "$pacmak" --targets python --code-only --no-npmignore --no-fingerprint "${dirs[@]}" \
  >"$work/pacmak.log" 2>&1 || {
  cat "$work/pacmak.log" >&2
  fail "jsii-pacmak (log above)"
}
echo "build:python-modules: jsii-pacmak $("$pacmak" --version) (code only) $((SECONDS - t)) s"

t=$SECONDS
for line in "${packages[@]}"; do
  read -r dir name dist module <<<"$line"
  # A copy: setuptools leaves build/ and *.egg-info beside the sources.
  src="$work/$dist"
  cp -r "$dir/$(node -p "require('./$dir/package.json').jsii.outdir")/python" "$src"
  [[ -f "$src/setup.py" ]] || fail "jsii-pacmak wrote no $src/setup.py for $name"
  # The normalized wheel name (serverless-spacy.network -> serverless_spacy_network-<version>-py3-none-any.whl).
  version="$(node -p "require('./$dir/package.json').version")"
  wheel_base="$(tr '.-' '__' <<<"$dist")-$version"
  rm -f "$out/$wheel_base"-*.whl
  # (setuptools warns "Unknown distribution option: 'bdist_wheel'" about pacmak's setup.py: harmless.)
  PYTHONDONTWRITEBYTECODE=1 "$root/.venv-pacmak/bin/python" -m pip wheel --no-deps --no-build-isolation \
    --disable-pip-version-check --no-cache-dir --quiet --wheel-dir "$out" "$src" >"$work/$dist-wheel.log" 2>&1 || {
    cat "$work/$dist-wheel.log" >&2
    fail "pip wheel for $name (log above)"
  }
  wheel="$out/$wheel_base-py3-none-any.whl"
  [[ -f "$wheel" ]] || fail "pip wheel wrote no $(basename "$wheel")"
  node scripts/consumer/wheel-contents.js "$wheel" "$module" "$dir" ||
    fail "$(basename "$wheel") does not hold what it must"
done
# The check must bite: a copy of the last wheel with a test, a bytecode cache and a test inside its npm tarball.
node scripts/consumer/wheel-contents.js --self-test "$wheel" "$module" "$dir" || fail "the wheel check does not bite"
echo "build:python-modules: wheels $((SECONDS - t)) s; ${#packages[@]} wheel(s) in $out, $((SECONDS - start)) s in all"
