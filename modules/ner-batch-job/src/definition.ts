// Internal to @serverless-spacy/ner-batch-job (not exported from the package's index): the state machine's
// definition, which the construct deploys and local/run_local.mjs runs.
/** Names of the states of the job's state machine (the local executor overrides the worker states by name). */
export const STATE_NAMES = {
  plan: "Plan",
  map: "AnnotateChunks",
  worker: "AnnotateBatch",
  mapSucceeded: "MapSucceeded",
  summarize: "Summarize",
  check: "CheckComplete",
  succeeded: "Done",
  incomplete: "Incomplete",
} as const;

/** Bytes of chunk descriptors per worker invocation at most (the worker's chunk descriptors stay under 48 KiB). */
export const MAX_INPUT_BYTES_PER_BATCH = 200 * 1024;

/** Errors of the Lambda service itself (throttled, unavailable), retried with exponential backoff and jitter. */
export const LAMBDA_TRANSIENT_ERRORS = [
  "Lambda.ServiceException",
  "Lambda.AWSLambdaException",
  "Lambda.SdkClientException",
  "Lambda.ClientExecutionTimeoutException",
  "Lambda.Unknown",
] as const;

/** An execution environment that died or timed out mid-batch: the retry skips the chunks it finished. */
export const WORKER_CRASH_ERRORS = ["Runtime.ExitError", "Sandbox.Timedout", "States.Timeout"] as const;

/** One retrier of a Task state (Amazon States Language). */
export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds: number;
  MaxAttempts: number;
  BackoffRate: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: "FULL" | "NONE";
}

/** What the state machine definition is built from; the construct fills it in from its props. */
export interface DefinitionSettings {
  /** ARN of the worker function (the only function the machine invokes). */
  readonly workerArn: string;
  /** Child executions (worker invocations) at once. */
  readonly maxConcurrency: number;
  /** Chunks of the plan per worker invocation (ItemBatcher.MaxItemsPerBatch). */
  readonly chunksPerInvocation: number;
  /** Documents per chunk unless the execution input says otherwise. */
  readonly chunkDocuments: number;
  /** Share of batches allowed to fail (after their retries) before the map run fails. */
  readonly toleratedFailurePercentage: number;
  /** Seconds a worker invocation may take, as the Task state's TimeoutSeconds (the function's timeout + a margin). */
  readonly workerTimeoutSeconds: number;
}

/** The retriers of every worker call: throttling, service errors, crashed or timed-out execution environments. */
export function workerRetry(): Retrier[] {
  return [
    {
      ErrorEquals: ["Lambda.TooManyRequestsException"],
      IntervalSeconds: 2,
      MaxAttempts: 10,
      BackoffRate: 2,
      MaxDelaySeconds: 60,
      JitterStrategy: "FULL",
    },
    {
      ErrorEquals: [...LAMBDA_TRANSIENT_ERRORS],
      IntervalSeconds: 2,
      MaxAttempts: 6,
      BackoffRate: 2,
      MaxDelaySeconds: 60,
      JitterStrategy: "FULL",
    },
    {
      ErrorEquals: [...WORKER_CRASH_ERRORS],
      IntervalSeconds: 5,
      MaxAttempts: 3,
      BackoffRate: 2,
      JitterStrategy: "FULL",
    },
  ];
}

function invoke(workerArn: string, payload: Record<string, unknown>, timeoutSeconds: number): Record<string, unknown> {
  return {
    Type: "Task",
    Resource: "arn:aws:states:::lambda:invoke",
    Parameters: { FunctionName: workerArn, ...payload },
    TimeoutSeconds: timeoutSeconds,
    Retry: workerRetry(),
  };
}

