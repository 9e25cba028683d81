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
  S3_BUCKET_PATTERN,
  SHA256_PATTERN,
  TIMEOUT_LIMITS,
  assertIntegerInRange,
  assertMatches,
  assertOneOf,
  invalid,
  modelNameProblem,
  modelVersionProblem,
} from "@serverless-spacy/shared/internal";
import { MODEL_SOURCE_KINDS, ModelSourceKind } from "./model-source";

/** Values that must be known while the app is built; Terraform references (tokens) are skipped. */
const literal = (value: unknown): boolean => !Token.isUnresolved(value);

/** A source's fields as the checks read them: a `ModelSource`, or the same shape as plain data. */
export interface SourceFields {
  readonly kind: ModelSourceKind;
  readonly sha256: string;
  readonly location?: string;
  readonly bucket?: string;
  readonly key?: string;
}

export function validateName(path: string, name: string): void {
  assertMatches(path, "name", name, FUNCTION_NAME_PATTERN, "1–64 characters of A-Z, a-z, 0-9, - and _");
}

export function validateModel(path: string, name: string, version: string, source: SourceFields): void {
  // The same wording as SpacyFunction's: the rule in words, then the value.
  for (const [field, value, problem] of [
    ["model.name", name, modelNameProblem],
    ["model.version", version, modelVersionProblem],
  ] as const) {
    const message = literal(value) ? problem(value) : undefined;
    if (message) {
      throw new Error(`${path}: ${field} ${message}`);
    }
  }
  if (!MODEL_SOURCE_KINDS.includes(source.kind)) {
    invalid(path, "model.source.kind", `one of ${MODEL_SOURCE_KINDS.join(", ")}`, source.kind);
  }
  if (literal(source.sha256) && (typeof source.sha256 !== "string" || !SHA256_PATTERN.test(source.sha256))) {
    invalid(
      path,
      "model.source.sha256",
      "the wheel's sha256 as 64 lowercase hex digits (pip refuses any other file)",
      source.sha256,
    );
  }
  if (source.kind === ModelSourceKind.S3) {
    validateS3Object(path, source.bucket, source.key);
  } else if (literal(source.location)) {
    validateLocation(path, source.kind, source.location);
  }
}

function validateS3Object(path: string, bucket: string | undefined, key: string | undefined): void {
  if (literal(bucket) && (typeof bucket !== "string" || !S3_BUCKET_PATTERN.test(bucket) || bucket.includes(".."))) {
    invalid(path, "model.source.bucket", 'an S3 bucket name (3-63 of a-z, 0-9, "." and "-")', bucket);
  }
  if (literal(key)) {
    if (typeof key !== "string" || key.length === 0 || key.length > 1024 || hasControlCharacter(key)) {
      invalid(path, "model.source.key", "an S3 key of 1 to 1024 printable characters", key);
    }
    if (!key.endsWith(".whl")) {
      invalid(path, "model.source.key", "the key of a .whl file (pip installs wheels)", key);
    }
  }
}

