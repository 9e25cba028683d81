// dev with a second model beside its own: what a team adds to serve its pipeline next to the stock one.
// The emulator end-to-end test plans and applies it over a deployed dev (two_models_app.ts); the jest suite
// checks that adding it changes none of the first model's resources.
import type { EnvironmentConfigInput } from "../src/config/schema";

export const SECOND_MODEL = {
  name: "en_acme_support",
  version: "1.0.0",
  source: {
    kind: "s3",
    bucket: "spacy-e2e-private-models",
    key: "en_acme_support/en_acme_support-1.0.0-py3-none-any.whl",
    sha256: "3f5e1c9d0b8a7e6f5d4c3b2a19081726354453627180918a7b6c5d4e3f2a1b0c",
  },
  keepVersions: 1,
  memorySize: 1024,
  reservedConcurrency: 2,
} as const;

/** The environment with SECOND_MODEL added after its models. */
export function withSecondModel(config: EnvironmentConfigInput): EnvironmentConfigInput {
  return { ...config, models: [...config.models, SECOND_MODEL] };
}
