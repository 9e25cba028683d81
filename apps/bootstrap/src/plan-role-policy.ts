import { type CiRoleScope, lambdaResources, layerObjects, stateObjects } from "./ci-role-scope";
import { actionsOf } from "./provider-actions";

/** Object reads a refresh makes: only on the layer bucket's objects (HeadObject of the zip it uploaded). */
const OBJECT_READS = new Set(["s3:GetObject", "s3:GetObjectTagging"]);

/**
 * The plan role's inline policy: what `tofu plan` of one environment reads, and nothing that is data. Every
 * action is named; object reads are limited to the state object (and its lockfile, which the pipeline's plan
 * takes) and the layer zip; no log events, no metric data, no secrets. lambda:GetFunction — the provider's only
 * way to read a function — is limited to this environment's functions (see provider-actions.ts).
 */
export function planRolePolicy(scope: CiRoleScope) {
  const state = stateObjects(scope);
  const isLambda = (a: string) => a.startsWith("lambda:");
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ReadConfiguration",
        Effect: "Allow",
        Action: actionsOf("read", (a) => !isLambda(a) && !OBJECT_READS.has(a)),
        Resource: "*",
      },
      {
        Sid: "ReadThisEnvironmentsFunctions",
        Effect: "Allow",
        Action: actionsOf("read", isLambda),
        Resource: lambdaResources(scope),
      },
      {
        Sid: "ReadLayerArtifacts",
        Effect: "Allow",
        Action: actionsOf("read", (a) => OBJECT_READS.has(a)),
        Resource: layerObjects(scope),
      },
      { Sid: "ListStateBucket", Effect: "Allow", Action: ["s3:ListBucket"], Resource: state.bucket },
      { Sid: "ReadState", Effect: "Allow", Action: ["s3:GetObject"], Resource: state.state },
      {
        Sid: "TakeStateLock",
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
        Resource: state.lock,
      },
    ],
  };
}
