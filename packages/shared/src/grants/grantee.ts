/**
 * An IAM role that is granted something by a construct of this project: every `grant…` method takes one.
 * Build it from an `IamRole` as `{ roleName: role.name, roleArn: role.arn }`.
 */
export interface Grantee {
  /** Name of the role; the grant attaches an inline policy to it. */
  readonly roleName: string;
  /** ARN of the role; grants that name the role in a resource policy (the model store's) use it. */
  readonly roleArn: string;
}
