import { Fn, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsAvailabilityZones } from "@cdktf/provider-aws/lib/data-aws-availability-zones";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import {
  LOG_RETENTION_DAYS,
  assertIntegerInRange,
  assertMatches,
  assertOneOf,
  invalid,
  skipCheckov,
} from "@serverless-spacy/shared/internal";
import { NetworkAcls } from "./network-acls";
import { assertCidr, cidrContains, cidrsOverlap, splitCidr } from "./cidr";
import { FlowLogTrafficType, NatGatewayMode } from "./enums";

/** What `permissionsBoundary` must look like: the ARN of a managed (not AWS-owned or inline) policy. */
const PERMISSIONS_BOUNDARY_ARN = /^arn:aws[a-z-]*:iam::\d{12}:policy\/.+$/;

export interface NetworkProps {
  /** Prefix of every resource's Name tag. @default the construct id */
  readonly name?: string;
  /** IPv4 CIDR block of the VPC. @default "10.0.0.0/16" */
  readonly cidr?: string;
  /** Number of availability zones, each getting one public and one private subnet. @default 2 */
  readonly azCount?: number;
  /** Explicit AZ names (length must equal azCount). @default the region's first `azCount` available AZs */
  readonly availabilityZones?: string[];
  /** Prefix length of every subnet carved from the VPC CIDR. @default 24 */
  readonly subnetPrefixLength?: number;
  /** Explicit public subnet CIDRs, one per AZ. @default consecutive blocks from the start of the VPC CIDR */
  readonly publicSubnetCidrs?: string[];
  /** Explicit private subnet CIDRs, one per AZ. @default consecutive blocks after the public ones */
  readonly privateSubnetCidrs?: string[];
  /** NAT gateway layout for private-subnet egress. @default NatGatewayMode.ONE_PER_AZ */
  readonly natGateways?: NatGatewayMode;
  /** Add an S3 gateway endpoint on the private route tables (free; keeps S3 traffic off the NAT). @default false */
  readonly s3GatewayEndpoint?: boolean;
  /**
   * Buckets of other accounts (names) the S3 endpoint also lets through, e.g. a model bucket; the account's own buckets
   * always pass. @default []
   */
  readonly s3EndpointExtraBuckets?: string[];
  /**
   * Network ACLs on the public and private subnets matching what the security groups allow; false leaves the VPC's
   * default (allow all). @default true
   */
  readonly networkAcls?: boolean;
  /** VPC flow logs to CloudWatch Logs. @default on: all traffic, kept 30 days */
  readonly flowLogs?: FlowLogsProps;
  /**
   * ARN of a managed policy set as the permissions boundary of the flow-logs role (the only role the network creates).
   * @default none
   */
  readonly permissionsBoundary?: string;
  /** Tags added to every resource, on top of the provider's default tags. @default {} */
  readonly tags?: Record<string, string>;
}

/** VPC flow logs: who talked to what, for incident response (CIS AWS 3.9). */
export interface FlowLogsProps {
  /** Record flow logs at all; false creates no log group, role or flow log. @default true */
  readonly enabled?: boolean;
  /** Which traffic is recorded. @default FlowLogTrafficType.ALL */
  readonly trafficType?: FlowLogTrafficType;
  /** Days CloudWatch keeps the records (one of CloudWatch Logs' retention periods). @default 30 */
  readonly retentionDays?: number;
}

/**
 * A VPC laid out as in "Load a large spaCy model on AWS Lambda": per AZ one public subnet (NAT gateway)
 * and one private subnet (Lambda, EFS mount targets), an internet gateway, and private routes through
 * the NAT gateway of the same AZ.
 */
export class Network extends Construct {
  /** ID of the VPC. */
  public readonly vpcId: string;
  /** CIDR block of the VPC. */
  public readonly cidr: string;
  /** Names of the availability zones, index-aligned with the subnet lists. */
  public readonly availabilityZones: string[];
  /** IDs of the public subnets, one per AZ. */
  public readonly publicSubnetIds: string[];
  /** IDs of the private subnets, one per AZ. */
  public readonly privateSubnetIds: string[];
  /** IDs of the NAT gateways (empty when natGateways is "none"). */
  public readonly natGatewayIds: string[];
  /** IDs of the private route tables, one per AZ. */
  public readonly privateRouteTableIds: string[];
  /** Resources that must exist before private subnets have internet egress. */
  public readonly internetEgress: ITerraformDependable[];
  /** Name of the flow logs' log group; undefined when flowLogs is false. */
  public readonly flowLogGroupName?: string;
  /**
   * ID of the region's S3 prefix list (the S3 gateway endpoint's), for security-group egress to S3 alone; undefined
   * without s3GatewayEndpoint.
   */
  public readonly s3PrefixListId?: string;

