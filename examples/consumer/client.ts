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
  const { models } = await client.models();
  console.log(JSON.stringify(models.map(({ name, default: isDefault, synced }) => ({ name, isDefault, synced }))));
  const chosen = new SpacyApiClient({ baseUrl, model: models[0].name });
  console.log(JSON.stringify(await chosen.entities("He works at Google.")));
  console.log(JSON.stringify((await client.health({ model: models[0].name })).status));
  console.log(
    JSON.stringify(await outcome(() => client.entities("He works at Google.", { model: "xx_no_such_model" }))),
  );
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
