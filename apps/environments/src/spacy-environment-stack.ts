import { Annotations, Aspects, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { EfsModelStore } from "@serverless-spacy/model-store";
import { Network } from "@serverless-spacy/network";
import { ModelSync } from "@serverless-spacy/shared";
import { LIVE_ALIAS, SpacyFunction, SpacyLayer } from "@serverless-spacy/spacy-function";
import { AlarmTopic } from "./alarm-topic";
import { addBatchJob } from "./batch-job";
import { configureBackend } from "./backend";
import { managedPolicyArn } from "./config/delivery";
import { exampleValuesIn } from "./config/examples";
import { EnvironmentDashboard } from "./dashboard";
import { EnvironmentAlarms } from "./environment-alarms";
import type { EnvironmentConfig } from "./config/schema";
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

    const modelSync = new ModelSync(this, "model-sync", {
      name: `${name}-model-sync`,
      vpcId: network.vpcId,
      subnetIds: network.privateSubnetIds,
      modelStore,
      model: { name: config.model.name, version: config.model.version, source: config.model.source },
      keepVersions: config.model.keepVersions,
      layerArns: [layer.layerArn],
      internetEgress: network.internetEgress,
      s3PrefixListId: network.s3PrefixListId,
      architecture: config.function.architecture,
      logRetentionDays: config.function.logRetentionDays,
      permissionsBoundary,
    });

    const api = new SpacyFunction(this, "api", {
      name: `${name}-api`,
      vpcId: network.vpcId,
      subnetIds: network.privateSubnetIds,
      modelStore,
      model: { name: config.model.name, version: config.model.version },
      layer,
      modelReady: [modelSync.invocation],
      architecture: config.function.architecture,
      memorySize: config.function.memorySize,
      timeout: config.function.timeout,
      reservedConcurrency: config.function.reservedConcurrency,
      provisionedConcurrency: config.function.provisionedConcurrency,
      tracing: config.function.tracing,
      logRetentionDays: config.function.logRetentionDays,
      permissionsBoundary,
      api: {
        auth: config.api.auth,
        jwt: config.api.jwt,
        throttlingBurstLimit: config.api.throttlingBurstLimit,
        throttlingRateLimit: config.api.throttlingRateLimit,
      },
      alarms: config.alarms.enabled ? { ...evaluation, alarmActions, okActions: alarmActions } : undefined,
    });

    const batchJob = config.batchJob
      ? addBatchJob(this, {
          name,
          environment,
          config: config.batchJob,
          model: { name: config.model.name, version: config.model.version },
          network,
          modelStore,
          layer,
          modelReady: [modelSync.invocation],
          alarmActions,
          logRetentionDays: config.function.logRetentionDays,
          permissionsBoundary,
        })
      : undefined;

    const alarmNames = [...api.alarmNames, ...(batchJob ? [batchJob.alarmName] : [])];
    if (config.alarms.enabled) {
      const environmentAlarms = new EnvironmentAlarms(this, "environment-alarms", {
        name,
        modelSyncFunctionName: modelSync.functionName,
        fileSystemId: modelStore.fileSystemId,
        throughputMode: config.modelStore.throughputMode,
        evaluation,
        actions: alarmActions,
        tags: {},
      });
      alarmNames.push(...environmentAlarms.alarmNames);
    }
    const dashboard = new EnvironmentDashboard(this, "dashboard", {
      name,
      region: config.region,
      functionName: api.functionName,
      logGroupName: api.logGroupName,
      apiId: api.apiId,
      stageName: api.apiStageName,
      fileSystemId: modelStore.fileSystemId,
      provisionedAlias: config.function.provisionedConcurrency > 0 ? LIVE_ALIAS : undefined,
      alarmNames,
    });

    new TerraformOutput(this, "api_url", {
      value: api.apiUrl,
      description: "Base URL of the HTTP API (POST /entities, GET /health)",
    });
    new TerraformOutput(this, "function_name", { value: api.functionName });
    new TerraformOutput(this, "function_arn", { value: api.functionArn });
    new TerraformOutput(this, "model_sync_result", {
      value: modelSync.result,
      description: "What the one-shot model sync reported: installed or already present, bytes, seconds",
    });
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
