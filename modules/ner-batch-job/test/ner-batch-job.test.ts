import { Testing, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { EfsModelStore } from "@serverless-spacy/model-store";
import { SpacyLayer } from "@serverless-spacy/spacy-function";
import { NerBatchJob, type NerBatchJobProps } from "../src";
import { STATE_NAMES, jobDefinition } from "../src/definition";
import { WORKER_HANDLER } from "../src/ner-batch-job";

const aslValidator = require("asl-validator") as (definition: unknown) => {
  isValid: boolean;
  errorsText: (separator?: string) => string;
};

type Synth = { resource: Record<string, Record<string, any>> };
type Statement = { Sid?: string; Effect: string; Action: string | string[]; Resource: string | string[] };

const LAYER_ARN = "arn:aws:lambda:eu-west-1:123456789012:layer:spacy:3";
const ALARM_TOPIC = "arn:aws:sns:eu-west-1:123456789012:alerts";

function synth(overrides: Partial<NerBatchJobProps> = {}, starter?: string): Synth {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  const modelStore = new EfsModelStore(stack, "store", {
    vpcId: "vpc-123",
    subnetIds: ["subnet-a", "subnet-b"],
    availabilityZones: ["eu-west-1a", "eu-west-1b"],
  });
  const layer = new SpacyLayer(stack, "layer", { layerArn: LAYER_ARN });
  const job = new NerBatchJob(stack, "job", {
    name: "ner-jobs",
    vpcId: "vpc-123",
    subnetIds: ["subnet-a", "subnet-b"],
    modelStore,
    model: { name: "en_core_web_sm", version: "3.8.0" },
    layer,
    reservedConcurrency: 10,
    s3PrefixListId: "pl-1234",
    alarms: { alarmActions: [ALARM_TOPIC] },
    ...overrides,
  });
  if (starter) {
    const grantee = { roleName: starter, roleArn: `arn:aws:iam::123456789012:role/${starter}` };
    const first = job.grantStartJobs(grantee);
    const again = job.grantStartJobs(grantee); // idempotent
    expect(again.dependables).toEqual(first.dependables);
    expect(first.grantee).toEqual(grantee);
  }
  return JSON.parse(Testing.synth(stack));
}

function only<T>(s: Synth, type: string): T {
  const values = Object.values(s.resource[type] ?? {});
  expect(values).toHaveLength(1);
  return values[0] as T;
}

function policy(s: Synth, name: string): Statement[] {
  const found = Object.values(s.resource.aws_iam_role_policy).find((p: any) => p.name === name);
  expect(found).toBeDefined();
  return JSON.parse(found.policy).Statement;
}

const actions = (st: Statement) => [st.Action].flat();
const resources = (st: Statement) => [st.Resource].flat();

describe("NerBatchJob", () => {
  const s = synth();
  const machine = only<any>(s, "aws_sfn_state_machine");
  const definition = JSON.parse(machine.definition);
  const map = definition.States[STATE_NAMES.map];

  test("the definition is valid Amazon States Language (asl-validator)", () => {
    const result = aslValidator(definition);
    expect(result.errorsText("\n")).toBe("");
    expect(result.isValid).toBe(true);
  });

  test("asl-validator rejects a broken definition (the check can fail)", () => {
    const broken = JSON.parse(JSON.stringify(definition));
    broken.States[STATE_NAMES.map].Next = "NoSuchState";
    delete broken.States[STATE_NAMES.map].ItemProcessor.StartAt;
    expect(aslValidator(broken).isValid).toBe(false);
  });

  test("a Distributed Map reads the chunk manifest from S3, batches it, tolerates no failure, writes results", () => {
    expect(map.Type).toBe("Map");
    expect(map.ItemProcessor.ProcessorConfig.Mode).toBe("DISTRIBUTED");
    expect(map.ItemReader).toEqual({
      Resource: "arn:aws:states:::s3:getObject",
      ReaderConfig: { InputType: "JSONL" },
      Parameters: { "Bucket.$": "$.plan.manifest.Bucket", "Key.$": "$.plan.manifest.Key" },
    });
    expect(map.ItemBatcher.MaxItemsPerBatch).toBe(4);
    expect(map.ItemBatcher.MaxInputBytesPerBatch).toBeLessThanOrEqual(256 * 1024);
    expect(map.ItemBatcher.BatchInput).toEqual({ action: "batch", "input.$": "$.input", "output.$": "$.output" });
    expect(map.MaxConcurrency).toBe(10);
    expect(map.ToleratedFailurePercentage).toBe(0);
    expect(map.ResultWriter.Resource).toBe("arn:aws:states:::s3:putObject");
    expect(map.Catch[0].Next).toBe(STATE_NAMES.summarize);
  });

  test("every worker call retries throttling and service errors with exponential backoff and jitter", () => {
    const worker = map.ItemProcessor.States[STATE_NAMES.worker];
    for (const task of [worker, definition.States[STATE_NAMES.plan], definition.States[STATE_NAMES.summarize]]) {
      const throttled = task.Retry.find((r: any) => r.ErrorEquals.includes("Lambda.TooManyRequestsException"));
      expect(throttled).toMatchObject({ BackoffRate: 2, JitterStrategy: "FULL" });
      expect(throttled.MaxAttempts).toBeGreaterThanOrEqual(5);
      const retried = task.Retry.flatMap((r: any) => r.ErrorEquals);
      expect(retried).toEqual(expect.arrayContaining(["Lambda.ServiceException", "Runtime.ExitError"]));
      expect(task.Parameters.FunctionName).toMatch(/^\$\{aws_lambda_function\..*\.arn\}$/);
    }
  });

  test("maxConcurrency above the worker's reserved concurrency stops synth with the reason", () => {
    expect(() => synth({ reservedConcurrency: 4, maxConcurrency: 5 })).toThrow(
      /^test\/job: maxConcurrency must be at most the worker's reservedConcurrency \(4\): .*, got 5$/,
    );
    expect(() => synth({ reservedConcurrency: 4, maxConcurrency: 4 })).not.toThrow();
    expect(() => synth({ inputPrefix: "data/", outputPrefix: "data/out/" })).toThrow(
      /outputPrefix must be a prefix that does not overlap inputPrefix \("data\/"\): .*, got "data\/out\/"/,
    );
    expect(() => synth({ toleratedFailurePercentage: 101 })).toThrow(/toleratedFailurePercentage must be a number/);
  });

  test.each([
    [{ name: "bad name" }, /^test\/job: name must be 1–64 characters of A-Z, a-z, 0-9, - and _, got "bad name"$/],
    [{ name: "n".repeat(58) }, /name must be at most 57 characters/],
    [{ subnetIds: [] }, /subnetIds must be a list of 1–16 private subnet ids, got \[\]/],
    [{ reservedConcurrency: 0 }, /reservedConcurrency must be an integer in 1–10000, got 0/],
    [{ memorySize: 64 }, /memorySize must be an integer in 128–10240 \(MB\), got 64/],
    [{ timeout: 901 }, /timeout must be an integer in 1–900 \(seconds\), got 901/],
    [{ chunksPerInvocation: 0 }, /chunksPerInvocation must be an integer in 1–1000, got 0/],
    [
      { mountPath: "/models" },
      /mountPath must be one directory directly under \/mnt\/, like "\/mnt\/models", got "\/models"/,
    ],
    [{ inputPrefix: "/in" }, /inputPrefix must be a key prefix ending in "\/"/],
    [{ logRetentionDays: 10 }, /logRetentionDays must be one of 1, 3, 5, .*, got 10/],
    [{ bucketName: "b", kmsKeyArn: "arn:k" }, /kmsKeyArn must be left unset with bucketName: .*, got "arn:k"/],
    [
      { bucketName: "b", forceDestroyBucket: true },
      /forceDestroyBucket must be left unset with bucketName: .*, got true/,
    ],
  ])("rejects %j in the shared message style", (props, message) => {
    expect(() => synth(props as Partial<NerBatchJobProps>)).toThrow(message);
  });

  test("the worker runs the shared runtime with the API's layer, the model read-only from the store", () => {
    const fn = only<any>(s, "aws_lambda_function");
    expect(fn.handler).toBe(WORKER_HANDLER);
    expect(fn.layers).toEqual([LAYER_ARN]);
    expect(fn.reserved_concurrent_executions).toBe(10);
    expect(fn.file_system_config.local_mount_path).toBe("/mnt/models");
    expect(fn.environment.variables).toMatchObject({
      MODEL_NAME: "en_core_web_sm",
      MODEL_VERSION: "3.8.0",
      INPUT_PREFIX: "input/",
      OUTPUT_PREFIX: "output/",
    });
    const mount = Object.values(s.resource.aws_iam_role_policy).map((p: any) => p.policy);
    expect(mount.join()).toContain("elasticfilesystem:ClientMount");
    expect(mount.join()).not.toContain("elasticfilesystem:ClientWrite");
  });

  test("least privilege: no wildcard action; the worker reads input and writes output only", () => {
    for (const p of Object.values(s.resource.aws_iam_role_policy) as any[]) {
      for (const st of JSON.parse(p.policy).Statement as Statement[]) {
        for (const action of actions(st)) {
          expect(action).not.toMatch(/\*/);
        }
      }
    }
    const data = policy(s, "ner-jobs-worker-data");
    const byAction = (a: string) => data.filter((st) => actions(st).includes(a)).flatMap(resources);
    expect(byAction("s3:PutObject")).toEqual([expect.stringMatching(/\/output\/\*$/)]);
    expect(byAction("s3:GetObject").sort()).toEqual(
      [expect.stringMatching(/\/input\/\*$/), expect.stringMatching(/\/output\/\*$/)].sort(),
    );
    expect(byAction("s3:DeleteObject")).toEqual([]);
  });

  test("the state machine invokes only its own worker and starts only its own child executions", () => {
    const sfn = policy(s, "ner-jobs-sfn");
    const invoke = sfn.filter((st) => actions(st).includes("lambda:InvokeFunction")).flatMap(resources);
    expect(invoke).toHaveLength(2);
    for (const arn of invoke) {
      expect(arn).toMatch(/^\$\{aws_lambda_function\.job_worker_function_[0-9A-F]+\.arn\}(:\*)?$/);
    }
    const start = sfn.filter((st) => actions(st).includes("states:StartExecution")).flatMap(resources);
    expect(start).toEqual([expect.stringMatching(/:stateMachine:ner-jobs$/)]);
    const wildcardResources = sfn.filter((st) => resources(st).includes("*")).flatMap(actions);
    expect(wildcardResources.every((a) => a.startsWith("logs:"))).toBe(true);
    const trust = Object.values(s.resource.aws_iam_role).map((r: any) => JSON.parse(r.assume_role_policy));
    expect(trust.map((t) => t.Statement[0].Principal.Service).sort()).toEqual([
      "lambda.amazonaws.com",
      "states.amazonaws.com",
    ]);
  });

  test("encrypted, logged, alarmed", () => {
    expect(machine.encryption_configuration.type).toBe("AWS_OWNED_KEY");
    expect(machine.logging_configuration).toMatchObject({ level: "ERROR", include_execution_data: false });
    const alarm = only<any>(s, "aws_cloudwatch_metric_alarm");
    expect(alarm).toMatchObject({ namespace: "AWS/States", metric_name: "ExecutionsFailed" });
    expect(alarm.alarm_actions).toEqual([ALARM_TOPIC]);
    const encryption = only<any>(s, "aws_s3_bucket_server_side_encryption_configuration");
    expect(encryption.rule[0].apply_server_side_encryption_by_default.sse_algorithm).toBe("AES256");
    const kms = synth({ kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/abc" });
    expect(only<any>(kms, "aws_sfn_state_machine").encryption_configuration.type).toBe("CUSTOMER_MANAGED_KMS_KEY");
  });

  test("the deployed definition is jobDefinition's, which the local executor runs (run_local.mjs)", () => {
    const worker = map.ItemProcessor.States[STATE_NAMES.worker].Parameters.FunctionName;
    // Parsed again: asl-validator adds fields to the object it checks.
    expect(JSON.parse(machine.definition)).toEqual(
      jobDefinition({
        workerArn: worker,
        maxConcurrency: 10,
        chunksPerInvocation: 4,
        chunkDocuments: 100,
        toleratedFailurePercentage: 0,
        workerTimeoutSeconds: 960,
      }),
    );
  });

  test("grantStartJobs: start this machine, follow its executions, upload input, read both prefixes", () => {
    const granted = synth({}, "data-team");
    const statements = policy(granted, "start-ner-jobs");
    const sid = (name: string) => statements.find((st) => st.Sid === name)!;
    expect(resources(sid("StartJobs"))).toEqual([expect.stringMatching(/:states:.*:stateMachine:ner-jobs$/)]);
    expect(resources(sid("FollowJobs"))).toEqual([expect.stringMatching(/:states:.*:execution:ner-jobs:\*$/)]);
    expect(resources(sid("UploadInput"))).toEqual([expect.stringMatching(/\/input\/\*$/)]);
    expect(actions(sid("UploadInput"))).toEqual(["s3:PutObject"]);
    const starters = Object.values(granted.resource.aws_iam_role_policy).filter((p: any) => p.role === "data-team");
    expect(starters).toHaveLength(1);
    expect(NerBatchJob.stateMachineLogDeliveryActions).toContain("logs:CreateLogDelivery");
  });

  test("the definition builder is pure: the same settings give the same definition", () => {
    const settings = {
      workerArn: "arn:aws:lambda:eu-west-1:123456789012:function:w",
      maxConcurrency: 2,
      chunksPerInvocation: 3,
      chunkDocuments: 50,
      toleratedFailurePercentage: 5,
      workerTimeoutSeconds: 960,
    };
    expect(JSON.stringify(jobDefinition(settings))).toBe(JSON.stringify(jobDefinition(settings)));
    expect(aslValidator(jobDefinition(settings)).isValid).toBe(true);
  });
});
