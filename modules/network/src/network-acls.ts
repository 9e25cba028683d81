import { Construct } from "constructs";
import { DefaultNetworkAcl } from "@cdktf/provider-aws/lib/default-network-acl";
import { NetworkAcl, type NetworkAclEgress, type NetworkAclIngress } from "@cdktf/provider-aws/lib/network-acl";

const ANYWHERE = "0.0.0.0/0";
const NFS = 2049;
const HTTPS = 443;

/**
 * Return traffic reaches the client's ephemeral port (NAT gateways use 1024–65535, Linux 32768–60999).
 * Split around 3389 so that no rule admits RDP from the internet (AWS FSBP EC2.21): nothing listens
 * there, and nothing here needs it.
 */
export const EPHEMERAL_PORT_RANGES: readonly (readonly [number, number])[] = [
  [1024, 3388],
  [3390, 65535],
];

export interface NetworkAclsProps {
  /** Prefix of the ACLs' Name tags. */
  readonly name: string;
  /** VPC the ACLs belong to. */
  readonly vpcId: string;
  /** ID of the VPC's default network ACL (`Vpc.defaultNetworkAclId`), emptied of rules. */
  readonly defaultNetworkAclId: string;
  /** CIDR block of the VPC: NFS, and NAT traffic from private hosts, stay inside it. */
  readonly vpcCidr: string;
  /** Public subnets (NAT gateways). */
  readonly publicSubnetIds: string[];
  /** Private subnets (functions, EFS mount targets). */
  readonly privateSubnetIds: string[];
  /** Tags added to every ACL. */
  readonly tags: Record<string, string>;
}

type Rule = { protocol: string; fromPort: number; toPort: number; cidrBlock: string; action?: "allow" | "deny" };

/** Numbers rules in order (100, 110, ...): the lowest matching number decides, so order is meaning. */
function numbered<T extends Rule>(rules: Rule[]): (T & { ruleNo: number; action: string })[] {
  return rules.map(
    (r, i) => ({ ...r, ruleNo: 100 + 10 * i, action: r.action ?? "allow" }) as T & { ruleNo: number; action: string },
  );
}

const ephemeralFrom = (cidrBlock: string): Rule[] =>
  EPHEMERAL_PORT_RANGES.map(([fromPort, toPort]) => ({ protocol: "tcp", fromPort, toPort, cidrBlock }));

/**
 * Stateless subnet firewalls that admit exactly what the security groups allow, plus the return traffic
 * the security groups allow implicitly (they are stateful, ACLs are not):
 * - private: NFS (2049) within the VPC, HTTPS out (pip through the NAT gateway, S3 through the gateway
 *   endpoint), and the replies to each;
 * - public: HTTPS from the VPC to the NAT gateways and on to the internet, and the replies.
 * The VPC's default ACL is emptied so a subnet added outside this module gets no traffic until it is
 * placed deliberately. DNS to the VPC resolver is not filtered by ACLs.
 */
export class NetworkAcls extends Construct {
  /** ID of the private subnets' ACL. */
  public readonly privateAclId: string;
  /** ID of the public subnets' ACL. */
  public readonly publicAclId: string;

  constructor(scope: Construct, id: string, props: NetworkAclsProps) {
    super(scope, id);
    const { vpcCidr } = props;

    const privateAcl = new NetworkAcl(this, "private", {
      vpcId: props.vpcId,
      subnetIds: props.privateSubnetIds,
      ingress: numbered<NetworkAclIngress & Rule>([
        { protocol: "tcp", fromPort: NFS, toPort: NFS, cidrBlock: vpcCidr },
        // 2049 lies inside the ephemeral range below: NFS from outside the VPC stops here first.
        { protocol: "tcp", fromPort: NFS, toPort: NFS, cidrBlock: ANYWHERE, action: "deny" },
        // Replies from the NAT gateway (internet), the S3 endpoint and the EFS mount targets.
        ...ephemeralFrom(ANYWHERE),
      ]),
      egress: numbered<NetworkAclEgress & Rule>([
        { protocol: "tcp", fromPort: NFS, toPort: NFS, cidrBlock: vpcCidr },
        { protocol: "tcp", fromPort: HTTPS, toPort: HTTPS, cidrBlock: ANYWHERE },
        // The mount targets' replies to NFS clients.
        ...ephemeralFrom(vpcCidr),
      ]),
      tags: { ...props.tags, Name: `${props.name}-private` },
    });

    const publicAcl = new NetworkAcl(this, "public", {
      vpcId: props.vpcId,
      subnetIds: props.publicSubnetIds,
      ingress: numbered<NetworkAclIngress & Rule>([
        { protocol: "tcp", fromPort: HTTPS, toPort: HTTPS, cidrBlock: vpcCidr },
        ...ephemeralFrom(ANYWHERE),
      ]),
      egress: numbered<NetworkAclEgress & Rule>([
        { protocol: "tcp", fromPort: HTTPS, toPort: HTTPS, cidrBlock: ANYWHERE },
        ...ephemeralFrom(vpcCidr),
      ]),
      tags: { ...props.tags, Name: `${props.name}-public` },
    });

    new DefaultNetworkAcl(this, "default", {
      defaultNetworkAclId: props.defaultNetworkAclId,
      tags: { ...props.tags, Name: `${props.name}-default-deny` },
      // Subnets move to the ACLs above; the default keeps whatever is left, with no rules.
      lifecycle: { ignoreChanges: ["subnet_ids"] },
    });

    this.privateAclId = privateAcl.id;
    this.publicAclId = publicAcl.id;
  }
}
