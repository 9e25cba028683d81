import type { Analysis, AnalysisField } from "../api/analysis";
import type { Entity } from "../api/entity";
import { isApiError } from "../api/errors";
import type { HealthResponse } from "../api/health";
import { MODELS_ROUTE, modelRoute, type MODEL_SCOPED_ROUTES } from "../api/model-routes";
import type { ModelsResponse } from "../api/models";
import { API_ROUTES } from "../api/routes";
import { withJsIndices, type ClientEntity } from "./offsets";
import { SpacyApiError } from "./spacy-api-error";

export interface SpacyApiClientOptions {
  /** Base URL of the API: the stage's invoke URL or a custom domain, with or without a trailing slash. */
  readonly baseUrl: string;
  /** The fetch implementation; pass a SigV4-signing one when the API uses IAM auth. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** Headers sent with every request, e.g. an authorization header. @default {} */
  readonly headers?: Record<string, string>;
  /**
   * Abort a request after this many milliseconds. API Gateway HTTP APIs give up after 30 s anyway; a cold
   * start that loads a large model from EFS takes a good part of that. @default 30000
   */
  readonly timeoutMs?: number;
  /**
   * The model of a multi-model API that answers every call (`/models/{model}/…`); a call's own `model`
   * overrides it. @default the API's default model (the unprefixed routes)
   */
  readonly model?: string;
}

/** Per-call options of the model-scoped operations. */
export interface SpacyCallOptions {
  /** The model that answers this call (`/models/{model}/…`), instead of the client's. */
  readonly model?: string;
}

/**
 * A typed client for the serverless-spacy HTTP API. Every entity it returns carries both the API's code
 * point offsets (`start`/`end`) and JavaScript string indices (`jsStart`/`jsEnd`) for the text it was
 * found in. Non-2xx answers throw `SpacyApiError`; network failures and timeouts throw what fetch throws.
 */
export class SpacyApiClient {
  private readonly baseUrl: string;
  private readonly fetchFn: typeof fetch;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;
  private readonly model: string | undefined;

