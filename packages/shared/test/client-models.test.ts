import { SpacyApiClient, SpacyApiError } from "../src/client";
import { type ModelsResponse } from "../src/internal";

const GOOGLE = { text: "Google", label: "ORG", start: 12, end: 18 };
const MODELS: ModelsResponse = {
  models: [
    {
      name: "en_core_web_sm",
      version: "3.8.0",
      default: true,
      synced: true,
      components: ["ner"],
      labels: { ner: ["ORG"] },
    },
    { name: "en_team", version: "1.0.0", default: false, synced: false, components: [], labels: {} },
  ],
};

/** A fetch that records each call and answers what the route would: entities, a health report, the models. */
function recordingFetch(calls: string[], models: unknown = MODELS): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    calls.push(`${init?.method} ${url}`);
    const batch = typeof init?.body === "string" && "texts" in JSON.parse(init.body);
    const answer = url.endsWith("/entities")
      ? batch
        ? [[GOOGLE]]
        : [GOOGLE]
      : url.endsWith("/health")
        ? { status: "ok", model: { name: "m", version: "1" }, components: [], load_seconds: 0.1 }
        : url.endsWith("/analyze")
          ? { entities: [GOOGLE] }
          : models;
    return new Response(JSON.stringify(answer), { status: 200 });
  }) as typeof fetch;
}

describe("model selection and GET /models", () => {
  test("without a model every call uses the unprefixed routes (the API's default model)", async () => {
    const calls: string[] = [];
    const client = new SpacyApiClient({ baseUrl: "https://api.example/prod/", fetch: recordingFetch(calls) });
    await client.entities("He works at Google.");
    await client.health();
    expect(calls).toEqual(["POST https://api.example/prod/entities", "GET https://api.example/prod/health"]);
  });

  test("the client's model prefixes every model-scoped call; a call's own model overrides it", async () => {
    const calls: string[] = [];
    const client = new SpacyApiClient({
      baseUrl: "https://api.example/prod",
      model: "en_core_web_sm",
      fetch: recordingFetch(calls),
    });
    expect(await client.entities("He works at Google.")).toEqual([{ ...GOOGLE, jsStart: 12, jsEnd: 18 }]);
    await client.entitiesBatch(["He works at Google."], { model: "en_team" });
    await client.analyze("He works at Google.", ["entities"]);
    await client.health({ model: "en_team" });
    expect(calls).toEqual([
      "POST https://api.example/prod/models/en_core_web_sm/entities",
      "POST https://api.example/prod/models/en_team/entities",
      "POST https://api.example/prod/models/en_core_web_sm/analyze",
      "GET https://api.example/prod/models/en_team/health",
    ]);
  });

  test("a model name is one path segment, however it is spelt", async () => {
    const calls: string[] = [];
    const client = new SpacyApiClient({ baseUrl: "https://api.example", fetch: recordingFetch(calls) });
    await client.entities("He works at Google.", { model: "../health?x=1" });
    expect(calls).toEqual(["POST https://api.example/models/..%2Fhealth%3Fx%3D1/entities"]);
  });

  test("models() answers the model list, and an answer of another shape is unexpected_response", async () => {
    const calls: string[] = [];
    const client = new SpacyApiClient({
      baseUrl: "https://api.example",
      model: "ignored",
      fetch: recordingFetch(calls),
    });
    expect(await client.models()).toEqual(MODELS);
    expect(calls).toEqual(["GET https://api.example/models"]);
    const broken = new SpacyApiClient({
      baseUrl: "https://api.example",
      fetch: recordingFetch([], { models: [{ name: "en", version: "1" }] }),
    });
    await expect(broken.models()).rejects.toMatchObject({ code: "unexpected_response", status: 200 });
    await expect(broken.models()).rejects.toBeInstanceOf(SpacyApiError);
  });
});
