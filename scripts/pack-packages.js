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
if (problems.length > 0) {
  console.error(`pack:packages: ${problems.length} problem(s):\n  - ${problems.join("\n  - ")}`);
  process.exit(1);
}
console.log(
  `pack:packages: ${packages.length} tarballs complete (content check + npm publish --dry-run) in ${path.relative(root, out) || out}`,
);
