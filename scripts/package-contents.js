// What a publishable package's tarball must and must not hold; used by scripts/pack-packages.js.
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

// Never shipped: tests and their config, caches, logs, build trees, TypeScript sources (dist/ is what runs).
const FORBIDDEN = [
  /(^|\/)(test|tests|__tests__|__snapshots__|bench|\.turbo|\.pytest_cache|\.ruff_cache|\.mypy_cache|__pycache__|node_modules|build|\.venv)(\/|$)/,
  /\.(log|pyc|tsbuildinfo|tgz|zip)$/,
  /(^|\/)(test_[^/]*\.py|conftest\.py|pytest\.ini|jest\.config\.js|tsconfig(\.build)?\.json)$/,
  /\.test\.[jt]s$/,
  /(?<!\.d)\.ts$/,
];

// What each package cannot work without, on top of what its manifest declares (entry points, bin, files).
const REQUIRED = {
  "@serverless-spacy/spacy-function": [
    "runtime/src/ner_handler.py",
    "layer/build_layer.py",
    "layer/requirements.txt",
    "bin/serverless-spacy-layer.js",
    "dist/internal/index.js",
    "dist/internal/index.d.ts",
  ],
  "@serverless-spacy/model-sync": ["runtime/src/model_sync.py"],
  "@serverless-spacy/shared": ["openapi.json", "dist/client/index.js", "dist/client/index.d.ts"],
};
const ALWAYS = ["package.json", "README.md", "LICENSE", "CHANGELOG.md", "dist/index.js", "dist/index.d.ts"];

/** Paths in the tarball, relative to its package/ folder. */
function listTarball(tarball) {
  return execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" })
    .split("\n")
    .filter((line) => line && !line.endsWith("/"))
    .map((line) => line.replace(/^package\//, ""));
}

function readFromTarball(tarball, file) {
  return execFileSync("tar", ["-xzOf", tarball, `package/${file}`], { encoding: "utf8" });
}

function walk(dir, base = dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? walk(full, base) : [path.relative(base, full)];
  });
}

/** Files in the package folder a `files` entry ("dist", "layer/build_layer.py", "runtime/src/*.py") selects. */
function expandFilesEntry(pkgDir, entry) {
  if (entry.includes("*")) {
    const dir = path.dirname(entry);
    const re = new RegExp(`^${path.basename(entry).replace(/\./g, "\\.").replace(/\*/g, "[^/]*")}$`);
    const full = path.join(pkgDir, dir);
    return fs.existsSync(full)
      ? fs
          .readdirSync(full)
          .filter((f) => re.test(f))
          .map((f) => path.join(dir, f))
      : [];
  }
  const full = path.join(pkgDir, entry);
  if (!fs.existsSync(full)) return [];
  return fs.statSync(full).isDirectory() ? walk(full).map((f) => path.join(entry, f)) : [entry];
}

/** Every problem with a tarball; empty when it is complete and clean. */
function checkTarball(tarball, pkgDir, repoRoot) {
  const problems = [];
  const entries = listTarball(tarball);
  const has = new Set(entries);
  const manifest = JSON.parse(readFromTarball(tarball, "package.json"));

  for (const entry of entries) {
    if (FORBIDDEN.some((re) => re.test(entry))) problems.push(`ships ${entry}, which never runs`);
  }
  const exportTargets = Object.values(manifest.exports ?? {}).flatMap((t) =>
    typeof t === "string" ? [t] : Object.values(t),
  );
  const binTargets = Object.values(typeof manifest.bin === "string" ? { x: manifest.bin } : (manifest.bin ?? {}));
  const declared = [manifest.main, manifest.types, ...exportTargets, ...binTargets].filter(Boolean);
  const required = [...ALWAYS, ...(REQUIRED[manifest.name] ?? []), ...declared].map((f) => f.replace(/^\.\//, ""));
  for (const file of new Set(required)) {
    if (!has.has(file)) problems.push(`misses ${file}`);
  }
  // Everything the manifest's `files` selects in the source folder (the Python the constructs bundle) ships.
  for (const entry of manifest.files ?? []) {
    if (entry === "dist") continue;
    const wanted = expandFilesEntry(pkgDir, entry).filter((f) => !FORBIDDEN.some((re) => re.test(f)));
    if (wanted.length === 0) problems.push(`files entry "${entry}" matches nothing in ${pkgDir}`);
    for (const f of wanted) if (!has.has(f)) problems.push(`misses ${f} (files entry "${entry}")`);
  }
  // dist/ is the compiled src/: every source file has its JavaScript and its declarations.
  for (const src of walk(path.join(pkgDir, "src")).filter((f) => f.endsWith(".ts"))) {
    const base = `dist/${src.replace(/\.ts$/, "")}`;
    for (const out of [`${base}.js`, `${base}.d.ts`])
      if (!has.has(out)) problems.push(`misses ${out} (from src/${src})`);
  }
  if (
    has.has("LICENSE") &&
    readFromTarball(tarball, "LICENSE") !== fs.readFileSync(path.join(repoRoot, "LICENSE"), "utf8")
  ) {
    problems.push("LICENSE differs from the repository's LICENSE");
  }
  if (manifest.private) problems.push('package.json says "private": true');
  // A jsii package without its assembly installs, but jsii-pacmak and every other language cannot load it.
  if (manifest.jsii && !has.has(".jsii")) problems.push("misses .jsii, the assembly other languages load");
  if (manifest.jsii && has.has("tsconfig.json")) problems.push("ships tsconfig.json, a build file");
  const ranges = { ...manifest.dependencies, ...manifest.peerDependencies, ...manifest.optionalDependencies };
  for (const [dep, range] of Object.entries(ranges)) {
    if (String(range).startsWith("workspace:")) problems.push(`${dep} keeps the unpublishable range ${range}`);
  }
  for (const peer of ["cdktf", "constructs", "@cdktf/provider-aws"]) {
    if (manifest.dependencies?.[peer]) problems.push(`${peer} is a dependency; it must be a peerDependency`);
    if (!manifest.peerDependencies?.[peer]) problems.push(`${peer} is not a peerDependency`);
  }
  return problems;
}

module.exports = { checkTarball, listTarball, FORBIDDEN };
