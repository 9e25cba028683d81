import * as path from "path";
import { Grant, HardenedBucket, type ExistingRole, type Grantee, type IModelStore } from "@serverless-spacy/shared";
import {
  FUNCTION_NAME_PATTERN,
  LOG_RETENTION_DAYS,
  VpcPythonFunction,
  assertIntegerInRange,
  assertMatches,
  assertOneOf,
  granteeKey,
  invalid,
  skipCheckov,
  type PolicyStatement,
} from "@serverless-spacy/shared/internal";
import { type ISpacyLayer, type SpacyModel } from "@serverless-spacy/spacy-function";
import { HANDLER_SOURCE_DIR } from "@serverless-spacy/spacy-function/internal";
import { Annotations, Token, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import type { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { SfnStateMachine } from "@cdktf/provider-aws/lib/sfn-state-machine";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { jobDefinition } from "./definition";

/** Module and function of the worker's entry point, beside the API's handler in spacy-function's runtime/src. */
export const WORKER_HANDLER = "batch_worker.handler";

/** The worker's code: the API's runtime folder, shared (one copy of the model load and the entity runner). */
export const WORKER_SOURCE_DIR = HANDLER_SOURCE_DIR;

/**
 * What a state machine's role needs to deliver its logs to CloudWatch Logs (Step Functions Developer Guide,
 * "IAM policies for logging to CloudWatch Logs"); none of these actions has a resource type, so "*" it is.
 */
const STATE_MACHINE_LOG_DELIVERY_ACTIONS = [
  "logs:CreateLogDelivery",
  "logs:GetLogDelivery",
  "logs:UpdateLogDelivery",
  "logs:DeleteLogDelivery",
  "logs:ListLogDeliveries",
  "logs:PutResourcePolicy",
  "logs:DescribeResourcePolicies",
  "logs:DescribeLogGroups",
] as const;

/** Seconds the Task state waits beyond the worker's own timeout before it counts the call as timed out. */
const TASK_TIMEOUT_MARGIN_SECONDS = 60;

/** Alarm settings of the job. */
export interface NerBatchJobAlarmsProps {
  /** ARNs (e.g. SNS topics) notified when an execution fails. @default [] */
  readonly alarmActions?: string[];
  /** ARNs notified when the alarm recovers. @default the alarmActions */
  readonly okActions?: string[];
  /** Failed executions in one 5-minute period that raise the alarm. @default 1 */
  readonly failedExecutionsThreshold?: number;
}

export interface NerBatchJobProps {
  /**
   * Name of the state machine (1–57 of A-Z a-z 0-9 - _); the worker is "<name>-worker", the state machine's role
   * "<name>-sfn". @default the construct id
   */
  readonly name?: string;
  /** VPC the worker's network interfaces live in: the model store's VPC. */
  readonly vpcId: string;
  /**
   * Private subnets the worker runs in (1–16); each needs a mount target of the store in its AZ, and a way to S3
   * (gateway endpoint or NAT).
   */
  readonly subnetIds: string[];
  /** The model store, mounted read-only through its access point (as SpacyFunction mounts it). */
  readonly modelStore: IModelStore;
  /** The spaCy model package to load from the store. */
  readonly model: SpacyModel;
  /** The layer carrying spaCy, e.g. the SpacyLayer the API uses. */
  readonly layer: ISpacyLayer;
  /** Resources that put the model on the store (the model sync's invocation); the worker waits for them. @default [] */
  readonly modelReady?: ITerraformDependable[];
  /** Concurrent executions reserved for (and capping) the worker; the map's maxConcurrency may not exceed it. */
  readonly reservedConcurrency: number;
  /**
   * Worker invocations at once (the Distributed Map's MaxConcurrency); at most reservedConcurrency. @default
   * reservedConcurrency
   */
  readonly maxConcurrency?: number;
  /** Worker memory in MB (128–10240); CPU scales with it (one vCPU at 1769 MB). @default 1769 */
  readonly memorySize?: number;
  /**
   * Worker timeout in seconds (1–900); a batch cut off by it is retried and resumes at its first unfinished chunk.
   * @default 900
   */
  readonly timeout?: number;
  /** Documents per chunk (one output object each) unless the execution input says otherwise (1–10000). @default 100 */
  readonly chunkDocuments?: number;
  /** Chunks per worker invocation (the ItemBatcher's MaxItemsPerBatch, 1–1000). @default 4 */
  readonly chunksPerInvocation?: number;
  /**
   * Percentage of batches that may fail after their retries without failing the map run (0–100); their documents are
   * listed as missing in the summary and the execution still ends in JobIncomplete. @default 0
   */
  readonly toleratedFailurePercentage?: number;
  /** Where the worker mounts the access point; one directory directly under /mnt/. @default "/mnt/models" */
  readonly mountPath?: string;
  /**
   * Name of an existing bucket for the input and output; its encryption and policies are yours. @default a private,
   * versioned, encrypted, TLS-only bucket is created
   */
  readonly bucketName?: string;
  /** Prefix jobs read their input under (each job names a location below it). @default "input/" */
  readonly inputPrefix?: string;
  /**
   * Prefix jobs write their results under (each job names a location below it; must not overlap inputPrefix).
   * @default "output/"
   */
  readonly outputPrefix?: string;
  /**
   * Customer-managed KMS key for the created bucket and the state machine's data; both roles get kms:Decrypt and
   * kms:GenerateDataKey on it. @default SSE-S3 for the bucket, an AWS-owned key for the state machine
   */
  readonly kmsKeyArn?: string;
  /**
   * Let `destroy` delete the created bucket with the corpora and results still in it (dev environments). @default
   * false
   */
  readonly forceDestroyBucket?: boolean;
  /**
   * Prefix list of the VPC's S3 gateway endpoint: the worker's HTTPS egress goes only there. @default HTTPS egress to
   * 0.0.0.0/0 (through a NAT gateway), with a synth warning
   */
  readonly s3PrefixListId?: string;
  /** Retention of the worker's and the state machine's log groups, in days. @default 30 */
  readonly logRetentionDays?: number;
  /** The alarm on failed executions (AWS/States ExecutionsFailed). @default an alarm without actions */
  readonly alarms?: NerBatchJobAlarmsProps;
  /** ARN of a permissions boundary for the two roles the construct creates. @default none */
  readonly permissionsBoundary?: string;
  /**
   * Run the worker as this existing role instead of creating one; the construct attaches its inline policies.
   * @default a new role "<name>-worker-role"
   */
  readonly workerRole?: ExistingRole;
  /** Tags added to every resource, on top of the provider's default tags. @default {} */
  readonly tags?: Record<string, string>;
}

/**
 * NER over an S3 corpus with Step Functions Distributed Map: a worker Lambda (the API's runtime and model,
 * read-only from the store) annotates chunks of JSON Lines or text files into one JSON Lines record per document.
 */
export class NerBatchJob extends Construct {
  /**
   * What a state machine's role needs to deliver its logs to CloudWatch Logs (Step Functions Developer Guide,
   * "IAM policies for logging to CloudWatch Logs"): none of these actions has a resource type, so the job's
   * role is allowed them on "*". For audits of statements with a wildcard resource.
   */
  public static get stateMachineLogDeliveryActions(): string[] {
    return [...STATE_MACHINE_LOG_DELIVERY_ACTIONS];
  }

  /** ARN of the state machine; start a job with `{"input": "s3://…", "output": "s3://…"}`. */
  public readonly stateMachineArn: string;
  /** Name of the state machine. */
  public readonly stateMachineName: string;
  /** Name of the worker function. */
  public readonly workerFunctionName: string;
  /** ARN of the worker function (the only function the state machine may invoke). */
  public readonly workerFunctionArn: string;
  /** ARN of the worker's execution role. */
  public readonly workerRoleArn: string;
  /** ARN of the state machine's role. */
  public readonly stateMachineRoleArn: string;
  /** Bucket of the input and output (created or given). */
  public readonly bucketName: string;
  /** `s3://<bucket>/<inputPrefix>`: jobs read below it. */
  public readonly inputUri: string;
  /** `s3://<bucket>/<outputPrefix>`: jobs write below it. */
  public readonly outputUri: string;
  /** Name of the state machine's log group. */
  public readonly logGroupName: string;
  /** Name of the alarm on failed executions. */
  public readonly alarmName: string;
  /** The worker function, for settings the props do not cover. */
  public readonly workerFunction: LambdaFunction;
  /** ID of the worker's security group (NFS to the store and HTTPS to S3 out, nothing in). */
  public readonly workerSecurityGroupId: string;
  /** The state machine, for settings the props do not cover. */
  public readonly stateMachine: SfnStateMachine;

  private readonly worker: VpcPythonFunction;
  private readonly bucketArn: string;
  private readonly inputPrefix: string;
  private readonly outputPrefix: string;

  constructor(scope: Construct, id: string, props: NerBatchJobProps) {
    super(scope, id);
    const s = resolve(id, props);
    validate(this.node.path, props, s);
    const tags = props.tags ?? {};

    const partition = new DataAwsPartition(this, "partition").partition;
    const region = new DataAwsRegion(this, "region").region;
    const account = new DataAwsCallerIdentity(this, "account").accountId;

    const bucketDependencies: ITerraformDependable[] = [];
    if (props.bucketName !== undefined) {
      this.bucketName = props.bucketName;
    } else {
      const created = createBucket(this, s.name, props, tags);
      this.bucketName = created.bucketName;
      bucketDependencies.push(created.bucket, ...created.settings);
    }
    this.bucketArn = `arn:${partition}:s3:::${this.bucketName}`;
    this.inputPrefix = s.inputPrefix;
    this.outputPrefix = s.outputPrefix;
    this.inputUri = `s3://${this.bucketName}/${s.inputPrefix}`;
    this.outputUri = `s3://${this.bucketName}/${s.outputPrefix}`;

    const workerName = `${s.name}-worker`;
    this.worker = new VpcPythonFunction(this, "worker", {
      name: workerName,
      description:
        `NER batch worker of ${s.name}: ${props.model.name} ${props.model.version} from the store, ` + `S3 in and out`,
      securityGroupDescription: `NER batch worker ${workerName}: NFS to the model store, HTTPS to S3`,
      vpcId: props.vpcId,
      subnetIds: props.subnetIds,
      extraSecurityGroupIds: [],
      codeDir: WORKER_SOURCE_DIR,
      handler: WORKER_HANDLER,
      runtime: "python3.12",
      architecture: props.layer.architecture,
      memorySize: s.memorySize,
      timeout: s.timeout,
      ephemeralStorageMb: 512,
      layers: [props.layer.layerArn],
      environment: {
        MODEL_ROOT: s.mountPath,
        MODEL_NAME: props.model.name,
        MODEL_VERSION: props.model.version,
        INPUT_BUCKET: this.bucketName,
        INPUT_PREFIX: s.inputPrefix,
        OUTPUT_BUCKET: this.bucketName,
        OUTPUT_PREFIX: s.outputPrefix,
      },
      reservedConcurrency: props.reservedConcurrency,
      publish: false,
      tracing: false,
      jsonLogs: true,
      logRetentionDays: s.logRetentionDays,
      logRetentionReason:
        "Retention is a per-environment privacy choice (logRetentionDays): the worker's logs name input objects, so " +
        "they are kept no longer than operating the job needs.",
      modelStore: props.modelStore,
      mountPath: s.mountPath,
      storeAccess: "read",
      role: props.workerRole,
      permissionsBoundary: props.permissionsBoundary,
      dependsOn: [...(props.modelReady ?? []), ...bucketDependencies],
      tags,
    });
    const fn = this.worker.lambdaFunction;
    this.workerFunction = fn;
    this.workerSecurityGroupId = this.worker.securityGroup.id;
    skipCheckov(
      fn,
      "CKV_AWS_116",
      "Invoked synchronously by the state machine only, which retries and records every failed batch; a " +
        "dead-letter queue applies to asynchronous invocations.",
    );
    skipCheckov(fn, "CKV_AWS_50", "X-Ray is off: the state machine's execution history traces every batch.");
    this.s3Egress(props);

    new IamRolePolicy(this, "worker-data-policy", {
      name: `${workerName}-data`,
      role: this.worker.roleName,
      policy: JSON.stringify({ Version: "2012-10-17", Statement: this.workerDataStatements(props.kmsKeyArn) }),
    });

    // State machine: its own role, log group, the definition and the alarm.
    const logGroup = new CloudwatchLogGroup(this, "state-machine-logs", {
      name: `/aws/vendedlogs/states/${s.name}`,
      retentionInDays: s.logRetentionDays,
      tags,
    });
    skipCheckov(logGroup, "CKV_AWS_158");
    skipCheckov(
      logGroup,
      "CKV_AWS_338",
      "Retention is a per-environment choice (logRetentionDays); the log holds execution events, not documents.",
    );
    this.logGroupName = logGroup.name;

    const stateMachineArn = `arn:${partition}:states:${region}:${account}:stateMachine:${s.name}`;
    const role = new IamRole(this, "state-machine-role", {
      name: `${Token.isUnresolved(s.name) ? s.name : s.name.slice(0, 60)}-sfn`,
      description: `Role of the state machine ${s.name}`,
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "states.amazonaws.com" },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "aws:SourceAccount": account } },
          },
        ],
      }),
      permissionsBoundary: props.permissionsBoundary,
      tags,
    });
    const rolePolicy = new IamRolePolicy(this, "state-machine-policy", {
      name: `${s.name}-sfn`,
      role: role.name,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: this.stateMachineStatements({
          workerArn: fn.arn,
          stateMachineArn,
          executionArns: `arn:${partition}:states:${region}:${account}:execution:${s.name}/*`,
          mapRunArns: `arn:${partition}:states:${region}:${account}:mapRun:${s.name}/*`,
          kmsKeyArn: props.kmsKeyArn,
        }),
      }),
    });

    const definition = jobDefinition({
      workerArn: fn.arn,
      maxConcurrency: s.maxConcurrency,
      chunksPerInvocation: s.chunksPerInvocation,
      chunkDocuments: s.chunkDocuments,
      toleratedFailurePercentage: s.toleratedFailurePercentage,
      workerTimeoutSeconds: s.timeout + TASK_TIMEOUT_MARGIN_SECONDS,
    });
    this.stateMachine = new SfnStateMachine(this, "state-machine", {
      name: s.name,
      roleArn: role.arn,
      type: "STANDARD",
      definition: JSON.stringify(definition),
      loggingConfiguration: {
        // Execution data carries document ids and error messages: the log keeps events and errors only.
        level: "ERROR",
        includeExecutionData: false,
        logDestination: `${logGroup.arn}:*`,
      },
      tracingConfiguration: { enabled: false },
      encryptionConfiguration: props.kmsKeyArn
        ? { type: "CUSTOMER_MANAGED_KMS_KEY", kmsKeyId: props.kmsKeyArn, kmsDataKeyReusePeriodSeconds: 300 }
        : { type: "AWS_OWNED_KEY" },
      tags,
      // CreateStateMachine checks the role can write the log group.
      dependsOn: [rolePolicy],
    });
    skipCheckov(
      this.stateMachine,
      "CKV_AWS_285",
      "Logged at level ERROR without execution data: the data would copy document ids and error messages into " +
        "CloudWatch Logs; the execution history keeps every state's input and output for 90 days.",
    );
    skipCheckov(
      this.stateMachine,
      "CKV_AWS_284",
      "X-Ray is off: the execution history and the map run's per-batch results (ResultWriter) trace every batch.",
    );
    // Built from the name, as the alarm's: nothing depends on reading the machine back (stable addresses).
    this.stateMachineArn = stateMachineArn;
    this.stateMachineName = s.name;
    this.stateMachineRoleArn = role.arn;

    const alarmActions = props.alarms?.alarmActions ?? [];
    // The name, not the resource's attribute: a dashboard can list it even where the alarm is not created.
    this.alarmName = `${s.name}-executions-failed`;
    new CloudwatchMetricAlarm(this, "executions-failed", {
      alarmName: this.alarmName,
      alarmDescription:
        `A run of the NER batch job ${s.name} failed, timed out or was aborted: see its ` +
        `_summary.json and execution history`,
      namespace: "AWS/States",
      metricName: "ExecutionsFailed",
      dimensions: { StateMachineArn: stateMachineArn },
      statistic: "Sum",
      period: 300,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      threshold: props.alarms?.failedExecutionsThreshold ?? 1,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      treatMissingData: "notBreaching",
      alarmActions,
      okActions: props.alarms?.okActions ?? alarmActions,
      tags,
    });

    this.workerFunctionName = fn.functionName;
    this.workerFunctionArn = fn.arn;
    this.workerRoleArn = this.worker.roleArn;
  }

  /**
   * Let a role start jobs and follow them (what `ner-batch-job start` needs): states:StartExecution on this
   * state machine, states:DescribeExecution and StopExecution on its executions, s3:PutObject below the
   * input prefix, s3:GetObject and a prefix-scoped s3:ListBucket below both prefixes. Returns the grant (its
   * policy); a second call for the same role returns the same policy.
   */
  public grantStartJobs(grantee: Grantee): Grant {
    const id = `start-jobs-${granteeKey(this, grantee.roleName)}`;
    const existing = this.node.tryFindChild(id) as IamRolePolicy | undefined;
    return new Grant(grantee, [existing ?? this.startJobsPolicy(id, grantee)]);
  }

  private startJobsPolicy(id: string, grantee: Grantee): IamRolePolicy {
    const executions = `${this.stateMachineArn.replace(":stateMachine:", ":execution:")}:*`;
    return new IamRolePolicy(this, id, {
      name: `start-${Token.isUnresolved(this.stateMachineName) ? "ner-batch-job" : this.stateMachineName}`,
      role: grantee.roleName,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Sid: "StartJobs", Effect: "Allow", Action: "states:StartExecution", Resource: this.stateMachineArn },
          {
            Sid: "FollowJobs",
            Effect: "Allow",
            Action: ["states:DescribeExecution", "states:StopExecution"],
            Resource: executions,
          },
          {
            Sid: "ListJobData",
            Effect: "Allow",
            Action: "s3:ListBucket",
            Resource: this.bucketArn,
            Condition: { StringLike: { "s3:prefix": [`${this.inputPrefix}*`, `${this.outputPrefix}*`] } },
          },
          {
            Sid: "UploadInput",
            Effect: "Allow",
            Action: "s3:PutObject",
            Resource: `${this.bucketArn}/${this.inputPrefix}*`,
          },
          {
            Sid: "ReadJobData",
            Effect: "Allow",
            Action: "s3:GetObject",
            Resource: [`${this.bucketArn}/${this.inputPrefix}*`, `${this.bucketArn}/${this.outputPrefix}*`],
          },
        ],
      }),
    });
  }

  /**
   * The worker's data access: list and read below the input prefix, write below the output prefix and read back
   * what it wrote there (the skip check and the summary read the results' metadata); KMS on the given key.
   */
  private workerDataStatements(kmsKeyArn: string | undefined): PolicyStatement[] {
    const statements: PolicyStatement[] = [
      {
        Sid: "ListInputAndOutput",
        Effect: "Allow",
        Action: ["s3:ListBucket"],
        Resource: this.bucketArn,
        Condition: { StringLike: { "s3:prefix": [`${this.inputPrefix}*`, `${this.outputPrefix}*`] } },
      },
      {
        Sid: "ReadInput",
        Effect: "Allow",
        Action: ["s3:GetObject"],
        Resource: `${this.bucketArn}/${this.inputPrefix}*`,
      },
      {
        Sid: "WriteAndCheckOutput",
        Effect: "Allow",
        Action: ["s3:PutObject", "s3:GetObject"],
        Resource: `${this.bucketArn}/${this.outputPrefix}*`,
      },
    ];
    if (kmsKeyArn) {
      statements.push({
        Sid: "UseBucketKey",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: kmsKeyArn,
      });
    }
    return statements;
  }

  /**
   * The state machine's role: invoke its own worker only; start, describe and stop its own child executions
   * (Distributed Map runs each batch as one) and redrive its own map runs; read the chunk manifest (ItemReader)
   * and write the map's results (ResultWriter) below the output prefix; deliver its logs.
   */
  private stateMachineStatements(p: {
    workerArn: string;
    stateMachineArn: string;
    executionArns: string;
    mapRunArns: string;
    kmsKeyArn?: string;
  }): PolicyStatement[] {
    const statements: PolicyStatement[] = [
      {
        Sid: "InvokeOwnWorker",
        Effect: "Allow",
        Action: ["lambda:InvokeFunction"],
        Resource: [p.workerArn, `${p.workerArn}:*`],
      },
      {
        Sid: "StartOwnChildExecutions",
        Effect: "Allow",
        Action: ["states:StartExecution"],
        Resource: p.stateMachineArn,
      },
      {
        Sid: "ManageOwnChildExecutions",
        Effect: "Allow",
        Action: ["states:DescribeExecution", "states:StopExecution"],
        Resource: p.executionArns,
      },
      { Sid: "RedriveOwnMapRuns", Effect: "Allow", Action: ["states:RedriveExecution"], Resource: p.mapRunArns },
      {
        Sid: "ReadChunkManifest",
        Effect: "Allow",
        Action: ["s3:GetObject"],
        Resource: `${this.bucketArn}/${this.outputPrefix}*_manifest.jsonl`,
      },
      {
        Sid: "WriteMapResults",
        Effect: "Allow",
        Action: ["s3:PutObject", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload"],
        Resource: `${this.bucketArn}/${this.outputPrefix}*_map/*`,
      },
      {
        // CloudWatch Logs' log delivery actions have no resource type: "*" is the only resource they accept.
        Sid: "DeliverLogs",
        Effect: "Allow",
        Action: [...STATE_MACHINE_LOG_DELIVERY_ACTIONS],
        Resource: "*",
      },
    ];
    if (p.kmsKeyArn) {
      statements.push({
        Sid: "UseJobKey",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: p.kmsKeyArn,
      });
    }
    return statements;
  }

  private s3Egress(props: NerBatchJobProps): void {
    const common = {
      securityGroupId: this.worker.securityGroup.id,
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
    };
    if (props.s3PrefixListId) {
      new VpcSecurityGroupEgressRule(this, "https-to-s3", {
        ...common,
        prefixListId: props.s3PrefixListId,
        description: "HTTPS to S3 through the VPC's gateway endpoint",
      });
      return;
    }
    Annotations.of(this).addWarning(
      "s3PrefixListId is not set: the worker reaches S3 with HTTPS to 0.0.0.0/0 through the subnets' NAT gateway; " +
        "give it the VPC's S3 gateway endpoint (Network's s3PrefixListId) to keep the traffic off the internet",
    );
    new VpcSecurityGroupEgressRule(this, "https-to-s3", {
      ...common,
      cidrIpv4: "0.0.0.0/0",
      description: "HTTPS to S3 through the NAT gateway",
    });
  }
}

