/** What one environment's CI roles are scoped to. */
export interface CiRoleScope {
  /** Environment name; every resource its stack creates is named "spacy-<environment>…". */
  readonly environment: string;
  /** Region of the environment's resources. */
  readonly region: string;
  /** Partition of the account (e.g. "aws"). */
  readonly partition: string;
  /** Account the roles and the environment are in. */
  readonly accountId: string;
  /** The bootstrap state bucket. */
  readonly stateBucket: string;
  /** The environment's state object in it. */
  readonly stateKey: string;
}

/** Resource-name prefix of the environment's stack (SpacyEnvironmentStack names everything "spacy-<env>-…"). */
export function resourcePrefix(environment: string): string {
  return `spacy-${environment}`;
}

/** The state object and its S3-native lockfile. */
export function stateObjects(scope: CiRoleScope): { bucket: string; state: string; lock: string } {
  const bucket = `arn:${scope.partition}:s3:::${scope.stateBucket}`;
  return { bucket, state: `${bucket}/${scope.stateKey}`, lock: `${bucket}/${scope.stateKey}.tflock` };
}

/** The environment's Lambda functions (any qualifier) and layer versions. */
export function lambdaResources(scope: CiRoleScope): string[] {
  const base = `arn:${scope.partition}:lambda:${scope.region}:${scope.accountId}`;
  const prefix = resourcePrefix(scope.environment);
  return [`${base}:function:${prefix}-*`, `${base}:layer:${prefix}`, `${base}:layer:${prefix}:*`];
}

/** Objects of the environment's layer artifact bucket (bucket_prefix "spacy-<env>-layer-"). */
export function layerObjects(scope: CiRoleScope): string {
  return `arn:${scope.partition}:s3:::${resourcePrefix(scope.environment)}-layer-*/*`;
}
