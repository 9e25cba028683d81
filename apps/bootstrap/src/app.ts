import { Annotations, App } from "cdktf";
import {
  emulatorEndpoint,
  environments as checkedInEnvironments,
  loadEnvironments,
  type EnvironmentConfigInput,
} from "@serverless-spacy/environments";
import { EXAMPLE_GITHUB_REPOSITORY, EXAMPLE_STATE_ADMINISTRATOR, bootstrap, type BootstrapConfig } from "./config";
import { DeliveryRoles } from "./delivery-roles";
import { StateAccess } from "./state-access";
import { StateBucketStack } from "./state-bucket-stack";
import { validateBootstrap } from "./validate";

export interface BuildBootstrapOptions {
  /** The bucket and repository to set up. @default the ones in config.ts */
  readonly config?: BootstrapConfig;
  /**
   * The environments whose CI roles to create (those the pipeline deploys into this account). @default
   * apps/environments' config
   */
  readonly environments?: Record<string, EnvironmentConfigInput>;
  /** Process environment to read the emulator switch from. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Output directory. @default cdktf's (apps/bootstrap/cdktf.out) */
  readonly outdir?: string;
}

/** The bootstrap app: one stack, "bootstrap", with the state bucket and the delivery roles. */
export function buildBootstrapApp(options: BuildBootstrapOptions = {}): App {
  const config = options.config ?? bootstrap;
  const all = loadEnvironments(options.environments ?? checkedInEnvironments);
  validateBootstrap(config, all);
  // Only the environments this account hosts: another account's bootstrap creates theirs.
  const here = Object.fromEntries(
    Object.entries(all).filter(
      ([, e]) => e.delivery.pipeline && e.allowedAccountIds?.some((id) => config.allowedAccountIds.includes(id)),
    ),
  );
  const app = new App(options.outdir ? { outdir: options.outdir } : undefined);
  const stack = new StateBucketStack(app, "bootstrap", config, {
    emulatorEndpoint: emulatorEndpoint(options.env ?? process.env),
  });
  const roles = new DeliveryRoles(stack, "delivery", {
    githubRepository: config.githubRepository,
    environments: here,
    stateBucket: config.bucket,
  });
  new StateAccess(stack, "state-access", {
    bucket: stack.bucket,
    region: config.region,
    administrators: config.stateAdministrators,
    ciRoleArns: Object.values(roles.roleArns).flatMap((r) => [r.plan, r.deploy]),
    dependsOn: [stack.publicAccessBlock],
  });
  if (config.stateAdministrators.includes(EXAMPLE_STATE_ADMINISTRATOR)) {
    Annotations.of(stack).addWarning(
      `stateAdministrators holds the checked-in example "${EXAMPLE_STATE_ADMINISTRATOR}": name the roles that ` +
        "run the bootstrap and may repair state, or only the account root can",
    );
  }
  if (config.githubRepository === EXAMPLE_GITHUB_REPOSITORY) {
    Annotations.of(stack).addWarning(
      `githubRepository "${config.githubRepository}" is the checked-in example: set your repository in ` +
        `apps/bootstrap/src/config.ts, or no workflow can assume the CI roles`,
    );
  }
  return app;
}
