// `@serverless-spacy/spacy-function/internal`: what this project's packages, apps and tests share with the module
// and nobody else should build on: the handler's source folder, the environment contract, the routes, the
// choices behind the enums and the memory guide. No part of the public (jsii) API; it may change in any release.
export {
  BLAS_LIBRARIES,
  HANDLER,
  HANDLER_SOURCE_DIR,
  RESERVED_ENVIRONMENT_VARIABLES,
  RUNTIME_ENVIRONMENT_VARIABLES,
} from "../spacy-function";
export { ACCESS_LOG_FORMAT, CATALOG_ROUTE, NER_ROUTES, validateApiSettings, type ApiSettings } from "../ner-http-api";
export {
  DEFAULT_TARGET_UTILIZATION,
  MAX_PROVISIONED_INSTANCES,
  PROVISIONED_CONCURRENCY_DIMENSION,
  PROVISIONED_UTILIZATION_METRIC,
  validateProvisionedScaling,
} from "../provisioned-scaling";
export { ALARM_EVALUATION_DEFAULTS } from "../function-alarms";
export { CATALOG_HANDLER } from "../model-catalog";
export { API_AUTH_MODES, ROUTE_AUTHORIZATION_TYPES } from "../api-auth";
export { ARCHITECTURES, LAYER_RUNTIME } from "../architecture";
export {
  expectedInitSeconds,
  FULL_VCPU_MEMORY_MB,
  MEMORY_HEADROOM,
  MODEL_INIT_SECONDS,
  MODEL_MEMORY_GUIDE,
  MODEL_PEAK_RSS_MIB,
  ON_DEMAND_INIT_LIMIT_SECONDS,
  OOM_SIGNATURE,
  recommendedMemoryMb,
  VECTORS_MODES,
} from "../memory-sizing";
