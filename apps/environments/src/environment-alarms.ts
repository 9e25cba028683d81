import { Construct } from "constructs";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { ThroughputMode } from "@serverless-spacy/model-store";

/** Burst credits (bytes) below which a "bursting" file system is about to fall back to its baseline rate. */
export const EFS_BURST_CREDIT_FLOOR_BYTES = 1024 ** 4; // 1 TiB, about half the 2.1 TiB a new file system starts with

export interface EnvironmentAlarmsProps {
  /** Prefix of the alarm names. */
  readonly name: string;
  /** The one-shot sync function of each model, by model name. */
  readonly modelSyncFunctionNames: Record<string, string>;
  /** The model store's file system. */
  readonly fileSystemId: string;
  /** The store's throughput mode; only "bursting" has credits to run out of. */
  readonly throughputMode: ThroughputMode;
  /** M-of-N evaluation for the continuous (EFS) alarm. */
  readonly evaluation: { periodSeconds: number; evaluationPeriods: number; datapointsToAlarm: number };
  /** Alarm and OK actions (the environment's topic first). */
  readonly actions: string[];
  /** Tags added to every alarm. */
  readonly tags: Record<string, string>;
}

/**
 * Alarms on what surrounds the API function: a failed model sync, and EFS burst credits running out
 * when the store uses bursting throughput (elastic and provisioned throughput have no credits).
 */
export class EnvironmentAlarms extends Construct {
  /** Names of the alarms created. */
  public readonly alarmNames: string[] = [];

  constructor(scope: Construct, id: string, props: EnvironmentAlarmsProps) {
    super(scope, id);
    const common = { alarmActions: props.actions, okActions: props.actions, tags: props.tags };

    // One datapoint is enough here: the sync runs once per deploy, so a failure never repeats on its own.
    // One alarm per model, keyed by its name: adding a model adds an alarm and changes none of the others.
    for (const [model, functionName] of Object.entries(props.modelSyncFunctionNames)) {
      const syncAlarm = `${props.name}-${model}-sync-errors`;
      new CloudwatchMetricAlarm(this, `model-sync-errors-${model}`, {
        ...common,
        alarmName: syncAlarm,
        alarmDescription: `The model sync ${functionName} failed: the store may lack ${model} (see its log group)`,
        namespace: "AWS/Lambda",
        metricName: "Errors",
        dimensions: { FunctionName: functionName },
        statistic: "Sum",
        period: 300,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        threshold: 1,
        treatMissingData: "notBreaching",
      });
      this.alarmNames.push(syncAlarm);
    }

    if (props.throughputMode === ThroughputMode.BURSTING) {
      const creditsAlarm = `${props.name}-efs-burst-credits`;
      new CloudwatchMetricAlarm(this, "efs-burst-credits", {
        ...common,
        alarmName: creditsAlarm,
        alarmDescription:
          `EFS ${props.fileSystemId} has under 1 TiB of burst credits left: cold starts reading the model will ` +
          `slow to the ` +
          "baseline rate once they are gone (switch throughputMode to elastic)",
        namespace: "AWS/EFS",
        metricName: "BurstCreditBalance",
        dimensions: { FileSystemId: props.fileSystemId },
        statistic: "Minimum",
        period: props.evaluation.periodSeconds,
        evaluationPeriods: props.evaluation.evaluationPeriods,
        datapointsToAlarm: props.evaluation.datapointsToAlarm,
        comparisonOperator: "LessThanThreshold",
        threshold: EFS_BURST_CREDIT_FLOOR_BYTES,
        // No data from EFS means no metric, not an empty balance.
        treatMissingData: "missing",
      });
      this.alarmNames.push(creditsAlarm);
    }
  }
}
