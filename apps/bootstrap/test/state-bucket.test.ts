import * as path from "path";
import { Testing, type TerraformStack } from "cdktf";
import { buildBootstrapApp } from "../src/app";
import { bootstrap } from "../src/config";
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
      apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms" },
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

  test("TLS only: every S3 action is denied without it", () => {
    const [statement] = JSON.parse(only(s, "aws_s3_bucket_policy").policy).Statement;
    expect(statement).toMatchObject({
      Effect: "Deny",
      Action: "s3:*",
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
    expect(statement.Resource).toHaveLength(2);
  });

  test("acts only in the configured account; its own state is local; example values draw a warning", () => {
    expect(s.provider.aws[0].allowed_account_ids).toEqual(bootstrap.allowedAccountIds);
    expect(s.terraform.backend).toEqual({ local: { path: "../../../terraform.bootstrap.tfstate" } });
    const warnings = stack.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => String(m.data));
    expect(warnings).toEqual([
      expect.stringContaining('bucket "example-replace-me-serverless-spacy-tfstate" is the checked-in example'),
      expect.stringContaining('githubRepository "example-org/serverless-spacy" is the checked-in example'),
    ]);
    const own = synth(
      {},
      { ...bootstrap, bucket: "acme-tfstate", allowedAccountIds: ["123456789012"], githubRepository: "acme/spacy" },
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