/**
 * The job's Amazon States Language definition. Execution input: `{"input": "s3://bucket/prefix/", "output":
 * "s3://bucket/prefix/", "format"?: "jsonl" | "text", "chunkDocuments"?: n}`.
 *
 * Plan (the worker lists the input and writes the chunk manifest) → a Distributed Map whose ItemReader reads
 * the manifest (JSON Lines) and whose ItemBatcher hands `chunksPerInvocation` chunks to each worker call →
 * Summarize (the worker writes `_summary.json`, also after a failed map) → success only when every document
 * has its record.
 */
export function jobDefinition(s: DefinitionSettings): Record<string, unknown> {
  const n = STATE_NAMES;
  const job = { "input.$": "$.input", "output.$": "$.output" };
  return {
    Comment: "NER over an S3 corpus: plan chunks, annotate them in a Distributed Map, summarize the run",
    StartAt: n.plan,
    States: {
      [n.plan]: {
        ...invoke(
          s.workerArn,
          { Payload: { action: "plan", chunkDocuments: s.chunkDocuments, "job.$": "$" } },
          s.workerTimeoutSeconds,
        ),
        ResultSelector: {
          "documents.$": "$.Payload.documents",
          "chunks.$": "$.Payload.chunks",
          "manifest.$": "$.Payload.manifest",
          "resultWriter.$": "$.Payload.resultWriter",
        },
        ResultPath: "$.plan",
        Next: n.map,
      },
      [n.map]: {
        Type: "Map",
        ItemReader: {
          Resource: "arn:aws:states:::s3:getObject",
          ReaderConfig: { InputType: "JSONL" },
          Parameters: { "Bucket.$": "$.plan.manifest.Bucket", "Key.$": "$.plan.manifest.Key" },
        },
        ItemBatcher: {
          MaxItemsPerBatch: s.chunksPerInvocation,
          // Below the 256 KiB a batch may carry: Step Functions cuts a batch of large descriptors earlier.
          MaxInputBytesPerBatch: MAX_INPUT_BYTES_PER_BATCH,
          BatchInput: { action: "batch", ...job },
        },
        MaxConcurrency: s.maxConcurrency,
        ToleratedFailurePercentage: s.toleratedFailurePercentage,
        ItemProcessor: {
          ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
          StartAt: n.worker,
          States: {
            [n.worker]: {
              ...invoke(s.workerArn, { "Payload.$": "$" }, s.workerTimeoutSeconds),
              ResultSelector: {
                "written.$": "$.Payload.written",
                "skipped.$": "$.Payload.skipped",
                "documents.$": "$.Payload.documents",
                "errors.$": "$.Payload.errors",
              },
              End: true,
            },
          },
        },
        ResultWriter: {
          Resource: "arn:aws:states:::s3:putObject",
          Parameters: { "Bucket.$": "$.plan.resultWriter.Bucket", "Prefix.$": "$.plan.resultWriter.Prefix" },
        },
        ResultPath: "$.map",
        Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.mapError", Next: n.summarize }],
        Next: n.mapSucceeded,
      },
      [n.mapSucceeded]: { Type: "Pass", Result: null, ResultPath: "$.mapError", Next: n.summarize },
      [n.summarize]: {
        ...invoke(
          s.workerArn,
          { Payload: { action: "summarize", ...job, "plan.$": "$.plan", "mapError.$": "$.mapError" } },
          s.workerTimeoutSeconds,
        ),
        ResultSelector: { "summary.$": "$.Payload" },
        ResultPath: "$.result",
        OutputPath: "$.result.summary",
        Next: n.check,
      },
      [n.check]: {
        Type: "Choice",
        Choices: [{ Variable: "$.complete", BooleanEquals: true, Next: n.succeeded }],
        Default: n.incomplete,
      },
      [n.succeeded]: { Type: "Succeed" },
      [n.incomplete]: {
        Type: "Fail",
        Error: "JobIncomplete",
        Cause:
          "Some documents have no record (a batch failed after its retries, or the map failed): see _summary.json " +
          "next to the results; start the job again with the same output to redo only what is missing",
      },
    },
  };
}
