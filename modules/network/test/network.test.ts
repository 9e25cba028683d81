import { Testing, TerraformOutput, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { FlowLogTrafficType, NatGatewayMode, Network, type NetworkProps } from "../src";
import { cidrContains } from "../src/cidr";

type Synth = { resource: Record<string, Record<string, any>>; data?: Record<string, Record<string, any>> };

function synth(props: NetworkProps = {}): Synth {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  new Network(stack, "net", { name: "spacy", ...props });
  return JSON.parse(Testing.synth(stack));
}

const values = (s: Synth, type: string) => Object.values(s.resource[type] ?? {});

describe("Network", () => {
  test("one public and one private subnet per AZ, each pair in the same AZ", () => {
    const s = synth({ cidr: "10.20.0.0/16", azCount: 3 });
    const subnets = values(s, "aws_subnet");
    const pub = subnets.filter((x) => x.tags.Tier === "public");
    const priv = subnets.filter((x) => x.tags.Tier === "private");
    expect(pub.map((x) => x.cidr_block)).toEqual(["10.20.0.0/24", "10.20.1.0/24", "10.20.2.0/24"]);
    expect(priv.map((x) => x.cidr_block)).toEqual(["10.20.3.0/24", "10.20.4.0/24", "10.20.5.0/24"]);
    pub.forEach((p, i) => expect(priv[i].availability_zone).toBe(p.availability_zone));
    expect(new Set(pub.map((x) => x.availability_zone)).size).toBe(3);
    expect(pub.every((x) => x.map_public_ip_on_launch === false)).toBe(true);
    expect(pub.map((x) => x.tags.Name)).toEqual(["spacy-public-1", "spacy-public-2", "spacy-public-3"]);
  });

  test("one-per-az NAT: every private route table routes to the NAT gateway of its own AZ", () => {
    const s = synth({ azCount: 2, natGateways: NatGatewayMode.ONE_PER_AZ });
    const nats = s.resource.aws_nat_gateway;
    expect(Object.keys(nats)).toHaveLength(2);
    Object.values(nats).forEach((n: any, i) =>
      expect(n.subnet_id).toMatch(new RegExp(`aws_subnet\\.net_public-${i + 1}_`)),
    );
    const routes = values(s, "aws_route").filter((r) => r.nat_gateway_id);
    expect(routes).toHaveLength(2);
    routes.forEach((r, i) => {
      expect(r.destination_cidr_block).toBe("0.0.0.0/0");
      expect(r.nat_gateway_id).toMatch(new RegExp(`aws_nat_gateway\\.net_nat-${i + 1}_`));
      expect(r.route_table_id).toMatch(new RegExp(`aws_route_table\\.net_private-${i + 1}-routes_`));
    });
    const igwRoute = values(s, "aws_route").find((r) => r.gateway_id);
    expect(igwRoute?.gateway_id).toMatch(/aws_internet_gateway\./);
  });

  test("single NAT is shared by every private subnet; none leaves them without a default route", () => {
    const single = synth({ azCount: 3, natGateways: NatGatewayMode.SINGLE });
    expect(Object.keys(single.resource.aws_nat_gateway)).toHaveLength(1);
    const natRoutes = values(single, "aws_route").filter((r) => r.nat_gateway_id);
    expect(natRoutes).toHaveLength(3);
    expect(new Set(natRoutes.map((r) => r.nat_gateway_id)).size).toBe(1);

    const none = synth({ natGateways: NatGatewayMode.NONE });
    expect(none.resource.aws_nat_gateway).toBeUndefined();
    expect(none.resource.aws_eip).toBeUndefined();
    expect(values(none, "aws_route").filter((r) => r.nat_gateway_id)).toHaveLength(0);
  });

  test("AZs come from the region unless given; explicit ones are used as-is", () => {
    const fromRegion = synth();
    expect(fromRegion.data?.aws_availability_zones).toBeDefined();
    const explicit = synth({ availabilityZones: ["eu-west-1b", "eu-west-1c"] });
    expect(explicit.data?.aws_availability_zones).toBeUndefined();
    expect(values(explicit, "aws_subnet").map((x) => x.availability_zone)).toEqual([
      "eu-west-1b",
      "eu-west-1c",
      "eu-west-1b",
      "eu-west-1c",
    ]);
  });

  test("subnetPrefixLength carves every subnet at that size, in consecutive blocks", () => {
    const s = synth({ cidr: "10.99.0.0/20", azCount: 3, natGateways: NatGatewayMode.SINGLE, subnetPrefixLength: 26 });
    expect(
      values(s, "aws_subnet")
        .map((x) => x.cidr_block)
        .sort(),
    ).toEqual(["10.99.0.0/26", "10.99.0.128/26", "10.99.0.192/26", "10.99.0.64/26", "10.99.1.0/26", "10.99.1.64/26"]);
  });

  test("S3 gateway endpoint attaches to the private route tables only when asked", () => {
    expect(synth().resource.aws_vpc_endpoint).toBeUndefined();
    const s = synth({ s3GatewayEndpoint: true });
    const [endpoint] = values(s, "aws_vpc_endpoint");
    expect(endpoint.vpc_endpoint_type).toBe("Gateway");
    expect(endpoint.route_table_ids).toHaveLength(2);
    endpoint.route_table_ids.forEach((id: string) => expect(id).toMatch(/net_private-\d-routes_/));
  });

  test("s3PrefixListId is the endpoint's prefix list, for egress to S3 alone; undefined without the endpoint", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "test");
    new AwsProvider(stack, "aws", { region: "eu-west-1" });
    const withEndpoint = new Network(stack, "with", { s3GatewayEndpoint: true });
    const without = new Network(stack, "without");
    expect(without.s3PrefixListId).toBeUndefined();
    new TerraformOutput(stack, "prefix-list", { value: withEndpoint.s3PrefixListId });
    expect(JSON.parse(Testing.synth(stack)).output["prefix-list"].value).toMatch(
      /^\$\{aws_vpc_endpoint\.with_s3-endpoint_\w+\.prefix_list_id\}$/,
    );
  });

  test("the S3 endpoint's policy admits only the account's own buckets and the named ones, for listed actions", () => {
    const [endpoint] = values(
      synth({ s3GatewayEndpoint: true, s3EndpointExtraBuckets: ["models-bucket"] }),
      "aws_vpc_endpoint",
    );
    const policy = JSON.parse(endpoint.policy);
    expect(policy.Statement[0]).toMatchObject({
      Effect: "Allow",
      Condition: {
        StringEquals: {
          "aws:ResourceAccount": expect.stringMatching(/^\$\{data\.aws_caller_identity\..+\.account_id\}$/),
        },
      },
    });
    expect(policy.Statement[1].Resource).toEqual(["arn:aws:s3:::models-bucket/*"]);
    const [plain] = values(synth({ s3GatewayEndpoint: true }), "aws_vpc_endpoint");
    expect(JSON.parse(plain.policy).Statement).toHaveLength(1);
  });

  test("the S3 endpoint only reads objects: no PutObject, delete or listing (the sync needs none)", () => {
    const [endpoint] = values(
      synth({ s3GatewayEndpoint: true, s3EndpointExtraBuckets: ["models-bucket"] }),
      "aws_vpc_endpoint",
    );
    const statements = JSON.parse(endpoint.policy).Statement;
    for (const statement of statements) {
      expect(statement.Effect).toBe("Allow");
      expect(statement.Action).toEqual(["s3:GetObject"]);
      // Object ARNs only: a bucket ARN would only matter for bucket actions such as ListBucket.
      [statement.Resource].flat().forEach((r: string) => expect(r).toMatch(/^arn:aws:s3:::[^/]+\/\*$/));
    }
  });

  describe("network ACLs", () => {
    const s = synth({ cidr: "10.10.0.0/16", azCount: 2 });
    const acls = values(s, "aws_network_acl");
    const acl = (tier: string) => acls.find((a) => a.tags.Name === `spacy-${tier}`);
    // Evaluates an ACL like AWS does: the lowest-numbered matching rule decides, no match denies.
    const allows = (tier: string, direction: "ingress" | "egress", peer: string, port: number): boolean => {
      const rules = [...acl(tier)[direction]].sort((a: any, b: any) => a.rule_no - b.rule_no);
      const hit = rules.find(
        (r: any) =>
          r.protocol === "tcp" && cidrContains(r.cidr_block, `${peer}/32`) && r.from_port <= port && port <= r.to_port,
      );
      return hit?.action === "allow";
    };
    const lambda = "10.10.2.10"; // private subnet 1
    const mountTarget = "10.10.3.20"; // private subnet 2
    const internet = "93.184.216.34";

    test("each tier's subnets get their own ACL; the default ACL is emptied", () => {
      expect(acl("private").subnet_ids).toHaveLength(2);
      expect(acl("public").subnet_ids).toHaveLength(2);
      const [defaultAcl] = values(s, "aws_default_network_acl");
      expect(defaultAcl.ingress).toBeUndefined();
      expect(defaultAcl.egress).toBeUndefined();
    });

    test("NFS from a function to a mount target in another AZ, and its reply", () => {
      expect(allows("private", "egress", mountTarget, 2049)).toBe(true);
      expect(allows("private", "ingress", lambda, 2049)).toBe(true);
      expect(allows("private", "egress", lambda, 40123)).toBe(true);
      expect(allows("private", "ingress", mountTarget, 40123)).toBe(true);
    });

    test("HTTPS from a private subnet through the NAT gateway to the internet, and the replies", () => {
      expect(allows("private", "egress", internet, 443)).toBe(true);
      expect(allows("public", "ingress", lambda, 443)).toBe(true);
      expect(allows("public", "egress", internet, 443)).toBe(true);
      expect(allows("public", "ingress", internet, 50000)).toBe(true);
      expect(allows("public", "egress", lambda, 50000)).toBe(true);
      expect(allows("private", "ingress", internet, 50000)).toBe(true);
    });

    test("nothing else: no SSH or RDP from the internet, no NFS from outside the VPC, no plain HTTP out", () => {
      for (const tier of ["public", "private"]) {
        expect(allows(tier, "ingress", internet, 22)).toBe(false);
        expect(allows(tier, "ingress", internet, 3389)).toBe(false);
      }
      // The public tier keeps 2049 open as a NAT reply port (NAT gateways translate to 1024–65535).
      expect(allows("private", "ingress", internet, 2049)).toBe(false);
      expect(allows("private", "egress", internet, 80)).toBe(false);
      expect(allows("public", "egress", internet, 80)).toBe(false);
      expect(allows("private", "egress", internet, 2049)).toBe(false);
    });

    test("can be turned off", () => {
      expect(synth({ networkAcls: false }).resource.aws_network_acl).toBeUndefined();
    });
  });

  test("tags reach every taggable resource; the default security group is locked down", () => {
    const s = synth({ tags: { Team: "nlp" } });
    for (const type of [
      "aws_vpc",
      "aws_subnet",
      "aws_internet_gateway",
      "aws_nat_gateway",
      "aws_eip",
      "aws_route_table",
    ]) {
      values(s, type).forEach((r) => expect(r.tags.Team).toBe("nlp"));
    }
    const [sg] = values(s, "aws_default_security_group");
    expect(sg.ingress).toBeUndefined();
    expect(sg.egress).toBeUndefined();
    const [vpc] = values(s, "aws_vpc");
    expect(vpc).toMatchObject({ enable_dns_hostnames: true, enable_dns_support: true });
  });

  test("VPC flow logs go to a log group through a role that can write only there", () => {
    const s = synth({ flowLogs: { retentionDays: 7, trafficType: FlowLogTrafficType.REJECT } });
    const [flowLog] = values(s, "aws_flow_log");
    expect(flowLog).toMatchObject({ traffic_type: "REJECT", log_destination_type: "cloud-watch-logs" });
    expect(flowLog.vpc_id).toMatch(/aws_vpc\.net_vpc_/);
    const [group] = values(s, "aws_cloudwatch_log_group");
    expect(group).toMatchObject({ name: "/aws/vpc/flow-logs/spacy", retention_in_days: 7 });
    const [role] = values(s, "aws_iam_role");
    const trust = JSON.parse(role.assume_role_policy);
    expect(trust.Statement[0].Principal).toEqual({ Service: "vpc-flow-logs.amazonaws.com" });
    expect(trust.Statement[0].Condition.StringEquals["aws:SourceAccount"]).toMatch(/aws_vpc\.net_vpc_.*\.owner_id/);
    const [policy] = values(s, "aws_iam_role_policy");
    const statements = JSON.parse(policy.policy).Statement;
    expect(statements).toHaveLength(1);
    expect(statements[0].Action).toEqual(["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]);
    expect(statements[0].Resource.every((r: string) => r.includes("aws_cloudwatch_log_group.net_flow-logs_"))).toBe(
      true,
    );
  });

  test("the flow-logs role carries the permissions boundary it is given, and none by default", () => {
    const boundary = "arn:aws:iam::123456789012:policy/workload-boundary";
    expect(values(synth({ permissionsBoundary: boundary }), "aws_iam_role")[0].permissions_boundary).toBe(boundary);
    expect(values(synth(), "aws_iam_role")[0].permissions_boundary).toBeUndefined();
    expect(() => synth({ permissionsBoundary: "workload-boundary" })).toThrow(
      /permissionsBoundary must be a managed policy ARN .*got "workload-boundary"/,
    );
  });

  test("flow logs are on by default (all traffic, 30 days) and can be turned off", () => {
    const on = synth();
    expect(values(on, "aws_flow_log")[0].traffic_type).toBe("ALL");
    expect(values(on, "aws_cloudwatch_log_group")[0].retention_in_days).toBe(30);
    const off = synth({ flowLogs: { enabled: false } });
    expect(off.resource.aws_flow_log).toBeUndefined();
    expect(off.resource.aws_iam_role).toBeUndefined();
  });

  test.each([
    [{ cidr: "10.0.0.0/33" }, /^test\/net: cidr must be an IPv4 CIDR block like 10.0.0.0\/16, got "10.0.0.0\/33"$/],
    [{ cidr: "010.0.0.0/16" }, /cidr must be an IPv4 CIDR block like 10.0.0.0\/16, got "010.0.0.0\/16"/],
    [{ cidr: "0xa.0.0.0/16" }, /cidr must be an IPv4 CIDR block like 10.0.0.0\/16, got "0xa.0.0.0\/16"/],
    [
      { cidr: "10.0.0.1/16" },
      /cidr must be a network address without host bits set \(10.0.0.0\/16\), got "10.0.0.1\/16"/,
    ],
    [{ azCount: 0 }, /^test\/net: azCount must be an integer in 1–6, got 0$/],
    [{ azCount: 7 }, /azCount must be an integer in 1–6, got 7/],
    [{ azCount: 1.5 }, /azCount must be an integer in 1–6, got 1.5/],
    [{ natGateways: "two" as any }, /^test\/net: natGateways must be one of one-per-az, single, none, got "two"$/],
    [
      { cidr: "10.0.0.0/24", subnetPrefixLength: 26, azCount: 3 },
      /subnetPrefixLength must be an integer in 27–28 \(10.0.0.0\/24 holds 6 subnets of \/27 or smaller\), got 26/,
    ],
    [{ subnetPrefixLength: 29 }, /subnetPrefixLength must be an integer in 18–28 .*, got 29/],
    [{ cidr: "10.0.0.0/28" }, /cidr must be a block that holds 4 subnets of \/28 .*, got "10.0.0.0\/28"/],
    [{ availabilityZones: ["a"] }, /availabilityZones must be a list of azCount \(2\) zone names, got \["a"\]/],
    [
      { publicSubnetCidrs: ["10.0.0.0/24", "10.0.1.0/24"], privateSubnetCidrs: ["10.0.1.0/24", "10.0.2.0/24"] },
      /privateSubnetCidrs\[0\] must be a block that does not overlap publicSubnetCidrs\[1\] \(10.0.1.0\/24\), got "10.0.1.0\/24"/,
    ],
    [
      { publicSubnetCidrs: ["10.1.0.0/24", "10.0.1.0/24"] },
      /publicSubnetCidrs\[0\] must be a block inside the VPC's cidr 10.0.0.0\/16, got "10.1.0.0\/24"/,
    ],
    [{ publicSubnetCidrs: ["10.0.0.0/24"] }, /publicSubnetCidrs must be a list of azCount \(2\) blocks, one per AZ/],
    [{ privateSubnetCidrs: ["10.0.8.0/24", "10.0.9.1/24"] }, /privateSubnetCidrs\[1\] must be a network address/],
    [{ flowLogs: { retentionDays: 10 } }, /flowLogs.retentionDays must be one of 1, 3, 5, 7, 14, .*, got 10/],
    [
      { flowLogs: { trafficType: "SOME" as any } },
      /flowLogs.trafficType must be one of ALL, ACCEPT, REJECT, got "SOME"/,
    ],
  ])("rejects %j", (props, message) => {
    expect(() => synth(props as NetworkProps)).toThrow(message);
  });
});