  /**
   * True when the two IPv4 CIDR blocks share at least one address, e.g. to keep the VPCs of environments that
   * may be peered apart. Throws when either is not an IPv4 network like "10.0.0.0/16".
   */
  public static cidrsOverlap(a: string, b: string): boolean {
    return cidrsOverlap(a, b);
  }

  constructor(scope: Construct, id: string, props: NetworkProps = {}) {
    super(scope, id);
    const name = props.name ?? id;
    const cidr = props.cidr ?? "10.0.0.0/16";
    const azCount = props.azCount ?? 2;
    const natMode = props.natGateways ?? NatGatewayMode.ONE_PER_AZ;
    const prefix = props.subnetPrefixLength ?? 24;
    const tagged = (resourceName: string) => ({ ...props.tags, Name: resourceName });

    const path = this.node.path;
    assertCidr(path, "cidr", cidr);
    assertIntegerInRange(path, "azCount", azCount, 1, 6);
    assertOneOf(path, "natGateways", natMode, Object.values(NatGatewayMode));
    if (props.availabilityZones && props.availabilityZones.length !== azCount) {
      invalid(path, "availabilityZones", `a list of azCount (${azCount}) zone names`, props.availabilityZones);
    }
    validateSubnetPrefixLength(path, cidr, prefix, azCount * 2);
    const defaults = splitCidr(cidr, prefix, azCount * 2);
    const publicCidrs = props.publicSubnetCidrs ?? defaults.slice(0, azCount);
    const privateCidrs = props.privateSubnetCidrs ?? defaults.slice(azCount);
    validateSubnets(path, cidr, azCount, publicCidrs, privateCidrs);
    const boundary = props.permissionsBoundary;
    // A deployer limited to creating bounded roles is refused at apply time; say which value is wrong at synth.
    assertMatches(
      path,
      "permissionsBoundary",
      boundary,
      PERMISSIONS_BOUNDARY_ARN,
      "a managed policy ARN like arn:aws:iam::123456789012:policy/boundary",
    );
    const flowLogs = props.flowLogs ?? {};
    assertOneOf(path, "flowLogs.trafficType", flowLogs.trafficType, Object.values(FlowLogTrafficType));
    assertOneOf(path, "flowLogs.retentionDays", flowLogs.retentionDays, LOG_RETENTION_DAYS);

    const vpc = new Vpc(this, "vpc", {
      cidrBlock: cidr,
      // EFS mount targets are reached by DNS name from Lambda.
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: tagged(name),
    });
    if (flowLogs.enabled ?? true) {
      this.flowLogGroupName = this.addFlowLogs(vpc, name, flowLogs, props.tags ?? {}, boundary);
    }
    // The default security group would admit all traffic between its members; nothing should use it.
    new DefaultSecurityGroup(this, "default-security-group", {
      vpcId: vpc.id,
      tags: tagged(`${name}-default-deny`),
    });

    let zoneNames: string[];
    if (props.availabilityZones) {
      zoneNames = props.availabilityZones;
    } else {
      const zones = new DataAwsAvailabilityZones(this, "zones", { state: "available" });
      skipCheckov(
        zones,
        "CKV_AWS_394",
        "Only the first azCount zone names are used (by index, names sorted); a zone AWS adds gets a later letter " +
          "and " +
          "does not change the selection. Set availabilityZones to pin the zones explicitly.",
      );
      zoneNames = Array.from({ length: azCount }, (_, i) => Fn.element(zones.names, i));
    }

    const igw = new InternetGateway(this, "internet-gateway", { vpcId: vpc.id, tags: tagged(`${name}-igw`) });
    const publicRoutes = new RouteTable(this, "public-routes", { vpcId: vpc.id, tags: tagged(`${name}-public`) });
    const publicDefaultRoute = new Route(this, "public-default-route", {
      routeTableId: publicRoutes.id,
      destinationCidrBlock: "0.0.0.0/0",
      gatewayId: igw.id,
    });

    const publicSubnets = publicCidrs.map((block, i) => {
      const subnet = new Subnet(this, `public-${i + 1}`, {
        vpcId: vpc.id,
        cidrBlock: block,
        availabilityZone: zoneNames[i],
        mapPublicIpOnLaunch: false,
        tags: { ...tagged(`${name}-public-${i + 1}`), Tier: "public" },
      });
      new RouteTableAssociation(this, `public-${i + 1}-routes`, { subnetId: subnet.id, routeTableId: publicRoutes.id });
      return subnet;
    });

    const natCount = { [NatGatewayMode.ONE_PER_AZ]: azCount, [NatGatewayMode.SINGLE]: 1, [NatGatewayMode.NONE]: 0 }[
      natMode
    ];
    const natGateways = Array.from({ length: natCount }, (_, i) => {
      const eip = new Eip(this, `nat-${i + 1}-eip`, { domain: "vpc", tags: tagged(`${name}-nat-${i + 1}`) });
      return new NatGateway(this, `nat-${i + 1}`, {
        allocationId: eip.allocationId,
        subnetId: publicSubnets[i].id,
        tags: tagged(`${name}-nat-${i + 1}`),
        dependsOn: [igw],
      });
    });

    const egress: ITerraformDependable[] = [];
    const privateRouteTables = privateCidrs.map((block, i) => {
      const subnet = new Subnet(this, `private-${i + 1}`, {
        vpcId: vpc.id,
        cidrBlock: block,
        availabilityZone: zoneNames[i],
        tags: { ...tagged(`${name}-private-${i + 1}`), Tier: "private" },
      });
      const routes = new RouteTable(this, `private-${i + 1}-routes`, {
        vpcId: vpc.id,
        tags: tagged(`${name}-private-${i + 1}`),
      });
      new RouteTableAssociation(this, `private-${i + 1}-routes-association`, {
        subnetId: subnet.id,
        routeTableId: routes.id,
      });
      const nat = natGateways[Math.min(i, natGateways.length - 1)];
      if (nat) {
        egress.push(
          new Route(this, `private-${i + 1}-default-route`, {
            routeTableId: routes.id,
            destinationCidrBlock: "0.0.0.0/0",
            natGatewayId: nat.id,
          }),
        );
      }
      return { subnet, routes };
    });

    if (props.s3GatewayEndpoint) {
      const region = new DataAwsRegion(this, "region");
      const account = new DataAwsCallerIdentity(this, "account");
      const endpoint = new VpcEndpoint(this, "s3-endpoint", {
        vpcId: vpc.id,
        serviceName: `com.amazonaws.${region.region}.s3`,
        vpcEndpointType: "Gateway",
        routeTableIds: privateRouteTables.map((p) => p.routes.id),
        // Without a policy the endpoint is a path to any bucket in the world, including an attacker's.
        policy: JSON.stringify(s3EndpointPolicy(account.accountId, props.s3EndpointExtraBuckets ?? [])),
        tags: tagged(`${name}-s3`),
      });
      this.s3PrefixListId = endpoint.prefixListId;
    }
    if (props.networkAcls ?? true) {
      new NetworkAcls(this, "network-acls", {
        name,
        vpcId: vpc.id,
        vpcCidr: cidr,
        defaultNetworkAclId: vpc.defaultNetworkAclId,
        publicSubnetIds: publicSubnets.map((s) => s.id),
        privateSubnetIds: privateRouteTables.map((p) => p.subnet.id),
        tags: props.tags ?? {},
      });
    }

    this.vpcId = vpc.id;
    this.cidr = cidr;
    this.availabilityZones = zoneNames;
    this.publicSubnetIds = publicSubnets.map((s) => s.id);
    this.privateSubnetIds = privateRouteTables.map((p) => p.subnet.id);
    this.natGatewayIds = natGateways.map((n) => n.id);
    this.privateRouteTableIds = privateRouteTables.map((p) => p.routes.id);
    this.internetEgress = [publicDefaultRoute, ...egress];
  }

