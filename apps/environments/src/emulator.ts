import { TerraformResource, type IAspect } from "cdktf";
import type { IConstruct } from "constructs";
import type { AwsProviderConfig, AwsProviderEndpoints } from "@cdktf/provider-aws/lib/provider";

/**
 * The explicit switch that points every stack at a local AWS emulator (moto) instead of AWS.
 * It exists only because tests cannot reach AWS; it refuses anything but a loopback endpoint so
 * that a stray variable can never redirect a real environment's credentials elsewhere.
 */
export const EMULATOR_ENDPOINT_VARIABLE = "SERVERLESS_SPACY_EMULATOR_ENDPOINT";

// Keys of the provider's `endpoints` block as @cdktf/provider-aws spells them (an unknown key is dropped).
const SERVICES: readonly (keyof AwsProviderEndpoints)[] = [
  "apigatewayv2",
  "cloudwatch",
  "cloudwatchlogs",
  "ec2",
  "efs",
  "iam",
  "kms",
  "lambda",
  "s3",
  "s3Control",
  "sfn",
  "sns",
  "sts",
  "xray",
];

/** Reads the switch; undefined means real AWS. */
export function emulatorEndpoint(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[EMULATOR_ENDPOINT_VARIABLE];
  if (value === undefined || value === "") {
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${EMULATOR_ENDPOINT_VARIABLE}="${value}" is not a URL; expected e.g. http://127.0.0.1:5000`);
  }
  if (!["127.0.0.1", "localhost", "[::1]"].includes(url.hostname)) {
    throw new Error(
      `${EMULATOR_ENDPOINT_VARIABLE}="${value}" must point at a loopback address (127.0.0.1, localhost or [::1])`,
    );
  }
  return url.origin;
}

/** Provider settings that send every call to the emulator with test credentials. */
export function emulatorProviderSettings(endpoint: string): Partial<AwsProviderConfig> {
  return {
    accessKey: "test",
    secretKey: "test",
    skipCredentialsValidation: true,
    // The account id is requested (moto's STS answers 123456789012): without it the provider cannot tell
    // a same-account security group reference from a cross-account one and re-plans every rule.
    skipMetadataApiCheck: "true",
    s3UsePathStyle: true,
    // A few attempts, not the provider's 25: an API the emulator lacks answers 500 and must fail within
    // seconds, not back off for minutes; but under load the emulator's server drops a keep-alive connection
    // now and then ("use of closed network connection"), which the AWS SDK retries as a connection error.
    maxRetries: 4,
    // Every request the endpoints above do not catch goes to the emulator too, never to AWS: S3 Control
    // (bucket tags, once the account id is known) prefixes the account id to the endpoint's host, which the
    // proxy (the emulator itself) still answers; an HTTPS request to a real AWS host is refused there.
    httpProxy: endpoint,
    httpsProxy: endpoint,
    noProxy: "127.0.0.1,localhost,[::1]",
    endpoints: [Object.fromEntries(SERVICES.map((service) => [service, endpoint]))],
  };
}

/**
 * Resource types the emulator (moto 5.2.5) cannot create, with the missing API. In emulator mode they are
 * synthesized with `count = 0`, so every other resource is still applied; see docs/terraform-validation.md.
 */
export const EMULATOR_UNSUPPORTED: Readonly<Record<string, string>> = {
  aws_cloudwatch_metric_alarm:
    "provider 6.25 calls CloudWatch over the Smithy RPC v2 CBOR protocol; moto 5.2.5 answers PutMetricAlarm with 404",
  aws_cloudwatch_dashboard: "same CloudWatch protocol gap as the alarms (PutDashboard)",
  aws_efs_backup_policy: "moto 5.2.5 implements EFS DescribeBackupPolicy but not PutBackupPolicy",
  aws_sfn_state_machine:
    "provider 6.25 validates every definition with Step Functions ValidateStateMachineDefinition before create; " +
    "moto 5.2.5 does not implement it (500)",
  aws_s3_bucket_policy:
    "moto 5.2.5 evaluates only StringEquals conditions and treats any other (Bool aws:SecureTransport) as met, " +
    "so the TLS-only Deny statement denies every object upload (403 on PutObject/UploadPart)",
};

/**
 * Arguments the emulator accepts but never returns, so every plan after apply would try to set them again.
 * In emulator mode they are added to the resource's `lifecycle.ignore_changes`; they are still sent on create.
 */
export const EMULATOR_UNREAD_ARGUMENTS: Readonly<Record<string, { arguments: string[]; reason: string }>> = {
  aws_lambda_function: {
    arguments: ["file_system_config", "logging_config"],
    reason: "moto 5.2.5 CreateFunction drops FileSystemConfigs and LoggingConfig; GetFunction never returns them",
  },
  aws_s3_bucket: {
    arguments: ["tags", "tags_all"],
    reason:
      "provider 6.25 tags on create (CreateBucketConfiguration.Tags); moto 5.2.5 CreateBucket ignores them, so " +
      "S3 Control ListTagsForResource returns none",
  },
  aws_vpc_security_group_ingress_rule: {
    arguments: ["description"],
    reason: "moto 5.2.5 DescribeSecurityGroupRules returns no Description for a rule that references a security group",
  },
  aws_vpc_security_group_egress_rule: {
    arguments: ["description"],
    reason: "moto 5.2.5 DescribeSecurityGroupRules returns no Description for a rule that references a security group",
  },
};

/**
 * Emulator mode only: turns off (count = 0) the resources in EMULATOR_UNSUPPORTED and ignores changes to
 * the EMULATOR_UNREAD_ARGUMENTS, so that the apply and the no-changes re-plan test everything else.
 */
export class EmulatorGaps implements IAspect {
  public visit(node: IConstruct): void {
    if (!(node instanceof TerraformResource)) {
      return;
    }
    if (node.terraformResourceType in EMULATOR_UNSUPPORTED) {
      node.count = 0;
    }
    const unread = EMULATOR_UNREAD_ARGUMENTS[node.terraformResourceType];
    if (unread) {
      node.addOverride("lifecycle.ignore_changes", unread.arguments);
    }
  }
}
