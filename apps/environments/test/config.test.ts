import { environments } from "../src/config/environments";
import { ConfigError, loadEnvironments } from "../src/config/load";
import type { EnvironmentConfigInput } from "../src/config/schema";

type Patch = (c: any) => void;

function withChange(environment: string, patch: Patch): Record<string, EnvironmentConfigInput> {
  const copy = structuredClone(environments);
  patch(copy[environment]);
  return copy;
}

function problemsOf(configs: Record<string, EnvironmentConfigInput>): string {
  try {
    loadEnvironments(configs);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error("config was accepted");
}

describe("environment config", () => {
  test("the shipped environments are valid and get their defaults", () => {
    const configs = loadEnvironments(environments);
    expect(Object.keys(configs)).toEqual(["dev", "staging", "prod"]);
    expect(configs.dev.network.natGateways).toBe("single");
    expect(configs.prod.network.natGateways).toBe("one-per-az");
    expect(configs.dev.models[0]).toMatchObject({ name: "en_core_web_sm", version: "3.8.0" });
    expect(configs.prod.models[0]).toMatchObject({ name: "en_core_web_lg", version: "3.8.0" });
    expect(configs.prod.models[0].provisionedConcurrency).toBeGreaterThanOrEqual(1);
    expect(configs.staging.function.timeout).toBe(30);
  });

  test("an environment deployed by hand may keep local state and skip the account pin; a new one is not shared", () => {
    const configs = loadEnvironments(
      withChange("dev", (c) => {
        delete c.allowedAccountIds;
        delete c.backend;
        delete c.permissionsBoundaryPolicy;
        c.delivery = { pipeline: false, reason: "a personal sandbox, deployed from a laptop" };
      }),
    );
    expect(configs.dev.backend).toBeUndefined();
    const qa = structuredClone(environments.dev);
    expect(
      Object.keys(
        loadEnvironments({ ...environments, qa: { ...qa, network: { ...qa.network, cidr: "10.40.0.0/16" } } }),
      ),
    ).toContain("qa");
  });

  test("an open API within the caps is accepted, and the caps do not apply with auth", () => {
    expect(() =>
      loadEnvironments(
        withChange("dev", (c) => Object.assign(c.api, { throttlingRateLimit: 10, throttlingBurstLimit: 20 })),
      ),
    ).not.toThrow();
    expect(() => loadEnvironments(withChange("dev", (c) => (c.models[0].reservedConcurrency = 10)))).not.toThrow();
    expect(() =>
      loadEnvironments(
        withChange("dev", (c) =>
          Object.assign(c, {
            api: { auth: "iam", throttlingRateLimit: 500 },
            models: [{ ...c.models[0], reservedConcurrency: 200 }],
          }),
        ),
      ),
    ).not.toThrow();
  });

  test.each<[string, string, Patch, RegExp]>([
    [
      "two models of one name",
      "staging",
      (c) => c.models.push({ ...c.models[0] }),
      /environment "staging", field models.1.name: must be unique: it names the model's routes, function and directory/,
    ],
    [
      "a default model that is not listed",
      "staging",
      (c) => (c.defaultModel = "en_core_web_md"),
      /environment "staging", field defaultModel: must be the name of one of the models \(en_core_web_lg\) \(got "en_core_web_md"\)/,
    ],
    [
      "open API: two models whose reservations sum over the cap",
      "dev",
      (c) => c.models.push({ ...c.models[0], name: "en_acme_support", reservedConcurrency: 6 }),
      /environment "dev", field models.1.reservedConcurrency: must keep the models' reservations at most 10 in all \(they sum to 11\)/,
    ],
    [
      "a model name too long for the function names derived from it",
      "staging",
      (c) => (c.models[0].name = `en_${"x".repeat(50)}`),
      /environment "staging", field models.0.name: makes the function name "spacy-staging-en_x+-sync" 72 characters long, over Lambda's 64/,
    ],
    ["no models", "dev", (c) => (c.models = []), /environment "dev", field models: must list at least one model/],
    [
      "bad CIDR",
      "dev",
      (c) => (c.network.cidr = "10.10.0.0/33"),
      /environment "dev", field network.cidr: must be an IPv4 CIDR block like 10.0.0.0\/16 \(got "10.10.0.0\/33"\)/,
    ],
    [
      "azCount too high",
      "staging",
      (c) => (c.network.azCount = 7),
      /environment "staging", field network.azCount: .*<=6 \(got 7\)/,
    ],
    [
      "azCount zero",
      "dev",
      (c) => (c.network.azCount = 0),
      /environment "dev", field network.azCount: .*>=1 \(got 0\)/,
    ],
    [
      "memory too low",
      "dev",
      (c) => (c.models[0].memorySize = 64),
      /environment "dev", field models.0.memorySize: .*>=128 \(got 64\)/,
    ],
    [
      "memory too high",
      "prod",
      (c) => (c.models[0].memorySize = 20000),
      /environment "prod", field models.0.memorySize: .*<=10240 \(got 20000\)/,
    ],
    [
      "unknown NAT mode",
      "dev",
      (c) => (c.network.natGateways = "two"),
      /field network.natGateways: .*"one-per-az"\|"single"\|"none" \(got "two"\)/,
    ],
    [
      "bad retention",
      "dev",
      (c) => (c.function.logRetentionDays = 13),
      /field function.logRetentionDays: must be one of CloudWatch Logs' retention periods: 1, 3, 5.*\(got 13\)/,
    ],
    [
      "bad region",
      "dev",
      (c) => (c.region = "Europe"),
      /field region: must be an AWS region like eu-west-1 \(got "Europe"\)/,
    ],
    [
      "bad model name",
      "dev",
      (c) => (c.models[0].name = "en-core-web-sm"),
      /field models.0.name: must be a spaCy package name "<lang>_<name>" in lower-case snake_case .* \(got "en-core-web-sm"\)/,
    ],
    // Accepted by the old schema's looser pattern, refused by the construct with a plain Error: now in the report.
    [
      "model name without a language prefix",
      "dev",
      (c) => (c.models[0].name = "spacymodel"),
      /environment "dev", field models.0.name: must be a spaCy package name .* \(got "spacymodel"\)/,
    ],
    [
      "model version range",
      "dev",
      (c) => (c.models[0].version = ">=3.8"),
      /field models.0.version: must be an exact PEP 440 version .* \(got ">=3.8"\)/,
    ],
    [
      "subnets do not fit",
      "dev",
      (c) => Object.assign(c.network, { cidr: "10.10.0.0/24", subnetPrefixLength: 26, azCount: 3 }),
      /field network.subnetPrefixLength: leaves room for 4 subnets in 10.10.0.0\/24, 6 are needed/,
    ],
    [
      "jwt without settings",
      "staging",
      (c) => (c.api.auth = "jwt"),
      /environment "staging", field api.jwt: is required when api.auth is "jwt" \(it is missing\)/,
    ],
    [
      "unknown field",
      "dev",
      (c) => (c.function.memory = 2048),
      /environment "dev", field function: unknown field\(s\) "memory"/,
    ],
    ["missing field", "dev", (c) => delete c.alarms, /environment "dev", field alarms: .*\(it is missing\)/],
    [
      "prod without provisioned concurrency",
      "prod",
      (c) => (c.models[0].provisionedConcurrency = 0),
      /environment "prod", field models.0.provisionedConcurrency: must be at least 1 in prod.*\(got 0\)/,
    ],
    [
      "prod without alarms",
      "prod",
      (c) => (c.alarms.enabled = false),
      /environment "prod", field alarms.enabled: must be true in prod/,
    ],
    [
      "prod open API",
      "prod",
      (c) => (c.api.auth = "none"),
      /environment "prod", field api.auth: must not be "none" in prod \(got "none"\)/,
    ],
    [
      "model without a source",
      "dev",
      (c) => delete c.models[0].source,
      /environment "dev", field models.0.source: .*\(it is missing\)/,
    ],
    [
      "source without a hash",
      "dev",
      (c) => delete c.models[0].source.sha256,
      /environment "dev", field models.0.source.sha256: .*\(it is missing\)/,
    ],
    [
      "short hash",
      "dev",
      (c) => (c.models[0].source.sha256 = "1932429d"),
      /field models.0.source.sha256: must be the wheel's sha256: 64 lowercase hex digits \(got "1932429d"\)/,
    ],
    [
      "upper-case hash",
      "staging",
      (c) => (c.models[0].source.sha256 = "AB".repeat(32)),
      /environment "staging", field models.0.source.sha256: must be the wheel's sha256/,
    ],
    [
      "s3 source without a key",
      "dev",
      (c) => (c.models[0].source = { kind: "s3", bucket: "acme-models", sha256: "ab".repeat(32) }),
      /field models.0.source.key: .*\(it is missing\)/,
    ],
    [
      "s3 key that is not a wheel",
      "dev",
      (c) => (c.models[0].source = { kind: "s3", bucket: "acme-models", key: "m.zip", sha256: "ab".repeat(32) }),
      /field models.0.source.key: must name a .whl file \(got "m.zip"\)/,
    ],
    [
      "s3 source with a location",
      "dev",
      (c) =>
        (c.models[0].source = {
          kind: "s3",
          bucket: "acme-models",
          key: "m.whl",
          location: "https://x",
          sha256: "ab".repeat(32),
        }),
      /field models.0.source: unknown field\(s\) "location"/,
    ],
    [
      "keepVersions 0 would retire the served version",
      "dev",
      (c) => (c.models[0].keepVersions = 0),
      /environment "dev", field models.0.keepVersions: .*>=1 \(got 0\)/,
    ],
    [
      "no NAT with a download from the internet",
      "dev",
      (c) => (c.network.natGateways = "none"),
      /environment "dev", field models.0.source.kind: must be "s3" when network.natGateways is "none"/,
    ],
    [
      "no NAT and no S3 endpoint",
      "dev",
      (c) =>
        Object.assign(c, {
          network: { ...c.network, natGateways: "none", s3GatewayEndpoint: false },
          models: [
            { ...c.models[0], source: { kind: "s3", bucket: "acme-models", key: "m.whl", sha256: "ab".repeat(32) } },
          ],
        }),
      /field network.s3GatewayEndpoint: must be true when network.natGateways is "none"/,
    ],
    [
      "no reserved concurrency",
      "staging",
      (c) => delete c.models[0].reservedConcurrency,
      /environment "staging", field models.0.reservedConcurrency: .*\(it is missing\)/,
    ],
    [
      "reservation below provisioned",
      "prod",
      (c) => {
        c.models[0].reservedConcurrency = 1;
        c.models[0].provisionedConcurrency = 2;
      },
      /environment "prod", field models.0.reservedConcurrency: must cover provisionedConcurrency \(2\).*\(got 1\)/,
    ],
    [
      "open API with a large reservation",
      "dev",
      (c) => (c.models[0].reservedConcurrency = 11),
      /environment "dev", field models.0.reservedConcurrency: must keep the models' reservations at most 10 in all \(they sum to 11\): with api.auth "none" anyone who has the URL can invoke the function.*\(got 11\)/,
    ],
    [
      "open API with a high rate",
      "dev",
      (c) => (c.api.throttlingRateLimit = 100),
      /environment "dev", field api.throttlingRateLimit: must be at most 10 requests\/s: with api.auth "none".*\(got 100\)/,
    ],
    [
      "open API with a high burst",
      "dev",
      (c) => (c.api.throttlingBurstLimit = 50),
      /environment "dev", field api.throttlingBurstLimit: must be at most 20 requests: .*\(got 50\)/,
    ],
    [
      "staging without remote state",
      "staging",
      (c) => delete c.backend,
      /environment "staging", field backend: is required in staging: a local state file can be lost.*apps\/bootstrap/,
    ],
    [
      "prod without account pin",
      "prod",
      (c) => delete c.allowedAccountIds,
      /environment "prod", field allowedAccountIds: is required in prod: it stops a plan or apply with credentials for the wrong account/,
    ],
    [
      "staging alarms reach nobody",
      "staging",
      (c) => (c.alarms.subscriptions = []),
      /environment "staging", field alarms.subscriptions: needs at least one subscriber \(e-mail or https\) in staging.*\(got \[\]\)/,
    ],
    [
      "staging alarms off",
      "staging",
      (c) => (c.alarms.enabled = false),
      /environment "staging", field alarms.enabled: must be true in staging/,
    ],
    [
      "bad account id",
      "prod",
      (c) => (c.allowedAccountIds = ["1234"]),
      /environment "prod", field allowedAccountIds.0: must be a 12-digit AWS account id \(got "1234"\)/,
    ],
    [
      "bad e-mail subscriber",
      "prod",
      (c) => (c.alarms.subscriptions = [{ protocol: "email", endpoint: "oncall" }]),
      /environment "prod", field alarms.subscriptions.0.endpoint: must be an e-mail address \(got "oncall"\)/,
    ],
    [
      "http subscriber",
      "prod",
      (c) => (c.alarms.subscriptions = [{ protocol: "https", endpoint: "http://hooks.example.com/x" }]),
      /environment "prod", field alarms.subscriptions.0.endpoint: must be an https URL/,
    ],
    [
      "M above N",
      "dev",
      (c) => (c.alarms.datapointsToAlarm = 6),
      /environment "dev", field alarms.datapointsToAlarm: must be at most alarms.evaluationPeriods \(5\) \(got 6\)/,
    ],
    [
      "prod single NAT",
      "prod",
      (c) => (c.network.natGateways = "single"),
      /environment "prod", field network.natGateways: must be "one-per-az" in prod/,
    ],
    [
      "pipeline-deployed dev without remote state",
      "dev",
      (c) => delete c.backend,
      /environment "dev", field backend: is required when the pipeline deploys it .*fresh runner.* \(got undefined\)/,
    ],
    [
      "pipeline-deployed dev without an account pin",
      "dev",
      (c) => delete c.allowedAccountIds,
      /environment "dev", field allowedAccountIds: is required when the pipeline deploys it/,
    ],
    [
      "pipeline-deployed dev without the boundary",
      "dev",
      (c) => delete c.permissionsBoundaryPolicy,
      /environment "dev", field permissionsBoundaryPolicy: is required when the pipeline deploys it .*boundary/,
    ],
    [
      "a boundary that is not a policy name",
      "dev",
      (c) => (c.permissionsBoundaryPolicy = "arn:aws:iam::1:policy/x"),
      /environment "dev", field permissionsBoundaryPolicy: must be an IAM policy name \(got "arn:aws:iam::1:policy\/x"\)/,
    ],
    [
      "prod planned on pull requests",
      "prod",
      (c) => (c.delivery.pullRequestPlans = true),
      /environment "prod", field delivery.pullRequestPlans: must be false in prod: .*\(got true\)/,
    ],
    [
      "an environment deployed by hand without the reason",
      "dev",
      (c) => (c.delivery = { pipeline: false }),
      /environment "dev", field delivery.reason: .*\(it is missing\)/,
    ],
    [
      "delivery not said",
      "staging",
      (c) => delete c.delivery,
      /environment "staging", field delivery: .*\(it is missing\)/,
    ],
  ])("%s", (_, environment, patch, message) => {
    expect(problemsOf(withChange(environment, patch))).toMatch(message);
  });

  test("a PEP 440 pre-release model version is accepted, as the constructs accept it", () => {
    const configs = loadEnvironments(withChange("dev", (c) => (c.models[0].version = "3.8.0rc1")));
    expect(configs.dev.models[0].version).toBe("3.8.0rc1");
  });

  test("the environments pin the published sha256 of the spaCy wheels they name", () => {
    const configs = loadEnvironments(environments);
    // Each hash from two independent public sources; see docs/model-sync.md.
    const published: Record<string, string> = {
      "en_core_web_sm-3.8.0": "1932429db727d4bff3deed6b34cfc05df17794f4a52eeb26cf8928f7c1a0fb85",
      "en_core_web_lg-3.8.0": "293e9547a655b25499198ab15a525b05b9407a75f10255e405e8c3854329ab63",
    };
    for (const model of Object.values(configs).flatMap((config) => config.models)) {
      const release = `${model.name}-${model.version}`;
      expect(model.source).toEqual({
        kind: "wheel_url",
        location: `https://github.com/explosion/spacy-models/releases/download/${release}/${release}-py3-none-any.whl`,
        sha256: published[release],
      });
    }
  });

  test("an environment without NAT gateways takes its model from S3", () => {
    const configs = loadEnvironments(
      withChange("dev", (c) => {
        c.network.natGateways = "none";
        c.models[0].source = {
          kind: "s3",
          bucket: "acme-models",
          key: "en/en_core_web_sm-3.8.0-py3-none-any.whl",
          sha256: "ab".repeat(32),
        };
      }),
    );
    expect(configs.dev.network).toMatchObject({ natGateways: "none", s3GatewayEndpoint: true });
    expect(configs.dev.models[0].source).toMatchObject({ kind: "s3", bucket: "acme-models" });
  });

  test("overlapping environment CIDRs name both environments", () => {
    const message = problemsOf(withChange("prod", (c) => (c.network.cidr = "10.10.128.0/17")));
    expect(message).toMatch(
      /environment "prod", field network.cidr: 10.10.128.0\/17 overlaps environment "dev" \(10.10.0.0\/16\)/,
    );
  });

  test("every problem is reported at once", () => {
    const message = problemsOf(
      withChange("dev", (c) => {
        c.network.cidr = "nope";
        c.models[0].memorySize = 1;
      }),
    );
    expect(message).toMatch(/network.cidr/);
    expect(message).toMatch(/models.0.memorySize/);
  });

  test("environment names must be usable as resource prefixes", () => {
    expect(problemsOf({ Prod_1: environments.prod })).toMatch(/environment "Prod_1": the name must be lowercase/);
  });
});
