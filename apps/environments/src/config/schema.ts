import { z } from "zod";
import { IA_TRANSITIONS, THROUGHPUT_MODES } from "@serverless-spacy/model-store";
import { NAT_GATEWAY_MODES } from "@serverless-spacy/network";
import { alarmsSchema } from "./alarms-schema";

// Allowed values are written out here rather than imported from the function module so that
// reading the config schema needs nothing but this file; the module re-validates at construction.
const ARCHITECTURES = ["x86_64", "arm64"] as const;
const API_AUTH_MODES = ["none", "iam", "jwt"] as const;
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const modelSource = z.strictObject({
  kind: z.enum(["wheel_url", "index_url", "find_links"]),
  location: z.string().min(1),
});

export const environmentConfigSchema = z
  .strictObject({
    /** AWS region the environment lives in. */
    region: z.string().regex(/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/, "must be an AWS region like eu-west-1"),
    network: z.strictObject({
      cidr: z.cidrv4("must be an IPv4 CIDR block like 10.0.0.0/16"),
      azCount: z.int().min(1).max(6),
      natGateways: z.enum(NAT_GATEWAY_MODES),
      subnetPrefixLength: z.int().min(16).max(28).default(24),
      s3GatewayEndpoint: z.boolean().default(true),
    }),
    modelStore: z.strictObject({
      throughputMode: z.enum(THROUGHPUT_MODES).default("elastic"),
      backups: z.boolean(),
      transitionToIa: z.enum(IA_TRANSITIONS).optional(),
    }),
    model: z.strictObject({
      name: z.string().regex(/^[a-z][a-z0-9_]*$/, "must be a spaCy package name like en_core_web_lg"),
      version: z.string().regex(/^\d+(\.\d+)*$/, "must be a release version like 3.8.0"),
      /** Where the sync downloads the model from. Default: spaCy's published wheel for name and version. */
      source: modelSource.optional(),
      keepVersions: z.int().min(0).max(10).default(2),
    }),
    function: z.strictObject({
      architecture: z.enum(ARCHITECTURES).default("x86_64"),
      memorySize: z.int().min(128).max(10240),
      timeout: z.int().min(1).max(900).default(30),
      /** Concurrent executions reserved for, and capping, the API function; required so no environment can drain the account's pool. */
      reservedConcurrency: z.int().min(1),
      provisionedConcurrency: z.int().min(0).default(0),
      tracing: z.boolean().default(false),
      logRetentionDays: z.union(
        LOG_RETENTION_DAYS.map((d) => z.literal(d)),
        { error: `must be one of CloudWatch Logs' retention periods: ${LOG_RETENTION_DAYS.join(", ")}` },
      ),
    }),
    api: z.strictObject({
      auth: z.enum(API_AUTH_MODES),
      jwt: z.strictObject({ issuer: z.url(), audience: z.array(z.string().min(1)).min(1) }).optional(),
      throttlingBurstLimit: z.int().min(1).default(50),
      throttlingRateLimit: z.number().positive().default(100),
    }),
    alarms: alarmsSchema,
    /** Remote state. Without it the stack keeps state in a local file, which is only fit for a laptop. */
    backend: z
      .strictObject({
        bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be an S3 bucket name"),
        key: z.string().min(1).optional(),
        region: z.string().optional(),
        useLockfile: z.boolean().default(true),
      })
      .optional(),
    /** Account ids the AWS provider may act in (provider allowed_account_ids); a plan in any other account fails. */
    allowedAccountIds: z.array(z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account id")).min(1).optional(),
    tags: z.record(z.string(), z.string()).default({}),
  })
  .superRefine((config, ctx) => {
    if (config.api.auth === "jwt" && !config.api.jwt) {
      ctx.addIssue({ code: "custom", path: ["api", "jwt"], message: 'is required when api.auth is "jwt"' });
    }
    if (config.api.auth !== "jwt" && config.api.jwt) {
      ctx.addIssue({ code: "custom", path: ["api", "jwt"], message: 'is only allowed when api.auth is "jwt"' });
    }
    const prefix = Number(config.network.cidr.split("/")[1]);
    const needed = 2 * config.network.azCount;
    const available = 2 ** (config.network.subnetPrefixLength - prefix);
    if (config.network.subnetPrefixLength < prefix || needed > available) {
      ctx.addIssue({
        code: "custom",
        path: ["network", "subnetPrefixLength"],
        message: `leaves room for ${Math.max(available, 0)} subnets in ${config.network.cidr}, ${needed} are needed (one public and one private per AZ)`,
      });
    }
  });

/** An environment's config as written in environments.ts (defaults not yet applied). */
export type EnvironmentConfigInput = z.input<typeof environmentConfigSchema>;
/** An environment's validated config with every default filled in. */
export type EnvironmentConfig = z.output<typeof environmentConfigSchema>;

/** Rules that only make sense for production. */
export function productionIssues(config: EnvironmentConfig): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  if (config.function.provisionedConcurrency < 1) {
    issues.push({ path: "function.provisionedConcurrency", message: "must be at least 1 in prod: cold starts load the model" });
  }
  if (!config.alarms.enabled) {
    issues.push({ path: "alarms.enabled", message: "must be true in prod" });
  }
  if (config.api.auth === "none") {
    issues.push({ path: "api.auth", message: 'must not be "none" in prod' });
  }
  if (config.network.natGateways !== "one-per-az") {
    issues.push({ path: "network.natGateways", message: 'must be "one-per-az" in prod so one AZ failing leaves the others online' });
  }
  return issues;
}
