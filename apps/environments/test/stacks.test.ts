import * as path from "path";
import { Testing, type TerraformStack } from "cdktf";
import { buildApp } from "../src/app";
import { environments } from "../src/config/environments";
import { EMULATOR_ENDPOINT_VARIABLE } from "../src/emulator";

type Synth = Record<string, any>;

// The real synth's output directory, so paths relative to it read exactly as in cdktf.out.
const outdir = path.resolve(__dirname, "../../../cdktf.out");

function synthAll(env: NodeJS.ProcessEnv = {}): Record<string, Synth> {
  const app = buildApp({ env, outdir });
  const stacks = app.node.children as TerraformStack[];
  return Object.fromEntries(stacks.map((stack) => [stack.node.id, JSON.parse(Testing.synth(stack))]));
}

const values = (s: Synth, type: string): any[] => Object.values(s.resource[type] ?? {});

describe("environment stacks", () => {
  const stacks = synthAll();

  // What each environment creates, as resource type -> count: a resource added, removed or multiplied shows
  // here. The resources' contents are asserted where they matter (below and in the other suites), not
  // snapshotted, so a change to the function sources (a new asset hash) rewrites nothing.
  test.each(Object.keys(environments))("%s creates the resources it should, by type and count", (environment) => {
    const inventory = Object.fromEntries(
      Object.entries(stacks[environment].resource as Record<string, object>)
        .map(([type, resources]) => [type, Object.keys(resources).length] as const)
        .sort(([a], [b]) => a.localeCompare(b)),
    );
    expect(inventory).toMatchSnapshot();
  });

  test("every function runs CPython 3.12 on the layer, from an asset named by the hash of its sources", () => {
    for (const [environment, s] of Object.entries(stacks)) {
      const layers = Object.keys(s.resource.aws_lambda_layer_version);
      expect(layers).toHaveLength(1);
      const functions = values(s, "aws_lambda_function");
      const model = environment === "dev" ? "en_core_web_sm" : "en_core_web_lg";
      expect(functions.map((f) => [f.function_name, f.handler]).sort()).toEqual([
        [`spacy-${environment}-catalog`, "catalog_handler.handler"],
        [`spacy-${environment}-${model}`, "ner_handler.handler"],
        [`spacy-${environment}-${model}-sync`, "model_sync.handler"],
        // The batch job's worker shares the API's runtime folder (and so its asset).
        ...(environment === "staging" ? [] : [[`spacy-${environment}-ner-job-worker`, "batch_worker.handler"]]),
      ]);
      for (const f of functions) {
        expect(f.runtime).toBe("python3.12");
        // The catalog reads meta.json files and imports no spaCy: it needs no layer.
        const layered = f.handler !== "catalog_handler.handler";
        expect(f.layers).toEqual(layered ? [`\${aws_lambda_layer_version.${layers[0]}.arn}`] : []);
        expect(f.source_code_hash).toMatch(/^[0-9A-F]{32}$/);
        expect(f.filename).toMatch(new RegExp(`^assets/[\\w-]+/${f.source_code_hash}/archive\\.zip$`));
        expect(f.vpc_config.subnet_ids.every((id: string) => id.includes("_private-"))).toBe(true);
      }
    }
  });

  test("the AWS provider is pinned to the version @cdktf/provider-aws 21.22.1 was generated from", () => {
    for (const s of Object.values(stacks)) {
      expect(s.terraform.required_providers.aws).toEqual({ source: "aws", version: "6.25.0" });
    }
  });

  test("default tags name project, environment and tool", () => {
    for (const [environment, s] of Object.entries(stacks)) {
      expect(s.provider.aws[0].default_tags[0].tags).toMatchObject({
        Project: "serverless-spacy",
        Environment: environment,
        ManagedBy: "cdktf",
      });
    }
  });

  test("NAT gateways: one in dev, one per AZ in prod", () => {
    expect(values(stacks.dev, "aws_nat_gateway")).toHaveLength(1);
    expect(values(stacks.prod, "aws_nat_gateway")).toHaveLength(2);
    const prodNatRoutes = values(stacks.prod, "aws_route").filter((r) => r.nat_gateway_id);
    expect(new Set(prodNatRoutes.map((r) => r.nat_gateway_id)).size).toBe(2);
  });

  test("VPC CIDRs per environment", () => {
    expect(values(stacks.dev, "aws_vpc")[0].cidr_block).toBe("10.10.0.0/16");
    expect(values(stacks.staging, "aws_vpc")[0].cidr_block).toBe("10.20.0.0/16");
    expect(values(stacks.prod, "aws_vpc")[0].cidr_block).toBe("10.30.0.0/16");
  });

  test("the API function loads the environment's model from /mnt/models after the sync ran", () => {
    for (const [environment, model] of [
      ["dev", "en_core_web_sm"],
      ["prod", "en_core_web_lg"],
    ]) {
      const s = stacks[environment];
      const api = values(s, "aws_lambda_function").find((f) => f.function_name === `spacy-${environment}-${model}`);
      expect(api.file_system_config.local_mount_path).toBe("/mnt/models");
      expect(api.environment.variables).toMatchObject({
        MODEL_ROOT: "/mnt/models",
        MODEL_NAME: model,
        MODEL_VERSION: "3.8.0",
      });
      const [invocationId] = Object.keys(s.resource.aws_lambda_invocation);
      expect(api.depends_on).toContain(`aws_lambda_invocation.${invocationId}`);
      const invocation = s.resource.aws_lambda_invocation[invocationId];
      expect(JSON.parse(invocation.input)).toMatchObject({
        model_name: model,
        version: "3.8.0",
        source: {
          kind: "wheel_url",
          location:
            "https://github.com/explosion/spacy-models/releases/download/" +
            `${model}-3.8.0/${model}-3.8.0-py3-none-any.whl`,
          sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        },
      });
    }
  });

  test("prod: provisioned concurrency on an alias, IAM auth, backups; dev: none of these", () => {
    expect(values(stacks.prod, "aws_lambda_provisioned_concurrency_config")[0].provisioned_concurrent_executions).toBe(
      1,
    );
    expect(values(stacks.prod, "aws_cloudwatch_metric_alarm").length).toBeGreaterThanOrEqual(2);
    expect(values(stacks.prod, "aws_apigatewayv2_route").every((r) => r.authorization_type === "AWS_IAM")).toBe(true);
    expect(values(stacks.prod, "aws_efs_backup_policy")[0].backup_policy.status).toBe("ENABLED");

    expect(stacks.dev.resource.aws_lambda_provisioned_concurrency_config).toBeUndefined();
    expect(values(stacks.dev, "aws_efs_backup_policy")[0].backup_policy.status).toBe("DISABLED");
  });

  test("no IAM policy in any environment grants a wildcard action", () => {
    for (const s of Object.values(stacks)) {
      const documents = [
        ...values(s, "aws_iam_role_policy").map((p) => p.policy),
        ...values(s, "aws_iam_policy").map((p) => p.policy),
      ];
      expect(documents.length).toBeGreaterThan(0);
      for (const document of documents) {
        for (const statement of JSON.parse(document).Statement) {
          if (statement.Effect === "Allow") {
            [statement.Action].flat().forEach((action: string) => expect(action).not.toContain("*"));
          }
        }
      }
    }
  });

  test("without a backend (an environment deployed by hand) the state is local", () => {
    const byHand = structuredClone(environments);
    delete byHand.dev.backend;
    byHand.dev.delivery = { pipeline: false, reason: "a personal sandbox, deployed from a laptop" };
    const app = buildApp({ environments: byHand, env: {}, outdir });
    const dev = app.node.children.find((c) => c.node.id === "dev") as TerraformStack;
    expect(JSON.parse(Testing.synth(dev)).terraform.backend).toEqual({ local: { path: "terraform.dev.tfstate" } });
  });
});

