export { Network, S3_ENDPOINT_ACTIONS, s3EndpointPolicy, type FlowLogsProps, type NetworkProps } from "./network";
export { NetworkAcls, EPHEMERAL_PORT_RANGES, type NetworkAclsProps } from "./network-acls";
export { NAT_GATEWAY_MODES, type NatGatewayMode } from "./nat-gateway-mode";
export { assertCidr, cidrContains, cidrsOverlap, splitCidr } from "./cidr";
