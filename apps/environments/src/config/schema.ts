import { z } from "zod";
import { IaTransition, ThroughputMode } from "@serverless-spacy/model-store";
import { ModelSourceKind } from "@serverless-spacy/model-sync";
import { NatGatewayMode } from "@serverless-spacy/network";
import {
  KEEP_VERSIONS_LIMITS,
  LOG_RETENTION_DAYS,
  MEMORY_LIMITS,
  MODEL_NAME_RULE,
  MODEL_VERSION_RULE,
  S3_BUCKET_PATTERN,
  SHA256_PATTERN,
  TIMEOUT_LIMITS,
  isModelName,
  isModelVersion,
} from "@serverless-spacy/shared/internal";
import { ApiAuthMode, Architecture } from "@serverless-spacy/spacy-function";
import { alarmsSchema } from "./alarms-schema";
import { batchJobSchema } from "./batch-job-schema";
import { IAM_POLICY_NAME_PATTERN, deliverySchema } from "./delivery";
import { stringEnum } from "./string-enum";

// Allowed values come from the packages whose constructs check them again, so the config report and the
// constructs cannot disagree (a value this schema accepts is one the constructs accept).

// Every source is pinned by the wheel's sha256 (ModelSync and the sync re-check the rest of the rules).
const sha256 = z.string().regex(SHA256_PATTERN, "must be the wheel's sha256: 64 lowercase hex digits");
const modelSource = z.discriminatedUnion("kind", [
  z.strictObject({
    /** How pip reads `location`: a wheel URL, a PEP 503 index, or a find-links page or directory. */
    // The configuration spells the kind as a string; parsed, it is the ModelSourceKind of the same value.
    kind: z.enum(["wheel_url", "index_url", "find_links"]).transform((kind) => kind as ModelSourceKind),
    location: z.string().min(1),
    sha256,
  }),
  z.strictObject({
    /** A private wheel in S3, read through the VPC's S3 gateway endpoint (no NAT needed). */
    kind: z.literal("s3").transform(() => ModelSourceKind.S3),
    bucket: z.string().regex(S3_BUCKET_PATTERN, "must be an S3 bucket name"),
    key: z.string().min(1).max(1024).endsWith(".whl", "must name a .whl file"),
    sha256,
  }),
]);

/** One model the environment serves; its name is the `<name>` of its `/models/<name>/…` routes. */
const modelSchema = z.strictObject({
  name: z.string().refine(isModelName, MODEL_NAME_RULE),
  version: z.string().refine(isModelVersion, MODEL_VERSION_RULE),
  /** Where the sync downloads the model from, pinned by the wheel's sha256. */
  source: modelSource,
  /** Earlier versions kept for rollback; at least 1, the one the API serves until a deploy switches it. */
  keepVersions: z.int().min(KEEP_VERSIONS_LIMITS.min).max(KEEP_VERSIONS_LIMITS.max).default(2),
  /** Memory of the model's function, in MB: the model loads whole (see MODEL_MEMORY_GUIDE). */
  memorySize: z.int().min(MEMORY_LIMITS.min).max(MEMORY_LIMITS.max),
  /**
   * Concurrent executions reserved for, and capping, the model's function; required so no model can drain the
   * account's pool.
   */
  reservedConcurrency: z.int().min(1),
  /** Instances kept warm with the model loaded (behind the function's "live" alias). */
  provisionedConcurrency: z.int().min(0).default(0),
  /** Target tracking (and schedules) of the warm instances between min and max; SpacyFunction checks the rest. */
  provisionedConcurrencyScaling: z
    .strictObject({
      min: z.int().min(1),
      max: z.int().min(1),
      targetUtilization: z.number().min(0.1).max(0.9).optional(),
      scaleInCooldownSeconds: z.int().min(0).optional(),
      scaleOutCooldownSeconds: z.int().min(0).optional(),
      schedules: z
        .array(
          z.strictObject({
            name: z.string().min(1),
            schedule: z.string().min(1),
            timezone: z.string().min(1).optional(),
            min: z.int().min(1),
            max: z.int().min(1),
          }),
        )
        .optional(),
    })
    .optional(),
});

