export {
  SpacyFunction,
  HANDLER,
  HANDLER_SOURCE_DIR,
  LIVE_ALIAS,
  RESERVED_ENVIRONMENT_VARIABLES,
  RUNTIME_ENVIRONMENT_VARIABLES,
  BLAS_LIBRARIES,
  type BlasLibrary,
  type SpacyApiProps,
  type SpacyFunctionProps,
  type SpacyModel,
} from "./spacy-function";
export { SpacyLayer, defaultLayerZipPath, layerZipName, type ISpacyLayer, type SpacyLayerProps } from "./spacy-layer";
export {
  SpacyHttpApi,
  NER_ROUTES,
  CATALOG_ROUTE,
  ACCESS_LOG_FORMAT,
  modelRoutePrefix,
  validateApiSettings,
  type AddModelOptions,
  type ApiSettings,
  type InvokeGrantee,
  type ISpacyApiTarget,
  type SpacyHttpApiProps,
} from "./ner-http-api";
export {
  ProvisionedScaling,
  validateProvisionedScaling,
  DEFAULT_TARGET_UTILIZATION,
  PROVISIONED_CONCURRENCY_DIMENSION,
  PROVISIONED_UTILIZATION_METRIC,
  type ProvisionedConcurrencyScaling,
  type ProvisionedConcurrencySchedule,
  type ProvisionedScalingProps,
} from "./provisioned-scaling";
export { ApiAlarms, type ApiAlarmsConstructProps, type ApiAlarmsProps } from "./api-alarms";
export { ModelCatalog, CATALOG_HANDLER, type CatalogModel, type ModelCatalogProps } from "./model-catalog";
export {
  FunctionAlarms,
  ALARM_EVALUATION_DEFAULTS,
  type FunctionAlarmsProps,
  type SpacyAlarmsProps,
} from "./function-alarms";
export { API_AUTH_MODES, ROUTE_AUTHORIZATION_TYPES, type ApiAuthMode, type JwtAuthorizerProps } from "./api-auth";
export { ARCHITECTURES, LAYER_RUNTIME, type Architecture } from "./architecture";
export { LOG_RETENTION_DAYS, type LogRetentionDays } from "./log-retention";
export {
  EPHEMERAL_STORAGE_LIMITS,
  HTTP_API_MAX_INTEGRATION_TIMEOUT,
  MAX_VPC_SUBNETS,
  MEMORY_LIMITS,
  TIMEOUT_LIMITS,
} from "./lambda-limits";
export {
  expectedInitSeconds,
  FULL_VCPU_MEMORY_MB,
  MODEL_INIT_SECONDS,
  MODEL_MEMORY_GUIDE,
  MODEL_PEAK_RSS_MIB,
  ON_DEMAND_INIT_LIMIT_SECONDS,
  OOM_SIGNATURE,
  recommendedMemoryMb,
  VECTORS_MODES,
  type VectorsMode,
} from "./memory-sizing";
