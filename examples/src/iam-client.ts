// A caller of an IAM-auth API: the typed client from @serverless-spacy/shared (no cdktf needed) with a
// fetch that signs each request with SigV4 for execute-api. The client itself stays dependency-free; the
// signing comes from AWS's own libraries (@smithy/signature-v4, @aws-crypto/sha256-js).
import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";
import { SpacyApiClient } from "@serverless-spacy/shared/client";

/** AWS credentials, e.g. from the environment of a Lambda function, ECS task or CI job. */
export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** A fetch that signs every request for API Gateway (service "execute-api") in `region`. */
export function sigv4Fetch(region: string, credentials: Credentials): typeof fetch {
  const signer = new SignatureV4({ service: "execute-api", region, credentials, sha256: Sha256 });
  return async (input, init = {}) => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    const headers: Record<string, string> = { host: url.host };
    new Headers(init.headers).forEach((value, key) => (headers[key] = value));
    const signed = await signer.sign({
      method: init.method ?? "GET",
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body: init.body === null ? undefined : (init.body as string | undefined),
    });
    return fetch(url, { ...init, headers: signed.headers });
  };
}

/** A client for `apiUrl` that signs with the given credentials. */
export function iamClient(apiUrl: string, region: string, credentials: Credentials): SpacyApiClient {
  return new SpacyApiClient({ baseUrl: apiUrl, fetch: sigv4Fetch(region, credentials) });
}

if (require.main === module) {
  const [apiUrl, text = "He works at Google."] = process.argv.slice(2);
  const { AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN } = process.env;
  if (!apiUrl || !AWS_REGION || !AWS_ACCESS_KEY_ID || !AWS_SECRET_ACCESS_KEY) {
    console.error("usage: AWS_REGION=… AWS_ACCESS_KEY_ID=… AWS_SECRET_ACCESS_KEY=… iam-client <api url> [text]");
    process.exit(2);
  }
  const credentials = {
    accessKeyId: AWS_ACCESS_KEY_ID,
    secretAccessKey: AWS_SECRET_ACCESS_KEY,
    sessionToken: AWS_SESSION_TOKEN,
  };
  iamClient(apiUrl, AWS_REGION, credentials)
    .entities(text)
    .then((entities) => console.log(JSON.stringify(entities)))
    .catch((error) => {
      console.error(String(error));
      process.exit(1);
    });
}
