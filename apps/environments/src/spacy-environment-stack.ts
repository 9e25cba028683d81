import { Annotations, Aspects, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { EfsModelStore } from "@serverless-spacy/model-store";
import { Network } from "@serverless-spacy/network";
import { ModelSource, ModelSync } from "@serverless-spacy/model-sync";
import { ModelCatalog, SpacyFunction, SpacyHttpApi, SpacyLayer } from "@serverless-spacy/spacy-function";
import { AlarmTopic } from "./alarm-topic";
import { addBatchJob } from "./batch-job";
import { configureBackend } from "./backend";
import { managedPolicyArn } from "./config/delivery";
import { exampleValuesIn } from "./config/examples";
import { EnvironmentDashboard } from "./dashboard";
import { EnvironmentAlarms } from "./environment-alarms";
import { defaultModelOf, type EnvironmentConfig } from "./config/schema";
import { modelFunctionName, modelSyncName } from "./config/environment-rules";
import { EmulatorGaps, emulatorProviderSettings } from "./emulator";

export interface SpacyEnvironmentStackOptions {
  /** Loopback URL of an AWS emulator; set only by tests. @default real AWS */
  readonly emulatorEndpoint?: string;
}

/** One environment: network, model store, model sync and the spaCy API, wired together. */
export class SpacyEnvironmentStack extends TerraformStack {
  constructor(
    scope: Construct,
    environment: string,
    config: EnvironmentConfig,
    options: SpacyEnvironmentStackOptions = {},
  ) {
    super(scope, environment);
    const name = `spacy-${environment}`;
    const emulated = options.emulatorEndpoint !== undefined;

    new AwsProvider(this, "aws", {
      region: config.region,
      defaultTags: [
        { tags: { ...config.tags, Project: "serverless-spacy", Environment: environment, ManagedBy: "cdktf" } },
      ],
      // A plan or apply with credentials for any other account fails before it touches anything.
      allowedAccountIds: emulated ? undefined : config.allowedAccountIds,
      ...(emulated ? emulatorProviderSettings(options.emulatorEndpoint!) : {}),
    });
    configureBackend(this, environment, config, emulated);
    const examples = exampleValuesIn(config);
    if (examples.length > 0 && !emulated) {
      Annotations.of(this).addWarning(
        `environment "${environment}" still uses the checked-in example values ${examples.join(", ")}: replace them ` +
          "in apps/environments/src/config/environments.ts before deploying (README: Deploying from an empty account)",
      );
    }
    if (emulated) {
      Aspects.of(this).add(new EmulatorGaps());
    }

    // Resolved in the account the stack plans in, so one config serves every account apps/bootstrap set up.
    const permissionsBoundary = config.permissionsBoundaryPolicy
      ? managedPolicyArn(
          new DataAwsPartition(this, "partition").partition,
          new DataAwsCallerIdentity(this, "account").accountId,
          config.permissionsBoundaryPolicy,
        )
      : undefined;

    const network = new Network(this, "network", {
      name,
      cidr: config.network.cidr,
      azCount: config.network.azCount,
      natGateways: config.network.natGateways,
      subnetPrefixLength: config.network.subnetPrefixLength,
      s3GatewayEndpoint: config.network.s3GatewayEndpoint,
      permissionsBoundary,
    });

    // Created first so every alarm below can name it as its alarm and OK action.
    const alarmTopic = config.alarms.enabled
      ? new AlarmTopic(this, "alarm-topic", {
          name,
          subscriptions: config.alarms.subscriptions,
          keyDeletionWindowDays: environment === "prod" ? 30 : 7,
        })
      : undefined;
    const alarmActions = alarmTopic ? [alarmTopic.topicArn, ...config.alarms.actions] : [];
    const evaluation = {
      periodSeconds: config.alarms.periodSeconds,
      evaluationPeriods: config.alarms.evaluationPeriods,
      datapointsToAlarm: config.alarms.datapointsToAlarm,
    };

    const modelStore = new EfsModelStore(this, "model-store", {
      name: `${name}-models`,
      vpcId: network.vpcId,
      subnetIds: network.privateSubnetIds,
      // Keyed by zone: a subnet removed later destroys only its own mount target.
      availabilityZones: network.availabilityZones,
      throughputMode: config.modelStore.throughputMode,
      backups: config.modelStore.backups,
      transitionToIa: config.modelStore.transitionToIa,
    });

    const layer = new SpacyLayer(this, "spacy-layer", {
      name,
      architecture: config.function.architecture,
      forceDestroyArtifacts: environment !== "prod",
    });

    const api = new SpacyHttpApi(this, "http-api", {
      name: `${name}-api`,
      auth: config.api.auth,
      jwt: config.api.jwt,
      throttlingBurstLimit: config.api.throttlingBurstLimit,
      throttlingRateLimit: config.api.throttlingRateLimit,
      accessLogRetentionDays: config.function.logRetentionDays,
      alarms: config.alarms.enabled ? { ...evaluation, alarmActions, okActions: alarmActions } : undefined,
    });

    // One sync and one function per model, with construct ids keyed by the model's name: adding, removing
    // or changing a model plans only its own resources (and the catalog's list).
    const defaultModel = defaultModelOf(config);
    const served = config.models.map((model) => {
      const sync = new ModelSync(this, `model-sync-${model.name}`, {
        name: modelSyncName(environment, model.name),
        vpcId: network.vpcId,
        subnetIds: network.privateSubnetIds,
        modelStore,
        model: { name: model.name, version: model.version, source: ModelSource.fromConfig(model.source) },
        keepVersions: model.keepVersions,
        layerArns: [layer.layerArn],
        internetEgress: network.internetEgress,
        s3PrefixListId: network.s3PrefixListId,
        architecture: config.function.architecture,
        logRetentionDays: config.function.logRetentionDays,
        permissionsBoundary,
      });
      const fn = new SpacyFunction(this, `model-${model.name}`, {
        name: modelFunctionName(environment, model.name),
        vpcId: network.vpcId,
        subnetIds: network.privateSubnetIds,
        modelStore,
        model: { name: model.name, version: model.version },
        layer,
        modelReady: [sync.invocation],
        architecture: config.function.architecture,
        memorySize: model.memorySize,
        timeout: config.function.timeout,
        reservedConcurrency: model.reservedConcurrency,
        provisionedConcurrency: model.provisionedConcurrency,
        provisionedConcurrencyScaling: model.provisionedConcurrencyScaling,
        tracing: config.function.tracing,
        logRetentionDays: config.function.logRetentionDays,
        permissionsBoundary,
        createApi: false,
        alarms: config.alarms.enabled ? { ...evaluation, alarmActions, okActions: alarmActions } : undefined,
      });
      api.addModel(fn, { default: model.name === defaultModel.name });
      return { model, sync, fn };
    });
    const catalog = new ModelCatalog(this, "model-catalog", {
      name: `${name}-catalog`,
      vpcId: network.vpcId,
      subnetIds: network.privateSubnetIds,
      modelStore,
      models: config.models.map((model) => ({
        name: model.name,
        version: model.version,
        default: model.name === defaultModel.name,
      })),
      architecture: config.function.architecture,
      logRetentionDays: config.function.logRetentionDays,
      permissionsBoundary,
    });
    api.addCatalog(catalog);
    const main = served.find((entry) => entry.model.name === defaultModel.name)!;

    const batchJob = config.batchJob
      ? addBatchJob(this, {
          name,
          environment,
          config: config.batchJob,
          // The job serves the environment's default model, from the same access point, read-only.
          model: { name: main.model.name, version: main.model.version },
          network,
          modelStore,
          layer,
          modelReady: [main.sync.invocation],
          alarmActions,
          logRetentionDays: config.function.logRetentionDays,
          permissionsBoundary,
        })
      : undefined;

    const alarmNames = [
      ...api.alarmNames,
      ...served.flatMap((entry) => entry.fn.alarmNames),
      ...(batchJob ? [batchJob.alarmName] : []),
    ];
    if (config.alarms.enabled) {
      const environmentAlarms = new EnvironmentAlarms(this, "environment-alarms", {
        name,
        modelSyncFunctionNames: Object.fromEntries(served.map((entry) => [entry.model.name, entry.sync.functionName])),
        fileSystemId: modelStore.fileSystemId,
        throughputMode: config.modelStore.throughputMode,
        evaluation,
        actions: alarmActions,
        tags: {},
      });
      alarmNames.push(...environmentAlarms.alarmNames);
    }
    // The default model's function: the one the seed's routes reach.
    const dashboard = new EnvironmentDashboard(this, "dashboard", {
      name,
      region: config.region,
      functionName: main.fn.functionName,
      logGroupName: main.fn.logGroupName,
      apiId: api.apiId,
      stageName: api.stageName,
      fileSystemId: modelStore.fileSystemId,
      provisionedAlias:
        main.model.provisionedConcurrency > 0 || main.model.provisionedConcurrencyScaling
          ? SpacyFunction.LIVE_ALIAS
          : undefined,
      alarmNames,
    });

    new TerraformOutput(this, "api_url", {
      value: api.apiUrl,
      description: "Base URL of the HTTP API (POST /entities of the default model, /models/<name>/…, GET /models)",
    });
    new TerraformOutput(this, "function_name", {
      value: main.fn.functionName,
      description: "Function of the default model",
    });
    new TerraformOutput(this, "function_arn", { value: main.fn.functionArn });
    new TerraformOutput(this, "model_sync_result", {
      value: main.sync.result,
      description: "What the default model's sync reported: installed or already present, bytes, seconds",
    });
    new TerraformOutput(this, "models", {
      value: Object.fromEntries(
        served.map((entry) => [
          entry.model.name,
          { function_name: entry.fn.functionName, sync_result: entry.sync.result },
        ]),
      ),
      description: "Each model's function and what its sync reported",
    });
    new TerraformOutput(this, "catalog_function_name", { value: catalog.functionName });
    new TerraformOutput(this, "vpc_id", { value: network.vpcId });
    new TerraformOutput(this, "file_system_id", { value: modelStore.fileSystemId });
    new TerraformOutput(this, "dashboard_name", { value: dashboard.dashboardName });
    if (alarmTopic) {
      new TerraformOutput(this, "alarm_topic_arn", {
        value: alarmTopic.topicArn,
        description: "SNS topic every alarm notifies",
      });
    }
  }
}
