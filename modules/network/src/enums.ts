/** How private subnets reach the internet (the model sync needs it for `pip download`). */
export enum NatGatewayMode {
  /** A NAT gateway in every AZ, so losing one AZ leaves the others online (the seed's layout). */
  ONE_PER_AZ = "one-per-az",
  /** One NAT gateway shared by every private subnet; cheaper, for dev. */
  SINGLE = "single",
  /** No NAT gateway; private subnets have no internet route. */
  NONE = "none",
}

/** Which traffic VPC flow logs record. */
export enum FlowLogTrafficType {
  /** Accepted and rejected traffic. */
  ALL = "ALL",
  /** Traffic the security groups and network ACLs accepted. */
  ACCEPT = "ACCEPT",
  /** Traffic the security groups or network ACLs rejected. */
  REJECT = "REJECT",
}
