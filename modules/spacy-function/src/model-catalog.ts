import type { IModelStore } from "@serverless-spacy/shared";
import { VpcPythonFunction, skipCheckov } from "@serverless-spacy/shared/internal";
import { Construct } from "constructs";
import { ARCHITECTURES, Architecture } from "./architecture";
import type { IApiIntegrationTarget } from "./ner-http-api";
import { LOG_RETENTION_DAYS } from "./log-retention";
import { HANDLER_SOURCE_DIR, type SpacyModel } from "./spacy-function";
import { assertOneOf, invalid } from "@serverless-spacy/shared/internal";

/** Module and function of the catalog's Python entry point in `runtime/src`. */
export const CATALOG_HANDLER = "catalog_handler.handler";

/** A model the catalog lists. */
export interface CatalogModel extends SpacyModel {
  /** Whether the API's bare routes (`/entities`, …) serve it. */
  readonly default: boolean;
}

/** Settings of a ModelCatalog. */
export interface ModelCatalogProps {
  /** Name of the function; the role is "<name>-role", the security group "<name>-lambda". */
  readonly name: string;
  /** VPC of the model store. */
  readonly vpcId: string;
  /** Private subnets the function runs in; each needs a mount target of the store in its AZ. */
  readonly subnetIds: string[];
  /** The model store, mounted read-only: the catalog reads each model's meta.json. */
  readonly modelStore: IModelStore;
  /** The models the API serves, exactly one of them the default. */
  readonly models: CatalogModel[];
  /** Where the access point is mounted; the same as the models' functions. @default "/mnt/models" */
  readonly mountPath?: string;
  /** Instruction set of the function (it needs no layer: the catalog imports no spaCy). @default Architecture.X86_64 */
  readonly architecture?: Architecture;
  /** Retention of the function's log group, in days (one of CloudWatch Logs' periods). @default 30 */
  readonly logRetentionDays?: number;
  /** ARN of a permissions boundary for the execution role. @default none */
  readonly permissionsBoundary?: string;
  /** Tags added to every resource. @default {} */
  readonly tags?: Record<string, string>;
}

/**
 * `GET /models`: a small function without spaCy that lists the API's models with the components and labels
 * of their meta.json on the store. A function of its own, so listing models does not depend on, or wake,
 * any model's function; only its environment changes when a model is added.
 */
export class ModelCatalog extends Construct implements IApiIntegrationTarget {
  /** Name of the function. */
  public readonly functionName: string;
  /** Invoke ARN of the function, for the API integration. */
  public readonly invokeArn: string;
  /** Timeout of the function, in seconds. */
  public readonly timeoutSeconds: number = 10;
  /** Name of the function's log group. */
  public readonly logGroupName: string;

  constructor(scope: Construct, id: string, props: ModelCatalogProps) {
    super(scope, id);
    const defaults = props.models.filter((model) => model.default);
    if (props.models.length === 0 || defaults.length !== 1) {
      invalid(this.node.path, "models", "a non-empty list with exactly one default model", props.models);
    }
    const logRetentionDays = props.logRetentionDays ?? 30;
    assertOneOf(this.node.path, "logRetentionDays", logRetentionDays, LOG_RETENTION_DAYS as readonly number[]);
    const architecture = props.architecture ?? Architecture.X86_64;
    assertOneOf(this.node.path, "architecture", architecture, ARCHITECTURES);
    const mountPath = props.mountPath ?? "/mnt/models";
    const fn = new VpcPythonFunction(this, "function", {
      name: props.name,
      description: "Lists the models of the spaCy API (GET /models)",
      securityGroupDescription: `${props.name}: NFS to the model store only`,
      vpcId: props.vpcId,
      subnetIds: props.subnetIds,
      extraSecurityGroupIds: [],
      codeDir: HANDLER_SOURCE_DIR,
      handler: CATALOG_HANDLER,
      runtime: "python3.12",
      architecture,
      memorySize: 128,
      timeout: this.timeoutSeconds,
      ephemeralStorageMb: 512,
      layers: [],
      environment: {
        MODEL_ROOT: mountPath,
        MODEL_CATALOG: JSON.stringify(
          props.models.map((model) => ({ name: model.name, version: model.version, default: model.default })),
        ),
      },
      publish: false,
      tracing: false,
      jsonLogs: true,
      logRetentionDays,
      logRetentionReason:
        "Retention is a per-environment choice (logRetentionDays), the same as the models' functions'.",
      modelStore: props.modelStore,
      mountPath,
      storeAccess: "read",
      permissionsBoundary: props.permissionsBoundary,
      dependsOn: [],
      tags: props.tags ?? {},
    });
    skipCheckov(
      fn.lambdaFunction,
      "CKV_AWS_116",
      "Invoked synchronously by API Gateway only; errors reach the caller as 5xx responses.",
    );
    skipCheckov(
      fn.lambdaFunction,
      "CKV_AWS_115",
      "Reads a few meta.json files in milliseconds; its load is capped by the API stage's throttling.",
    );
    skipCheckov(
      fn.lambdaFunction,
      "CKV_AWS_50",
      "X-Ray tracing adds nothing to a function that reads a few small files.",
    );
    this.functionName = fn.lambdaFunction.functionName;
    this.invokeArn = fn.lambdaFunction.invokeArn;
    this.logGroupName = fn.logGroup.name;
  }
}
