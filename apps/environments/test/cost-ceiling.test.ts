import * as fs from "fs";
import * as path from "path";
import { environments } from "../src/config/environments";
import { loadEnvironments } from "../src/config/load";
import { costCeiling } from "../src/cost-ceiling";

const money = (n: number, digits = 0) =>
  `$${n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })}`;

describe("cost ceiling", () => {
  const configs = loadEnvironments(environments);

  test("is what the reservation and the rate limit allow", () => {
    const dev = costCeiling(configs.dev);
    // 5 instances × 1 GB × $0.0000166667/GB-s × 3600 s
    expect(dev.computePerHour).toBeCloseTo(0.3, 4);
    expect(dev.requestsPerMonth).toBe(5 * 3600 * 720);
    const doubled = costCeiling({ ...configs.dev, models: [{ ...configs.dev.models[0], reservedConcurrency: 10 }] });
    expect(doubled.computePerHour).toBeCloseTo(2 * dev.computePerHour, 6);
    const withProvisioned = costCeiling({
      ...configs.prod,
      models: [{ ...configs.prod.models[0], provisionedConcurrencyScaling: { min: 1, max: 20 } }],
    });
    // Autoscaling may keep up to max instances warm: the ceiling counts max, not the starting value.
    expect(withProvisioned.perMonth).toBeGreaterThan(costCeiling(configs.prod).perMonth);
  });

  test.each(Object.keys(environments))(
    "docs/cost-ceiling.md states %s's ceiling from the checked-in config",
    (environment) => {
      const doc = fs.readFileSync(path.resolve(__dirname, "../../../docs/cost-ceiling.md"), "utf8");
      const row = doc.split("\n").find((l) => l.startsWith(`| ${environment} |`));
      const config = configs[environment];
      const ceiling = costCeiling(config);
      const cells = row!.split("|").map((c) => c.trim());
      expect(cells.slice(2, 9)).toEqual([
        String(config.models[0].reservedConcurrency),
        `${config.models[0].memorySize} MB`,
        `${config.api.throttlingRateLimit} req/s (${config.api.throttlingBurstLimit})`,
        config.api.auth,
        money(ceiling.computePerHour, 2),
        `${+(ceiling.requestsPerMonth / 1e6).toFixed(2)} M`,
        money(ceiling.perMonth),
      ]);
    },
  );
});
