import { z } from "zod";

/**
 * A choice the config writes as a plain string ("iam") that a module takes as a string enum with those values
 * (`ApiAuthMode.IAM`): config files keep their strings, the stack gets the enum, and a bad value is reported as
 * `z.enum` reports it (the allowed strings).
 */
export function stringEnum<const E extends Record<string, string>>(choices: E) {
  type Value = `${E[keyof E]}`;
  const values = Object.values(choices) as [Value, ...Value[]];
  return z.enum(values).transform((value) => value as unknown as E[keyof E]);
}
