import { ApiAuthMode } from "@serverless-spacy/spacy-function";
import type { EnvironmentConfig } from "./schema";

/** Longest name Lambda accepts for a function. */
export const LAMBDA_FUNCTION_NAME_MAX = 64;

/** Name of a model's function: `spacy-<environment>-<model>`. */
export function modelFunctionName(environment: string, model: string): string {
  return `spacy-${environment}-${model}`;
}

/** Name of a model's sync function, the longest name derived from a model's. */
export function modelSyncName(environment: string, model: string): string {
  return `${modelFunctionName(environment, model)}-sync`;
}

/** Environments that others depend on: their state is shared and their alarms must reach someone. */
export const SHARED_ENVIRONMENTS = ["staging", "prod"] as const;

/**
 * The most an unauthenticated API may spend. With `api.auth: "none"` anyone holding the URL can invoke the
 * function, so the function's reservation and the stage's throttling are the only bounds on the bill and on
 * how much of the account's concurrency pool a stranger can hold.
 */
export const OPEN_API_LIMITS = { reservedConcurrency: 10, throttlingRateLimit: 10, throttlingBurstLimit: 20 } as const;

export interface RuleIssue {
  readonly path: string;
  readonly message: string;
}

/** Rules that span fields or depend on the environment's name; each names the field it is about. */
export function environmentIssues(environment: string, config: EnvironmentConfig): RuleIssue[] {
  const issues: RuleIssue[] = [];
  config.models.forEach((model, index) => {
    // Lambda's limit on function names, for the longest name the stack derives from the model's.
    const longest = modelSyncName(environment, model.name);
    if (longest.length > LAMBDA_FUNCTION_NAME_MAX) {
      issues.push({
        path: `models.${index}.name`,
        message:
          `makes the function name "${longest}" ${longest.length} characters long, over Lambda's ` +
          `${LAMBDA_FUNCTION_NAME_MAX}`,
      });
    }
  });
  const reserved = config.models.reduce((sum, model) => sum + model.reservedConcurrency, 0);
  if (config.alarms.datapointsToAlarm > config.alarms.evaluationPeriods) {
    issues.push({
      path: "alarms.datapointsToAlarm",
      message: `must be at most alarms.evaluationPeriods (${config.alarms.evaluationPeriods})`,
    });
  }
  if (config.api.auth === ApiAuthMode.NONE) {
    const why =
      'with api.auth "none" anyone who has the URL can invoke the function, so reservation and throttling are ' +
      "the only limits on the bill and on the account's shared concurrency pool";
    // Reported on the model whose reservation takes the sum over the cap.
    let sum = 0;
    const over = config.models.findIndex(
      (model) => (sum += model.reservedConcurrency) > OPEN_API_LIMITS.reservedConcurrency,
    );
    if (over >= 0) {
      issues.push({
        path: `models.${over}.reservedConcurrency`,
        message:
          `must keep the models' reservations at most ${OPEN_API_LIMITS.reservedConcurrency} in all ` +
          `(they sum to ${reserved}): ${why}`,
      });
    }
    if (config.api.throttlingRateLimit > OPEN_API_LIMITS.throttlingRateLimit) {
      issues.push({
        path: "api.throttlingRateLimit",
        message: `must be at most ${OPEN_API_LIMITS.throttlingRateLimit} requests/s: ${why}`,
      });
    }
    if (config.api.throttlingBurstLimit > OPEN_API_LIMITS.throttlingBurstLimit) {
      issues.push({
        path: "api.throttlingBurstLimit",
        message: `must be at most ${OPEN_API_LIMITS.throttlingBurstLimit} requests: ${why}`,
      });
    }
  }
  if (config.delivery.pipeline) {
    const why = "the pipeline deploys it (delivery.pipeline is true)";
    if (!config.backend) {
      issues.push({
        path: "backend",
        message:
          `is required when ${why}: every run starts on a fresh runner, so local state would begin ` +
          `empty and the apply would fail on names that exist`,
      });
    }
    if (!config.allowedAccountIds) {
      issues.push({
        path: "allowedAccountIds",
        message: `is required when ${why}: it stops a plan or apply with credentials for the wrong account`,
      });
    }
    if (!config.permissionsBoundaryPolicy) {
      issues.push({
        path: "permissionsBoundaryPolicy",
        message:
          `is required when ${why}: the deploy role may only create roles that carry the boundary ` +
          `apps/bootstrap creates`,
      });
    }
  }
  if ((SHARED_ENVIRONMENTS as readonly string[]).includes(environment)) {
    if (!config.backend) {
      issues.push({
        path: "backend",
        message:
          `is required in ${environment}: a local state file can be lost and cannot be shared (create ` +
          `the bucket with apps/bootstrap)`,
      });
    }
    if (!config.allowedAccountIds) {
      issues.push({
        path: "allowedAccountIds",
        message: `is required in ${environment}: it stops a plan or apply with credentials for the wrong account`,
      });
    }
    if (!config.alarms.enabled) {
      issues.push({ path: "alarms.enabled", message: `must be true in ${environment}` });
    }
    if (config.alarms.subscriptions.length === 0) {
      issues.push({
        path: "alarms.subscriptions",
        message:
          `needs at least one subscriber (e-mail or https) in ${environment}: an alarm that notifies ` +
          `nobody is not monitoring`,
      });
    }
  }
  return issues;
}
