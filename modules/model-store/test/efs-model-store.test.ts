import { Testing, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { EfsModelStore, IaTransition, ModelStoreBase, ThroughputMode, type EfsModelStoreProps } from "../src";

type Synth = { resource: Record<string, Record<string, any>> };

function build(props: Partial<EfsModelStoreProps> = {}, wire?: (store: EfsModelStore) => void): Synth {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  const store = new EfsModelStore(stack, "store", {
    name: "spacy",
    vpcId: "vpc-123",
    subnetIds: ["subnet-a", "subnet-b"],
    ...props,
  });
  wire?.(store);
  return JSON.parse(Testing.synth(stack));
}

const one = (s: Synth, type: string) => {
  const all = Object.values(s.resource[type] ?? {});
  expect(all).toHaveLength(1);
  return all[0];
};

describe("EfsModelStore", () => {
  test("encrypted, elastic, backed up, one mount target per subnet", () => {
    const s = build();
    expect(one(s, "aws_efs_file_system")).toMatchObject({ encrypted: true, throughput_mode: "elastic" });
    expect(one(s, "aws_efs_backup_policy").backup_policy).toEqual({ status: "ENABLED" });
    const target = one(s, "aws_efs_mount_target");
    expect(target.for_each).toEqual({ "subnet-a": "subnet-a", "subnet-b": "subnet-b" });
    expect(target.subnet_id).toBe("${each.value}");
    expect(target.security_groups).toEqual([expect.stringMatching(/aws_security_group\.store_security-group_/)]);
  });

  test("access point defaults are the seed's: uid/gid 1001, owner 1001/1001, 750, /models", () => {
    const ap = one(build(), "aws_efs_access_point");
    expect(ap.posix_user).toEqual({ uid: 1001, gid: 1001 });
    expect(ap.root_directory).toEqual({
      path: "/models",
      creation_info: { owner_uid: 1001, owner_gid: 1001, permissions: "750" },
    });
  });

  test("NFS is admitted only from granted security groups, never from a CIDR", () => {
    const closed = build();
    expect(closed.resource.aws_vpc_security_group_ingress_rule).toBeUndefined();
    expect(one(closed, "aws_security_group").ingress).toBeUndefined();

    const s = build({}, (store) => {
      store.allowMountFrom("sg-api");
      store.allowMountFrom("sg-sync");
    });
    const rules = Object.values(s.resource.aws_vpc_security_group_ingress_rule) as any[];
    expect(rules.map((r) => r.referenced_security_group_id)).toEqual(["sg-api", "sg-sync"]);
    rules.forEach((r) => {
      expect(r).toMatchObject({ ip_protocol: "tcp", from_port: 2049, to_port: 2049 });
      expect(r.cidr_ipv4).toBeUndefined();
    });
  });

  test("grants: read is ClientMount only, read-write adds ClientWrite, both conditioned on the access point", () => {
    const s = build({}, (store) => {
      store.grantRead({ roleName: "api", roleArn: "arn:aws:iam::1:role/api" });
      store.grantReadWrite({ roleName: "sync", roleArn: "arn:aws:iam::1:role/sync" });
    });
    const policies = Object.values(s.resource.aws_iam_role_policy) as any[];
    const byRole = Object.fromEntries(policies.map((p) => [p.role, JSON.parse(p.policy).Statement]));
    expect(byRole.api).toEqual([
      {
        Sid: "MountModelStoreReadOnly",
        Effect: "Allow",
        Action: ["elasticfilesystem:ClientMount"],
        Resource: expect.stringMatching(/aws_efs_file_system\.store_file-system_\w+\.arn/),
        Condition: {
          StringEquals: { "elasticfilesystem:AccessPointArn": expect.stringMatching(/aws_efs_access_point\..*\.arn/) },
        },
      },
    ]);
    expect(byRole.sync[0].Action).toEqual(["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]);
  });

  test("file system policy denies non-TLS and non-access-point mounts and names only granted roles", () => {
    const s = build({}, (store) => {
      store.grantRead({ roleName: "api", roleArn: "arn:aws:iam::1:role/api" });
      store.grantReadWrite({ roleName: "sync", roleArn: "arn:aws:iam::1:role/sync" });
    });
    const policy = JSON.parse(one(s, "aws_efs_file_system_policy").policy);
    const bySid = Object.fromEntries(policy.Statement.map((st: any) => [st.Sid, st]));
    expect(bySid.DenyUnencryptedTransport).toMatchObject({
      Effect: "Deny",
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
    expect(bySid.DenyMountsOutsideTheAccessPoint.Condition.StringNotEquals).toBeDefined();
    expect(bySid.MountModelStoreReadOnly.Principal).toEqual({ AWS: ["arn:aws:iam::1:role/api"] });
    expect(bySid.MountModelStoreReadWrite.Principal).toEqual({ AWS: ["arn:aws:iam::1:role/sync"] });
    const actions = policy.Statement.flatMap((st: any) => st.Action);
    expect(actions.some((a: string) => a.includes("*"))).toBe(false);
  });

  test("writes are denied to everyone but the roles granted read-write, whatever their identity policies say", () => {
    const policyOf = (wire: (store: EfsModelStore) => void) => {
      const policy = JSON.parse(one(build({}, wire), "aws_efs_file_system_policy").policy);
      return policy.Statement.find((st: any) => st.Sid === "DenyWritesExceptGrantedWriters");
    };
    const deny = policyOf((store) => {
      store.grantRead({ roleName: "api", roleArn: "arn:aws:iam::1:role/api" });
      store.grantReadWrite({ roleName: "sync", roleArn: "arn:aws:iam::1:role/sync" });
    });
    expect(deny).toEqual({
      Sid: "DenyWritesExceptGrantedWriters",
      Effect: "Deny",
      Principal: { AWS: "*" },
      Action: ["elasticfilesystem:ClientWrite"],
      Resource: expect.any(String),
      Condition: { ArnNotEquals: { "aws:PrincipalArn": ["arn:aws:iam::1:role/sync"] } },
    });
    // A reader is never an exception; with no writer at all the store is read-only for everyone.
    const readOnly = policyOf((store) => store.grantRead({ roleName: "api", roleArn: "arn:aws:iam::1:role/api" }));
    expect(readOnly.Condition).toBeUndefined();
    expect(readOnly.Action).toEqual(["elasticfilesystem:ClientWrite"]);
  });

  test("a repeated grant is idempotent and read-write is not downgraded", () => {
    const s = build({}, (store) => {
      const role = { roleName: "sync", roleArn: "arn:aws:iam::1:role/sync" };
      store.grantReadWrite(role);
      store.grantRead(role);
      store.grantReadWrite(role);
    });
    expect(Object.keys(s.resource.aws_iam_role_policy)).toHaveLength(1);
  });

  test("backups off, IA lifecycle and provisioned throughput are configurable", () => {
    const s = build({
      backups: false,
      transitionToIa: IaTransition.AFTER_30_DAYS,
      throughputMode: ThroughputMode.PROVISIONED,
      provisionedThroughputMibps: 64,
    });
    expect(one(s, "aws_efs_backup_policy").backup_policy.status).toBe("DISABLED");
    expect(one(s, "aws_efs_file_system")).toMatchObject({
      lifecycle_policy: [{ transition_to_ia: "AFTER_30_DAYS" }],
      throughput_mode: "provisioned",
      provisioned_throughput_in_mibps: 64,
    });
  });

  test.each([
    [{ subnetIds: [] }, /^test\/store: subnetIds must be a list of one or more subnets: .*, got \[\]$/],
    [{ throughputMode: "fast" as any }, /throughputMode must be one of elastic, bursting, provisioned, got "fast"/],
    [{ transitionToIa: "AFTER_2_DAYS" as any }, /transitionToIa must be one of AFTER_1_DAY, .*, got "AFTER_2_DAYS"/],
    [
      { throughputMode: ThroughputMode.PROVISIONED },
      /provisionedThroughputMibps must be set with, and only with, throughputMode "provisioned", got undefined/,
    ],
    [{ provisionedThroughputMibps: 10 }, /provisionedThroughputMibps must be set with, and only with, .*, got 10/],
    [
      { throughputMode: ThroughputMode.PROVISIONED, provisionedThroughputMibps: 0 },
      /provisionedThroughputMibps must be a number ≥ 1, got 0/,
    ],
    [
      { accessPoint: { permissions: "rwx" } },
      /^test\/store: accessPoint.permissions must be octal like "750", got "rwx"$/,
    ],
    [
      { accessPoint: { path: "models" } },
      /accessPoint.path must be an absolute directory other than "\/", got "models"/,
    ],
  ])("rejects %j", (props, message) => {
    expect(() => build(props as Partial<EfsModelStoreProps>)).toThrow(message);
  });

  test("mount targets are keyed by availability zone when the subnets are Terraform references", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "test");
    new AwsProvider(stack, "aws", { region: "eu-west-1" });
    const subnets = ["a", "b"].map(
      (z) => new Subnet(stack, `subnet-${z}`, { vpcId: "vpc-1", cidrBlock: "10.0.0.0/24" }).id,
    );
    expect(() => new EfsModelStore(stack, "unkeyed", { vpcId: "vpc-1", subnetIds: subnets })).toThrow(
      /availabilityZones must be given when subnetIds are Terraform references .*, got undefined/,
    );
    new EfsModelStore(stack, "store", {
      vpcId: "vpc-1",
      subnetIds: subnets,
      availabilityZones: ["eu-west-1a", "eu-west-1b"],
    });
    const target = one(JSON.parse(Testing.synth(stack)), "aws_efs_mount_target");
    expect(target.for_each).toMatch(
      /^\$\{zipmap\(\["eu-west-1a", "eu-west-1b"\], \[aws_subnet\.subnet-a\.id, aws_subnet\.subnet-b\.id\]\)\}$/,
    );
  });

  test.each([
    [{ availabilityZones: ["eu-west-1a"] }, /availabilityZones must be a list of 2 zones, .*, got \["eu-west-1a"\]/],
    [
      { availabilityZones: ["eu-west-1a", "eu-west-1a"] },
      /availabilityZones must be a list without repeats: .*, got \["eu-west-1a","eu-west-1a"\]/,
    ],
    [{ subnetIds: ["subnet-a", "subnet-a"] }, /subnetIds must be a list without repeats/],
  ])("rejects zones %j", (props, message) => {
    expect(() => build(props)).toThrow(message);
  });

  // Removing one consumer, or one subnet, must leave the others' resources at the same Terraform address
  // (and with the same for_each keys), so a plan destroys only what was removed.
  test("grants, ingress rules and mount targets keep their addresses when another consumer or subnet goes", () => {
    const consumers = (names: string[], subnetIds: string[]) => {
      const app = Testing.app();
      const stack = new TerraformStack(app, "test");
      new AwsProvider(stack, "aws", { region: "eu-west-1" });
      const store = new EfsModelStore(stack, "store", {
        name: "spacy",
        vpcId: "vpc-1",
        subnetIds,
        availabilityZones: subnetIds.map((id) => `eu-west-1${id.slice(-1)}`),
      });
      for (const n of names) {
        const role = new IamRole(stack, `${n}-role`, { assumeRolePolicy: "{}" });
        const group = new SecurityGroup(stack, `${n}-sg`, { vpcId: "vpc-1" });
        store.allowMountFrom(group.id);
        const grantee = { roleName: role.name, roleArn: role.arn };
        if (n === "sync") {
          store.grantReadWrite(grantee);
        } else {
          store.grantRead(grantee);
        }
      }
      return JSON.parse(Testing.synth(stack));
    };
    const addresses = (s: any, type: string) => Object.keys(s.resource[type] ?? {}).sort();
    const all = consumers(["api", "sync", "batch"], ["subnet-a", "subnet-b", "subnet-c"]);
    const fewer = consumers(["sync", "batch"], ["subnet-a", "subnet-c"]);
    for (const type of ["aws_iam_role_policy", "aws_vpc_security_group_ingress_rule"]) {
      expect(addresses(all, type)).toHaveLength(3);
      expect(addresses(fewer, type)).toHaveLength(2);
      // Every remaining consumer's resource is at an address it already had, with the same content.
      for (const address of addresses(fewer, type)) {
        expect(all.resource[type][address]).toEqual(fewer.resource[type][address]);
      }
    }
    expect(addresses(all, "aws_efs_mount_target")).toEqual(addresses(fewer, "aws_efs_mount_target"));
    const keys = (s: any) => JSON.parse(JSON.stringify(Object.values(s.resource.aws_efs_mount_target)[0])).for_each;
    expect(keys(all)).toMatch(
      /zipmap\(\["eu-west-1a", "eu-west-1b", "eu-west-1c"\], \["subnet-a", "subnet-b", "subnet-c"\]\)/,
    );
    expect(keys(fewer)).toMatch(/zipmap\(\["eu-west-1a", "eu-west-1c"\], \["subnet-a", "subnet-c"\]\)/);
  });
});

describe("EfsModelStore.fromAttributes", () => {
  const build = (attrs: Partial<Parameters<typeof EfsModelStore.fromAttributes>[2]> = {}) => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "test");
    new AwsProvider(stack, "aws", { region: "eu-west-1" });
    const store = EfsModelStore.fromAttributes(stack, "existing", {
      fileSystemId: "fs-0123456789abcdef0",
      accessPointId: "fsap-0123456789abcdef0",
      securityGroupId: "sg-0123456789abcdef0",
      ...attrs,
    });
    store.grantRead({ roleName: "api", roleArn: "arn:aws:iam::123456789012:role/api" });
    store.allowMountFrom("sg-0aaaaaaaaaaaaaaaa");
    return { store, s: JSON.parse(Testing.synth(stack)) };
  };

  test("looks up the ARNs, grants on the role and opens NFS on the given group, creating no file system", () => {
    const { store, s } = build();
    expect(s.resource.aws_efs_file_system).toBeUndefined();
    expect(s.resource.aws_efs_mount_target).toBeUndefined();
    expect(s.resource.aws_efs_file_system_policy).toBeUndefined();
    expect(Object.values(s.data.aws_efs_file_system)).toEqual([{ file_system_id: "fs-0123456789abcdef0" }]);
    expect(Object.values(s.data.aws_efs_access_point)).toEqual([{ access_point_id: "fsap-0123456789abcdef0" }]);
    expect(store.mountTargets).toEqual([]);
    const rule = one(s, "aws_vpc_security_group_ingress_rule");
    expect(rule).toMatchObject({
      security_group_id: "sg-0123456789abcdef0",
      referenced_security_group_id: "sg-0aaaaaaaaaaaaaaaa",
      from_port: 2049,
    });
    const statement = JSON.parse(one(s, "aws_iam_role_policy").policy).Statement[0];
    expect(statement.Action).toEqual(["elasticfilesystem:ClientMount"]);
    expect(statement.Resource).toMatch(/data\.aws_efs_file_system\.existing_file-system_\w+\.arn/);
  });

  test("takes given ARNs without a lookup", () => {
    const { s } = build({
      fileSystemArn: "arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/fs-0123456789abcdef0",
      accessPointArn: "arn:aws:elasticfilesystem:eu-west-1:123456789012:access-point/fsap-0123456789abcdef0",
    });
    expect(s.data).toBeUndefined();
  });

  test("is a ModelStoreBase like the created store: one grant per role, read-write not downgraded", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "test");
    new AwsProvider(stack, "aws", { region: "eu-west-1" });
    const store = EfsModelStore.fromAttributes(stack, "existing", {
      fileSystemId: "fs-0123456789abcdef0",
      accessPointId: "fsap-0123456789abcdef0",
      securityGroupId: "sg-0123456789abcdef0",
      fileSystemArn: "arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/fs-0123456789abcdef0",
      accessPointArn: "arn:aws:elasticfilesystem:eu-west-1:123456789012:access-point/fsap-0123456789abcdef0",
    });
    expect(store).toBeInstanceOf(ModelStoreBase);
    const role = { roleName: "sync", roleArn: "arn:aws:iam::123456789012:role/sync" };
    const first = store.grantReadWrite(role);
    const second = store.grantRead(role);
    expect(second.dependables).toEqual(first.dependables);
    expect(store.allowMountFrom("sg-0aaaaaaaaaaaaaaaa")).toEqual(store.allowMountFrom("sg-0aaaaaaaaaaaaaaaa"));
    const s = JSON.parse(Testing.synth(stack));
    const [policy] = Object.values(s.resource.aws_iam_role_policy) as any[];
    expect(Object.keys(s.resource.aws_iam_role_policy)).toHaveLength(1);
    expect(policy.name).toBe("existing-efs-read-write");
    expect(JSON.parse(policy.policy).Statement[0].Sid).toBe("MountModelStoreReadWrite");
  });

  test("rejects an id of the wrong kind, naming the field", () => {
    expect(() => build({ accessPointId: "fs-0123" })).toThrow(
      /^test\/existing: accessPointId must be an id like "fsap-0123456789abcdef0", got "fs-0123"$/,
    );
  });
});
