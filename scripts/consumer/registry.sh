# shellcheck shell=bash
# Local package registries for the consumer tests: our npm packages and our Python wheels are published to
# them the way a release publishes them, and consumers install them by name and version range.
#   npm:    verdaccio 6.8.0 (root devDependency; config scripts/consumer/verdaccio.yaml), no uplinks
#   Python: pypiserver 2.4.2 (in the project venv: scripts/python/requirements-dev.txt, constraints.txt)
# Source this file (bash, after `set -euo pipefail`), then call the functions below in the main shell, not in
# $(...) or a pipeline: they export the variables listed further down. (stop_registries still finds a server
# started in a subshell: the process groups are listed in $REGISTRY_DIR/servers.pgid.) Nothing here touches
# the checkout it is sourced from: the npm publish runs in a throwaway copy of the working tree.
#
#   source scripts/consumer/registry.sh
#   registry_init "$work/registry"   # optional: where state goes (default: a new temp dir)
#   trap stop_registries EXIT        # or call stop_registries from your own EXIT trap
#   publish_npm_packages             # starts verdaccio if needed; changesets version + publish
#   npm_registry_npmrc "$project"    # a consumer's .npmrc: our scope from verdaccio, the rest from npmjs
#   npm install "@serverless-spacy/network@^$(npm_published_version @serverless-spacy/network)"
#   publish_python_wheels dist/python   # starts pypiserver if needed; releases every wheel in the dir
#   pip_install_from_index "$venv/bin/python" "serverless-spacy-client>=0.1,<0.2"
#
# Functions
#   registry_init [DIR]           state directory (created); default mktemp -d. Called by the others if needed.
#   start_npm_registry            verdaccio on a free 127.0.0.1 port, one htpasswd user with a publish token.
#   publish_npm_packages          copies the working tree (git ls-files: tracked + untracked, not ignored)
#                                 into $REGISTRY_DIR/workspace, pnpm install --frozen-lockfile there, adds a
#                                 changeset (patch, every publishable package), `changeset version`, then
#                                 scripts/pack-packages.js (build + content check + npm publish --dry-run),
#                                 `pnpm release:npm` (changeset publish) to verdaccio, and the content check
#                                 again on the tarballs verdaccio stored.
#   npm_registry_npmrc DIR [--auth]  writes DIR/.npmrc: @serverless-spacy:registry=$NPM_REGISTRY_URL (and the
#                                 token with --auth). Keeps package-lock.json's `resolved` URLs.
#   npm_published_version NAME    the version publish_npm_packages published of NAME.
#   start_python_index            pypiserver on a free 127.0.0.1 port, uploads without auth, no fallback.
#   publish_python_wheels DIR     `pnpm release:python --dist DIR` (twine check + upload) to pypiserver, checks
#                                 each file is listed in the simple index with its sha256, then re-runs the
#                                 release, which must skip everything.
#   pip_install_from_index PYTHON ARGS...  PYTHON -m pip install ARGS with --index-url $PYTHON_INDEX_URL and
#                                 --extra-index-url $PYPI_SIMPLE_URL (third-party packages from PyPI), no cache,
#                                 no PIP_FIND_LINKS; --report $REGISTRY_DIR/pip-report.json.
#   stop_registries               stops both servers (their whole process groups). Idempotent.
#
# Exported variables
#   REGISTRY_DIR            state directory (verdaccio/, pyindex/, workspace/, logs)
#   NPM_REGISTRY_URL        http://127.0.0.1:PORT/ (trailing slash), verdaccio
#   NPM_REGISTRY_TOKEN      publish token of the registry's user
#   NPM_REGISTRY_STORAGE    verdaccio's storage: STORAGE/@serverless-spacy/<name>/<name>-<version>.tgz
#   NPM_PUBLISHED_FILE      after publish_npm_packages: one "name version" line per published package
#   NPM_PUBLISHED_DIR       after publish_npm_packages: the published tarballs as fetched back from the
#                           registry (serverless-spacy-<name>-<version>.tgz)
#   NPM_PUBLISH_WORKSPACE   after publish_npm_packages: the versioned, built copy of the workspace
#   PYTHON_INDEX_URL        http://127.0.0.1:PORT/simple/ (PEP 503 simple index, pypiserver)
#   PYTHON_INDEX_UPLOAD_URL http://127.0.0.1:PORT/ (legacy upload API, no auth)
#   PYTHON_INDEX_DIR        the index's package directory
#   PYPI_SIMPLE_URL         where third-party Python packages come from (default https://pypi.org/simple)
# Each failure stops with "registry: <what went wrong>" on stderr and the server's log where there is one.

