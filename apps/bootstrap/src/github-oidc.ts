/**
 * Who may assume the CI roles: GitHub's OIDC tokens, matched on every claim AWS STS can check that says which
 * workflow, branch and GitHub environment asked. The workflow files in .github/workflows are the other half
 * of this contract; apps/bootstrap/test/workflows.test.ts checks that they still match these names.
 */

/** Host of GitHub's OIDC issuer; also the prefix of its condition keys in trust policies. */
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
/** The audience aws-actions/configure-aws-credentials asks for. */
export const STS_AUDIENCE = "sts.amazonaws.com";
/** The only branch deploys run from. */
export const DEPLOY_BRANCH = "main";
/** The reusable workflow that plans and applies one environment (its plan and apply jobs assume the roles). */
export const DEPLOY_WORKFLOW = ".github/workflows/deploy.yml";
/** The pull-request workflow that plans the environments that allow it. */
export const PULL_REQUEST_PLAN_WORKFLOW = ".github/workflows/plan.yml";

/** The GitHub environment the pipeline's plan job of `environment` runs in (no reviewers: it changes nothing). */
export function planEnvironment(environment: string): string {
  return `${environment}-plan`;
}

/** Names of the two roles of an environment. */
export function ciRoleNames(environment: string): { plan: string; deploy: string } {
  return { plan: `serverless-spacy-ci-${environment}-plan`, deploy: `serverless-spacy-ci-${environment}-deploy` };
}

type Condition = Record<string, Record<string, string | string[]>>;

function claim(name: string): string {
  return `${GITHUB_OIDC_HOST}:${name}`;
}

function federated(providerArn: string, sid: string, condition: Condition) {
  return {
    Sid: sid,
    Effect: "Allow",
    Principal: { Federated: providerArn },
    Action: "sts:AssumeRoleWithWebIdentity",
    Condition: condition,
  };
}

/** `job_workflow_ref` of a job in `workflow` of `repository` at `ref`. */
export function jobWorkflowRef(repository: string, workflow: string, ref: string): string {
  return `${repository}/${workflow}@${ref}`;
}

/**
 * Trust of the deploy role: only the apply job of the deploy workflow on main, in the GitHub environment of
 * the same name (whose protection rules — required reviewers, main only — GitHub enforces before the job starts).
 */
export function deployTrustPolicy(providerArn: string, repository: string, environment: string) {
  return {
    Version: "2012-10-17",
    Statement: [
      federated(providerArn, "DeployWorkflowOnMain", {
        StringEquals: {
          [claim("aud")]: STS_AUDIENCE,
          [claim("sub")]: `repo:${repository}:environment:${environment}`,
          [claim("job_workflow_ref")]: jobWorkflowRef(repository, DEPLOY_WORKFLOW, `refs/heads/${DEPLOY_BRANCH}`),
        },
      }),
    ],
  };
}

/**
 * Trust of the plan role: the deploy workflow's plan job on main (GitHub environment "<env>-plan"), and — only
 * when the environment allows it — the pull-request plan workflow. `pull_request` is the subject GitHub gives
 * every pull request of the repository (fork pull requests get no token at all), which is why prod refuses it.
 */
export function planTrustPolicy(
  providerArn: string,
  repository: string,
  environment: string,
  pullRequestPlans: boolean,
) {
  const statements = [
    federated(providerArn, "DeployWorkflowPlanOnMain", {
      StringEquals: {
        [claim("aud")]: STS_AUDIENCE,
        [claim("sub")]: `repo:${repository}:environment:${planEnvironment(environment)}`,
        [claim("job_workflow_ref")]: jobWorkflowRef(repository, DEPLOY_WORKFLOW, `refs/heads/${DEPLOY_BRANCH}`),
      },
    }),
  ];
  if (pullRequestPlans) {
    statements.push(
      federated(providerArn, "PullRequestPlan", {
        StringEquals: { [claim("aud")]: STS_AUDIENCE, [claim("sub")]: `repo:${repository}:pull_request` },
        // A pull request's workflow file is the pull request's own; this pins which file name it must run as.
        StringLike: {
          [claim("job_workflow_ref")]: jobWorkflowRef(repository, PULL_REQUEST_PLAN_WORKFLOW, "refs/pull/*/merge"),
        },
      }),
    );
  }
  return { Version: "2012-10-17", Statement: statements };
}
