// A team that already has a VPC: no Network construct, the ids come from the team's own configuration.
// The private subnets need a route to the internet (NAT) for the model sync's pip download.
import { App, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { EfsModelStore } from "@serverless-spacy/model-store";
import { ModelSource, ModelSync } from "@serverless-spacy/model-sync";
import { SpacyFunction, SpacyLayer } from "@serverless-spacy/spacy-function";

/** The team's network, as its platform publishes it. */
export const TEAM_NETWORK = {
  vpcId: "vpc-0a1b2c3d4e5f60718",
  privateSubnets: [
    { subnetId: "subnet-0aaaaaaaaaaaaaaa1", availabilityZone: "eu-west-1a" },
    { subnetId: "subnet-0bbbbbbbbbbbbbbb2", availabilityZone: "eu-west-1b" },
  ],
  /** Security group that lets the function reach the team's internal services. */
  internalServicesSecurityGroupId: "sg-0123456789abcdef0",
};

export class OwnVpcStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: "eu-west-1" });
    const subnetIds = TEAM_NETWORK.privateSubnets.map((s) => s.subnetId);

    const store = new EfsModelStore(this, "models", {
      name: "reviews-models",
      vpcId: TEAM_NETWORK.vpcId,
      subnetIds,
      availabilityZones: TEAM_NETWORK.privateSubnets.map((s) => s.availabilityZone),
    });
    const layer = new SpacyLayer(this, "spacy", { layerArn: "arn:aws:lambda:eu-west-1:123456789012:layer:spacy:3" });
    const sync = new ModelSync(this, "sync", {
      name: "reviews-model-sync",
      vpcId: TEAM_NETWORK.vpcId,
      subnetIds,
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
    });
    new SpacyFunction(this, "ner", {
      name: "reviews-ner",
      vpcId: TEAM_NETWORK.vpcId,
      subnetIds,
      modelStore: store,
      layer,
      model: { name: "en_core_web_sm", version: "3.8.0" },
      modelReady: [sync.invocation],
      memorySize: 1024,
      securityGroupIds: [TEAM_NETWORK.internalServicesSecurityGroupId],
      environment: { TEAM: "reviews" },
      permissionsBoundary: "arn:aws:iam::123456789012:policy/team-boundary",
    });
  }
}

if (require.main === module) {
  const app = new App();
  new OwnVpcStack(app, "reviews-ner");
  app.synth();
}
