// `@serverless-spacy/shared/internal`: what this project's modules and apps share and nobody else should
// build on: constants, validation, the Lambda base construct, checkov skips, the API's routes and codes.
// It is no part of the public (jsii) API and may change in any release.
export { type BatchEntitiesResponse, type EntitiesRequest, type EntitiesResponse, type Entity } from "../api/entity";
export { API_ERROR_CODES, isApiError, type ApiError, type ApiErrorCode } from "../api/errors";
export { type HealthResponse } from "../api/health";
export {
  ANALYSIS_FIELDS,
  type Analysis,
  type AnalysisField,
  type AnalysisRequest,
  type AnalysisSentence,
  type AnalysisSpan,
  type AnalysisToken,
} from "../api/analysis";
export { API_ROUTES } from "../api/routes";
export { API_ERROR_STATUS } from "../api/error-status";
export { type ModelInfo, type ModelsResponse } from "../api/models";
export { MODELS_ROUTE, MODEL_SCOPED_ROUTES, modelRoute, modelRouteTemplate } from "../api/model-routes";
export { documentRouteFor, documentRouteKeys, isTemplated, type OpenApiPaths } from "../api/openapi-routes";
export {
  MODEL_SOURCE_KINDS,
  spacyModelWheel,
  spacyModelWheelUrl,
  type ModelS3Source,
  type ModelSource,
  type ModelSourceKind,
  type ModelSpec,
  type ModelUrlSource,
} from "../model-sync/model-source";
export {
  MODEL_SYNC_CODE_DIR,
  MODEL_SYNC_ENVIRONMENT_VARIABLES,
  MODEL_SYNC_HANDLER,
  ModelSync,
  type ModelSyncProps,
} from "../model-sync/model-sync";
export * from "../constants";
export { type PolicyStatement } from "./policy-statement";
export * from "./validation";
export { CHECKOV_SKIP_REASONS, skipCheckov, type SharedCheckovSkip } from "../constructs/checkov";
export { granteeKey } from "../constructs/grantee-key";
export {
  VpcPythonFunction,
  VPC_DESCRIBE_ACTIONS,
  VPC_ENI_ACTIONS,
  executionStatements,
  type ExistingRole,
  type VpcPythonFunctionProps,
} from "../constructs/vpc-python-function";
export { MIN_KEEP_VERSIONS, S3_BUCKET_PATTERN, SHA256_PATTERN } from "../model-sync/validate";
export { sourceHash } from "../model-sync/source-hash";
export { NO_BYTECODE_NOTE, stagedCodeDir, stagedCodePath } from "../model-sync/staged-code";
