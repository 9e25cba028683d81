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
});
