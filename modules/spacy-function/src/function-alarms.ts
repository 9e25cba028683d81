import { Token } from "cdktf";
import { Construct } from "constructs";
import {
  CloudwatchMetricAlarm,
  type CloudwatchMetricAlarmConfig,
} from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { assertAtLeast, invalid } from "@serverless-spacy/shared/internal";

/** CloudWatch alarms on an HTTP API's answers: its 5xx count and 4xx share of requests. */
export interface ApiAlarmsProps {
  /** Alarm when the API's 5xx sum in a period reaches this (timeouts and init failures show up here). @default 1 */
  readonly serverErrorsThreshold?: number;
  /**
   * Alarm when the API's 4xx share of requests in a period exceeds this percentage (clients failing auth or sending
   * bad input). @default 10
   */
  readonly clientErrorRatePercent?: number;
  /** Fewest requests in a period for the 4xx rate to count; below it a handful of bad calls is no trend. @default 20 */
  readonly clientErrorMinRequests?: number;
  /** Length of one evaluated period, in seconds (a multiple of 60). @default 60 */
  readonly periodSeconds?: number;
  /** N of M-of-N: how many recent periods each alarm evaluates. @default 5 */
  readonly evaluationPeriods?: number;
  /** M of M-of-N: how many of them must breach; a single bad minute is not paged. @default 3 */
  readonly datapointsToAlarm?: number;
  /** ARNs (e.g. SNS topics) notified when an alarm fires. @default [] */
  readonly alarmActions?: string[];
  /** ARNs notified when an alarm recovers. @default the alarmActions */
  readonly okActions?: string[];
}

/** CloudWatch alarms on the function and its API (the API's are those of {@link ApiAlarmsProps}). */
export interface SpacyAlarmsProps extends ApiAlarmsProps {
  /** Alarm when the function's Errors sum in a period reaches this (OOM kills count here). @default 1 */
  readonly errorsThreshold?: number;
  /** Alarm when the function's Throttles sum in a period reaches this. @default 1 */
  readonly throttlesThreshold?: number;
  /** Alarm when the function's p99 duration exceeds this percentage of its timeout. @default 80 */
  readonly durationPercentOfTimeout?: number;
  /**
   * Alarm when concurrent executions reach this percentage of the reserved concurrency (only with a reservation).
   * @default 80
   */
  readonly concurrencyPercentOfReserved?: number;
}

/** Internal: the alarms SpacyFunction creates when `alarms` is set (its API's are the API's, ApiAlarms). */
export interface FunctionAlarmsProps extends SpacyAlarmsProps {
  /** Prefix of the alarm names. */
  readonly name: string;
  /** Function whose metrics are watched. */
  readonly functionName: string;
  /** Timeout of the function, in seconds (the duration alarm's reference). */
  readonly timeoutSeconds: number;
  /** Reserved concurrency of the function; no concurrency alarm without it. @default none */
  readonly reservedConcurrency?: number;
  /** Alias with provisioned concurrency; adds the spillover alarm. @default none */
  readonly provisionedAlias?: string;
  /** Tags added to every alarm. */
  readonly tags: Record<string, string>;
}

/** Default M-of-N evaluation: 3 breaching minutes out of the last 5. */
export const ALARM_EVALUATION_DEFAULTS = { periodSeconds: 60, evaluationPeriods: 5, datapointsToAlarm: 3 } as const;

/** Alarm evaluation and actions shared by every alarm of a construct. */
type AlarmCommon = Pick<ApiAlarmsProps, "evaluationPeriods" | "datapointsToAlarm" | "alarmActions" | "okActions"> & {
  readonly tags: Record<string, string>;
};

/** A function that creates one alarm with the construct's evaluation and actions and records its name. */
export function alarmMaker(
  scope: Construct,
  props: AlarmCommon,
  names: string[],
): (id: string, config: Omit<CloudwatchMetricAlarmConfig, "evaluationPeriods">) => CloudwatchMetricAlarm {
  const common = {
    evaluationPeriods: props.evaluationPeriods ?? ALARM_EVALUATION_DEFAULTS.evaluationPeriods,
    datapointsToAlarm: props.datapointsToAlarm ?? ALARM_EVALUATION_DEFAULTS.datapointsToAlarm,
    // No traffic is not an incident.
    treatMissingData: "notBreaching",
    alarmActions: props.alarmActions ?? [],
    okActions: props.okActions ?? props.alarmActions ?? [],
    tags: props.tags,
  };
  return (id, config) => {
    const created = new CloudwatchMetricAlarm(scope, id, { ...common, ...config });
    names.push(config.alarmName);
    return created;
  };
}

/**
 * Alarms that say the function is failing, slow, or running out of room: errors, throttles, p99 duration
 * near the timeout, concurrency near the reservation, and provisioned-concurrency spillover (requests served
 * by cold instances although warm ones were paid for). Its API's 5xx and 4xx alarms are the API's (ApiAlarms).
 */
export class FunctionAlarms extends Construct {
  /** Names of the alarms created (names, not ARNs: nothing needs to reference the alarm resources). */
  public readonly alarmNames: string[] = [];

