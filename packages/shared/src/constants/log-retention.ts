/**
 * Retention periods CloudWatch Logs accepts, in days. "Never expire" (0) is deliberately absent: the
 * function's logs can quote request texts, and nothing here needs logs kept forever.
 */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** One of `LOG_RETENTION_DAYS`. */
export type LogRetentionDays = (typeof LOG_RETENTION_DAYS)[number];

/** Whether CloudWatch Logs accepts `days` as a retention period (and it is not "never expire"). */
export function isLogRetentionDays(days: number): days is LogRetentionDays {
  return (LOG_RETENTION_DAYS as readonly number[]).includes(days);
}
