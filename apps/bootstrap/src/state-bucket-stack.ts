import { Annotations, Aspects, LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import type { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { HardenedBucket } from "@serverless-spacy/shared";
import {
  EXAMPLE_STATE_BUCKET,
  EmulatorGaps,
  emulatorProviderSettings,
  skipCheckov,
} from "@serverless-spacy/environments";
import type { BootstrapConfig } from "./config";

export interface StateBucketStackOptions {
  /** Loopback URL of an AWS emulator; set only by tests. @default real AWS */
  readonly emulatorEndpoint?: string;
}

/**
 * The bucket every environment keeps its Terraform state in: versioned (a bad apply or a deleted state can
 * be rolled back), private (public access blocked, bucket-owner-enforced), and locked per state file with
 * S3-native lockfiles (`use_lockfile`, no DynamoDB table). Its own state is local: it is the one stack that
 * cannot keep state in the bucket it creates before it exists. Its customer-managed key, TLS-only and
 * principal-restricted policy are added by StateAccess (state-access.ts), which names the CI roles.
 */
export class StateBucketStack extends TerraformStack {
  /** Name of the bucket. */
  public readonly bucketName: string;
  /** The bucket; its encryption and policy are StateAccess's (they name the CI roles). */
  public readonly bucket: S3Bucket;
  /** The bucket's public access block, which its policy waits for. */
  public readonly publicAccessBlock: S3BucketPublicAccessBlock;

  constructor(scope: Construct, id: string, config: BootstrapConfig, options: StateBucketStackOptions = {}) {
    super(scope, id);
    const emulated = options.emulatorEndpoint !== undefined;
    new AwsProvider(this, "aws", {
      region: config.region,
      allowedAccountIds: emulated ? undefined : config.allowedAccountIds,
      defaultTags: [{ tags: { Project: "serverless-spacy", Environment: "bootstrap", ManagedBy: "cdktf" } }],
      ...(emulated ? emulatorProviderSettings(options.emulatorEndpoint!) : {}),
    });
    // Relative to cdktf.out/stacks/bootstrap: apps/bootstrap/terraform.bootstrap.tfstate, outside the
    // synth output, so that cleaning cdktf.out never deletes the only record of the bucket.
    new LocalBackend(this, { path: "../../../terraform.bootstrap.tfstate" });
    if (emulated) {
      Aspects.of(this).add(new EmulatorGaps());
    } else if (config.bucket === EXAMPLE_STATE_BUCKET) {
      Annotations.of(this).addWarning(
        `bucket "${config.bucket}" is the checked-in example: set your own bucket name and account id in ` +
          `apps/bootstrap/src/config.ts ` +
          "(and the same bucket as backend.bucket in apps/environments/src/config/environments.ts)",
      );
    }

    // Its encryption and policy are StateAccess's: they name the key and the principals.
    const state = new HardenedBucket(this, "state", {
      bucketName: config.bucket,
      // State is the one thing here that cannot be rebuilt: Terraform refuses to plan its deletion.
      preventDestroy: true,
      lifecycleRuleId: "expire-old-state-versions",
      noncurrentVersionRetentionDays: config.noncurrentVersionRetentionDays,
      manageEncryptionAndPolicy: false,
    });
    const bucket = state.bucket;
    const publicAccessBlock = state.publicAccessBlock;
    skipCheckov(
      bucket,
      "CKV_AWS_18",
      "Server access logs would need a second bucket with no one to log to; CloudTrail records who reads and " +
        "writes state, and versioning keeps every write.",
    );
    skipCheckov(
      bucket,
      "CKV_AWS_144",
      "Versioning protects against bad applies and deletes; a replica in a second region doubles cost for a " +
        "regional outage during which the environments in that region cannot be changed anyway.",
    );
    skipCheckov(
      bucket,
      "CKV2_AWS_62",
      "Nothing consumes events from the state bucket; Terraform reads and writes it directly.",
    );
    this.bucket = bucket;
    this.publicAccessBlock = publicAccessBlock;
    this.bucketName = bucket.bucket;
    new TerraformOutput(this, "state_bucket", {
      value: bucket.bucket,
      description: "backend.bucket for every environment in apps/environments/src/config/environments.ts",
    });
  }
}
