export { NerBatchJob, type NerBatchJobAlarmsProps, type NerBatchJobProps } from "./ner-batch-job";
