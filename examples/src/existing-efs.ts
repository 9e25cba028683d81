// A file system and access point that another stack (or team) owns, already holding the model: wrap them
// with EfsModelStore.fromAttributes and mount them from a new function. The owner's file system policy must
// admit the function's role (or the file system has no policy); this stack adds the role's identity
// policy and the NFS ingress rule on the mount targets' security group.
import { App, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { EfsModelStore } from "@serverless-spacy/model-store";
import { SpacyFunction, SpacyLayer } from "@serverless-spacy/spacy-function";

export class ExistingEfsStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: "eu-west-1" });

    const store = EfsModelStore.fromAttributes(this, "shared-models", {
      fileSystemId: "fs-0123456789abcdef0",
      accessPointId: "fsap-0123456789abcdef0",
      securityGroupId: "sg-0fedcba9876543210",
    });
    const layer = new SpacyLayer(this, "spacy", { layerArn: "arn:aws:lambda:eu-west-1:123456789012:layer:spacy:3" });
    new SpacyFunction(this, "ner", {
      name: "support-ner",
      vpcId: "vpc-0a1b2c3d4e5f60718",
      subnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"],
      modelStore: store,
      layer,
      model: { name: "en_core_web_lg", version: "3.8.0" },
      role: { roleArn: "arn:aws:iam::123456789012:role/support-ner", roleName: "support-ner" },
    });
  }
}

if (require.main === module) {
  const app = new App();
  new ExistingEfsStack(app, "support-ner");
  app.synth();
}
