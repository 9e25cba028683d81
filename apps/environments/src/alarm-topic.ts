import { Construct } from "constructs";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import type { AlarmSubscription } from "./config/alarms-schema";

export interface AlarmTopicProps {
  /** Name of the topic; also names the key's alias. */
  readonly name: string;
  /** Who is notified: e-mail addresses (each confirms a link AWS sends) and https endpoints. @default [] */
  readonly subscriptions?: AlarmSubscription[];
  /** Days a deleted key stays recoverable (7–30). @default 30 */
  readonly keyDeletionWindowDays?: number;
  /** Tags added to every resource. @default {} */
  readonly tags?: Record<string, string>;
}

/**
 * Actions the account's own administrators keep on the key, spelled out (no `kms:*`): managing and
 * deleting it, and its policy, so the account can never lock itself out of it.
 */
export const KEY_ADMIN_ACTIONS = [
  "kms:DescribeKey",
  "kms:GetKeyPolicy",
  "kms:PutKeyPolicy",
  "kms:GetKeyRotationStatus",
  "kms:EnableKeyRotation",
  "kms:DisableKeyRotation",
  "kms:ListKeyRotations",
  "kms:RotateKeyOnDemand",
  "kms:ListResourceTags",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:UpdateKeyDescription",
  "kms:EnableKey",
  "kms:DisableKey",
  "kms:CreateAlias",
  "kms:DeleteAlias",
  "kms:UpdateAlias",
  "kms:ScheduleKeyDeletion",
  "kms:CancelKeyDeletion",
];

/** What a publisher to an encrypted topic needs on its key. */
export const KEY_PUBLISH_ACTIONS = ["kms:GenerateDataKey", "kms:Decrypt"];

/**
 * The environment's alarm topic: SNS encrypted with its own KMS key (CloudWatch cannot publish to a topic
 * under the AWS-managed SNS key, whose policy cannot name it), a topic policy that admits only this
 * account's CloudWatch alarms and TLS, and the configured subscriptions.
 */
export class AlarmTopic extends Construct {
  /** ARN of the topic, the alarms' alarm and OK action. */
  public readonly topicArn: string;
  /** ARN of the topic's KMS key. */
  public readonly keyArn: string;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    const tags = props.tags ?? {};
    const account = new DataAwsCallerIdentity(this, "account");
    const partition = new DataAwsPartition(this, "partition");
    const accountRoot = `arn:${partition.partition}:iam::${account.accountId}:root`;
    const alarmArns = `arn:${partition.partition}:cloudwatch:*:${account.accountId}:alarm:*`;

    const key = new KmsKey(this, "key", {
      description: `Encrypts the ${props.name} alarm topic`,
      enableKeyRotation: true,
      deletionWindowInDays: props.keyDeletionWindowDays ?? 30,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "AccountAdministers",
            Effect: "Allow",
            Principal: { AWS: accountRoot },
            Action: KEY_ADMIN_ACTIONS,
            Resource: "*",
          },
          // IAM policies in the account decide who else may publish (e.g. a test notification).
          {
            Sid: "AccountPublishes",
            Effect: "Allow",
            Principal: { AWS: accountRoot },
            Action: KEY_PUBLISH_ACTIONS,
            Resource: "*",
          },
          {
            Sid: "AlarmsOfThisAccountPublish",
            Effect: "Allow",
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: KEY_PUBLISH_ACTIONS,
            Resource: "*",
            Condition: { StringEquals: { "aws:SourceAccount": account.accountId } },
          },
        ],
      }),
      tags: { ...tags, Name: `${props.name}-alarms` },
    });
    new KmsAlias(this, "key-alias", { name: `alias/${props.name}-alarms`, targetKeyId: key.keyId });

    const topic = new SnsTopic(this, "topic", {
      name: `${props.name}-alarms`,
      displayName: `${props.name} alarms`,
      kmsMasterKeyId: key.arn,
      tags: { ...tags, Name: `${props.name}-alarms` },
    });
    new SnsTopicPolicy(this, "topic-policy", {
      arn: topic.arn,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "AlarmsOfThisAccountPublish",
            Effect: "Allow",
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: "sns:Publish",
            Resource: topic.arn,
            Condition: {
              StringEquals: { "aws:SourceAccount": account.accountId },
              ArnLike: { "aws:SourceArn": alarmArns },
            },
          },
          {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: { AWS: "*" },
            Action: ["sns:Publish", "sns:Subscribe", "sns:Receive"],
            Resource: topic.arn,
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
        ],
      }),
    });

    (props.subscriptions ?? []).forEach((subscription, i) => {
      new SnsTopicSubscription(this, `subscription-${i + 1}`, {
        topicArn: topic.arn,
        protocol: subscription.protocol,
        endpoint: subscription.endpoint,
      });
    });

    this.topicArn = topic.arn;
    this.keyArn = key.arn;
  }
}
