import * as fs from "fs";
import * as path from "path";
import { batchJobCeiling } from "../src/batch-job";
import { environments } from "../src/config/environments";
import { ConfigError, loadEnvironments } from "../src/config/load";

describe("batchJob config", () => {
  test("dev runs a small job, prod a larger one, staging none; defaults applied", () => {
    const configs = loadEnvironments(environments);
    expect(configs.dev.batchJob).toMatchObject({ reservedConcurrency: 2, maxConcurrency: 2, timeout: 900 });
    expect(configs.prod.batchJob?.reservedConcurrency).toBeGreaterThan(configs.dev.batchJob!.reservedConcurrency);
    expect(configs.staging.batchJob).toBeUndefined();
  });

  test("a map concurrency above the worker's reservation names the environment, the field and the limit", () => {
    const copy = structuredClone(environments);
    copy.dev.batchJob = { reservedConcurrency: 2, maxConcurrency: 3 };
    expect(() => loadEnvironments(copy)).toThrow(ConfigError);
    expect(() => loadEnvironments(copy)).toThrow(
      /environment "dev", field batchJob\.maxConcurrency: must be at most batchJob\.reservedConcurrency \(2\)/,
    );
  });

  test.each(Object.keys(environments))("docs/cost-ceiling.md states %s's batch job ceiling", (environment) => {
    const doc = fs.readFileSync(path.resolve(__dirname, "../../../docs/cost-ceiling.md"), "utf8");
    const row = doc.split("\n").find((l) => l.startsWith(`| ${environment} (batch job) |`));
    const job = loadEnvironments(environments)[environment].batchJob;
    if (!job) {
      expect(row).toBeUndefined();
      return;
    }
    const ceiling = batchJobCeiling(job);
    const money = (n: number, digits: number) =>
      `$${n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })}`;
    expect(
      row!
        .split("|")
        .map((c) => c.trim())
        .slice(2, 6),
    ).toEqual([
      String(job.reservedConcurrency),
      `${job.memorySize} MB`,
      money(ceiling.computePerHour, 2),
      money(ceiling.perMonth, 0),
    ]);
  });
});
