// The public API of `@serverless-spacy/model-sync`, the same in every jsii language.
export { ModelSync, type ModelSyncProps } from "./model-sync";
export { ModelSource, ModelSourceKind, type ModelSourceConfig, type ModelSpec } from "./model-source";
