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
  type VpcPythonFunctionProps,
} from "../constructs/vpc-python-function";
export { sourceHash } from "../constructs/source-hash";
export { NO_BYTECODE_NOTE, stagedCodeDir, stagedCodePath } from "../constructs/staged-code";
