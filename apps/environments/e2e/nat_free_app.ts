// The emulator end-to-end suite's NAT-free variant of dev (test_nat_free_lifecycle.py runs it with
// `cdktf deploy --app`): no NAT gateway, and the model is a private wheel in S3 that the sync reads through
// the VPC's S3 gateway endpoint. Same app code as the real environments, one changed config.
import { buildApp } from "../src/app";
import { environments } from "../src/config/environments";
import type { EnvironmentConfigInput } from "../src/config/schema";

export const NAT_FREE_STACK = "dev-private";
const dev = environments.dev;

const variant: EnvironmentConfigInput = {
  ...dev,
  network: { ...dev.network, cidr: "10.40.0.0/16", natGateways: "none", s3GatewayEndpoint: true },
  models: dev.models.map((model) => ({
    ...model,
    source: {
      kind: "s3",
      bucket: "spacy-e2e-private-models",
      key: "en_core_web_sm/en_core_web_sm-3.8.0-py3-none-any.whl",
      sha256: "1932429db727d4bff3deed6b34cfc05df17794f4a52eeb26cf8928f7c1a0fb85",
    },
  })),
};

buildApp({ environments: { [NAT_FREE_STACK]: variant } }).synth();
