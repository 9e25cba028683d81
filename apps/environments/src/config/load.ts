import type { z } from "zod";
import { Network } from "@serverless-spacy/network";
import { environmentIssues } from "./environment-rules";
import {
  environmentConfigSchema,
  productionIssues,
  type EnvironmentConfig,
  type EnvironmentConfigInput,
} from "./schema";

/** A config that cannot be deployed; the message names environment, field, value and what is allowed. */
export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid environment config:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  return path.reduce<unknown>(
    (node, key) => (node && typeof node === "object" ? (node as Record<PropertyKey, unknown>)[key] : undefined),
    input,
  );
}

function describe(issue: z.core.$ZodIssue, input: unknown): string {
  if (issue.code === "unrecognized_keys") {
    return `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
  }
  const value = valueAt(input, issue.path);
  const got = value === undefined ? "it is missing" : `got ${JSON.stringify(value)}`;
  return `${issue.message} (${got})`;
}

function fieldOf(path: PropertyKey[]): string {
  return path.length > 0 ? path.map(String).join(".") : "(root)";
}

/** Validates every environment, fills defaults, and checks rules that span environments. */
export function loadEnvironments(raw: Record<string, EnvironmentConfigInput>): Record<string, EnvironmentConfig> {
  const problems: string[] = [];
  const configs: Record<string, EnvironmentConfig> = {};
  for (const [name, input] of Object.entries(raw)) {
    if (!/^[a-z][a-z0-9-]{0,19}$/.test(name)) {
      problems.push(
        `environment "${name}": the name must be lowercase letters, digits and dashes (max 20), as ` +
          `it prefixes resource names`,
      );
      continue;
    }
    const parsed = environmentConfigSchema.safeParse(input);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        problems.push(`environment "${name}", field ${fieldOf(issue.path)}: ${describe(issue, input)}`);
      }
      continue;
    }
    const ruleIssues = [
      ...environmentIssues(name, parsed.data),
      ...(name === "prod" ? productionIssues(parsed.data) : []),
    ];
    // A Set: a rule for shared environments and a prod rule may say the same thing.
    for (const issue of new Set(
      ruleIssues.map(
        (i) => `field ${i.path}: ${i.message} (got ${JSON.stringify(valueAt(parsed.data, i.path.split(".")))})`,
      ),
    )) {
      problems.push(`environment "${name}", ${issue}`);
    }
    configs[name] = parsed.data;
  }
  const names = Object.keys(configs);
  names.forEach((a, i) =>
    names.slice(i + 1).forEach((b) => {
      if (Network.cidrsOverlap(configs[a].network.cidr, configs[b].network.cidr)) {
        problems.push(
          `environment "${b}", field network.cidr: ${configs[b].network.cidr} overlaps environment ` +
            `"${a}" (${configs[a].network.cidr}); every environment needs its own address range`,
        );
      }
    }),
  );
  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
  return configs;
}
