// The full stack from the packages: a VPC, an EFS model store, the spaCy layer, the one-shot model sync and
// the NER function behind an IAM-auth HTTP API, with one caller role allowed to invoke it. The one consumer
// stack of the repository: the README shows it (pnpm docs:modules), examples/test synthesizes it, and
// `pnpm test:consumer` runs it from the packed tarballs, by ts-node and compiled to plain CommonJS.
import { App, TerraformOutput, TerraformStack } from "cdktn";
import type { Construct } from "constructs";
import { IamRole } from "@cdktn/provider-aws/lib/iam-role";
import { AwsProvider } from "@cdktn/provider-aws/lib/provider";
import { EfsModelStore } from "@serverless-spacy/cdktn-model-store";
import { NatGatewayMode, Network } from "@serverless-spacy/cdktn-network";
import { ModelSource, ModelSync } from "@serverless-spacy/cdktn-model-sync";
import { ApiAuthMode, SpacyFunction, SpacyLayer } from "@serverless-spacy/cdktn-spacy-function";

export class SearchNerStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: "eu-west-1" });

    const network = new Network(this, "network", {
      name: "search",
      cidr: "10.40.0.0/16",
      natGateways: NatGatewayMode.SINGLE,
    });
    const store = new EfsModelStore(this, "models", {
      name: "search-models",
      vpcId: network.vpcId,
      subnetIds: network.privateSubnetIds,
      availabilityZones: network.availabilityZones,
    });
    // Written by `npx serverless-spacy-layer build --arch x86_64 --out layers`; uploaded to a bucket of its own.
    // (`layerArn` instead uses a layer version published elsewhere, as the other examples do.)
    const layer = new SpacyLayer(this, "spacy", { zipPath: "layers/spacy-layer-python3.12-x86_64.zip" });
    const sync = new ModelSync(this, "sync", {
      name: "search-model-sync",
      vpcId: network.vpcId,
      subnetIds: network.privateSubnetIds,
      modelStore: store,
      // Pinned by the wheel's published sha256 (docs/model-sync.md lists where it comes from).
      model: {
        name: "en_core_web_sm",
        version: "3.8.0",
        source: ModelSource.spacyRelease(
          "en_core_web_sm",
          "3.8.0",
          "1932429db727d4bff3deed6b34cfc05df17794f4a52eeb26cf8928f7c1a0fb85",
        ),
      },
      layerArns: [layer.layerArn],
      internetEgress: network.internetEgress,
    });
    const ner = new SpacyFunction(this, "ner", {
      name: "search-ner",
      vpcId: network.vpcId,
      subnetIds: network.privateSubnetIds,
      modelStore: store,
      layer,
      // The function loads exactly the model the sync puts on the store, once it is there.
      modelSync: sync,
      memorySize: 2048,
      api: { auth: ApiAuthMode.IAM },
    });

    const caller = new IamRole(this, "indexer", {
      name: "search-indexer",
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
    });
    ner.grantInvoke({ roleName: caller.name, roleArn: caller.arn });

    new TerraformOutput(this, "api_url", { value: ner.apiUrl });
  }
}

if (require.main === module) {
  const app = new App();
  new SearchNerStack(app, "search-ner");
  app.synth();
}
