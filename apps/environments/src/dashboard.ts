import { Construct } from "constructs";
import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";

export interface EnvironmentDashboardProps {
  /** Name of the dashboard. */
  readonly name: string;
  /** Region of every metric. */
  readonly region: string;
  /** The API function. */
  readonly functionName: string;
  /** Its log group (JSON format), for init durations from the platform reports. */
  readonly logGroupName: string;
  /** The HTTP API and its stage. */
  readonly apiId: string;
  readonly stageName: string;
  /** The model store's file system. */
  readonly fileSystemId: string;
  /** Alias with provisioned concurrency, if any. @default none */
  readonly provisionedAlias?: string;
  /** Names of the environment's alarms, shown as a status widget. @default [] */
  readonly alarmNames?: string[];
}

type Metric = (string | Record<string, unknown>)[];

/** Width 12 of 24: two widgets per row. */
function graph(title: string, metrics: Metric[], region: string, extra: Record<string, unknown> = {}) {
  return {
    type: "metric",
    width: 12,
    height: 6,
    properties: { title, region, metrics, view: "timeSeries", period: 60, ...extra },
  };
}

/**
 * One CloudWatch dashboard per environment: requests and errors, latency percentiles, init (cold start)
 * duration, concurrency, EFS throughput, and the state of every alarm.
 */
export class EnvironmentDashboard extends Construct {
  /** Name of the dashboard. */
  public readonly dashboardName: string;

  constructor(scope: Construct, id: string, props: EnvironmentDashboardProps) {
    super(scope, id);
    const { region } = props;
    const fn = ["FunctionName", props.functionName];
    const api = ["ApiId", props.apiId, "Stage", props.stageName];
    const efs = ["FileSystemId", props.fileSystemId];
    const widgets: Record<string, unknown>[] = [
      graph(
        "Requests and errors (API)",
        [
          ["AWS/ApiGateway", "Count", ...api, { stat: "Sum", label: "requests" }],
          ["AWS/ApiGateway", "4xx", ...api, { stat: "Sum", label: "4xx" }],
          ["AWS/ApiGateway", "5xx", ...api, { stat: "Sum", label: "5xx" }],
          ["AWS/Lambda", "Errors", ...fn, { stat: "Sum", label: "function errors" }],
          ["AWS/Lambda", "Throttles", ...fn, { stat: "Sum", label: "throttles" }],
        ],
        region,
      ),
      graph(
        "Latency (ms)",
        [
          ["AWS/ApiGateway", "Latency", ...api, { stat: "p50", label: "API p50" }],
          ["AWS/ApiGateway", "Latency", ...api, { stat: "p99", label: "API p99" }],
          ["AWS/Lambda", "Duration", ...fn, { stat: "p50", label: "function p50" }],
          ["AWS/Lambda", "Duration", ...fn, { stat: "p90", label: "function p90" }],
          ["AWS/Lambda", "Duration", ...fn, { stat: "p99", label: "function p99" }],
        ],
        region,
      ),
      {
        type: "log",
        width: 12,
        height: 6,
        properties: {
          title: "Init duration (cold starts, ms)",
          region,
          view: "timeSeries",
          // JSON log format: the platform's REPORT line is a platform.report record.
          query:
            `SOURCE '${props.logGroupName}' | filter type = "platform.report" and ` +
            `ispresent(record.metrics.initDurationMs) ` +
            "| stats count(*) as coldStarts, avg(record.metrics.initDurationMs) as avgInit, " +
            "max(record.metrics.initDurationMs) as maxInit by bin(5m)",
        },
      },
      graph(
        "Concurrency",
        [
          ["AWS/Lambda", "ConcurrentExecutions", ...fn, { stat: "Maximum", label: "concurrent executions" }],
          ...(props.provisionedAlias
            ? [
                [
                  "AWS/Lambda",
                  "ProvisionedConcurrencyUtilization",
                  ...fn,
                  "Resource",
                  `${props.functionName}:${props.provisionedAlias}`,
                  { stat: "Maximum", label: "provisioned utilization" },
                ],
                [
                  "AWS/Lambda",
                  "ProvisionedConcurrencySpilloverInvocations",
                  ...fn,
                  "Resource",
                  `${props.functionName}:${props.provisionedAlias}`,
                  { stat: "Sum", label: "spillover invocations" },
                ],
              ]
            : []),
        ],
        region,
      ),
      graph(
        "EFS throughput (bytes per minute)",
        [
          ["AWS/EFS", "DataReadIOBytes", ...efs, { stat: "Sum", label: "read" }],
          ["AWS/EFS", "DataWriteIOBytes", ...efs, { stat: "Sum", label: "write" }],
          ["AWS/EFS", "MeteredIOBytes", ...efs, { stat: "Sum", label: "metered" }],
        ],
        region,
      ),
    ];
    if (props.alarmNames && props.alarmNames.length > 0) {
      // ARNs built from names rather than alarm references, so the dashboard does not depend on the alarms.
      const account = new DataAwsCallerIdentity(this, "account");
      const partition = new DataAwsPartition(this, "partition");
      const arn = (name: string) =>
        `arn:${partition.partition}:cloudwatch:${region}:${account.accountId}:alarm:${name}`;
      widgets.push({
        type: "alarm",
        width: 12,
        height: 6,
        properties: { title: "Alarms", alarms: props.alarmNames.map(arn) },
      });
    }
    new CloudwatchDashboard(this, "dashboard", {
      dashboardName: props.name,
      dashboardBody: JSON.stringify({ widgets }),
    });
    this.dashboardName = props.name;
  }
}
