import * as fs from "fs";
import * as path from "path";
import { Testing, type TerraformStack } from "cdktf";
import { documentRouteFor, documentRouteKeys, isTemplated, type OpenApiPaths } from "@serverless-spacy/shared/internal";
import { buildApp } from "../src/app";
import { environments } from "../src/config/environments";
import { withSecondModel } from "../e2e/second-model";

// The document the client, the Python client and schemathesis use (pnpm openapi writes it).
const document: OpenApiPaths = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, "../../../packages/shared/openapi.json"), "utf8"),
);

function synthesizedRouteKeys(configs = environments): Record<string, string[]> {
  const app = buildApp({ environments: configs, env: {}, outdir: path.resolve(__dirname, "../../../cdktf.out") });
  return Object.fromEntries(
    (app.node.children as TerraformStack[]).map((stack) => {
      const routes = JSON.parse(Testing.synth(stack)).resource.aws_apigatewayv2_route ?? {};
      return [stack.node.id, Object.values(routes).map((route) => (route as { route_key: string }).route_key)];
    }),
  );
}

/** Literal model routes ("POST /models/en_core_web_sm/entities") by model name. */
function modelsOf(routeKeys: string[]): Map<string, string[]> {
  const byModel = new Map<string, string[]>();
  for (const key of routeKeys) {
    const operation = documentRouteFor(document, key);
    const model = operation && isTemplated(operation) ? key.split(" ")[1].split("/")[2] : undefined;
    if (model !== undefined) {
      byModel.set(model, [...(byModel.get(model) ?? []), operation!]);
    }
  }
  return byModel;
}

describe("the HTTP API routes the stacks synthesize and the OpenAPI document", () => {
  // The shipped environments, and dev with a second model (as the e2e test deploys it).
  const stacks: Record<string, string[]> = {
    ...synthesizedRouteKeys(),
    "dev with two models": synthesizedRouteKeys({ dev: withSecondModel(environments.dev) }).dev,
  };
  const configured: Record<string, string[]> = {
    ...Object.fromEntries(Object.entries(environments).map(([name, c]) => [name, c.models.map((m) => m.name)])),
    "dev with two models": withSecondModel(environments.dev).models.map((m) => m.name),
  };
  const unprefixed = documentRouteKeys(document).filter((key) => !key.split(" ")[1].startsWith("/models"));
  const perModel = documentRouteKeys(document).filter(isTemplated);

  test.each(Object.keys(stacks))("%s: every synthesized route is an operation of the document", (environment) => {
    expect(stacks[environment].length).toBeGreaterThan(0);
    expect(stacks[environment].filter((key) => documentRouteFor(document, key) === undefined)).toEqual([]);
  });

  test.each(Object.keys(stacks))("%s: every operation of the default model is synthesized", (environment) => {
    expect(stacks[environment].filter((key) => unprefixed.includes(key)).sort()).toEqual([...unprefixed].sort());
  });

  // API Gateway has one literal route per model and operation: each configured model must have every per-model
  // operation of the document, and the API its model list.
  test.each(Object.keys(stacks))("%s: every model has every per-model operation, and GET /models", (environment) => {
    const models = modelsOf(stacks[environment]);
    expect([...models.keys()].sort()).toEqual([...configured[environment]].sort());
    for (const [model, operations] of models) {
      expect({ model, operations: [...operations].sort() }).toEqual({ model, operations: [...perModel].sort() });
    }
    expect(stacks[environment]).toContain("GET /models");
  });

  test("the document's route matching sees literal model routes and foreign routes", () => {
    expect([...modelsOf(["POST /models/en_core_web_sm/entities", "GET /models/en_core_web_lg/health"])]).toEqual([
      ["en_core_web_sm", ["POST /models/{model}/entities"]],
      ["en_core_web_lg", ["GET /models/{model}/health"]],
    ]);
    expect(documentRouteFor(document, "POST /entitiez")).toBeUndefined();
  });
});
