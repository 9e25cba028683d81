export {
  EfsModelStore,
  IaTransition,
  ThroughputMode,
  type EfsModelStoreAttributes,
  type EfsModelStoreProps,
  type ModelStoreAccessPointProps,
} from "./efs-model-store";
export { ModelStoreBase } from "./model-store-base";
export type { IModelStore } from "@serverless-spacy/shared";
