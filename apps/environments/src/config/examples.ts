/**
 * Placeholder values in the checked-in config, so that a fresh clone synthesizes and the tests run.
 * They are deliberately unusable: no team owns these accounts, the bucket is not theirs and example.com
 * mail goes nowhere. Synth prints a warning for every one still in place; the README says what to replace.
 */
export const EXAMPLE_STATE_BUCKET = "example-replace-me-serverless-spacy-tfstate";
/** One account for every environment and the state bucket; use several by listing each environment's own. */
export const EXAMPLE_ACCOUNT_ID = "111111111111";
export const EXAMPLE_EMAIL_DOMAIN = "example.com";

/** Paths of the example values an environment's config still carries. */
export function exampleValuesIn(config: {
  backend?: { bucket: string };
  allowedAccountIds?: string[];
  alarms: { subscriptions: { endpoint: string }[] };
}): string[] {
  const found: string[] = [];
  if (config.backend?.bucket === EXAMPLE_STATE_BUCKET) {
    found.push(`backend.bucket ("${EXAMPLE_STATE_BUCKET}")`);
  }
  if (config.allowedAccountIds?.includes(EXAMPLE_ACCOUNT_ID)) {
    found.push(`allowedAccountIds (${config.allowedAccountIds.join(", ")})`);
  }
  config.alarms.subscriptions.forEach((s, i) => {
    const host = s.endpoint.includes("@") ? s.endpoint.split("@").pop()! : new URL(s.endpoint).hostname;
    if (host === EXAMPLE_EMAIL_DOMAIN || host.endsWith(`.${EXAMPLE_EMAIL_DOMAIN}`)) {
      found.push(`alarms.subscriptions[${i}] (${s.endpoint})`);
    }
  });
  return found;
}
