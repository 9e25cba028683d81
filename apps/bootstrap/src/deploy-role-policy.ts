import { type CiRoleScope, lambdaResources, layerObjects, resourcePrefix, stateObjects } from "./ci-role-scope";
import { actionsOf } from "./provider-actions";

/** Actions that change IAM roles; granted only on the environment's roles (`spacy-<env>-…`). */
const isIam = (a: string) => a.startsWith("iam:");
const isLambda = (a: string) => a.startsWith("lambda:");
const OBJECT_ACTIONS = new Set([
  "s3:GetObject",
  "s3:GetObjectTagging",
  "s3:PutObject",
  "s3:PutObjectTagging",
  "s3:DeleteObject",
  "s3:DeleteObjectVersion",
]);

/** Services whose roles the environments hand over with iam:PassRole. */
export const PASS_ROLE_SERVICES = ["lambda.amazonaws.com", "vpc-flow-logs.amazonaws.com", "states.amazonaws.com"];
/** Service-linked roles the first deploy in an account may have to create (they cannot carry a boundary). */
export const SERVICE_LINKED_ROLE_SERVICES = [
  "elasticfilesystem.amazonaws.com",
  // Autoscaling of provisioned concurrency (SpacyFunction provisionedConcurrencyScaling).
  "lambda.application-autoscaling.amazonaws.com",
];

/**
 * The deploy role's inline policy: the provider's read and write actions for the types the stacks use
 * (provider-actions.ts), within the environment's region; its own state object and lockfile; and IAM only on
 * roles named for the environment. It may create a role, or set a role's boundary, only when the boundary is
 * the workload boundary, and is denied removing it or changing the boundary policy — so the roles it creates
 * never exceed WORKLOAD_BOUNDARY_ACTIONS, even if its own policy is misused.
 */
export function deployRolePolicy(scope: CiRoleScope, boundaryArn: string, ciRoleArns: string) {
  const state = stateObjects(scope);
  const roles = `arn:${scope.partition}:iam::${scope.accountId}:role/${resourcePrefix(scope.environment)}-*`;
  const inRegion = { StringEquals: { "aws:RequestedRegion": scope.region } };
  const readWrite = (filter: (a: string) => boolean) =>
    [...new Set([...actionsOf("read", filter), ...actionsOf("write", filter)])].sort();
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ManageEnvironmentResources",
        Effect: "Allow",
        Action: readWrite((a) => !isIam(a) && !isLambda(a) && !OBJECT_ACTIONS.has(a)),
        Resource: "*",
        Condition: inRegion,
      },
      {
        Sid: "ManageThisEnvironmentsFunctions",
        Effect: "Allow",
        Action: readWrite(isLambda),
        Resource: lambdaResources(scope),
      },
      {
        Sid: "ManageLayerArtifacts",
        Effect: "Allow",
        Action: readWrite((a) => OBJECT_ACTIONS.has(a)),
        Resource: layerObjects(scope),
      },
      {
        Sid: "ManageThisEnvironmentsRoles",
        Effect: "Allow",
        Action: readWrite(isIam),
        Resource: roles,
      },
      {
        Sid: "CreateRolesOnlyWithTheWorkloadBoundary",
        Effect: "Allow",
        Action: ["iam:CreateRole", "iam:PutRolePermissionsBoundary"],
        Resource: roles,
        Condition: { StringEquals: { "iam:PermissionsBoundary": boundaryArn } },
      },
      {
        Sid: "PassThisEnvironmentsRolesToItsServices",
        Effect: "Allow",
        Action: ["iam:PassRole"],
        Resource: roles,
        Condition: { StringEquals: { "iam:PassedToService": PASS_ROLE_SERVICES } },
      },
      {
        Sid: "CreateServiceLinkedRoles",
        Effect: "Allow",
        Action: ["iam:CreateServiceLinkedRole"],
        Resource: `arn:${scope.partition}:iam::${scope.accountId}:role/aws-service-role/*`,
        Condition: { StringEquals: { "iam:AWSServiceName": SERVICE_LINKED_ROLE_SERVICES } },
      },
      { Sid: "ListStateBucket", Effect: "Allow", Action: ["s3:ListBucket"], Resource: state.bucket },
      {
        Sid: "ReadWriteStateAndLock",
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
        Resource: [state.state, state.lock],
      },
      // Denies win over any Allow, including one attached to this role later by mistake.
      {
        Sid: "DenyRolesWithoutTheWorkloadBoundary",
        Effect: "Deny",
        Action: ["iam:CreateRole", "iam:PutRolePermissionsBoundary"],
        Resource: "*",
        Condition: { StringNotEquals: { "iam:PermissionsBoundary": boundaryArn } },
      },
      {
        Sid: "DenyRemovingBoundaries",
        Effect: "Deny",
        Action: ["iam:DeleteRolePermissionsBoundary"],
        Resource: "*",
      },
      {
        Sid: "DenyChangingTheBoundaryPolicy",
        Effect: "Deny",
        Action: [
          "iam:CreatePolicyVersion",
          "iam:DeletePolicy",
          "iam:DeletePolicyVersion",
          "iam:SetDefaultPolicyVersion",
          "iam:TagPolicy",
          "iam:UntagPolicy",
        ],
        Resource: boundaryArn,
      },
      {
        Sid: "DenyChangingTheCiRoles",
        Effect: "Deny",
        Action: [
          "iam:UpdateAssumeRolePolicy",
          "iam:PutRolePolicy",
          "iam:DeleteRolePolicy",
          "iam:AttachRolePolicy",
          "iam:DetachRolePolicy",
          "iam:PutRolePermissionsBoundary",
          "iam:DeleteRole",
          "iam:TagRole",
          "iam:UntagRole",
        ],
        Resource: ciRoleArns,
      },
    ],
  };
}
