import { Annotations, LocalBackend, S3Backend, type TerraformStack } from "cdktf";
import type { EnvironmentConfig } from "./config/schema";

/**
 * Alias of the customer-managed key apps/bootstrap creates for the state bucket (one per account). The backends
 * name it, because Terraform's S3 backend with `encrypt` and no key asks for SSE-S3, which the bucket refuses.
 */
export const STATE_KEY_ALIAS = "alias/serverless-spacy-tfstate";

/** Where an environment's state lives in the bucket apps/bootstrap creates. */
export function stateKey(environment: string): string {
  return `serverless-spacy/${environment}/terraform.tfstate`;
}

/**
 * Remote S3 state when configured (staging and prod must configure it, see config/environment-rules.ts);
 * otherwise a local state file, with a synth warning because it is unsafe to share.
 */
export function configureBackend(
  stack: TerraformStack,
  environment: string,
  config: EnvironmentConfig,
  forceLocal: boolean,
): void {
  if (config.backend && !forceLocal) {
    new S3Backend(stack, {
      bucket: config.backend.bucket,
      key: config.backend.key ?? stateKey(environment),
      region: config.backend.region ?? config.region,
      encrypt: true,
      kmsKeyId: STATE_KEY_ALIAS,
    });
    if (config.backend.useLockfile) {
      // S3-native state locking (Terraform 1.10+, OpenTofu 1.10+); cdktf 0.21's typings predate it.
      stack.addOverride("terraform.backend.s3.use_lockfile", true);
    }
    return;
  }
  if (!forceLocal) {
    // An annotation, not a stderr line: `cdktf synth` prints it as a warning (stderr shows up as [ERROR]).
    Annotations.of(stack).addWarning(
      `environment "${environment}" has no backend configured: state is kept locally in ` +
        `terraform.${environment}.tfstate. ` +
        `Create the state bucket with apps/bootstrap and set backend.bucket in ` +
        `apps/environments/src/config/environments.ts before sharing this environment.`,
    );
  }
  new LocalBackend(stack, { path: `terraform.${environment}.tfstate` });
}
