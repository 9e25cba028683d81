// IModelStore, Grant and Grantee are @serverless-spacy/shared's: re-exported here, jsii would copy them into this
// assembly as types of their own (a second IModelStore in Python).
export {
  EfsModelStore,
  IaTransition,
  ThroughputMode,
  type EfsModelStoreAttributes,
  type EfsModelStoreProps,
  type ModelStoreAccessPointProps,
} from "./efs-model-store";
export { ModelStoreBase } from "./model-store-base";
