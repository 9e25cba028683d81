import { stateKey, type EnvironmentConfig } from "@serverless-spacy/environments";
import type { BootstrapConfig } from "./config";

/** A bootstrap config that cannot be deployed; like the environments' ConfigError, each line names the field. */
export class BootstrapConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid bootstrap config:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "BootstrapConfigError";
  }
}

/** GitHub's rule for owner and repository names, as they appear in OIDC subjects. */
const REPOSITORY_PATTERN = /^[A-Za-z0-9-]{1,39}\/[A-Za-z0-9._-]{1,100}$/;
/** An IAM role or user ARN (paths allowed, no wildcard); group 1 is the account. */
const ADMINISTRATOR_PATTERN = /^arn:aws[a-z-]*:iam::(\d{12}):(?:role|user)\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

/**
 * Checks the bootstrap config, and that every environment the pipeline deploys into this account keeps its
 * state where the CI roles may read it. Throws a BootstrapConfigError naming each bad field.
 */
export function validateBootstrap(config: BootstrapConfig, environments: Record<string, EnvironmentConfig>): void {
  const problems: string[] = [];
  const field = (path: string, message: string, value: unknown) =>
    problems.push(`field ${path}: ${message} (got ${JSON.stringify(value)})`);
  if (!REPOSITORY_PATTERN.test(config.githubRepository)) {
    field("githubRepository", 'must be the GitHub repository as "owner/name"', config.githubRepository);
  }
  if (config.allowedAccountIds.length !== 1 || !/^\d{12}$/.test(config.allowedAccountIds[0] ?? "")) {
    field(
      "allowedAccountIds",
      "must be exactly one 12-digit account id: the roles are created in that account",
      config.allowedAccountIds,
    );
  }
  config.stateAdministrators.forEach((arn, i) => {
    const match = ADMINISTRATOR_PATTERN.exec(arn);
    if (!match) {
      field(
        `stateAdministrators[${i}]`,
        "must be an IAM role or user ARN (arn:aws:iam::<account>:role/<name>), " +
          "not an assumed-role session or a wildcard",
        arn,
      );
    } else if (!config.allowedAccountIds.includes(match[1]!)) {
      field(`stateAdministrators[${i}]`, "must be in the bootstrap's account (allowedAccountIds)", arn);
    }
  });
  for (const [name, env] of Object.entries(environments)) {
    if (!env.delivery.pipeline || !env.allowedAccountIds?.some((id) => config.allowedAccountIds.includes(id))) {
      continue;
    }
    const where = `environment "${name}", field`;
    if (env.backend?.bucket !== config.bucket) {
      problems.push(
        `${where} backend.bucket: must be the bootstrap bucket "${config.bucket}", the only one its CI roles may ` +
          `read (got ${JSON.stringify(env.backend?.bucket)})`,
      );
    }
    if ((env.backend?.key ?? stateKey(name)).includes("*")) {
      problems.push(`${where} backend.key: must not contain "*" (got ${JSON.stringify(env.backend?.key)})`);
    }
  }
  if (problems.length > 0) {
    throw new BootstrapConfigError(problems);
  }
}
