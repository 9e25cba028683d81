import * as path from "path";
import { Testing, type TerraformStack } from "cdktf";
import { buildBootstrapApp } from "../src/app";
import { bootstrap } from "../src/config";
import { STATE_KEY_ADMIN_ACTIONS, STATE_KEY_USE_ACTIONS } from "../src/state-access";
import { environments, type EnvironmentConfigInput } from "@serverless-spacy/environments";

type Synth = Record<string, any>;
const outdir = path.resolve(__dirname, "../cdktf.out");
const only = (s: Synth, type: string) => {
  const all = Object.values(s.resource[type] ?? {});
  expect(all).toHaveLength(1);
  return all[0] as any;
};

function synth(
  env: NodeJS.ProcessEnv = {},
  config = bootstrap,
  environmentConfigs: Record<string, EnvironmentConfigInput> = environments,
): { s: Synth; stack: TerraformStack } {
  const app = buildBootstrapApp({ env, outdir, config, environments: environmentConfigs });
  const stack = app.node.children[0] as TerraformStack;
  return { s: JSON.parse(Testing.synth(stack)), stack };
}

describe("state bucket", () => {
  const { s, stack } = synth();

  test("is the configured bucket, kept from destruction", () => {
    expect(stack.node.id).toBe("bootstrap");
    expect(only(s, "aws_s3_bucket")).toMatchObject({ bucket: bootstrap.bucket, lifecycle: { prevent_destroy: true } });
    expect(s.output.state_bucket.value).toMatch(/^\$\{aws_s3_bucket\./);
  });

  test("versioned, KMS-encrypted, private, owner-enforced, old versions expire", () => {
    expect(only(s, "aws_s3_bucket_versioning").versioning_configuration.status).toBe("Enabled");
    expect(only(s, "aws_s3_bucket_server_side_encryption_configuration").rule[0]).toEqual({
      apply_server_side_encryption_by_default: {
        sse_algorithm: "aws:kms",
        kms_master_key_id: expect.stringMatching(/^\$\{aws_kms_key\.state-access_key_\w+\.arn\}$/),
      },
      bucket_key_enabled: true,
    });
    expect(only(s, "aws_s3_bucket_public_access_block")).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(only(s, "aws_s3_bucket_ownership_controls").rule.object_ownership).toBe("BucketOwnerEnforced");
    expect(only(s, "aws_s3_bucket_lifecycle_configuration").rule[0].noncurrent_version_expiration).toEqual([
      { noncurrent_days: 90 },
    ]);
  });

  const bucketPolicy = () => JSON.parse(only(s, "aws_s3_bucket_policy").policy).Statement;
  const ciRoleArns = () =>
    Object.keys(s.resource.aws_iam_role)
      .map((id) => `\${aws_iam_role.${id}.arn}`)
      .sort();
  const root = expect.stringMatching(
    /^arn:\$\{data\.aws_partition\.\S+\.partition\}:iam::\$\{data\.aws_caller_identity\.\S+\.account_id\}:root$/,
  );

  test("TLS only: every S3 action is denied without it", () => {
    const [statement] = bucketPolicy();
    expect(statement).toMatchObject({
      Effect: "Deny",
      Action: "s3:*",
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
    expect(statement.Resource).toHaveLength(2);
  });

  test("only the account root, the state administrators and the CI roles reach the bucket", () => {
    // Two roles (plan, deploy) per environment the pipeline deploys here: dev, staging, prod.
    expect(ciRoleArns()).toHaveLength(6);
    const deny = bucketPolicy().find((st: any) => st.Sid === "DenyAllButRootAdministratorsAndCiRoles");
    expect(deny).toMatchObject({ Effect: "Deny", Principal: { AWS: "*" }, Action: "s3:*" });
    expect(deny.Resource).toHaveLength(2);
    expect(Object.keys(deny.Condition)).toEqual(["ArnNotEquals"]);
    const allowed = deny.Condition.ArnNotEquals["aws:PrincipalArn"];
    expect(allowed.slice(0, 1 + bootstrap.stateAdministrators.length)).toEqual([
      root,
      ...bootstrap.stateAdministrators,
    ]);
    expect([...allowed].slice(1 + bootstrap.stateAdministrators.length).sort()).toEqual(ciRoleArns());
    // No wildcard principal can slip through the ArnNotEquals list.
    expect(allowed.some((a: string) => a.includes("*"))).toBe(false);
  });

  test("state is written only under KMS, never SSE-S3", () => {
    const deny = bucketPolicy().find((st: any) => st.Sid === "DenyWritesWithoutKms");
    expect(deny).toMatchObject({
      Effect: "Deny",
      Action: "s3:PutObject",
      Condition: { StringNotEqualsIfExists: { "s3:x-amz-server-side-encryption": "aws:kms" } },
    });
  });

  test("the bootstrap refuses to plan as a principal its policy would lock out", () => {
    const [precondition] = only(s, "aws_s3_bucket_policy").lifecycle.precondition;
    expect(precondition.condition).toMatch(
      /^\$\{contains\(\[.*:root", "arn:aws:iam::111111111111:role\/example-replace-me-administrator"\], data\.aws_iam_session_context\.\S+\.issuer_arn\)\}$/,
    );
    expect(precondition.error_message).toContain("stateAdministrators");
  });

  describe("customer-managed state key", () => {
    const key = only(s, "aws_kms_key");
    const statements = JSON.parse(key.policy).Statement;

    test("rotation on, kept from destruction, aliased for the backends", () => {
      expect(key).toMatchObject({
        enable_key_rotation: true,
        deletion_window_in_days: 30,
        lifecycle: { prevent_destroy: true },
      });
      expect(only(s, "aws_kms_alias").name).toBe("alias/serverless-spacy-tfstate");
    });

    test("key policy: administration for root and administrators only, use only through S3 for this bucket", () => {
      expect(statements.every((st: any) => st.Effect === "Allow")).toBe(true);
      const actions = statements.flatMap((st: any) => st.Action);
      expect(actions.some((a: string) => a.includes("*"))).toBe(false);
      // Deleting or disabling the key would make every state unreadable: nobody may, without a policy change first.
      expect(actions).not.toContain("kms:ScheduleKeyDeletion");
      expect(actions).not.toContain("kms:DisableKey");
      for (const st of statements) {
        if (typeof st.Principal.AWS === "string") {
          // The account root principal, narrowed to root and the administrators by aws:PrincipalArn.
          expect(st.Principal.AWS).toEqual(root);
          expect(st.Condition.ArnEquals["aws:PrincipalArn"]).toEqual([root, ...bootstrap.stateAdministrators]);
        } else {
          expect([...st.Principal.AWS].sort()).toEqual(ciRoleArns());
        }
        const uses = st.Action.filter((a: string) => STATE_KEY_USE_ACTIONS.includes(a));
        if (uses.length > 0) {
          expect(st.Action).toEqual(STATE_KEY_USE_ACTIONS);
          expect(st.Condition.StringEquals["kms:ViaService"]).toBe("s3.eu-west-1.amazonaws.com");
          expect(st.Condition.StringLike["kms:EncryptionContext:aws:s3:arn"]).toEqual([
            expect.stringMatching(/^\$\{aws_s3_bucket\.\S+\.arn\}$/),
            expect.stringMatching(/^\$\{aws_s3_bucket\.\S+\.arn\}\/\*$/),
          ]);
        } else {
          expect(st.Action).toEqual(STATE_KEY_ADMIN_ACTIONS);
        }
      }
      // The CI roles may only use the key, never administer it.
      const ci = statements.filter((st: any) => Array.isArray(st.Principal.AWS));
      expect(ci).toHaveLength(1);
    });
  });

  test("acts only in the configured account; its own state is local; example values draw a warning", () => {
    expect(s.provider.aws[0].allowed_account_ids).toEqual(bootstrap.allowedAccountIds);
    expect(s.terraform.backend).toEqual({ local: { path: "../../../terraform.bootstrap.tfstate" } });
    const warnings = stack.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => String(m.data));
    expect(warnings).toEqual([
      expect.stringContaining('bucket "example-replace-me-serverless-spacy-tfstate" is the checked-in example'),
      expect.stringContaining("stateAdministrators holds the checked-in example"),
      expect.stringContaining('githubRepository "example-org/serverless-spacy" is the checked-in example'),
    ]);
    const own = synth(
      {},
      {
        ...bootstrap,
        bucket: "acme-tfstate",
        allowedAccountIds: ["123456789012"],
        githubRepository: "acme/spacy",
        stateAdministrators: ["arn:aws:iam::123456789012:role/platform-admin"],
      },
      { dev: { ...environments.dev, delivery: { pipeline: false, reason: "not deployed from this account" } } },
    ).stack;
    expect(own.node.metadata.filter((m) => m.type === "@cdktf/warn")).toEqual([]);
  });

  test("the emulator switch points it at the emulator without the account pin", () => {
    const emulated = synth({ SERVERLESS_SPACY_EMULATOR_ENDPOINT: "http://127.0.0.1:5123" }).s;
    expect(emulated.provider.aws[0].allowed_account_ids).toBeUndefined();
    expect(emulated.provider.aws[0].endpoints[0].s3).toBe("http://127.0.0.1:5123");
  });
});
