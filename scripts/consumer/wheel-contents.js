#!/usr/bin/env node
// What a jsii package's Python wheel (scripts/build-python-modules.sh) must and must not hold.
//   node scripts/consumer/wheel-contents.js WHEEL MODULE PACKAGE_DIR              exit 1 naming each problem
//   node scripts/consumer/wheel-contents.js --self-test WHEEL MODULE PACKAGE_DIR  the check rejects a doctored copy
// Must: the module's __init__.py, py.typed, _jsii/__init__.py and the npm tarball jsii's kernel loads
// (<name>@<version>.jsii.tgz) with the .jsii assembly and every bundled dependency in it, and a script per npm
// `bin`. Must not: anything else in the wheel but the dist-info and the __init__.py/py.typed of jsii
// submodules; in the tarball, anything scripts/package-contents.js forbids in a published npm package (tests,
// caches, logs, TypeScript sources, build files).
const { execFileSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { FORBIDDEN } = require("../package-contents");
const selfTest = process.argv[2] === "--self-test";
const [wheel, pyModule, pkgDir] = process.argv.slice(selfTest ? 3 : 2);
const manifest = JSON.parse(fs.readFileSync(path.join(pkgDir, "package.json"), "utf8"));
const dir = pyModule.replace(/\./g, "/");
function check(wheel) {
  const files = execFileSync("unzip", ["-Z1", wheel], { encoding: "utf8" }).split("\n").filter(Boolean);
  const tarballName = `${manifest.name.replace(/^@[^/]+\//, "")}@${manifest.version}.jsii.tgz`;
  const want = [`${dir}/__init__.py`, `${dir}/py.typed`, `${dir}/_jsii/__init__.py`, `${dir}/_jsii/${tarballName}`];
  const problems = want.filter((f) => !files.includes(f)).map((f) => `misses ${f}`);
  // Besides those: the dist-info, and one __init__.py (+ py.typed) per jsii submodule under the module's folder.
  // The package's npm `bin` commands: pacmak makes each a script (<dist>.data/scripts/<name>) that runs it
  // through jsii's kernel, so `pip install` puts it on the venv's PATH.
  const bins = Object.keys(typeof manifest.bin === "string" ? { [manifest.name]: 1 } : (manifest.bin ?? {}));
  const scripts = bins.map((b) => files.find((f) => f.endsWith(`.data/scripts/${b}`)));
  problems.push(...bins.filter((b, i) => !scripts[i]).map((b) => `misses the script of bin ${b}`));
  const allowed = (f) =>
    want.includes(f) ||
    scripts.includes(f) ||
    /^[^/]+\.dist-info\/(METADATA|WHEEL|RECORD|top_level\.txt|LICENSE|licenses\/LICENSE)$/.test(f) ||
    (f.startsWith(`${dir}/`) && /\/(__init__\.py|py\.typed)$/.test(f) && !/(^|\/)(tests?|__pycache__)\//.test(f));
  problems.push(...files.filter((f) => !allowed(f)).map((f) => `holds ${f}`));
  if (files.includes(`${dir}/_jsii/${tarballName}`)) {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "wheel-tarball-"));
    try {
      execFileSync("unzip", ["-q", wheel, `${dir}/_jsii/${tarballName}`, "-d", scratch]);
      const inside = execFileSync("tar", ["-tzf", path.join(scratch, dir, "_jsii", tarballName)], { encoding: "utf8" })
        .split("\n")
        .filter((l) => l && !l.endsWith("/"))
        .map((l) => l.replace(/^package\//, ""));
      if (!inside.includes(".jsii")) problems.push(`${tarballName} misses .jsii`);
      // node_modules/ only for bundledDependencies (npm packs them there); everything else as for npm.
      const bundled = manifest.bundledDependencies ?? [];
      const isBundled = (f) => bundled.some((b) => f.startsWith(`node_modules/${b}/`));
      for (const f of inside) {
        if (!isBundled(f) && FORBIDDEN.some((re) => re.test(f))) problems.push(`${tarballName} holds ${f}`);
      }
      for (const b of bundled) {
        if (!inside.some((f) => f.startsWith(`node_modules/${b}/`)))
          problems.push(`${tarballName} misses bundled ${b}`);
      }
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  }
  return { problems, files };
}

if (selfTest) {
  // A copy with a test module, a bytecode cache and, inside its npm tarball, a test and a tsbuildinfo.
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "wheel-self-test-"));
  try {
    const tarballName = `${manifest.name.replace(/^@[^/]+\//, "")}@${manifest.version}.jsii.tgz`;
    const bad = path.join(scratch, path.basename(wheel));
    fs.copyFileSync(wheel, bad);
    const tree = path.join(scratch, "tree");
    execFileSync("unzip", ["-q", bad, `${dir}/_jsii/${tarballName}`, "-d", tree]);
    const pkg = path.join(scratch, "pkg");
    fs.mkdirSync(pkg);
    execFileSync("tar", ["-xzf", path.join(tree, dir, "_jsii", tarballName), "-C", pkg]);
    fs.mkdirSync(path.join(pkg, "package", "test"));
    fs.writeFileSync(path.join(pkg, "package", "test", "x.test.js"), "");
    fs.writeFileSync(path.join(pkg, "package", "tsconfig.tsbuildinfo"), "");
    execFileSync("tar", ["-czf", path.join(tree, dir, "_jsii", tarballName), "-C", pkg, "package"]);
    fs.mkdirSync(path.join(tree, dir, "tests"), { recursive: true });
    fs.writeFileSync(path.join(tree, dir, "tests", "test_x.py"), "");
    fs.mkdirSync(path.join(tree, dir, "__pycache__"));
    fs.writeFileSync(path.join(tree, dir, "__pycache__", "__init__.cpython-311.pyc"), "");
    execFileSync(
      "zip",
      [
        "-q",
        bad,
        `${dir}/_jsii/${tarballName}`,
        `${dir}/tests/test_x.py`,
        `${dir}/__pycache__/__init__.cpython-311.pyc`,
      ],
      { cwd: tree },
    );
    const found = check(bad).problems.join("\n");
    const want = ["tests/test_x.py", "__pycache__", "test/x.test.js", "tsconfig.tsbuildinfo"];
    const missed = want.filter((w) => !found.includes(w));
    if (missed.length) {
      console.error(`the wheel check let through: ${missed.join(", ")}\n(it found: ${found})`);
      process.exit(1);
    }
    console.log(`  the wheel check rejects a doctored copy of ${path.basename(wheel)} for: ${want.join(", ")}`);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
} else {
  const { problems, files } = check(wheel);
  if (problems.length) {
    console.error(`${path.basename(wheel)}:\n  - ${problems.join("\n  - ")}`);
    process.exit(1);
  }
  console.log(`  ${path.basename(wheel)}  ${files.length} files, ${(fs.statSync(wheel).size / 1024).toFixed(1)} kB`);
}
