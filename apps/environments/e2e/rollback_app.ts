// The emulator end-to-end suite's model switch and rollback (test_model_rollback.py runs it with
// `cdktf deploy --app`): dev in its own address range, with the model version taken from
// SPACY_E2E_MODEL_VERSION, so one test can deploy a version, switch to another and roll back.
// Same app code as the real environments; only the model differs between the applies.
import { buildApp } from "../src/app";
import { environments } from "../src/config/environments";
import type { EnvironmentConfigInput } from "../src/config/schema";

export const ROLLBACK_STACK = "dev-rollback";

// The wheels spaCy publishes, pinned by their published sha256 (moto does not run the sync, so the pins are
// never checked here; they are real so that the config reads like an environment's).
const WHEELS: Record<string, { location: string; sha256: string }> = {
  "3.7.1": {
    location:
      "https://github.com/explosion/spacy-models/releases/download/en_core_web_sm-3.7.1/en_core_web_sm-3.7.1-py3-none-any.whl",
    sha256: "86cc141f63942d4b2c5fcee06630fd6f904788d2f0ab005cce45aadb8fb73889",
  },
  "3.8.0": {
    location:
      "https://github.com/explosion/spacy-models/releases/download/en_core_web_sm-3.8.0/en_core_web_sm-3.8.0-py3-none-any.whl",
    sha256: "1932429db727d4bff3deed6b34cfc05df17794f4a52eeb26cf8928f7c1a0fb85",
  },
};

const version = process.env.SPACY_E2E_MODEL_VERSION ?? "";
const wheel = WHEELS[version];
if (!wheel) {
  throw new Error(`SPACY_E2E_MODEL_VERSION must be one of ${Object.keys(WHEELS).join(", ")}, got "${version}"`);
}
const dev = environments.dev;
const variant: EnvironmentConfigInput = {
  ...dev,
  network: { ...dev.network, cidr: "10.50.0.0/16" },
  models: dev.models.map((model) => ({ ...model, version, source: { kind: "wheel_url" as const, ...wheel } })),
};

buildApp({ environments: { [ROLLBACK_STACK]: variant } }).synth();
