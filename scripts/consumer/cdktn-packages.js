#!/usr/bin/env node
// The CDK Terrain (cdktn) build of the packages: the same code under its own names, for cdktn projects.
//   @serverless-spacy/<x>  ->  @serverless-spacy/cdktn-<x>
//   imports of cdktf -> cdktn, @cdktf/provider-aws/lib/... -> @cdktn/provider-aws/lib/..., and of our packages
//   -> their cdktn names; peer dependencies cdktn ~0.24.0, @cdktn/provider-aws ~25.7.0, constructs
//   >=10.6.0 <10.8.0 (cdktn's own range); engines node >=22.11 (cdktn's).
// Nothing else changes: only module specifiers (string literals) are rewritten, never code.
//
//   node scripts/consumer/cdktn-packages.js pack --in DIR --out DIR
//       every @serverless-spacy tarball in --in (node scripts/pack-packages.js --out DIR) -> its cdktn tarball
//   node scripts/consumer/cdktn-packages.js source --out DIR
//       the packages' TypeScript sources, rewritten, plus a tsconfig.json: `tsc -p DIR` from a project with
//       cdktn and @cdktn/provider-aws installed type-checks the same source against cdktn's types
//   node scripts/consumer/cdktn-packages.js example [FILE]
//       FILE (default examples/src/full-stack.ts) as a cdktn user writes it, on stdout
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { execFileSync } = require("node:child_process");

const root = path.resolve(__dirname, "../..");
const SCOPE = "@serverless-spacy/";
/** The workspace packages with a cdktn build, by directory. */
const PACKAGES = {
  shared: "packages/shared",
  network: "modules/network",
  "model-store": "modules/model-store",
  "model-sync": "modules/model-sync",
  "spacy-function": "modules/spacy-function",
  "ner-batch-job": "modules/ner-batch-job",
};
const PEERS = { cdktn: "~0.24.0", "@cdktn/provider-aws": "~25.7.0", constructs: ">=10.6.0 <10.8.0" };
const NODE_ENGINE = ">=22.11";

const cdktnName = (name) => (name.startsWith(SCOPE) ? `${SCOPE}cdktn-${name.slice(SCOPE.length)}` : name);

/** One module specifier, cdktn's way; anything else unchanged. */
function rewriteSpecifier(spec) {
  if (spec === "cdktf") return "cdktn";
  if (spec === "@cdktf/provider-aws" || spec.startsWith("@cdktf/provider-aws/")) {
    return spec.replace("@cdktf/", "@cdktn/");
  }
  const m = /^(@serverless-spacy\/[a-z-]+)(\/.*)?$/.exec(spec);
  if (m && Object.hasOwn(PACKAGES, m[1].slice(SCOPE.length))) return cdktnName(m[1]) + (m[2] ?? "");
  return spec;
}

