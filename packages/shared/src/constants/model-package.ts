// The same rules as the sync handler's event check (modules/model-sync/runtime/src/sync_event.py), so a bad model fails
// the synth (and the config report) instead of the apply. Names are spaCy packages "<lang>_<name>" in
// lower-case snake_case: pip normalises names but `spacy.load` and the store's directory layout take them
// verbatim.

/** A spaCy model package name, "<lang>_<name>", e.g. "en_core_web_lg". */
export const MODEL_NAME_PATTERN = /^[a-z][a-z0-9]*_[a-z0-9][a-z0-9_]*$/;
/** Longest model package name accepted. */
export const MAX_MODEL_NAME_LENGTH = 100;

/**
 * An exact, canonical PEP 440 public version ("3.8.0", "3.8.0rc1", "3.8.0.post1"): no range, epoch or local
 * part, since the wheel's and meta.json's versions must equal it and it names a directory.
 */
export const MODEL_VERSION_PATTERN = /^\d+(\.\d+)*((a|b|rc)\d+)?(\.post\d+)?(\.dev\d+)?$/;
/** Longest model version accepted. */
export const MAX_MODEL_VERSION_LENGTH = 64;

/** Earlier model versions the sync may keep beside the current one (sync_event.py's MIN/MAX_KEEP_VERSIONS). */
export const KEEP_VERSIONS_LIMITS = { min: 1, max: 100 } as const;

/** Earlier versions kept when `keepVersions` is not given (sync_event.py's DEFAULT_KEEP_VERSIONS). */
export const DEFAULT_KEEP_VERSIONS = 2;

/** The rule for model names, in words, for error messages (the config report appends the value). */
export const MODEL_NAME_RULE =
  `must be a spaCy package name "<lang>_<name>" in lower-case snake_case matching ${MODEL_NAME_PATTERN}, at most ` +
  `${MAX_MODEL_NAME_LENGTH} characters (like "en_core_web_lg")`;

/** The rule for model versions, in words, for error messages (the config report appends the value). */
export const MODEL_VERSION_RULE =
  `must be an exact PEP 440 version matching ${MODEL_VERSION_PATTERN} (like "3.8.0" or "3.8.0rc1"; no ranges, ` +
  "epochs or local parts)";

/** Whether `name` is a model package name the function and the sync accept. */
export function isModelName(name: string): boolean {
  return MODEL_NAME_PATTERN.test(name) && name.length <= MAX_MODEL_NAME_LENGTH;
}

/** Whether `version` is an exact model version the function and the sync accept. */
export function isModelVersion(version: string): boolean {
  return MODEL_VERSION_PATTERN.test(version) && version.length <= MAX_MODEL_VERSION_LENGTH;
}

/** Why `name` is not a model package name the function and the sync accept, or undefined when it is. */
export function modelNameProblem(name: string): string | undefined {
  return isModelName(name) ? undefined : `${MODEL_NAME_RULE}, got ${JSON.stringify(name)}`;
}

/** Why `version` is not an exact model version the function and the sync accept, or undefined when it is. */
export function modelVersionProblem(version: string): string | undefined {
  return isModelVersion(version) ? undefined : `${MODEL_VERSION_RULE}, got ${JSON.stringify(version)}`;
}

/** A wheel's sha256 as pip prints it: 64 lowercase hex digits (the sync's and the config's pin). */
export const SHA256_PATTERN = /^[0-9a-f]{64}$/;

/** S3's bucket naming rules (3-63 characters, lowercase, digits, "." and "-"). */
export const S3_BUCKET_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
