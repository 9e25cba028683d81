import { Fn, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsIamSessionContext } from "@cdktf/provider-aws/lib/data-aws-iam-session-context";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { type S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { STATE_KEY_ALIAS } from "@serverless-spacy/environments";

/**
 * Key administration, for the account root and the configured administrators only. Neither ScheduleKeyDeletion
 * nor DisableKey is here: either would make every environment's state unreadable, so doing it takes a
 * deliberate key-policy change first.
 */
export const STATE_KEY_ADMIN_ACTIONS = [
  "kms:CreateAlias",
  "kms:DeleteAlias",
  "kms:DescribeKey",
  "kms:EnableKeyRotation",
  "kms:GetKeyPolicy",
  "kms:GetKeyRotationStatus",
  "kms:ListAliases",
  "kms:ListResourceTags",
  "kms:PutKeyPolicy",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:UpdateAlias",
  "kms:UpdateKeyDescription",
];

/** What S3 asks KMS for on behalf of a reader (Decrypt) and a writer (GenerateDataKey) of SSE-KMS objects. */
export const STATE_KEY_USE_ACTIONS = ["kms:Decrypt", "kms:GenerateDataKey"];

export interface StateAccessProps {
  /** The state bucket. */
  readonly bucket: S3Bucket;
  /** Region of the bucket (the key is used only through S3 there). */
  readonly region: string;
  /** IAM role or user ARNs that administer the bucket and the key, and may run the bootstrap. */
  readonly administrators: string[];
  /** ARNs of the CI roles (plan and deploy of each environment); they use the key only through S3. */
  readonly ciRoleArns: string[];
  /** Resources the bucket policy waits for (the public access block). */
  readonly dependsOn: ITerraformDependable[];
}

/**
 * Who may touch state, enforced by the bucket and the key: only the account root, the configured administrators
 * and the CI roles (by aws:PrincipalArn), over TLS, with objects encrypted by a customer-managed key (rotated
 * yearly) that those principals can use only through S3 for this bucket. A bootstrap run by anyone else stops at
 * plan (precondition), before its bucket policy could lock it out.
 */
export class StateAccess extends Construct {
  /** ARN of the state key. */
  public readonly keyArn: string;

  constructor(scope: Construct, id: string, props: StateAccessProps) {
    super(scope, id);
    const partition = new DataAwsPartition(this, "partition").partition;
    const caller = new DataAwsCallerIdentity(this, "caller");
    const root = `arn:${partition}:iam::${caller.accountId}:root`;
    const people = [root, ...props.administrators];
    const bucketArn = props.bucket.arn;
    const throughS3ForThisBucket = {
      StringEquals: { "kms:ViaService": `s3.${props.region}.amazonaws.com`, "kms:CallerAccount": caller.accountId },
      // The bucket ARN with S3 Bucket Keys on, an object ARN without.
      StringLike: { "kms:EncryptionContext:aws:s3:arn": [bucketArn, `${bucketArn}/*`] },
    };

    const key = new KmsKey(this, "key", {
      description: `Terraform state in ${props.bucket.bucket}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      // Deleting the key would make all state unreadable.
      lifecycle: { preventDestroy: true },
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "AdministerKeyRootAndAdministratorsOnly",
            Effect: "Allow",
            Principal: { AWS: root },
            Action: STATE_KEY_ADMIN_ACTIONS,
            Resource: "*",
            Condition: { ArnEquals: { "aws:PrincipalArn": people } },
          },
          {
            Sid: "StateThroughS3RootAndAdministrators",
            Effect: "Allow",
            Principal: { AWS: root },
            Action: STATE_KEY_USE_ACTIONS,
            Resource: "*",
            Condition: { ...throughS3ForThisBucket, ArnEquals: { "aws:PrincipalArn": people } },
          },
          ...(props.ciRoleArns.length > 0
            ? [
                {
                  // Named as principals, so the roles need no KMS permission of their own.
                  Sid: "StateThroughS3CiRoles",
                  Effect: "Allow",
                  Principal: { AWS: props.ciRoleArns },
                  Action: STATE_KEY_USE_ACTIONS,
                  Resource: "*",
                  Condition: throughS3ForThisBucket,
                },
              ]
            : []),
        ],
      }),
    });
    new KmsAlias(this, "alias", { name: STATE_KEY_ALIAS, targetKeyId: key.keyId });
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket: props.bucket.id,
      rule: [
        {
          applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn },
          bucketKeyEnabled: true,
        },
      ],
    });

    const session = new DataAwsIamSessionContext(this, "session", { arn: caller.arn });
    const everyone = [...people, ...props.ciRoleArns];
    const objects = `${bucketArn}/*`;
    new S3BucketPolicy(this, "policy", {
      bucket: props.bucket.id,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: { AWS: "*" },
            Action: "s3:*",
            Resource: [bucketArn, objects],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
          {
            Sid: "DenyAllButRootAdministratorsAndCiRoles",
            Effect: "Deny",
            Principal: { AWS: "*" },
            Action: "s3:*",
            Resource: [bucketArn, objects],
            Condition: { ArnNotEquals: { "aws:PrincipalArn": everyone } },
          },
          {
            // State is written under the state key (the bucket default, or the alias the backends name), never SSE-S3.
            Sid: "DenyWritesWithoutKms",
            Effect: "Deny",
            Principal: { AWS: "*" },
            Action: "s3:PutObject",
            Resource: objects,
            Condition: { StringNotEqualsIfExists: { "s3:x-amz-server-side-encryption": "aws:kms" } },
          },
        ],
      }),
      dependsOn: props.dependsOn,
      lifecycle: {
        precondition: [
          {
            condition: Fn.contains(people, session.issuerArn),
            errorMessage:
              "the bootstrap runs as a principal that is not the account root or in stateAdministrators " +
              "(apps/bootstrap/src/config.ts); its bucket policy would lock that principal out of the state bucket. " +
              "Add the role (its IAM role ARN, not the assumed-role session) to stateAdministrators.",
          },
        ],
      },
    });
    this.keyArn = key.arn;
  }
}
