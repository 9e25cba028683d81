export {
  EfsModelStore,
  IA_TRANSITIONS,
  THROUGHPUT_MODES,
  type EfsModelStoreAttributes,
  type EfsModelStoreProps,
  type IaTransition,
  type ModelStoreAccessPointProps,
  type ThroughputMode,
} from "./efs-model-store";
export { clientActions, mountStatements, type MountAccess, type PolicyStatement } from "./mount-access";
export type { IModelStore } from "@serverless-spacy/shared";
