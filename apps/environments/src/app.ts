import { App } from "cdktf";
import { environments } from "./config/environments";
import { loadEnvironments } from "./config/load";
import type { EnvironmentConfigInput } from "./config/schema";
import { emulatorEndpoint } from "./emulator";
import { SpacyEnvironmentStack } from "./spacy-environment-stack";

export interface BuildAppOptions {
  /** Environments to synthesize. @default the ones in config/environments.ts */
  readonly environments?: Record<string, EnvironmentConfigInput>;
  /** Process environment to read the emulator switch from. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Output directory. @default cdktf's (cdktf.out) */
  readonly outdir?: string;
}

/** Builds the app with one stack per environment; throws a ConfigError naming every bad field. */
export function buildApp(options: BuildAppOptions = {}): App {
  const configs = loadEnvironments(options.environments ?? environments);
  const endpoint = emulatorEndpoint(options.env ?? process.env);
  const app = new App(options.outdir ? { outdir: options.outdir } : undefined);
  for (const [environment, config] of Object.entries(configs)) {
    new SpacyEnvironmentStack(app, environment, config, { emulatorEndpoint: endpoint });
  }
  return app;
}
