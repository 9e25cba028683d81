import * as fs from "fs";
import * as path from "path";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import type { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaInvocation } from "@cdktf/provider-aws/lib/lambda-invocation";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import type { ExistingRole, IModelStore } from "@serverless-spacy/shared";
import {
  DEFAULT_KEEP_VERSIONS,
  DEFAULT_MOUNT_PATH,
  VpcPythonFunction,
  invalid,
  skipCheckov,
} from "@serverless-spacy/shared/internal";
import { ModelSourceKind, type ModelSource, type ModelSpec } from "./model-source";
import { validateFunction, validateModel, validateName, validateRole } from "./validate";

export interface ModelSyncProps {
  /**
   * Name of the sync function (1–64 of A-Z a-z 0-9 - _); the role is "<name>-role", the security group "<name>-lambda",
   * the log group "/aws/lambda/<name>". @default the construct id
   */
  readonly name?: string;
  /** VPC of the model store; the sync's security group is created in it. */
  readonly vpcId: string;
  /**
   * Private subnets the sync runs in: each needs a store mount target, and a NAT route (pip downloads over the
   * internet) or, for an "s3" source, the VPC's S3 gateway endpoint.
   */
  readonly subnetIds: string[];
  /** The store to fill (an `EfsModelStore`, new or `fromAttributes`); the sync mounts its access point read-write. */
  readonly modelStore: IModelStore;
  /**
   * The spaCy model package to download and its sha256-pinned source, e.g. `{ name: "en_core_web_lg", version: "3.8.0",
   * source: ModelSource.spacyRelease("en_core_web_lg", "3.8.0", "<sha256>") }`. The sync installs only this: it is the
   * function's environment, and an invocation asking for anything else is refused.
   */
  readonly model: ModelSpec;
  /** Layer version ARNs (1 to 5) with spaCy and pip: the sync downloads with pip and checks that the model loads. */
  readonly layerArns: string[];
  /**
   * For an "s3" source: the region's S3 prefix list (`Network.s3PrefixListId`), the only destination of the sync's
   * HTTPS egress; other sources ignore it (pip needs the wheel host). @default HTTPS to any address
   */
  readonly s3PrefixListId?: string;
  /**
   * Resources the subnets' internet egress depends on (`Network.internetEgress`); the invocation waits for them.
   * @default [] (egress already exists)
   */
  readonly internetEgress?: ITerraformDependable[];
  /** Where the function mounts the store's access point; MODEL_ROOT for the handler. @default "/mnt/models" */
  readonly mountPath?: string;
  /**
   * Earlier versions of the model kept beside the synced one, for rollback; older ones are deleted. At least 1: the
   * serving function still serves the previous version until the deploy updates it. @default 2
   */
  readonly keepVersions?: number;
  /** Memory in MB; loading a large model to verify it needs about twice its size on disk. @default 3008 */
  readonly memorySize?: number;
  /** Timeout in seconds; downloading and unpacking a large model takes minutes. @default 900 (Lambda's maximum) */
  readonly timeout?: number;
  /**
   * Size of /tmp in MB (512 to 10240); the handler stages the wheel and pip's scratch on the store, so this is
   * headroom. @default 2048
   */
  readonly ephemeralStorageMb?: number;
  /** Instruction set, "x86_64" or "arm64"; must match the layer's compiled wheels. @default "x86_64" */
  readonly architecture?: string;
  /** Python runtime; must match the layer's Python. @default "python3.12" */
  readonly runtime?: string;
  /** Days CloudWatch keeps the sync's logs (one of CloudWatch Logs' retention periods, e.g. 7, 30, 365). @default 30 */
  readonly logRetentionDays?: number;
  /** Security groups added to the sync's own (e.g. for a proxy or a private package index). @default [] */
  readonly securityGroupIds?: string[];
  /**
   * Run as this existing role instead of creating one; the sync attaches its inline policies to it. @default a new role
   */
  readonly role?: ExistingRole;
  /** ARN of a managed policy set as the permissions boundary of the role the sync creates. @default none */
  readonly permissionsBoundary?: string;
  /** Tags added to every resource, on top of the provider's default tags. @default {} */
  readonly tags?: Record<string, string>;
}

