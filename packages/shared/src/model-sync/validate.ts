import { Token } from "cdktf";
import {
  EPHEMERAL_STORAGE_LIMITS,
  FUNCTION_NAME_PATTERN,
  KEEP_VERSIONS_LIMITS,
  LAMBDA_ARCHITECTURES,
  LOG_RETENTION_DAYS,
  MAX_LAYERS,
  MAX_VPC_SUBNETS,
  MEMORY_LIMITS,
  MOUNT_PATH_PATTERN,
  TIMEOUT_LIMITS,
  isLogRetentionDays,
  modelNameProblem,
  modelVersionProblem,
} from "../constants";
import { MODEL_SOURCE_KINDS, type ModelSource, type ModelSourceKind } from "./model-source";

/** A wheel's sha256 as pip prints it: 64 lowercase hex digits. */
export const SHA256_PATTERN = /^[0-9a-f]{64}$/;
// S3's bucket naming rules (3-63 characters, lowercase, digits, "." and "-").
export const S3_BUCKET_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/**
 * Fewest earlier versions kept: the serving function serves the previous one until the deploy that synced a new one
 * updates it.
 */
export const MIN_KEEP_VERSIONS = KEEP_VERSIONS_LIMITS.min;

/** Values that must be known while the app is built; Terraform references (tokens) are skipped. */
const literal = (value: unknown): boolean => !Token.isUnresolved(value);

function fail(path: string, message: string): never {
  throw new Error(`${path}: ${message}`);
}

function integerIn(path: string, field: string, value: number, min: number, max: number, unit = ""): void {
  if (literal(value) && (!Number.isInteger(value) || value < min || value > max)) {
    fail(path, `${field} must be an integer from ${min} to ${max}${unit}, got ${value}`);
  }
}

export function validateName(path: string, name: string): void {
  if (literal(name) && !FUNCTION_NAME_PATTERN.test(name)) {
    fail(
      path,
      `name must be 1-64 characters of A-Z, a-z, 0-9, "_" and "-" (it names the function; the role is ` +
        `"<name>-role", the security group "<name>-lambda"), got "${name}"`,
    );
  }
}

export function validateModel(path: string, name: string, version: string, source: ModelSource): void {
  const nameProblem = literal(name) ? modelNameProblem(name) : undefined;
  if (nameProblem) {
    fail(path, `model.name ${nameProblem}`);
  }
  const versionProblem = literal(version) ? modelVersionProblem(version) : undefined;
  if (versionProblem) {
    fail(path, `model.version ${versionProblem}`);
  }
  if (!(MODEL_SOURCE_KINDS as readonly string[]).includes(source.kind)) {
    fail(path, `model.source.kind must be one of ${MODEL_SOURCE_KINDS.join(", ")}, got "${source.kind}"`);
  }
  if (literal(source.sha256) && (typeof source.sha256 !== "string" || !SHA256_PATTERN.test(source.sha256))) {
    fail(
      path,
      `model.source.sha256 must be the wheel's sha256 as 64 lowercase hex digits (pip refuses any other file), got ` +
        `${JSON.stringify(source.sha256)}`,
    );
  }
  if (source.kind === "s3") {
    validateS3Object(path, source.bucket, source.key);
  } else if (literal(source.location)) {
    validateLocation(path, source.kind, source.location);
  }
}

function validateS3Object(path: string, bucket: string, key: string): void {
  if (literal(bucket) && (typeof bucket !== "string" || !S3_BUCKET_PATTERN.test(bucket) || bucket.includes(".."))) {
    fail(
      path,
      `model.source.bucket must be an S3 bucket name (3-63 of a-z, 0-9, "." and "-"), got ${JSON.stringify(bucket)}`,
    );
  }
  if (literal(key)) {
    if (typeof key !== "string" || key.length === 0 || key.length > 1024 || hasControlCharacter(key)) {
      fail(path, `model.source.key must be an S3 key of 1 to 1024 printable characters, got ${JSON.stringify(key)}`);
    }
    if (!key.endsWith(".whl")) {
      fail(path, `model.source.key must name a .whl file (pip installs wheels), got ${JSON.stringify(key)}`);
    }
  }
}

