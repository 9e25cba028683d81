export { buildBootstrapApp, type BuildBootstrapOptions } from "./app";
export { bootstrap, type BootstrapConfig } from "./config";
export { StateBucketStack, type StateBucketStackOptions } from "./state-bucket-stack";
