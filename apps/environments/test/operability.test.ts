import * as path from "path";
import { Testing, type TerraformStack } from "cdktf";
import { buildApp } from "../src/app";
import { environments } from "../src/config/environments";
import type { EnvironmentConfigInput } from "../src/config/schema";

type Synth = Record<string, any>;
const outdir = path.resolve(__dirname, "../../../cdktf.out");
const values = (s: Synth, type: string): any[] => Object.values(s.resource[type] ?? {});

function synth(configs: Record<string, EnvironmentConfigInput> = environments): Record<string, Synth> {
  const app = buildApp({ environments: configs, env: {}, outdir });
  return Object.fromEntries(
    (app.node.children as TerraformStack[]).map((stack) => [stack.node.id, JSON.parse(Testing.synth(stack))]),
  );
}

function warnings(configs: Record<string, EnvironmentConfigInput>, environment: string): string[] {
  const app = buildApp({ environments: configs, env: {}, outdir });
  const stack = app.node.children.find((c) => c.node.id === environment)!;
  return stack.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => String(m.data));
}

const topicRef = (s: Synth) => `\${aws_sns_topic.${Object.keys(s.resource.aws_sns_topic)[0]}.arn}`;
const alarmsByName = (s: Synth) =>
  Object.fromEntries(values(s, "aws_cloudwatch_metric_alarm").map((a) => [a.alarm_name, a]));

describe("alarms that reach someone", () => {
  const stacks = synth();

  test.each(Object.keys(environments))(
    "%s: one KMS-encrypted topic is every alarm's alarm and OK action",
    (environment) => {
      const s = stacks[environment];
      const [topic] = values(s, "aws_sns_topic");
      expect(values(s, "aws_sns_topic")).toHaveLength(1);
      expect(topic.kms_master_key_id).toMatch(/^\$\{aws_kms_key\.[^.]+\.arn\}$/);
      const [key] = values(s, "aws_kms_key");
      expect(key.enable_key_rotation).toBe(true);
      const alarms = values(s, "aws_cloudwatch_metric_alarm");
      expect(alarms.length).toBeGreaterThanOrEqual(7);
      for (const alarm of alarms) {
        expect(alarm.alarm_actions).toContain(topicRef(s));
        expect(alarm.ok_actions).toContain(topicRef(s));
      }
    },
  );

  test("the key lets only this account's CloudWatch alarms publish, and names no action with a wildcard", () => {
    const policy = JSON.parse(values(stacks.prod, "aws_kms_key")[0].policy);
    const service = policy.Statement.find((st: any) => st.Principal.Service === "cloudwatch.amazonaws.com");
    expect(service.Action).toEqual(["kms:GenerateDataKey", "kms:Decrypt"]);
    expect(service.Condition.StringEquals["aws:SourceAccount"]).toMatch(/data.aws_caller_identity/);
    expect(policy.Statement.flatMap((st: any) => st.Action).some((a: string) => a.includes("*"))).toBe(false);
    const topicPolicy = JSON.parse(values(stacks.prod, "aws_sns_topic_policy")[0].policy);
    expect(topicPolicy.Statement.map((st: any) => st.Sid)).toEqual([
      "AlarmsOfThisAccountPublish",
      "DenyInsecureTransport",
    ]);
  });

  test("subscriptions come from the config", () => {
    expect(values(stacks.prod, "aws_sns_topic_subscription")).toEqual([
      expect.objectContaining({ protocol: "email", endpoint: "spacy-prod-oncall@example.com" }),
    ]);
    expect(stacks.dev.resource.aws_sns_topic_subscription).toBeUndefined();
    const configs = structuredClone(environments);
    configs.dev.alarms = {
      enabled: true,
      subscriptions: [{ protocol: "https", endpoint: "https://hooks.example.org/alarms" }],
    };
    expect(values(synth(configs).dev, "aws_sns_topic_subscription")).toEqual([
      expect.objectContaining({ protocol: "https", endpoint: "https://hooks.example.org/alarms" }),
    ]);
  });

  test("continuous alarms fire on 3 of 5 one-minute datapoints, not one", () => {
    for (const s of Object.values(stacks)) {
      for (const alarm of values(s, "aws_cloudwatch_metric_alarm")) {
        if (alarm.alarm_name.endsWith("-sync-errors") || alarm.alarm_name.endsWith("-ner-job-executions-failed")) {
          // The sync runs once per deploy, a batch job once per corpus: a single failure is the signal.
          expect([alarm.evaluation_periods, alarm.datapoints_to_alarm]).toEqual([1, 1]);
          continue;
        }
        expect([
          alarm.period ?? alarm.metric_query?.[0]?.metric?.period,
          alarm.evaluation_periods,
          alarm.datapoints_to_alarm,
        ]).toEqual([60, 5, 3]);
      }
    }
  });

  test("p99 near the timeout, concurrency near the reservation, 4xx rate, spillover only if provisioned", () => {
    const prod = alarmsByName(stacks.prod);
    expect(prod["spacy-prod-en_core_web_lg-duration-p99"]).toMatchObject({
      extended_statistic: "p99",
      metric_name: "Duration",
      threshold: 24000,
    });
    expect(prod["spacy-prod-en_core_web_lg-concurrency"]).toMatchObject({
      metric_name: "ConcurrentExecutions",
      statistic: "Maximum",
      threshold: 40,
    });
    expect(alarmsByName(stacks.dev)["spacy-dev-en_core_web_sm-concurrency"].threshold).toBe(4);
    expect(prod["spacy-prod-en_core_web_lg-provisioned-spillover"]).toMatchObject({
      metric_name: "ProvisionedConcurrencySpilloverInvocations",
      dimensions: { Resource: expect.stringMatching(/\.function_name\}:\$\{aws_lambda_alias\.[^.]+\.name\}$/) },
    });
    expect(alarmsByName(stacks.staging)["spacy-staging-en_core_web_lg-provisioned-spillover"]).toBeUndefined();
    const rate = prod["spacy-prod-api-api-4xx-rate"];
    expect(rate.metric_query.map((q: any) => q.id)).toEqual(["requests", "client_errors", "rate"]);
    expect(rate.metric_query[2].expression).toBe("IF(requests >= 20, 100 * client_errors / requests, 0)");
    expect(rate.threshold).toBe(10);
    expect(prod["spacy-prod-en_core_web_lg-sync-errors"]).toMatchObject({
      metric_name: "Errors",
      dimensions: {
        FunctionName: expect.stringMatching(/^\$\{aws_lambda_function\.model-sync-en_core_web_lg_function_/),
      },
    });
  });

  test("EFS burst credits are watched only where the throughput mode has credits", () => {
    expect(values(stacks.prod, "aws_cloudwatch_metric_alarm").some((a) => a.metric_name === "BurstCreditBalance")).toBe(
      false,
    );
    const configs = structuredClone(environments);
    configs.staging.modelStore.throughputMode = "bursting";
    const burst = values(synth(configs).staging, "aws_cloudwatch_metric_alarm").find(
      (a) => a.metric_name === "BurstCreditBalance",
    );
    expect(burst).toMatchObject({
      comparison_operator: "LessThanThreshold",
      threshold: 1024 ** 4,
      statistic: "Minimum",
    });
  });

  test("one dashboard per environment: requests, errors, latency, init duration, concurrency, EFS, alarms", () => {
    for (const [environment, s] of Object.entries(stacks)) {
      const [dashboard] = values(s, "aws_cloudwatch_dashboard");
      expect(dashboard.dashboard_name).toBe(`spacy-${environment}`);
      const body = JSON.parse(dashboard.dashboard_body);
      const titles = body.widgets.map((w: any) => w.properties.title);
      expect(titles).toEqual([
        "Requests and errors (API)",
        "Latency (ms)",
        "Init duration (cold starts, ms)",
        "Concurrency",
        "EFS throughput (bytes per minute)",
        "Alarms",
      ]);
      const latency = body.widgets[1].properties.metrics.map((m: any[]) => m[m.length - 1].stat);
      expect(latency).toEqual(["p50", "p99", "p50", "p90", "p99"]);
      expect(body.widgets[2].properties.query).toContain("record.metrics.initDurationMs");
      expect(body.widgets[5].properties.alarms).toHaveLength(values(s, "aws_cloudwatch_metric_alarm").length);
    }
  });
});

