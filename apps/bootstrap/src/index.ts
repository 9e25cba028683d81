export { buildBootstrapApp, type BuildBootstrapOptions } from "./app";
export { EXAMPLE_GITHUB_REPOSITORY, bootstrap, type BootstrapConfig } from "./config";
export { DeliveryRoles, type DeliveryRolesProps } from "./delivery-roles";
export { StateBucketStack, type StateBucketStackOptions } from "./state-bucket-stack";
export { BootstrapConfigError, validateBootstrap } from "./validate";
