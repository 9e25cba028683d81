#!/usr/bin/env node
// Compares a cdktn synth with the cdktf synth of the same stack (scripts/consumer/cdktn.sh):
//   node scripts/consumer/cdktn-compare.js CDKTF_CDK_TF_JSON CDKTN_CDK_TF_JSON
// Every resource and data source (type + name) must be in both, each with the same body; outputs, locals,
// variables and the "//" comments (checkov skips, overrides) too. The only differences allowed are these,
// printed each run (README, "CDK Terrain"):
//   - terraform.required_providers.aws: each provider package's own constraint (source and version)
//   - "//".metadata.version: the cdktf or cdktn version that synthesized it
//   - terraform.backend.local.path: the default local state file, an absolute path in each project
const { isDeepStrictEqual } = require("node:util");

const [cdktfFile, cdktnFile] = process.argv.slice(2);
if (!cdktnFile) {
  console.error("usage: cdktn-compare.js CDKTF_CDK_TF_JSON CDKTN_CDK_TF_JSON");
  process.exit(64);
}
const cdktf = require(require("node:path").resolve(cdktfFile));
const cdktn = require(require("node:path").resolve(cdktnFile));
const problems = [];
const allowed = [];

/** Where two JSON values differ, as "a.b.c" paths (at most 5). */
function differences(a, b, at = "") {
  if (isDeepStrictEqual(a, b)) return [];
  if (a && b && typeof a === "object" && typeof b === "object" && Array.isArray(a) === Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((k) => differences(a[k], b[k], at ? `${at}.${k}` : k)).slice(0, 5);
  }
  return [`${at || "(value)"}: ${JSON.stringify(a)} (cdktf) vs ${JSON.stringify(b)} (cdktn)`.slice(0, 300)];
}

// Resources and data sources: the same addresses, each with the same body.
for (const block of ["resource", "data"]) {
  const addresses = (j) =>
    Object.entries(j[block] ?? {}).flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`));
  const a = new Set(addresses(cdktf));
  const b = new Set(addresses(cdktn));
  for (const x of a) if (!b.has(x)) problems.push(`${block} ${x}: only in the cdktf synth`);
  for (const x of b) if (!a.has(x)) problems.push(`${block} ${x}: only in the cdktn synth`);
  let same = 0;
  for (const x of a) {
    if (!b.has(x)) continue;
    const [type, ...rest] = x.split(".");
    const name = rest.join(".");
    const diff = differences(cdktf[block][type][name], cdktn[block][type][name]);
    if (diff.length) problems.push(`${block} ${x} differs:\n      ${diff.join("\n      ")}`);
    else same += 1;
  }
  const types = new Set([...a].map((x) => x.split(".")[0])).size;
  console.log(
    `${block}: ${a.size} in the cdktf synth (${types} types), ${b.size} in the cdktn synth, ${same} the same`,
  );
}

for (const block of ["output", "locals", "variable", "provider", "module"]) {
  for (const d of differences(cdktf[block], cdktn[block])) problems.push(`${block}: ${d}`);
}

// The terraform block, without what each package pins by itself.
const terraformOf = (j) => {
  const t = structuredClone(j.terraform ?? {});
  const aws = t.required_providers?.aws;
  if (aws) delete t.required_providers.aws;
  const state = t.backend?.local?.path;
  if (state) delete t.backend.local.path;
  return { t, aws, state };
};
const tf = terraformOf(cdktf);
const tn = terraformOf(cdktn);
for (const d of differences(tf.t, tn.t)) problems.push(`terraform: ${d}`);
if (!tf.aws || !tn.aws) problems.push("terraform.required_providers.aws missing");
else if (!isDeepStrictEqual(tf.aws, tn.aws)) {
  allowed.push(`terraform.required_providers.aws: ${JSON.stringify(tf.aws)} -> ${JSON.stringify(tn.aws)}`);
}
if (tf.state !== tn.state) allowed.push("terraform.backend.local.path: each project's own terraform.<stack>.tfstate");

// The "//" comments: metadata (cdktf/cdktn version apart) and checkov's skips.
const commentsOf = (j) => {
  const c = structuredClone(j["//"] ?? {});
  const version = c.metadata?.version;
  if (c.metadata) delete c.metadata.version;
  return { c, version };
};
const cf = commentsOf(cdktf);
const cn = commentsOf(cdktn);
for (const d of differences(cf.c, cn.c)) problems.push(`"//": ${d}`);
if (cf.version !== cn.version) allowed.push(`"//".metadata.version: ${cf.version} (cdktf) -> ${cn.version} (cdktn)`);

const known = new Set(["resource", "data", "output", "locals", "variable", "provider", "module", "terraform", "//"]);
for (const key of new Set([...Object.keys(cdktf), ...Object.keys(cdktn)])) {
  if (!known.has(key) && !isDeepStrictEqual(cdktf[key], cdktn[key])) problems.push(`top-level ${key} differs`);
}

for (const a of allowed) console.log(`allowed difference: ${a}`);
if (problems.length) {
  console.error(
    `${problems.length} difference(s) between the cdktf and the cdktn synth:\n  - ${problems.join("\n  - ")}`,
  );
  process.exit(1);
}
console.log("the cdktn synth has the same resources, data sources, outputs and comments as the cdktf synth");
