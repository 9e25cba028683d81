import { ACCESS_LOG_FORMAT } from "../src/ner-http-api";

/**
 * API Gateway writes an access log line by pasting each `$context` variable's value into the format as is: no
 * JSON escaping. These tests render the format the same way.
 */
const VARIABLE = /\$context\.[A-Za-z0-9_.]+/g;

/**
 * Variables whose values cannot contain `"` or `\`, with a realistic value each: API Gateway draws them from a
 * closed alphabet (ids, IPs, times, HTTP tokens, configured route keys, numbers, IAM ARNs).
 */
const QUOTE_FREE: Record<string, string> = {
  "$context.requestId": "Jk3bRiZ6DoEEMMw=",
  "$context.identity.sourceIp": "203.0.113.7",
  "$context.requestTime": "03/Dec/2026:16:10:00 +0000",
  "$context.httpMethod": "POST",
  "$context.routeKey": "POST /entities",
  "$context.status": "200",
  "$context.protocol": "HTTP/1.1",
  "$context.responseLength": "58",
  "$context.integrationLatency": "41",
  "$context.integration.integrationStatus": "200",
  "$context.integration.requestId": "5b8d3d5e-1e7d-4a53-9d3a-1f2b7c9a0e11",
  "$context.identity.userArn": "arn:aws:sts::123456789012:assumed-role/caller/session",
  "$context.identity.accountId": "123456789012",
};

/** What a caller can put into a header, a token claim or (through IAM auth errors) a message. */
const HOSTILE = 'curl/8.0 "},"status":"200","x":"\\';

/** The line API Gateway would write: quote-free variables get their sample, every other one the hostile text. */
function render(format: string): string {
  return format.replace(VARIABLE, (name) => QUOTE_FREE[name] ?? HOSTILE);
}

describe("API access log format", () => {
  test("uses only variables whose values cannot contain a quote or a backslash", () => {
    const used = [...new Set(ACCESS_LOG_FORMAT.match(VARIABLE))];
    expect(used.length).toBeGreaterThan(0);
    expect(used.filter((v) => !(v in QUOTE_FREE))).toEqual([]);
  });

  test("a request with a hostile user agent still logs one parseable JSON object with every field", () => {
    const line = render(ACCESS_LOG_FORMAT);
    const parsed = JSON.parse(line) as Record<string, string>;
    expect(Object.keys(parsed)).toEqual(Object.keys(JSON.parse(ACCESS_LOG_FORMAT)));
    expect(parsed).toMatchObject({
      ip: "203.0.113.7",
      status: "200",
      callerArn: "arn:aws:sts::123456789012:assumed-role/caller/session",
      lambdaRequestId: "5b8d3d5e-1e7d-4a53-9d3a-1f2b7c9a0e11",
    });
    expect(line).not.toContain(HOSTILE);
  });

  test("the renderer is API Gateway's: a hand-quoted user agent breaks the line (the format before the fix)", () => {
    const handQuoted = JSON.stringify({ status: "$context.status", userAgent: "$context.identity.userAgent" });
    expect(() => JSON.parse(render(handQuoted))).toThrow(SyntaxError);
  });
});
