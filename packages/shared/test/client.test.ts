import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { SpacyApiClient, SpacyApiError } from "../src/client";
import { type ApiErrorCode, type Entity, type HealthResponse } from "../src/internal";

// A stand-in for the Python handler behind API Gateway, on a real socket: it finds a few known names
// and reports offsets the way Python does (code points), and answers errors in the handler's shape.
const KNOWN: Record<string, string> = { Google: "ORG", Ada: "PERSON", London: "GPE" };
const MAX_CODE_POINTS = 200;
const MAX_TEXTS = 3;
const STAGE = "/prod";

function pythonEntities(text: string): Entity[] {
  const chars = Array.from(text); // Python's str: one item per code point
  const found: Entity[] = [];
  for (const [name, label] of Object.entries(KNOWN)) {
    const target = Array.from(name);
    for (let i = 0; i + target.length <= chars.length; i++) {
      if (target.every((c, j) => chars[i + j] === c)) {
        found.push({ text: name, label, start: i, end: i + target.length });
      }
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

const seen: { method?: string; url?: string; headers?: IncomingMessage["headers"]; body?: string } = {};

function send(res: ServerResponse, status: number, body: unknown, contentType = "application/json"): void {
  res.writeHead(status, { "content-type": contentType });
  res.end(typeof body === "string" ? body : JSON.stringify(body));
}
const apiError = (res: ServerResponse, status: number, code: ApiErrorCode, message: string) =>
  send(res, status, { error: { code, message } });

function handle(req: IncomingMessage, res: ServerResponse, raw: string): void {
  Object.assign(seen, { method: req.method, url: req.url, headers: req.headers, body: raw });
  const route = req.url?.startsWith(STAGE) ? req.url.slice(STAGE.length) : undefined;
  if (route === undefined) {
    // Outside the stage: API Gateway's own answer, not the handler's.
    return send(res, 404, { message: "Not Found" });
  }
  const allowed = route === "/health" ? "GET" : route === "/entities" ? "POST" : undefined;
  if (!allowed) return apiError(res, 404, "not_found", `No route for ${req.method} ${route}`);
  if (req.method !== allowed) {
    res.setHeader("allow", allowed);
    return apiError(res, 405, "method_not_allowed", `${route} does not accept ${req.method}; use ${allowed}.`);
  }
  if (route === "/health") {
    if (req.headers["x-scenario"] === "cold") {
      return apiError(
        res,
        503,
        "model_not_synced",
        "Model not synced: /mnt/models/en_core_web_sm/3.8.0 has no spaCy model",
      );
    }
    const health: HealthResponse = {
      status: "ok",
      model: { name: "en_core_web_sm", version: "3.8.0" },
      components: ["tok2vec", "ner"],
      load_seconds: 1.25,
    };
    return send(res, 200, health);
  }
  let body: any;
  try {
    body = JSON.parse(raw);
  } catch {
    return apiError(res, 400, "malformed_json", "Body is not valid JSON.");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return apiError(res, 400, "invalid_body", 'Expected a JSON object with "text" or "texts".');
  }
  if ("text" in body && "texts" in body)
    return apiError(res, 400, "ambiguous_input", 'Send either "text" or "texts", not both.');
  if (!("text" in body) && !("texts" in body))
    return apiError(res, 400, "missing_text", 'Body needs "text" or "texts".');
  if ("text" in body && typeof body.text !== "string")
    return apiError(res, 400, "invalid_text", '"text" must be a string.');
  const texts: unknown[] = "text" in body ? [body.text] : body.texts;
  if (!Array.isArray(texts)) return apiError(res, 400, "invalid_texts", '"texts" must be a list of strings.');
  if (texts.length === 0) return apiError(res, 400, "empty_batch", '"texts" is empty; send at least one string.');
  if (texts.length > MAX_TEXTS)
    return apiError(res, 413, "too_many_texts", `the limit is MAX_BATCH_TEXTS=${MAX_TEXTS}`);
  if (!texts.every((t) => typeof t === "string"))
    return apiError(res, 400, "invalid_texts", '"texts" must be a list of strings.');
  // Python's len(): code points.
  if (texts.some((t) => Array.from(t as string).length > MAX_CODE_POINTS)) {
    return apiError(res, 413, "text_too_large", `the limit is MAX_TEXT_CHARS=${MAX_CODE_POINTS}`);
  }
  const scenario = texts[0] as string;
  if (scenario === "CRASH") return apiError(res, 500, "internal_error", "internal error");
  if (scenario === "GATEWAY") return send(res, 500, { message: "Internal Server Error" });
  if (scenario === "HTML") return send(res, 502, "<html><body>Bad Gateway</body></html>", "text/html");
  if (scenario === "UNKNOWN_CODE") return send(res, 418, { error: { code: "teapot", message: "short and stout" } });
  if (scenario === "SHAPE") return send(res, 200, { entities: [] });
  if (scenario === "OFFSETS") return send(res, 200, [{ text: "Google", label: "ORG", start: 40, end: 46 }]);
  if (scenario === "SLOW") {
    setTimeout(() => send(res, 200, []), 400);
    return;
  }
  const results = (texts as string[]).map(pythonEntities);
  return send(res, 200, "text" in body ? results[0] : results);
}

let server: Server;
let origin: string;
let client: SpacyApiClient;

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (chunk) => (raw += chunk));
    req.on("end", () => handle(req, res, raw));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = new SpacyApiClient({ baseUrl: `${origin}${STAGE}/`, headers: { "x-api-key": "secret" } });
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function apiErrorOf(promise: Promise<unknown>): Promise<SpacyApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SpacyApiError);
  return error as SpacyApiError;
}

