import * as fs from "fs";
import * as os from "os";
import { App, TerraformOutput, Testing, TerraformStack } from "cdktf";
import { LambdaInvocation } from "@cdktf/provider-aws/lib/lambda-invocation";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Route } from "@cdktf/provider-aws/lib/route";
import { TestModelStore } from "./test-model-store";
import * as path from "path";
import { sourceHash } from "@serverless-spacy/shared/internal";
import { ModelSource, ModelSync, type ModelSyncProps } from "../src";
import { MODEL_SYNC_CODE_DIR, MODEL_SYNC_ENVIRONMENT_VARIABLES } from "../src/model-sync";

type Synth = { resource: Record<string, Record<string, any>>; data?: Record<string, Record<string, any>> };

const VPC = "vpc-0123456789abcdef0";
const SUBNETS = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"];
const LAYER = "arn:aws:lambda:eu-west-1:123456789012:layer:spacy:7";
// The published sha256 of en_core_web_sm 3.8.0's wheel (sources in docs/model-sync.md).
const SM_SHA256 = "1932429db727d4bff3deed6b34cfc05df17794f4a52eeb26cf8928f7c1a0fb85";
const SM = {
  name: "en_core_web_sm",
  version: "3.8.0",
  source: ModelSource.spacyRelease("en_core_web_sm", "3.8.0", SM_SHA256),
};
const OTHER_SHA256 = "ab".repeat(32);

function synth(props: Partial<ModelSyncProps> = {}, withEgress = true): Synth {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  const store = new TestModelStore(stack, "store", { vpcId: VPC, subnetIds: SUBNETS });
  const nat = new Route(stack, "nat-route", {
    routeTableId: "rtb-0123456789abcdef0",
    destinationCidrBlock: "0.0.0.0/0",
    natGatewayId: "nat-0123456789abcdef0",
  });
  new ModelSync(stack, "sync", {
    name: "spacy",
    vpcId: VPC,
    subnetIds: SUBNETS,
    modelStore: store,
    model: SM,
    layerArns: [LAYER],
    internetEgress: withEgress ? [nat] : undefined,
    ...props,
  });
  return JSON.parse(Testing.synth(stack));
}

const one = (s: Synth, type: string) => {
  const all = Object.values(s.resource[type] ?? {});
  expect(all).toHaveLength(1);
  return all[0];
};
const values = (s: Synth, type: string) => Object.values(s.resource[type] ?? {});
const key = (s: Synth, type: string, idPart: string) => {
  const found = Object.keys(s.resource[type] ?? {}).filter((k) => k.includes(idPart));
  expect(found).toHaveLength(1);
  return `${type}.${found[0]}`;
};