  private addFlowLogs(
    vpc: Vpc,
    name: string,
    props: FlowLogsProps,
    tags: Record<string, string>,
    permissionsBoundary: string | undefined,
  ): string {
    const retentionDays = props.retentionDays ?? 30;
    const logGroup = new CloudwatchLogGroup(this, "flow-logs", {
      name: `/aws/vpc/flow-logs/${name}`,
      retentionInDays: retentionDays,
      tags: { ...tags, Name: `${name}-flow-logs` },
    });
    skipCheckov(logGroup, "CKV_AWS_158");
    skipCheckov(
      logGroup,
      "CKV_AWS_338",
      "Retention is a per-environment choice (flowLogs.retentionDays): flow logs serve incident response over " +
        "weeks, and keeping a year of them multiplies storage cost.",
    );
    const role = new IamRole(this, "flow-logs-role", {
      name: `${name}-flow-logs`.slice(0, 64),
      description: `Lets VPC Flow Logs of ${name} write to ${logGroup.name}`,
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "vpc-flow-logs.amazonaws.com" },
            Action: "sts:AssumeRole",
            // Confused-deputy guard: only flow logs of this account may assume the role.
            Condition: { StringEquals: { "aws:SourceAccount": vpc.ownerId } },
          },
        ],
      }),
      permissionsBoundary,
      tags: { ...tags, Name: `${name}-flow-logs` },
    });
    const policy = new IamRolePolicy(this, "flow-logs-policy", {
      name: "write-flow-logs",
      role: role.name,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            Resource: [logGroup.arn, `${logGroup.arn}:*`],
          },
        ],
      }),
    });
    new FlowLog(this, "flow-log", {
      vpcId: vpc.id,
      trafficType: props.trafficType ?? FlowLogTrafficType.ALL,
      logDestinationType: "cloud-watch-logs",
      logDestination: logGroup.arn,
      iamRoleArn: role.arn,
      tags: { ...tags, Name: `${name}-flow-logs` },
      dependsOn: [policy],
    });
    return logGroup.name;
  }
}