REGISTRY_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
REGISTRY_SCOPE=@serverless-spacy
REGISTRY_VERDACCIO_VERSION=6.8.0
export PYPI_SIMPLE_URL="${PYPI_SIMPLE_URL:-https://pypi.org/simple}"
_registry_own_dir=""
_registry_port=""
_registry_t0=$SECONDS

registry_fail() {
  echo "registry: $*" >&2
  exit 1
}

_registry_say() { echo "registry [$((SECONDS - _registry_t0))s]: $*"; }

registry_init() {
  if [[ -n "${1:-}" ]]; then
    mkdir -p "$1"
    REGISTRY_DIR="$(cd "$1" && pwd)"
  elif [[ -z "${REGISTRY_DIR:-}" ]]; then
    # A directory made in a subshell is lost with it, and so would be the servers started there.
    ((BASH_SUBSHELL == 0)) || registry_fail "call registry_init (or a start_/publish_ function) in the main shell" \
      "first, not only in \$(...) or a pipeline: stop_registries could not find its servers"
    REGISTRY_DIR="$(mktemp -d "${TMPDIR:-/tmp}/serverless-spacy-registry.XXXXXX")"
    _registry_own_dir="$REGISTRY_DIR"
  fi
  mkdir -p "$REGISTRY_DIR"
  case "$REGISTRY_DIR/" in
    "$REGISTRY_ROOT"/*) registry_fail "REGISTRY_DIR $REGISTRY_DIR is inside the workspace" ;;
  esac
  export REGISTRY_DIR
}

_registry_free_port() {
  node -e 'const s = require("net").createServer();
    s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# _registry_serve <label> <log> <path> <cwd> <command...>: starts the command in its own session (setsid, so
# stop_registries ends it and everything it started, nothing else) with every "{port}" in its arguments
# replaced by a free port, until http://127.0.0.1:<port><path> answers 2xx (60 s). Another process taking the
# port between the probe and the bind gives up to 3 attempts; any other failure stops with the server's log.
# Sets _registry_port.
_registry_serve() {
  local label="$1" log="$2" path="$3" cwd="$4" port pid attempt arg
  shift 4
  for attempt in 1 2 3; do
    port="$(_registry_free_port)"
    local cmd=()
    for arg in "$@"; do cmd+=("${arg//\{port\}/$port}"); done
    (cd "$cwd" && exec setsid "${cmd[@]}") >"$log" 2>&1 &
    pid=$!
    # Also in a file, so stop_registries finds servers started in a subshell (a pipeline, $(...)).
    echo "$pid" >>"$REGISTRY_DIR/servers.pgid"
    for _ in $(seq 1 120); do
      if curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$port$path" 2>/dev/null; then
        _registry_port="$port"
        return 0
      fi
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    if kill -0 "$pid" 2>/dev/null; then
      cat "$log" >&2
      registry_fail "$label did not answer on http://127.0.0.1:$port$path within 60 s (its log is above)"
    fi
    wait "$pid" 2>/dev/null || true
    if ((attempt < 3)) && grep -qiE 'EADDRINUSE|address already in use' "$log"; then
      echo "registry: port $port was taken before $label bound it; another port" >&2
      continue
    fi
    cat "$log" >&2
    registry_fail "$label exited before it answered on http://127.0.0.1:$port$path (its log is above)"
  done
}

stop_registries() {
  local pgid pgids=()
  [[ -n "${REGISTRY_DIR:-}" && -f "$REGISTRY_DIR/servers.pgid" ]] && mapfile -t pgids <"$REGISTRY_DIR/servers.pgid"
  for pgid in ${pgids[@]+"${pgids[@]}"}; do
    kill -- "-$pgid" 2>/dev/null || true
  done
  for pgid in ${pgids[@]+"${pgids[@]}"}; do
    # Until nothing but zombies is left of the server's session (setsid: session = process group = pgid).
    for _ in $(seq 1 40); do
      ps -o stat= -s "$pgid" 2>/dev/null | grep -qv '^Z' || break
      sleep 0.25
    done
    kill -KILL -- "-$pgid" 2>/dev/null || true
    # Reap it when this shell started it (bash complains about waiting for anyone else's process).
    if [[ "$(ps -o ppid= -p "$pgid" 2>/dev/null | tr -d ' ')" == "$BASHPID" ]]; then
      wait "$pgid" 2>/dev/null || true
    fi
  done
  [[ -n "${REGISTRY_DIR:-}" ]] && rm -f "$REGISTRY_DIR/servers.pgid"
  if [[ -n "$_registry_own_dir" && "${KEEP_CONSUMER_DIR:-0}" != 1 ]]; then rm -rf "$_registry_own_dir"; fi
  _registry_own_dir=""
}

# ---------------------------------------------------------------------------------------------------- npm

start_npm_registry() {
  [[ -n "${NPM_REGISTRY_URL:-}" ]] && return 0
  registry_init
  local bin="$REGISTRY_ROOT/node_modules/.bin/verdaccio" version dir port log
  [[ -x "$bin" ]] || registry_fail "verdaccio is not installed ($bin missing): run pnpm install --frozen-lockfile"
  version="$(cd "$REGISTRY_ROOT" && node -p 'require("verdaccio/package.json").version')"
  [[ "$version" == "$REGISTRY_VERDACCIO_VERSION" ]] ||
    registry_fail "verdaccio $version installed, $REGISTRY_VERDACCIO_VERSION pinned: run pnpm install --frozen-lockfile"
  dir="$REGISTRY_DIR/verdaccio"
  rm -rf "$dir"
  mkdir -p "$dir"
  cp "$REGISTRY_ROOT/scripts/consumer/verdaccio.yaml" "$dir/config.yaml"
  log="$dir/verdaccio.log"
  _registry_serve "verdaccio $version" "$log" /-/ping "$dir" "$bin" --config "$dir/config.yaml" \
    --listen "127.0.0.1:{port}"
  port="$_registry_port"
  # The one user the config allows; npm's adduser call, which answers with a token.
  local password answer token
  password="$(node -p 'require("crypto").randomBytes(18).toString("hex")')"
  answer="$(curl -sS --max-time 30 -X PUT -H 'content-type: application/json' \
    -d "{\"name\":\"consumer-test\",\"password\":\"$password\"}" \
    "http://127.0.0.1:$port/-/user/org.couchdb.user:consumer-test")" ||
    registry_fail "could not reach verdaccio to create its user (log: $log)"
  token="$(node -e 'const a = JSON.parse(process.argv[1]); if (!a.token) process.exit(1); console.log(a.token)' \
    "$answer")" || registry_fail "verdaccio did not create the publish user: $answer"
  export NPM_REGISTRY_URL="http://127.0.0.1:$port/" NPM_REGISTRY_TOKEN="$token" NPM_REGISTRY_STORAGE="$dir/storage"
  _registry_say "verdaccio $version on $NPM_REGISTRY_URL (storage $NPM_REGISTRY_STORAGE, log $log)"
}

# npm_registry_npmrc DIR [--auth]: the project .npmrc of a consumer (or, with --auth, of the publisher).
npm_registry_npmrc() {
  [[ -n "${NPM_REGISTRY_URL:-}" ]] || registry_fail "npm_registry_npmrc: start_npm_registry first"
  local file="$1/.npmrc"
  {
    echo "$REGISTRY_SCOPE:registry=$NPM_REGISTRY_URL"
    # npm's default; a developer's ~/.npmrc may turn it off, and the consumer test reads these URLs.
    echo "omit-lockfile-registry-resolved=false"
    if [[ "${2:-}" == --auth ]]; then echo "${NPM_REGISTRY_URL#http:}:_authToken=$NPM_REGISTRY_TOKEN"; fi
  } >"$file"
}

npm_published_version() {
  [[ -f "${NPM_PUBLISHED_FILE:-}" ]] || registry_fail "npm_published_version: run publish_npm_packages first"
  local version
  version="$(awk -v n="$1" '$1 == n { print $2 }' "$NPM_PUBLISHED_FILE")"
  [[ -n "$version" ]] || registry_fail "npm_published_version: $1 was not published ($NPM_PUBLISHED_FILE)"
  echo "$version"
}

# Why a real `changeset version` and not `--snapshot`: a snapshot publishes prereleases
# (0.0.0-consumer-test-<date>) that no caret or tilde range matches unless it names that prerelease, and
# needs its own dist-tag; the consumer would install exact versions, not a range the way a user does.
# A regular version bump, from one added patch changeset on top of whatever changesets are pending, is
# what the release does and gives versions `^X.Y.Z` ranges select. The registry is empty on every run, so
# the version is never taken, and the bump happens in a copy, so the checkout's versions stay as they are.
publish_npm_packages() {
  start_npm_registry
  local ws="$REGISTRY_DIR/workspace" log="$REGISTRY_DIR/npm-publish.log"
  git -C "$REGISTRY_ROOT" rev-parse --git-dir >/dev/null 2>&1 ||
    registry_fail "publish_npm_packages copies the working tree with git ls-files: $REGISTRY_ROOT is no git checkout"
  rm -rf "$ws"
  mkdir -p "$ws"
  # The working tree as it is (tracked and new files, not ignored ones; files deleted but not yet committed
  # are left out): what the developer is about to commit, not HEAD.
  (cd "$REGISTRY_ROOT" && git ls-files -z --cached --others --exclude-standard) |
    (cd "$REGISTRY_ROOT" && while IFS= read -r -d '' f; do [[ -e "$f" || -L "$f" ]] && printf '%s\0' "$f"; done) |
    tar -C "$REGISTRY_ROOT" --null -T - -cf - | tar -C "$ws" -xf - ||
    registry_fail "could not copy the working tree into $ws"
  [[ -f "$ws/.changeset/config.json" ]] || registry_fail "no .changeset/config.json in the working tree"
  _registry_say "the working tree copied to $ws; pnpm install --frozen-lockfile there"
  (cd "$ws" && CI=1 pnpm install --frozen-lockfile --prefer-offline --reporter=append-only) >"$log" 2>&1 || {
    cat "$log" >&2
    registry_fail "pnpm install --frozen-lockfile in the copy of the workspace failed (log above)"
  }

  # One changeset releasing every publishable package (modules/*, packages/* that are not private), the file
  # `changeset add` would write.
  (cd "$ws" && node - >.changeset/consumer-test-release.md) <<'EOF' || registry_fail "could not write the changeset"
const fs = require("fs");
const path = require("path");
const names = ["modules", "packages"]
  .flatMap((g) => fs.readdirSync(g).map((n) => path.join(g, n, "package.json")))
  .filter((f) => fs.existsSync(f))
  .map((f) => JSON.parse(fs.readFileSync(f, "utf8")))
  .filter((m) => !m.private)
  .map((m) => m.name)
  .sort();
if (names.length === 0) throw new Error("no publishable package in modules/ or packages/");
console.log(["---", ...names.map((n) => `"${n}": patch`), "---", "", "Consumer test release.", ""].join("\n"));
EOF
  _registry_say "changeset version ($(grep -c ': patch' "$ws/.changeset/consumer-test-release.md") packages, with" \
    "$(($(find "$ws/.changeset" -name '*.md' ! -name README.md | wc -l) - 1)) changesets pending)"
  (cd "$ws" && pnpm exec changeset version) >>"$log" 2>&1 || {
    cat "$log" >&2
    registry_fail "changeset version failed in $ws (log above)"
  }

  _registry_say "pack:packages in the copy (build, content check, npm publish --dry-run)"
  (cd "$ws" && node scripts/pack-packages.js --out "$REGISTRY_DIR/packed") >>"$log" 2>&1 || {
    cat "$log" >&2
    registry_fail "pack:packages failed on the versioned copy (log above)"
  }
  grep '^  .*\.tgz' "$log" || true

  # changesets asks `npm info` for each package, then runs `pnpm publish` in each package directory, with the
  # scope's registry from npm_config_@serverless-spacy:registry and the token from the copy's .npmrc.
  npm_registry_npmrc "$ws" --auth
  _registry_say "pnpm release:npm (changeset publish) to $NPM_REGISTRY_URL"
  (cd "$ws" && env "npm_config_$REGISTRY_SCOPE:registry=$NPM_REGISTRY_URL" pnpm release:npm --no-git-tag) \
    >>"$log" 2>&1 || {
    cat "$log" >&2
    registry_fail "changeset publish to verdaccio failed (log above)"
  }

  # What the registry now serves: each package's version and tarball, fetched back, checked like pack:packages
  # checks its tarballs, and holding the same files as the tarball pack:packages checked.
  export NPM_PUBLISH_WORKSPACE="$ws" NPM_PUBLISHED_FILE="$REGISTRY_DIR/npm-published.txt"
  export NPM_PUBLISHED_DIR="$REGISTRY_DIR/published"
  rm -rf "$NPM_PUBLISHED_DIR"
  mkdir -p "$NPM_PUBLISHED_DIR"
  (cd "$ws" && node - "$NPM_REGISTRY_URL" "$NPM_PUBLISHED_DIR" "$REGISTRY_DIR/packed" >"$NPM_PUBLISHED_FILE") <<'EOF' ||
const { execFileSync } = require("child_process");
const fs = require("fs");
const path = require("path");
const { checkTarball, listTarball } = require("./scripts/package-contents");
const [registry, out, packed] = process.argv.slice(2);
(async () => {
  const dirs = ["modules", "packages"].flatMap((g) => fs.readdirSync(g).map((n) => path.join(g, n)));
  const problems = [];
  for (const dir of dirs.filter((d) => fs.existsSync(path.join(d, "package.json")))) {
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
    if (manifest.private) continue;
    const doc = await fetch(registry + manifest.name.replace("/", "%2f"));
    if (!doc.ok) {
      problems.push(`${manifest.name}: the registry answers ${doc.status}`);
      continue;
    }
    const meta = await doc.json();
    const published = meta.versions?.[manifest.version];
    if (!published) {
      problems.push(`${manifest.name}: ${manifest.version} not on the registry (has ${Object.keys(meta.versions)})`);
      continue;
    }
    if (!published.dist.tarball.startsWith(registry)) problems.push(`${manifest.name}: tarball URL elsewhere`);
    const file = path.join(out, `serverless-spacy-${path.basename(published.dist.tarball)}`);
    fs.writeFileSync(file, Buffer.from(await (await fetch(published.dist.tarball)).arrayBuffer()));
    const sha1 = execFileSync("sha1sum", [file], { encoding: "utf8" }).split(" ")[0];
    if (sha1 !== published.dist.shasum) problems.push(`${manifest.name}: tarball shasum differs from the registry's`);
    problems.push(...checkTarball(file, path.resolve(dir), process.cwd()).map((p) => `${manifest.name}: ${p}`));
    const packedFile = path.join(packed, path.basename(file));
    if (!fs.existsSync(packedFile)) problems.push(`${manifest.name}: pack:packages made no ${path.basename(file)}`);
    else if (listTarball(packedFile).sort().join("\n") !== listTarball(file).sort().join("\n")) {
      problems.push(`${manifest.name}: the published tarball holds other files than the one pack:packages checked`);
    }
    if (meta["dist-tags"]?.latest !== manifest.version) problems.push(`${manifest.name}: latest is not the version`);
    console.log(`${manifest.name} ${manifest.version}`);
  }
  if (problems.length) {
    console.error(`registry: ${problems.length} problem(s) with what verdaccio serves:`);
    console.error(`  - ${problems.join("\n  - ")}`);
    process.exit(1);
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
EOF
    registry_fail "what verdaccio serves is not what was published (above)"
  _registry_say "published to $NPM_REGISTRY_URL and fetched back, content-checked:" \
    "$(tr '\n' ' ' <"$NPM_PUBLISHED_FILE")"
}

# ------------------------------------------------------------------------------------------------- Python

start_python_index() {
  [[ -n "${PYTHON_INDEX_URL:-}" ]] && return 0
  registry_init
  # The project venv carries the pinned pypiserver (scripts/python/requirements-dev.txt, constraints.txt).
  bash "$REGISTRY_ROOT/scripts/setup-python.sh" >&2 || registry_fail "scripts/setup-python.sh failed"
  local bin="$REGISTRY_ROOT/.venv/bin/pypi-server" dir="$REGISTRY_DIR/pyindex" port log
  [[ -x "$bin" ]] || registry_fail "pypiserver is not in the project venv ($bin missing) after setup-python.sh"
  rm -rf "$dir"
  mkdir -p "$dir/packages"
  log="$dir/pypiserver.log"
  # -a . -P .: no authentication, uploads included; --disable-fallback: a name the index lacks is a 404, not a
  # redirect to PyPI (pip asks PyPI itself through --extra-index-url).
  _registry_serve pypiserver "$log" /simple/ "$dir" "$bin" run --host 127.0.0.1 --port "{port}" -a . -P . \
    --disable-fallback "$dir/packages"
  port="$_registry_port"
  export PYTHON_INDEX_URL="http://127.0.0.1:$port/simple/" PYTHON_INDEX_UPLOAD_URL="http://127.0.0.1:$port/"
  export PYTHON_INDEX_DIR="$dir/packages"
  _registry_say "pypiserver $("$bin" --version 2>/dev/null) on $PYTHON_INDEX_URL (log $log)"
}

# publish_python_wheels DIR: every *.whl and *.tar.gz in DIR, published by the release's own command
# (scripts/release/python.sh: twine check, then twine upload of what the index lacks), run twice: the second
# run must find everything on the index and upload nothing, the way a re-run release finishes a partial one.
publish_python_wheels() {
  local dir="${1:?publish_python_wheels needs a directory of wheels}" file name digest log="$REGISTRY_DIR/twine.log"
  [[ -d "$dir" ]] || registry_fail "publish_python_wheels: no directory $dir"
  start_python_index
  local files=("$dir"/*.whl "$dir"/*.tar.gz) count=0
  release_python() {
    # pypiserver runs without authentication (-a . -P .); twine sends these and the server ignores them.
    TWINE_REPOSITORY_URL="$PYTHON_INDEX_UPLOAD_URL" TWINE_USERNAME=consumer-test TWINE_PASSWORD=unused \
      PYTHON_KEYRING_BACKEND=keyring.backends.null.Keyring \
      bash "$REGISTRY_ROOT/scripts/release/python.sh" --dist "$dir" --index-url "$PYTHON_INDEX_URL" >"$log" 2>&1 || {
      cat "$log" >&2
      registry_fail "release:python to $PYTHON_INDEX_UPLOAD_URL failed (log above)"
    }
  }
  release_python
  for file in "${files[@]}"; do
    [[ -f "$file" ]] || continue
    digest="$(sha256sum "$file" | cut -d' ' -f1)"
    # The simple index must now list it under its normalized project name (PEP 503), with its digest.
    name="$(basename "$file" | sed -E 's/\.(whl|tar\.gz)$//; s/-[0-9].*$//' | tr 'A-Z_.' 'a-z--')"
    curl -fsS --max-time 30 "$PYTHON_INDEX_URL$name/" | grep -qF "$(basename "$file")#sha256=$digest" ||
      registry_fail "$(basename "$file") released but not listed with its sha256 at $PYTHON_INDEX_URL$name/"
    _registry_say "published $(basename "$file") -> $PYTHON_INDEX_URL$name/"
    count=$((count + 1))
  done
  ((count > 0)) || registry_fail "publish_python_wheels: no *.whl or *.tar.gz in $dir"
  release_python
  grep -q "nothing to upload, all $count file(s) are on" "$log" || {
    cat "$log" >&2
    registry_fail "re-running release:python did not skip the $count file(s) already on the index"
  }
  _registry_say "release:python re-run: all $count file(s) already on the index, nothing uploaded"
}

# pip_install_from_index PYTHON ARGS...: our packages from the local index, everything else from PyPI.
pip_install_from_index() {
  local python="${1:?pip_install_from_index needs a python}"
  shift
  [[ -n "${PYTHON_INDEX_URL:-}" ]] || registry_fail "pip_install_from_index: start_python_index first"
  # No cache and no find-links (a developer's PIP_FIND_LINKS could serve a stale wheel of ours): the index is
  # the only place our packages can come from.
  env -u PIP_FIND_LINKS -u PIP_INDEX_URL -u PIP_EXTRA_INDEX_URL "$python" -m pip install \
    --disable-pip-version-check --no-cache-dir --progress-bar off \
    --index-url "$PYTHON_INDEX_URL" --extra-index-url "$PYPI_SIMPLE_URL" \
    --report "$REGISTRY_DIR/pip-report.json" "$@"
}
