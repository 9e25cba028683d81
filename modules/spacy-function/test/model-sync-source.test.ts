import { ModelSource, ModelSync } from "@serverless-spacy/model-sync";
import { SpacyFunction } from "../src/spacy-function";
import { all, fixture, functionProps, synth, type Fixture, type Synthesized } from "./harness";

const SM_SHA256 = "1932429db727d4bff3deed6b34cfc05df17794f4a52eeb26cf8928f7c1a0fb85";

function withSync(f: Fixture, version = "3.8.0"): ModelSync {
  return new ModelSync(f.stack, "sync", {
    name: "spacy-test-sync",
    vpcId: "vpc-0123456789",
    subnetIds: ["subnet-a", "subnet-b"],
    modelStore: f.store,
    model: { name: "en_core_web_sm", version, source: ModelSource.spacyRelease("en_core_web_sm", version, SM_SHA256) },
    layerArns: ["arn:aws:lambda:eu-west-1:123456789012:layer:spacy:7"],
  });
}

/** The function under test, not the sync's. */
function apiFunction(out: Synthesized): any {
  return Object.values(all(out, "aws_lambda_function")).find((fn) => fn.function_name === "spacy-test-api");
}

describe("SpacyFunction taking its model from the ModelSync that fills the store", () => {
  test("loads exactly the sync's model and version, and waits for the sync's invocation", () => {
    const f = fixture();
    const sync = withSync(f, "3.7.1");
    new SpacyFunction(f.stack, "api", functionProps(f, { model: undefined, modelReady: undefined, modelSync: sync }));
    const out = synth(f.stack);
    const lambda = apiFunction(out);
    expect(lambda.environment.variables).toMatchObject({ MODEL_NAME: "en_core_web_sm", MODEL_VERSION: "3.7.1" });
    const invocation = Object.keys(out.resource.aws_lambda_invocation).find((id) => id.startsWith("sync_"));
    expect(lambda.depends_on).toContain(`aws_lambda_invocation.${invocation}`);
  });

  test("adds the sync's invocation to the resources modelReady names", () => {
    const f = fixture();
    const sync = withSync(f);
    const fn = new SpacyFunction(f.stack, "api", functionProps(f, { model: undefined, modelSync: sync }));
    const dependsOn: string[] = apiFunction(synth(f.stack)).depends_on;
    expect(dependsOn.filter((d) => d.startsWith("aws_lambda_invocation."))).toHaveLength(2);
    expect(fn.modelName).toBe("en_core_web_sm");
  });

  test.each([
    ["both model and modelSync", true, true, 'got ["model","modelSync"]'],
    ["neither model nor modelSync", false, false, "got []"],
  ])("refuses %s, naming the fields", (_, withModel, withModelSync, got) => {
    const f = fixture();
    const sync = withSync(f);
    const props = functionProps(f, {
      model: withModel ? { name: "en_core_web_lg", version: "3.8.0" } : undefined,
      modelSync: withModelSync ? sync : undefined,
    });
    expect(() => new SpacyFunction(f.stack, "api", props)).toThrow(
      `test/api: model / modelSync must be exactly one of the two, ${got}`,
    );
  });
});
