import * as fs from "fs";
import * as path from "path";
import { API_ERROR_STATUS } from "../src/api/error-status";
import { API_ERROR_CODES, type ApiError } from "../src/api/errors";
import type { Entity } from "../src/api/entity";
import { modelRoute } from "../src/api/model-routes";
import {
  errorCodesWithStatus,
  OPENAPI_DOCUMENT_FILE,
  openApiDocument,
  serializeOpenApiDocument,
} from "../src/api/openapi";
import { documentRouteFor, documentRouteKeys } from "../src/api/openapi-routes";
import { objectSchema, optional, required } from "../src/api/openapi-schema";
import { API_ROUTES } from "../src/api/routes";

const checkedIn = path.resolve(__dirname, "..", OPENAPI_DOCUMENT_FILE);

describe("the OpenAPI document", () => {
  test("the checked-in openapi.json is what src/api generates (run `pnpm openapi` after changing the API)", () => {
    expect(fs.readFileSync(checkedIn, "utf8")).toBe(serializeOpenApiDocument());
  });

  test("every operation of the default model, the model list and the per-model operations", () => {
    expect(documentRouteKeys(openApiDocument()).sort()).toEqual([
      "GET /health",
      "GET /models",
      "GET /models/{model}/health",
      "POST /analyze",
      "POST /entities",
      "POST /models/{model}/analyze",
      "POST /models/{model}/entities",
    ]);
  });

  test("every error code has exactly one status, and each status's error schema lists exactly its codes", () => {
    const schemas = openApiDocument().components!.schemas as Record<string, any>;
    expect(schemas.ErrorCode.enum).toEqual([...API_ERROR_CODES]);
    const byStatus = Object.entries(schemas)
      .filter(([name]) => /^Error\d{3}$/.test(name))
      .flatMap(([name, schema]) =>
        (schema.properties.error.properties.code.enum as string[]).map((code) => [code, Number(name.slice(5))]),
      );
    expect(Object.fromEntries(byStatus)).toEqual(API_ERROR_STATUS);
    expect(byStatus).toHaveLength(API_ERROR_CODES.length);
    expect(errorCodesWithStatus(404)).toEqual(["not_found", "model_not_found"]);
  });

  test("model-scoped operations take the model as a path parameter and can answer 404 model_not_found", () => {
    const entities = openApiDocument().paths!["/models/{model}/entities"].post!;
    expect(entities.parameters).toEqual([expect.objectContaining({ name: "model", in: "path", required: true })]);
    expect(Object.keys(entities.responses!).sort()).toEqual(["200", "400", "404", "413", "500", "503"]);
    expect(entities.requestBody).toEqual(openApiDocument().paths!["/entities"].post!.requestBody);
    expect(Object.keys(openApiDocument().paths!["/entities"].post!.responses!)).not.toContain("404");
  });

  test("object schemas are closed and require what the TypeScript type requires", () => {
    const schemas = openApiDocument().components!.schemas as Record<string, any>;
    expect(schemas.Entity).toMatchObject({ required: ["text", "label", "start", "end"], additionalProperties: false });
    expect(schemas.AnalysisSpan.required).toEqual(["text", "label", "start", "end"]);
    expect(Object.keys(schemas.AnalysisSpan.properties)).toEqual(["text", "label", "start", "end", "kb_id", "id"]);
    expect(schemas.Analysis.required).toBeUndefined();
    expect(schemas.EntitiesRequest.oneOf.map((branch: any) => branch.required)).toEqual([["text"], ["texts"]]);
  });

  test("a schema that leaves out, adds or loosens a property of its type does not compile", () => {
    const s = { type: "string" } as const;
    // @ts-expect-error: "end" is missing
    objectSchema<Entity>("", { text: required(s), label: required(s), start: required(s) });
    const entity = { text: required(s), label: required(s), start: required(s), end: required(s) };
    // @ts-expect-error: "score" is not a property of Entity
    objectSchema<Entity>("", { ...entity, score: required(s) });
    // @ts-expect-error: "end" is required in Entity
    objectSchema<Entity>("", { text: required(s), label: required(s), start: required(s), end: optional(s) });
    // @ts-expect-error: "error" is required in ApiError
    objectSchema<ApiError>("", { error: optional(s) });
  });
});

describe("matching API Gateway route keys to the document", () => {
  const document = openApiDocument();

  test("the unprefixed routes match themselves", () => {
    for (const route of Object.values(API_ROUTES)) {
      const method = route === API_ROUTES.health || route === API_ROUTES.models ? "GET" : "POST";
      expect(documentRouteFor(document, `${method} ${route}`)).toBe(`${method} ${route}`);
    }
  });

  test("a literal model route matches its template; a wrong method, an empty model or a nested path does not", () => {
    expect(documentRouteFor(document, `POST ${modelRoute("en_core_web_sm", API_ROUTES.entities)}`)).toBe(
      "POST /models/{model}/entities",
    );
    expect(documentRouteFor(document, "GET /models/en_core_web_lg/health")).toBe("GET /models/{model}/health");
    expect(documentRouteFor(document, "GET /models/en_core_web_sm/entities")).toBeUndefined();
    expect(documentRouteFor(document, "POST /models//entities")).toBeUndefined();
    expect(documentRouteFor(document, "POST /models/a/b/entities")).toBeUndefined();
    expect(documentRouteFor(document, "ANY /{proxy+}")).toBeUndefined();
  });
});
