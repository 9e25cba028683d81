#!/usr/bin/env node
// Proves that an npm project (the current directory) installed our packages from the local registry by name
// and version range: every @serverless-spacy package in package-lock.json
//   - satisfies each range that asks for it (the project's package.json, or a package depending on it), and
//     each such range is a range, not a pinned version or a file/URL;
//   - is the version publish_npm_packages just published (scripts/consumer/registry.sh);
//   - was resolved from the registry URL, with an integrity hash;
// and every other package was resolved from the project's default registry (npm config get registry).
// Usage: node scripts/consumer/check-npm-install.js <registry URL> <published file: "name version" lines>
// (npm_published_version's file, $NPM_PUBLISHED_FILE)
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const [registry, publishedFile] = process.argv.slice(2);
const upstream = execFileSync("npm", ["config", "get", "registry"], { encoding: "utf8" }).trim();
if (!registry || !publishedFile) {
  console.error("usage: check-npm-install.js <registry URL> <published file>");
  process.exit(64);
}
// semver from the workspace's lockfile-pinned tree (a dependency of @changesets/cli), not the project's.
const changesets = fs.realpathSync(path.resolve(__dirname, "..", "..", "node_modules", "@changesets", "cli"));
const semver = require(require.resolve("semver", { paths: [changesets] }));

const published = new Map(
  fs
    .readFileSync(publishedFile, "utf8")
    .trim()
    .split("\n")
    .map((line) => line.split(" ")),
);
const lock = JSON.parse(fs.readFileSync("package-lock.json", "utf8"));
const wanted = JSON.parse(fs.readFileSync("package.json", "utf8")).dependencies ?? {};
const problems = [];
const ours = Object.keys(lock.packages).filter((key) => key.includes("node_modules/@serverless-spacy/"));
if (ours.length === 0) problems.push("no @serverless-spacy package in package-lock.json");
for (const key of ours) {
  const entry = lock.packages[key];
  const name = key.slice(key.lastIndexOf("@serverless-spacy/"));
  const installed = JSON.parse(fs.readFileSync(path.join(key, "package.json"), "utf8")).version;
  const ranges = [wanted[name], ...Object.values(lock.packages).map((p) => p.dependencies?.[name])].filter(Boolean);
  for (const range of ranges) {
    if (!semver.validRange(range) || semver.valid(range)) problems.push(`${name}: "${range}" is not a range`);
    else if (!semver.satisfies(installed, range)) problems.push(`${name}: ${installed} does not satisfy ${range}`);
  }
  if (ranges.length === 0) problems.push(`${name}: nothing asks for it`);
  if (installed !== published.get(name)) {
    problems.push(`${name}: ${installed} installed, ${published.get(name) ?? "nothing"} published`);
  }
  if (!entry.resolved?.startsWith(registry)) problems.push(`${key}: resolved ${entry.resolved}, not from ${registry}`);
  if (!entry.integrity) problems.push(`${key}: no integrity in package-lock.json`);
  console.log(`${name} ${installed} (asked for: ${[...new Set(ranges)].join(", ")}) <- ${entry.resolved}`);
}
for (const [key, entry] of Object.entries(lock.packages)) {
  // A bundled dependency (cdktf bundles its own) comes inside its parent's tarball.
  if (!key || ours.includes(key) || entry.link || entry.inBundle) continue;
  if (!entry.resolved?.startsWith(upstream)) problems.push(`${key}: resolved ${entry.resolved}, not from ${upstream}`);
}
if (problems.length > 0) {
  console.error(`check-npm-install: ${problems.length} problem(s):\n  - ${problems.join("\n  - ")}`);
  process.exit(1);
}
console.log(`${ours.length} @serverless-spacy packages from ${registry} by range; the rest from ${upstream}`);