// The same rules as the sync's check_location (runtime/src/sync_event.py).
function validateLocation(path: string, kind: ModelSourceKind, location: string | undefined): void {
  const field = "model.source.location";
  const allowed =
    kind === ModelSourceKind.FIND_LINKS
      ? "an https URL (http only for 127.0.0.1 or localhost) or an absolute path"
      : "an https URL (http only for 127.0.0.1 or localhost)";
  if (typeof location !== "string") {
    return invalid(path, field, `${allowed} for kind "${kind}"`, location);
  }
  // pip gets the location as one argument: whitespace would be trimmed or split, a leading "-" read as an option.
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this rejects
  if (/[\s\x00-\x1f\x7f]/.test(location) || location.startsWith("-")) {
    invalid(path, field, `${allowed}, without whitespace or control characters`, location);
  }
  if (kind === ModelSourceKind.FIND_LINKS && location.startsWith("/")) {
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
    return invalid(path, field, `${allowed} for kind "${kind}"`, location);
  }
  // Plain http is only acceptable to a server on the same host (tests); anything else crosses the internet.
  const local = url.protocol === "http:" && (url.hostname === "127.0.0.1" || url.hostname === "localhost");
  if ((url.protocol !== "https:" && !local) || url.hostname === "") {
    invalid(path, field, `${allowed} for kind "${kind}"`, location);
  }
  // The location sits in the function's environment and in Terraform state: a token there is a leaked token.
  // The message shows the location with the credentials masked, so the error does not leak them either.
  if (url.username !== "" || url.password !== "" || /^[a-z]+:\/\/[^/]*@/i.test(location)) {
    invalid(
      path,
      field,
      "free of credentials (user:password@), which would sit in the function's configuration and Terraform state " +
        "(use an s3 source for a private wheel)",
      location.replace(/^([a-z]+:\/\/)[^/]*@/i, "$1***@"),
    );
  }
  // pip only treats a direct URL as a wheel when its file name ends in .whl.
  if (kind === ModelSourceKind.WHEEL_URL && !url.pathname.endsWith(".whl")) {
    invalid(path, field, 'the URL of a .whl file for kind "wheel_url"', location);
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
  if (literal(s.subnetIds) && (s.subnetIds.length < 1 || s.subnetIds.length > MAX_VPC_SUBNETS)) {
    invalid(path, "subnetIds", `a list of 1–${MAX_VPC_SUBNETS} private subnet ids`, s.subnetIds);
  }
  if (literal(s.layerArns) && (s.layerArns.length < 1 || s.layerArns.length > MAX_LAYERS)) {
    invalid(
      path,
      "layerArns",
      `a list of 1–${MAX_LAYERS} layer ARNs (the spaCy layer, which carries pip)`,
      s.layerArns,
    );
  }
  assertMatches(
    path,
    "mountPath",
    s.mountPath,
    MOUNT_PATH_PATTERN,
    'one directory directly under /mnt/ (Lambda only mounts file systems there), like "/mnt/models"',
  );
  // At least 1: the version the serving function still serves while a deploy rolls must never be retired.
  assertIntegerInRange(path, "keepVersions", s.keepVersions, KEEP_VERSIONS_LIMITS.min, KEEP_VERSIONS_LIMITS.max);
  assertIntegerInRange(path, "memorySize", s.memorySize, MEMORY_LIMITS.min, MEMORY_LIMITS.max, "MB");
  assertIntegerInRange(path, "timeout", s.timeout, TIMEOUT_LIMITS.min, TIMEOUT_LIMITS.max, "seconds");
  assertIntegerInRange(
    path,
    "ephemeralStorageMb",
    s.ephemeralStorageMb,
    EPHEMERAL_STORAGE_LIMITS.min,
    EPHEMERAL_STORAGE_LIMITS.max,
    "MB",
  );
  assertOneOf(path, "architecture", s.architecture, LAMBDA_ARCHITECTURES as readonly string[]);
  assertMatches(
    path,
    "runtime",
    s.runtime,
    /^python3\.\d+$/,
    'a Python runtime like "python3.12" (the sync is Python)',
  );
  assertOneOf(path, "logRetentionDays", s.logRetentionDays, LOG_RETENTION_DAYS as readonly number[]);
}

/** `role` and `permissionsBoundary`: a boundary only for a role the construct creates, and a policy ARN. */
export function validateRole(path: string, hasRole: boolean, permissionsBoundary: string | undefined): void {
  if (hasRole && permissionsBoundary !== undefined) {
    invalid(
      path,
      "permissionsBoundary",
      "unset when role is given (it applies to a role the construct creates)",
      permissionsBoundary,
    );
  }
  assertMatches(
    path,
    "permissionsBoundary",
    permissionsBoundary,
    /^arn:aws[a-z-]*:iam::\d{12}:policy\/.+$/,
    "a managed policy ARN like arn:aws:iam::123456789012:policy/boundary",
  );
}

/** True when text holds an ASCII control character (S3 accepts them in keys; pip and URLs do not). */
function hasControlCharacter(text: string): boolean {
  return [...text].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
}
