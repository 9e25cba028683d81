import { z } from "zod";

/**
 * Name of the managed policy apps/bootstrap creates in each account as the permissions boundary of every role
 * an environment stack creates. The pipeline's deploy role may only create roles that carry it, so a
 * compromised deploy cannot mint a role with more than the workloads need.
 */
export const WORKLOAD_BOUNDARY_POLICY = "serverless-spacy-workload-boundary";

/** IAM's rule for policy names (1–128 of letters, digits and +=,.@_-). */
export const IAM_POLICY_NAME_PATTERN = /^[\w+=,.@-]{1,128}$/;

/**
 * Who deploys an environment. `pipeline: true` is .github/workflows/deploy.yml (plan, review, approval, apply
 * of that plan), which needs remote state, an account pin and the boundary; `pipeline: false` says why people
 * deploy it by hand instead, so the choice is written down where the environment is.
 */
export const deliverySchema = z.discriminatedUnion("pipeline", [
  z.strictObject({
    pipeline: z.literal(true),
    /** Plan this environment on pull requests of the repository (its plan role then trusts them). */
    pullRequestPlans: z.boolean().default(false),
  }),
  z.strictObject({
    pipeline: z.literal(false),
    /** Why the pipeline does not deploy it (e.g. a personal sandbox with local state). */
    reason: z.string().min(10, "must say in a sentence why the pipeline does not deploy this environment"),
  }),
]);

/** ARN of a managed policy of the account the stack plans in (partition and account are resolved at plan time). */
export function managedPolicyArn(partition: string, accountId: string, policyName: string): string {
  return `arn:${partition}:iam::${accountId}:policy/${policyName}`;
}
