import { WORKLOAD_BOUNDARY_POLICY } from "./delivery";
import { EXAMPLE_ACCOUNT_ID, EXAMPLE_STATE_BUCKET } from "./examples";
import type { EnvironmentConfigInput } from "./schema";

// The wheels spaCy publishes as GitHub release assets, pinned to their sha256. The hashes are the published
// ones, each found in two independent public sources (listed in docs/model-sync.md); the sync refuses any
// other file.
const EN_CORE_WEB_SM_3_8_0 = {
  kind: "wheel_url",
  location:
    "https://github.com/explosion/spacy-models/releases/download/en_core_web_sm-3.8.0/en_core_web_sm-3.8.0-py3-none-any.whl",
  sha256: "1932429db727d4bff3deed6b34cfc05df17794f4a52eeb26cf8928f7c1a0fb85",
} as const;
const EN_CORE_WEB_LG_3_8_0 = {
  kind: "wheel_url",
  location:
    "https://github.com/explosion/spacy-models/releases/download/en_core_web_lg-3.8.0/en_core_web_lg-3.8.0-py3-none-any.whl",
  sha256: "293e9547a655b25499198ab15a525b05b9407a75f10255e405e8c3854329ab63",
} as const;

/**
 * Every environment the app synthesizes, by name. CIDRs must not overlap so the VPCs can be peered later.
 *
 * EXAMPLE VALUES — replace before the first deploy (synth warns while they are in place; see the README's
 * "Deploying from an empty account"): the state bucket (EXAMPLE_STATE_BUCKET, created by apps/bootstrap),
 * the account id (EXAMPLE_ACCOUNT_ID) and the @example.com alarm subscribers.
 *
 * Concurrency and throttling bound what each environment can cost; docs/cost-ceiling.md has the numbers.
 */
export const environments: Record<string, EnvironmentConfigInput> = {
  dev: {
    region: "eu-west-1",
    network: { cidr: "10.10.0.0/16", azCount: 2, natGateways: "single" },
    // Elastic throughput in every environment: 1,500 MiB/s of reads per client against bursting's 500, which
    // bounds a large model's cold load, and no burst credits that can run out weeks after a deploy.
    modelStore: { throughputMode: "elastic", backups: false },
    // One small model. Open API (no auth): the reservation and throttling are what bound a stranger's use of it.
    models: [
      {
        name: "en_core_web_sm",
        version: "3.8.0",
        source: EN_CORE_WEB_SM_3_8_0,
        keepVersions: 1,
        memorySize: 1024,
        reservedConcurrency: 5,
      },
    ],
    function: { logRetentionDays: 14 },
    api: { auth: "none", throttlingRateLimit: 5, throttlingBurstLimit: 10 },
    // Its alarms notify whoever subscribes.
    alarms: { enabled: true },
    // NER batch job: small, within the open API's cap on what dev may reserve.
    batchJob: { memorySize: 1769, reservedConcurrency: 2, maxConcurrency: 2 },
    // Deployed by the pipeline on every push to main, so its state lives in the bucket like the others'.
    delivery: { pipeline: true, pullRequestPlans: true },
    backend: { bucket: EXAMPLE_STATE_BUCKET },
    allowedAccountIds: [EXAMPLE_ACCOUNT_ID],
    permissionsBoundaryPolicy: WORKLOAD_BOUNDARY_POLICY,
  },
  staging: {
    region: "eu-west-1",
    network: { cidr: "10.20.0.0/16", azCount: 2, natGateways: "single" },
    modelStore: { throughputMode: "elastic", backups: true },
    models: [
      {
        name: "en_core_web_lg",
        version: "3.8.0",
        source: EN_CORE_WEB_LG_3_8_0,
        memorySize: 3008,
        reservedConcurrency: 10,
      },
    ],
    function: { logRetentionDays: 30 },
    api: { auth: "iam", throttlingRateLimit: 20, throttlingBurstLimit: 20 },
    alarms: { enabled: true, subscriptions: [{ protocol: "email", endpoint: "spacy-staging-alarms@example.com" }] },
    delivery: { pipeline: true, pullRequestPlans: true },
    backend: { bucket: EXAMPLE_STATE_BUCKET },
    allowedAccountIds: [EXAMPLE_ACCOUNT_ID],
    permissionsBoundaryPolicy: WORKLOAD_BOUNDARY_POLICY,
  },
  prod: {
    region: "eu-west-1",
    network: { cidr: "10.30.0.0/16", azCount: 2, natGateways: "one-per-az" },
    modelStore: { throughputMode: "elastic", backups: true, transitionToIa: "AFTER_90_DAYS" },
    models: [
      {
        name: "en_core_web_lg",
        version: "3.8.0",
        source: EN_CORE_WEB_LG_3_8_0,
        memorySize: 3008,
        reservedConcurrency: 50,
        provisionedConcurrency: 1,
        // Warm instances follow the traffic between 1 and 10 (70 % busy), with 2 during weekday business hours.
        provisionedConcurrencyScaling: {
          min: 1,
          max: 10,
          targetUtilization: 0.7,
          schedules: [
            {
              name: "weekday-morning",
              schedule: "cron(0 7 ? * MON-FRI *)",
              timezone: "Europe/Dublin",
              min: 2,
              max: 10,
            },
            {
              name: "weekday-evening",
              schedule: "cron(0 20 ? * MON-FRI *)",
              timezone: "Europe/Dublin",
              min: 1,
              max: 10,
            },
          ],
        },
      },
    ],
    function: { tracing: true, logRetentionDays: 90 },
    api: { auth: "iam", throttlingRateLimit: 100, throttlingBurstLimit: 50 },
    alarms: { enabled: true, subscriptions: [{ protocol: "email", endpoint: "spacy-prod-oncall@example.com" }] },
    batchJob: { memorySize: 1769, reservedConcurrency: 20, maxConcurrency: 20 },
    // Not planned on pull requests: its plan role trusts only the deploy workflow on main (see apps/bootstrap).
    delivery: { pipeline: true, pullRequestPlans: false },
    backend: { bucket: EXAMPLE_STATE_BUCKET },
    allowedAccountIds: [EXAMPLE_ACCOUNT_ID],
    permissionsBoundaryPolicy: WORKLOAD_BOUNDARY_POLICY,
  },
};
