#!/usr/bin/env node
// @ts-check
// Builds the spaCy Lambda layer zip from the installed package with the caller's own Python: a thin wrapper
// around layer/build_layer.py (pinned, hash-checked wheels for the Lambda platform; no Docker).
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const ARCHITECTURES = ["x86_64", "arm64"];
const LAYER_RUNTIME = "python3.12";
const BUILD_SCRIPT = path.join(__dirname, "..", "layer", "build_layer.py");
const USAGE = `Usage: serverless-spacy-layer build [--arch x86_64|arm64] [--out DIR] [--python PYTHON]
                                    [--build-dir DIR] [-- build_layer.py options]

Builds ${"spacy-layer-" + LAYER_RUNTIME}-<arch>.zip into --out (default ./layers) for SpacyLayer's zipPath.
  --arch        instruction set of the function the layer is for (default x86_64)
  --out         directory the zip is written to (default ./layers)
  --python      Python (3.10 or newer, with pip) that runs the build (default $PYTHON, else python3)
  --build-dir   where the installed tree is cached between builds
                (default $XDG_CACHE_HOME or ~/.cache, then serverless-spacy/layer-build/<arch>)`;

/** @param {string} message */
function fail(message) {
  console.error(`serverless-spacy-layer: ${message}\n\n${USAGE}`);
  process.exit(2);
}

/** @param {string[]} argv */
function parse(argv) {
  const [command, ...rest] = argv;
  if (command === "--help" || command === "-h" || command === "help") {
    console.log(USAGE);
    process.exit(0);
  }
  if (command !== "build") fail(command ? `unknown command "${command}"` : "missing command");
  /** @type {{arch: string, out: string, python: string, buildDir?: string, extra: string[]}} */
  const opts = { arch: "x86_64", out: "layers", python: process.env.PYTHON || "python3", extra: [] };
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    if (flag === "--") {
      opts.extra = rest.slice(i + 1);
      break;
    }
    if (flag === "--help" || flag === "-h") {
      console.log(USAGE);
      process.exit(0);
    }
    const key = { "--arch": "arch", "--out": "out", "--python": "python", "--build-dir": "buildDir" }[flag];
    if (!key) fail(`unknown option "${flag}"`);
    const value = rest[++i];
    if (value === undefined || value.startsWith("--")) fail(`${flag} needs a value`);
    // @ts-expect-error key is one of the option names above
    opts[key] = value;
  }
  if (!ARCHITECTURES.includes(opts.arch)) fail(`--arch must be one of ${ARCHITECTURES.join(", ")}, got "${opts.arch}"`);
  return opts;
}

/**
 * A venv of `basePython` at `dir` with the layer's pinned pip; reused while that pip is there.
 * @param {string} basePython
 * @param {string} dir
 */
function ensureVenv(basePython, dir) {
  const python = path.join(dir, "bin", "python");
  const pinned = /^pip==(\S+)/m.exec(fs.readFileSync(path.join(__dirname, "..", "layer", "requirements.txt"), "utf8"));
  if (!pinned) fail("layer/requirements.txt pins no pip version");
  const want = `pip ${pinned[1]} `;
  const have = spawnSync(python, ["-m", "pip", "--version"], { encoding: "utf8" });
  if (!have.error && have.status === 0 && have.stdout.startsWith(want)) return python;
  const steps = [
    [basePython, ["-m", "venv", "--clear", dir]],
    [python, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", `pip==${pinned[1]}`]],
  ];
  for (const [cmd, args] of steps) {
    const result = spawnSync(cmd, args, { stdio: "inherit" });
    if (result.status !== 0) fail(`\`${cmd} ${args.join(" ")}\` failed (exit ${result.status ?? result.signal})`);
  }
  return python;
}

const opts = parse(process.argv.slice(2));
const probe = spawnSync(
  opts.python,
  ["-c", "import sys; print(sys.version.split()[0]); sys.exit(sys.version_info < (3, 10))"],
  {
    encoding: "utf8",
  },
);
if (probe.error || probe.status !== 0) {
  const why = probe.error ? probe.error.message : `it is ${probe.stdout.trim()}, older than 3.10`;
  fail(`cannot build with Python "${opts.python}": ${why}. Pass --python or set PYTHON to a Python 3.10 or newer`);
}

const cacheHome = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
const buildDir = path.resolve(opts.buildDir ?? path.join(cacheHome, "serverless-spacy", "layer-build", opts.arch));
const outDir = path.resolve(opts.out);
const zip = path.join(outDir, `spacy-layer-${LAYER_RUNTIME}-${opts.arch}.zip`);
fs.mkdirSync(outDir, { recursive: true });
// The build needs a pip that honours --python-version 3.12 for Requires-Python (old ones check the running
// interpreter), so it runs in a venv of the caller's Python with the pip the layer itself pins.
const venv = path.join(cacheHome, "serverless-spacy", "layer-build", `venv-${probe.stdout.trim()}`);
const python = ensureVenv(opts.python, venv);
const args = [BUILD_SCRIPT, "--arch", opts.arch, "--dist-dir", outDir, "--build-dir", buildDir, ...opts.extra];
const build = spawnSync(python, args, { stdio: "inherit" });
if (build.status !== 0 || !fs.existsSync(zip)) {
  console.error(`serverless-spacy-layer: the build failed (exit ${build.status ?? build.signal}); no zip at ${zip}`);
  process.exit(build.status || 1);
}
const shown = path.relative(process.cwd(), zip) || zip;
console.log(
  `\nlayer zip: ${shown}\nuse it with: new SpacyLayer(stack, "spacy", { zipPath: "${shown}", architecture: ` +
    `"${opts.arch}" })`,
);
