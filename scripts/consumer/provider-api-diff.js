#!/usr/bin/env node
// What changed, between two AWS provider packages, in the provider classes our packages use:
//   node scripts/consumer/provider-api-diff.js OLD_PROVIDER_DIR NEW_PROVIDER_DIR
// e.g. the workspace's @cdktf/provider-aws 21.22.1 against @cdktn/provider-aws 25.7.0 in a cdktn project
// (KEEP_CONSUMER_DIR=1 bash scripts/consumer/cdktn.sh keeps one). For every provider module the packages'
// source imports (modules/*/src, packages/shared/src), compares the members of its exported classes and
// interfaces by name, optionality and declared type (cdktf.X and cdktn.X count as the same type):
//   - removed, ~ changed, + added. Members of the generated *List classes' plumbing are left out.
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "../..");
const ts = require(require.resolve("typescript", { paths: [root] }));
const [oldDir, newDir] = process.argv.slice(2);
if (!newDir) {
  console.error("usage: provider-api-diff.js OLD_PROVIDER_DIR NEW_PROVIDER_DIR");
  process.exit(64);
}

function sources(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const file = path.join(dir, e.name);
    if (e.isDirectory()) return sources(file);
    return /\.ts$/.test(e.name) ? [file] : [];
  });
}
const srcDirs = [...fs.readdirSync(path.join(root, "modules")).map((m) => path.join(root, "modules", m, "src"))];
srcDirs.push(path.join(root, "packages/shared/src"));
const used = new Set();
for (const file of srcDirs.filter((d) => fs.existsSync(d)).flatMap(sources)) {
  for (const m of fs.readFileSync(file, "utf8").matchAll(/["']@cdktf\/provider-aws\/lib\/([a-z0-9-]+)["']/g)) {
    used.add(m[1]);
  }
}

/** "Class.member" -> declared type, for every exported class and interface of one module's index.d.ts. */
function members(dir, mod) {
  const file = path.join(dir, "lib", mod, "index.d.ts");
  const src = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const out = new Map();
  for (const node of src.statements) {
    if (!(ts.isInterfaceDeclaration(node) || ts.isClassDeclaration(node)) || !node.name) continue;
    for (const m of node.members) {
      if (!m.name) continue;
      const isStatic = ts.getCombinedModifierFlags(m) & ts.ModifierFlags.Static;
      const key = `${node.name.text}.${isStatic ? "static " : ""}${m.name.getText(src)}${m.questionToken ? "?" : ""}`;
      const type = m.type
        ? m.type.getText(src)
        : m.parameters
          ? `(${m.parameters.map((p) => p.getText(src)).join(", ")})`
          : "";
      out.set(key, type.replace(/\s+/g, " ").replace(/\bcdktf\./g, "cdktn."));
    }
  }
  return out;
}

const PLUMBING = /List\.(terraformResource|terraformAttribute|wrapsSet)$/;
let changed = 0;
for (const mod of [...used].sort()) {
  const a = members(oldDir, mod);
  const b = members(newDir, mod);
  const lines = [];
  for (const [k, t] of a) {
    if (PLUMBING.test(k)) continue;
    if (!b.has(k)) lines.push(`  - ${k}: ${t}`);
    else if (b.get(k) !== t) lines.push(`  ~ ${k}: ${t} -> ${b.get(k)}`);
  }
  for (const [k, t] of b) if (!a.has(k) && !PLUMBING.test(k)) lines.push(`  + ${k}: ${t}`);
  if (lines.length) {
    changed += 1;
    console.log(`${mod}\n${lines.join("\n")}`);
  }
}
console.log(`${used.size} provider modules used by the packages, ${changed} with API differences`);
