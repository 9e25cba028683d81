#!/usr/bin/env node
// `pnpm pack:packages`: builds every publishable package, packs one tarball each into dist/packages/, and
// proves each tarball is complete before anyone installs it: the content check below, then
// `npm publish --dry-run` on the tarball itself (what a release would upload, not the package folder).
// Usage: node scripts/pack-packages.js [--out DIR]
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const { checkTarball, listTarball } = require("./package-contents");

const root = path.resolve(__dirname, "..");
const outArg = process.argv.indexOf("--out");
const out = path.resolve(outArg > 0 ? process.argv[outArg + 1] : path.join(root, "dist", "packages"));
const env = { ...process.env, CHECKPOINT_DISABLE: "1", TURBO_TELEMETRY_DISABLED: "1" };

/** Workspace packages that are not private, in a stable order. */
function publishablePackages() {
  return ["modules", "packages"]
    .flatMap((group) => fs.readdirSync(path.join(root, group)).map((name) => path.join(group, name)))
    .filter((dir) => fs.existsSync(path.join(root, dir, "package.json")))
    .map((dir) => ({ dir, manifest: JSON.parse(fs.readFileSync(path.join(root, dir, "package.json"), "utf8")) }))
    .filter(({ manifest }) => !manifest.private)
    .sort((a, b) => a.dir.localeCompare(b.dir));
}

function run(cmd, args, cwd = root) {
  return execFileSync(cmd, args, { cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

const packages = publishablePackages();
console.log(`pack:packages: building ${packages.map((p) => p.manifest.name).join(", ")}`);
const filters = packages.flatMap(({ dir }) => ["--filter", `./${dir}`]);
execFileSync("pnpm", ["exec", "turbo", "run", "build", "--output-logs=errors-only", ...filters], {
  cwd: root,
  env,
  stdio: "inherit",
});

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
const problems = [];
for (const { dir, manifest } of packages) {
  // pnpm (not npm) packs: it rewrites `workspace:^` ranges to the real versions.
  run("pnpm", ["pack", "--pack-destination", out], path.join(root, dir));
  const tarball = path.join(out, `${manifest.name.replace(/^@/, "").replace("/", "-")}-${manifest.version}.tgz`);
  if (!fs.existsSync(tarball)) {
    problems.push(`${manifest.name}: pnpm pack wrote no ${path.basename(tarball)}`);
    continue;
  }
  const found = checkTarball(tarball, path.join(root, dir), root);
  problems.push(...found.map((p) => `${manifest.name}: ${p}`));
  if (found.length === 0) {
    // Checks the manifest the way the registry would (name, version, bin, files) without uploading.
    run("npm", ["publish", "--dry-run", "--ignore-scripts", "--access", "public", tarball], out);
  }
  const entries = listTarball(tarball);
  const kb = (fs.statSync(tarball).size / 1024).toFixed(1);
  console.log(
    `  ${path.relative(root, tarball)}  ${entries.length} files, ${kb} kB${found.length ? "  INCOMPLETE" : ""}`,
  );
}
// The check must bite: a copy of the first tarball with a test, a turbo log and a pytest cache added and its
// CHANGELOG.md removed has to be rejected for exactly those.
const sample = fs.readdirSync(out).find((f) => f.endsWith(".tgz"));
if (sample) {
  const scratch = fs.mkdtempSync(path.join(require("node:os").tmpdir(), "pack-check-"));
  try {
    execFileSync("tar", ["-xzf", path.join(out, sample), "-C", scratch]);
    const pkg = path.join(scratch, "package");
    fs.mkdirSync(path.join(pkg, "test"));
    fs.writeFileSync(path.join(pkg, "test", "x.test.ts"), "");
    fs.mkdirSync(path.join(pkg, ".turbo"));
    fs.writeFileSync(path.join(pkg, ".turbo", "turbo-build.log"), "");
    fs.mkdirSync(path.join(pkg, ".pytest_cache"));
    fs.writeFileSync(path.join(pkg, ".pytest_cache", "README.md"), "");
    fs.rmSync(path.join(pkg, "CHANGELOG.md"));
    const bad = path.join(scratch, "bad.tgz");
    execFileSync("tar", ["-czf", bad, "-C", scratch, "package"]);
    const manifest = JSON.parse(fs.readFileSync(path.join(pkg, "package.json"), "utf8"));
    const dir = packages.find((p) => p.manifest.name === manifest.name).dir;
    const found = checkTarball(bad, path.join(root, dir), root).join("\n");
    for (const want of ["test/x.test.ts", ".turbo/turbo-build.log", ".pytest_cache/README.md", "misses CHANGELOG.md"]) {
      if (!found.includes(want)) problems.push(`the content check let a tarball with a problem through: ${want}`);
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
if (problems.length > 0) {
  console.error(`pack:packages: ${problems.length} problem(s):\n  - ${problems.join("\n  - ")}`);
  process.exit(1);
}
console.log(
  `pack:packages: ${packages.length} tarballs complete (content check + npm publish --dry-run) in ` +
    `${path.relative(root, out) || out}`,
);
