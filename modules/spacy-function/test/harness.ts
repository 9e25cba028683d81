import * as os from "os";
import * as path from "path";
import { Testing, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { LambdaInvocation } from "@cdktf/provider-aws/lib/lambda-invocation";
import { EfsModelStore } from "@serverless-spacy/model-store";
import { SpacyFunction, type SpacyFunctionProps } from "../src/spacy-function";
import { SpacyLayer, type SpacyLayerProps } from "../src/spacy-layer";

/** A zip path that is guaranteed not to exist: synth must not need the built layer. */
export const MISSING_ZIP = path.join(
  os.tmpdir(),
  "serverless-spacy-test-no-such-dir",
  "spacy-layer-python3.12-x86_64.zip",
);

export type Synthesized = {
  resource: Record<string, Record<string, any>>;
  data?: Record<string, Record<string, any>>;
  locals?: Record<string, unknown>;
};

export interface Fixture {
  stack: TerraformStack;
  store: EfsModelStore;
  layer: SpacyLayer;
  modelReady: LambdaInvocation;
}

/** A stack with a provider, a real model store in a literal VPC, and a layer from a zip that does not exist. */
export function fixture(layerProps: SpacyLayerProps = { zipPath: MISSING_ZIP }): Fixture {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  const store = new EfsModelStore(stack, "store", { vpcId: "vpc-0123456789", subnetIds: ["subnet-a", "subnet-b"] });
  const layer = new SpacyLayer(stack, "layer", layerProps);
  const modelReady = new LambdaInvocation(stack, "model-sync", { functionName: "model-sync", input: "{}" });
  return { stack, store, layer, modelReady };
}

/** Props every SpacyFunction test shares; override what a test is about. */
export function functionProps(f: Fixture, overrides: Partial<SpacyFunctionProps> = {}): SpacyFunctionProps {
  return {
    name: "spacy-test-api",
    vpcId: "vpc-0123456789",
    subnetIds: ["subnet-a", "subnet-b"],
    modelStore: f.store,
    model: { name: "en_core_web_lg", version: "3.8.0" },
    layer: f.layer,
    modelReady: [f.modelReady],
    ...overrides,
  };
}

export function synth(stack: TerraformStack): Synthesized {
  return JSON.parse(Testing.synth(stack));
}

/** Synthesize a stack holding one SpacyFunction built from `functionProps` plus the overrides. */
export function synthFunction(
  overrides: Partial<SpacyFunctionProps> = {},
  id = "api",
): Synthesized & { fn: SpacyFunction } {
  const f = fixture();
  const fn = new SpacyFunction(f.stack, id, functionProps(f, overrides));
  return { ...synth(f.stack), fn };
}

/** The only resource of a type; fails the test if there is not exactly one. */
export function only(out: Synthesized, type: string): any {
  const all = Object.values(out.resource[type] ?? {});
  if (all.length !== 1) {
    throw new Error(`expected exactly one ${type}, found ${all.length}`);
  }
  return all[0];
}

/** Resources of a type, keyed by logical id. */
export function all(out: Synthesized, type: string): Record<string, any> {
  return out.resource[type] ?? {};
}

/** Terraform addresses (type.logicalId) of every resource of the given type. */
export function addresses(out: Synthesized, type: string): string[] {
  return Object.keys(all(out, type)).map((id) => `${type}.${id}`);
}

/** Every IAM policy document in the synthesized stack, parsed. */
export function policyDocuments(out: Synthesized): any[] {
  const docs = [
    ...Object.values(all(out, "aws_iam_role_policy")).map((r) => r.policy),
    ...Object.values(all(out, "aws_iam_role")).map((r) => r.assume_role_policy),
    ...Object.values(all(out, "aws_s3_bucket_policy")).map((r) => r.policy),
    ...Object.values(all(out, "aws_efs_file_system_policy")).map((r) => r.policy),
  ];
  return docs.map((d) => JSON.parse(d));
}

/** Every action an Allow statement of the given policy documents grants (a Deny of `s3:*` takes nothing away). */
export function allowedActionsOf(docs: any[]): string[] {
  return docs.flatMap((doc) =>
    doc.Statement.filter((s: { Effect: string }) => s.Effect === "Allow").flatMap((s: { Action: string | string[] }) =>
      [s.Action].flat(),
    ),
  );
}

/** Every action named in the given policy documents. */
export function actionsOf(docs: any[]): string[] {
  return docs.flatMap((doc) => doc.Statement.flatMap((s: { Action: string | string[] }) => [s.Action].flat()));
}
