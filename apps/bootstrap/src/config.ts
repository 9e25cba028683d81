import { EXAMPLE_ACCOUNT_ID, EXAMPLE_STATE_BUCKET } from "@serverless-spacy/environments";

/** The state bucket and the delivery roles to create: one bootstrap per account that hosts environments. */
export interface BootstrapConfig {
  /** Region of the bucket; the environments' backend.region defaults to their own region, so keep them equal. */
  readonly region: string;
  /** Globally unique bucket name; the environments' backend.bucket. */
  readonly bucket: string;
  /** Account ids the provider may act in (the account the environments use). */
  readonly allowedAccountIds: string[];
  /** Days a replaced or deleted state version stays recoverable. */
  readonly noncurrentVersionRetentionDays: number;
  /** GitHub repository ("owner/name") whose workflows may assume the plan and deploy roles. */
  readonly githubRepository: string;
  /**
   * IAM role or user ARNs (not assumed-role sessions) that run the bootstrap and may administer and repair
   * state. With the account root and the CI roles they are the only principals the state bucket and its key
   * admit; the bootstrap refuses to plan when run by anyone else, so it cannot lock itself out.
   */
  readonly stateAdministrators: string[];
}

/** The checked-in example repository; synth warns while it is in place. */
export const EXAMPLE_GITHUB_REPOSITORY = "example-org/serverless-spacy";
/** The checked-in example administrator; synth warns while it is in place. */
export const EXAMPLE_STATE_ADMINISTRATOR = `arn:aws:iam::${EXAMPLE_ACCOUNT_ID}:role/example-replace-me-administrator`;

/**
 * EXAMPLE VALUES — replace with your bucket name, account id (the same ones as in
 * apps/environments/src/config/environments.ts) and repository before `pnpm bootstrap:deploy`; synth warns
 * while they are in place and the provider refuses to act in any account but the example one.
 */
export const bootstrap: BootstrapConfig = {
  region: "eu-west-1",
  bucket: EXAMPLE_STATE_BUCKET,
  allowedAccountIds: [EXAMPLE_ACCOUNT_ID],
  noncurrentVersionRetentionDays: 90,
  githubRepository: EXAMPLE_GITHUB_REPOSITORY,
  stateAdministrators: [EXAMPLE_STATE_ADMINISTRATOR],
};
