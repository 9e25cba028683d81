import { App } from "cdktf";
import { emulatorEndpoint } from "@serverless-spacy/environments";
import { bootstrap, type BootstrapConfig } from "./config";
import { StateBucketStack } from "./state-bucket-stack";

export interface BuildBootstrapOptions {
  /** The bucket to create. @default the one in config.ts */
  readonly config?: BootstrapConfig;
  /** Process environment to read the emulator switch from. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Output directory. @default cdktf's (apps/bootstrap/cdktf.out) */
  readonly outdir?: string;
}

/** The bootstrap app: one stack, "bootstrap", with the state bucket. */
export function buildBootstrapApp(options: BuildBootstrapOptions = {}): App {
  const app = new App(options.outdir ? { outdir: options.outdir } : undefined);
  new StateBucketStack(app, "bootstrap", options.config ?? bootstrap, {
    emulatorEndpoint: emulatorEndpoint(options.env ?? process.env),
  });
  return app;
}
