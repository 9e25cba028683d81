import { Token, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { AppautoscalingScheduledAction } from "@cdktf/provider-aws/lib/appautoscaling-scheduled-action";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import { assertIntegerInRange, assertMatches, invalid } from "@serverless-spacy/shared/internal";

/** Lambda's provisioned-concurrency dimension in Application Auto Scaling. */
export const PROVISIONED_CONCURRENCY_DIMENSION = "lambda:function:ProvisionedConcurrency";
/** Application Auto Scaling's metric for it: provisioned instances busy, as a fraction (0–1). */
export const PROVISIONED_UTILIZATION_METRIC = "LambdaProvisionedConcurrencyUtilization";
/** AWS's recommended target for provisioned-concurrency utilization. */
export const DEFAULT_TARGET_UTILIZATION = 0.7;
/** Most instances one alias may have kept warm by these settings; a sanity bound (the account's limit is lower). */
export const MAX_PROVISIONED_INSTANCES = 1000;

/** Capacity bounds from a point in time on: e.g. more instances during business hours. */
export interface ProvisionedConcurrencySchedule {
  /** Name of the scheduled action, unique per function (1–64 of A-Z a-z 0-9 - _). */
  readonly name: string;
  /** When: Application Auto Scaling's `cron(m h dom mon dow year)`, `rate(n unit)` or `at(yyyy-mm-ddThh:mm:ss)`. */
  readonly schedule: string;
  /** IANA time zone of the schedule, e.g. "Europe/Dublin". @default "UTC" */
  readonly timezone?: string;
  /** Fewest instances from then on (≥ 1). */
  readonly min: number;
  /** Most instances from then on (≥ min, ≤ the function's reservedConcurrency). */
  readonly max: number;
}

/**
 * Target-tracking autoscaling of the `live` alias's provisioned concurrency, with optional schedules that move
 * its bounds (e.g. business hours). Provisioned concurrency starts at `provisionedConcurrency` (default: min).
 */
export interface ProvisionedConcurrencyScaling {
  /** Fewest instances kept warm (≥ 1). */
  readonly min: number;
  /** Most instances kept warm (≥ min, ≤ reservedConcurrency when set). */
  readonly max: number;
  /** Fraction of the provisioned instances busy that scaling aims at (0.1–0.9). @default 0.7 */
  readonly targetUtilization?: number;
  /** Seconds after a scale-in before the next one (a warm instance costs a model load to bring back). @default 600 */
  readonly scaleInCooldownSeconds?: number;
  /** Seconds after a scale-out before the next one. @default 60 */
  readonly scaleOutCooldownSeconds?: number;
  /** Changes of min and max on a schedule. @default [] */
  readonly schedules?: ProvisionedConcurrencySchedule[];
}

export interface ProvisionedScalingProps {
  /** Name of the function. */
  readonly functionName: string;
  /** Name of the alias that carries the provisioned concurrency. */
  readonly aliasName: string;
  /** The scaling settings. */
  readonly scaling: ProvisionedConcurrencyScaling;
  /** The alias's provisioned-concurrency config, which the target waits for. */
  readonly dependsOn: ITerraformDependable[];
  /** Tags of the scalable target. */
  readonly tags: Record<string, string>;
}

const SCHEDULE_EXPRESSION =
  /^(cron\([^()]+\)|rate\([1-9]\d* (minute|minutes|hour|hours|day|days)\)|at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\))$/;

/**
 * Checks the scaling settings against each other, the starting value and the reservation; each message names
 * the field, what is allowed and the value (like the rest of SpacyFunction's validation).
 */
