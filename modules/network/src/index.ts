export { Network, type FlowLogsProps, type NetworkProps } from "./network";
export { NetworkAcls, type NetworkAclsProps } from "./network-acls";
export { FlowLogTrafficType, NatGatewayMode } from "./enums";
