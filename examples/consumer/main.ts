import { App, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Network } from "@serverless-spacy/network";
import { EfsModelStore } from "@serverless-spacy/model-store";
import { SpacyFunction, SpacyLayer } from "@serverless-spacy/spacy-function";
import { ModelSync, spacyModelWheel } from "@serverless-spacy/shared";

const app = new App();
const stack = new TerraformStack(app, "search");
new AwsProvider(stack, "aws", { region: "eu-west-1" });

const network = new Network(stack, "network", { cidr: "10.40.0.0/16", natGateways: "single" });
const store = new EfsModelStore(stack, "models", {
  vpcId: network.vpcId,
  subnetIds: network.privateSubnetIds,
  availabilityZones: network.availabilityZones,
});
// Written by `npx serverless-spacy-layer build --arch x86_64 --out layers`.
const layer = new SpacyLayer(stack, "spacy", { zipPath: "layers/spacy-layer-python3.12-x86_64.zip" });
const sync = new ModelSync(stack, "sync", {
  vpcId: network.vpcId,
  subnetIds: network.privateSubnetIds,
  modelStore: store,
  // Pinned by the wheel's published sha256 (docs/model-sync.md lists where it comes from).
  model: {
    name: "en_core_web_sm",
    version: "3.8.0",
    source: spacyModelWheel(
      "en_core_web_sm",
      "3.8.0",
      "1932429db727d4bff3deed6b34cfc05df17794f4a52eeb26cf8928f7c1a0fb85",
    ),
  },
  layerArns: [layer.layerArn],
  internetEgress: network.internetEgress,
});
new SpacyFunction(stack, "ner", {
  vpcId: network.vpcId,
  subnetIds: network.privateSubnetIds,
  modelStore: store,
  layer,
  model: { name: "en_core_web_sm", version: "3.8.0" },
  modelReady: [sync.invocation],
  memorySize: 2048,
});

app.synth();