export function validateProvisionedScaling(
  path: string,
  scaling: ProvisionedConcurrencyScaling,
  provisionedConcurrency: number | undefined,
  reservedConcurrency: number | undefined,
): void {
  const field = (name: string) => `provisionedConcurrencyScaling.${name}`;
  const ceiling = reservedConcurrency !== undefined && !Token.isUnresolved(reservedConcurrency);
  const maxAllowed = ceiling ? reservedConcurrency : MAX_PROVISIONED_INSTANCES;
  const bounds = (prefix: string, min: number, max: number) => {
    assertIntegerInRange(path, `${prefix}min`, min, 1, maxAllowed, "instances");
    assertIntegerInRange(
      path,
      `${prefix}max`,
      max,
      1,
      maxAllowed,
      ceiling ? "instances, at most reservedConcurrency" : "instances",
    );
    if (!Token.isUnresolved(min) && !Token.isUnresolved(max) && max < min) {
      invalid(path, `${prefix}max`, `at least ${prefix}min (${min})`, max);
    }
  };
  bounds(field(""), scaling.min, scaling.max);
  const target = scaling.targetUtilization;
  if (target !== undefined && !Token.isUnresolved(target) && !(target >= 0.1 && target <= 0.9)) {
    invalid(path, field("targetUtilization"), "a fraction in 0.1–0.9 (AWS recommends 0.7)", target);
  }
  assertIntegerInRange(path, field("scaleInCooldownSeconds"), scaling.scaleInCooldownSeconds, 0, 3600, "seconds");
  assertIntegerInRange(path, field("scaleOutCooldownSeconds"), scaling.scaleOutCooldownSeconds, 0, 3600, "seconds");
  if (provisionedConcurrency !== undefined && !Token.isUnresolved(provisionedConcurrency)) {
    if (provisionedConcurrency < scaling.min || provisionedConcurrency > scaling.max) {
      invalid(
        path,
        "provisionedConcurrency",
        `within provisionedConcurrencyScaling's min–max (${scaling.min}–${scaling.max}), or unset to start at min`,
        provisionedConcurrency,
      );
    }
  }
  const names = new Set<string>();
  (scaling.schedules ?? []).forEach((s, i) => {
    const prefix = field(`schedules[${i}].`);
    assertMatches(path, `${prefix}name`, s.name, /^[A-Za-z0-9_-]{1,64}$/, "1–64 characters of A-Z, a-z, 0-9, - and _");
    if (names.has(s.name)) {
      invalid(path, `${prefix}name`, "unique among the schedules", s.name);
    }
    names.add(s.name);
    assertMatches(
      path,
      `${prefix}schedule`,
      s.schedule,
      SCHEDULE_EXPRESSION,
      "cron(…), rate(n minutes|hours|days) or at(yyyy-mm-ddThh:mm:ss)",
    );
    assertMatches(
      path,
      `${prefix}timezone`,
      s.timezone,
      /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/,
      'an IANA time zone like "Europe/Dublin"',
    );
    bounds(prefix, s.min, s.max);
  });
}

/**
 * Application Auto Scaling of an alias's provisioned concurrency: one scalable target, a target-tracking policy on
 * LambdaProvisionedConcurrencyUtilization, and a scheduled action per schedule. AWS creates the service-linked role
 * AWSServiceRoleForApplicationAutoScaling_LambdaConcurrency on first use.
 */
export class ProvisionedScaling extends Construct {
  /** Resource id of the scalable target ("function:<name>:<alias>"). */
  public readonly resourceId: string;

  constructor(scope: Construct, id: string, props: ProvisionedScalingProps) {
    super(scope, id);
    const { scaling } = props;
    this.resourceId = `function:${props.functionName}:${props.aliasName}`;
    const target = new AppautoscalingTarget(this, "target", {
      serviceNamespace: "lambda",
      resourceId: this.resourceId,
      scalableDimension: PROVISIONED_CONCURRENCY_DIMENSION,
      minCapacity: scaling.min,
      maxCapacity: scaling.max,
      dependsOn: props.dependsOn,
      tags: props.tags,
      // Scheduled actions move min and max; without this every apply would move them back to the base bounds.
      lifecycle: (scaling.schedules ?? []).length > 0 ? { ignoreChanges: ["min_capacity", "max_capacity"] } : undefined,
    });
    new AppautoscalingPolicy(this, "utilization", {
      name: `${props.functionName}-provisioned-utilization`,
      policyType: "TargetTrackingScaling",
      serviceNamespace: target.serviceNamespace,
      resourceId: target.resourceId,
      scalableDimension: target.scalableDimension,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: scaling.targetUtilization ?? DEFAULT_TARGET_UTILIZATION,
        predefinedMetricSpecification: { predefinedMetricType: PROVISIONED_UTILIZATION_METRIC },
        scaleInCooldown: scaling.scaleInCooldownSeconds ?? 600,
        scaleOutCooldown: scaling.scaleOutCooldownSeconds ?? 60,
      },
    });
    for (const s of scaling.schedules ?? []) {
      new AppautoscalingScheduledAction(this, `schedule-${s.name}`, {
        name: `${props.functionName}-${s.name}`,
        serviceNamespace: target.serviceNamespace,
        resourceId: target.resourceId,
        scalableDimension: target.scalableDimension,
        schedule: s.schedule,
        timezone: s.timezone ?? "UTC",
        scalableTargetAction: { minCapacity: String(s.min), maxCapacity: String(s.max) },
      });
    }
  }
}
