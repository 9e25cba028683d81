import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { Grant } from "@serverless-spacy/shared";
import { ApiAuthMode } from "../src/api-auth";
import { SpacyHttpApi, type IApiIntegrationTarget, type ISpacyApiTarget } from "../src/ner-http-api";
import { all, fixture, synth } from "./harness";

const target = (modelName: string): ISpacyApiTarget => ({
  modelName,
  invokeArn: `arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/${modelName}/invocations`,
  functionName: modelName,
  timeoutSeconds: 30,
});
const catalog: IApiIntegrationTarget = {
  invokeArn: "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/catalog/invocations",
  functionName: "catalog",
  timeoutSeconds: 10,
};

function sharedApi(auth?: ApiAuthMode) {
  const f = fixture();
  const api = new SpacyHttpApi(f.stack, "api", { name: "spacy", auth });
  return { f, api };
}

describe("SpacyHttpApi", () => {
  test("modelRoutePrefix: where a model's routes live", () => {
    expect(SpacyHttpApi.modelRoutePrefix("en_core_web_sm")).toBe("/models/en_core_web_sm");
  });

  test("the default model is known once added, and its bare routes are served", () => {
    const { f, api } = sharedApi();
    expect(api.defaultModel).toBeUndefined();
    api.addModel(target("en_core_web_sm"), { default: true });
    api.addModel(target("en_core_web_lg"));
    api.addCatalog(catalog);
    expect(api.defaultModel).toBe("en_core_web_sm");
    expect(api.modelNames).toEqual(["en_core_web_sm", "en_core_web_lg"]);
    const routes = Object.values(all(synth(f.stack), "aws_apigatewayv2_route")).map((r) => r.route_key);
    expect(routes).toEqual(
      expect.arrayContaining(["POST /entities", "POST /models/en_core_web_lg/analyze", "GET /models"]),
    );
    expect(routes).toHaveLength(3 + 3 + 3 + 1);
  });

  test.each([
    [
      "a model twice",
      (api: SpacyHttpApi) => {
        api.addModel(target("en_core_web_sm"));
        api.addModel(target("en_core_web_sm"));
      },
      'test/api: addModel: modelName must be a model this API does not serve yet, got "en_core_web_sm"',
    ],
    [
      "a second default",
      (api: SpacyHttpApi) => {
        api.addModel(target("en_core_web_sm"), { default: true });
        api.addModel(target("en_core_web_lg"), { default: true });
      },
      'test/api: addModel: options.default must be false: "en_core_web_sm" is already the default model, got true',
    ],
    [
      "a model without routes",
      (api: SpacyHttpApi) => api.addModel(target("en_core_web_sm"), { modelRoutes: false }),
      "test/api: addModel: options.modelRoutes must be true unless options.default is (the model would have no " +
        "routes), got false",
    ],
    [
      "a second catalog",
      (api: SpacyHttpApi) => {
        api.addCatalog(catalog);
        api.addCatalog(catalog);
      },
      "test/api: addCatalog: this API already has a catalog",
    ],
  ])("refuses %s", (_title, use, message) => {
    const { api } = sharedApi();
    expect(() => use(api)).toThrow(message);
  });

  test("grantInvoke returns a Grant of the grantee's policy; granting again returns the same policy", () => {
    const { f, api } = sharedApi();
    api.addModel(target("en_core_web_sm"), { default: true });
    const role = new IamRole(f.stack, "caller", { assumeRolePolicy: "{}" });
    const grantee = { roleName: role.name, roleArn: role.arn };
    const grant = api.grantInvoke(grantee);
    expect(grant).toBeInstanceOf(Grant);
    expect(grant.grantee).toBe(grantee);
    expect(grant.dependables).toHaveLength(1);
    expect(api.grantInvoke(grantee).dependables).toEqual(grant.dependables);
    expect(Object.keys(all(synth(f.stack), "aws_iam_role_policy"))).toHaveLength(1);
  });

  test("grantInvoke needs IAM auth", () => {
    const { api } = sharedApi(ApiAuthMode.NONE);
    expect(() => api.grantInvoke({ roleName: "caller", roleArn: "arn:aws:iam::123456789012:role/caller" })).toThrow(
      'test/api: auth must be "iam" for grantInvoke (callers sign requests with SigV4), got "none"',
    );
  });
});
