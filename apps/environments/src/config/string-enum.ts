import { z } from "zod";

/**
 * A config field holding one value of a module's string enum (`NatGatewayMode`, `ThroughputMode`, …). The config
 * writes the plain string (`natGateways: "single"`), the parsed config carries the enum member the construct
 * takes, and a wrong value is reported with every allowed string, like any other `z.enum`.
 */
export function stringEnum<E extends Record<string, string>>(values: E) {
  type Value = `${E[keyof E]}`;
  const allowed = Object.values(values) as [Value, ...Value[]];
  return z.enum(allowed).transform((value) => value as unknown as E[keyof E]);
}
