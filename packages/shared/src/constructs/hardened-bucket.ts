import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { assertIntegerInRange, assertMatches, invalid } from "../internal/validation";
import { skipCheckov } from "./checkov";

/** Settings of a HardenedBucket. */
export interface HardenedBucketProps {
  /** Exact, globally unique bucket name; give this or `bucketPrefix`. @default a name from `bucketPrefix` */
  readonly bucketName?: string;
  /** Prefix Terraform completes with a unique suffix (1–37 of a-z 0-9 - .). @default none: `bucketName` is required */
  readonly bucketPrefix?: string;
  /** ARN of a customer-managed KMS key for SSE-KMS (with S3 Bucket Keys). @default SSE-S3 (AES256) */
  readonly kmsKeyArn?: string;
  /** Days a replaced or deleted object version is kept before it expires. @default 30 */
  readonly noncurrentVersionRetentionDays?: number;
  /** Id of the lifecycle rule, naming what it expires (plans show it). @default "expire-noncurrent-versions" */
  readonly lifecycleRuleId?: string;
  /** Let `terraform destroy` delete the bucket with its objects. @default false */
  readonly forceDestroy?: boolean;
  /** Make Terraform refuse any plan that deletes the bucket (for what cannot be rebuilt). @default false */
  readonly preventDestroy?: boolean;
  /**
   * Whether this construct writes the encryption configuration and the TLS-only bucket policy; false when another
   * construct writes both because they must name principals or keys this one cannot know (the state bucket's).
   * @default true
   */
  readonly manageEncryptionAndPolicy?: boolean;
  /** Tags of the bucket. @default none */
  readonly tags?: { [key: string]: string };
}

/**
 * A private S3 bucket with this project's defaults: public access blocked, bucket-owner-enforced ownership,
 * versioned (noncurrent versions expire), encrypted at rest (SSE-S3, or SSE-KMS with `kmsKeyArn`), and a bucket
 * policy that refuses every request not made over TLS. The layer bucket, the batch job's bucket and the
 * Terraform state bucket are all one.
 *
 * The bucket itself is this construct's `Default` child, and its settings are created beside it as
 * `<id>-public-access-block`, `<id>-ownership`, `<id>-encryption`, `<id>-versioning`, `<id>-lifecycle` and
 * `<id>-policy`: exactly the addresses the three buckets had before they shared this construct, so existing
 * buckets are not replaced (a replaced versioning resource could leave versioning suspended).
 */
export class HardenedBucket extends Construct {
  /** The bucket. */
  public readonly bucket: S3Bucket;
  /** Name of the bucket. */
  public readonly bucketName: string;
  /** ARN of the bucket. */
  public readonly bucketArn: string;
  /** The public access block; a bucket policy written elsewhere must wait for it (S3 refuses it meanwhile). */
  public readonly publicAccessBlock: S3BucketPublicAccessBlock;
  /** The bucket's settings (access block, ownership, versioning, lifecycle, encryption, policy); objects wait. */
  public readonly settings: ITerraformDependable[];

  public constructor(scope: Construct, id: string, props: HardenedBucketProps) {
    super(scope, id);
    validate(this.node.path, props);
    const manage = props.manageEncryptionAndPolicy ?? true;
    const bucket = new S3Bucket(this, "Default", {
      bucket: props.bucketName,
      bucketPrefix: props.bucketPrefix,
      forceDestroy: props.forceDestroy ?? false,
      tags: props.tags,
      lifecycle: props.preventDestroy ? { preventDestroy: true } : undefined,
    });
    if (manage && !props.kmsKeyArn) {
      skipCheckov(
        bucket,
        "CKV_AWS_145",
        "Encrypted at rest by default with SSE-S3 (AES256), TLS-only by bucket policy; pass kmsKeyArn for a " +
          "customer-managed key.",
      );
    }
    const sibling = (name: string) => `${id}-${name}`;
    this.publicAccessBlock = new S3BucketPublicAccessBlock(scope, sibling("public-access-block"), {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    const ownership = new S3BucketOwnershipControls(scope, sibling("ownership"), {
      bucket: bucket.id,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });
    const versioning = new S3BucketVersioningA(scope, sibling("versioning"), {
      bucket: bucket.id,
      versioningConfiguration: { status: "Enabled" },
    });
    const lifecycle = new S3BucketLifecycleConfiguration(scope, sibling("lifecycle"), {
      bucket: bucket.id,
      rule: [
        {
          id: props.lifecycleRuleId ?? "expire-noncurrent-versions",
          status: "Enabled",
          filter: [{ prefix: "" }],
          noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionRetentionDays ?? 30 }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
      dependsOn: [versioning],
    });
    this.settings = [this.publicAccessBlock, ownership, versioning, lifecycle];
    if (manage) {
      const encryption = new S3BucketServerSideEncryptionConfigurationA(scope, sibling("encryption"), {
        bucket: bucket.id,
        rule: [
          {
            applyServerSideEncryptionByDefault: props.kmsKeyArn
              ? { sseAlgorithm: "aws:kms", kmsMasterKeyId: props.kmsKeyArn }
              : { sseAlgorithm: "AES256" },
            // S3 Bucket Keys cut the KMS requests of large and multipart uploads.
            bucketKeyEnabled: props.kmsKeyArn ? true : undefined,
          },
        ],
      });
      const policy = new S3BucketPolicy(scope, sibling("policy"), {
        bucket: bucket.id,
        policy: JSON.stringify(tlsOnlyPolicy(bucket.arn)),
        // S3 rejects a bucket policy put while the public access block is still being applied.
        dependsOn: [this.publicAccessBlock],
      });
      this.settings.push(encryption, policy);
    }
    this.bucket = bucket;
    this.bucketName = bucket.bucket;
    this.bucketArn = bucket.arn;
  }
}

function tlsOnlyPolicy(bucketArn: string) {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: { AWS: "*" },
        // Every S3 action, not a list: a list misses actions added later (AWS FSBP S3.5).
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  };
}

function validate(path: string, props: HardenedBucketProps): void {
  if ((props.bucketName === undefined) === (props.bucketPrefix === undefined)) {
    invalid(path, "bucketName / bucketPrefix", "exactly one of the two", props.bucketName ?? props.bucketPrefix);
  }
  assertMatches(
    path,
    "bucketName",
    props.bucketName,
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
    "3–63 of a-z 0-9 . - starting and ending with a letter or digit",
  );
  assertMatches(path, "bucketPrefix", props.bucketPrefix, /^[a-z0-9][a-z0-9.-]{0,36}$/, "1–37 of a-z 0-9 . -");
  assertIntegerInRange(path, "noncurrentVersionRetentionDays", props.noncurrentVersionRetentionDays, 1, 36500, "days");
}
