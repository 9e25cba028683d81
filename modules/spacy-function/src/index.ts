// The public API of `@serverless-spacy/spacy-function`, the same in every jsii language. What the project's own
// packages and apps share beyond it (the handler's folder, the routes, the limits and the memory guide) is
// `@serverless-spacy/spacy-function/internal`.
export {
  SpacyFunction,
  BlasLibrary,
  type SpacyApiProps,
  type SpacyFunctionProps,
  type SpacyModel,
} from "./spacy-function";
export { SpacyLayer, type ISpacyLayer, type SpacyLayerProps } from "./spacy-layer";
export {
  SpacyHttpApi,
  type AddModelOptions,
  type IApiIntegrationTarget,
  type ISpacyApiTarget,
  type SpacyHttpApiProps,
} from "./ner-http-api";
export { type ProvisionedConcurrencyScaling, type ProvisionedConcurrencySchedule } from "./provisioned-scaling";
export { ModelCatalog, type CatalogModel, type ModelCatalogProps } from "./model-catalog";
export { type ApiAlarmsProps, type SpacyAlarmsProps } from "./function-alarms";
export { ApiAuthMode, type JwtAuthorizerProps } from "./api-auth";
export { Architecture } from "./architecture";
export { VectorsMode } from "./memory-sizing";
