/**
 * Limits and choices of AWS Lambda that the constructs and the environments' config schema both check.
 * Plain values only (no cdktf), so the config schema and the client can import them without the provider.
 */

/** Instruction sets a function (and the compiled wheels in its layer) can target; function and layer must agree. */
export const LAMBDA_ARCHITECTURES = ["x86_64", "arm64"] as const;

/** One of `LAMBDA_ARCHITECTURES`. */
export type LambdaArchitecture = (typeof LAMBDA_ARCHITECTURES)[number];

/** The Python runtime the spaCy layer is built for (`pnpm build:layer` targets exactly this one). */
export const LAYER_RUNTIME = "python3.12";

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

/** Layers a function can use. */
export const MAX_LAYERS = 5;

/** Function (and role) names: Lambda's and IAM's shared alphabet, at most 64 characters. */
export const FUNCTION_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Where the functions mount the model store unless told otherwise: the mount path the constructs default to and
 * the MODEL_ROOT the runtime and the sync fall back to (their DEFAULT_MODEL_ROOT, checked equal by their tests).
 */
export const DEFAULT_MOUNT_PATH = "/mnt/models";

/** Lambda's own rule for file_system_config.local_mount_path: one directory directly under /mnt. */
export const MOUNT_PATH_PATTERN = /^\/mnt\/[A-Za-z0-9_.-]+$/;
