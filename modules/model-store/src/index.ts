export {
  EfsModelStore,
  IA_TRANSITIONS,
  THROUGHPUT_MODES,
  type EfsModelStoreProps,
  type IaTransition,
  type ModelStoreAccessPointProps,
  type ThroughputMode,
} from "./efs-model-store";
export { clientActions, type MountAccess, type MountGrantee, type PolicyStatement } from "./mount-access";
