// What other apps of this repository (apps/bootstrap) reuse from the environments app.
export { EMULATOR_ENDPOINT_VARIABLE, EmulatorGaps, emulatorEndpoint, emulatorProviderSettings } from "./emulator";
export { EXAMPLE_ACCOUNT_ID, EXAMPLE_STATE_BUCKET } from "./config/examples";
export { stateKey } from "./backend";
