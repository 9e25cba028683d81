// Two models behind one API: the stock small English model (the default, on the seed's `POST /entities`) and
// a team's own pipeline packaged with `spacy package` and kept in a private bucket (docs/team-pipeline.md).
// Each model has its own sync and function, so one model's memory, cold start or failure never touches the
// other's; `GET /models` lists both.
import { App, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { EfsModelStore } from "@serverless-spacy/model-store";
import { NatGatewayMode, Network } from "@serverless-spacy/network";
import { ModelSource, ModelSync, type ModelSpec } from "@serverless-spacy/model-sync";
import { ApiAuthMode, ModelCatalog, SpacyFunction, SpacyHttpApi, SpacyLayer } from "@serverless-spacy/spacy-function";

const MODELS: { spec: ModelSpec; memorySize: number }[] = [
  {
    spec: {
      name: "en_core_web_sm",
      version: "3.8.0",
      source: ModelSource.spacyRelease(
        "en_core_web_sm",
        "3.8.0",
        "1932429db727d4bff3deed6b34cfc05df17794f4a52eeb26cf8928f7c1a0fb85",
      ),
    },
    memorySize: 1024,
  },
  {
    spec: {
      name: "en_acme_support",
      version: "1.0.0",
      source: ModelSource.s3(
        "acme-nlp-models",
        "en_acme_support/en_acme_support-1.0.0-py3-none-any.whl",
        "3f5e1c9d0b8a7e6f5d4c3b2a19081726354453627180918a7b6c5d4e3f2a1b0c",
      ),
    },
    memorySize: 1536,
  },
];

export class SeveralModelsStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: "eu-west-1" });
    const network = new Network(this, "network", {
      name: "support",
      cidr: "10.50.0.0/16",
      natGateways: NatGatewayMode.SINGLE,
    });
    const store = new EfsModelStore(this, "models", {
      name: "support-models",
      vpcId: network.vpcId,
      subnetIds: network.privateSubnetIds,
      availabilityZones: network.availabilityZones,
    });
    const layer = new SpacyLayer(this, "spacy", { layerArn: "arn:aws:lambda:eu-west-1:123456789012:layer:spacy:3" });
    const api = new SpacyHttpApi(this, "api", { name: "support-ner", auth: ApiAuthMode.IAM });

    MODELS.forEach(({ spec, memorySize }, index) => {
      const sync = new ModelSync(this, `sync-${spec.name}`, {
        name: `support-${spec.name}-sync`,
        vpcId: network.vpcId,
        subnetIds: network.privateSubnetIds,
        modelStore: store,
        model: spec,
        layerArns: [layer.layerArn],
        internetEgress: network.internetEgress,
        s3PrefixListId: network.s3PrefixListId,
      });
      const fn = new SpacyFunction(this, `ner-${spec.name}`, {
        name: `support-${spec.name}`,
        vpcId: network.vpcId,
        subnetIds: network.privateSubnetIds,
        modelStore: store,
        layer,
        // The function loads exactly the model the sync puts on the store, once it is there.
        modelSync: sync,
        memorySize,
        createApi: false,
      });
      api.addModel(fn, { default: index === 0 });
    });
    api.addCatalog(
      new ModelCatalog(this, "catalog", {
        name: "support-models-catalog",
        vpcId: network.vpcId,
        subnetIds: network.privateSubnetIds,
        modelStore: store,
        models: MODELS.map(({ spec }, index) => ({ name: spec.name, version: spec.version, default: index === 0 })),
      }),
    );
    new TerraformOutput(this, "api_url", { value: api.apiUrl });
  }
}

if (require.main === module) {
  const app = new App();
  new SeveralModelsStack(app, "support-ner");
  app.synth();
}
