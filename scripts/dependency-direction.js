#!/usr/bin/env node
// Part of `pnpm lint`: dependencies point one way, packages ← modules ← apps. No package (packages/*) may
// import or depend on a module or an app, and no module (modules/*) on an app; examples may use anything.
// Checked in both places a dependency can hide: the manifests (dependencies of every kind) and the import
// specifiers of every source and test file. Before checking the repository, it checks a scratch workspace
// with one violation of each kind and fails unless all of them are found, so the check cannot pass by
// reading nothing.
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const LAYERS = { packages: 0, modules: 1, apps: 2 };
const SOURCE = /\.(ts|js|mjs|cjs)$/;
const SKIP_DIRS = new Set(["node_modules", "dist", "cdktf.out", ".turbo", "dist-jsii"]);
const IMPORT = /(?:from\s+|require\(\s*|import\(\s*|import\s+)["'](@serverless-spacy\/[a-z0-9-]+)/g;

/** Workspace packages by npm name: { layer, dir } for every folder under packages/, modules/, apps/. */
function workspace(root) {
  const byName = new Map();
  for (const group of Object.keys(LAYERS)) {
    const groupDir = path.join(root, group);
    if (!fs.existsSync(groupDir)) continue;
    for (const name of fs.readdirSync(groupDir)) {
      const manifest = path.join(groupDir, name, "package.json");
      if (!fs.existsSync(manifest)) continue;
      const pkg = JSON.parse(fs.readFileSync(manifest, "utf8"));
      byName.set(pkg.name, { group, layer: LAYERS[group], dir: path.join(groupDir, name), pkg });
    }
  }
  return byName;
}

function* sourceFiles(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (SKIP_DIRS.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(full);
    else if (SOURCE.test(entry.name)) yield full;
  }
}

/** Every dependency that points from a lower layer to a higher one, as readable lines. */
function violations(root) {
  const byName = workspace(root);
  const found = [];
  const check = (from, toName, where) => {
    const to = byName.get(toName);
    if (to && to.layer > from.layer) {
      found.push(`${where}: ${from.pkg.name} (${from.group}) depends on ${toName} (${to.group})`);
    }
  };
  for (const from of byName.values()) {
    const { pkg } = from;
    for (const field of ["dependencies", "devDependencies", "peerDependencies", "optionalDependencies"]) {
      for (const dep of Object.keys(pkg[field] ?? {})) {
        check(from, dep, `${path.relative(root, path.join(from.dir, "package.json"))} ${field}`);
      }
    }
    for (const file of sourceFiles(from.dir)) {
      const text = fs.readFileSync(file, "utf8");
      for (const match of text.matchAll(IMPORT)) check(from, match[1], path.relative(root, file));
    }
  }
  return { found, checked: byName.size };
}

function write(file, text) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

/** A scratch workspace with exactly three violations; the check must report all three. */
function selfTest() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "dependency-direction-"));
  try {
    const manifest = (name, deps = {}) => JSON.stringify({ name, dependencies: deps });
    write(path.join(root, "packages/base/package.json"), manifest("@serverless-spacy/base"));
    write(path.join(root, "packages/base/src/index.ts"), 'import { X } from "@serverless-spacy/mod";\n');
    write(
      path.join(root, "modules/mod/package.json"),
      manifest("@serverless-spacy/mod", { "@serverless-spacy/app": "*" }),
    );
    write(path.join(root, "modules/mod/test/a.test.ts"), 'const a = require("@serverless-spacy/app/src/x");\n');
    write(path.join(root, "modules/mod/src/ok.ts"), 'import { B } from "@serverless-spacy/base";\n');
    write(
      path.join(root, "apps/app/package.json"),
      manifest("@serverless-spacy/app", { "@serverless-spacy/mod": "*" }),
    );
    const { found } = violations(root);
    if (found.length !== 3) {
      throw new Error(
        `self-test: expected 3 violations in the scratch workspace, found ${found.length}:\n${found.join("\n")}`,
      );
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

selfTest();
const root = path.resolve(__dirname, "..");
const { found, checked } = violations(root);
if (found.length > 0) {
  console.error(`dependency direction (packages <- modules <- apps) broken:\n  ${found.join("\n  ")}`);
  process.exit(1);
}
console.log(`dependency direction: packages <- modules <- apps holds for ${checked} workspace packages`);
