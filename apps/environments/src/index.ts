// What other apps of this repository (apps/bootstrap) reuse from the environments app.
export { EMULATOR_ENDPOINT_VARIABLE, EmulatorGaps, emulatorEndpoint, emulatorProviderSettings } from "./emulator";
export { EXAMPLE_ACCOUNT_ID, EXAMPLE_STATE_BUCKET } from "./config/examples";
export { STATE_KEY_ALIAS, stateKey } from "./backend";
export { WORKLOAD_BOUNDARY_POLICY, managedPolicyArn } from "./config/delivery";
export { environments } from "./config/environments";
export { ConfigError, loadEnvironments } from "./config/load";
export type { EnvironmentConfig, EnvironmentConfigInput } from "./config/schema";
export { buildApp, type BuildAppOptions } from "./app";
export { skipCheckov } from "@serverless-spacy/shared/internal";
