// One source for CloudWatch's retention periods: the shared package, which the config schema reads too.
export { LOG_RETENTION_DAYS, type LogRetentionDays } from "@serverless-spacy/shared/internal";
