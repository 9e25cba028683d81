import { TerraformDataSource, TerraformStack, type TerraformElement } from "cdktf";

/**
 * Reasons for the checkov checks this project skips, written once. `pnpm checkov` fails on a failed check
 * without a skip, and on a skip without a reason (scripts/tf/checkov_scan.py reads these comments).
 */
export const CHECKOV_SKIP_REASONS = {
  /** CloudWatch log group without a customer-managed KMS key. */
  CKV_AWS_158:
    "Encrypted at rest by CloudWatch Logs with its service key; a customer-managed KMS key adds cost and a key " +
    "policy to maintain without protecting against a threat the service key does not.",
  /** Lambda without code signing. */
  CKV_AWS_272:
    "Code signing needs an AWS Signer profile and signed zips; the code is deployed only by Terraform from the " +
    "reviewed repository, and every plan shows the source hash that changes.",
  /** Lambda environment without a customer-managed KMS key. */
  CKV_AWS_173:
    "The environment holds configuration, not secrets (model, mount path, limits; extra variables are documented " +
    "as not for secrets); Lambda encrypts it at rest with its service key.",
} as const;

/** A check id with its shared reason in `CHECKOV_SKIP_REASONS`. */
export type SharedCheckovSkip = keyof typeof CHECKOV_SKIP_REASONS;

/**
 * Record on `resource` that checkov should skip `check`, with `reason`, or the shared reason when the
 * check is one of `CHECKOV_SKIP_REASONS`. Rendered as a `//` comment in cdk.tf.json, which Terraform ignores.
 * The only way this project writes a skip (a test fails on a raw `//.checkov.skip` override elsewhere), so
 * scripts/tf/checkov_scan.py has one shape to read.
 */
export function skipCheckov(resource: TerraformElement, check: SharedCheckovSkip): void;
export function skipCheckov(resource: TerraformElement, check: string, reason: string): void;
export function skipCheckov(resource: TerraformElement, check: string, reason?: string): void {
  const text = reason ?? CHECKOV_SKIP_REASONS[check as SharedCheckovSkip];
  if (!text) {
    throw new Error(`skipCheckov: ${check} has no shared reason; pass one`);
  }
  if (resource instanceof TerraformDataSource) {
    // cdktf rewrites a data source's own "//" comment, so its skip is filed on the stack, by logical id.
    TerraformStack.of(resource).addOverride(`//.checkov.skip_data.${resource.friendlyUniqueId}.${check}`, text);
  } else {
    resource.addOverride(`//.checkov.skip.${check}`, text);
  }
}