describe("state that cannot be lost", () => {
  const stacks = synth();

  test("every environment the pipeline deploys keeps state in S3 with a lockfile and refuses other accounts", () => {
    const deployed = Object.keys(environments).filter((e) => environments[e].delivery.pipeline);
    expect(deployed).toEqual(["dev", "staging", "prod"]);
    for (const environment of deployed) {
      const s = stacks[environment];
      expect(s.terraform.backend.s3).toMatchObject({
        key: `serverless-spacy/${environment}/terraform.tfstate`,
        encrypt: true,
        use_lockfile: true,
      });
      expect(s.provider.aws[0].allowed_account_ids).toHaveLength(1);
    }
  });

  test("an environment deployed by hand may keep local state, with a synth warning", () => {
    const byHand = structuredClone(environments);
    delete byHand.dev.backend;
    byHand.dev.delivery = { pipeline: false, reason: "a personal sandbox, deployed from a laptop" };
    expect(synth(byHand).dev.terraform.backend).toEqual({ local: { path: "terraform.dev.tfstate" } });
    expect(warnings(byHand, "dev")).toEqual([
      expect.stringMatching(/no backend configured: state is kept locally.*apps\/bootstrap/),
      expect.stringMatching(/still uses the checked-in example values allowedAccountIds/),
    ]);
  });

  test("example values draw a warning naming each one; real values draw none", () => {
    expect(warnings(environments, "prod")).toEqual([
      expect.stringMatching(
        /still uses the checked-in example values backend.bucket .*allowedAccountIds \(111111111111\), alarms.subscriptions\[0\]/,
      ),
    ]);
    const configs = structuredClone(environments);
    Object.assign(configs.prod, {
      backend: { bucket: "acme-tfstate" },
      allowedAccountIds: ["123456789012"],
      alarms: { enabled: true, subscriptions: [{ protocol: "email", endpoint: "oncall@acme.io" }] },
    });
    expect(warnings(configs, "prod")).toEqual([]);
  });
});
