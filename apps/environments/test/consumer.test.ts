// Builds a stack the way another team would: every module only through its package entry point.
import { Testing, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { EfsModelStore } from "@serverless-spacy/model-store";
import { Network } from "@serverless-spacy/network";
import { ModelSync, SpacyApiClient, spacyModelWheel } from "@serverless-spacy/shared";
import { SpacyFunction, SpacyLayer } from "@serverless-spacy/spacy-function";

describe("a consumer stack", () => {
  test("the package entry points are the built dist/ of the sources the workspace resolves to", () => {
    // Inside the workspace a package resolves to its src/index.ts (tsconfig paths, jest moduleNameMapper);
    // what ships is that file compiled to dist/index.js, which `pnpm test:consumer` installs and runs.
    for (const name of ["network", "model-store", "spacy-function", "shared"]) {
      const entry = require.resolve(`@serverless-spacy/${name}`);
      const manifest = require(`@serverless-spacy/${name}/package.json`);
      expect(entry.endsWith("/src/index.ts")).toBe(true);
      expect([manifest.main, manifest.types]).toEqual(["dist/index.js", "dist/index.d.ts"]);
      expect(manifest.exports["."]).toEqual({ types: "./dist/index.d.ts", default: "./dist/index.js" });
    }
    expect(typeof SpacyApiClient).toBe("function");
  });

  test("composes network, store, layer, sync and function with its own settings", () => {
    const stack = new TerraformStack(Testing.app(), "search-team");
    new AwsProvider(stack, "aws", { region: "us-east-1" });
    const network = new Network(stack, "network", {
      name: "search",
      cidr: "10.99.0.0/20",
      azCount: 3,
      natGateways: "single",
      subnetPrefixLength: 26,
    });
    const store = new EfsModelStore(stack, "models", {
      name: "search-models",
      vpcId: network.vpcId,
      subnetIds: network.privateSubnetIds,
      availabilityZones: network.availabilityZones,
      backups: false,
    });
    const layer = new SpacyLayer(stack, "spacy", { layerArn: "arn:aws:lambda:us-east-1:123456789012:layer:spacy:3" });
    const sync = new ModelSync(stack, "sync", {
      name: "search",
      vpcId: network.vpcId,
      subnetIds: network.privateSubnetIds,
      modelStore: store,
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
      name: "search-ner",
      vpcId: network.vpcId,
      subnetIds: network.privateSubnetIds,
      modelStore: store,
      layer,
      model: { name: "en_core_web_sm", version: "3.8.0" },
      modelReady: [sync.invocation],
      memorySize: 2048,
      api: { auth: "none" },
    });
    const s = JSON.parse(Testing.synth(stack));

    expect(
      Object.values(s.resource.aws_subnet)
        .map((x: any) => x.cidr_block)
        .sort(),
    ).toEqual(["10.99.0.0/26", "10.99.0.128/26", "10.99.0.192/26", "10.99.0.64/26", "10.99.1.0/26", "10.99.1.64/26"]);
    // One for_each resource keyed by zone: three mount targets at plan time.
    const [targets] = Object.values(s.resource.aws_efs_mount_target) as any[];
    expect(targets.for_each).toMatch(
      /^\$\{zipmap\(\[element\(data\.aws_availability_zones\.network_zones_\w+\.names, 0\), .*, 2\)\], \[aws_subnet\./,
    );
    expect(s.resource.aws_s3_bucket).toBeUndefined(); // an existing layer ARN needs no artifacts bucket
    const functions = Object.values(s.resource.aws_lambda_function) as any[];
    const ner = functions.find((f) => f.function_name === "search-ner");
    expect(ner.layers).toEqual(["arn:aws:lambda:us-east-1:123456789012:layer:spacy:3"]);
    expect(ner.memory_size).toBe(2048);
    // Both functions mount through the store's single access point, and the store admits both SGs.
    functions.forEach((f) =>
      expect(f.file_system_config.arn).toMatch(/aws_efs_access_point\.models_access-point_\w+\.arn/),
    );
    expect(Object.keys(s.resource.aws_vpc_security_group_ingress_rule)).toHaveLength(2);
  });
});
