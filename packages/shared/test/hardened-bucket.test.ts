import { Testing, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { HardenedBucket, type HardenedBucketProps } from "../src";

type Synth = { resource: Record<string, Record<string, any>> };

function stack(): TerraformStack {
  const s = new TerraformStack(Testing.app(), "test");
  new AwsProvider(s, "aws", { region: "eu-west-1" });
  return s;
}

// toTerraform, not Testing.synth: it keeps the "//" comments the checkov skips are written in.
function synth(props: HardenedBucketProps, id = "artifacts"): Synth {
  const s = stack();
  new HardenedBucket(s, id, props);
  return JSON.parse(JSON.stringify(s.toTerraform()));
}

const only = (synthed: Synth, type: string) => {
  const all = Object.values(synthed.resource[type] ?? {});
  expect(all).toHaveLength(1);
  return all[0];
};

describe("HardenedBucket", () => {
  test("private, owner-enforced, versioned with expiry, SSE-S3 and TLS-only by default", () => {
    const s = synth({ bucketPrefix: "search-layer-" });
    expect(only(s, "aws_s3_bucket")).toMatchObject({ bucket_prefix: "search-layer-", force_destroy: false });
    expect(only(s, "aws_s3_bucket").lifecycle).toBeUndefined();
    expect(only(s, "aws_s3_bucket_public_access_block")).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(only(s, "aws_s3_bucket_ownership_controls").rule.object_ownership).toBe("BucketOwnerEnforced");
    expect(only(s, "aws_s3_bucket_versioning").versioning_configuration.status).toBe("Enabled");
    const rule = only(s, "aws_s3_bucket_lifecycle_configuration").rule[0];
    expect(rule).toMatchObject({ id: "expire-noncurrent-versions", status: "Enabled" });
    expect(rule.noncurrent_version_expiration).toEqual([{ noncurrent_days: 30 }]);
    const encryption = only(s, "aws_s3_bucket_server_side_encryption_configuration").rule[0];
    expect(encryption.apply_server_side_encryption_by_default).toEqual({ sse_algorithm: "AES256" });
    const policy = JSON.parse(only(s, "aws_s3_bucket_policy").policy);
    expect(policy.Statement).toEqual([
      expect.objectContaining({
        Effect: "Deny",
        Action: "s3:*",
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      }),
    ]);
    expect(only(s, "aws_s3_bucket_policy").depends_on).toEqual([
      expect.stringMatching(/^aws_s3_bucket_public_access_block\./),
    ]);
    expect(only(s, "aws_s3_bucket")["//"].checkov.skip.CKV_AWS_145).toMatch(/SSE-S3/);
  });

  test("a KMS key turns on SSE-KMS with bucket keys, and drops the SSE-S3 checkov skip", () => {
    const key = "arn:aws:kms:eu-west-1:123456789012:key/0b1f1a2e-0000-4000-8000-000000000000";
    const s = synth({ bucketName: "acme-search-state", kmsKeyArn: key, preventDestroy: true });
    const rule = only(s, "aws_s3_bucket_server_side_encryption_configuration").rule[0];
    expect(rule).toEqual({
      apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: key },
      bucket_key_enabled: true,
    });
    expect(only(s, "aws_s3_bucket")).toMatchObject({
      bucket: "acme-search-state",
      lifecycle: { prevent_destroy: true },
    });
    expect(only(s, "aws_s3_bucket")["//"]?.checkov?.skip?.CKV_AWS_145).toBeUndefined();
  });

  test("encryption and policy can be left to another construct", () => {
    const s = synth({ bucketName: "acme-search-state", manageEncryptionAndPolicy: false });
    expect(s.resource.aws_s3_bucket_server_side_encryption_configuration).toBeUndefined();
    expect(s.resource.aws_s3_bucket_policy).toBeUndefined();
    expect(only(s, "aws_s3_bucket_versioning").versioning_configuration.status).toBe("Enabled");
  });

  test("keeps the addresses a bucket written by hand had: the bucket as <id>, its settings as <id>-…", () => {
    const s = stack();
    new HardenedBucket(s, "artifacts", { bucketPrefix: "a-" });
    const byHand = stack();
    const bucket = new S3Bucket(byHand, "artifacts", { bucketPrefix: "a-" });
    new S3BucketVersioningA(byHand, "artifacts-versioning", {
      bucket: bucket.id,
      versioningConfiguration: { status: "Enabled" },
    });
    const addresses = (t: TerraformStack, type: string) =>
      Object.keys((JSON.parse(Testing.synth(t)) as Synth).resource[type]);
    expect(addresses(s, "aws_s3_bucket")).toEqual(addresses(byHand, "aws_s3_bucket"));
    expect(addresses(s, "aws_s3_bucket_versioning")).toEqual(addresses(byHand, "aws_s3_bucket_versioning"));
  });

  test.each<[string, HardenedBucketProps, string]>([
    ["neither name nor prefix", {}, "bucketName / bucketPrefix must be exactly one of the two, got undefined"],
    [
      "both name and prefix",
      { bucketName: "acme-state", bucketPrefix: "acme-" },
      'bucketName / bucketPrefix must be exactly one of the two, got "acme-state"',
    ],
    ["an upper-case name", { bucketName: "Acme-State" }, "bucketName must be 3–63 of a-z 0-9 . - starting"],
    ["a prefix over 37 characters", { bucketPrefix: "a".repeat(38) }, "bucketPrefix must be 1–37 of a-z 0-9 . -"],
    [
      "a retention of 0 days",
      { bucketPrefix: "a-", noncurrentVersionRetentionDays: 0 },
      "noncurrentVersionRetentionDays must be an integer in 1–36500 (days), got 0",
    ],
  ])("refuses %s, naming the field", (_, props, message) => {
    expect(() => synth(props)).toThrow(`test/artifacts: ${message}`);
  });
});
