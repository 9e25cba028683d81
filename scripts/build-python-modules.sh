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
# One pacmak per package, each into a directory of its own (one --outdir for several packages would put
# them all into the same python/ folder). --no-npmignore: pacmak would otherwise edit the packages' .npmignore.
for line in "${packages[@]}"; do
  read -r dir name dist module <<<"$line"
  nice -n 10 "$pacmak" --targets python --code-only --no-npmignore --no-fingerprint --outdir "$work/$dist" "$dir" \
    >"$work/$dist.log" 2>&1 || {
    cat "$work/$dist.log" >&2
    fail "jsii-pacmak for $name (log above)"
  }
done
echo "build:python-modules: jsii-pacmak $("$pacmak" --version) (code only) $((SECONDS - t)) s"

t=$SECONDS
for line in "${packages[@]}"; do
  read -r dir name dist module <<<"$line"
  src="$work/$dist/python"
  [[ -f "$src/setup.py" ]] || fail "jsii-pacmak wrote no $src/setup.py for $name"
  # The normalized wheel name (serverless-spacy.network -> serverless_spacy_network-<version>-py3-none-any.whl).
  version="$(node -p "require('./$dir/package.json').version")"
  wheel_base="$(tr '.-' '__' <<<"$dist")-$version"
  rm -f "$out/$wheel_base"-*.whl
  # setuptools warns that pacmak's setup.py still uses license classifiers and bdist_wheel options; the
  # warnings are pacmak's, the metadata is right (checked below and by pip at install).
  PYTHONDONTWRITEBYTECODE=1 "$root/.venv-pacmak/bin/python" -m pip wheel --no-deps --no-build-isolation \
    --disable-pip-version-check --no-cache-dir --quiet --wheel-dir "$out" "$src" >"$work/$dist-wheel.log" 2>&1 || {
    cat "$work/$dist-wheel.log" >&2
    fail "pip wheel for $name (log above)"
  }
  wheel="$out/$wheel_base-py3-none-any.whl"
  [[ -f "$wheel" ]] || fail "pip wheel wrote no $(basename "$wheel")"
  node - "$wheel" "$module" "$dir" <<'EOF' || fail "$(basename "$wheel") does not hold what it must"
const { execFileSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { FORBIDDEN } = require("./scripts/package-contents");
const [wheel, module, pkgDir] = process.argv.slice(2);
const manifest = JSON.parse(fs.readFileSync(path.join(pkgDir, "package.json"), "utf8"));
const dir = module.replace(/\./g, "/");
const files = execFileSync("unzip", ["-Z1", wheel], { encoding: "utf8" }).split("\n").filter(Boolean);
const tarballName = `${manifest.name.replace(/^@[^/]+\//, "")}@${manifest.version}.jsii.tgz`;
const want = [`${dir}/__init__.py`, `${dir}/py.typed`, `${dir}/_jsii/__init__.py`, `${dir}/_jsii/${tarballName}`];
const problems = want.filter((f) => !files.includes(f)).map((f) => `misses ${f}`);
// Besides those: the dist-info, and one __init__.py (+ py.typed) per jsii submodule under the module's folder.
const allowed = (f) =>
  want.includes(f) ||
  /^[^/]+\.dist-info\/(METADATA|WHEEL|RECORD|top_level\.txt|LICENSE|licenses\/LICENSE)$/.test(f) ||
  (f.startsWith(`${dir}/`) && /\/(__init__\.py|py\.typed)$/.test(f) && !/(^|\/)(tests?|__pycache__)\//.test(f));
problems.push(...files.filter((f) => !allowed(f)).map((f) => `holds ${f}`));
if (files.includes(`${dir}/_jsii/${tarballName}`)) {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "wheel-tarball-"));
  try {
    execFileSync("unzip", ["-q", wheel, `${dir}/_jsii/${tarballName}`, "-d", scratch]);
    const inside = execFileSync("tar", ["-tzf", path.join(scratch, dir, "_jsii", tarballName)], { encoding: "utf8" })
      .split("\n")
      .filter((l) => l && !l.endsWith("/"))
      .map((l) => l.replace(/^package\//, ""));
    if (!inside.includes(".jsii")) problems.push(`${tarballName} misses .jsii`);
    // node_modules/ only for bundledDependencies (npm packs them there); everything else as for npm.
    const bundled = manifest.bundledDependencies ?? [];
    const isBundled = (f) => bundled.some((b) => f.startsWith(`node_modules/${b}/`));
    for (const f of inside) {
      if (!isBundled(f) && FORBIDDEN.some((re) => re.test(f))) problems.push(`${tarballName} holds ${f}`);
    }
    for (const b of bundled) {
      if (!inside.some((f) => f.startsWith(`node_modules/${b}/`))) problems.push(`${tarballName} misses bundled ${b}`);
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
if (problems.length) {
  console.error(`${path.basename(wheel)}:\n  - ${problems.join("\n  - ")}`);
  process.exit(1);
}
console.log(`  ${path.basename(wheel)}  ${files.length} files, ${(fs.statSync(wheel).size / 1024).toFixed(1)} kB`);
EOF
done
echo "build:python-modules: wheels $((SECONDS - t)) s; ${#packages[@]} wheel(s) in $out, $((SECONDS - start)) s in all"