// The same rules as the sync's check_location (model-sync/src/sync_event.py).
function validateLocation(path: string, kind: ModelSourceKind, location: string): void {
  const allowed =
    kind === "find_links"
      ? "an https URL (http only for 127.0.0.1 or localhost) or an absolute path"
      : "an https URL (http only for 127.0.0.1 or localhost)";
  // pip gets the location as one argument: whitespace would be trimmed or split, a leading "-" read as an option.
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this rejects
  if (/[\s\x00-\x1f\x7f]/.test(location) || location.startsWith("-")) {
    fail(
      path,
      `model.source.location must be ${allowed}, without whitespace or control characters, got ` +
        `${JSON.stringify(location)}`,
    );
  }
  if (kind === "find_links" && location.startsWith("/")) {
    return;
  }
  let url: URL;
  try {
    // WHATWG URL parsing repairs "https:/host" and "https:///host"; pip gets the string as written, so it must
    // already be "<scheme>://<host>".
    if (!/^[a-z][a-z0-9+.-]*:\/\/[^/?#]/i.test(location)) {
      throw new Error("no authority");
    }
    url = new URL(location);
  } catch {
    return fail(path, `model.source.location for kind "${kind}" must be ${allowed}, got "${location}"`);
  }
  // Plain http is only acceptable to a server on the same host (tests); anything else crosses the internet.
  const local = url.protocol === "http:" && (url.hostname === "127.0.0.1" || url.hostname === "localhost");
  if ((url.protocol !== "https:" && !local) || url.hostname === "") {
    fail(path, `model.source.location for kind "${kind}" must be ${allowed}, got "${location}"`);
  }
  // The location sits in the function's environment and in Terraform state: a token there is a leaked token.
  if (url.username !== "" || url.password !== "" || /^[a-z]+:\/\/[^/]*@/i.test(location)) {
    fail(
      path,
      `model.source.location must not carry credentials (user:password@); they would sit in the function's ` +
        `configuration and Terraform state (use an s3 source for a private wheel)`,
    );
  }
  // pip only treats a direct URL as a wheel when its file name ends in .whl.
  if (kind === "wheel_url" && !url.pathname.endsWith(".whl")) {
    fail(path, `model.source.location for kind "wheel_url" must point at a .whl file, got "${location}"`);
  }
}

export interface FunctionSettings {
  readonly subnetIds: string[];
  readonly layerArns: string[];
  readonly mountPath: string;
  readonly keepVersions: number;
  readonly memorySize: number;
  readonly timeout: number;
  readonly ephemeralStorageMb: number;
  readonly architecture: string;
  readonly runtime: string;
  readonly logRetentionDays: number;
}

export function validateFunction(path: string, s: FunctionSettings): void {
  if (literal(s.subnetIds) && (s.subnetIds.length === 0 || s.subnetIds.length > MAX_VPC_SUBNETS)) {
    fail(
      path,
      `subnetIds must list 1 to ${MAX_VPC_SUBNETS} private subnets (each with a mount target and NAT egress), got ` +
        `${s.subnetIds.length}`,
    );
  }
  if (literal(s.layerArns) && (s.layerArns.length < 1 || s.layerArns.length > MAX_LAYERS)) {
    fail(
      path,
      `layerArns must list 1 to ${MAX_LAYERS} layers (the spaCy layer, which carries pip), got ${s.layerArns.length}`,
    );
  }
  if (literal(s.mountPath) && !MOUNT_PATH_PATTERN.test(s.mountPath)) {
    fail(path, `mountPath must be one directory under /mnt like "/mnt/models" (Lambda's rule), got "${s.mountPath}"`);
  }
  // At least 1: the version the serving function still serves while a deploy rolls must never be retired.
  integerIn(path, "keepVersions", s.keepVersions, KEEP_VERSIONS_LIMITS.min, KEEP_VERSIONS_LIMITS.max);
  integerIn(path, "memorySize", s.memorySize, MEMORY_LIMITS.min, MEMORY_LIMITS.max, " MB");
  integerIn(path, "timeout", s.timeout, TIMEOUT_LIMITS.min, TIMEOUT_LIMITS.max, " seconds");
  integerIn(
    path,
    "ephemeralStorageMb",
    s.ephemeralStorageMb,
    EPHEMERAL_STORAGE_LIMITS.min,
    EPHEMERAL_STORAGE_LIMITS.max,
    " MB",
  );
  if (!(LAMBDA_ARCHITECTURES as readonly string[]).includes(s.architecture)) {
    fail(path, `architecture must be one of ${LAMBDA_ARCHITECTURES.join(", ")}, got "${s.architecture}"`);
  }
  if (literal(s.runtime) && !/^python3\.\d+$/.test(s.runtime)) {
    fail(path, `runtime must be a Python runtime like "python3.12" (the sync handler is Python), got "${s.runtime}"`);
  }
  if (literal(s.logRetentionDays) && !isLogRetentionDays(s.logRetentionDays)) {
    fail(path, `logRetentionDays must be one of ${LOG_RETENTION_DAYS.join(", ")}, got ${s.logRetentionDays}`);
  }
}

/** True when text holds an ASCII control character (S3 accepts them in keys; pip and URLs do not). */
function hasControlCharacter(text: string): boolean {
  return [...text].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
}