// A module specifier in emitted JavaScript, declarations and TypeScript: require("x"), import("x"),
// from "x", import "x". Comments and other strings are left alone.
const SPECIFIER = /(\brequire\(\s*|\bimport\(\s*|\bfrom\s+|^\s*import\s+)(["'])([^"'\n]+)\2/gm;
function rewriteSource(text) {
  return text.replace(SPECIFIER, (all, lead, quote, spec) => `${lead}${quote}${rewriteSpecifier(spec)}${quote}`);
}

/** The package.json of the cdktn build. */
function rewriteManifest(pkg) {
  const out = { ...pkg, name: cdktnName(pkg.name) };
  out.description = `${pkg.description ?? ""} The CDK Terrain (cdktn) build of ${pkg.name}.`.trim();
  for (const field of ["dependencies", "optionalDependencies"]) {
    if (!pkg[field]) continue;
    out[field] = Object.fromEntries(Object.entries(pkg[field]).map(([n, v]) => [rewriteSpecifier(n), v]));
  }
  if (pkg.peerDependencies) {
    const peers = {};
    for (const name of Object.keys(pkg.peerDependencies)) {
      const to = name === "constructs" ? name : rewriteSpecifier(name);
      // A sibling of ours (a peer because its types are in the public API) keeps its range, renamed.
      if (name.startsWith(SCOPE) && to !== name) {
        peers[to] = pkg.peerDependencies[name];
        continue;
      }
      if (!Object.hasOwn(PEERS, to)) throw new Error(`${pkg.name}: no cdktn peer for ${name}`);
      peers[to] = PEERS[to];
    }
    out.peerDependencies = peers;
  }
  if (pkg.peerDependenciesMeta) {
    out.peerDependenciesMeta = Object.fromEntries(
      Object.entries(pkg.peerDependenciesMeta).map(([n, v]) => [n === "constructs" ? n : rewriteSpecifier(n), v]),
    );
  }
  out.engines = { ...pkg.engines, node: NODE_ENGINE };
  // The workspace's build and test set-up (cdktf devDependencies, jest scripts) is no part of the package.
  delete out.devDependencies;
  delete out.scripts;
  return out;
}

function walk(dir, visit) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(file, visit);
    else visit(file);
  }
}
const CODE = /\.(js|cjs|mjs|d\.ts|ts)$/;

function pack(inDir, outDir) {
  fs.mkdirSync(outDir, { recursive: true });
  const tarballs = fs.readdirSync(inDir).filter((f) => /^serverless-spacy-.*\.tgz$/.test(f));
  if (tarballs.length === 0) throw new Error(`no serverless-spacy-*.tgz in ${inDir}`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cdktn-packages-"));
  try {
    for (const tarball of tarballs) {
      const dir = path.join(tmp, tarball.replace(/\.tgz$/, ""));
      fs.mkdirSync(dir);
      execFileSync("tar", ["-xzf", path.join(inDir, tarball), "-C", dir]);
      const pkgDir = path.join(dir, "package");
      const manifest = path.join(pkgDir, "package.json");
      const pkg = JSON.parse(fs.readFileSync(manifest, "utf8"));
      if (!Object.hasOwn(PACKAGES, pkg.name.slice(SCOPE.length))) throw new Error(`unknown package ${pkg.name}`);
      let note = "";
      if (fs.existsSync(path.join(pkgDir, ".jsii"))) {
        // A jsii assembly names cdktf's types (fqns, dependency closure) for the other languages' bindings, so
        // it cannot be rewritten like a specifier; a cdktn assembly needs a jsii build against cdktn. The cdktn
        // build is for TypeScript and JavaScript, which never read it: it ships without one.
        fs.rmSync(path.join(pkgDir, ".jsii"));
        fs.rmSync(path.join(pkgDir, ".jsii.gz"), { force: true });
        delete pkg.jsii;
        if (Array.isArray(pkg.files)) pkg.files = pkg.files.filter((f) => !f.startsWith(".jsii"));
        note = " (jsii assembly left out: TypeScript/JavaScript only)";
      }
      let rewritten = 0;
      walk(pkgDir, (file) => {
        if (!CODE.test(file)) return;
        const text = fs.readFileSync(file, "utf8");
        const next = rewriteSource(text);
        if (next !== text) {
          fs.writeFileSync(file, next);
          rewritten += 1;
        }
      });
      const out = rewriteManifest(pkg);
      fs.writeFileSync(manifest, `${JSON.stringify(out, null, 2)}\n`);
      const left = [];
      walk(pkgDir, (file) => {
        if (CODE.test(file) && /(["'])(cdktf|@cdktf\/[^"']*)\1/.test(fs.readFileSync(file, "utf8"))) left.push(file);
      });
      if (left.length) throw new Error(`${pkg.name}: cdktf module names left in ${left.join(", ")}`);
      const file = execFileSync("npm", ["pack", "--silent", "--pack-destination", path.resolve(outDir)], {
        cwd: pkgDir,
        encoding: "utf8",
      }).trim();
      console.log(`  ${pkg.name} -> ${out.name}: ${rewritten} files rewritten, ${file}${note}`);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** The packages' sources, rewritten, under outDir/<dir>/src, with a tsconfig.json that maps our names. */
function source(outDir) {
  const paths = {};
  const include = [];
  for (const [short, dir] of Object.entries(PACKAGES)) {
    const from = path.join(root, dir, "src");
    walk(from, (file) => {
      const to = path.join(outDir, dir, "src", path.relative(from, file));
      fs.mkdirSync(path.dirname(to), { recursive: true });
      if (CODE.test(file)) fs.writeFileSync(to, rewriteSource(fs.readFileSync(file, "utf8")));
      else fs.copyFileSync(file, to);
    });
    // Each export of the package (".", "./client", ...) to its source: ./dist/x/index.d.ts -> ./src/x/index.ts.
    const manifest = JSON.parse(fs.readFileSync(path.join(root, dir, "package.json"), "utf8"));
    for (const [sub, target] of Object.entries(manifest.exports ?? { ".": { types: manifest.types } })) {
      const types = typeof target === "object" ? target.types : undefined;
      if (!types || !/^\.\/dist\/.*\.d\.ts$/.test(types)) continue;
      const name = cdktnName(SCOPE + short) + sub.slice(1);
      paths[name] = [
        `./${dir}/${types
          .slice(2)
          .replace(/^dist\//, "src/")
          .replace(/\.d\.ts$/, ".ts")}`,
      ];
    }
    include.push(`${dir}/src`);
    // Build-time-only modules the source imports (openapi3-ts types): the workspace's installed copy.
    const dev = manifest.devDependencies ?? {};
    for (const name of Object.keys(dev)) {
      if (/^(cdktf|constructs|typescript|jest|ts-jest|@cdktf\/|@types\/|@serverless-spacy\/)/.test(name)) continue;
      const installed = path.join(root, dir, "node_modules", name);
      if (!fs.existsSync(installed)) throw new Error(`${dir}: devDependency ${name} not installed (pnpm install)`);
      paths[name] = [installed];
      paths[`${name}/*`] = [`${installed}/*`];
    }
  }
  // The workspace's compiler options (tsconfig.base.json), without jest's types.
  const base = JSON.parse(fs.readFileSync(path.join(root, "tsconfig.base.json"), "utf8")).compilerOptions;
  const tsconfig = {
    compilerOptions: { ...base, noEmit: true, types: ["node"], baseUrl: ".", paths },
    include,
    exclude: ["**/*.test.ts"],
  };
  fs.writeFileSync(path.join(outDir, "tsconfig.json"), `${JSON.stringify(tsconfig, null, 2)}\n`);
}

function main() {
  const [command, ...args] = process.argv.slice(2);
  const option = (name) => {
    const i = args.indexOf(name);
    if (i < 0 || !args[i + 1]) throw new Error(`${command} needs ${name} DIR`);
    return args[i + 1];
  };
  try {
    if (command === "pack") pack(option("--in"), option("--out"));
    else if (command === "source") source(path.resolve(option("--out")));
    else if (command === "example") {
      const file = args[0] ?? path.join(root, "examples/src/full-stack.ts");
      process.stdout.write(rewriteSource(fs.readFileSync(file, "utf8")));
    } else throw new Error("usage: cdktn-packages.js pack --in DIR --out DIR | source --out DIR | example [FILE]");
  } catch (err) {
    console.error(`cdktn-packages: ${err.message}`);
    process.exit(1);
  }
}

if (require.main === module) main();
module.exports = { rewriteSource, rewriteManifest, rewriteSpecifier };
