// A service that only calls the API: it installs @serverless-spacy/shared alone, without cdktf.
import { SpacyApiClient, SpacyApiError, type ClientEntity } from "@serverless-spacy/shared/client";

async function main(baseUrl: string): Promise<void> {
  const client = new SpacyApiClient({ baseUrl });
  const entities: ClientEntity[] = await client.entities("He works at Google.");
  console.log(JSON.stringify(entities));
  console.log(JSON.stringify(await client.analyze("He works at Google.", ["entities", "sents"])));
  try {
    await client.analyze("He works at Google.", ["cats"]);
    throw new Error("a field the pipeline cannot produce was accepted");
  } catch (err) {
    if (!(err instanceof SpacyApiError)) throw err;
    console.log(JSON.stringify({ status: err.status, code: err.code }));
  }
  try {
    await client.entitiesBatch([]);
    throw new Error("an empty batch was accepted");
  } catch (err) {
    if (!(err instanceof SpacyApiError)) throw err;
    console.log(JSON.stringify({ status: err.status, code: err.code }));
  }
  // Several models behind one API: GET /models, and a model chosen per client or per call.
  console.log(JSON.stringify(await outcome(() => client.models())));
  const sm = new SpacyApiClient({ baseUrl, model: "en_core_web_sm" });
  console.log(JSON.stringify(await outcome(() => sm.entities("He works at Google."))));
  console.log(JSON.stringify(await outcome(() => client.health({ model: "en_core_web_sm" }))));
}

/** The answer, or the status and code of the API's refusal. */
async function outcome(call: () => Promise<unknown>): Promise<unknown> {
  try {
    return { ok: await call() };
  } catch (err) {
    if (!(err instanceof SpacyApiError)) throw err;
    return { status: err.status, code: err.code };
  }
}

main(process.argv[2] ?? "http://127.0.0.1:8080").catch((err) => {
  console.error(err);
  process.exit(1);
});
