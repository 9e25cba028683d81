import * as fs from "fs";
import * as path from "path";
import { Testing, type TerraformStack } from "cdktf";
import { documentRouteFor, documentRouteKeys, isTemplated, type OpenApiPaths } from "@serverless-spacy/shared";
import { buildApp } from "../src/app";

// The document the client, the Python client and schemathesis use (pnpm openapi writes it).
const document: OpenApiPaths = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, "../../../packages/shared/openapi.json"), "utf8"),
);

function synthesizedRouteKeys(): Record<string, string[]> {
  const app = buildApp({ env: {}, outdir: path.resolve(__dirname, "../../../cdktf.out") });
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
  const stacks = synthesizedRouteKeys();
  const unprefixed = documentRouteKeys(document).filter((key) => !key.split(" ")[1].startsWith("/models"));
  const perModel = documentRouteKeys(document).filter(isTemplated);

  test.each(Object.keys(stacks))("%s: every synthesized route is an operation of the document", (environment) => {
    expect(stacks[environment].length).toBeGreaterThan(0);
    expect(stacks[environment].filter((key) => documentRouteFor(document, key) === undefined)).toEqual([]);
  });

  test.each(Object.keys(stacks))("%s: every operation of the default model is synthesized", (environment) => {
    expect(stacks[environment].filter((key) => unprefixed.includes(key)).sort()).toEqual([...unprefixed].sort());
  });

  // The hook for several models behind one API: API Gateway has one literal route per model and operation. Today
  // the stacks synthesize none, so this holds trivially; once they do, each model must have every per-model
  // operation and the API must list its models (GET /models).
  test.each(Object.keys(stacks))("%s: a model with any route has all of them, and then GET /models", (environment) => {
    const models = modelsOf(stacks[environment]);
    for (const [model, operations] of models) {
      expect({ model, operations: [...operations].sort() }).toEqual({ model, operations: [...perModel].sort() });
    }
    expect(stacks[environment].includes("GET /models")).toBe(models.size > 0);
  });

  test("the document's route matching sees literal model routes and foreign routes", () => {
    expect([...modelsOf(["POST /models/en_core_web_sm/entities", "GET /models/en_core_web_lg/health"])]).toEqual([
      ["en_core_web_sm", ["POST /models/{model}/entities"]],
      ["en_core_web_lg", ["GET /models/{model}/health"]],
    ]);
    expect(documentRouteFor(document, "POST /entitiez")).toBeUndefined();
  });
});
