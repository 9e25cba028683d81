import type { EnvironmentConfigInput } from "./schema";

/**
 * Every environment the app synthesizes, by name. CIDRs must not overlap so the VPCs can be peered later.
 * Remote state: add `backend: { bucket: "<state bucket>" }` per environment before the first deploy.
 */
export const environments: Record<string, EnvironmentConfigInput> = {
  dev: {
    region: "eu-west-1",
    network: { cidr: "10.10.0.0/16", azCount: 2, natGateways: "single" },
    modelStore: { backups: false },
    model: { name: "en_core_web_sm", version: "3.8.0", keepVersions: 1 },
    function: { memorySize: 1024, logRetentionDays: 14 },
    api: { auth: "none" },
    alarms: { enabled: false },
  },
  staging: {
    region: "eu-west-1",
    network: { cidr: "10.20.0.0/16", azCount: 2, natGateways: "single" },
    modelStore: { backups: true },
    model: { name: "en_core_web_lg", version: "3.8.0" },
    function: { memorySize: 3008, logRetentionDays: 30 },
    api: { auth: "iam" },
    alarms: { enabled: true },
  },
  prod: {
    region: "eu-west-1",
    network: { cidr: "10.30.0.0/16", azCount: 2, natGateways: "one-per-az" },
    modelStore: { backups: true, transitionToIa: "AFTER_90_DAYS" },
    model: { name: "en_core_web_lg", version: "3.8.0" },
    function: { memorySize: 3008, provisionedConcurrency: 1, tracing: true, logRetentionDays: 90 },
    api: { auth: "iam" },
    alarms: { enabled: true },
  },
};