/** Folder of the Python sync handler, packaged as the function's code. */
export const MODEL_SYNC_CODE_DIR = path.resolve(__dirname, "../runtime/src");
/** Handler of the sync function: `handler` in `model_sync.py`. */
export const MODEL_SYNC_HANDLER = "model_sync.handler";

/**
 * Every environment variable the sync (`runtime/src`) reads, by who sets it.
 * `runtime/tests/test_environment_contract.py` fails when the sync reads a name missing here or this lists
 * one it no longer reads; the construct's tests fail when the function's environment holds one not in `construct`.
 */
export const MODEL_SYNC_ENVIRONMENT_VARIABLES = {
  /** Set by the construct: what to install (the invocation only triggers the run) and where. */
  construct: [
    "MODEL_ROOT",
    "KEEP_VERSIONS",
    "MODEL_NAME",
    "MODEL_VERSION",
    "MODEL_SHA256",
    "MODEL_SOURCE_KIND",
    "MODEL_SOURCE_BUCKET",
    "MODEL_SOURCE_KEY",
    "MODEL_SOURCE_LOCATION",
  ],
  /** Read when set, by local runs and tests (`sync_cli`); the construct leaves them at their defaults. */
  local: ["PIP_TIMEOUT_SECONDS", "VERIFY_TIMEOUT_SECONDS", "LOCK_TIMEOUT_SECONDS", "STALE_STAGING_MINUTES"],
  /** Set by Lambda (region) or by a test's S3 stand-in (endpoints). */
  aws: ["AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"],
} as const;

const HTTPS_PORT = 443;

/**
 * Fills a model store (`IModelStore`, e.g. an `EfsModelStore`) with a spaCy model: a one-shot Lambda function in the
 * private subnets runs
 * `pip download` of the model package onto the store, checks it loads, and keeps `keepVersions` earlier
 * versions beside it. Terraform invokes it once through `aws_lambda_invocation`, and again only when the
 * model name, version or source (or the store's access point) changes; a failed sync fails the apply.
 */
export class ModelSync extends Construct {
  /** The model this sync puts on the store: its name and version are what a serving function loads. */
  public readonly model: ModelSpec;
  /** The invocation that runs the sync; the API function depends on it so it never starts on an empty store. */
  public readonly invocation: ITerraformDependable;
  /** JSON the sync handler returned (`aws_lambda_invocation.result`), known after apply. */
  public readonly result: string;
  /** Name of the sync function. */
  public readonly functionName: string;
  /** ARN of the sync function. */
  public readonly functionArn: string;
  /** ARN of the sync function's execution role. */
  public readonly roleArn: string;
  /** Name of the sync function's execution role. */
  public readonly roleName: string;
  /** The sync function. */
  public readonly lambdaFunction: LambdaFunction;
  /** The execution role, when the sync created it (undefined when `role` was given). */
  public readonly role?: IamRole;
  /** Security group of the sync function. */
  public readonly securityGroupId: string;
  /** Name of the sync function's log group. */
  public readonly logGroupName: string;

