export {
  NerBatchJob,
  STATE_MACHINE_LOG_DELIVERY_ACTIONS,
  WORKER_HANDLER,
  WORKER_SOURCE_DIR,
  type JobStarter,
  type NerBatchJobAlarmsProps,
  type NerBatchJobProps,
} from "./ner-batch-job";
export {
  jobDefinition,
  workerRetry,
  LAMBDA_TRANSIENT_ERRORS,
  STATE_NAMES,
  WORKER_CRASH_ERRORS,
  type DefinitionSettings,
  type Retrier,
} from "./definition";