export const environmentConfigSchema = z
  .strictObject({
    /** AWS region the environment lives in. */
    region: z.string().regex(/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/, "must be an AWS region like eu-west-1"),
    network: z.strictObject({
      cidr: z.cidrv4("must be an IPv4 CIDR block like 10.0.0.0/16"),
      azCount: z.int().min(1).max(6),
      natGateways: stringEnum(NatGatewayMode),
      subnetPrefixLength: z.int().min(16).max(28).default(24),
      s3GatewayEndpoint: z.boolean().default(true),
    }),
    modelStore: z.strictObject({
      throughputMode: stringEnum(ThroughputMode).default(ThroughputMode.ELASTIC),
      backups: z.boolean(),
      transitionToIa: stringEnum(IaTransition).optional(),
    }),
    /** The models the API serves, each synced, versioned and served by a function of its own. */
    models: z.array(modelSchema).min(1, "must list at least one model"),
    /** Name of the model the bare routes (`POST /entities`, …) serve. @default the first model */
    defaultModel: z.string().optional(),
    /** Settings every model's function shares; memory and concurrency are per model. */
    function: z.strictObject({
      architecture: stringEnum(Architecture).default(Architecture.X86_64),
      timeout: z.int().min(TIMEOUT_LIMITS.min).max(TIMEOUT_LIMITS.max).default(30),
      tracing: z.boolean().default(false),
      logRetentionDays: z.union(
        LOG_RETENTION_DAYS.map((d) => z.literal(d)),
        { error: `must be one of CloudWatch Logs' retention periods: ${LOG_RETENTION_DAYS.join(", ")}` },
      ),
    }),
    api: z.strictObject({
      auth: stringEnum(ApiAuthMode),
      jwt: z.strictObject({ issuer: z.url(), audience: z.array(z.string().min(1)).min(1) }).optional(),
      throttlingBurstLimit: z.int().min(1).default(50),
      throttlingRateLimit: z.number().positive().default(100),
    }),
    alarms: alarmsSchema,
    /** The NER batch job (Step Functions Distributed Map over S3); none when absent. */
    batchJob: batchJobSchema.optional(),
    /** Remote state. Without it the stack keeps state in a local file, which is only fit for a laptop. */
    backend: z
      .strictObject({
        bucket: z.string().regex(S3_BUCKET_PATTERN, "must be an S3 bucket name"),
        key: z.string().min(1).optional(),
        region: z.string().optional(),
        useLockfile: z.boolean().default(true),
      })
      .optional(),
    /** Account ids the AWS provider may act in (provider allowed_account_ids); a plan in any other account fails. */
    allowedAccountIds: z
      .array(z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account id"))
      .min(1)
      .optional(),
    /** Who deploys it: the pipeline (remote state, account pin and boundary required) or people, with the reason. */
    delivery: deliverySchema,
    /**
     * Managed policy (name, in the environment's account) every role the stack creates carries as its permissions
     * boundary.
     */
    permissionsBoundaryPolicy: z.string().regex(IAM_POLICY_NAME_PATTERN, "must be an IAM policy name").optional(),
    tags: z.record(z.string(), z.string()).default({}),
  })
  .superRefine((config, ctx) => {
    if (config.api.auth === ApiAuthMode.JWT && !config.api.jwt) {
      ctx.addIssue({ code: "custom", path: ["api", "jwt"], message: 'is required when api.auth is "jwt"' });
    }
    if (config.api.auth !== ApiAuthMode.JWT && config.api.jwt) {
      ctx.addIssue({ code: "custom", path: ["api", "jwt"], message: 'is only allowed when api.auth is "jwt"' });
    }
    config.models.forEach((model, index) => {
      if (config.network.natGateways === NatGatewayMode.NONE && model.source.kind !== ModelSourceKind.S3) {
        ctx.addIssue({
          code: "custom",
          path: ["models", index, "source", "kind"],
          message:
            'must be "s3" when network.natGateways is "none": without NAT the sync reaches only S3, ' +
            "through the gateway endpoint",
        });
      }
      if (config.models.findIndex((other) => other.name === model.name) !== index) {
        ctx.addIssue({
          code: "custom",
          path: ["models", index, "name"],
          message: "must be unique: it names the model's routes, function and directory on the store",
        });
      }
      if (model.provisionedConcurrency > model.reservedConcurrency) {
        ctx.addIssue({
          code: "custom",
          path: ["models", index, "reservedConcurrency"],
          message:
            `must cover provisionedConcurrency (${model.provisionedConcurrency}): provisioned instances ` +
            `count against the reservation`,
        });
      }
    });
    if (config.defaultModel !== undefined && !config.models.some((model) => model.name === config.defaultModel)) {
      ctx.addIssue({
        code: "custom",
        path: ["defaultModel"],
        message: `must be the name of one of the models (${config.models.map((model) => model.name).join(", ")})`,
      });
    }
    if (config.network.natGateways === NatGatewayMode.NONE && !config.network.s3GatewayEndpoint) {
      ctx.addIssue({
        code: "custom",
        path: ["network", "s3GatewayEndpoint"],
        message: 'must be true when network.natGateways is "none": the sync downloads the model through it',
      });
    }
    const prefix = Number(config.network.cidr.split("/")[1]);
    const needed = 2 * config.network.azCount;
    const available = 2 ** (config.network.subnetPrefixLength - prefix);
    if (config.network.subnetPrefixLength < prefix || needed > available) {
      ctx.addIssue({
        code: "custom",
        path: ["network", "subnetPrefixLength"],
        message:
          `leaves room for ${Math.max(available, 0)} subnets in ${config.network.cidr}, ${needed} are ` +
          `needed (one public and one private per AZ)`,
      });
    }
  });

/** An environment's config as written in environments.ts (defaults not yet applied). */
export type EnvironmentConfigInput = z.input<typeof environmentConfigSchema>;
/** An environment's validated config with every default filled in. */
export type EnvironmentConfig = z.output<typeof environmentConfigSchema>;

/** The model the bare routes serve: `defaultModel`, else the first. */
export function defaultModelOf(config: EnvironmentConfig): EnvironmentConfig["models"][number] {
  return config.models.find((model) => model.name === config.defaultModel) ?? config.models[0];
}

/** Rules that only make sense for production. */
export function productionIssues(config: EnvironmentConfig): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  config.models.forEach((model, index) => {
    if (model.provisionedConcurrency < 1) {
      issues.push({
        path: `models.${index}.provisionedConcurrency`,
        message: "must be at least 1 in prod: cold starts load the model",
      });
    }
  });
  if (!config.alarms.enabled) {
    issues.push({ path: "alarms.enabled", message: "must be true in prod" });
  }
  if (config.api.auth === ApiAuthMode.NONE) {
    issues.push({ path: "api.auth", message: 'must not be "none" in prod' });
  }
  if (config.delivery.pipeline && config.delivery.pullRequestPlans) {
    issues.push({
      path: "delivery.pullRequestPlans",
      message:
        "must be false in prod: any branch of a pull request could then use prod's plan role; prod " +
        "is planned on main and reviewed before its apply",
    });
  }
  if (config.network.natGateways !== NatGatewayMode.ONE_PER_AZ) {
    issues.push({
      path: "network.natGateways",
      message: 'must be "one-per-az" in prod so one AZ failing leaves the others online',
    });
  }
  return issues;
}
