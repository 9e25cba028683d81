export {
  EPHEMERAL_STORAGE_LIMITS,
  FUNCTION_NAME_PATTERN,
  HTTP_API_MAX_INTEGRATION_TIMEOUT,
  LAMBDA_ARCHITECTURES,
  LAYER_RUNTIME,
  MAX_LAYERS,
  MAX_VPC_SUBNETS,
  MEMORY_LIMITS,
  MOUNT_PATH_PATTERN,
  TIMEOUT_LIMITS,
  type LambdaArchitecture,
} from "./lambda";
export { LOG_RETENTION_DAYS, isLogRetentionDays, type LogRetentionDays } from "./log-retention";
export {
  KEEP_VERSIONS_LIMITS,
  MAX_MODEL_NAME_LENGTH,
  MAX_MODEL_VERSION_LENGTH,
  MODEL_NAME_PATTERN,
  MODEL_NAME_RULE,
  MODEL_VERSION_PATTERN,
  MODEL_VERSION_RULE,
  isModelName,
  isModelVersion,
  modelNameProblem,
  modelVersionProblem,
} from "./model-package";
