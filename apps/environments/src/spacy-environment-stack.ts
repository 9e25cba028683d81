import { Aspects, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { EfsModelStore } from "@serverless-spacy/model-store";
import { Network } from "@serverless-spacy/network";
import { ModelSync } from "@serverless-spacy/shared";
import { SpacyFunction, SpacyLayer } from "@serverless-spacy/spacy-function";
import { configureBackend } from "./backend";
import type { EnvironmentConfig } from "./config/schema";
import { EmulatorGaps, emulatorProviderSettings } from "./emulator";

export interface SpacyEnvironmentStackOptions {
  /** Loopback URL of an AWS emulator; set only by tests. @default real AWS */
  readonly emulatorEndpoint?: string;
}

/** One environment: network, model store, model sync and the spaCy API, wired together. */
export class SpacyEnvironmentStack extends TerraformStack {
  constructor(scope: Construct, environment: string, config: EnvironmentConfig, options: SpacyEnvironmentStackOptions = {}) {
    super(scope, environment);
    const name = `spacy-${environment}`;
    const emulated = options.emulatorEndpoint !== undefined;

    new AwsProvider(this, "aws", {
      region: config.region,
      defaultTags: [
        { tags: { ...config.tags, Project: "serverless-spacy", Environment: environment, ManagedBy: "cdktf" } },
      ],
      ...(emulated ? emulatorProviderSettings(options.emulatorEndpoint!) : {}),
    });
    configureBackend(this, environment, config, emulated);
    if (emulated) {
      Aspects.of(this).add(new EmulatorGaps());
    }

    const network = new Network(this, "network", {
      name,
      cidr: config.network.cidr,
      azCount: config.network.azCount,
      natGateways: config.network.natGateways,
      subnetPrefixLength: config.network.subnetPrefixLength,
      s3GatewayEndpoint: config.network.s3GatewayEndpoint,
    });

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
      architecture: config.function.architecture,
      logRetentionDays: config.function.logRetentionDays,
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
      api: {
        auth: config.api.auth,
        jwt: config.api.jwt,
        throttlingBurstLimit: config.api.throttlingBurstLimit,
        throttlingRateLimit: config.api.throttlingRateLimit,
      },
      alarms: config.alarms.enabled ? { alarmActions: config.alarms.actions } : undefined,
    });

    new TerraformOutput(this, "api_url", { value: api.apiUrl, description: "Base URL of the HTTP API (POST /entities, GET /health)" });
    new TerraformOutput(this, "function_name", { value: api.functionName });
    new TerraformOutput(this, "function_arn", { value: api.functionArn });
    new TerraformOutput(this, "model_sync_result", {
      value: modelSync.result,
      description: "What the one-shot model sync reported: installed or already present, bytes, seconds",
    });
    new TerraformOutput(this, "vpc_id", { value: network.vpcId });
    new TerraformOutput(this, "file_system_id", { value: modelStore.fileSystemId });
  }
}