describe("state backend", () => {
  test("a configured S3 backend is encrypted, keyed per environment and locks with a lockfile", () => {
    const configured = structuredClone(environments);
    configured.staging.backend = { bucket: "acme-terraform-state" };
    const app = buildApp({ environments: configured, env: {}, outdir });
    const staging = app.node.children.find((c) => c.node.id === "staging") as TerraformStack;
    const s = JSON.parse(Testing.synth(staging));
    expect(s.terraform.backend.s3).toEqual({
      bucket: "acme-terraform-state",
      key: "serverless-spacy/staging/terraform.tfstate",
      region: "eu-west-1",
      encrypt: true,
      kms_key_id: "alias/serverless-spacy-tfstate",
      use_lockfile: true,
    });
  });
});

describe("emulator switch", () => {
  test("points every service at the loopback endpoint with test credentials and a local backend", () => {
    const configured = structuredClone(environments);
    configured.dev.backend = { bucket: "acme-terraform-state" };
    const app = buildApp({
      environments: configured,
      env: { [EMULATOR_ENDPOINT_VARIABLE]: "http://127.0.0.1:5123" },
      outdir,
    });
    const dev = JSON.parse(Testing.synth(app.node.children.find((c) => c.node.id === "dev") as TerraformStack));
    const provider = dev.provider.aws[0];
    expect(provider).toMatchObject({ access_key: "test", secret_key: "test", skip_credentials_validation: true });
    for (const service of ["ec2", "efs", "iam", "lambda", "s3", "apigatewayv2", "sts"]) {
      expect(provider.endpoints[0][service]).toBe("http://127.0.0.1:5123");
    }
    expect(dev.terraform.backend).toEqual({ local: { path: "terraform.dev.tfstate" } });
  });

  test("is off unless set, and refuses anything but loopback", () => {
    const dev = synthAll().dev;
    expect(dev.provider.aws[0].endpoints).toBeUndefined();
    expect(dev.provider.aws[0].access_key).toBeUndefined();
    expect(() => buildApp({ env: { [EMULATOR_ENDPOINT_VARIABLE]: "https://aws.example.com" } })).toThrow(
      /must point at a loopback address/,
    );
    expect(() => buildApp({ env: { [EMULATOR_ENDPOINT_VARIABLE]: "not a url" } })).toThrow(/is not a URL/);
  });
});
