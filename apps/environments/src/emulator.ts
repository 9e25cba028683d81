import type { AwsProviderConfig } from "@cdktf/provider-aws/lib/provider";

/**
 * The explicit switch that points every stack at a local AWS emulator (moto) instead of AWS.
 * It exists only because tests cannot reach AWS; it refuses anything but a loopback endpoint so
 * that a stray variable can never redirect a real environment's credentials elsewhere.
 */
export const EMULATOR_ENDPOINT_VARIABLE = "SERVERLESS_SPACY_EMULATOR_ENDPOINT";

const SERVICES = ["apigatewayv2", "cloudwatch", "cloudwatchlogs", "ec2", "efs", "iam", "lambda", "s3", "sts", "xray"] as const;

/** Reads the switch; undefined means real AWS. */
export function emulatorEndpoint(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[EMULATOR_ENDPOINT_VARIABLE];
  if (value === undefined || value === "") {
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${EMULATOR_ENDPOINT_VARIABLE}="${value}" is not a URL; expected e.g. http://127.0.0.1:5000`);
  }
  if (!["127.0.0.1", "localhost", "[::1]"].includes(url.hostname)) {
    throw new Error(`${EMULATOR_ENDPOINT_VARIABLE}="${value}" must point at a loopback address (127.0.0.1, localhost or [::1])`);
  }
  return url.origin;
}

/** Provider settings that send every call to the emulator with test credentials. */
export function emulatorProviderSettings(endpoint: string): Partial<AwsProviderConfig> {
  return {
    accessKey: "test",
    secretKey: "test",
    skipCredentialsValidation: true,
    skipRequestingAccountId: true,
    skipMetadataApiCheck: "true",
    s3UsePathStyle: true,
    endpoints: [Object.fromEntries(SERVICES.map((service) => [service, endpoint]))],
  };
}
