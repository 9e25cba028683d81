import { Construct } from "constructs";
import { ALARM_EVALUATION_DEFAULTS, alarmMaker, validateAlarms, type ApiAlarmsProps } from "./function-alarms";

/** Internal: the alarms SpacyHttpApi creates when `alarms` is set. */
export interface ApiAlarmsConstructProps extends ApiAlarmsProps {
  /** Prefix of the alarm names (the API's name). */
  readonly name: string;
  /** API whose 4xx and 5xx responses are watched. */
  readonly apiId: string;
  /** Stage of that API. */
  readonly stageName: string;
  /** Tags added to every alarm. */
  readonly tags: Record<string, string>;
}

/**
 * 5xx answers (timeouts, init failures, a model that cannot load) and a high 4xx share (callers failing auth
 * or sending bad input) of one API, whichever model's function answered.
 */
export class ApiAlarms extends Construct {
  /** Names of the alarms created. */
  public readonly alarmNames: string[] = [];

  constructor(scope: Construct, id: string, props: ApiAlarmsConstructProps) {
    super(scope, id);
    validateAlarms(this.node.path, props);
    const period = props.periodSeconds ?? ALARM_EVALUATION_DEFAULTS.periodSeconds;
    const apiDimensions = { ApiId: props.apiId, Stage: props.stageName };
    const alarm = alarmMaker(this, props, this.alarmNames);
    const sum = { comparisonOperator: "GreaterThanOrEqualToThreshold", statistic: "Sum", period };

    alarm("api-5xx", {
      ...sum,
      alarmName: `${props.name}-api-5xx`,
      alarmDescription: `HTTP API ${props.name} answered 5xx`,
      namespace: "AWS/ApiGateway",
      metricName: "5xx",
      dimensions: apiDimensions,
      threshold: props.serverErrorsThreshold ?? 1,
    });

    const ratePercent = props.clientErrorRatePercent ?? 10;
    const minRequests = props.clientErrorMinRequests ?? 20;
    const apiMetric = (metricName: string) => ({
      metric: { namespace: "AWS/ApiGateway", metricName, dimensions: apiDimensions, period, stat: "Sum" },
    });
    alarm("api-4xx-rate", {
      alarmName: `${props.name}-api-4xx-rate`,
      alarmDescription:
        `More than ${ratePercent}% of requests to the HTTP API ${props.name} answered 4xx (rejected ` +
        `auth, bad input), with at least ${minRequests} requests per period`,
      comparisonOperator: "GreaterThanThreshold",
      threshold: ratePercent,
      metricQuery: [
        { id: "requests", ...apiMetric("Count") },
        { id: "client_errors", ...apiMetric("4xx") },
        {
          id: "rate",
          label: "4xx share of requests (%)",
          expression: `IF(requests >= ${minRequests}, 100 * client_errors / requests, 0)`,
          returnData: true,
        },
      ],
    });
  }
}
