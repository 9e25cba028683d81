import { TerraformOutput, type ITerraformDependable } from "cdktf";
import type { Construct } from "constructs";
import type { EfsModelStore } from "@serverless-spacy/model-store";
import { NerBatchJob } from "@serverless-spacy/ner-batch-job";
import type { Network } from "@serverless-spacy/network";
import type { SpacyLayer } from "@serverless-spacy/spacy-function";
import type { BatchJobConfig } from "./config/batch-job-schema";
import { HOURS_PER_MONTH, PRICES } from "./cost-ceiling";

/**
 * What the batch job's limits let it spend at most (docs/cost-ceiling.md): every reserved worker busy all month.
 * Requests, state transitions and S3 requests come to cents per million documents (module README) on top.
 */
export function batchJobCeiling(config: BatchJobConfig): { computePerHour: number; perMonth: number } {
  const computePerHour = config.reservedConcurrency * (config.memorySize / 1024) * PRICES.lambdaGbSecond * 3600;
  return { computePerHour, perMonth: computePerHour * HOURS_PER_MONTH };
}

/** What the environment's NER batch job is wired to: the stack's network, store, layer and alarm topic. */
export interface EnvironmentBatchJobProps {
  readonly name: string;
  readonly environment: string;
  readonly config: BatchJobConfig;
  readonly model: { name: string; version: string };
  readonly network: Network;
  readonly modelStore: EfsModelStore;
  readonly layer: SpacyLayer;
  readonly modelReady: ITerraformDependable[];
  readonly alarmActions: string[];
  readonly logRetentionDays: number;
  readonly permissionsBoundary?: string;
}

/** The environment's NER batch job (config section `batchJob`) and its outputs. */
export function addBatchJob(scope: Construct, p: EnvironmentBatchJobProps): NerBatchJob {
  const job = new NerBatchJob(scope, "ner-batch-job", {
    name: `${p.name}-ner-job`,
    vpcId: p.network.vpcId,
    subnetIds: p.network.privateSubnetIds,
    s3PrefixListId: p.network.s3PrefixListId,
    modelStore: p.modelStore,
    model: p.model,
    layer: p.layer,
    modelReady: p.modelReady,
    memorySize: p.config.memorySize,
    timeout: p.config.timeout,
    reservedConcurrency: p.config.reservedConcurrency,
    maxConcurrency: p.config.maxConcurrency,
    chunkDocuments: p.config.chunkDocuments,
    chunksPerInvocation: p.config.chunksPerInvocation,
    toleratedFailurePercentage: p.config.toleratedFailurePercentage,
    forceDestroyBucket: p.environment !== "prod",
    logRetentionDays: p.logRetentionDays,
    alarms: { alarmActions: p.alarmActions },
    permissionsBoundary: p.permissionsBoundary,
  });
  new TerraformOutput(scope, "batch_job_state_machine_arn", {
    value: job.stateMachineArn,
    description: "NER batch job: start with `pnpm ner-batch-job start --state-machine <this> --input … --output …`",
  });
  new TerraformOutput(scope, "batch_job_input_uri", { value: job.inputUri });
  new TerraformOutput(scope, "batch_job_output_uri", { value: job.outputUri });
  return job;
}
