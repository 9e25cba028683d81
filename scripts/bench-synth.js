#!/usr/bin/env node
// Benchmark (not a test): wall time of synthesizing every environment, median of N runs.
// Usage: node scripts/bench-synth.js [runs=5]
const { spawnSync } = require("node:child_process");
const path = require("node:path");

const runs = Number(process.argv[2] ?? 5);
const root = path.resolve(__dirname, "..");
const env = { ...process.env, CHECKPOINT_DISABLE: "1", CI: "1" };
const variants = {
  "cdktf synth (CLI + type-checked ts-node app)": ["pnpm", ["exec", "cdktf", "synth"]],
  "app only (type-checked ts-node)": [
    "pnpm",
    [
      "exec",
      "ts-node",
      "-r",
      "./scripts/register-source-paths.js",
      "--project",
      "apps/environments/tsconfig.json",
      "apps/environments/src/main.ts",
    ],
  ],
};

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

for (const [label, [cmd, args]] of Object.entries(variants)) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync(cmd, args, { cwd: root, env, stdio: ["ignore", "ignore", "pipe"] });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (result.status !== 0) {
      console.error(result.stderr.toString());
      process.exit(1);
    }
    times.push(seconds);
  }
  console.log(
    `${label}: median ${median(times).toFixed(2)} s over ${runs} runs [${times.map((t) => t.toFixed(2)).join(", ")}]`,
  );
}