describe("ModelSync", () => {
  const s = synth();

  test("one invocation with the sync input, keyed on model, source and store, invoked on create only", () => {
    const inv = one(s, "aws_lambda_invocation");
    expect(JSON.parse(inv.input)).toEqual({
      model_name: "en_core_web_sm",
      version: "3.8.0",
      source: {
        kind: "wheel_url",
        location: ModelSource.spacyReleaseUrl("en_core_web_sm", "3.8.0"),
        sha256: SM_SHA256,
      },
      keep_versions: 2,
    });
    expect(inv.lifecycle_scope).toBe("CREATE_ONLY");
    expect(inv.function_name).toBe(`\${${key(s, "aws_lambda_function", "sync_function")}.function_name}`);
    expect(inv.triggers).toEqual({
      model_name: "en_core_web_sm",
      model_version: "3.8.0",
      source_kind: "wheel_url",
      source_location:
        "https://github.com/explosion/spacy-models/releases/download/en_core_web_sm-3.8.0/en_core_web_sm-3.8.0-py3-none-any.whl",
      source_sha256: SM_SHA256,
      access_point_arn: `\${${key(s, "aws_efs_access_point", "store_access-point")}.arn}`,
    });
  });

  test("triggers follow the model: a new version or source changes them, keepVersions only the input", () => {
    const base = one(s, "aws_lambda_invocation");
    const newer = one(
      synth({
        model: {
          name: "en_core_web_sm",
          version: "3.8.1",
          source: ModelSource.spacyRelease("en_core_web_sm", "3.8.1", OTHER_SHA256),
        },
      }),
      "aws_lambda_invocation",
    );
    expect(newer.triggers.source_sha256).toBe(OTHER_SHA256);
    expect(newer.triggers.model_version).toBe("3.8.1");
    expect(newer.triggers.source_location).toContain("en_core_web_sm-3.8.1/en_core_web_sm-3.8.1-py3-none-any.whl");
    const mirror = one(
      synth({
        model: {
          name: "en_core_web_sm",
          version: "3.8.0",
          source: ModelSource.indexUrl("https://pypi.internal.example/simple", SM_SHA256),
        },
      }),
      "aws_lambda_invocation",
    );
    expect(mirror.triggers.source_kind).toBe("index_url");
    expect(JSON.parse(mirror.input).source).toEqual({
      kind: "index_url",
      location: "https://pypi.internal.example/simple",
      sha256: SM_SHA256,
    });
    const keep = one(synth({ keepVersions: 1 }), "aws_lambda_invocation");
    expect(keep.triggers).toEqual(base.triggers);
    expect(JSON.parse(keep.input).keep_versions).toBe(1);
  });

  test("exposes the model, the invocation, its result and the function's identifiers", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "t");
    new AwsProvider(stack, "aws", { region: "eu-west-1" });
    const store = new TestModelStore(stack, "store", { vpcId: VPC, subnetIds: SUBNETS });
    const sync = new ModelSync(stack, "sync", {
      vpcId: VPC,
      subnetIds: SUBNETS,
      modelStore: store,
      model: SM,
      layerArns: [LAYER],
    });
    for (const [name, value] of Object.entries({
      result: sync.result,
      functionName: sync.functionName,
      functionArn: sync.functionArn,
      roleArn: sync.roleArn,
      securityGroupId: sync.securityGroupId,
      logGroupName: sync.logGroupName,
    })) {
      new TerraformOutput(stack, name, { value });
    }
    const out: Record<string, { value: string }> = JSON.parse(Testing.synth(stack)).output;
    expect(out.result.value).toMatch(/^\$\{aws_lambda_invocation\.sync_invocation_\w+\.result\}$/);
    expect(out.functionName.value).toMatch(/^\$\{aws_lambda_function\.sync_function_\w+\.function_name\}$/);
    expect(out.functionArn.value).toMatch(/^\$\{aws_lambda_function\.sync_function_\w+\.arn\}$/);
    expect(out.roleArn.value).toMatch(/^\$\{aws_iam_role\.sync_function_role_\w+\.arn\}$/);
    expect(out.securityGroupId.value).toMatch(/^\$\{aws_security_group\.sync_function_security-group_\w+\.id\}$/);
    expect(out.logGroupName.value).toMatch(/^\$\{aws_cloudwatch_log_group\.sync_function_log-group_\w+\.name\}$/);
    expect(sync.invocation).toBeInstanceOf(LambdaInvocation);
    // What a serving function needs to load what this sync installed.
    expect(sync.model).toBe(SM);
    // Default name is the construct id.
    const synthed: Synth = JSON.parse(Testing.synth(stack));
    expect(one(synthed, "aws_lambda_function").function_name).toBe("sync");
  });

  test("the function: code, handler, env, mount, VPC, sizes and the defaults", () => {
    const fn = one(s, "aws_lambda_function");
    expect(fn.function_name).toBe("spacy");
    expect(fn.handler).toBe("model_sync.handler");
    expect(fn.runtime).toBe("python3.12");
    expect(fn.architectures).toEqual(["x86_64"]);
    expect(fn.memory_size).toBe(3008);
    expect(fn.timeout).toBe(900);
    expect(fn.ephemeral_storage).toEqual({ size: 2048 });
    expect(fn.layers).toEqual([LAYER]);
    // What to install is the function's configuration; the invocation only triggers it.
    expect(fn.environment.variables).toEqual({
      MODEL_ROOT: "/mnt/models",
      KEEP_VERSIONS: "2",
      MODEL_NAME: "en_core_web_sm",
      MODEL_VERSION: "3.8.0",
      MODEL_SHA256: SM_SHA256,
      MODEL_SOURCE_KIND: "wheel_url",
      MODEL_SOURCE_LOCATION: ModelSource.spacyReleaseUrl("en_core_web_sm", "3.8.0"),
    });
    expect(fn.file_system_config).toEqual({
      arn: `\${${key(s, "aws_efs_access_point", "store_access-point")}.arn}`,
      local_mount_path: "/mnt/models",
    });
    expect(fn.vpc_config.subnet_ids).toEqual(SUBNETS);
    expect(fn.vpc_config.security_group_ids).toEqual([
      `\${${key(s, "aws_security_group", "sync_function_security-group")}.id}`,
    ]);
    expect(fn.role).toBe(`\${${key(s, "aws_iam_role", "sync_function_role")}.arn}`);
    expect(fn.tags).toEqual({});

    const custom = one(
      synth({
        mountPath: "/mnt/store",
        keepVersions: 5,
        memorySize: 4096,
        timeout: 600,
        ephemeralStorageMb: 512,
        architecture: "arm64",
        runtime: "python3.11",
        tags: { team: "nlp" },
      }),
      "aws_lambda_function",
    );
    expect(custom.environment.variables).toMatchObject({ MODEL_ROOT: "/mnt/store", KEEP_VERSIONS: "5" });
    expect(custom.file_system_config.local_mount_path).toBe("/mnt/store");
    expect([custom.memory_size, custom.timeout, custom.ephemeral_storage.size]).toEqual([4096, 600, 512]);
    expect(custom.architectures).toEqual(["arm64"]);
    expect(custom.runtime).toBe("python3.11");
    expect(custom.tags).toEqual({ team: "nlp" });
  });

  test("security group: no ingress, egress exactly NFS to the store and HTTPS out", () => {
    const sg =
      s.resource.aws_security_group[key(s, "aws_security_group", "sync_function_security-group").split(".")[1]];
    expect(sg.name).toBe("spacy-lambda");
    expect(sg.vpc_id).toBe(VPC);
    expect(sg.ingress).toBeUndefined();
    expect(sg.egress).toBeUndefined();
    expect(s.resource.aws_security_group_rule).toBeUndefined();
    const syncSg = `\${${key(s, "aws_security_group", "sync_function_security-group")}.id}`;
    const storeSg = `\${${key(s, "aws_security_group", "store_security-group")}.id}`;
    const egress = values(s, "aws_vpc_security_group_egress_rule");
    expect(
      egress
        .map(({ security_group_id, ip_protocol, from_port, to_port, referenced_security_group_id, cidr_ipv4 }) => ({
          security_group_id,
          ip_protocol,
          from_port,
          to_port,
          referenced_security_group_id,
          cidr_ipv4,
        }))
        .sort((a, b) => a.from_port - b.from_port),
    ).toEqual([
      {
        security_group_id: syncSg,
        ip_protocol: "tcp",
        from_port: 443,
        to_port: 443,
        referenced_security_group_id: undefined,
        cidr_ipv4: "0.0.0.0/0",
      },
      {
        security_group_id: syncSg,
        ip_protocol: "tcp",
        from_port: 2049,
        to_port: 2049,
        referenced_security_group_id: storeSg,
        cidr_ipv4: undefined,
      },
    ]);
    // The store admits NFS from the sync's group, and from nothing else.
    const ingress = values(s, "aws_vpc_security_group_ingress_rule");
    expect(ingress).toHaveLength(1);
    expect(ingress[0]).toMatchObject({
      security_group_id: storeSg,
      referenced_security_group_id: syncSg,
      ip_protocol: "tcp",
      from_port: 2049,
      to_port: 2049,
    });
  });

  test("the role carries the permissions boundary it is given, and none by default", () => {
    expect(one(s, "aws_iam_role").permissions_boundary).toBeUndefined();
    const boundary = "arn:aws:iam::123456789012:policy/workload-boundary";
    expect(one(synth({ permissionsBoundary: boundary }), "aws_iam_role").permissions_boundary).toBe(boundary);
  });

  test("role: Lambda trust, VPC access, and read-write mount scoped to the file system and access point", () => {
    const role = one(s, "aws_iam_role");
    expect(role.name).toBe("spacy-role");
    expect(JSON.parse(role.assume_role_policy)).toEqual({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
    });
    expect(role.managed_policy_arns).toBeUndefined();
    // No AWS-managed policy: VPC access and logs come from the inline execution policy (VpcPythonFunction).
    expect(s.resource.aws_iam_role_policy_attachment).toBeUndefined();
    const policies = values(s, "aws_iam_role_policy");
    expect(policies).toHaveLength(2);
    const execution = policies.find((p) => p.name === "spacy-execution");
    expect(JSON.parse(execution.policy).Statement.map((st: { Sid: string }) => st.Sid)).toEqual([
      "WriteOwnLogs",
      "ManageVpcNetworkInterfaces",
      "DescribeVpcNetworking",
      "DenyNetworkInterfaceCallsFromFunctionCode",
    ]);
    expect(execution.policy).toContain(':function:spacy"');

    const grant = policies.find((p) => p !== execution);
    expect(grant.role).toBe(`\${${key(s, "aws_iam_role", "sync_function_role")}.name}`);
    const policy = JSON.parse(grant.policy);
    expect(policy.Statement).toEqual([
      {
        Sid: "MountModelStoreReadWrite",
        Effect: "Allow",
        Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
        Resource: `\${${key(s, "aws_efs_file_system", "store_file-system")}.arn}`,
        Condition: {
          StringEquals: {
            "elasticfilesystem:AccessPointArn": `\${${key(s, "aws_efs_access_point", "store_access-point")}.arn}`,
          },
        },
      },
    ]);
    // No wildcard actions anywhere in the policies this stack writes.
    const actions = [...policies, role].flatMap((r) =>
      JSON.parse(r.policy ?? r.assume_role_policy).Statement.flatMap((st: { Action: string | string[] }) => st.Action),
    );
    expect(actions.some((a: string) => a.includes("*"))).toBe(false);
  });

  test("log group with retention, created before the function", () => {
    const logGroup = one(s, "aws_cloudwatch_log_group");
    expect(logGroup.name).toBe("/aws/lambda/spacy");
    expect(logGroup.retention_in_days).toBe(30);
    expect(one(synth({ logRetentionDays: 7 }), "aws_cloudwatch_log_group").retention_in_days).toBe(7);
  });

  test("dependsOn: the function waits for mount targets, logs, VPC access; the invocation for egress, grants", () => {
    const fn = one(s, "aws_lambda_function");
    const mountTargets = Object.keys(s.resource.aws_efs_mount_target).map((k) => `aws_efs_mount_target.${k}`);
    expect(mountTargets).toHaveLength(2);
    expect(fn.depends_on).toEqual(
      expect.arrayContaining([
        ...mountTargets,
        key(s, "aws_cloudwatch_log_group", "sync_function_log-group"),
        key(s, "aws_iam_role_policy", "sync_function_execution-policy"),
      ]),
    );
    const inv = one(s, "aws_lambda_invocation");
    expect(inv.depends_on).toEqual(
      expect.arrayContaining([
        key(s, "aws_route", "nat-route"),
        ...mountTargets,
        key(s, "aws_lambda_function", "sync_function"),
        key(s, "aws_vpc_security_group_egress_rule", "sync_function_nfs-to-model-store"),
        key(s, "aws_vpc_security_group_egress_rule", "sync_https-to-internet"),
        key(s, "aws_vpc_security_group_ingress_rule", "store_nfs-from"),
        key(s, "aws_iam_role_policy", "store_grant"),
      ]),
    );
    expect(inv.depends_on).toHaveLength(8);
    const noEgress = one(synth({}, false), "aws_lambda_invocation");
    expect(noEgress.depends_on.some((d: string) => d.startsWith("aws_route."))).toBe(false);
  });

  test("the code is packaged from runtime/src under a machine-independent hash", () => {
    expect(MODEL_SYNC_CODE_DIR).toBe(path.resolve(__dirname, "../runtime/src"));
    const fn = one(s, "aws_lambda_function");
    expect(fn.source_code_hash).toBe(sourceHash(MODEL_SYNC_CODE_DIR));
    expect(fn.filename).toMatch(new RegExp(`^assets/sync_function_code_\\w+/${fn.source_code_hash}/archive\\.zip$`));
  });

  test("a real synth writes the handler's zip where the function's filename points", () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "model-sync-synth-"));
    try {
      const app = new App({ outdir });
      const stack = new TerraformStack(app, "test");
      new AwsProvider(stack, "aws", { region: "eu-west-1" });
      const store = new TestModelStore(stack, "store", { vpcId: VPC, subnetIds: SUBNETS });
      new ModelSync(stack, "sync", {
        vpcId: VPC,
        subnetIds: SUBNETS,
        modelStore: store,
        model: SM,
        layerArns: [LAYER],
      });
      app.synth();
      const stackDir = path.join(outdir, "stacks", "test");
      const config = JSON.parse(fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8"));
      const fn: any = Object.values(config.resource.aws_lambda_function)[0];
      const zip = fs.readFileSync(path.join(stackDir, fn.filename));
      expect(zip.subarray(0, 2).toString()).toBe("PK");
      // Entry names are stored in clear in a zip: the handler module sits at the archive root.
      expect(zip.includes(Buffer.from("model_sync.py"))).toBe(true);
      expect(zip.includes(Buffer.from("src/model_sync.py"))).toBe(false);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe("ModelSync with a private wheel in S3", () => {
  const source = ModelSource.s3("acme-models", "models/en_acme_ner-1.2.0-py3-none-any.whl", OTHER_SHA256);
  const s = synth({ model: { name: "en_acme_ner", version: "1.2.0", source } }, false);

  test("the function is configured with bucket, key and hash, and the invocation repeats them", () => {
    const fn = one(s, "aws_lambda_function");
    expect(fn.environment.variables).toEqual({
      MODEL_ROOT: "/mnt/models",
      KEEP_VERSIONS: "2",
      MODEL_NAME: "en_acme_ner",
      MODEL_VERSION: "1.2.0",
      MODEL_SHA256: OTHER_SHA256,
      MODEL_SOURCE_KIND: "s3",
      MODEL_SOURCE_BUCKET: "acme-models",
      MODEL_SOURCE_KEY: "models/en_acme_ner-1.2.0-py3-none-any.whl",
    });
    // With the URL source's MODEL_SOURCE_LOCATION, the two sources set exactly the contract's `construct` list.
    const url = one(synth(), "aws_lambda_function").environment.variables;
    expect([...new Set([...Object.keys(fn.environment.variables), ...Object.keys(url)])].sort()).toEqual(
      [...MODEL_SYNC_ENVIRONMENT_VARIABLES.construct].sort(),
    );
    const inv = one(s, "aws_lambda_invocation");
    expect(JSON.parse(inv.input).source).toEqual(source);
    expect(inv.triggers.source_location).toBe("s3://acme-models/models/en_acme_ner-1.2.0-py3-none-any.whl");
    expect(inv.triggers.source_sha256).toBe(OTHER_SHA256);
  });

  test("the role may read that one object and nothing else, before the sync runs", () => {
    const policies = values(s, "aws_iam_role_policy");
    const read = policies.filter((p) => p.name === "read-model-wheel");
    expect(read).toHaveLength(1);
    expect(read[0].role).toBe(`\${${key(s, "aws_iam_role", "sync_function_role")}.name}`);
    expect(JSON.parse(read[0].policy).Statement).toEqual([
      {
        Sid: "ReadThePinnedModelWheel",
        Effect: "Allow",
        Action: "s3:GetObject",
        Resource: expect.stringMatching(
          /^arn:\$\{data\.aws_partition\.\w+\.partition\}:s3:::acme-models\/models\/en_acme_ner-1\.2\.0-py3-none-any\.whl$/,
        ),
      },
    ]);
    expect(one(s, "aws_lambda_invocation").depends_on).toContain(key(s, "aws_iam_role_policy", "read-model-wheel"));
  });

  test("the HTTPS rule says where the traffic goes", () => {
    const rules = values(s, "aws_vpc_security_group_egress_rule").filter((r) => r.from_port === 443);
    expect(rules.map((r) => r.description)).toEqual(["HTTPS for pip to S3 through the VPC's S3 gateway endpoint"]);
  });

  test("with the S3 prefix list, HTTPS goes to S3 alone; a URL source still needs any address", () => {
    const prefixList = "pl-6da54004";
    const narrowed = synth(
      { model: { name: "en_acme_ner", version: "1.2.0", source }, s3PrefixListId: prefixList },
      false,
    );
    const https = values(narrowed, "aws_vpc_security_group_egress_rule").filter((r) => r.from_port === 443);
    expect(https).toHaveLength(1);
    expect(https[0].prefix_list_id).toBe(prefixList);
    expect(https[0].cidr_ipv4).toBeUndefined();
    expect(one(narrowed, "aws_lambda_invocation").depends_on).toContain(
      key(narrowed, "aws_vpc_security_group_egress_rule", "sync_https-to-s3"),
    );
    const wheel = values(synth({ s3PrefixListId: prefixList }), "aws_vpc_security_group_egress_rule").filter(
      (r) => r.from_port === 443,
    );
    expect(wheel.map((r) => [r.cidr_ipv4, r.prefix_list_id])).toEqual([["0.0.0.0/0", undefined]]);
  });

  test("a URL source gets no S3 permission", () => {
    const urlSynth = synth();
    expect(values(urlSynth, "aws_iam_role_policy").filter((p) => p.name === "read-model-wheel")).toEqual([]);
  });
});