/**
 * What clients in the private subnets may do through the S3 endpoint: read objects, nothing else. The only S3
 * traffic from inside the VPC is the model sync's download of a private wheel (a presigned GET, `s3` source);
 * the NER function reads its model from EFS, and Lambda fetches layer and code zips outside the VPC. No write,
 * so code in the VPC cannot use the endpoint to copy data out to a bucket of the account (or list one).
 */
export const S3_ENDPOINT_ACTIONS = ["s3:GetObject"];

/**
 * The S3 gateway endpoint's policy: object reads from the account's own buckets, plus the named buckets of other
 * accounts.
 */
export function s3EndpointPolicy(accountId: string, extraBuckets: string[]): object {
  const statements: object[] = [
    {
      Sid: "ReadOwnAccountObjects",
      Effect: "Allow",
      Principal: "*",
      Action: S3_ENDPOINT_ACTIONS,
      Resource: "arn:aws:s3:::*/*",
      Condition: { StringEquals: { "aws:ResourceAccount": accountId } },
    },
  ];
  if (extraBuckets.length > 0) {
    statements.push({
      Sid: "ReadNamedBucketsObjects",
      Effect: "Allow",
      Principal: "*",
      Action: S3_ENDPOINT_ACTIONS,
      Resource: extraBuckets.map((b) => `arn:aws:s3:::${b}/*`),
    });
  }
  return { Version: "2012-10-17", Statement: statements };
}

/** The subnet size must let the VPC hold `count` subnets (a public and a private one per AZ), none below /28. */
function validateSubnetPrefixLength(path: string, cidr: string, prefix: number, count: number): void {
  const smallest = Number(cidr.split("/")[1]) + Math.ceil(Math.log2(count));
  if (smallest > 28) {
    invalid(path, "cidr", `a block that holds ${count} subnets of /28 (a public and a private one per AZ)`, cidr);
  }
  if (!Number.isInteger(prefix) || prefix < smallest || prefix > 28) {
    invalid(
      path,
      "subnetPrefixLength",
      `an integer in ${smallest}–28 (${cidr} holds ${count} subnets of /${smallest} or smaller)`,
      prefix,
    );
  }
}

/** Explicit subnet blocks: one per AZ in each tier, well-formed, inside the VPC, none overlapping another. */
function validateSubnets(path: string, vpcCidr: string, azCount: number, pub: string[], priv: string[]): void {
  const tiers = [
    { field: "publicSubnetCidrs", blocks: pub },
    { field: "privateSubnetCidrs", blocks: priv },
  ];
  for (const { field, blocks } of tiers) {
    if (blocks.length !== azCount) {
      invalid(path, field, `a list of azCount (${azCount}) blocks, one per AZ`, blocks);
    }
    blocks.forEach((block, i) => {
      assertCidr(path, `${field}[${i}]`, block);
      if (!cidrContains(vpcCidr, block)) {
        invalid(path, `${field}[${i}]`, `a block inside the VPC's cidr ${vpcCidr}`, block);
      }
    });
  }
  const all = tiers.flatMap(({ field, blocks }) => blocks.map((block, i) => ({ at: `${field}[${i}]`, block })));
  all.forEach((a, i) =>
    all.slice(i + 1).forEach((b) => {
      if (cidrsOverlap(a.block, b.block)) {
        invalid(path, b.at, `a block that does not overlap ${a.at} (${a.block})`, b.block);
      }
    }),
  );
}
