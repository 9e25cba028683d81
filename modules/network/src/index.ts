export { Network, type FlowLogsProps, type NetworkProps } from "./network";
export { NAT_GATEWAY_MODES, type NatGatewayMode } from "./nat-gateway-mode";
export { assertCidr, cidrContains, cidrsOverlap, splitCidr } from "./cidr";