  constructor(options: SpacyApiClientOptions) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new Error(`SpacyApiClient: baseUrl must be an absolute http(s) URL, got "${options.baseUrl}"`);
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      throw new Error(`SpacyApiClient: baseUrl must be an absolute http(s) URL, got "${options.baseUrl}"`);
    }
    const timeoutMs = options.timeoutMs ?? 30_000;
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
      throw new Error(`SpacyApiClient: timeoutMs must be a positive integer, got ${timeoutMs}`);
    }
    // A stage path ("/prod") is part of the base: join routes onto it instead of resolving against the host.
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.fetchFn = options.fetch ?? globalThis.fetch;
    this.headers = options.headers ?? {};
    this.timeoutMs = timeoutMs;
    this.model = options.model;
  }

  /** Named entities of one text, with code point (`start`/`end`) and JavaScript (`jsStart`/`jsEnd`) offsets. */
  public async entities(text: string, options?: SpacyCallOptions): Promise<ClientEntity[]> {
    const { status, body } = await this.request("POST", this.route(API_ROUTES.entities, options), { text });
    if (!isEntityList(body)) {
      throw unexpected(status, "POST /entities did not answer with a list of entities", body);
    }
    return convertOffsets(status, text, body);
  }

  /** Named entities of several texts in one request, index-aligned with `texts`. */
  public async entitiesBatch(texts: readonly string[], options?: SpacyCallOptions): Promise<ClientEntity[][]> {
    const { status, body } = await this.request("POST", this.route(API_ROUTES.entities, options), { texts });
    if (!Array.isArray(body) || body.length !== texts.length || !body.every(isEntityList)) {
      throw unexpected(status, `POST /entities did not answer with ${texts.length} lists of entities`, body);
    }
    return body.map((entities: Entity[], i) => convertOffsets(status, texts[i], entities));
  }

  /**
   * What the pipeline produces for one text (`POST /analyze`): the `include`d fields, or every field it offers.
   * Offsets are the API's code points, as spaCy has them. A field the pipeline cannot produce throws a 400
   * `unsupported_field` error naming what it does produce.
   */
  public async analyze(
    text: string,
    include?: readonly AnalysisField[],
    options?: SpacyCallOptions,
  ): Promise<Analysis> {
    const { status, body } = await this.request("POST", this.route(API_ROUTES.analyze, options), { text, include });
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      throw unexpected(status, "POST /analyze did not answer with an analysis object", body);
    }
    return body as Analysis;
  }

  /** The loaded model and its cold-start load time; throws a 503 `model_not_*` error while it is not loaded. */
  public async health(options?: SpacyCallOptions): Promise<HealthResponse> {
    const { status, body } = await this.request("GET", this.route(API_ROUTES.health, options));
    if (!isHealthResponse(body)) {
      throw unexpected(status, "GET /health did not answer with a health report", body);
    }
    return body;
  }

  /** Every model a multi-model API serves (`GET /models`): name, version, default, components and labels. */
  public async models(): Promise<ModelsResponse> {
    const { status, body } = await this.request("GET", MODELS_ROUTE);
    if (!isModelsResponse(body)) {
      throw unexpected(status, "GET /models did not answer with a model list", body);
    }
    return body;
  }

  /** The route for the call's model, the client's, or the default model's (unprefixed). */
  private route(route: (typeof MODEL_SCOPED_ROUTES)[number], options?: SpacyCallOptions): string {
    const model = options?.model ?? this.model;
    return model === undefined ? route : modelRoute(model, route);
  }

  private async request(
    method: "GET" | "POST",
    route: string,
    payload?: unknown,
  ): Promise<{ status: number; body: unknown }> {
    const headers: Record<string, string> = { accept: "application/json", ...this.headers };
    if (payload !== undefined) {
      headers["content-type"] = "application/json";
    }
    const response = await this.fetchFn(`${this.baseUrl}${route}`, {
      method,
      headers,
      body: payload === undefined ? undefined : JSON.stringify(payload),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const raw = await response.text();
    let body: unknown = raw;
    let parsed = false;
    try {
      body = JSON.parse(raw);
      parsed = true;
    } catch {
      // Not JSON: keep the text for the error below.
    }
    if (response.ok) {
      if (!parsed) {
        throw unexpected(
          response.status,
          `${method} ${route} answered ${response.status} with a body that is not JSON`,
          raw,
        );
      }
      return { status: response.status, body };
    }
    if (isApiError(body)) {
      throw new SpacyApiError(response.status, body.error.code, body.error.message, body);
    }
    // API Gateway's own errors ({"message": "..."}) and anything else that is not the handler's.
    const gatewayMessage =
      typeof body === "object" && body !== null && typeof (body as { message?: unknown }).message === "string"
        ? `: ${(body as { message: string }).message}`
        : "";
    throw unexpected(response.status, `${method} ${route} answered ${response.status}${gatewayMessage}`, body);
  }
}

function unexpected(status: number, message: string, body: unknown): SpacyApiError {
  return new SpacyApiError(status, "unexpected_response", message, body);
}

function convertOffsets(status: number, text: string, entities: Entity[]): ClientEntity[] {
  try {
    return withJsIndices(text, entities);
  } catch (error) {
    // Offsets past the end of the text: the answer does not belong to this request.
    throw unexpected(status, `entity offsets do not fit the request text: ${(error as Error).message}`, entities);
  }
}

function isEntity(value: unknown): value is Entity {
  if (typeof value !== "object" || value === null) {
    return false;
  }
  const e = value as Record<string, unknown>;
  return (
    typeof e.text === "string" && typeof e.label === "string" && Number.isInteger(e.start) && Number.isInteger(e.end)
  );
}

function isEntityList(value: unknown): value is Entity[] {
  return Array.isArray(value) && value.every(isEntity);
}

function isHealthResponse(value: unknown): value is HealthResponse {
  if (typeof value !== "object" || value === null) {
    return false;
  }
  const h = value as Record<string, unknown>;
  const model = h.model as Record<string, unknown> | null | undefined;
  return (
    h.status === "ok" &&
    typeof model === "object" &&
    model !== null &&
    typeof model.name === "string" &&
    typeof model.version === "string" &&
    Array.isArray(h.components) &&
    h.components.every((c) => typeof c === "string") &&
    typeof h.load_seconds === "number"
  );
}

function isModelsResponse(value: unknown): value is ModelsResponse {
  const models = typeof value === "object" && value !== null ? (value as { models?: unknown }).models : undefined;
  return (
    Array.isArray(models) &&
    models.every((m) => {
      const model = m as Record<string, unknown> | null;
      return (
        typeof model === "object" &&
        model !== null &&
        typeof model.name === "string" &&
        typeof model.version === "string" &&
        typeof model.default === "boolean" &&
        typeof model.synced === "boolean" &&
        Array.isArray(model.components) &&
        typeof model.labels === "object" &&
        model.labels !== null
      );
    })
  );
}
