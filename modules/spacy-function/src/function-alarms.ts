import { Construct } from "constructs";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";

/** CloudWatch alarms on the function and its API. */
export interface SpacyAlarmsProps {
  /** Alarm when the function's Errors sum over one period reaches this (OOM kills count here). @default 1 */
  readonly errorsThreshold?: number;
  /** Alarm when the function's Throttles sum over one period reaches this. @default 1 */
  readonly throttlesThreshold?: number;
  /** Alarm when the API's 5xx sum over one period reaches this (timeouts and init failures show up here). @default 1 */
  readonly serverErrorsThreshold?: number;
  /** Length of the evaluated period, in seconds (a multiple of 60). @default 300 */
  readonly periodSeconds?: number;
  /** ARNs (e.g. SNS topics) notified when an alarm fires. @default [] */
  readonly alarmActions?: string[];
  /** ARNs notified when an alarm recovers. @default [] */
  readonly okActions?: string[];
}

/** Internal: the alarms SpacyFunction creates when `alarms` is set (props already validated). */
export interface FunctionAlarmsProps extends SpacyAlarmsProps {
  /** Prefix of the alarm names. */
  readonly name: string;
  /** Function whose Errors and Throttles are watched. */
  readonly functionName: string;
  /** API whose 5xx responses are watched. */
  readonly apiId: string;
  /** Stage of that API. */
  readonly stageName: string;
  /** Tags added to every alarm. */
  readonly tags: Record<string, string>;
}

export class FunctionAlarms extends Construct {
  constructor(scope: Construct, id: string, props: FunctionAlarmsProps) {
    super(scope, id);
    const common = {
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      evaluationPeriods: 1,
      period: props.periodSeconds ?? 300,
      statistic: "Sum",
      // No traffic is not an incident.
      treatMissingData: "notBreaching",
      alarmActions: props.alarmActions ?? [],
      okActions: props.okActions ?? [],
      tags: props.tags,
    };
    new CloudwatchMetricAlarm(this, "errors", {
      ...common,
      alarmName: `${props.name}-errors`,
      alarmDescription: `${props.functionName} failed invocations (an out-of-memory kill logs "Runtime exited with error: signal: killed")`,
      namespace: "AWS/Lambda",
      metricName: "Errors",
      dimensions: { FunctionName: props.functionName },
      threshold: props.errorsThreshold ?? 1,
    });
    new CloudwatchMetricAlarm(this, "throttles", {
      ...common,
      alarmName: `${props.name}-throttles`,
      alarmDescription: `${props.functionName} invocations rejected for lack of concurrency`,
      namespace: "AWS/Lambda",
      metricName: "Throttles",
      dimensions: { FunctionName: props.functionName },
      threshold: props.throttlesThreshold ?? 1,
    });
    new CloudwatchMetricAlarm(this, "api-5xx", {
      ...common,
      alarmName: `${props.name}-api-5xx`,
      alarmDescription: `HTTP API of ${props.functionName} answered 5xx`,
      namespace: "AWS/ApiGateway",
      metricName: "5xx",
      dimensions: { ApiId: props.apiId, Stage: props.stageName },
      threshold: props.serverErrorsThreshold ?? 1,
    });
  }
}
