import { Token } from "cdktf";

// Values that are still tokens (e.g. from a TerraformVariable) are only known at plan time; they are
// left to AWS to validate rather than rejected here.

/** Render a bad value the way it was written, so the message can be matched against the config. */
export function show(value: unknown): string {
  return typeof value === "string" || Array.isArray(value) ? JSON.stringify(value) : String(value);
}

/** Throw the module's standard validation error: construct path, field, what is allowed, the bad value. */
export function invalid(path: string, field: string, allowed: string, value: unknown): never {
  throw new Error(`${path}: ${field} must be ${allowed}, got ${show(value)}`);
}

/** Require an integer within [min, max]. */
export function assertIntegerInRange(
  path: string,
  field: string,
  value: number | undefined,
  min: number,
  max: number,
  unit = "",
): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    invalid(path, field, `an integer in ${min}–${max}${unit ? ` (${unit})` : ""}`, value);
  }
}

/** Require a number at least `min` (integers only when `integer`). */
export function assertAtLeast(
  path: string,
  field: string,
  value: number | undefined,
  min: number,
  integer: boolean,
): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    invalid(path, field, `${integer ? "an integer" : "a number"} ≥ ${min}`, value);
  }
}

/** Require one of a fixed list of values. */
export function assertOneOf<T>(path: string, field: string, value: T | undefined, allowed: readonly T[]): void {
  if (value === undefined || (typeof value === "string" && Token.isUnresolved(value))) {
    return;
  }
  if (!allowed.includes(value)) {
    invalid(path, field, `one of ${allowed.join(", ")}`, value);
  }
}

/** Require a string to match a pattern, described in words for the message. */
export function assertMatches(
  path: string,
  field: string,
  value: string | undefined,
  pattern: RegExp,
  allowed: string,
): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  if (!pattern.test(value)) {
    invalid(path, field, allowed, value);
  }
}

/** Which of a set of mutually exclusive props were given, by name: the value an "exactly one of" message shows. */
export function givenFields(fields: Record<string, unknown>): string[] {
  return Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([name]) => name);
}
