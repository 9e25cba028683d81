import { Testing, type TerraformStack } from "cdktf";
import { buildApp } from "../src/app";
import { environments } from "../src/config/environments";
import type { EnvironmentConfigInput } from "../src/config/schema";
import { SECOND_MODEL, withSecondModel } from "../e2e/second-model";

type Synth = Record<string, any>;

function synthDev(dev: EnvironmentConfigInput): Synth {
  const app = buildApp({ environments: { dev }, env: {} });
  return JSON.parse(Testing.synth(app.node.children[0] as TerraformStack));
}

const values = (s: Synth, type: string): any[] => Object.values(s.resource[type] ?? {});

describe("several models behind one API", () => {
  const one = synthDev(environments.dev);
  const two = synthDev(withSecondModel(environments.dev));

  test("each model has its own function, sync and routes; the bare routes serve the default", () => {
    const functions = values(two, "aws_lambda_function").map((f) => f.function_name);
    expect(functions.sort()).toEqual([
      "spacy-dev-catalog",
      "spacy-dev-en_acme_support",
      "spacy-dev-en_acme_support-sync",
      "spacy-dev-en_core_web_sm",
      "spacy-dev-en_core_web_sm-sync",
      "spacy-dev-ner-job-worker", // the batch job, on the default model
    ]);
    const routes = Object.fromEntries(values(two, "aws_apigatewayv2_route").map((r) => [r.route_key, r.target]));
    expect(Object.keys(routes).sort()).toEqual([
      "GET /health",
      "GET /models",
      "GET /models/en_acme_support/health",
      "GET /models/en_core_web_sm/health",
      "POST /analyze",
      "POST /entities",
      "POST /models/en_acme_support/analyze",
      "POST /models/en_acme_support/entities",
      "POST /models/en_core_web_sm/analyze",
      "POST /models/en_core_web_sm/entities",
    ]);
    expect(routes["POST /entities"]).toBe(routes["POST /models/en_core_web_sm/entities"]);
    expect(routes["POST /models/en_acme_support/entities"]).not.toBe(routes["POST /entities"]);
    // Each route may invoke only the function behind it.
    const permissions = values(two, "aws_lambda_permission");
    expect(permissions).toHaveLength(Object.keys(routes).length);
    const acme = permissions.filter((p) => p.source_arn.includes("/models/en_acme_support/"));
    expect(acme).toHaveLength(3);
    expect(new Set(acme.map((p) => p.function_name)).size).toBe(1);
    expect(acme[0].function_name).toMatch(/model-en_acme_support/);
  });

  test("the catalog lists every model with the default marked", () => {
    const catalog = values(two, "aws_lambda_function").find((f) => f.function_name === "spacy-dev-catalog");
    expect(JSON.parse(catalog.environment.variables.MODEL_CATALOG)).toEqual([
      { name: "en_core_web_sm", version: "3.8.0", default: true },
      { name: SECOND_MODEL.name, version: SECOND_MODEL.version, default: false },
    ]);
    expect(catalog.layers).toEqual([]);
    expect(catalog.file_system_config.local_mount_path).toBe("/mnt/models");
  });

  test("adding a model adds resources and changes only the catalog's list and the shared grants", () => {
    const changed: string[] = [];
    for (const [type, resources] of Object.entries(one.resource as Record<string, Record<string, unknown>>)) {
      for (const [name, config] of Object.entries(resources)) {
        const after = two.resource[type]?.[name];
        expect(after).toBeDefined(); // nothing of the first model is removed or renamed
        if (JSON.stringify(after) !== JSON.stringify(config)) {
          changed.push(`${type}.${name}`);
        }
      }
    }
    // The catalog's MODEL_CATALOG; the store's file system policy names every role that may mount it;
    // the dashboard lists every alarm.
    expect(changed.map((address) => address.replace(/_[0-9A-F]{8}$/, "")).sort()).toEqual([
      "aws_cloudwatch_dashboard.dashboard",
      "aws_efs_file_system_policy.model-store_file-system-policy",
      "aws_lambda_function.model-catalog_function",
    ]);
  });

  test("the default model is the first unless defaultModel names another", () => {
    const swapped = synthDev({ ...withSecondModel(environments.dev), defaultModel: SECOND_MODEL.name });
    const routes = Object.fromEntries(values(swapped, "aws_apigatewayv2_route").map((r) => [r.route_key, r.target]));
    expect(routes["POST /entities"]).toBe(routes["POST /models/en_acme_support/entities"]);
    expect(swapped.output.function_name.value).toMatch(/model-en_acme_support/);
  });
});
