#!/usr/bin/env bash
# pnpm release:python [--dist DIR] [--index-url URL] [TWINE_UPLOAD_ARGS...]: publishes the Python packages,
# the jsii modules' wheels (serverless-spacy.<pkg>), serverless-spacy-client and serverless-spacy-batch-cli,
# with twine (pinned in scripts/python/requirements-dev.txt).
#   1. without --dist: builds them into a fresh dist/python-release (build:python-modules, build:python-client,
#      build:python-batch-cli) from the versions the last `pnpm version-packages` wrote; --dist DIR publishes
#      what DIR holds instead
#   2. `twine check --strict` on every file: a description PyPI would refuse to render stops the release
#      before anything is uploaded
#   3. a file the index already lists (--index-url, the simple index the upload URL feeds; default PyPI's)
#      is skipped, so re-running after a partial failure finishes the release, as `changeset publish` does
#      for npm (twine's --skip-existing does this for PyPI only); an index never replaces a file, so a changed
#      wheel needs a new version
#   4. `twine upload` of the rest
# Where to: twine's own settings, TWINE_REPOSITORY_URL (default PyPI) or `--repository NAME` from ~/.pypirc;
# credentials from TWINE_USERNAME/TWINE_PASSWORD (for PyPI: __token__ and an API token) or keyring.
# pnpm test:consumer runs this against its local pypiserver (scripts/consumer/registry.sh).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
fail() {
  echo "release:python: FAILED: $*" >&2
  exit 1
}

dist="" index="https://pypi.org/simple/"
while (($#)); do
  case "$1" in
    --dist)
      dist="$(realpath -m "${2:?--dist needs a directory}")"
      [[ -d "$dist" ]] || fail "--dist $dist: no such directory"
      ;;
    --index-url) index="${2:?--index-url needs the simple index URL}" ;;
    *) break ;;
  esac
  shift 2
done

bash "$root/scripts/setup-python.sh" >&2 || fail "scripts/setup-python.sh"
twine="$root/.venv/bin/twine"
[[ -x "$twine" ]] || fail "twine is not in the project venv ($twine): scripts/python/requirements-dev.txt pins it"

if [[ -z "$dist" ]]; then
  dist="$root/dist/python-release"
  rm -rf "$dist"
  bash "$root/scripts/build-python-modules.sh" "$dist" || fail "build:python-modules"
  for wheel in client batch-cli; do
    bash "$root/scripts/build-python-wheel.sh" "$wheel" "$dist" >/dev/null || fail "build:python-$wheel"
  done
fi
files=()
for file in "$dist"/*.whl "$dist"/*.tar.gz; do [[ -f "$file" ]] && files+=("$file"); done
((${#files[@]})) || fail "no *.whl or *.tar.gz in $dist"

"$twine" check --strict "${files[@]}" || fail "twine check: fix the package metadata above; nothing was uploaded"
new=()
for file in "${files[@]}"; do
  # The project's page under its PEP 503 name; 404 is a project the index does not have yet.
  name="$(basename "$file" | sed -E 's/\.(whl|tar\.gz)$//; s/-[0-9].*$//' | tr 'A-Z_.' 'a-z--')"
  page="$(curl -sS --max-time 60 -w '\n%{http_code}' "${index%/}/$name/")" || fail "could not read ${index%/}/$name/"
  case "$(tail -1 <<<"$page")" in
    200) if grep -qF "$(basename "$file")" <<<"$page"; then
      echo "release:python: $(basename "$file") is already on $index, skipped"
      continue
    fi ;;
    404) ;;
    *) fail "${index%/}/$name/ answered HTTP $(tail -1 <<<"$page"): is --index-url the index twine uploads to?" ;;
  esac
  new+=("$file")
done
if ((${#new[@]} == 0)); then
  echo "release:python: nothing to upload, all ${#files[@]} file(s) are on $index"
  exit 0
fi
"$twine" upload --non-interactive --disable-progress-bar "$@" "${new[@]}" ||
  fail "twine upload (above); files uploaded before the failure stay, re-run to upload the rest"
echo "release:python: uploaded ${#new[@]} file(s): $(basename -a "${new[@]}" | tr '\n' ' ')"