describe("SpacyApiClient against a local HTTP server", () => {
  test("entities: an emoji before the entity, Python offset 14 becomes JS index 15", async () => {
    const text = "🚀 He works at Google.";
    const entities = await client.entities(text);
    expect(entities).toEqual([{ text: "Google", label: "ORG", start: 14, end: 20, jsStart: 15, jsEnd: 21 }]);
    expect(text.slice(entities[0].jsStart, entities[0].jsEnd)).toBe("Google");
    expect(seen.method).toBe("POST");
    expect(seen.url).toBe("/prod/entities");
    expect(JSON.parse(seen.body!)).toEqual({ text });
    expect(seen.headers?.["content-type"]).toBe("application/json");
    expect(seen.headers?.["x-api-key"]).toBe("secret");
  });

  test("limits count code points, like Python: many emoji fit where their UTF-16 length would not", async () => {
    const text = `${"🚀".repeat(150)} at Google`; // 160 code points, 310 UTF-16 units
    expect(text.length).toBeGreaterThan(MAX_CODE_POINTS);
    const [google] = await client.entities(text);
    expect([google.start, google.jsStart]).toEqual([154, 304]);
    expect(text.slice(google.jsStart, google.jsEnd)).toBe("Google");
  });

  test("the seed's example: no astral characters, both offsets agree", async () => {
    expect(await client.entities("He works at Google.")).toEqual([
      { text: "Google", label: "ORG", start: 12, end: 18, jsStart: 12, jsEnd: 18 },
    ]);
  });

  test("entitiesBatch: one list per text, each converted against its own text", async () => {
    const texts = ["🚀🚀 Ada in London", "Google", "nothing here"];
    const batch = await client.entitiesBatch(texts);
    expect(JSON.parse(seen.body!)).toEqual({ texts });
    expect(batch).toHaveLength(3);
    expect(batch[0].map((e) => [e.text, e.start, e.jsStart])).toEqual([
      ["Ada", 3, 5],
      ["London", 10, 12],
    ]);
    batch.forEach((entities, i) => entities.forEach((e) => expect(texts[i].slice(e.jsStart, e.jsEnd)).toBe(e.text)));
    expect(batch[2]).toEqual([]);
  });

  test("health", async () => {
    expect(await client.health()).toEqual({
      status: "ok",
      model: { name: "en_core_web_sm", version: "3.8.0" },
      components: ["tok2vec", "ner"],
      load_seconds: 1.25,
    });
    expect([seen.method, seen.url, seen.body]).toEqual(["GET", "/prod/health", ""]);
    expect(seen.headers?.["content-type"]).toBeUndefined();
  });

  test("the handler's errors become typed SpacyApiErrors", async () => {
    const cold = new SpacyApiClient({ baseUrl: `${origin}${STAGE}`, headers: { "x-scenario": "cold" } });
    const cases: [Promise<unknown>, number, ApiErrorCode][] = [
      [cold.health(), 503, "model_not_synced"],
      [client.entities("x".repeat(MAX_CODE_POINTS + 1)), 413, "text_too_large"],
      [client.entitiesBatch([]), 400, "empty_batch"],
      [client.entitiesBatch(["a", "b", "c", "d"]), 413, "too_many_texts"],
      [client.entities("CRASH"), 500, "internal_error"],
    ];
    for (const [promise, status, code] of cases) {
      const error = await apiErrorOf(promise);
      expect([error.status, error.code]).toEqual([status, code]);
      expect(error.message).not.toBe("");
      expect(error.body).toEqual({ error: { code, message: error.message } });
    }
  });

  test("routing and body errors from the handler (requests the client itself never makes)", async () => {
    const raw = async (method: string, route: string, body?: string) => {
      const res = await fetch(`${origin}${STAGE}${route}`, { method, body });
      return [res.status, ((await res.json()) as { error: { code: string } }).error.code];
    };
    expect(await raw("POST", "/entities", "{not json")).toEqual([400, "malformed_json"]);
    expect(await raw("POST", "/entities", "[]")).toEqual([400, "invalid_body"]);
    expect(await raw("POST", "/entities", "{}")).toEqual([400, "missing_text"]);
    expect(await raw("POST", "/entities", JSON.stringify({ text: "a", texts: ["b"] }))).toEqual([
      400,
      "ambiguous_input",
    ]);
    expect(await raw("POST", "/entities", JSON.stringify({ text: 42 }))).toEqual([400, "invalid_text"]);
    expect(await raw("POST", "/entities", JSON.stringify({ texts: ["a", 1] }))).toEqual([400, "invalid_texts"]);
    expect(await raw("GET", "/entities")).toEqual([405, "method_not_allowed"]);
    expect(await raw("GET", "/nope")).toEqual([404, "not_found"]);
  });

  test("answers that are not the handler's are 'unexpected_response', keeping status and body", async () => {
    const gateway = await apiErrorOf(client.entities("GATEWAY"));
    expect([gateway.status, gateway.code, gateway.message]).toEqual([
      500,
      "unexpected_response",
      "POST /entities answered 500: Internal Server Error",
    ]);
    const html = await apiErrorOf(client.entities("HTML"));
    expect([html.status, html.code, html.body]).toEqual([
      502,
      "unexpected_response",
      "<html><body>Bad Gateway</body></html>",
    ]);
    const unknownCode = await apiErrorOf(client.entities("UNKNOWN_CODE"));
    expect([unknownCode.status, unknownCode.code]).toEqual([418, "unexpected_response"]);
    const shape = await apiErrorOf(client.entities("SHAPE"));
    expect([shape.status, shape.code, shape.message]).toEqual([
      200,
      "unexpected_response",
      "POST /entities did not answer with a list of entities",
    ]);
    const offsets = await apiErrorOf(client.entities("OFFSETS"));
    expect([offsets.code, offsets.message]).toEqual([
      "unexpected_response",
      "entity offsets do not fit the request text: code point offset 40 is outside the text (0..7 code points)",
    ]);
    const outsideStage = await apiErrorOf(new SpacyApiClient({ baseUrl: origin }).health());
    expect([outsideStage.status, outsideStage.code, outsideStage.message]).toEqual([
      404,
      "unexpected_response",
      "GET /health answered 404: Not Found",
    ]);
  });

  test("a request slower than timeoutMs is aborted", async () => {
    const impatient = new SpacyApiClient({ baseUrl: `${origin}${STAGE}`, timeoutMs: 50 });
    await expect(impatient.entities("SLOW")).rejects.toMatchObject({ name: "TimeoutError" });
  });

  test("rejects a base URL or timeout it cannot use", () => {
    expect(() => new SpacyApiClient({ baseUrl: "api.example.com/prod" })).toThrow(
      'SpacyApiClient: baseUrl must be an absolute http(s) URL, got "api.example.com/prod"',
    );
    expect(() => new SpacyApiClient({ baseUrl: "ftp://api.example.com" })).toThrow(/absolute http\(s\) URL/);
    expect(() => new SpacyApiClient({ baseUrl: origin, timeoutMs: 0 })).toThrow(
      "SpacyApiClient: timeoutMs must be a positive integer, got 0",
    );
  });
});
