import { LocalBackend, S3Backend, type TerraformStack } from "cdktf";
import type { EnvironmentConfig } from "./config/schema";

/** Remote S3 state when configured; otherwise a local state file, with a warning because it is unsafe to share. */
export function configureBackend(stack: TerraformStack, environment: string, config: EnvironmentConfig, forceLocal: boolean): void {
  if (config.backend && !forceLocal) {
    new S3Backend(stack, {
      bucket: config.backend.bucket,
      key: config.backend.key ?? `serverless-spacy/${environment}/terraform.tfstate`,
      region: config.backend.region ?? config.region,
      encrypt: true,
    });
    if (config.backend.useLockfile) {
      // S3-native state locking (Terraform 1.10+, OpenTofu 1.10+); cdktf 0.21's typings predate it.
      stack.addOverride("terraform.backend.s3.use_lockfile", true);
    }
    return;
  }
  if (!forceLocal) {
    process.emitWarning(
      `environment "${environment}" has no backend configured: state is kept locally in terraform.${environment}.tfstate. ` +
        `Set backend.bucket in apps/environments/src/config/environments.ts before sharing this environment.`,
      { code: "SERVERLESS_SPACY_LOCAL_STATE" },
    );
  }
  new LocalBackend(stack, { path: `terraform.${environment}.tfstate` });
}