/** Every prop with its default applied. */
interface Settings {
  name: string;
  memorySize: number;
  timeout: number;
  maxConcurrency: number;
  chunkDocuments: number;
  chunksPerInvocation: number;
  toleratedFailurePercentage: number;
  mountPath: string;
  inputPrefix: string;
  outputPrefix: string;
  logRetentionDays: number;
}

function resolve(id: string, props: NerBatchJobProps): Settings {
  return {
    name: props.name ?? id,
    memorySize: props.memorySize ?? 1769,
    timeout: props.timeout ?? 900,
    maxConcurrency: props.maxConcurrency ?? props.reservedConcurrency,
    chunkDocuments: props.chunkDocuments ?? 100,
    chunksPerInvocation: props.chunksPerInvocation ?? 4,
    toleratedFailurePercentage: props.toleratedFailurePercentage ?? 0,
    mountPath: props.mountPath ?? "/mnt/models",
    inputPrefix: props.inputPrefix ?? "input/",
    outputPrefix: props.outputPrefix ?? "output/",
    logRetentionDays: props.logRetentionDays ?? 30,
  };
}

function validate(where: string, props: NerBatchJobProps, s: Settings): void {
  assertMatches(where, "name", s.name, FUNCTION_NAME_PATTERN, "1–64 characters of A-Z, a-z, 0-9, - and _");
  if (!Token.isUnresolved(s.name) && s.name.length > 57) {
    invalid(where, "name", 'at most 57 characters (the worker is "<name>-worker")', s.name);
  }
  if (props.subnetIds.length < 1 || props.subnetIds.length > 16) {
    invalid(where, "subnetIds", "a list of 1–16 private subnet ids", props.subnetIds);
  }
  assertIntegerInRange(where, "reservedConcurrency", props.reservedConcurrency, 1, 10000);
  assertIntegerInRange(where, "maxConcurrency", s.maxConcurrency, 1, 10000);
  if (
    !Token.isUnresolved(s.maxConcurrency) &&
    !Token.isUnresolved(props.reservedConcurrency) &&
    s.maxConcurrency > props.reservedConcurrency
  ) {
    // More invocations than the worker may run at once would only be throttled and retried.
    invalid(
      where,
      "maxConcurrency",
      `at most the worker's reservedConcurrency (${props.reservedConcurrency}): lower it or raise reservedConcurrency`,
      s.maxConcurrency,
    );
  }
  assertIntegerInRange(where, "memorySize", s.memorySize, 128, 10240, "MB");
  assertIntegerInRange(where, "timeout", s.timeout, 1, 900, "seconds");
  assertIntegerInRange(where, "chunkDocuments", s.chunkDocuments, 1, 10000);
  assertIntegerInRange(where, "chunksPerInvocation", s.chunksPerInvocation, 1, 1000);
  if (
    !Token.isUnresolved(s.toleratedFailurePercentage) &&
    !(s.toleratedFailurePercentage >= 0 && s.toleratedFailurePercentage <= 100)
  ) {
    invalid(where, "toleratedFailurePercentage", "a number in 0–100", s.toleratedFailurePercentage);
  }
  assertMatches(
    where,
    "mountPath",
    s.mountPath,
    /^\/mnt\/[A-Za-z0-9._-]+$/,
    'one directory directly under /mnt/, like "/mnt/models"',
  );
  for (const [field, prefix] of [
    ["inputPrefix", s.inputPrefix],
    ["outputPrefix", s.outputPrefix],
  ] as const) {
    assertMatches(
      where,
      field,
      prefix,
      /^([A-Za-z0-9!_.*'()-]+\/)+$/,
      'a key prefix ending in "/", like "input/" (no leading "/", no wildcards)',
    );
  }
  if (s.inputPrefix.startsWith(s.outputPrefix) || s.outputPrefix.startsWith(s.inputPrefix)) {
    invalid(
      where,
      "outputPrefix",
      `a prefix that does not overlap inputPrefix ("${s.inputPrefix}"): the worker only reads the one and ` +
        "writes the other",
      s.outputPrefix,
    );
  }
  assertOneOf(where, "logRetentionDays", s.logRetentionDays, LOG_RETENTION_DAYS);
  if (props.bucketName !== undefined && (props.kmsKeyArn !== undefined || props.forceDestroyBucket)) {
    invalid(
      where,
      props.kmsKeyArn !== undefined ? "kmsKeyArn" : "forceDestroyBucket",
      "left unset with bucketName: it applies to a bucket the construct creates",
      props.kmsKeyArn ?? props.forceDestroyBucket,
    );
  }
  if (!path.isAbsolute(WORKER_SOURCE_DIR)) {
    throw new Error(`${where}: the worker's source folder ${WORKER_SOURCE_DIR} is not absolute`);
  }
}

/**
 * The job's bucket: a HardenedBucket whose settings keep the addresses the bucket had before it was one
 * (`bucket`, `bucket-public-access-block`, …), so an existing bucket is not replaced.
 */
function createBucket(
  scope: Construct,
  name: string,
  props: NerBatchJobProps,
  tags: Record<string, string>,
): { bucket: ITerraformDependable; bucketName: string; settings: ITerraformDependable[] } {
  const slug =
    name
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, "-")
      .slice(0, 30)
      .replace(/^-+|-+$/g, "") || "ner";
  const hardened = new HardenedBucket(scope, "bucket", {
    bucketPrefix: `${slug}-data-`,
    kmsKeyArn: props.kmsKeyArn,
    // Results are rewritten only when their input or model changed; the old version is kept a while.
    lifecycleRuleId: "expire-replaced-results",
    noncurrentVersionRetentionDays: 30,
    forceDestroy: props.forceDestroyBucket ?? false,
    tags: { ...tags, Name: `${name}-data` },
  });
  const bucket = hardened.bucket;
  skipCheckov(
    bucket,
    "CKV_AWS_18",
    "Job input and output only; CloudTrail data events record access where needed, and access logs would need a " +
      "second bucket with no one to log to.",
  );
  skipCheckov(bucket, "CKV2_AWS_62", "Nothing consumes events from this bucket: jobs are started explicitly.");
  skipCheckov(bucket, "CKV_AWS_144", "Corpora and results are reproducible from their sources; no replica needed.");
  return { bucket, bucketName: hardened.bucketName, settings: hardened.settings };
}
