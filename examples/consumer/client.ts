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
  } catch (err) {
    if (!(err instanceof SpacyApiError)) throw err;
    console.log(JSON.stringify({ status: err.status, code: err.code }));
    return;
  }
  throw new Error("an empty batch was accepted");
}

main(process.argv[2] ?? "http://127.0.0.1:8080").catch((err) => {
  console.error(err);
  process.exit(1);
});
