/** Memory a Lambda function can be given, in MB (CPU scales with it: one full vCPU at 1769 MB). */
export const MEMORY_LIMITS = { min: 128, max: 10240 } as const;

/** Function timeout, in seconds. */
export const TIMEOUT_LIMITS = { min: 1, max: 900 } as const;

/** Size of /tmp, in MB. */
export const EPHEMERAL_STORAGE_LIMITS = { min: 512, max: 10240 } as const;

/** Longest an HTTP API waits for its integration, in seconds; longer function timeouts only help direct invokes. */
export const HTTP_API_MAX_INTEGRATION_TIMEOUT = 30;

/** Subnets a function's VPC config can list. */
export const MAX_VPC_SUBNETS = 16;
