import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import {
  WORKLOAD_BOUNDARY_POLICY,
  managedPolicyArn,
  stateKey,
  type EnvironmentConfig,
} from "@serverless-spacy/environments";
import type { CiRoleScope } from "./ci-role-scope";
import { deployRolePolicy } from "./deploy-role-policy";
import { GITHUB_OIDC_HOST, STS_AUDIENCE, ciRoleNames, deployTrustPolicy, planTrustPolicy } from "./github-oidc";
import { planRolePolicy } from "./plan-role-policy";
import { workloadBoundaryDocument } from "./workload-boundary";

export interface DeliveryRolesProps {
  /** GitHub repository ("owner/name") whose workflows may assume the roles. */
  readonly githubRepository: string;
  /** The environments the pipeline deploys into this account, by name (validated configs). */
  readonly environments: Record<string, EnvironmentConfig>;
  /** Name of the state bucket every environment keeps its state in. */
  readonly stateBucket: string;
  /**
   * Longest deploy session in seconds (a first prod apply creates NAT gateways, EFS and syncs a large model). @default
   * 7200
   */
  readonly deploySessionSeconds?: number;
}

/**
 * Delivery as code, per account: GitHub's OIDC provider, the workload permissions boundary, and for each
 * environment the pipeline deploys a plan role (reads configuration, not data) and a deploy role (creates only
 * bounded roles). Trust and permissions are built in github-oidc.ts, plan-role-policy.ts and
 * deploy-role-policy.ts; docs/ci.md says how the workflows use them.
 */
export class DeliveryRoles extends Construct {
  /** ARN of the workload boundary policy. */
  public readonly boundaryArn: string;
  /** Role ARNs by environment. */
  public readonly roleArns: Record<string, { plan: string; deploy: string }> = {};

  constructor(scope: Construct, id: string, props: DeliveryRolesProps) {
    super(scope, id);
    const partition = new DataAwsPartition(this, "partition").partition;
    const accountId = new DataAwsCallerIdentity(this, "account").accountId;

    // IAM has validated GitHub's certificate through its own trust store since 2023, so no thumbprint is pinned.
    const provider = new IamOpenidConnectProvider(this, "github", {
      url: `https://${GITHUB_OIDC_HOST}`,
      clientIdList: [STS_AUDIENCE],
      tags: { Name: "github-actions" },
    });

    const boundary = new IamPolicy(this, "workload-boundary", {
      name: WORKLOAD_BOUNDARY_POLICY,
      description: "Permissions boundary of every role the serverless-spacy environment stacks create",
      policy: JSON.stringify(workloadBoundaryDocument(partition, accountId)),
    });
    // Built from the name like the environment stacks build it, so both sides agree without a cross-stack reference.
    this.boundaryArn = managedPolicyArn(partition, accountId, WORKLOAD_BOUNDARY_POLICY);
    const ciRoles = `arn:${partition}:iam::${accountId}:role/serverless-spacy-ci-*`;

    for (const [environment, config] of Object.entries(props.environments)) {
      if (!config.delivery.pipeline) {
        continue;
      }
      const names = ciRoleNames(environment);
      const roleScope: CiRoleScope = {
        environment,
        region: config.region,
        partition,
        accountId,
        stateBucket: props.stateBucket,
        stateKey: config.backend?.key ?? stateKey(environment),
      };
      const plan = new IamRole(this, `${environment}-plan`, {
        name: names.plan,
        description: `GitHub Actions: tofu plan of ${environment} (reads configuration, not data)`,
        assumeRolePolicy: JSON.stringify(
          planTrustPolicy(provider.arn, props.githubRepository, environment, config.delivery.pullRequestPlans),
        ),
        maxSessionDuration: 3600,
      });
      new IamRolePolicy(this, `${environment}-plan-policy`, {
        name: "plan",
        role: plan.name,
        policy: JSON.stringify(planRolePolicy(roleScope)),
      });
      const deploy = new IamRole(this, `${environment}-deploy`, {
        name: names.deploy,
        description: `GitHub Actions: tofu apply of ${environment}'s reviewed plan`,
        assumeRolePolicy: JSON.stringify(deployTrustPolicy(provider.arn, props.githubRepository, environment)),
        maxSessionDuration: props.deploySessionSeconds ?? 7200,
      });
      new IamRolePolicy(this, `${environment}-deploy-policy`, {
        name: "deploy",
        role: deploy.name,
        policy: JSON.stringify(deployRolePolicy(roleScope, this.boundaryArn, ciRoles)),
        // The boundary must exist before the first role the deploy role creates names it.
        dependsOn: [boundary],
      });
      this.roleArns[environment] = { plan: plan.arn, deploy: deploy.arn };
      new TerraformOutput(this, `${environment}-plan-role-arn`, {
        value: plan.arn,
        description:
          `PLAN_ROLE_ARN of the GitHub environment "${environment}-plan" ` +
          `(and PLAN_ROLE_ARN_${environment.toUpperCase()} for pull requests)`,
      });
      new TerraformOutput(this, `${environment}-deploy-role-arn`, {
        value: deploy.arn,
        description: `DEPLOY_ROLE_ARN of the GitHub environment "${environment}"`,
      });
    }
  }
}
