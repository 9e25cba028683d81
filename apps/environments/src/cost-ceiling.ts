import type { EnvironmentConfig } from "./config/schema";

/**
 * List prices the ceiling is computed with: eu-west-1, on-demand, USD (AWS price list, 2025). They change;
 * the point of the table is the order of magnitude each environment's limits allow.
 */
export const PRICES = {
  /** Lambda duration, per GB-second (x86_64; arm64 is 20% less). */
  lambdaGbSecond: 0.0000166667,
  /** Lambda requests, per million. */
  lambdaRequestsPerMillion: 0.2,
  /** Provisioned concurrency kept warm, per GB-second (x86_64). */
  provisionedGbSecond: 0.0000041667,
  /** HTTP API requests, per million (first 300 M a month). */
  httpApiRequestsPerMillion: 1.0,
} as const;

/** Hours in the 30-day month the table uses. */
export const HOURS_PER_MONTH = 720;

export interface CostCeiling {
  /** Most the API function's duration can cost per hour: every reserved instance busy all the time. */
  readonly computePerHour: number;
  /** Requests per month at the stage's steady-state throttling rate. */
  readonly requestsPerMonth: number;
  /** Worst month: compute at the reservation, requests at the rate limit, plus provisioned concurrency. */
  readonly perMonth: number;
}

/**
 * What an environment's own limits let its API spend at most, whoever calls it: reserved concurrency caps
 * concurrent billed instances, the stage's rate limit caps billed requests. Fixed costs (NAT gateways,
 * EFS storage, alarms) come on top and do not grow with traffic.
 */
export function costCeiling(config: EnvironmentConfig): CostCeiling {
  // Each model's function is capped by its own reservation; the stage's rate limit caps them all together.
  const reservedGb = config.models.reduce((sum, m) => sum + (m.reservedConcurrency * m.memorySize) / 1024, 0);
  // With autoscaling, the most instances it may keep warm.
  const warm = (m: EnvironmentConfig["models"][number]) =>
    Math.max(m.provisionedConcurrency, m.provisionedConcurrencyScaling?.max ?? 0);
  const provisionedGb = config.models.reduce((sum, m) => sum + (warm(m) * m.memorySize) / 1024, 0);
  const computePerHour = reservedGb * PRICES.lambdaGbSecond * 3600;
  const requestsPerMonth = config.api.throttlingRateLimit * 3600 * HOURS_PER_MONTH;
  const requests = (requestsPerMonth / 1e6) * (PRICES.lambdaRequestsPerMillion + PRICES.httpApiRequestsPerMillion);
  const provisioned = provisionedGb * PRICES.provisionedGbSecond * 3600 * HOURS_PER_MONTH;
  return { computePerHour, requestsPerMonth, perMonth: computePerHour * HOURS_PER_MONTH + requests + provisioned };
}
