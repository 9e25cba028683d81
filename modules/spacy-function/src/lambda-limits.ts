// One source for Lambda's limits: the shared package, which the environments' config schema reads too.
export {
  EPHEMERAL_STORAGE_LIMITS,
  HTTP_API_MAX_INTEGRATION_TIMEOUT,
  MAX_VPC_SUBNETS,
  MEMORY_LIMITS,
  TIMEOUT_LIMITS,
} from "@serverless-spacy/shared/internal";
