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
 * Remote state: add `backend: { bucket: "<state bucket>" }` per environment before the first deploy.
 */
export const environments: Record<string, EnvironmentConfigInput> = {
  dev: {
    region: "eu-west-1",
    network: { cidr: "10.10.0.0/16", azCount: 2, natGateways: "single" },
    modelStore: { backups: false },
    model: { name: "en_core_web_sm", version: "3.8.0", source: EN_CORE_WEB_SM_3_8_0, keepVersions: 1 },
    function: { memorySize: 1024, logRetentionDays: 14 },
    api: { auth: "none" },
    alarms: { enabled: false },
  },
  staging: {
    region: "eu-west-1",
    network: { cidr: "10.20.0.0/16", azCount: 2, natGateways: "single" },
    modelStore: { backups: true },
    model: { name: "en_core_web_lg", version: "3.8.0", source: EN_CORE_WEB_LG_3_8_0 },
    function: { memorySize: 3008, logRetentionDays: 30 },
    api: { auth: "iam" },
    alarms: { enabled: true },
  },
  prod: {
    region: "eu-west-1",
    network: { cidr: "10.30.0.0/16", azCount: 2, natGateways: "one-per-az" },
    modelStore: { backups: true, transitionToIa: "AFTER_90_DAYS" },
    model: { name: "en_core_web_lg", version: "3.8.0", source: EN_CORE_WEB_LG_3_8_0 },
    function: { memorySize: 3008, provisionedConcurrency: 1, tracing: true, logRetentionDays: 90 },
    api: { auth: "iam" },
    alarms: { enabled: true },
  },
};
