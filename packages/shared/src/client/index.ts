// The `@serverless-spacy/shared/client` entry point: API types and the typed client only. Nothing here may
// import cdktf, constructs or the provider, so a caller of the API installs none of them.
export { type BatchEntitiesResponse, type EntitiesRequest, type EntitiesResponse, type Entity } from "../api/entity";
export { API_ERROR_CODES, isApiError, type ApiError, type ApiErrorCode } from "../api/errors";
export { type HealthResponse } from "../api/health";
export { API_ROUTES } from "../api/routes";
export { MODELS_ROUTE, modelRoute } from "../api/model-routes";
export { type ModelInfo, type ModelsResponse } from "../api/models";
export { codePointToUtf16, toJsIndices, withJsIndices, type ClientEntity, type JsIndices } from "./offsets";
export { SpacyApiClient, type SpacyApiClientOptions, type SpacyCallOptions } from "./spacy-api-client";
export { SpacyApiError, type SpacyApiErrorCode } from "./spacy-api-error";
