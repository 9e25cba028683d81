import * as fs from "fs";
import * as path from "path";
import type { Grant, Grantee, IModelStore } from "@serverless-spacy/shared";
import {
  DEFAULT_MOUNT_PATH,
  FUNCTION_NAME_PATTERN,
  MODEL_NAME_RULE,
  MODEL_VERSION_RULE,
  MOUNT_PATH_PATTERN,
  VpcPythonFunction,
  isModelName,
  isModelVersion,
  skipCheckov,
} from "@serverless-spacy/shared/internal";
import { Annotations, Token, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { type IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { LambdaAlias } from "@cdktf/provider-aws/lib/lambda-alias";
import { type LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaProvisionedConcurrencyConfig } from "@cdktf/provider-aws/lib/lambda-provisioned-concurrency-config";
import { ApiAuthMode, type JwtAuthorizerProps } from "./api-auth";
import { ARCHITECTURES, type Architecture } from "./architecture";
import { FunctionAlarms, validateAlarms, type SpacyAlarmsProps } from "./function-alarms";
import {
  EPHEMERAL_STORAGE_LIMITS,
  HTTP_API_MAX_INTEGRATION_TIMEOUT,
  MAX_VPC_SUBNETS,
  MEMORY_LIMITS,
  TIMEOUT_LIMITS,
} from "./lambda-limits";
import { LOG_RETENTION_DAYS } from "./log-retention";
import {
  expectedInitSeconds,
  ON_DEMAND_INIT_LIMIT_SECONDS,
  OOM_SIGNATURE,
  recommendedMemoryMb,
  VECTORS_MODES,
  VectorsMode,
} from "./memory-sizing";
import { SpacyHttpApi, validateApiSettings, type ISpacyApiTarget } from "./ner-http-api";
import {
  ProvisionedScaling,
  validateProvisionedScaling,
  type ProvisionedConcurrencyScaling,
} from "./provisioned-scaling";
import type { ISpacyLayer } from "./spacy-layer";
import {
  assertAtLeast,
  assertIntegerInRange,
  assertMatches,
  assertOneOf,
  invalid,
} from "@serverless-spacy/shared/internal";

/** Module and function of the Python entry point in `runtime/src`. */
export const HANDLER = "ner_handler.handler";

/** The handler's source folder, zipped at synth as the function's code. */
export const HANDLER_SOURCE_DIR = path.resolve(__dirname, "..", "runtime", "src");

/**
 * Every environment variable the runtime (`runtime/src`) reads, by who sets it. All of them are reserved: a
 * caller's `environment` that named one could change what the function serves (MODEL_PATH outranks the model
 * the construct mounts). `runtime/tests/test_environment_contract.py` fails when the runtime reads a name
 * missing here or this lists one it no longer reads; the construct's tests fail when `environment()` sets one
 * not in `construct`.
 */
export const RUNTIME_ENVIRONMENT_VARIABLES = {
  /** Set by the construct from its props. */
  construct: [
    "MODEL_ROOT",
    "MODEL_NAME",
    "MODEL_VERSION",
    "MODEL_EXCLUDE",
    "MAX_TEXT_CHARS",
    "MAX_BATCH_TEXTS",
    "MODEL_VECTORS",
    "MAX_TOTAL_CHARS",
    "BLAS",
    "LOG_REQUEST_TEXT",
  ],
  /** Read when set, for local runs and benchmarks (`pnpm serve`, `pnpm bench`); never set on the function. */
  local: ["MODEL_PATH", "PIPE_BATCH_SIZE", "PIPE_BATCH_CHARS", "CHARS_PER_VCPU_SECOND", "OPENBLAS_NUM_THREADS"],
  /** Set by ModelCatalog on the catalog function (`catalog_handler`, from the same source folder), with MODEL_ROOT. */
  catalog: ["MODEL_CATALOG"],
  /** Set by Lambda itself. */
  lambda: ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_RUNTIME_API"],
} as const;

/** Variables `environment` may not set: every one the runtime reads ({@link RUNTIME_ENVIRONMENT_VARIABLES}). */
export const RESERVED_ENVIRONMENT_VARIABLES = [
  ...RUNTIME_ENVIRONMENT_VARIABLES.construct,
  ...RUNTIME_ENVIRONMENT_VARIABLES.local,
  ...RUNTIME_ENVIRONMENT_VARIABLES.catalog,
  ...RUNTIME_ENVIRONMENT_VARIABLES.lambda,
] as const;

/** Matrix library the handler runs the pipeline's layers on (BLAS). */
export enum BlasLibrary {
  /** spaCy's own (thinc's blis), as `spacy.load` uses it. */
  BLIS = "blis",
  /** numpy's OpenBLAS: faster, but rounds differently from blis (docs/benchmarks.md#exactness). */
  OPENBLAS = "openblas",
}

/** Every {@link BlasLibrary}, in the order messages list them. */
export const BLAS_LIBRARIES: readonly BlasLibrary[] = Object.values(BlasLibrary);

/** The spaCy model package the function loads from the store, at `<mountPath>/<name>/<version>`. */
export interface SpacyModel {
  /** Package name, e.g. "en_core_web_lg". */
  readonly name: string;
  /** Package version, e.g. "3.8.0". */
  readonly version: string;
}

/** The HTTP API in front of the function. */
export interface SpacyApiProps {
  /**
   * Who may call the API: SigV4-signed IAM principals, bearer tokens of an OIDC issuer, or anyone.
   * @default ApiAuthMode.IAM
   */
  readonly auth?: ApiAuthMode;
  /** JWT authorizer settings; required with, and only with, auth `ApiAuthMode.JWT`. @default none */
  readonly jwt?: JwtAuthorizerProps;
  /** Stage-wide burst limit, in requests. @default 50 */
  readonly throttlingBurstLimit?: number;
  /** Stage-wide steady-state limit, in requests per second. @default 100 */
  readonly throttlingRateLimit?: number;
  /**
   * Retention of the API's access logs, in days (one of CloudWatch Logs' periods). @default the function's
   * logRetentionDays
   */
  readonly accessLogRetentionDays?: number;
}

/** Settings of a SpacyFunction. */
export interface SpacyFunctionProps {
  /**
   * Name of the function (1–64 of A-Z a-z 0-9 - _); the role is "<name>-role", the security group "<name>-lambda", the
   * log group "/aws/lambda/<name>", the API "<name>". @default the construct id
   */
  readonly name?: string;
  /** VPC the function's network interfaces live in: the model store's VPC. */
  readonly vpcId: string;
  /** Private subnets the function runs in (1–16); each needs a mount target of the store in its AZ. */
  readonly subnetIds: string[];
  /** The model store (an `EfsModelStore`, new or `fromAttributes`), mounted read-only through its access point. */
  readonly modelStore: IModelStore;
  /** The spaCy model package to load from the store. */
  readonly model: SpacyModel;
  /** The layer carrying spaCy, e.g. a SpacyLayer; its architecture and runtime must match the function's. */
  readonly layer: ISpacyLayer;
  /**
   * Resources that put the model on the store (the model sync's invocation); the function waits for them. @default []
   */
  readonly modelReady?: ITerraformDependable[];
  /** Where the access point is mounted in the function; one directory directly under /mnt/. @default "/mnt/models" */
  readonly mountPath?: string;
  /** Lambda runtime; must be one the layer was built for. @default "python3.12" */
  readonly runtime?: string;
  /**
   * Instruction set of the function; must match the layer's. @default the layer's architecture (Architecture.X86_64
   * unless the layer says otherwise)
   */
  readonly architecture?: Architecture;
  /**
   * Memory in MB (128–10240); too little for the model shows as "Runtime exited with error: signal: killed" (see
   * SpacyFunction.recommendedMemoryMb). @default 3008
   */
  readonly memorySize?: number;
  /** Timeout in seconds (1–900); the HTTP API itself gives up after 30. @default 30 */
  readonly timeout?: number;
  /** Size of /tmp in MB (512–10240). @default 512 */
  readonly ephemeralStorageMb?: number;
  /**
   * How the model's static vectors are read (MODEL_VECTORS): EAGER copies the table into memory during init, MMAP maps
   * the file read-only and pages rows in as requests use them (see docs/benchmarks.md). @default the handler's default,
   * VectorsMode.MMAP
   */
  readonly vectors?: VectorsMode;
  /** Concurrent executions reserved for (and capping) the function. @default unreserved: the account's shared pool */
  readonly reservedConcurrency?: number;
  /**
   * Instances kept initialised with the model loaded; > 0 publishes versions behind a "live" alias the API integrates.
   * @default 0, or provisionedConcurrencyScaling.min
   */
  readonly provisionedConcurrency?: number;
  /**
   * Target-tracking autoscaling (and schedules) of the live alias's provisioned concurrency between min and max;
   * provisionedConcurrency is then only the starting value. @default none: a fixed provisionedConcurrency
   */
  readonly provisionedConcurrencyScaling?: ProvisionedConcurrencyScaling;
  /**
   * Pipeline components not to load (MODEL_EXCLUDE, comma-joined): an opt-in that can change answers; [] loads every
   * component. @default what the handler proves the entities never read (answers equal spacy.load's)
   */
  readonly excludeComponents?: string[];
  /**
   * Matrix library of the pipeline's layers (BLAS): OPENBLAS is faster but rounds differently from spaCy's BLIS, an
   * opt-in (docs/benchmarks.md#exactness). @default BlasLibrary.BLIS, as spacy.load
   */
  readonly blas?: BlasLibrary;
  /** Longest text accepted per request, in characters (MAX_TEXT_CHARS). @default the handler's default */
  readonly maxTextChars?: number;
  /** Most texts accepted per request (MAX_BATCH_TEXTS). @default the handler's default */
  readonly maxBatchTexts?: number;
  /**
   * Most characters per request, all texts together (MAX_TOTAL_CHARS); raise it only with memory and timeout
   * (docs/benchmarks.md). @default the handler's default, sized for 1024 MB and 30 s
   */
  readonly maxTotalChars?: number;
  /** Retention of the function's log group, in days (one of CloudWatch Logs' periods). @default 30 */
  readonly logRetentionDays?: number;
  /**
   * Add each request's text(s) to its log line (LOG_REQUEST_TEXT): the logs then hold what callers sent. @default false
   */
  readonly logRequestText?: boolean;
  /**
   * Active X-Ray tracing, with an inline policy for xray:PutTraceSegments and xray:PutTelemetryRecords. @default false
   */
  readonly tracing?: boolean;
  /**
   * Create an HTTP API of its own in front of the function; false when a SpacyHttpApi shared with other models
   * serves it (`api.addModel(fn)`). @default true
   */
  readonly createApi?: boolean;
  /** The function's own HTTP API (only with createApi). @default IAM auth, burst 50, rate 100 */
  readonly api?: SpacyApiProps;
  /**
   * CloudWatch alarms (M-of-N) on errors, throttles, API 5xx and 4xx rate, p99 duration, concurrency, spillover.
   * @default no alarms
   */
  readonly alarms?: SpacyAlarmsProps;
  /**
   * Security groups added to the function's own (which allows only NFS to the store), e.g. for egress to your services.
   * @default []
   */
  readonly securityGroupIds?: string[];
  /**
   * Extra environment variables (configuration only: Lambda shows them to anyone who can read the function); none of
   * the names the runtime reads (MODEL_ROOT, MODEL_NAME, …; the module README lists them). @default {}
   */
  readonly environment?: Record<string, string>;
  /** ARN of a permissions boundary for the execution role the construct creates. @default none */
  readonly permissionsBoundary?: string;
  /**
   * Run as this existing role ({roleName, roleArn}; its trust policy must let lambda.amazonaws.com assume it) instead
   * of creating one; the construct attaches its inline policies (logs, VPC, store) to it. @default a new role
   * "<name>-role"
   */
  readonly role?: Grantee;
  /** Tags added to every resource, on top of the provider's default tags. @default {} */
  readonly tags?: Record<string, string>;
}

/**
 * spaCy named-entity recognition on Lambda, as in "Load a large spaCy model on AWS Lambda": a Python
 * function in private subnets that mounts the model store's access point read-only and loads the model
 * from it, behind an HTTP API of its own (`POST /entities`, `POST /analyze`, `GET /health`) or, with
 * `createApi: false`, one SpacyHttpApi shared with other models (`api.addModel(fn)`).
 *
 * Memory: the model is loaded whole on cold start. If `memorySize` is too small the runtime is killed and
 * the logs only say "Runtime exited with error: signal: killed"; see {@link SpacyFunction.recommendedMemoryMb}.
 */
export class SpacyFunction extends Construct implements ISpacyApiTarget {
  /** Name of the alias the API integrates when provisioned concurrency is on. */
  public static readonly LIVE_ALIAS: string = "live";

  /**
   * The smallest memorySize (MB) measured to hold a spaCy pretrained pipeline named like `*_sm`, `*_md` or `*_lg`
   * (e.g. "en_core_web_lg"), with headroom; undefined for other models. `cdktf synth` warns below it.
   */
  public static recommendedMemoryMb(modelName: string): number | undefined {
    return recommendedMemoryMb(modelName);
  }

  /** The function's own HTTP API; undefined with createApi false. */
  public readonly httpApi?: SpacyHttpApi;
  /** Name of the model it serves, the `<name>` of its `/models/<name>/…` routes. */
  public readonly modelName: string;
  /** Invoke ARN the API integrates: the "live" alias's with provisioned concurrency, else the function's. */
  public readonly invokeArn: string;
  /** Alias the API integrates; undefined without provisioned concurrency. */
  public readonly qualifier?: string;
  /** Timeout of the function, in seconds. */
  public readonly timeoutSeconds: number;
  /** Name of the function. */
  public readonly functionName: string;
  /** ARN of the function (unqualified). */
  public readonly functionArn: string;
  /** ARN of the "live" alias; undefined without provisioned concurrency. */
  public readonly aliasArn?: string;
  /** ARN of the function's execution role. */
  public readonly roleArn: string;
  /** Name of the function's execution role. */
  public readonly roleName: string;
  /** Security group of the function's network interfaces. */
  public readonly securityGroupId: string;
  /** Name of the function's log group. */
  public readonly logGroupName: string;
  /** The Lambda function, for settings the props do not cover. */
  public readonly lambdaFunction: LambdaFunction;
  /** The execution role, when the construct created it (undefined when `role` was given). */
  public readonly role?: IamRole;
  /** Names of the alarms created (empty without `alarms`). */
  public readonly alarmNames: string[] = [];

  constructor(scope: Construct, id: string, props: SpacyFunctionProps) {
    super(scope, id);
    const s = resolve(id, props);
    validate(this.node.path, props, s);
    this.warn(props, s);

    const tags = props.tags ?? {};
    // The model must be there before the function serves; everything else it waits for is its own.
    const fnConstruct = new VpcPythonFunction(this, "function", {
      name: s.name,
      description: `spaCy NER with ${props.model.name} ${props.model.version}`,
      // No ingress: nothing connects to the function. Its only egress is NFS to the store; Lambda itself
      // delivers logs and traces, so the function needs no internet path.
      securityGroupDescription: `${s.name}: NFS to the model store only`,
      vpcId: props.vpcId,
      subnetIds: props.subnetIds,
      extraSecurityGroupIds: props.securityGroupIds ?? [],
      codeDir: HANDLER_SOURCE_DIR,
      handler: HANDLER,
      runtime: s.runtime,
      architecture: s.architecture,
      memorySize: s.memorySize,
      timeout: s.timeout,
      ephemeralStorageMb: s.ephemeralStorageMb,
      layers: [props.layer.layerArn],
      environment: environment(props, s.mountPath),
      reservedConcurrency: props.reservedConcurrency,
      publish: s.provisionedConcurrency > 0,
      tracing: s.tracing,
      jsonLogs: true,
      logRetentionDays: s.logRetentionDays,
      logRetentionReason:
        "Retention is a per-environment privacy choice (logRetentionDays): the logs can quote request texts, so they " +
        "are kept no longer than operating the function needs.",
      modelStore: props.modelStore,
      mountPath: s.mountPath,
      storeAccess: "read",
      role: props.role,
      permissionsBoundary: props.permissionsBoundary,
      // modelReady: the function must never serve before its model exists.
      dependsOn: props.modelReady ?? [],
      tags,
    });
    const fn = fnConstruct.lambdaFunction;

    skipCheckov(
      fn,
      "CKV_AWS_116",
      "Invoked synchronously by API Gateway only; a dead-letter queue applies to asynchronous invocations, and " +
        "errors reach the caller as 5xx responses.",
    );
    if (props.reservedConcurrency === undefined) {
      skipCheckov(
        fn,
        "CKV_AWS_115",
        "Load is capped by the API stage's throttling; a reservation is opt-in per environment " +
          "(reservedConcurrency) because new accounts have no unreserved concurrency to spare.",
      );
    }
    if (!s.tracing) {
      skipCheckov(
        fn,
        "CKV_AWS_50",
        "X-Ray tracing is a per-environment choice (tracing, on in prod) that keeps its cost out of dev and staging.",
      );
    }

    let invokeArn = fn.invokeArn;
    let qualifier: string | undefined;
    if (s.provisionedConcurrency > 0) {
      const alias = new LambdaAlias(this, "live-alias", {
        name: SpacyFunction.LIVE_ALIAS,
        description: "The published version the API serves, kept warm by provisioned concurrency",
        functionName: fn.functionName,
        functionVersion: fn.version,
      });
      const provisioned = new LambdaProvisionedConcurrencyConfig(this, "provisioned-concurrency", {
        functionName: fn.functionName,
        qualifier: alias.name,
        provisionedConcurrentExecutions: s.provisionedConcurrency,
        // Under autoscaling the count is Application Auto Scaling's to change, not the next apply's.
        lifecycle: props.provisionedConcurrencyScaling
          ? { ignoreChanges: ["provisioned_concurrent_executions"] }
          : undefined,
      });
      if (props.provisionedConcurrencyScaling) {
        new ProvisionedScaling(this, "provisioned-scaling", {
          functionName: fn.functionName,
          aliasName: alias.name,
          scaling: props.provisionedConcurrencyScaling,
          dependsOn: [provisioned],
          tags,
        });
      }
      invokeArn = alias.invokeArn;
      qualifier = alias.name;
      this.aliasArn = alias.arn;
    }

    // Set before the API below reads them (addModel integrates and permits this function).
    this.functionName = fn.functionName;
    this.functionArn = fn.arn;
    this.roleArn = fnConstruct.roleArn;
    this.roleName = fnConstruct.roleName;
    this.role = fnConstruct.role;
    this.lambdaFunction = fn;
    this.securityGroupId = fnConstruct.securityGroup.id;
    this.logGroupName = fnConstruct.logGroup.name;
    this.modelName = props.model.name;
    this.invokeArn = invokeArn;
    this.qualifier = qualifier;
    this.timeoutSeconds = s.timeout;

    if (props.alarms) {
      const alarms = new FunctionAlarms(this, "alarms", {
        ...props.alarms,
        name: s.name,
        functionName: fn.functionName,
        timeoutSeconds: s.timeout,
        reservedConcurrency: props.reservedConcurrency,
        provisionedAlias: qualifier,
        tags,
      });
      this.alarmNames.push(...alarms.alarmNames);
    }

    if (props.createApi ?? true) {
      this.httpApi = new SpacyHttpApi(this, "http-api", {
        name: s.name,
        auth: s.api.auth,
        jwt: props.api?.jwt,
        throttlingBurstLimit: s.api.throttlingBurstLimit,
        throttlingRateLimit: s.api.throttlingRateLimit,
        accessLogRetentionDays: s.api.accessLogRetentionDays,
        alarms: props.alarms,
        tags,
      });
      // The seed's API: the bare routes of its one model, as before several models shared an API.
      this.httpApi.addModel(this, { default: true, modelRoutes: false });
      this.alarmNames.push(...this.httpApi.alarmNames);
    }
  }

  /** Base URL of the function's own API: the `$default` stage's invoke URL. */
  public get apiUrl(): string {
    return this.ownApi("apiUrl").apiUrl;
  }

  /** ID of the function's own HTTP API. */
  public get apiId(): string {
    return this.ownApi("apiId").apiId;
  }

  /** Execution ARN of the function's own API, the prefix of its routes' `execute-api:Invoke` resources. */
  public get apiExecutionArn(): string {
    return this.ownApi("apiExecutionArn").executionArn;
  }

  /** Name of the own API's access log group. */
  public get accessLogGroupName(): string {
    return this.ownApi("accessLogGroupName").accessLogGroupName;
  }

  /** Name of the own API's stage (for metrics' Stage dimension). */
  public get apiStageName(): string {
    return this.ownApi("apiStageName").stageName;
  }

  /** Who may call the function's own API. */
  public get auth(): ApiAuthMode {
    return this.ownApi("auth").auth;
  }

  /**
   * Let a role call the function's own API under IAM auth (execute-api:Invoke on its routes only). The
   * policy is named after the grantee, so granting or revoking another caller leaves it alone. Returns the
   * grant (the policy), to depend on. With a shared API, grant on the SpacyHttpApi instead.
   */
  public grantInvoke(grantee: Grantee): Grant {
    return this.ownApi("grantInvoke").grantInvoke(grantee);
  }

  private ownApi(member: string): SpacyHttpApi {
    if (!this.httpApi) {
      invalid(
        this.node.path,
        "createApi",
        `true for ${member}, which is the function's own API's (with createApi false, use the SpacyHttpApi that ` +
          "serves it)",
        false,
      );
    }
    return this.httpApi;
  }

  // Deployable but probably wrong: reported by `cdktf synth` without failing it.
  private warn(props: SpacyFunctionProps, s: Settings): void {
    const handlerFile = path.join(HANDLER_SOURCE_DIR, `${HANDLER.split(".")[0]}.py`);
    if (!fs.existsSync(handlerFile)) {
      Annotations.of(this).addWarning(
        `${handlerFile} does not exist: every invocation would fail with "Unable to import module"`,
      );
    }
    const recommended = recommendedMemoryMb(props.model.name);
    if (recommended !== undefined && !Token.isUnresolved(s.memorySize) && s.memorySize < recommended) {
      Annotations.of(this).addWarning(
        `memorySize ${s.memorySize} MB is below the ${recommended} MB that ${props.model.name} needs; ` +
          `cold starts will likely die with "${OOM_SIGNATURE}"`,
      );
    }
    if (!Token.isUnresolved(s.timeout) && s.timeout > HTTP_API_MAX_INTEGRATION_TIMEOUT) {
      Annotations.of(this).addWarning(
        `timeout ${s.timeout} s only helps direct invocations: the HTTP API answers 503 after ` +
          `${HTTP_API_MAX_INTEGRATION_TIMEOUT} s`,
      );
    }
    const init = Token.isUnresolved(s.memorySize)
      ? undefined
      : expectedInitSeconds(props.model.name, s.memorySize, s.vectors);
    if (init !== undefined && init.seconds > ON_DEMAND_INIT_LIMIT_SECONDS) {
      Annotations.of(this).addWarning(
        `expected init of ${props.model.name} at memorySize ${s.memorySize} MB is ~${init.seconds.toFixed(1)} s, ` +
          `over ` +
          `Lambda's ${ON_DEMAND_INIT_LIMIT_SECONDS} s on-demand init limit (past it, init is re-run inside the first ` +
          `invocation, under its timeout): ${init.derivation}. Raise memorySize, set vectors: "mmap", or keep ` +
          "instances warm with provisionedConcurrency",
      );
    }
  }
}

/** Every prop with its default applied. */
interface Settings {
  name: string;
  mountPath: string;
  runtime: string;
  architecture: Architecture;
  memorySize: number;
  timeout: number;
  ephemeralStorageMb: number;
  provisionedConcurrency: number;
  logRetentionDays: number;
  tracing: boolean;
  vectors: VectorsMode;
  api: { auth: ApiAuthMode; throttlingBurstLimit: number; throttlingRateLimit: number; accessLogRetentionDays: number };
}

function resolve(id: string, props: SpacyFunctionProps): Settings {
  const logRetentionDays = props.logRetentionDays ?? 30;
  return {
    name: props.name ?? id,
    mountPath: props.mountPath ?? DEFAULT_MOUNT_PATH,
    runtime: props.runtime ?? "python3.12",
    architecture: props.architecture ?? props.layer.architecture,
    memorySize: props.memorySize ?? 3008,
    timeout: props.timeout ?? 30,
    ephemeralStorageMb: props.ephemeralStorageMb ?? 512,
    provisionedConcurrency: props.provisionedConcurrency ?? props.provisionedConcurrencyScaling?.min ?? 0,
    logRetentionDays,
    tracing: props.tracing ?? false,
    vectors: props.vectors ?? VectorsMode.MMAP,
    api: {
      auth: props.api?.auth ?? ApiAuthMode.IAM,
      throttlingBurstLimit: props.api?.throttlingBurstLimit ?? 50,
      throttlingRateLimit: props.api?.throttlingRateLimit ?? 100,
      accessLogRetentionDays: props.api?.accessLogRetentionDays ?? logRetentionDays,
    },
  };
}

function environment(props: SpacyFunctionProps, mountPath: string): Record<string, string> {
  const variables: Record<string, string> = {
    ...props.environment,
    MODEL_ROOT: mountPath,
    MODEL_NAME: props.model.name,
    MODEL_VERSION: props.model.version,
  };
  if (props.excludeComponents !== undefined) {
    variables.MODEL_EXCLUDE = props.excludeComponents.join(",");
  }
  if (props.maxTextChars !== undefined) {
    variables.MAX_TEXT_CHARS = String(props.maxTextChars);
  }
  if (props.maxBatchTexts !== undefined) {
    variables.MAX_BATCH_TEXTS = String(props.maxBatchTexts);
  }
  if (props.vectors !== undefined) {
    variables.MODEL_VECTORS = props.vectors;
  }
  if (props.maxTotalChars !== undefined) {
    variables.MAX_TOTAL_CHARS = String(props.maxTotalChars);
  }
  if (props.blas !== undefined) {
    variables.BLAS = props.blas;
  }
  if (props.logRequestText !== undefined) {
    variables.LOG_REQUEST_TEXT = String(props.logRequestText);
  }
  return variables;
}

/** A shared rule ("must be …") as `invalid` takes it (what is allowed). */
function rule(text: string): string {
  return text.replace(/^must be /, "");
}

function validate(path: string, props: SpacyFunctionProps, s: Settings): void {
  assertMatches(path, "name", s.name, FUNCTION_NAME_PATTERN, "1–64 characters of A-Z, a-z, 0-9, - and _");
  if (props.subnetIds.length < 1 || props.subnetIds.length > MAX_VPC_SUBNETS) {
    invalid(path, "subnetIds", `a list of 1–${MAX_VPC_SUBNETS} private subnet ids`, props.subnetIds);
  }
  // Model name and version become path segments under the mount; the sync's rules keep them plain names.
  const { name: modelName, version: modelVersion } = props.model;
  if (!Token.isUnresolved(modelName) && !isModelName(modelName)) {
    invalid(path, "model.name", rule(MODEL_NAME_RULE), modelName);
  }
  if (!Token.isUnresolved(modelVersion) && !isModelVersion(modelVersion)) {
    invalid(path, "model.version", rule(MODEL_VERSION_RULE), modelVersion);
  }
  for (const key of Object.keys(props.environment ?? {})) {
    if ((RESERVED_ENVIRONMENT_VARIABLES as readonly string[]).includes(key)) {
      invalid(
        path,
        "environment",
        `free of the variables the runtime reads (${RESERVED_ENVIRONMENT_VARIABLES.join(", ")})`,
        key,
      );
    }
    assertMatches(path, "environment key", key, /^[A-Za-z][A-Za-z0-9_]*$/, "a variable name (letters, digits, _)");
  }
  if (props.role && props.permissionsBoundary !== undefined) {
    invalid(
      path,
      "permissionsBoundary",
      "unset with role (it bounds the role the construct creates)",
      props.permissionsBoundary,
    );
  }
  for (const group of props.securityGroupIds ?? []) {
    assertMatches(path, "securityGroupIds[]", group, /^sg-[0-9a-f]+$/, "a security group id like sg-0123456789abcdef0");
  }
  assertMatches(
    path,
    "permissionsBoundary",
    props.permissionsBoundary,
    /^arn:aws[a-z-]*:iam::\d{12}:policy\/.+$/,
    "a managed policy ARN like arn:aws:iam::123456789012:policy/boundary",
  );
  assertMatches(
    path,
    "role.roleArn",
    props.role?.roleArn,
    /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/,
    "a role ARN like arn:aws:iam::123456789012:role/name",
  );
  assertMatches(
    path,
    "mountPath",
    s.mountPath,
    MOUNT_PATH_PATTERN,
    'one directory directly under /mnt/ (Lambda only mounts file systems there), like "/mnt/models"',
  );
  if (s.mountPath.length > 160) {
    invalid(path, "mountPath", "at most 160 characters", s.mountPath);
  }
  assertOneOf(path, "runtime", s.runtime, props.layer.compatibleRuntimes);
  assertOneOf(path, "architecture", s.architecture, ARCHITECTURES);
  assertOneOf(path, "vectors", props.vectors, VECTORS_MODES);
  assertOneOf(path, "blas", props.blas, BLAS_LIBRARIES);
  if (s.architecture !== props.layer.architecture) {
    invalid(
      path,
      "architecture",
      `the layer's architecture "${props.layer.architecture}" (its compiled wheels only import there)`,
      s.architecture,
    );
  }
  assertIntegerInRange(path, "memorySize", s.memorySize, MEMORY_LIMITS.min, MEMORY_LIMITS.max, "MB");
  assertIntegerInRange(path, "timeout", s.timeout, TIMEOUT_LIMITS.min, TIMEOUT_LIMITS.max, "seconds");
  assertIntegerInRange(
    path,
    "ephemeralStorageMb",
    s.ephemeralStorageMb,
    EPHEMERAL_STORAGE_LIMITS.min,
    EPHEMERAL_STORAGE_LIMITS.max,
    "MB",
  );
  assertAtLeast(path, "reservedConcurrency", props.reservedConcurrency, 0, true);
  assertAtLeast(path, "provisionedConcurrency", s.provisionedConcurrency, 0, true);
  if (
    props.reservedConcurrency !== undefined &&
    !Token.isUnresolved(props.reservedConcurrency) &&
    !Token.isUnresolved(s.provisionedConcurrency) &&
    s.provisionedConcurrency > props.reservedConcurrency
  ) {
    invalid(
      path,
      "provisionedConcurrency",
      `at most reservedConcurrency (${props.reservedConcurrency})`,
      s.provisionedConcurrency,
    );
  }
  if (props.provisionedConcurrencyScaling) {
    validateProvisionedScaling(
      path,
      props.provisionedConcurrencyScaling,
      props.provisionedConcurrency,
      props.reservedConcurrency,
    );
  }
  for (const component of props.excludeComponents ?? []) {
    assertMatches(path, "excludeComponents[]", component, /^[A-Za-z0-9_-]+$/, "pipeline component names like parser");
  }
  assertAtLeast(path, "maxTextChars", props.maxTextChars, 1, true);
  assertAtLeast(path, "maxBatchTexts", props.maxBatchTexts, 1, true);
  assertAtLeast(path, "maxTotalChars", props.maxTotalChars, 1, true);
  assertOneOf(path, "logRetentionDays", s.logRetentionDays, LOG_RETENTION_DAYS as readonly number[]);

  if (props.createApi === false && props.api !== undefined) {
    invalid(
      path,
      "createApi",
      "true when api is set (api configures the function's own API; a SpacyHttpApi that serves it, " +
        "api.addModel(fn), has settings of its own)",
      props.createApi,
    );
  }
  validateApiSettings(path, "api.", s.api, props.api?.jwt);
  if (props.alarms) {
    validateAlarms(path, props.alarms);
  }

  if (!fs.existsSync(HANDLER_SOURCE_DIR)) {
    throw new Error(
      `${path}: the handler source folder ${HANDLER_SOURCE_DIR} does not exist; it holds ${HANDLER.split(".")[0]}.py`,
    );
  }
}