  constructor(scope: Construct, id: string, props: ModelSyncProps) {
    super(scope, id);
    const name = props.name ?? id;
    const mountPath = props.mountPath ?? DEFAULT_MOUNT_PATH;
    const keepVersions = props.keepVersions ?? DEFAULT_KEEP_VERSIONS;
    const source: ModelSource = props.model.source;
    if (source === undefined || source === null) {
      invalid(
        this.node.path,
        "model.source",
        "a ModelSource pinned by the wheel's sha256 (e.g. ModelSource.spacyRelease(name, version, sha256)); an " +
          "unpinned model could be swapped by whoever controls the download",
        source,
      );
    }
    const settings = {
      subnetIds: props.subnetIds,
      layerArns: props.layerArns,
      mountPath,
      keepVersions,
      memorySize: props.memorySize ?? 3008,
      timeout: props.timeout ?? 900,
      ephemeralStorageMb: props.ephemeralStorageMb ?? 2048,
      architecture: props.architecture ?? "x86_64",
      runtime: props.runtime ?? "python3.12",
      logRetentionDays: props.logRetentionDays ?? 30,
    };
    validateName(this.node.path, name);
    validateModel(this.node.path, props.model.name, props.model.version, source);
    validateFunction(this.node.path, settings);
    if (!fs.existsSync(path.join(MODEL_SYNC_CODE_DIR, "model_sync.py"))) {
      throw new Error(
        `${this.node.path}: the sync handler ${path.join(MODEL_SYNC_CODE_DIR, "model_sync.py")} is missing ` +
          `(handler "${MODEL_SYNC_HANDLER}"); the function has no code to package`,
      );
    }

    validateRole(this.node.path, props.role !== undefined, props.permissionsBoundary);
    const store = props.modelStore;

    const fn = new VpcPythonFunction(this, "function", {
      name,
      description: "One-shot: pip-downloads a spaCy model onto the EFS model store; invoked by Terraform",
      securityGroupDescription: `${name}: NFS to the model store and HTTPS for pip; no ingress`,
      vpcId: props.vpcId,
      subnetIds: props.subnetIds,
      extraSecurityGroupIds: props.securityGroupIds ?? [],
      codeDir: MODEL_SYNC_CODE_DIR,
      handler: MODEL_SYNC_HANDLER,
      runtime: settings.runtime,
      architecture: settings.architecture,
      memorySize: settings.memorySize,
      timeout: settings.timeout,
      ephemeralStorageMb: settings.ephemeralStorageMb,
      layers: props.layerArns,
      // What to install: the handler reads it from here and refuses an invocation that asks for anything else,
      // so being allowed to invoke the function is not being allowed to choose what it installs.
      environment: {
        MODEL_ROOT: mountPath,
        KEEP_VERSIONS: String(keepVersions),
        MODEL_NAME: props.model.name,
        MODEL_VERSION: props.model.version,
        MODEL_SHA256: source.sha256,
        MODEL_SOURCE_KIND: source.kind,
        ...(source.kind === ModelSourceKind.S3
          ? { MODEL_SOURCE_BUCKET: source.bucket ?? "", MODEL_SOURCE_KEY: source.key ?? "" }
          : { MODEL_SOURCE_LOCATION: source.location ?? "" }),
      },
      publish: false,
      tracing: false,
      jsonLogs: false,
      logRetentionDays: settings.logRetentionDays,
      logRetentionReason:
        "Retention is a per-environment choice (logRetentionDays); the sync's logs matter around the deploy that ran " +
        "it, not a year later.",
      modelStore: store,
      mountPath,
      storeAccess: "read-write",
      role: props.role,
      permissionsBoundary: props.permissionsBoundary,
      dependsOn: [],
      tags: props.tags ?? {},
    });
    // pip reaches the wheel host or package index over HTTPS through the NAT gateway; its addresses are
    // not fixed (GitHub release assets redirect to a CDN), so the destination cannot be narrower. A
    // private wheel in S3 needs S3 alone, whose addresses the gateway endpoint's prefix list names.
    // DNS needs no rule: security groups do not filter traffic to the VPC's Route 53 Resolver.
    const toS3Only = source.kind === ModelSourceKind.S3 && props.s3PrefixListId !== undefined;
    const httpsEgress = new VpcSecurityGroupEgressRule(this, toS3Only ? "https-to-s3" : "https-to-internet", {
      securityGroupId: fn.securityGroup.id,
      ...(toS3Only ? { prefixListId: props.s3PrefixListId } : { cidrIpv4: "0.0.0.0/0" }),
      ipProtocol: "tcp",
      fromPort: HTTPS_PORT,
      toPort: HTTPS_PORT,
      description:
        source.kind === ModelSourceKind.S3
          ? "HTTPS for pip to S3 through the VPC's S3 gateway endpoint"
          : "HTTPS for pip (wheel host or package index) through the NAT gateway",
    });
    // A private wheel: the role may read that one object and nothing else in the bucket or account. The
    // sync signs a short-lived URL with it for pip; pip itself never gets the role's credentials.
    const sourceAccess =
      source.kind === ModelSourceKind.S3
        ? [
            new IamRolePolicy(this, "read-model-wheel", {
              name: "read-model-wheel",
              role: fn.roleName,
              policy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [
                  {
                    Sid: "ReadThePinnedModelWheel",
                    Effect: "Allow",
                    Action: "s3:GetObject",
                    Resource:
                      `arn:${new DataAwsPartition(this, "partition").partition}:s3:::` +
                      `${source.bucket}/${source.key}`,
                  },
                ],
              }),
            }),
          ]
        : [];
    const lambda = fn.lambdaFunction;
    skipCheckov(
      lambda,
      "CKV_AWS_116",
      "Invoked synchronously by Terraform (aws_lambda_invocation) only: a failed sync fails the apply, and a " +
        "dead-letter queue, which serves asynchronous invocations, would never receive anything.",
    );
    skipCheckov(
      lambda,
      "CKV_AWS_115",
      "Runs once per model change, invoked only by Terraform, and takes a lock on the store against overlapping " +
        "runs; a reservation would take concurrency from the account that new accounts do not have to spare.",
    );
    skipCheckov(
      lambda,
      "CKV_AWS_50",
      "A one-shot sync run by Terraform: its outcome is the invocation result in the apply and its logs; traces " +
        "would add nothing.",
    );

    const invocation = new LambdaInvocation(this, "invocation", {
      functionName: lambda.functionName,
      // Explicit: CREATE_ONLY invokes on create and on replacement only, never on destroy, and passes the
      // input through unchanged (CRUD would wrap it with a "tf" key and invoke again on destroy).
      lifecycleScope: "CREATE_ONLY",
      // The input repeats the function's configuration, so the plan shows what will be installed; the handler
      // checks that it equals the environment above (it only triggers the run).
      input: JSON.stringify({
        model_name: props.model.name,
        version: props.model.version,
        source: sourceEvent(source),
        keep_versions: keepVersions,
      }),
      // Re-run the sync (replace the invocation) when what ends up on the store would differ. A changed
      // input replaces it anyway under CREATE_ONLY; the triggers add the store itself, since a replaced
      // file system or access point starts empty.
      triggers: {
        model_name: props.model.name,
        model_version: props.model.version,
        source_kind: source.kind,
        source_location:
          source.kind === ModelSourceKind.S3 ? `s3://${source.bucket}/${source.key}` : (source.location ?? ""),
        source_sha256: source.sha256,
        access_point_arn: store.accessPointArn,
      },
      // pip needs the NAT routes (or the S3 gateway endpoint) and the HTTPS rule; the mount needs a mount
      // target per subnet, the NFS rules on both sides and the role's EFS policy; an S3 source its read policy.
      dependsOn: [
        ...(props.internetEgress ?? []),
        ...store.mountTargets,
        fn.nfsEgress,
        httpsEgress,
        ...fn.storeAccess,
        ...sourceAccess,
        lambda,
      ],
    });

    this.model = props.model;
    this.invocation = invocation;
    this.result = invocation.result;
    this.functionName = lambda.functionName;
    this.functionArn = lambda.arn;
    this.roleArn = fn.roleArn;
    this.roleName = fn.roleName;
    this.role = fn.role;
    this.lambdaFunction = lambda;
    this.securityGroupId = fn.securityGroup.id;
    this.logGroupName = fn.logGroup.name;
  }
}

/** The source as the handler's event carries it (snake_case keys, as in runtime/src/sync_event.py). */
function sourceEvent(source: ModelSource): Record<string, string | undefined> {
  return source.kind === ModelSourceKind.S3
    ? { kind: source.kind, bucket: source.bucket, key: source.key, sha256: source.sha256 }
    : { kind: source.kind, location: source.location, sha256: source.sha256 };
}