  constructor(scope: Construct, id: string, props: FunctionAlarmsProps) {
    super(scope, id);
    validateAlarms(this.node.path, props);
    const period = props.periodSeconds ?? ALARM_EVALUATION_DEFAULTS.periodSeconds;
    const fnDimensions = { FunctionName: props.functionName };
    const alarm = alarmMaker(this, props, this.alarmNames);
    const sum = { comparisonOperator: "GreaterThanOrEqualToThreshold", statistic: "Sum", period };

    alarm("errors", {
      ...sum,
      alarmName: `${props.name}-errors`,
      alarmDescription:
        `${props.functionName} failed invocations (an out-of-memory kill logs "Runtime exited with ` +
        `error: signal: killed")`,
      namespace: "AWS/Lambda",
      metricName: "Errors",
      dimensions: fnDimensions,
      threshold: props.errorsThreshold ?? 1,
    });
    alarm("throttles", {
      ...sum,
      alarmName: `${props.name}-throttles`,
      alarmDescription: `${props.functionName} invocations rejected for lack of concurrency`,
      namespace: "AWS/Lambda",
      metricName: "Throttles",
      dimensions: fnDimensions,
      threshold: props.throttlesThreshold ?? 1,
    });
    const durationPercent = props.durationPercentOfTimeout ?? 80;
    alarm("duration-p99", {
      alarmName: `${props.name}-duration-p99`,
      alarmDescription:
        `p99 duration of ${props.functionName} above ${durationPercent}% of its ` +
        `${props.timeoutSeconds} s timeout: requests are about to time out`,
      comparisonOperator: "GreaterThanThreshold",
      namespace: "AWS/Lambda",
      metricName: "Duration",
      dimensions: fnDimensions,
      extendedStatistic: "p99",
      period,
      threshold: Math.round(props.timeoutSeconds * 10 * durationPercent),
      unit: "Milliseconds",
    });

    if (props.reservedConcurrency !== undefined) {
      const concurrencyPercent = props.concurrencyPercentOfReserved ?? 80;
      alarm("concurrency", {
        alarmName: `${props.name}-concurrency`,
        alarmDescription:
          `Concurrent executions of ${props.functionName} at ${concurrencyPercent}% of its reserved ` +
          `${props.reservedConcurrency}: requests beyond the reservation are throttled`,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        namespace: "AWS/Lambda",
        metricName: "ConcurrentExecutions",
        dimensions: fnDimensions,
        statistic: "Maximum",
        period,
        threshold: Math.max(1, Math.ceil((props.reservedConcurrency * concurrencyPercent) / 100)),
      });
    }

    if (props.provisionedAlias !== undefined) {
      alarm("provisioned-spillover", {
        ...sum,
        alarmName: `${props.name}-provisioned-spillover`,
        alarmDescription:
          `Invocations of ${props.functionName}:${props.provisionedAlias} beyond its provisioned ` +
          `concurrency (served by cold instances that load the model first)`,
        namespace: "AWS/Lambda",
        metricName: "ProvisionedConcurrencySpilloverInvocations",
        dimensions: { FunctionName: props.functionName, Resource: `${props.functionName}:${props.provisionedAlias}` },
        threshold: 1,
      });
    }
  }
}

/** Checks alarm settings; the API's alarms check the fields they have (the others are undefined). */
export function validateAlarms(path: string, props: SpacyAlarmsProps): void {
  assertAtLeast(path, "alarms.errorsThreshold", props.errorsThreshold, 1, false);
  assertAtLeast(path, "alarms.throttlesThreshold", props.throttlesThreshold, 1, false);
  assertAtLeast(path, "alarms.serverErrorsThreshold", props.serverErrorsThreshold, 1, false);
  assertAtLeast(path, "alarms.clientErrorMinRequests", props.clientErrorMinRequests, 1, true);
  for (const field of ["clientErrorRatePercent", "durationPercentOfTimeout", "concurrencyPercentOfReserved"] as const) {
    const value = props[field];
    if (value !== undefined && !Token.isUnresolved(value) && !(value > 0 && value <= 100)) {
      invalid(path, `alarms.${field}`, "a percentage above 0 and at most 100", value);
    }
  }
  const period = props.periodSeconds;
  if (
    period !== undefined &&
    !Token.isUnresolved(period) &&
    (!Number.isInteger(period) || period < 60 || period % 60 !== 0)
  ) {
    invalid(path, "alarms.periodSeconds", "a multiple of 60 (seconds)", period);
  }
  const n = props.evaluationPeriods ?? ALARM_EVALUATION_DEFAULTS.evaluationPeriods;
  const m = props.datapointsToAlarm ?? ALARM_EVALUATION_DEFAULTS.datapointsToAlarm;
  assertAtLeast(path, "alarms.evaluationPeriods", props.evaluationPeriods, 1, true);
  assertAtLeast(path, "alarms.datapointsToAlarm", props.datapointsToAlarm, 1, true);
  if (!Token.isUnresolved(n) && !Token.isUnresolved(m) && m > n) {
    invalid(path, "alarms.datapointsToAlarm", `at most alarms.evaluationPeriods (${n})`, m);
  }
}
