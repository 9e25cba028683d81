// The same stack as main.ts in plain CommonJS JavaScript: the packages work without TypeScript.
const { App, TerraformStack } = require("cdktf");
const { AwsProvider } = require("@cdktf/provider-aws/lib/provider");
const { Network } = require("@serverless-spacy/network");
const { EfsModelStore } = require("@serverless-spacy/model-store");
const { SpacyFunction, SpacyLayer } = require("@serverless-spacy/spacy-function");
const { ModelSync, spacyModelWheel } = require("@serverless-spacy/shared");

const app = new App();
const stack = new TerraformStack(app, "search");
new AwsProvider(stack, "aws", { region: "eu-west-1" });

const network = new Network(stack, "network", { cidr: "10.40.0.0/16", natGateways: "single" });
const store = new EfsModelStore(stack, "models", {
  vpcId: network.vpcId,
  subnetIds: network.privateSubnetIds,
  availabilityZones: network.availabilityZones,
});
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
