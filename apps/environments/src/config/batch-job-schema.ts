import { z } from "zod";
import { MEMORY_LIMITS, TIMEOUT_LIMITS } from "@serverless-spacy/shared/internal";

/**
 * The optional NER batch job of an environment (NerBatchJob, @serverless-spacy/ner-batch-job): a Distributed Map
 * over a corpus in S3 with its own worker function. Its reservation comes out of the account's concurrency
 * like the API's; the map never starts more workers than are reserved.
 */
export const batchJobSchema = z
  .strictObject({
    /** Worker memory in MB; CPU scales with it (one vCPU at 1769 MB). */
    memorySize: z.int().min(MEMORY_LIMITS.min).max(MEMORY_LIMITS.max).default(1769),
    /** Worker timeout in seconds; a batch cut off by it is retried and resumes at its first unfinished chunk. */
    timeout: z.int().min(TIMEOUT_LIMITS.min).max(TIMEOUT_LIMITS.max).default(900),
    /** Concurrent executions reserved for, and capping, the worker. */
    reservedConcurrency: z.int().min(1),
    /** Worker invocations the map runs at once; at most reservedConcurrency (default: all of them). */
    maxConcurrency: z.int().min(1).optional(),
    /** Documents per result object. */
    chunkDocuments: z.int().min(1).max(10_000).default(100),
    /** Result objects (chunks) per worker invocation. */
    chunksPerInvocation: z.int().min(1).max(1000).default(4),
    /** Share of batches (%) that may fail after their retries before the map run fails. */
    toleratedFailurePercentage: z.number().min(0).max(100).default(0),
  })
  .superRefine((job, ctx) => {
    if (job.maxConcurrency !== undefined && job.maxConcurrency > job.reservedConcurrency) {
      ctx.addIssue({
        code: "custom",
        path: ["maxConcurrency"],
        message:
          `must be at most batchJob.reservedConcurrency (${job.reservedConcurrency}): more workers ` +
          `than are reserved would only be throttled`,
      });
    }
  });

export type BatchJobConfig = z.output<typeof batchJobSchema>;
